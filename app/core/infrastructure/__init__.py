"""Infrastructure: opening and migrating the database, backups and their encryption, the
instance lock, integrity checks, id sequences, storage errors and the journal."""
