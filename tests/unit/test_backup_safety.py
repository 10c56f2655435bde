"""Backups that catch any alteration, odd folder names, encryption, private files (#14, #16).

Categories (for the issue's table): backups, paths, encryption, permissions, concurrency.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import run_cli
from app.core.demo import generate_demo
from app.core.infrastructure import backup as bk
from app.core.infrastructure import backup_crypto
from app.core.infrastructure.database import Database
from app.core.infrastructure.integrity import check_database_file
from app.core.opening import open_database
from app.errors import StorageError
from app.models import Contact, Setting

ROOT = Path(__file__).resolve().parents[2]
FLIPS = 40
SEED = 14


def _demo(db: Database, n: int = 12) -> None:
    with db.write() as session:
        generate_demo(session, contacts=n, seed=3)


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, object]:
    code = run_cli([*args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else None


@pytest.fixture
def sealed(db: Database, tmp_path: Path) -> bk.BackupResult:
    _demo(db)
    result = bk.automatic_backup(db.engine, tmp_path / "b", reason="manual")
    assert result is not None
    return result


# --- backups: every alteration detected ---------------------------------------------------------


def _flip(path: Path, data: bytes, offset: int) -> None:
    altered = bytearray(data)
    altered[offset] ^= 1 << random.Random(offset).randrange(8)
    path.write_bytes(bytes(altered))


@pytest.mark.parametrize("with_manifest", [True, False])
def test_every_single_byte_flip_is_refused(sealed: bk.BackupResult, with_manifest: bool) -> None:
    """40 random one-byte flips (fixed seed): every one refused, with or without manifest."""
    path = sealed.path
    assert bk.check_backup(path).sealed
    if not with_manifest:
        path.with_name(path.name + ".json").unlink()
        assert bk.check_backup(path).sealed  # the seal inside the file is enough
    original = path.read_bytes()
    offsets = random.Random(SEED).sample(range(len(original)), FLIPS)
    passed = []
    for offset in offsets:
        _flip(path, original, offset)
        try:
            bk.verify_backup(path)
        except StorageError:
            continue
        passed.append(offset)
    path.write_bytes(original)
    assert passed == [], f"flips not detected at offsets {passed}"
    assert bk.check_backup(path).sealed


def test_flips_in_the_seal_and_the_metadata_table_are_refused(sealed: bk.BackupResult) -> None:
    path = sealed.path
    original = path.read_bytes()
    path.with_name(path.name + ".json").unlink()
    marker = original.find(bk.SEAL_MARKER)
    table = original.find(bk.META_TABLE.encode())
    for offset in (marker, marker + 5, marker + len(bk.SEAL_MARKER) + 40, table + 3):
        _flip(path, original, offset)
        with pytest.raises(StorageError):
            bk.verify_backup(path)


def test_one_changed_letter_in_a_donor_name_is_refused_and_not_restored(
    sealed: bk.BackupResult, db: Database, tmp_path: Path
) -> None:
    path = sealed.path
    connection = sqlite3.connect(path)
    (contact_id, name) = connection.execute(
        "SELECT id, last_name FROM contact ORDER BY id LIMIT 1"
    ).fetchone()
    connection.execute(
        "UPDATE contact SET last_name = ? WHERE id = ?", (name[:-1] + "Z", contact_id)
    )
    connection.commit()
    connection.close()
    with pytest.raises(StorageError, match="empreinte"):
        bk.verify_backup(path)
    path.with_name(path.name + ".json").unlink()  # the copy without its manifest too
    with pytest.raises(StorageError, match="empreinte"):
        bk.verify_backup(path)
    file = db.file
    assert file is not None
    db.dispose()
    with pytest.raises(StorageError):
        bk.restore_sqlite(path, file, tmp_path / "b")
    check = sqlite3.connect(file)
    assert (
        check.execute("SELECT last_name FROM contact WHERE id = ?", (contact_id,)).fetchone()[0]
        == name
    )
    check.close()


def test_a_backup_is_one_self_contained_file(sealed: bk.BackupResult) -> None:
    data = sealed.path.read_bytes()
    assert data[18:20] == b"\x01\x01"  # rollback-journal format: SQLite never adds a -wal
    bk.verify_backup(sealed.path)
    connection = sqlite3.connect(bk.sqlite_uri(sealed.path), uri=True)
    assert connection.execute("SELECT count(*) FROM contact").fetchone()[0] == 12
    connection.close()
    names = sorted(p.name for p in sealed.path.parent.iterdir() if not p.name.startswith("."))
    assert names == [sealed.path.name, sealed.path.name + ".json"]
    manifest = json.loads(sealed.path.with_name(sealed.path.name + ".json").read_text())
    assert len(manifest["sha256"]) == 64 and manifest["sha256"] == sealed.sha256


def test_old_backups_without_a_seal_are_still_checked(db: Database, tmp_path: Path) -> None:
    _demo(db, 3)
    old = tmp_path / "old.sqlite3"
    source = sqlite3.connect(db.file)  # type: ignore[arg-type]
    target = sqlite3.connect(old)
    source.backup(target)
    target.close()
    source.close()
    check = bk.check_backup(old)
    assert not check.sealed and check.tables > 10


# --- backups: reasons are labels, interrupted backups --------------------------------------------


def test_a_reason_is_a_label_never_a_path(
    db: Database, tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "b"
    result = bk.automatic_backup(db.engine, folder, reason="a/../../../elsewhere/x")
    assert result is not None and result.path.parent == folder
    assert "a-elsewhere-x" in result.path.name and not (tmp_path / "elsewhere").exists()
    assert bk.safe_reason("..\\..\\Évian C:") == "evian-c"
    assert bk.safe_reason("///") == "manual"
    code, data = _cli(
        capsys, "backup", "create", "--db", str(db.file), "--reason", "../../../../tmp/évil"
    )
    assert code == 0 and Path(data["file"]).parent == isolated_home / "backups"  # type: ignore[index]
    assert "tmp-evil" in Path(data["file"]).name  # type: ignore[index]


def test_interrupted_backups_are_not_listed_and_removed_on_start(
    db: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    bk.automatic_backup(db.engine, folder, reason="manual")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    leftover = folder / bk.PARTIAL_DIR / f"{dead}-abcd-obole-x-manual.sqlite3.part"
    leftover.write_bytes(b"half a backup")
    (folder / "obole-20260101-000000-000000-manual.sqlite3.part").write_bytes(b"x")
    assert [e.reason for e in bk.list_backups(folder)] == ["manual"]
    open_database(str(db.file), backup_dir=folder).dispose()
    assert not leftover.exists()


# --- paths: odd folder names ----------------------------------------------------------------------

ODD_NAMES = ["Asso #2", "100%25 sûr", "Été ? oui & non", "Crème brûlée (ü)"]


def _long_folder(base: Path) -> Path:
    folder = base
    while len(str(folder)) < 200:
        folder = folder / ("dossier très long #%" + "x" * 20)
    return folder


@pytest.mark.parametrize("odd", [*ODD_NAMES, "200"])
def test_odd_folder_names_on_sqlite(
    odd: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """#16 point 4: backup create, verify, restore, integrity check and export."""
    base = _long_folder(tmp_path / "long") if odd == "200" else tmp_path / odd
    home = base / "home"
    monkeypatch.setenv("OBOLE_HOME", str(home))
    target = base / "données" / "obole.sqlite3"
    assert run_cli(["init", "--db", str(target), "--demo", "6"]) == 0
    capsys.readouterr()
    code, made = _cli(capsys, "backup", "create", "--db", str(target))
    assert code == 0
    backup_file = Path(made["file"])  # type: ignore[index]
    assert made["row_counts"]["contact"] == 6  # type: ignore[index]
    assert backup_file.stat().st_size > 8192 and backup_file.parent == home / "backups"
    code, checked = _cli(capsys, "backup", "verify", str(backup_file))
    assert code == 0 and checked["sealed"] is True  # type: ignore[index]
    check_database_file(target)
    code, _restored = _cli(capsys, "backup", "restore", str(backup_file), "--db", str(target))
    assert code == 0
    check_database_file(target)
    out = base / "exports" / "contacts.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    assert run_cli(["export", "contacts", str(out), "--db", str(target)]) == 0
    assert out.read_text(encoding="utf-8-sig").count("\n") >= 6
    if odd == "200":
        assert len(str(target)) > 200


