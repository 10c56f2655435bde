"""Candidate pairs from several blocking keys, so the cost stays near-linear.

Keys: phonetic surname + département, phonetic first name + phonetic surname in both orders
(moved address, swapped names), e-mail, phone,
birth date + surname initial, organisation name + département, SIREN; plus a sorted
neighbourhood on the folded "surname first name". Blocks larger than MAX_BLOCK are too coarse
to help and are skipped (the other keys still find those pairs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from app.core.dedupe.normalise import Person, phonetic

MAX_BLOCK = 25
NEIGHBOURHOOD = 2


def keys_of(p: Person) -> list[str]:
    """Every blocking key of a contact."""
    keys = []
    if p.kind == "organisation":
        words = p.organisation.split()
        if words:
            keys.append(f"o:{phonetic(words[0])}:{phonetic(words[-1])}:{p.department}")
            keys.append(f"o2:{''.join(phonetic(w) for w in words)}")
        if p.siren:
            keys.append(f"s:{p.siren}")
    else:
        last = phonetic(p.last.split()[-1]) if p.last else ""
        first = phonetic(p.first.split()[0]) if p.first else ""
        if last:
            keys.append(f"ld:{last}:{p.department}")
            if first:
                keys.append(f"fl:{first}:{last}")
                keys.append(f"fl:{last}:{first}")  # swapped names meet the right order
        if p.birth_name:
            keys.append(f"ld:{phonetic(p.birth_name.split()[-1])}:{p.department}")
        if p.birth_date:
            keys.append(f"b:{p.birth_date.isoformat()}:{p.last[:1]}")
    if p.email:
        keys.append(f"e:{p.email}")
    if p.phone:
        keys.append(f"p:{p.phone}")
    return keys


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def candidate_pairs(people: Iterable[Person]) -> set[tuple[int, int]]:
    """All pairs sharing a block or close in sorted order (ids, lower first)."""
    people = list(people)
    blocks: dict[str, list[int]] = defaultdict(list)
    for person in people:
        for key in keys_of(person):
            blocks[key].append(person.id)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if 1 < len(members) <= MAX_BLOCK:
            pairs.update(_pairs_within(members))
    pairs.update(_neighbourhood(people))
    return pairs


def _pairs_within(members: list[int]) -> Iterator[tuple[int, int]]:
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            if a != b:
                yield _ordered(a, b)


def _neighbourhood(people: list[Person]) -> Iterator[tuple[int, int]]:
    ordered = sorted(
        (p for p in people if p.kind == "person" and p.last), key=lambda p: (p.last, p.first)
    )
    for i, person in enumerate(ordered):
        for other in ordered[i + 1 : i + 1 + NEIGHBOURHOOD]:
            yield _ordered(person.id, other.id)
