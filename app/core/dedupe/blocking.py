"""Candidate pairs as a union of blocking rules, so the cost stays near-linear.

Each rule gives keys; contacts sharing a key are compared. The rules (RULES) are measured one
by one for pair completeness in benchmarks/dedupe_quality.py:
- birth date (a typo in both names still meets);
- postcode + street number (moved e-mail, new name, typo'd birth date);
- French phonetic keys of first and last names in either order (swapped names), and of the
  last or birth name with the département (new first name, initials);
- e-mail; phone; SIREN; organisation name;
- a sorted neighbourhood on "last first".
A block larger than MAX_BLOCK is not compared all against all: its members are sorted by name
and each is compared with its WINDOW next ones, so a common key still finds typo'd pairs
without blowing up the number of pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from app.core.dedupe.comparison import ocr_fold, street_number
from app.core.dedupe.normalise import PARTICLES, Person
from app.core.dedupe.normalise import phonetic as _phonetic

MAX_BLOCK = 6
WINDOW = 2
NEIGHBOURHOOD = 2


def _birth(p: Person) -> list[str]:
    return [p.birth_date.isoformat()] if p.birth_date else []


def _address(p: Person) -> list[str]:
    number = street_number(p.street)
    return [f"{p.postcode}:{number}"] if number and p.postcode else []


def phonetic(word: str) -> str:
    """The phonetic key of a word as typed or as a scanner may have misread it ("1uc")."""
    return _phonetic(ocr_fold(word))


def _first_word(text: str) -> str:
    words = [w for w in text.split() if w not in PARTICLES] or text.split()
    return words[0] if words else ""


def _last_word(text: str) -> str:
    return text.split()[-1] if text else ""


def _names(p: Person) -> list[str]:
    if p.kind == "organisation":
        words = p.organisation.split()
        if not words:
            return []
        return [
            f"o:{phonetic(words[0])}:{phonetic(words[-1])}:{p.department}",
            f"o2:{''.join(phonetic(w) for w in words)}",
        ]
    keys = []
    first = phonetic(_first_word(p.first))
    for last_name in (p.last, p.birth_name):
        last = phonetic(_last_word(last_name))
        if not last:
            continue
        keys.append(f"ld:{last}:{p.department}")
        if first:
            keys.append(f"fl:{min(first, last)}:{max(first, last)}")  # either order
        if first and len(last_name.split()) > 1:  # compound name: its first word too
            other = phonetic(_first_word(last_name))
            keys.append(f"fl:{min(first, other)}:{max(first, other)}")
    return keys


def _email(p: Person) -> list[str]:
    return [p.email] if p.email else []


def _phone(p: Person) -> list[str]:
    return [p.phone] if p.phone else []


def _siren(p: Person) -> list[str]:
    return [p.siren] if p.siren else []


RULES: dict[str, Callable[[Person], list[str]]] = {
    "date de naissance": _birth,
    "code postal + numéro": _address,
    "noms phonétiques": _names,
    "courriel": _email,
    "téléphone": _phone,
    "SIREN": _siren,
}


def keys_of(p: Person) -> list[str]:
    """Every blocking key of a contact (rule name first, so rules never collide)."""
    return [f"{rule}|{key}" for rule, make in RULES.items() for key in make(p)]


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _sort_keys(p: Person) -> list[str]:
    """Where a contact goes in a sorted window: by "last first", and by "birth first" too
    (a married woman sits next to both her names)."""
    if p.kind != "person":
        return [p.organisation]
    keys = [f"{ocr_fold(p.last)} {ocr_fold(p.first)}"]
    if p.birth_name:
        keys.append(f"{ocr_fold(p.birth_name)} {ocr_fold(p.first)}")
    return keys


def candidate_pairs(people: Iterable[Person]) -> set[tuple[int, int]]:
    """All pairs sharing a block or close in sorted order (ids, lower first)."""
    pairs: set[tuple[int, int]] = set()
    for found in pairs_by_rule(people).values():
        pairs |= found
    return pairs


def pairs_by_rule(people: Iterable[Person]) -> dict[str, set[tuple[int, int]]]:
    """The pairs each rule finds (for measuring each rule's completeness)."""
    people = list(people)
    by_id = {p.id: p for p in people}
    found: dict[str, set[tuple[int, int]]] = {}
    for rule, make in RULES.items():
        blocks: dict[str, list[int]] = defaultdict(list)
        for person in people:
            for key in make(person):
                blocks[key].append(person.id)
        pairs: set[tuple[int, int]] = set()
        for members in blocks.values():
            if len(members) > 1:
                pairs.update(_pairs_within(members, by_id))
        found[rule] = pairs
    found["voisinage trié"] = set(_neighbourhood(people))
    return found


def _pairs_within(members: list[int], by_id: dict[int, Person]) -> Iterator[tuple[int, int]]:
    if len(members) <= MAX_BLOCK:
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if a != b:
                    yield _ordered(a, b)
        return
    entries = sorted((key, i) for i in set(members) for key in _sort_keys(by_id[i]))
    yield from _window([i for _key, i in entries], WINDOW)


def _window(ordered: list[int], size: int) -> Iterator[tuple[int, int]]:
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 : i + 1 + size]:
            if a != b:
                yield _ordered(a, b)


def _neighbourhood(people: list[Person]) -> Iterator[tuple[int, int]]:
    entries = sorted(
        (key, p.id) for p in people if p.kind == "person" and p.last for key in _sort_keys(p)
    )
    yield from _window([i for _key, i in entries], NEIGHBOURHOOD)
