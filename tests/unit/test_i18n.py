"""French first, English catalogue complete, one translation system for all layers."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from app import i18n
from app.core.organisation import OrganisationIdentity, validate

ROOT = Path(__file__).resolve().parents[2]


def _missing() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location(
        "i18n_missing", ROOT / "scripts" / "i18n_missing.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.missing("en")  # type: ignore[no-any-return]


def test_every_marked_string_has_an_english_translation() -> None:
    gaps = _missing()
    assert not gaps, "missing English translations (python scripts/i18n_missing.py):\n" + "\n".join(
        f"{where}: {text!r}" for text, where in gaps.items()
    )


@pytest.fixture
def english():  # type: ignore[no-untyped-def]
    i18n.set_language("en")
    yield
    i18n.set_language("fr")


def test_french_is_the_source_language() -> None:
    assert i18n._("Paramètres") == "Paramètres"


def test_core_messages_follow_the_chosen_language(english) -> None:  # type: ignore[no-untyped-def]
    messages = [str(p) for p in validate(OrganisationIdentity())]
    assert "Association name: required field." in messages
    assert i18n._("Paramètres") == "Settings"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        i18n.set_language("xx")


def test_a_french_text_has_one_translation_across_the_catalogues() -> None:
    """The catalogues are merged into one: a text translated twice, differently, would
    depend on the files' order ("nom" was "name" in one and "last name" in another)."""
    import json

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in sorted((ROOT / "resources" / "translations" / "en").glob("*.json")):
        for french, english in json.loads(path.read_text(encoding="utf-8")).items():
            first = seen.setdefault(french, (path.name, english))
            if first[1] != english:
                clashes.append(f"{french!r}: {first} / {(path.name, english)}")
    assert not clashes, "\n".join(clashes)
