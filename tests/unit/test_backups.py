"""Backups: verified copies with row counts, encryption, rotation, restore."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.core.demo import generate_demo
from app.core.infrastructure import backup as bk
from app.core.infrastructure.backup import BackupEntry, backups_to_delete
from app.core.infrastructure.database import Database
from app.errors import StorageError


def _demo(db: Database, n: int = 20) -> None:
    with db.write() as session:
        generate_demo(session, contacts=n, seed=1)


def test_backup_is_verified_with_row_counts(db: Database, tmp_path: Path) -> None:
    _demo(db)
    result = bk.automatic_backup(db.engine, tmp_path / "b", reason="before-import")
    assert result is not None and result.row_counts["contact"] == 20
    assert bk.verify_backup(result.path) == result.tables
    assert [e.reason for e in bk.list_backups(tmp_path / "b")] == ["before-import"]


def test_row_count_mismatch_is_reported(db: Database, tmp_path: Path) -> None:
    result = bk.backup_sqlite(db.file, tmp_path / "b", reason="x")  # type: ignore[arg-type]
    with pytest.raises(StorageError, match="nombres de lignes"):
        bk.verify_backup(result.path, expected_counts={**result.row_counts, "contact": 99})


def test_encrypted_backup_round_trip(db: Database, tmp_path: Path) -> None:
    _demo(db, 5)
    result = bk.backup_sqlite(
        db.file,
        tmp_path / "b",
        reason="x",  # type: ignore[arg-type]
        passphrase="correct horse",
    )
    assert result.encrypted and b"SQLite format" not in result.path.read_bytes()[:100]
    assert bk.verify_backup(result.path, passphrase="correct horse") > 0
    with pytest.raises(StorageError, match="phrase de passe"):
        bk.verify_backup(result.path, passphrase="wrong")
    assert not list((tmp_path / "b").glob("*.tmp"))


def test_restore_replaces_the_database_and_keeps_a_safety_copy(
    db: Database, tmp_path: Path
) -> None:
    saved = bk.backup_sqlite(db.file, tmp_path / "b", reason="x")  # type: ignore[arg-type]
    _demo(db, 7)
    file = db.file
    db.dispose()
    safety = bk.restore_sqlite(saved.path, file, tmp_path / "b")  # type: ignore[arg-type]
    assert safety.row_counts["contact"] == 7
    # The journal is kept across the restore (#14.6): every entry of the replaced database
    # (older ones are in the backup, newer ones carried over) plus the restore itself.
    expected = {**saved.row_counts, "audit_event": safety.row_counts["audit_event"] + 1}
    assert bk.verify_sqlite(file, expected_counts=expected)  # type: ignore[arg-type]


def test_damaged_backup_is_refused_before_touching_the_database(
    db: Database, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"not a database" * 100)
    with pytest.raises(StorageError):
        bk.restore_sqlite(bad, db.file, tmp_path / "b")  # type: ignore[arg-type]
    assert not (tmp_path / "b").exists()


def test_rotation_policy() -> None:
    now = datetime(2026, 3, 31, 12, tzinfo=UTC)
    daily = [
        BackupEntry(Path(f"d{i}"), "daily", now - timedelta(days=i), 1, False) for i in range(60)
    ]
    other = [
        BackupEntry(Path(f"o{i}"), "before-import", now - timedelta(days=i * 10, hours=1), 1, False)
        for i in range(5)
    ]
    entries = sorted(daily + other, key=lambda e: e.created, reverse=True)
    kept = {e.path for e in entries} - {e.path for e in backups_to_delete(entries, now=now)}
    kept_daily = sorted(int(p.name[1:]) for p in kept if p.name.startswith("d"))
    assert kept_daily[:7] == list(range(7)) and len(kept_daily) == 11
    assert {p.name for p in kept if p.name.startswith("o")} == {"o0", "o1", "o2"}


def test_missing_pg_dump_gives_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from sqlalchemy import create_engine

    monkeypatch.setattr(bk.shutil, "which", lambda _name: None)
    engine = create_engine("postgresql+psycopg://u:p@localhost/obole")
    with pytest.raises(StorageError, match="pg_dump"):
        bk.automatic_backup(engine, tmp_path, reason="x")


def test_postgresql_backup_uses_pg_dump(any_db: Database, tmp_path: Path) -> None:
    import shutil

    if any_db.is_sqlite:
        pytest.skip(reason="SQLite uses the online backup API")
    if shutil.which("pg_dump") is None:
        pytest.skip(reason="pg_dump not installed")
    result = bk.automatic_backup(any_db.engine, tmp_path / "b", reason="before-import")
    assert result is not None and result.path.suffix == ".dump"
    assert result.path.read_bytes()[:5] == b"PGDMP"
