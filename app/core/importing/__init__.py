"""Importing contacts and gifts from CSV, XLSX and ODS: read, map, check, commit, undo."""
