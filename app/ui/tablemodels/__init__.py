"""Qt item models over SQL queries (never loading whole tables)."""
