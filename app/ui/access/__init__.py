"""Who acts: login, users, backups and their passphrase."""
