"""Dialogs: forms for one record or one operation."""
