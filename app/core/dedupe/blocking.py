"""Candidate pairs as a union of blocking rules, so the cost stays near-linear.

Each rule gives keys; contacts sharing a key are compared. The rules (RULES) are measured one
by one for pair completeness in benchmarks/dedupe_quality.py:
- birth date (a typo in both names still meets);
- postcode + street number (moved e-mail, new name, typo'd birth date);
- French phonetic keys of first and last names in either order (swapped names), and of the
  last or birth name with the département (new first name, initials);
- e-mail; phone; SIREN; organisation name;
- a sorted neighbourhood on "last first", and each contact with the next one once
  "first last" is merged into that order (swapped names with a typo).
A block larger than MAX_BLOCK is not compared all against all: its members are sorted by name
and each is compared with its WINDOW next ones, so a common key still finds typo'd pairs
without blowing up the number of pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache

import numpy as np

from app.core.dedupe.comparison import Columns, ocr_fold, street_number
from app.core.dedupe.normalise import PARTICLES, Person
from app.core.dedupe.normalise import phonetic as _phonetic

MAX_BLOCK = 6
WINDOW = 2
NEIGHBOURHOOD = 2
SORT_KEYS = 2  # the most places a contact has in the sorted order (_sort_keys)


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
    return list(_name_keys(p.kind, p.first, p.last, p.birth_name, p.organisation, p.department))


@lru_cache(maxsize=1 << 18)
def _name_keys(
    kind: str, first_name: str, last_name_: str, birth_name: str, organisation: str, dept: str
) -> tuple[str, ...]:
    if kind == "organisation":
        words = organisation.split()
        if not words:
            return ()
        return (
            f"o:{phonetic(words[0])}:{phonetic(words[-1])}:{dept}",
            f"o2:{''.join(phonetic(w) for w in words)}",
        )
    keys = []
    first = phonetic(_first_word(first_name))
    for last_name in (last_name_, birth_name):
        last = phonetic(_last_word(last_name))
        if not last:
            continue
        keys.append(f"ld:{last}:{dept}")
        if first:
            keys.append(f"fl:{min(first, last)}:{max(first, last)}")  # either order
        if first and len(last_name.split()) > 1:  # compound name: its first word too
            other = phonetic(_first_word(last_name))
            keys.append(f"fl:{min(first, other)}:{max(first, other)}")
    return tuple(keys)


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
    """Where a contact goes in the sorted windows: by "last first", and by "birth first" too
    (a married woman sits next to both her names)."""
    if p.kind != "person":
        return [p.organisation]
    keys = [f"{ocr_fold(p.last)} {ocr_fold(p.first)}"]
    if p.birth_name:
        keys.append(f"{ocr_fold(p.birth_name)} {ocr_fold(p.first)}")
    return keys


def _swapped_key(p: Person) -> str:
    """ "first last" when the first name comes first in alphabetical order: a record typed
    with the names swapped has that as its own "last first" and sits right next to it."""
    last, first = ocr_fold(p.last), ocr_fold(p.first)
    return f"{first} {last}" if first and first < last else ""


def candidate_pairs(people: Iterable[Person]) -> set[tuple[int, int]]:
    """All pairs sharing a block or close in sorted order (ids, lower first)."""
    people = list(people)
    first, second = candidate_rows(people)
    ids = np.fromiter((p.id for p in people), dtype=np.int64, count=len(people))
    a, b = ids[first], ids[second]
    return set(zip(np.minimum(a, b).tolist(), np.maximum(a, b).tolist(), strict=True))


def _block_members(people: Sequence[Person], c: Columns) -> tuple[np.ndarray, np.ndarray]:
    """(block id, row) of every blocking key of every contact: the keys of RULES, from the
    columns' codes (names by `_names`, cached per distinct name)."""
    rows = np.arange(len(people), dtype=np.int64)
    keys, members = [], []

    def add(rule: int, values: np.ndarray, present: np.ndarray) -> None:
        keys.append(rule * _RULE_SPAN + values[present])
        members.append(rows[present])

    add(0, c.birth, c.birth != 0)
    numbers = c.derived("number", c.street, street_number)
    empty = c._derived["number"][0].get("", -1)
    add(
        1,
        c.postcode * (len(c._derived["number"][1]) + 1) + numbers,
        (c.postcode != 0) & (numbers != empty),
    )
    # names: phonetic keys of words, one shared vocabulary so that pairs of keys compare
    phon = "blocking phonetic"
    first = c.derived("block first", c.first, lambda w: phonetic(_first_word(w)), shared=phon)
    vocabulary, values = c._derived[phon]
    none = vocabulary.setdefault("", len(values))
    if none == len(values):
        values.append("")
    person = ~c.organisation
    span = 1 << 24  # above any code of the vocabulary (keys never collide)
    for column in (c.last, c.birth_name):
        last = c.derived("block last", column, lambda w: phonetic(_last_word(w)), shared=phon)
        compound = c.derived(
            "block compound",
            column,
            lambda w: phonetic(_first_word(w)) if len(w.split()) > 1 else "",
            shared=phon,
        )
        has_last = person & (column != 0) & (last != none)
        has_first = has_last & (first != none) & (c.first != 0)
        add(2, last * span + c.department, has_last)  # last name with département
        low, high = np.minimum(first, last), np.maximum(first, last)
        add(6, low * span + high, has_first)  # first and last, either order
        low, high = np.minimum(first, compound), np.maximum(first, compound)
        add(6, low * span + high, has_first & (compound != none))
    organisation_ids: dict[str, int] = {}
    names, name_rows = [], []
    for row in np.flatnonzero(c.organisation).tolist():
        for key in _names(people[row]):
            names.append(organisation_ids.setdefault(key, len(organisation_ids)))
            name_rows.append(row)
    keys.append(7 * _RULE_SPAN + np.asarray(names, dtype=np.int64))
    members.append(np.asarray(name_rows, dtype=np.int64))
    add(3, c.email, c.email != 0)
    add(4, c.phone, c.phone != 0)
    add(5, c.siren, c.siren != 0)
    return _dense(np.concatenate(keys)), np.concatenate(members)