# --- encryption ---------------------------------------------------------------------------------

PASSPHRASE = "une phrase de passe assez longue"


def _set_passphrase(db: Database) -> None:
    with db.write() as session:
        backup_crypto.set_backup_passphrase(session, PASSPHRASE)


def test_with_a_backup_passphrase_every_backup_is_encrypted(db: Database, tmp_path: Path) -> None:
    _demo(db, 5)
    _set_passphrase(db)
    with db.read() as session:
        stored = json.dumps(session.get(Setting, backup_crypto.SETTING_KEY).value)  # type: ignore[union-attr]
        name = session.scalars(select(Contact.last_name)).first()
    assert PASSPHRASE not in stored and "public_key" in stored
    folder = tmp_path / "b"
    result = bk.automatic_backup(db.engine, folder, reason="import")  # no passphrase given
    assert result is not None and result.encrypted and result.path.name.endswith(".enc")
    data = result.path.read_bytes()
    assert b"SQLite format" not in data and str(name).encode() not in data
    with pytest.raises(StorageError, match="phrase de passe"):
        bk.verify_backup(result.path)
    with pytest.raises(StorageError, match="phrase de passe"):
        bk.verify_backup(result.path, passphrase="pas la bonne phrase")
    assert bk.check_backup(result.path, passphrase=PASSPHRASE).sealed
    key = backup_crypto.BackupKey.from_setting(json.loads(stored))
    assert key is not None and backup_crypto.passphrase_matches(key, PASSPHRASE)
    assert not backup_crypto.passphrase_matches(key, PASSPHRASE + "!")
    file = db.file
    assert file is not None
    with db.write() as session:
        session.add(Contact(first_name="Après", last_name="Sauvegarde"))
    db.dispose()
    safety = bk.restore_sqlite(result.path, file, folder, passphrase=PASSPHRASE)
    assert safety.encrypted  # the safety copy taken before the restore too
    leftovers = [
        p for p in folder.rglob("*") if p.is_file() and not p.name.endswith((".enc", ".json"))
    ]
    assert leftovers == []
    for flip in random.Random(SEED).sample(range(len(data)), 10):
        _flip(result.path, data, flip)
        with pytest.raises(StorageError):
            bk.verify_backup(result.path, passphrase=PASSPHRASE)


