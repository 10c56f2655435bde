"""Gifts: the list, the gift form, deposit slips and campaigns."""
