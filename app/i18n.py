"""One translation system for the GUI, the CLI and the reports (Qt-free).

Source strings are French. Translations live in resources/translations/<lang>/*.json,
one file per module ({"French text": "Translated text"}), merged when a language is set.
Missing entries fall back to the French text.
"""

from __future__ import annotations

import json
import os
from importlib.resources.abc import Traversable

from app.resources import resource

SOURCE_LANGUAGE = "fr"
SUPPORTED_LANGUAGES = ("fr", "en")
LANG_ENV_VAR = "OBOLE_LANG"

_catalogue: dict[str, str] = {}
_language = SOURCE_LANGUAGE


def catalogue_dir(language: str) -> Traversable:
    """Folder holding the JSON catalogues of `language` (a package resource)."""
    return resource("translations", language)


def load_catalogue(language: str) -> dict[str, str]:
    """Merge every JSON catalogue of `language` (empty for French, the source language)."""
    merged: dict[str, str] = {}
    if language == SOURCE_LANGUAGE:
        return merged
    files = [entry for entry in catalogue_dir(language).iterdir() if entry.name.endswith(".json")]
    for path in sorted(files, key=lambda entry: entry.name):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def detect_language() -> str:
    """$OBOLE_LANG, else the user's explicit locale ($LC_ALL/$LANG) if supported, else French."""
    wanted = (
        os.environ.get(LANG_ENV_VAR) or os.environ.get("LC_ALL") or os.environ.get("LANG") or ""
    )
    if wanted.upper().startswith(("C.", "POSIX")) or wanted == "C":
        wanted = ""  # no explicit choice: French, the language of the associations we serve
    code = wanted[:2].lower()
    return code if code in SUPPORTED_LANGUAGES else SOURCE_LANGUAGE


def set_language(language: str) -> None:
    """Switch every later `_()` call to `language`."""
    global _catalogue, _language
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language: {language}")
    _catalogue = load_catalogue(language)
    _language = language


def current_language() -> str:
    """The language `_()` translates to."""
    return _language


def _(text: str) -> str:
    """Translate a French source string into the current language."""
    return _catalogue.get(text, text) if _catalogue else text


def N_(text: str) -> str:  # noqa: N802 - gettext convention
    """Mark a string for translation without translating it now."""
    return text


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, translated (French: 0 and 1 take the singular).

    Mark both literals with N_() at the call site so that the catalogue check finds them:
    `ngettext(N_("{n} donateur"), N_("{n} donateurs"), n).format(n=n)`.
    """
    one = n in (0, 1) if _language == "fr" else n == 1
    return _(singular if one else plural)