def test_cli_backup_with_a_passphrase_set_asks_nothing(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OBOLE_BACKUP_PASSPHRASE", raising=False)
    target = str(db.file)
    db.dispose()
    monkeypatch.setenv("OBOLE_BACKUP_PASSPHRASE", PASSPHRASE)
    code, _data = _cli(capsys, "backup", "passphrase", "--db", target)
    assert code == 0
    monkeypatch.delenv("OBOLE_BACKUP_PASSPHRASE")
    code, made = _cli(capsys, "backup", "create", "--db", target, "--encrypt")
    assert code == 0 and made["file"].endswith(".sqlite3.enc")  # type: ignore[index]
    assert run_cli(["backup", "verify", made["file"]]) == 1  # type: ignore[index]
    assert "OBOLE_BACKUP_PASSPHRASE" in capsys.readouterr().err  # no terminal: no EOFError


def test_postgresql_encrypted_dump_writes_no_plaintext(any_db: Database, tmp_path: Path) -> None:
    import shutil

    if any_db.is_sqlite:
        pytest.skip(reason="PostgreSQL only (pg_dump)")
    if shutil.which("pg_dump") is None:
        pytest.skip(reason="pg_dump not installed")
    _demo(any_db, 3)
    folder = tmp_path / "b"
    plain = bk.automatic_backup(any_db.engine, folder, reason="manual")
    assert plain is not None and plain.path.read_bytes()[:5] == b"PGDMP"
    assert bk.check_backup(plain.path).engine == "postgresql"
    asked = bk.automatic_backup(any_db.engine, folder, reason="manual", passphrase="x" * 12)
    assert asked is not None and asked.encrypted and b"PGDMP" not in asked.path.read_bytes()
    _set_passphrase(any_db)
    auto = bk.automatic_backup(any_db.engine, folder, reason="import")
    assert auto is not None and auto.encrypted and auto.path.name.endswith(".dump.enc")
    assert b"PGDMP" not in auto.path.read_bytes()
    assert json.loads(auto.path.with_name(auto.path.name + ".json").read_text())["encrypted"]
    assert bk.check_backup(auto.path, passphrase=PASSPHRASE).engine == "postgresql"
    assert stat.S_IMODE(auto.path.stat().st_mode) == 0o600
    assert not any(p.is_file() for p in (folder / bk.PARTIAL_DIR).iterdir())


# --- permissions --------------------------------------------------------------------------------


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_personal_data_files_are_private_under_umask_022(
    umask_022: None, tmp_path: Path, isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "asso" / "obole.sqlite3"
    assert run_cli(["init", "--db", str(target), "--demo", "4"]) == 0
    capsys.readouterr()
    os.umask(0o022)  # every command starts again from the user's umask
    code, made = _cli(capsys, "backup", "create", "--db", str(target))
    assert code == 0
    os.umask(0o022)
    code, exported = _cli(
        capsys, "gdpr", "export", "1", "--out", str(tmp_path / "out"), "--db", str(target)
    )
    assert code == 0
    zip_file = Path(exported["file"])  # type: ignore[index]
    os.umask(0o022)
    export = tmp_path / "out" / "contacts.csv"
    assert run_cli(["export", "contacts", str(export), "--db", str(target)]) == 0
    backup_file = Path(made["file"])  # type: ignore[index]
    files = [
        target,
        backup_file,
        backup_file.with_name(backup_file.name + ".json"),
        zip_file,
        export,
    ]
    files += [Path(str(target) + "-wal")] if Path(str(target) + "-wal").exists() else []
    modes = {str(f): oct(stat.S_IMODE(f.stat().st_mode)) for f in files}
    assert set(modes.values()) == {"0o600"}, modes
    for folder in (isolated_home / "data", isolated_home / "backups", isolated_home / "log"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder


@pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
def test_log_file_is_private_under_umask_022(tmp_path: Path) -> None:
    home = tmp_path / "home"
    done = subprocess.run(
        [
            "sh",
            "-c",
            f'umask 022 && "{sys.executable}" main.py init --db "{tmp_path / "x.sqlite3"}"',
        ],
        cwd=ROOT,
        env={**os.environ, "OBOLE_HOME": str(home), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    logs = list((home / "log").glob("*.log"))
    assert logs and all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in logs)
    assert stat.S_IMODE((tmp_path / "x.sqlite3").stat().st_mode) == 0o600


# --- concurrency -------------------------------------------------------------------------------


def test_info_works_while_another_process_holds_the_write_lock(
    db: Database, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A reader in WAL mode never waits for a writer; opening writes nothing."""
    _demo(db, 5)
    target = str(db.file)
    db.dispose()
    open_database(target).dispose()  # statistics gathered once (first open after the demo)
    monkeypatch.setattr("app.db.SQLITE_BUSY_TIMEOUT_MS", 200)  # a wait would fail fast
    writer = sqlite3.connect(target, isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO tag (name) VALUES ('écriture longue')")
    try:
        code, info = _cli(capsys, "info", "--db", target)
        assert code == 0, capsys.readouterr().err
        assert info["contacts"] == 5  # type: ignore[index]
        assert run_cli(["user", "list", "--db", target]) == 0
        capsys.readouterr()
        code, _listing = _cli(capsys, "backup", "create", "--db", target)
        assert code == 0  # a backup is a reader too
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_reads_during_a_write_transaction_on_both_engines(any_db: Database) -> None:
    from app.core.infrastructure.info import database_info

    with any_db.write() as session:
        session.add_all(Contact(first_name="Avant", last_name=f"N{i}") for i in range(3))
    with any_db.write() as session:
        session.add(Contact(first_name="Pendant", last_name="Écriture"))
        session.flush()
        assert database_info(any_db).contacts == 3  # another connection reads, no wait
    assert database_info(any_db).contacts == 4
