"""Duplicates: review side by side, merge field by field, undo."""