def _dense(keys: np.ndarray) -> np.ndarray:
    """0, 1, 2... for the distinct values of `keys` (equal keys, equal numbers)."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    dense = np.empty(len(keys), dtype=np.int64)
    dense[order] = np.cumsum(np.r_[True, ordered[1:] != ordered[:-1]]) - 1
    return dense


_RULE_SPAN = 1 << 40  # keys of different rules never meet


def candidate_rows(
    people: Sequence[Person], columns: Columns | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The candidate pairs as two arrays of rows of `people` (each pair once): the same pairs
    as the union of `pairs_by_rule`, with the blocks and windows done by numpy."""
    n = len(people)
    if n < 2:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    # global order of the sort keys (_sort_keys), ties by id
    entries = sorted((key, p.id, row) for row, p in enumerate(people) for key in _sort_keys(p))
    rank_row = np.fromiter((e[2] for e in entries), dtype=np.int64, count=len(entries))
    ranks = np.full((n, SORT_KEYS), -1, dtype=np.int64)
    filled = np.zeros(n, dtype=np.int64)
    for position, row in enumerate(rank_row.tolist()):
        ranks[row, filled[row]] = position
        filled[row] += 1
    block, member = _block_members(people, columns or Columns(people))
    sizes = np.bincount(block)
    found = []
    # small blocks: every pair (members are consecutive once sorted by block)
    small = sizes[block] <= MAX_BLOCK
    order = np.lexsort((member[small], block[small]))
    sb, sm = block[small][order], member[small][order]
    for gap in range(1, MAX_BLOCK):
        same = sb[:-gap] == sb[gap:]
        found.append((sm[:-gap][same], sm[gap:][same]))
    # large blocks: each member at each of its places in the sorted order, WINDOW next ones
    unique = np.sort(block[~small] * n + member[~small])  # a member once per block
    unique = unique[np.r_[True, unique[1:] != unique[:-1]]] if len(unique) else unique
    lb, lm = unique // n, unique % n
    places = [ranks[lm, k] >= 0 for k in range(SORT_KEYS)]
    wb = np.concatenate([lb[place] for place in places])
    wm = np.concatenate([lm[place] for place in places])
    wr = np.concatenate([ranks[lm[place], k] for k, place in enumerate(places)])
    order = np.lexsort((wr, wb))
    wb, wm = wb[order], wm[order]
    for gap in range(1, WINDOW + 1):
        same = wb[:-gap] == wb[gap:]
        found.append((wm[:-gap][same], wm[gap:][same]))
    # sorted neighbourhood over every person with a last name
    named = np.fromiter(
        (people[r].kind == "person" and bool(people[r].last) for r in rank_row.tolist()),
        dtype=bool,
        count=len(rank_row),
    )
    neighbours = rank_row[named]
    for gap in range(1, NEIGHBOURHOOD + 1):
        found.append((neighbours[:-gap], neighbours[gap:]))
    swapped = _swapped_neighbours(people)
    found.append((swapped[:-1], swapped[1:]))
    a = np.concatenate([f[0] for f in found])
    b = np.concatenate([f[1] for f in found])
    keep = a != b
    low, high = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
    codes = np.sort(low * n + high)
    codes = codes[np.r_[True, codes[1:] != codes[:-1]]] if len(codes) else codes
    return codes // n, codes % n


def _swapped_neighbours(people: Sequence[Person]) -> np.ndarray:
    """Rows of the people in the order of their "last first" keys merged with their
    `_swapped_key`s: each is compared with the next one only (names typed the other way
    round, with a typo that breaks the phonetic keys)."""
    entries = []
    for row, p in enumerate(people):
        if p.kind == "person" and p.last:
            entries.append((_sort_keys(p)[0], p.id, row))
            key = _swapped_key(p)
            if key:
                entries.append((key, p.id, row))
    entries.sort()
    return np.fromiter((e[2] for e in entries), dtype=np.int64, count=len(entries))


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
    ids = np.fromiter((p.id for p in people), dtype=np.int64, count=len(people))
    yield from _window(ids[_swapped_neighbours(people)].tolist(), 1)
