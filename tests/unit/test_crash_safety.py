"""kill -9 in the middle of long operations leaves a sound database with all or nothing."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from app.core.database import open_database
from app.core.demo import generate_demo
from tests.unit.crash_harness import assert_database_sound, kill_midway
from tests.unit.receipts_helpers import ready_association

pytestmark = pytest.mark.slow


def _demo_database(path: Path, contacts: int) -> None:
    database = open_database(str(path))
    with database.write() as session:
        generate_demo(session, contacts=contacts, seed=9, today=date(2026, 3, 1))
        ready_association(session)
    database.dispose()


def test_kill_during_a_receipt_batch(tmp_path: Path) -> None:
    db_path = tmp_path / "asso.sqlite3"
    _demo_database(db_path, 2500)
    killed = kill_midway(
        ["receipts", "issue", "--year", "2025"],
        db_path=db_path,
        after_percent=30,
        home=tmp_path / "home",
    )
    assert killed, "the batch ended before it could be killed half-way"
    assert_database_sound(db_path)
    with sqlite3.connect(db_path) as connection:
        receipts = connection.execute("SELECT count(*) FROM receipt").fetchone()[0]
        sequence = connection.execute(
            "SELECT coalesce(max(last_number), 0) FROM receipt_sequence"
        ).fetchone()[0]
        locked = connection.execute(
            "SELECT count(*) FROM gift WHERE receipt_id IS NOT NULL"
        ).fetchone()[0]
    assert (receipts, sequence, locked) == (0, 0, 0)  # none of the batch


def test_kill_during_demo_generation(tmp_path: Path) -> None:
    db_path = tmp_path / "asso.sqlite3"
    _demo_database(db_path, 50)
    killed = kill_midway(
        ["init", "--demo", "60000"], db_path=db_path, after_seconds=3, home=tmp_path / "home"
    )
    assert_database_sound(db_path)
    with sqlite3.connect(db_path) as connection:
        contacts = connection.execute("SELECT count(*) FROM contact").fetchone()[0]
    assert contacts == (50 if killed else 60050)


def test_kill_during_an_import(tmp_path: Path) -> None:
    db_path = tmp_path / "asso.sqlite3"
    _demo_database(db_path, 20)
    lines = ["Nom;Prénom;Adresse 1;Code postal;Ville;Courriel"]
    lines += [f"Nom{i};Anne;{i % 90 + 1} rue Haute;21000;Dijon;anne{i}@exemple.fr" for i in range(40_000)]
    source = tmp_path / "contacts.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    killed = kill_midway(
        ["import", "contacts", str(source)],
        db_path=db_path,
        after_seconds=4,
        home=tmp_path / "home",
    )
    assert_database_sound(db_path)
    with sqlite3.connect(db_path) as connection:
        contacts = connection.execute("SELECT count(*) FROM contact").fetchone()[0]
        batches = connection.execute("SELECT count(*) FROM import_batch").fetchone()[0]
    assert (contacts, batches) == ((20, 0) if killed else (40_020, 1))


def test_kill_during_a_batch_merge(tmp_path: Path) -> None:
    db_path = tmp_path / "asso.sqlite3"
    database = open_database(str(db_path))
    with database.write() as session:
        from app.models import Contact, ContactEmail

        for i in range(3000):
            for first in ("Jean-Pierre", "J.-P."):
                contact = Contact(civility="M.", first_name=first, last_name=f"Dupont{i}")
                contact.emails.append(ContactEmail(email=f"jp{i}@exemple.fr"))
                session.add(contact)
    database.dispose()
    killed = kill_midway(
        ["dedupe", "scan", "--merge-safe"], db_path=db_path, after_seconds=3, home=tmp_path / "home"
    )
    assert_database_sound(db_path)
    with sqlite3.connect(db_path) as connection:
        merged = connection.execute("SELECT count(*) FROM contact WHERE status = 'merged'").fetchone()[0]
        records = connection.execute("SELECT count(*) FROM merge_record").fetchone()[0]
    assert merged == records and merged in ((0,) if killed else (3000,))
