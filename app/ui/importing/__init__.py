"""Imports: the wizard (preview, mapping, report) and the history with its undo."""
