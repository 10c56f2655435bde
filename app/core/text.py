"""Text folding for search and sorting: case, accents and ligatures removed."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})
_NON_WORD = re.compile(r"[^0-9a-z@.+]+")


def strip_accents(text: str) -> str:
    """'Hélène Œuvre' -> 'Helene OEuvre' (ligatures expanded, marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lowercase, accent-free, punctuation collapsed to single spaces: the search form.

    Cached: an import or a scan folds the same first names, streets and cities many times.
    """
    plain = text if text.isascii() else strip_accents(text)  # ASCII needs no decomposition
    return _NON_WORD.sub(" ", plain.lower()).strip()


def search_tokens(query: str) -> list[str]:
    """Tokens of a user query in search form ("Dupont, J-P" -> ["dupont", "j", "p"])."""
    return fold(query).split()
