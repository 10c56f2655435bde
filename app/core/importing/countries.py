"""Country cells as people type them: ISO codes, French, English and neighbours' names."""

from __future__ import annotations

from functools import cache

from app.core.text import fold

# Forms Babel's territory names do not cover (abbreviations, old or everyday names).
EXTRA = {
    "uk": "GB",
    "angleterre": "GB",
    "england": "GB",
    "ecosse": "GB",
    "scotland": "GB",
    "great britain": "GB",
    "grande bretagne": "GB",
    "usa": "US",
    "us": "US",
    "etats unis": "US",
    "etats unis d amerique": "US",
    "united states of america": "US",
    "hollande": "NL",
    "holland": "NL",
    "pays bas": "NL",
    "allemagne": "DE",
    "rfa": "DE",
    "suisse": "CH",
    "schweiz": "CH",
    "svizzera": "CH",
    "belgie": "BE",
    "martinique": "FR",
    "guadeloupe": "FR",
    "reunion": "FR",
    "la reunion": "FR",
    "guyane": "FR",
    "mayotte": "FR",
    "corse": "FR",
    "metropole": "FR",
    "fra": "FR",
    "bel": "BE",
    "che": "CH",
    "deu": "DE",
    "lux": "LU",
    "aus": "AU",
    "esp": "ES",
    "ita": "IT",
    "gbr": "GB",
    "can": "CA",
}
LANGUAGES = ("fr", "en", "de", "es", "it", "nl", "pt")


@cache
def _names() -> dict[str, str]:
    from babel import Locale

    names: dict[str, str] = {}
    for language in LANGUAGES:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(fold(name), code)
                names.setdefault(code.lower(), code)
    names.update(EXTRA)
    return names


def country_code(text: str) -> str | None:
    """ISO 3166 alpha-2 code of a country cell ("France", "BE", "Australie"), None if unknown."""
    key = fold(text).replace("-", " ").replace(".", "").replace("'", " ").strip()
    key = " ".join(key.split())
    if not key:
        return None
    return _names().get(key)
