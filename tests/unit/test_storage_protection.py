"""Storage errors, second-instance lock, integrity check on open."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy.exc

from app.cli import run_cli
from app.core.infrastructure import instance_lock
from app.core.infrastructure.backup import backup_sqlite
from app.core.infrastructure.database import Database
from app.core.infrastructure.integrity import DatabaseDamaged
from app.core.infrastructure.storage_errors import storage_message, translate_storage_errors
from app.core.opening import open_database
from app.errors import Conflict, StorageError

ROOT = Path(__file__).resolve().parents[2]


def test_disk_full_is_a_clear_message_naming_the_file(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_args: object, **_kw: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "b"))

    monkeypatch.setattr("app.core.infrastructure.backup._copy_with_counts", full)
    with pytest.raises(StorageError, match="disque est plein") as caught:
        backup_sqlite(db.file, tmp_path / "b", reason="x")  # type: ignore[arg-type]
    assert str(tmp_path / "b") in str(caught.value)


def _sqlite_error(tmp_path: Path, situation: str) -> sqlite3.Error:
    """A real SQLite failure (its error code set by SQLite itself)."""
    path = tmp_path / f"{situation}.sqlite3"
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("CREATE TABLE t (x)")
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        if situation == "locked":
            setup.execute("BEGIN EXCLUSIVE")
            other.execute("INSERT INTO t VALUES (1)")
        elif situation == "full":
            other.execute("PRAGMA max_page_count = 2")
            other.execute("INSERT INTO t VALUES (zeroblob(100000))")
        elif situation == "readonly":
            sqlite3.connect(f"file:{path}?mode=ro", uri=True).execute("INSERT INTO t VALUES (1)")
        else:
            sqlite3.connect(tmp_path / "no" / "such" / "dir.sqlite3")
    except sqlite3.Error as exc:
        return exc
    finally:
        setup.close()
        other.close()
    raise AssertionError(f"no error for {situation}")


@pytest.mark.parametrize(
    ("situation", "expected"),
    [
        ("locked", "verrouillée"),
        ("full", "plein"),
        ("readonly", "lecture seule"),
        ("cantopen", "Impossible d'ouvrir"),
    ],
)
def test_sqlite_failures_are_classified_by_error_code(
    tmp_path: Path, situation: str, expected: str
) -> None:
    exc = _sqlite_error(tmp_path, situation)
    assert expected in str(storage_message(exc, "/x.db"))
    wrapped = sqlalchemy.exc.OperationalError("INSERT", {}, exc)
    assert expected in str(storage_message(wrapped, "/x.db"))


def test_message_text_alone_classifies_nothing() -> None:
    """The same words without SQLite's code (a translated or reworded message) are no
    storage failure: classification reads the code, never the text."""
    assert storage_message(sqlite3.OperationalError("database is locked"), "/x.db") is None
    with pytest.raises(ValueError), translate_storage_errors("/x"):
        raise ValueError("a bug stays a bug")


def test_permission_denied_on_a_read_only_folder(tmp_path: Path) -> None:
    """chmod 500 on the folder; root ignores it, so the check runs as 'nobody' (setpriv)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    tmp_path.chmod(0o755)
    code = (
        "import sys; from app.core.opening import open_database\n"
        "from app.errors import StorageError\n"
        "try:\n    open_database(sys.argv[1])\n"
        "except StorageError as e:\n    print(e); sys.exit(3)\n"
    )
    command = [sys.executable, "-c", code, str(folder / "new.sqlite3")]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip(reason="root ignores chmod and setpriv is missing")
        command = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", *command]
    done = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert done.returncode == 3, done.stderr
    assert "Accès refusé" in done.stdout or "lecture seule" in done.stdout
    assert str(folder) in done.stdout


def test_missing_database_file_in_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(StorageError) as caught, translate_storage_errors(tmp_path / "x"):
        (tmp_path / "nope" / "x").read_text()
    assert "introuvable" in str(caught.value) and "nope" in str(caught.value)


def test_second_instance_is_read_only(db: Database) -> None:
    assert db.file is not None
    path = instance_lock.lock_path(db.file)
    path.write_text('{"pid": 1, "host": "autre-pc", "user": "marie", "started": "2026"}')
    holder = instance_lock.acquire(db.file)
    assert isinstance(holder, instance_lock.LockHolder) and holder.user == "marie"
    instance_lock.make_read_only(db.engine, holder)
    with db.read() as session:
        session.execute(__import__("sqlalchemy").text("SELECT 1"))
    with pytest.raises(Conflict, match="marie sur autre-pc"), db.write():
        pass


def test_stale_lock_of_a_dead_process_is_taken_over(db: Database) -> None:
    assert db.file is not None
    path = instance_lock.lock_path(db.file)
    import socket

    path.write_text(f'{{"pid": 999999, "host": "{socket.gethostname()}", "user": "x"}}')
    lock = instance_lock.acquire(db.file)
    assert isinstance(lock, instance_lock.InstanceLock)
    lock.release()
    assert not path.exists()


def test_cli_refuses_writes_while_the_gui_holds_the_database(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance_lock.lock_path(db_path).write_text(
        '{"pid": 1, "host": "autre-pc", "user": "marie", "started": "2026-03-15T10:00"}'
    )
    assert run_cli(["info", "--db", str(db_path)]) == 0
    assert run_cli(["init", "--db", str(db_path), "--demo", "3"]) == 1
    assert "lecture seule" in capsys.readouterr().err


@pytest.mark.allow_log_warnings
def test_damaged_database_is_detected_on_open(db_path: Path) -> None:
    data = bytearray(db_path.read_bytes())
    page = 4096
    for offset in range(page * 2, len(data), page):  # scribble over b-tree pages
        data[offset : offset + 64] = b"\xff" * 64
    db_path.write_bytes(bytes(data))
    with pytest.raises(DatabaseDamaged, match="Restaurez"):
        open_database(str(db_path))
