"""Normalised views of contacts for matching: French names, initials, phonetic keys."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from app.core.text import fold

PARTICLES = frozenset(
    {"de", "du", "des", "d", "la", "le", "les", "l", "van", "von", "der", "del", "da", "di"}
)
LEGAL_FORMS = frozenset(
    {
        "sarl",
        "sas",
        "sasu",
        "sa",
        "eurl",
        "sci",
        "snc",
        "scop",
        "association",
        "assoc",
        "asso",
        "ste",
        "societe",
        "ets",
        "etablissements",
        "gie",
        "scp",
        "selarl",
    }
)
NO_DROP: frozenset[str] = frozenset()
FEMALE = {"mme", "mlle", "madame", "mademoiselle"}
MALE = {"m", "mr", "monsieur"}
_SPLIT = re.compile(r"[\s\-'.]+")


@dataclass(frozen=True)
class Person:
    """The fields of one contact that matching looks at (plain, picklable)."""

    id: int
    kind: str
    gender: str  # "f", "m" or ""
    first: str  # folded first name(s), space separated ("jean pierre")
    last: str  # folded last name without particles ("fontaine")
    birth_name: str
    organisation: str  # folded name without legal form
    siren: str
    birth_date: date | None
    email: str
    phone: str
    postcode: str
    city: str
    street: str = ""  # folded number and street (NF Z10-011 line 4)

    @property
    def department(self) -> str:
        """First two digits of the postcode (three overseas)."""
        return self.postcode[:3] if self.postcode.startswith("97") else self.postcode[:2]

    @property
    def initials(self) -> str:
        """'jean pierre' -> 'jp'."""
        return "".join(w[0] for w in self.first.split() if w)


@lru_cache(maxsize=64)
def gender_of(civility: str) -> str:
    """'Mme' -> 'f', 'M.' -> 'm', anything else -> ''."""
    word = fold(civility).replace(" ", "").replace(".", "")
    if word in FEMALE:
        return "f"
    return "m" if word in MALE else ""


def name_words(text: str, *, drop: frozenset[str] = PARTICLES) -> list[str]:
    """Folded words of a name without particles ('de La Fontaine' -> ['fontaine'])."""
    return list(_name_words(text, drop))


@lru_cache(maxsize=200_000)
def _name_words(text: str, drop: frozenset[str]) -> tuple[str, ...]:
    words = [w for w in _SPLIT.split(fold(text)) if w]
    kept = [w for w in words if w not in drop]
    return tuple(kept or words)


@lru_cache(maxsize=200_000)
def phonetic(word: str) -> str:
    """A French phonetic key used only to find candidates (never to decide a match)."""
    w = fold(word).replace(" ", "")
    if not w:
        return ""
    for source, target in (
        ("ph", "f"),
        ("qu", "k"),
        ("gu", "g"),
        ("ch", "s"),
        ("sch", "s"),
        ("ck", "k"),
        ("eau", "o"),
        ("au", "o"),
        ("ou", "u"),
        ("ai", "e"),
        ("ei", "e"),
        ("oe", "e"),
        ("y", "i"),
        ("z", "s"),
        ("w", "v"),
        ("x", "ks"),
        ("bv", "v"),
    ):
        w = w.replace(source, target)
    w = re.sub(r"c(?=[eiy])", "s", w)
    w = w.replace("c", "k").replace("h", "")
    w = re.sub(r"g(?=[ei])", "j", w)
    w = re.sub(r"(.)\1+", r"\1", w)
    w = re.sub(r"(?<=.)[eiaou]", "", w)  # keep the first letter, drop later vowels
    w = re.sub(r"[stdx]+$", "", w) or w[:1]
    return w[:6]


@lru_cache(maxsize=200_000)
def _joined(text: str, drop: frozenset[str]) -> str:
    """Folded words of a name without `drop`, joined by spaces (names repeat: cached)."""
    return " ".join(_name_words(text, drop))


_ORGANISATION_DROP = LEGAL_FORMS | PARTICLES
_NOT_DIGIT = re.compile(r"\D")
_fold_town = lru_cache(maxsize=50_000)(fold)


def normalise_row(row: dict) -> Person:  # type: ignore[type-arg]
    """A Person from a lean SQL row (keys as in scan.load_people)."""
    return Person(
        id=row["id"],
        kind=row["kind"],
        gender=gender_of(row["civility"] or ""),
        first=_joined(row["first_name"] or "", NO_DROP),
        last=_joined(row["last_name"] or "", PARTICLES),
        birth_name=_joined(row["birth_name"] or "", PARTICLES),
        organisation=_joined(row["organisation_name"] or "", _ORGANISATION_DROP),
        siren=row["siren"] or "",
        birth_date=row["birth_date"],
        email=(row["email"] or "").strip().lower(),
        phone=_NOT_DIGIT.sub("", row["phone"] or "")[-9:],
        postcode=(row["postcode"] or "").strip(),
        city=_fold_town(row["city"] or ""),
        street=fold(row.get("street") or ""),
    )
