"""Backups: SQLite online backup API (pg_dump for PostgreSQL), verified, rotated, restorable.

Every backup is verified right after it is written: integrity check, foreign-key check, and
per-table row counts compared with the counts read from the source in the same read
transaction as the copy. The counts go in a sidecar manifest (`<file>.json`) so that
`verify_backup` can re-check a file later.

Rotation policy (`rotate_backups`): the newest backup is always kept; "daily" backups are
kept for the 7 most recent days that have one, plus one per ISO week for the 4 weeks
before; every other backup ("before-import", "migration", "before-restore"...) is kept for
30 days.

Optional encryption (`passphrase=`): AES-256-GCM with a key derived by scrypt from the
passphrase and a random salt; an encrypted file is verified by decrypting it to a
temporary file. Restore verifies the backup, backs up the current database, then replaces
the file atomically (os.replace) after a WAL checkpoint.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from app.core.storage_errors import storage_message
from app.errors import StorageError
from app.i18n import _

logger = logging.getLogger(__name__)

ENCRYPTED_MAGIC = b"OBOLE-AESGCM-1\n"
SALT_BYTES, NONCE_BYTES = 16, 12
DAILY_DAYS, WEEKLY_WEEKS, OTHER_DAYS = 7, 4, 30
DAILY_REASON = "daily"


@dataclass(frozen=True)
class BackupResult:
    """Where a backup was written and what it holds."""

    path: Path
    reason: str
    tables: int
    row_counts: dict[str, int] = field(default_factory=dict)
    encrypted: bool = False


@dataclass(frozen=True)
class BackupEntry:
    """A backup file found in the backup folder."""

    path: Path
    reason: str
    created: datetime
    size: int
    encrypted: bool


def sqlite_file(engine: Engine) -> Path | None:
    """The database file behind an SQLite engine, or None (memory, PostgreSQL)."""
    if engine.url.get_backend_name() != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database)


def backup_file_name(
    source: Path, reason: str, *, now: datetime | None = None, suffix: str = ".sqlite3"
) -> str:
    """File name such as obole-20261124-091500-000000-migration.sqlite3."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S-%f")
    return f"{source.stem}-{stamp}-{reason}{suffix}"


def _fail(exc: BaseException, file: Path, fallback: str) -> StorageError:
    return StorageError(storage_message(exc, file) or fallback)


def backup_sqlite(
    source: Path,
    backup_dir: Path,
    *,
    reason: str,
    passphrase: str | None = None,
    now: datetime | None = None,
) -> BackupResult:
    """Copy `source` with the online backup API, verify it, optionally encrypt it."""
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _fail(exc, backup_dir, str(exc)) from exc
    suffix = ".sqlite3.enc" if passphrase else ".sqlite3"
    target = backup_dir / backup_file_name(source, reason, now=now, suffix=suffix)
    plain = target.with_suffix(".tmp") if passphrase else target
    try:
        counts = _copy_with_counts(source, plain)
        tables = verify_sqlite(plain, expected_counts=counts)
        if passphrase:
            encrypt_file(plain, target, passphrase)
            plain.unlink()
            tables = verify_backup(target, passphrase=passphrase, expected_counts=counts)
        _write_manifest(target, reason, counts, encrypted=bool(passphrase))
    except (sqlite3.Error, OSError) as exc:
        for leftover in (target, plain, _manifest_path(target)):
            leftover.unlink(missing_ok=True)
        raise _fail(
            exc,
            target,
            _("La sauvegarde de {source} a échoué : {error}").format(source=source, error=exc),
        ) from exc
    except StorageError:
        for leftover in (target, plain, _manifest_path(target)):
            leftover.unlink(missing_ok=True)
        raise
    logger.info("backup written: %s (%s)", target, reason)
    return BackupResult(target, reason, tables, counts, bool(passphrase))


