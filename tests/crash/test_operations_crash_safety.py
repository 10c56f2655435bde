"""kill -9 during the long writing operations: a receipt batch, an import, a batch merge.

Each is one transaction: killed at any point, the database is whole and holds all of the
operation or none of it (see tests/crash/harness.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from app.core.demo import generate_demo
from app.core.opening import open_database
from app.models import Contact, ContactEmail
from tests.crash.harness import CrashCase, assert_all_or_nothing
from tests.unit.receipts_helpers import ready_association

pytestmark = pytest.mark.slow


def _demo(folder: Path, contacts: int, *, association: bool = False) -> None:
    database = open_database(str(folder / "obole.sqlite3"))
    with database.write() as session:
        generate_demo(session, contacts=contacts, seed=9, today=date(2026, 3, 1))
        if association:
            ready_association(session)
    database.dispose()


def _association_with_donors(folder: Path) -> None:
    _demo(folder, 2500, association=True)  # about a thousand receipts for 2025


def _database_and_a_big_file(folder: Path) -> None:
    _demo(folder, 20)
    lines = ["Nom;Prénom;Adresse 1;Code postal;Ville;Courriel"]
    lines += [
        f"Nom{i};Anne;{i % 90 + 1} rue Haute;21000;Dijon;anne{i}@exemple.fr" for i in range(8_000)
    ]
    (folder / "contacts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _obvious_duplicates(folder: Path) -> None:
    database = open_database(str(folder / "obole.sqlite3"))
    with database.write() as session:
        for i in range(400):
            for first in ("Jean-Pierre", "J.-P."):
                contact = Contact(civility="M.", first_name=first, last_name=f"Dupont{i}")
                contact.emails.append(ContactEmail(email=f"jp{i}@exemple.fr"))
                session.add(contact)
    database.dispose()


RECEIPTS = CrashCase(
    "receipts",
    ["receipts", "issue", "--year", "2025", "--db", "{db}"],
    prepare=_association_with_donors,
    kill_fractions=(0.4, 0.6, 0.8),
)
IMPORT = CrashCase(
    "import",
    ["import", "contacts", "{data}/contacts.csv", "--db", "{db}"],
    prepare=_database_and_a_big_file,
    kill_fractions=(0.4, 0.7, 0.9),
)
MERGE = CrashCase(
    "merge",
    ["dedupe", "scan", "--merge-safe", "--db", "{db}"],
    prepare=_obvious_duplicates,
    kill_fractions=(0.4, 0.7, 0.9),
)


@pytest.mark.parametrize("case", [RECEIPTS, IMPORT, MERGE], ids=lambda case: case.name)
def test_killed_mid_way_is_all_or_nothing(case: CrashCase, tmp_path: Path) -> None:
    report = assert_all_or_nothing(case, tmp_path)
    assert report.saw_before  # at least one kill landed inside the transaction
