"""Labelled French test data for duplicate detection: true pairs and hard non-pairs.

Each variant is a realistic way the same donor gets typed twice (typo, initials, upper case,
swapped names, missing fields, moved address, new e-mail, married name); hard negatives are
different people that look alike (same name elsewhere, gendered first names, namesakes
with different birth dates).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.core.dedupe.normalise import Person, normalise_row
from app.paths import resource_path

VARIANTS = ("typo", "initials", "upper", "swap", "missing", "moved", "new_email", "married")
GENDERED = (
    ("Martin", "Martine"),
    ("Michel", "Michèle"),
    ("Daniel", "Danielle"),
    ("Jean", "Jeanne"),
    ("Louis", "Louise"),
    ("Denis", "Denise"),
    ("Laurent", "Laurence"),
    ("Simon", "Simone"),
)


@dataclass(frozen=True)
class LabelledData:
    """People and the set of (id, id) pairs that are the same person."""

    people: list[Person]
    true_pairs: set[tuple[int, int]]


def _lines(name: str) -> list[str]:
    return [
        line
        for line in resource_path("demo", name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randint(1, len(text) - 2)
    return (
        text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        if rng.random() < 0.5
        else text[:i] + text[i + 1 :]
    )


def _base(rng: random.Random, pid: int, cities: list[tuple[str, str]]) -> dict:  # type: ignore[type-arg]
    female = rng.random() < 0.5
    first = rng.choice(_lines("first_names_f.txt" if female else "first_names_m.txt"))
    last = rng.choice(_lines("last_names.txt")) + (
        "" if rng.random() < 0.5 else f"-{rng.choice(_lines('last_names.txt'))}"
    )
    postcode, city = rng.choice(cities)
    login = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
    return {
        "id": pid,
        "kind": "person",
        "civility": "Mme" if female else "M.",
        "first_name": first,
        "last_name": last,
        "birth_name": "",
        "organisation_name": "",
        "siren": "",
        "birth_date": date(rng.randint(1935, 2000), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.4
        else None,
        "email": f"{login}{rng.randint(1, 999)}@exemple.fr" if rng.random() < 0.7 else "",
        "phone": f"06{rng.randint(10_000_000, 99_999_999)}" if rng.random() < 0.5 else "",
        "postcode": postcode,
        "street": f"{rng.randint(1, 120)} {rng.choice(_lines('streets.txt'))}",
        "city": city,
    }


def _variant(
    rng: random.Random,
    row: dict[str, Any],
    pid: int,
    kind: str,
    cities: list[tuple[str, str]],
) -> dict[str, Any]:
    dup = {**row, "id": pid}
    if kind == "typo":
        dup["last_name"] = _typo(rng, row["last_name"])
    elif kind == "initials":
        dup["first_name"] = "-".join(p[0] + "." for p in row["first_name"].split("-"))
    elif kind == "upper":
        dup["last_name"], dup["first_name"] = (
            row["last_name"].upper(),
            _typo(rng, row["first_name"]),
        )
    elif kind == "swap":
        dup["first_name"], dup["last_name"] = row["last_name"], row["first_name"]
    elif kind == "missing":
        dup["email"], dup["phone"] = "", ""
    elif kind == "moved":
        dup["postcode"], dup["city"] = rng.choice(cities)
        dup["street"] = f"{rng.randint(1, 120)} {rng.choice(_lines('streets.txt'))}"
    elif kind == "new_email":
        dup["email"] = f"nouveau{pid}@exemple.fr"
    elif kind == "married" and row["civility"] == "Mme":
        dup["birth_name"], dup["last_name"] = row["last_name"], rng.choice(_lines("last_names.txt"))
    return dup


def generate(count: int, *, seed: int = 1, duplicate_rate: float = 0.1) -> LabelledData:
    """`count` originals, ~duplicate_rate of them typed twice, plus hard negatives."""
    rng = random.Random(seed)
    cities = [tuple(line.split("\t", 1)) for line in _lines("cities.tsv")]
    rows, pairs = [], set()
    next_id = 1
    for _ in range(count):
        row = _base(rng, next_id, cities)  # type: ignore[arg-type]
        rows.append(row)
        next_id += 1
        if rng.random() < duplicate_rate:
            rows.append(_variant(rng, row, next_id, rng.choice(VARIANTS), cities))  # type: ignore[arg-type]
            pairs.add((row["id"], next_id))
            next_id += 1
        elif rng.random() < 0.05:  # namesake elsewhere, or a gendered twin at the same address
            male, female = rng.choice(GENDERED)
            other = {**row, "id": next_id, "email": "", "phone": "", "birth_date": None}
            if rng.random() < 0.5:
                other["postcode"], other["city"] = rng.choice(cities)
                other["birth_date"] = (
                    date(1950, 1, 1)
                    if row["birth_date"] is None
                    else row["birth_date"].replace(year=row["birth_date"].year - 30)
                )
            else:
                row["first_name"], row["civility"] = male, "M."
                other["first_name"], other["civility"] = female, "Mme"
            rows.append(other)
            next_id += 1
    return LabelledData([normalise_row(r) for r in rows], pairs)
