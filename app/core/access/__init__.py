"""Who acts: user accounts, roles and permissions, and logging in on an open database."""
