"""Members and direct debits: memberships, mandates, plans, collections and their settings."""
