"""Duplicate detection (normalise, block, score, group) and safe, undoable merges."""
