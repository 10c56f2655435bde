"""Import speed: rows per second for 100,000 contact rows, against a bare executemany.

Usage: python benchmarks/import.py [--rows 100000]
Writes a French Excel CSV (cp1252, semicolons), then times the full import (read, map,
check every row, match, commit in one transaction) and a bare executemany INSERT of the
same rows into the same four tables (contact, e-mail, phone, address).
Targets: >= 5,000 rows/s and ratio >= 0.2.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def write_csv(path: Path, rows: int) -> None:
    """A realistic French export."""
    from app.paths import resource_path

    def lines_of(name: str) -> list[str]:
        return [
            x
            for x in resource_path("demo", name).read_text(encoding="utf-8").splitlines()
            if x.strip()
        ]

    rng = random.Random(3)
    firsts = lines_of("first_names_f.txt") + lines_of("first_names_m.txt")
    lasts, cities = lines_of("last_names.txt"), [c.split("\t") for c in lines_of("cities.tsv")]
    lines = ["Civilité;Nom;Prénom;Adresse 1;Code postal;Ville;Courriel;Téléphone"]
    for i in range(rows):
        first, last = rng.choice(firsts), rng.choice(lasts)
        postcode, city = rng.choice(cities)
        lines.append(
            f"Mme;{last};{first};{i % 200 + 1} rue de la Paix;{postcode};{city};"
            f"p{i}@exemple.fr;06{rng.randint(10_000_000, 89_999_999)}"
        )
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))


def bare_executemany_rate(path: Path, source: Path) -> float:
    """Rows per second of a bare executemany of the same rows into the same four tables
    (contact, e-mail, phone, address): no reading, checking, matching or journal."""
    from sqlalchemy import insert

    from app.core.opening import open_database
    from app.models import Contact, ContactEmail, ContactPhone, PostalAddress

    lines = source.read_bytes().decode("cp1252").splitlines()[1:]
    contacts, emails, phones, addresses = [], [], [], []
    for contact_id, line in enumerate(lines, start=1):
        civility, last, first, street, postcode, city, email, phone = line.split(";")
        contacts.append(
            {
                "id": contact_id,
                "civility": civility,
                "first_name": first,
                "last_name": last,
                "search_text": "",
                "sort_name": "",
            }
        )
        emails.append({"contact_id": contact_id, "email": email, "position": 0})
        phones.append({"contact_id": contact_id, "number": phone, "position": 0})
        addresses.append(
            {"contact_id": contact_id, "line4": street, "postcode": postcode, "city": city}
        )
    database = open_database(str(path))
    started = time.perf_counter()
    with database.write() as session:
        for table, rows in (
            (Contact, contacts),
            (ContactEmail, emails),
            (ContactPhone, phones),
            (PostalAddress, addresses),
        ):
            session.execute(insert(table.__table__), rows)
    rate = len(lines) / (time.perf_counter() - started)
    database.dispose()
    return rate


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    from app.core.importing.commit import commit, file_sha256
    from app.core.importing.service import prepare
    from app.core.opening import open_database

    folder = Path(tempfile.mkdtemp(prefix="obole-bench-import-"))
    source = folder / "contacts.csv"
    write_csv(source, args.rows)
    database = open_database(str(folder / "import.sqlite3"))
    started = time.perf_counter()
    with database.write() as session:
        plan = prepare(session, source, "contacts", today=date(2026, 11, 20))
        planned = time.perf_counter()
        report = commit(
            session,
            plan,
            file_name=source.name,
            sha256=file_sha256(source),
            today=date(2026, 11, 20),
        )
    elapsed = time.perf_counter() - started
    rate = report.rows_read / elapsed
    bare_rate = bare_executemany_rate(folder / "bare.sqlite3", source)
    print(f"rows: {report.rows_read:,} (created {report.created:,}, rejected {report.rejected:,})")
    print(
        f"import: {elapsed:.1f} s (dry run {planned - started:.1f} s, commit "
        f"{elapsed - (planned - started):.1f} s)"
    )
    print(f"rows per second: {rate:,.0f} (target >= 5,000)")
    print(
        f"bare executemany of the same rows into the same four tables: {bare_rate:,.0f} rows/s; "
        f"ratio {rate / bare_rate:.3f} (target >= 0.2)"
    )


if __name__ == "__main__":
    main()
