"""Amounts in French words for receipts: "cent cinquante euros et dix centimes"."""

from __future__ import annotations

from num2words import num2words


def _words(number: int) -> str:
    return str(num2words(number, lang="fr"))


def _euros(euros: int) -> str:
    words = _words(euros)
    if euros >= 1_000_000 and euros % 1_000_000 == 0:
        return f"{words} d'euros"  # "un million d'euros"
    return f"{words} euro{'s' if euros > 1 else ''}"


def amount_in_words(cents: int) -> str:
    """French words for an amount in cents (euros and centimes)."""
    if cents < 0:
        raise ValueError("negative amount")
    euros, rest = divmod(cents, 100)
    parts = []
    if euros or not rest:
        parts.append(_euros(euros))
    if rest:
        parts.append(f"{_words(rest)} centime{'s' if rest > 1 else ''}")
    return " et ".join(parts)


def amount_in_figures(cents: int) -> str:
    """Framed amount as the doctrine admits for computer-made receipts: ***1 234,56***."""
    euros, rest = divmod(cents, 100)
    grouped = f"{euros:,}".replace(",", " ")
    return f"***{grouped},{rest:02d}***"
