"""Gifts: recording and locking, the gift list query, deposit slips and campaigns."""