def _copy_with_counts(source: Path, target: Path) -> dict[str, int]:
    """Count rows and copy in ONE read transaction, so the counts describe the copy."""
    if not source.exists():
        raise FileNotFoundError(2, "No such file", str(source))
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, isolation_level=None)
    dst = sqlite3.connect(target)
    try:
        src.execute("BEGIN")
        counts = _row_counts(src)
        src.backup(dst)
        src.execute("COMMIT")
    finally:
        dst.close()
        src.close()
    return counts


def _row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0]
        for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {n: int(connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}


def verify_sqlite(
    path: Path, *, expected_counts: dict[str, int] | None = None, quick: bool = False
) -> int:
    """Integrity, foreign-key and (when given) row-count checks; return the table count."""
    with closing_ro(path) as connection:
        pragma = "quick_check" if quick else "integrity_check"
        (result,) = connection.execute(f"PRAGMA {pragma}").fetchone()
        if result != "ok":
            raise StorageError(
                _("La base {file} est corrompue : {detail}").format(file=path, detail=result)
            )
        if connection.execute("PRAGMA foreign_key_check").fetchone() is not None:
            raise StorageError(
                _("La base {file} a des références cassées (clés étrangères).").format(file=path)
            )
        counts = _row_counts(connection)
    if expected_counts is not None and counts != expected_counts:
        differ = sorted(
            t for t in set(counts) | set(expected_counts) if counts.get(t) != expected_counts.get(t)
        )
        raise StorageError(
            _(
                "La sauvegarde {file} ne contient pas les mêmes nombres de lignes "
                "que la base d'origine (tables : {tables})."
            ).format(file=path, tables=", ".join(differ))
        )
    return len(counts)


@contextmanager
def closing_ro(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to `path`, closed afterwards."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield connection
    finally:
        connection.close()


# --- encryption ------------------------------------------------------------------------------


def _derive_key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())


def encrypt_file(plain: Path, target: Path, passphrase: str) -> None:
    """Write `plain` encrypted with AES-256-GCM (scrypt-derived key) to `target`."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    sealed = AESGCM(_derive_key(passphrase, salt)).encrypt(
        nonce, plain.read_bytes(), ENCRYPTED_MAGIC
    )
    target.write_bytes(ENCRYPTED_MAGIC + salt + nonce + sealed)


def decrypt_file(source: Path, target: Path, passphrase: str | None) -> None:
    """Decrypt `source` to `target`; StorageError on a wrong passphrase or damaged file."""
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not passphrase:
        raise StorageError(
            _("La sauvegarde {file} est chiffrée : indiquez la phrase de passe.").format(
                file=source
            )
        )
    data = source.read_bytes()
    head = len(ENCRYPTED_MAGIC)
    salt, nonce = data[head : head + SALT_BYTES], data[head + SALT_BYTES : head + SALT_BYTES + 12]
    try:
        plain = AESGCM(_derive_key(passphrase, salt)).decrypt(
            nonce, data[head + SALT_BYTES + NONCE_BYTES :], ENCRYPTED_MAGIC
        )
    except InvalidTag:
        raise StorageError(
            _(
                "Impossible de déchiffrer {file} : phrase de passe incorrecte ou fichier abîmé."
            ).format(file=source)
        ) from None
    target.write_bytes(plain)


def is_encrypted(path: Path) -> bool:
    """True when `path` is an encrypted Obole backup."""
    with path.open("rb") as stream:
        return stream.read(len(ENCRYPTED_MAGIC)) == ENCRYPTED_MAGIC


@contextmanager
def plain_copy(path: Path, passphrase: str | None) -> Iterator[Path]:
    """`path` itself, or a decrypted temporary copy next to it (removed afterwards)."""
    if not is_encrypted(path):
        yield path
        return
    handle, name = tempfile.mkstemp(suffix=".sqlite3", dir=path.parent)
    os.close(handle)
    temp = Path(name)
    try:
        decrypt_file(path, temp, passphrase)
        yield temp
    finally:
        temp.unlink(missing_ok=True)


# --- manifest, listing, verification ---------------------------------------------------------


def _manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def _write_manifest(backup: Path, reason: str, counts: dict[str, int], *, encrypted: bool) -> None:
    manifest = {
        "reason": reason,
        "created": datetime.now(UTC).isoformat(),
        "row_counts": counts,
        "encrypted": encrypted,
    }
    _manifest_path(backup).write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def read_manifest(backup: Path) -> dict[str, object]:
    """The sidecar manifest of a backup ({} when missing)."""
    path = _manifest_path(backup)
    if not path.exists():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")))


def verify_backup(
    path: Path, *, passphrase: str | None = None, expected_counts: dict[str, int] | None = None
) -> int:
    """Check a backup file (decrypting it to a temporary file when encrypted)."""
    if not path.exists():
        raise StorageError(_("Fichier introuvable : {file}.").format(file=path))
    if expected_counts is None:
        stored = read_manifest(path).get("row_counts")
        expected_counts = dict(stored) if isinstance(stored, dict) else None
    with plain_copy(path, passphrase) as plain:
        try:
            return verify_sqlite(plain, expected_counts=expected_counts)
        except sqlite3.DatabaseError as exc:
            raise StorageError(
                _("{file} n'est pas une sauvegarde Obole lisible : {error}").format(
                    file=path, error=exc
                )
            ) from exc


def list_backups(backup_dir: Path) -> list[BackupEntry]:
    """Backups in `backup_dir`, newest first."""
    if not backup_dir.is_dir():
        return []
    entries = [
        _entry(p)
        for p in backup_dir.iterdir()
        if p.name.endswith((".sqlite3", ".sqlite3.enc", ".dump"))
    ]
    return sorted(entries, key=lambda e: e.created, reverse=True)


def _entry(path: Path) -> BackupEntry:
    manifest = read_manifest(path)
    created = (
        datetime.fromisoformat(str(manifest["created"]))
        if "created" in manifest
        else datetime.fromtimestamp(path.stat().st_mtime, UTC)
    )
    reason = str(manifest.get("reason") or path.name.split(".")[0].rsplit("-", 1)[-1])
    return BackupEntry(path, reason, created, path.stat().st_size, path.name.endswith(".enc"))


# --- rotation --------------------------------------------------------------------------------


def backups_to_delete(entries: list[BackupEntry], *, now: datetime) -> list[BackupEntry]:
    """Apply the rotation policy (module docstring); returns what may be deleted."""
    keep: set[Path] = {entries[0].path} if entries else set()
    daily_days: set[object] = set()
    weeks: set[object] = set()
    for entry in entries:  # newest first
        if entry.reason != DAILY_REASON:
            if now - entry.created <= timedelta(days=OTHER_DAYS):
                keep.add(entry.path)
            continue
        day, week = entry.created.date(), entry.created.isocalendar()[:2]
        if day not in daily_days and len(daily_days) < DAILY_DAYS:
            daily_days.add(day)
            keep.add(entry.path)
        elif week not in weeks and len(weeks) < WEEKLY_WEEKS and day not in daily_days:
            weeks.add(week)
            keep.add(entry.path)
    return [e for e in entries if e.path not in keep]


def rotate_backups(backup_dir: Path, *, now: datetime | None = None) -> list[Path]:
    """Delete the backups the rotation policy no longer keeps; return them."""
    doomed = backups_to_delete(list_backups(backup_dir), now=now or datetime.now(UTC))
    for entry in doomed:
        entry.path.unlink(missing_ok=True)
        _manifest_path(entry.path).unlink(missing_ok=True)
        logger.info("old backup removed: %s", entry.path)
    return [e.path for e in doomed]


# --- entry points ----------------------------------------------------------------------------


def automatic_backup(
    engine: Engine, backup_dir: Path | None, *, reason: str, passphrase: str | None = None
) -> BackupResult | None:
    """Backup taken before a risky operation (import, merge batch, receipt batch...).

    Verified, then old backups rotated. Returns None when there is nothing to copy
    (memory database or no backup folder); PostgreSQL uses pg_dump when available.
    Raises StorageError when the copy fails, so the risky operation does not start
    without its safety net.
    """
    in_memory = engine.url.get_backend_name() == "sqlite" and sqlite_file(engine) is None
    if backup_dir is None or in_memory:
        logger.info("no automatic backup for %s (%s)", engine.url.get_backend_name(), reason)
        return None
    source = sqlite_file(engine)
    if source is None:
        result = backup_postgresql(engine, backup_dir, reason=reason)
    else:
        result = backup_sqlite(source, backup_dir, reason=reason, passphrase=passphrase)
    rotate_backups(backup_dir)
    return result


def daily_backup_due(backup_dir: Path, *, now: datetime | None = None) -> bool:
    """True when no backup was made in the last 24 hours."""
    entries = list_backups(backup_dir)
    return not entries or (now or datetime.now(UTC)) - entries[0].created > timedelta(days=1)


def backup_postgresql(engine: Engine, backup_dir: Path, *, reason: str) -> BackupResult:
    """A custom-format pg_dump of a PostgreSQL database (StorageError if pg_dump is missing)."""
    binary = shutil.which("pg_dump")
    if binary is None:
        raise StorageError(
            _(
                "Sauvegarde impossible : le programme pg_dump (PostgreSQL) est "
                "introuvable. Installez les outils clients PostgreSQL ou "
                "demandez à l'hébergeur de la base de faire les sauvegardes."
            )
        )
    backup_dir.mkdir(parents=True, exist_ok=True)
    url = engine.url.set(drivername="postgresql")
    target = backup_dir / backup_file_name(Path(url.database or "obole"), reason, suffix=".dump")
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    plain_url = url.set(password=None).render_as_string(hide_password=False)
    done = subprocess.run(
        [binary, "--format=custom", f"--file={target}", plain_url],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        target.unlink(missing_ok=True)
        raise StorageError(_("pg_dump a échoué : {error}").format(error=done.stderr.strip()))
    _write_manifest(target, reason, {}, encrypted=False)
    return BackupResult(target, reason, 0)


def restore_sqlite(
    backup: Path, database_file: Path, backup_dir: Path, *, passphrase: str | None = None
) -> BackupResult:
    """Verify `backup`, back up the current database, then replace it atomically.

    The caller must have closed every connection to `database_file` (engine.dispose()).
    Returns the safety backup of the database as it was before the restore.
    """
    verify_backup(backup, passphrase=passphrase)
    safety = _safety_copy(database_file, backup_dir)
    staged = database_file.with_name(database_file.name + ".restoring")
    try:
        with plain_copy(backup, passphrase) as plain:
            _copy_with_counts(plain, staged)
        verify_sqlite(staged)
        _checkpoint(database_file)
        for suffix in ("-wal", "-shm"):
            Path(str(database_file) + suffix).unlink(missing_ok=True)
        os.replace(staged, database_file)
    except OSError as exc:
        raise _fail(exc, database_file, str(exc)) from exc
    finally:
        staged.unlink(missing_ok=True)
    logger.info("database %s restored from %s", database_file, backup)
    return safety


def _safety_copy(database_file: Path, backup_dir: Path) -> BackupResult:
    """A verified backup of the current database, or a raw copy when it is damaged."""
    try:
        return backup_sqlite(database_file, backup_dir, reason="before-restore")
    except StorageError:
        if not database_file.exists():
            raise
        target = backup_dir / backup_file_name(database_file, "damaged")
        backup_dir.mkdir(parents=True, exist_ok=True)
        shutil.copy2(database_file, target)
        logger.info("damaged database kept as %s", target)
        return BackupResult(target, "damaged", 0)


def _checkpoint(database_file: Path) -> None:
    """Fold the WAL into the main file so nothing stale is left beside it."""
    connection = sqlite3.connect(database_file)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
