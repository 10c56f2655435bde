"""Backups: single self-contained files, sealed with their SHA-256, verified, rotated.

What a backup is
- SQLite: the online backup API copies the database into memory in one read transaction
  together with the per-table row counts; a metadata table `obole_backup` is added (reason,
  date, row counts and the seal below); VACUUM makes the copy compact and in rollback-
  journal format, so a backup is ONE file: no -wal/-shm beside it, ever.
- PostgreSQL: a custom-format pg_dump read from its standard output into memory.
- When the association has set a backup passphrase (Settings; backup_crypto) or `--encrypt`
  is asked, the bytes are encrypted in memory before anything is written:
  no plaintext copy ever reaches the disk, automatic backups included.
- Bytes are written to a private `.partial` folder inside the backup folder, then moved in
  place with os.replace: an interrupted backup is never listed, and its leftover is removed
  on the next start (`remove_stale_partials`). Backups and manifests are private (0600).

The seal: a SHA-256 inside the file, so a copy without its manifest can still be checked
- The `seal` row of `obole_backup` holds `OBOLE-SHA256:<nonce>:<64 hex digits>`. The digits
  are first written as zeros; the SHA-256 of the whole file, with those 64 digits zeroed, is
  then written in their place. Same length, so no page changes (SQLite pages carry no
  checksum). Checking re-reads the file, zeroes the digits after the marker, hashes and
  compares: every byte of the file is covered, and altering the digits themselves makes
  the comparison fail, so any change anywhere in the file is detected.
- A file holding the `obole_backup` table or the marker but no matching seal is refused
  (one flipped byte in the table name or the marker cannot make a sealed backup look like
  an unsealed one). Backups made before seals existed are still checked as before
  (integrity, foreign keys, row counts) and reported as unsealed.
- The sidecar manifest (`<file>.json`) records the SHA-256 of the file as written
  (ciphertext for an encrypted backup) and the row counts; any mismatch is refused.
  AES-GCM authenticates encrypted backups as well.
- The seal detects damage and editing with ordinary tools, not a forger who recomputes
  it: against that, encrypt (AES-GCM needs the passphrase).

Rotation policy (`rotate_backups`): the newest backup is always kept; "daily" backups are
kept for the 7 most recent days that have one, plus one per ISO week for the 4 weeks
before; every other backup ("import", "migration", "before-restore"...) is kept for 30 days.

Restore (`restore_sqlite`) checks the backup, backs up the current database, carries the
journal entries newer than the backup over, records the restore with its source file, and
replaces the file atomically (os.replace) after a WAL checkpoint.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import psutil
from sqlalchemy import Engine, Table, create_engine, insert, select
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from app.core.infrastructure import backup_crypto as crypto
from app.core.infrastructure.storage_errors import storage_message
from app.errors import StorageError
from app.i18n import N_, _
from app.paths import POSIX, atomic_write_bytes, private_dir, private_file

logger = logging.getLogger(__name__)

DAILY_DAYS, WEEKLY_WEEKS, OTHER_DAYS = 7, 4, 30
DAILY_REASON = "daily"
# what each automatic backup was taken before, in words (the file name keeps the slug)
REASON_LABELS = {
    "manual": N_("manuelle"),
    "daily": N_("quotidienne"),
    "migration": N_("avant mise à jour"),
    "import": N_("avant import"),
    "receipts": N_("avant reçus fiscaux"),
    "merge-batch": N_("avant fusion en lot"),
    "anonymisation": N_("avant effacement RGPD"),
    "retention": N_("avant conservation RGPD"),
    "before-restore": N_("avant restauration"),
    "sepa": N_("avant prélèvements SEPA"),
}


def reason_label(reason: str) -> str:
    """A backup's reason in the user's words ("avant import"); a typed reason as it is."""
    return _(REASON_LABELS[reason]) if reason in REASON_LABELS else reason


META_TABLE = "obole_backup"
SEAL_MARKER = b"OBOLE-SHA256:"
NONCE_HEX, DIGEST_HEX = 32, 64
PARTIAL_DIR = ".partial"
STALE_PARTIAL_SECONDS = 24 * 3600  # where the owner of a leftover cannot be checked
BACKUP_SUFFIXES = (".sqlite3", ".sqlite3.enc", ".dump", ".dump.enc")
REASON_MAX_LENGTH = 40
PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass(frozen=True)
class BackupResult:
    """Where a backup was written and what it holds."""

    path: Path
    reason: str
    tables: int
    row_counts: dict[str, int] = field(default_factory=dict)
    encrypted: bool = False
    sha256: str = ""


@dataclass(frozen=True)
class BackupEntry:
    """A backup file found in the backup folder."""

    path: Path
    reason: str
    created: datetime
    size: int
    encrypted: bool


@dataclass(frozen=True)
class BackupCheck:
    """What checking a backup found: its tables, whether its seal was verified."""

    tables: int
    sealed: bool
    sha256: str
    engine: str = "sqlite"


def sqlite_file(engine: Engine) -> Path | None:
    """The database file behind an SQLite engine, or None (memory, PostgreSQL)."""
    if engine.url.get_backend_name() != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    return Path(database)


def sqlite_uri(path: Path, *, read_only: bool = True) -> str:
    """A `file:` URI for sqlite3.connect(..., uri=True), built with Path.as_uri().

    Building it by hand breaks on '#', '?' and '%' in folder names ("Asso #2" would open
    an empty database called "Asso "; "%25" would be decoded to "%").
    """
    uri = path.expanduser().resolve().as_uri()
    return f"{uri}?mode=ro" if read_only else uri


def safe_reason(reason: str) -> str:
    """A backup reason as a label for the file name: lower-case letters, digits, dashes.

    Reasons are labels, never paths: "a/../../x" becomes "a-x".
    """
    text = unicodedata.normalize("NFKD", reason).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:REASON_MAX_LENGTH].strip("-")
    return slug or "manual"


def backup_file_name(
    source: Path, reason: str, *, now: datetime | None = None, suffix: str = ".sqlite3"
) -> str:
    """File name such as obole-20261124-091500-000000-migration.sqlite3."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S-%f")
    stem = re.sub(r"[\\/:]", "-", source.stem) or "obole"
    return f"{stem}-{stamp}-{safe_reason(reason)}{suffix}"


def _fail(exc: BaseException, file: Path, fallback: str) -> StorageError:
    return StorageError(storage_message(exc, file) or fallback)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- writing: private, atomic, never a half file in the backup folder ---------------------------


def _partial_dir(backup_dir: Path) -> Path:
    return private_dir(backup_dir / PARTIAL_DIR)


def _write_backup_file(backup_dir: Path, name: str, data: bytes) -> Path:
    """Write `data` as backup_dir/name through the private .partial folder (atomic)."""
    private_dir(backup_dir)
    partial = _partial_dir(backup_dir) / f"{os.getpid()}-{secrets.token_hex(4)}-{name}.part"
    target = backup_dir / name
    if target.resolve().parent != backup_dir.resolve():  # a label never escapes the folder
        raise StorageError(_("Nom de sauvegarde refusé : {name}.").format(name=name))
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    private_file(target)
    return target


def _pid_alive(pid: int) -> bool:
    """Whether process `pid` still runs (psutil: probing with a signal is POSIX-only)."""
    return bool(psutil.pid_exists(pid))


def remove_stale_partials(backup_dir: Path | None) -> list[Path]:
    """Remove what interrupted backups left in the private .partial folder (on start)."""
    folder = None if backup_dir is None else backup_dir / PARTIAL_DIR
    if folder is None or not folder.is_dir():
        return []
    removed = []
    for leftover in folder.iterdir():
        owner = leftover.name.split("-", 1)[0]
        if POSIX and owner.isdigit() and int(owner) != os.getpid():
            stale = not _pid_alive(int(owner))
        else:
            stale = time.time() - leftover.stat().st_mtime > STALE_PARTIAL_SECONDS
        if stale:
            leftover.unlink(missing_ok=True)
            removed.append(leftover)
            logger.info("interrupted backup removed: %s", leftover)
    return removed


# --- SQLite: copy, seal, check ------------------------------------------------------------------


def _copy_with_counts(source: Path) -> tuple[sqlite3.Connection, dict[str, int]]:
    """Count rows and copy into memory in ONE read transaction (the counts describe the copy)."""
    if not source.exists():
        raise FileNotFoundError(2, "No such file", str(source))
    src = sqlite3.connect(sqlite_uri(source), uri=True, isolation_level=None)
    memory = sqlite3.connect(":memory:")
    try:
        src.execute("BEGIN")
        counts = _row_counts(src)
        src.backup(memory)
        src.execute("COMMIT")
    except BaseException:
        memory.close()
        raise
    finally:
        src.close()
    return memory, counts


def _row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    names = [
        r[0]
        for r in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "AND name != ? ORDER BY name",
            (META_TABLE,),
        )
    ]
    return {n: int(connection.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0]) for n in names}


def _key_in(connection: sqlite3.Connection) -> crypto.BackupKey | None:
    """The association's backup key, read in the copied database itself."""
    try:
        row = connection.execute(
            "SELECT value FROM setting WHERE key = ?", (crypto.SETTING_KEY,)
        ).fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else crypto.BackupKey.from_setting(json.loads(row[0]))


def _sealed_bytes(
    memory: sqlite3.Connection, *, reason: str, created: datetime, counts: dict[str, int]
) -> bytes:
    """Add the metadata table, VACUUM, serialise and seal (module docstring)."""
    nonce = secrets.token_hex(NONCE_HEX // 2)
    placeholder = SEAL_MARKER.decode() + nonce + ":" + "0" * DIGEST_HEX
    memory.execute(f'DROP TABLE IF EXISTS "{META_TABLE}"')
    memory.execute(f'CREATE TABLE "{META_TABLE}" (key TEXT PRIMARY KEY, value TEXT NOT NULL)')
    memory.executemany(
        f'INSERT INTO "{META_TABLE}" (key, value) VALUES (?, ?)',
        [
            ("format", "1"),
            ("reason", reason),
            ("created", created.isoformat()),
            ("row_counts", json.dumps(counts, sort_keys=True)),
            ("seal", placeholder),
        ],
    )
    memory.commit()
    memory.execute("VACUUM")
    data = bytearray(memory.serialize())
    data[18:20] = b"\x01\x01"  # rollback-journal format: never a -wal file beside it
    marker = (SEAL_MARKER.decode() + nonce + ":").encode()
    at = data.find(marker)
    if at < 0 or data.find(marker, at + 1) >= 0:
        raise StorageError(_("Impossible de sceller la sauvegarde (empreinte introuvable)."))
    start = at + len(marker)
    data[start : start + DIGEST_HEX] = _sha256(bytes(data)).encode()
    return bytes(data)


_DIGEST = re.compile(rb"[0-9a-f]{%d}" % DIGEST_HEX)


def seal_state(data: bytes) -> str:
    """'sealed' (seal verified), 'unsealed' (an old backup) or 'broken' (altered)."""
    seen = False
    position = data.find(SEAL_MARKER)
    while position >= 0:
        start = position + len(SEAL_MARKER) + NONCE_HEX + 1
        digest = data[start : start + DIGEST_HEX]
        if _DIGEST.fullmatch(digest):
            seen = True
            zeroed = data[:start] + b"0" * DIGEST_HEX + data[start + DIGEST_HEX :]
            if _sha256(zeroed).encode() == digest:
                return "sealed"
        position = data.find(SEAL_MARKER, position + 1)
    return "broken" if seen or META_TABLE.encode() in data else "unsealed"


@contextmanager
def _memory_database(data: bytes, name: object) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    if data[18:20] == b"\x02\x02":  # a WAL-format file (old backups): read it as rollback
        data = data[:18] + b"\x01\x01" + data[20:]
    try:
        try:
            connection.deserialize(data)
        except sqlite3.DatabaseError as exc:
            raise StorageError(
                _("{file} n'est pas une sauvegarde Obole lisible : {error}").format(
                    file=name, error=exc
                )
            ) from exc
        yield connection
    finally:
        connection.close()


def _check_connection(
    connection: sqlite3.Connection,
    name: object,
    *,
    expected_counts: dict[str, int] | None = None,
    quick: bool = False,
) -> int:
    """Integrity, foreign keys and (when given) row counts; returns the table count."""
    pragma = "quick_check" if quick else "integrity_check"
    (result,) = connection.execute(f"PRAGMA {pragma}").fetchone()
    if result != "ok":
        raise StorageError(
            _("La base {file} est corrompue : {detail}").format(file=name, detail=result)
        )
    if connection.execute("PRAGMA foreign_key_check").fetchone() is not None:
        raise StorageError(
            _("La base {file} a des références cassées (clés étrangères).").format(file=name)
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
            ).format(file=name, tables=", ".join(differ))
        )
    return len(counts)


def verify_sqlite(
    path: Path, *, expected_counts: dict[str, int] | None = None, quick: bool = False
) -> int:
    """Integrity, foreign-key and (when given) row-count checks; return the table count."""
    with closing_ro(path) as connection:
        return _check_connection(connection, path, expected_counts=expected_counts, quick=quick)


@contextmanager
def closing_ro(path: Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection to `path`, closed afterwards."""
    connection = sqlite3.connect(sqlite_uri(path), uri=True)
    try:
        yield connection
    finally:
        connection.close()


def _stored_counts(connection: sqlite3.Connection) -> dict[str, int] | None:
    try:
        row = connection.execute(
            f"SELECT value FROM \"{META_TABLE}\" WHERE key = 'row_counts'"
        ).fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else {str(k): int(v) for k, v in json.loads(row[0]).items()}


def _check_plain_sqlite(
    data: bytes, name: object, *, expected_counts: dict[str, int] | None
) -> BackupCheck:
    state = seal_state(data)
    if state == "broken":
        raise StorageError(_altered(name))
    try:
        with _memory_database(data, name) as connection:
            counts = expected_counts if expected_counts is not None else _stored_counts(connection)
            tables = _check_connection(connection, name, expected_counts=counts)
    except sqlite3.DatabaseError as exc:
        raise StorageError(
            _("{file} n'est pas une sauvegarde Obole lisible : {error}").format(
                file=name, error=exc
            )
        ) from exc
    return BackupCheck(tables, state == "sealed", _sha256(data))


def _altered(name: object) -> str:
    return _(
        "La sauvegarde {file} a été modifiée ou abîmée : son empreinte SHA-256 ne "
        "correspond plus. Elle n'est pas utilisable ; prenez une autre sauvegarde."
    ).format(file=name)


def backup_sqlite(
    source: Path,
    backup_dir: Path,
    *,
    reason: str,
    passphrase: str | None = None,
    now: datetime | None = None,
) -> BackupResult:
    """Copy `source`, seal, check, encrypt when asked or configured, write atomically.

    The association's backup key (Settings) is read in the copy itself: when set, the
    backup is always encrypted for it; otherwise `passphrase` encrypts this backup.
    """
    reason = safe_reason(reason)
    created = now or datetime.now(UTC)
    target = backup_dir / backup_file_name(source, reason, now=created)
    try:
        private_dir(backup_dir)
        memory, counts = _copy_with_counts(source)
        try:
            key = _key_in(memory)
            plain = _sealed_bytes(memory, reason=reason, created=created, counts=counts)
        finally:
            memory.close()
        check = _check_plain_sqlite(plain, source, expected_counts=counts)
        encrypted = key is not None or bool(passphrase)
        data = _encrypt(plain, key, passphrase)
        name = backup_file_name(source, reason, now=created, suffix=_suffix(".sqlite3", encrypted))
        target = _write_backup_file(backup_dir, name, data)
        _confirm_written(target, data)
        _write_manifest(target, reason, counts, encrypted=encrypted, sha256=_sha256(data))
    except (sqlite3.Error, OSError) as exc:
        _discard(target)
        raise _fail(
            exc,
            target,
            _("La sauvegarde de {source} a échoué : {error}").format(source=source, error=exc),
        ) from exc
    except StorageError:
        _discard(target)
        raise
    logger.info("backup written: %s (%s)", target, reason)
    return BackupResult(target, reason, check.tables, counts, encrypted, _sha256(data))


def _suffix(base: str, encrypted: bool) -> str:
    return base + ".enc" if encrypted else base


def _encrypt(plain: bytes, key: crypto.BackupKey | None, passphrase: str | None) -> bytes:
    if key is not None:
        return crypto.encrypt_for_key(plain, key)
    if passphrase:
        return crypto.encrypt_with_passphrase(plain, passphrase)
    return plain


def _confirm_written(target: Path, data: bytes) -> None:
    """Read the file back: what is on disk must be exactly what was checked."""
    if _sha256(target.read_bytes()) != _sha256(data):
        raise StorageError(_altered(target))


def _discard(target: Path) -> None:
    for leftover in (target, _manifest_path(target)):
        if leftover.parent.exists():
            leftover.unlink(missing_ok=True)


# --- encryption helpers kept for callers --------------------------------------------------------


def is_encrypted(path: Path) -> bool:
    """True when `path` is an encrypted Obole backup."""
    with path.open("rb") as stream:
        return crypto.is_encrypted_data(stream.read(32))


def configured_key(engine: Engine) -> crypto.BackupKey | None:
    """The association's backup key (None when no backup passphrase is set)."""
    with engine.connect() as connection:
        return crypto.backup_key_on(connection)


# --- manifest, listing, verification ---------------------------------------------------------


def _manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")


def _write_manifest(
    backup: Path, reason: str, counts: dict[str, int], *, encrypted: bool, sha256: str
) -> None:
    manifest = {
        "reason": reason,
        "created": datetime.now(UTC).isoformat(),
        "row_counts": counts,
        "encrypted": encrypted,
        "sha256": sha256,
    }
    atomic_write_bytes(_manifest_path(backup), json.dumps(manifest, indent=1).encode("utf-8"))


def read_manifest(backup: Path) -> dict[str, object]:
    """The sidecar manifest of a backup ({} when missing)."""
    path = _manifest_path(backup)
    if not path.exists():
        return {}
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, UnicodeDecodeError) as exc:
        raise StorageError(
            _("Le manifeste {file} est illisible : {error}").format(file=path, error=exc)
        ) from exc


def _read_file(path: Path) -> bytes:
    if not path.is_file():
        raise StorageError(_("Fichier introuvable : {file}.").format(file=path))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _fail(exc, path, str(exc)) from exc


def _check_bytes(
    path: Path,
    data: bytes,
    *,
    passphrase: str | None,
    expected_counts: dict[str, int] | None,
) -> tuple[BackupCheck, bytes]:
    """Every check of `check_backup` on the file's bytes; returns the plain bytes too."""
    manifest = read_manifest(path)
    digest = _sha256(data)
    if manifest.get("sha256") and digest != manifest["sha256"]:
        raise StorageError(_altered(path))
    if expected_counts is None:
        stored = manifest.get("row_counts")
        expected_counts = dict(stored) if isinstance(stored, dict) and stored else None
    plain = crypto.decrypt(data, passphrase, name=path) if crypto.is_encrypted_data(data) else data
    if plain.startswith(PG_MAGIC):
        return BackupCheck(0, bool(manifest.get("sha256")), digest, "postgresql"), plain
    if not plain.startswith(SQLITE_MAGIC):
        raise StorageError(
            _("{file} n'est pas une sauvegarde Obole lisible : {error}").format(
                file=path, error=_("format inconnu")
            )
        )
    check = _check_plain_sqlite(plain, path, expected_counts=expected_counts)
    return BackupCheck(check.tables, check.sealed, digest), plain


def check_backup(
    path: Path, *, passphrase: str | None = None, expected_counts: dict[str, int] | None = None
) -> BackupCheck:
    """Check a backup file entirely in memory (decrypting it when encrypted).

    Refuses a file that differs from its manifest's SHA-256 or from its own seal, a
    damaged database, broken foreign keys and row counts that differ from those recorded.
    """
    data = _read_file(path)
    return _check_bytes(path, data, passphrase=passphrase, expected_counts=expected_counts)[0]


def verify_backup(
    path: Path, *, passphrase: str | None = None, expected_counts: dict[str, int] | None = None
) -> int:
    """Check a backup file (`check_backup`); returns its table count."""
    return check_backup(path, passphrase=passphrase, expected_counts=expected_counts).tables


def load_verified_backup(path: Path, passphrase: str | None) -> bytes:
    """The plain SQLite bytes of a backup, after every check of `check_backup`."""
    check, plain = _check_bytes(path, _read_file(path), passphrase=passphrase, expected_counts=None)
    if check.engine != "sqlite":
        raise StorageError(
            _("{file} est une sauvegarde PostgreSQL : restaurez-la avec pg_restore.").format(
                file=path
            )
        )
    return plain


def list_backups(backup_dir: Path) -> list[BackupEntry]:
    """Backups in `backup_dir`, newest first (interrupted ones are never listed)."""
    if not backup_dir.is_dir():
        return []
    entries = [
        _entry(p)
        for p in backup_dir.iterdir()
        if p.is_file() and p.name.endswith(BACKUP_SUFFIXES) and not p.name.startswith(".")
    ]
    return sorted(entries, key=lambda e: e.created, reverse=True)


def _entry(path: Path) -> BackupEntry:
    try:
        manifest = read_manifest(path)
    except StorageError:
        manifest = {}
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

    Verified, encrypted when the association set a backup passphrase, then old backups
    rotated. Returns None when there is nothing to copy (memory database or no backup
    folder); PostgreSQL uses pg_dump. Raises StorageError when the copy fails, so the
    risky operation does not start without its safety net.
    """
    in_memory = engine.url.get_backend_name() == "sqlite" and sqlite_file(engine) is None
    if backup_dir is None or in_memory:
        logger.info("no automatic backup for %s (%s)", engine.url.get_backend_name(), reason)
        return None
    source = sqlite_file(engine)
    if source is None:
        result = backup_postgresql(engine, backup_dir, reason=reason, passphrase=passphrase)
    else:
        result = backup_sqlite(source, backup_dir, reason=reason, passphrase=passphrase)
    rotate_backups(backup_dir)
    return result


def daily_backup_due(backup_dir: Path, *, now: datetime | None = None) -> bool:
    """True when no backup was made in the last 24 hours."""
    entries = list_backups(backup_dir)
    return not entries or (now or datetime.now(UTC)) - entries[0].created > timedelta(days=1)


def backup_postgresql(
    engine: Engine, backup_dir: Path, *, reason: str, passphrase: str | None = None
) -> BackupResult:
    """A custom-format pg_dump (StorageError if pg_dump is missing), encrypted in memory
    when a backup passphrase is set or `passphrase` is given: no plaintext reaches disk."""
    binary = shutil.which("pg_dump")
    if binary is None:
        raise StorageError(
            _(
                "Sauvegarde impossible : le programme pg_dump (PostgreSQL) est "
                "introuvable. Installez les outils clients PostgreSQL ou "
                "demandez à l'hébergeur de la base de faire les sauvegardes."
            )
        )
    reason = safe_reason(reason)
    key = configured_key(engine)
    url = engine.url.set(drivername="postgresql")
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    plain_url = url.set(password=None).render_as_string(hide_password=False)
    done = subprocess.run(
        [binary, "--format=custom", plain_url], env=env, capture_output=True, check=False
    )
    if done.returncode != 0 or not done.stdout.startswith(PG_MAGIC):
        error = done.stderr.decode("utf-8", "replace").strip()
        raise StorageError(_("pg_dump a échoué : {error}").format(error=error))
    encrypted = key is not None or bool(passphrase)
    data = _encrypt(done.stdout, key, passphrase)
    name = backup_file_name(
        Path(url.database or "obole"), reason, suffix=_suffix(".dump", encrypted)
    )
    try:
        target = _write_backup_file(backup_dir, name, data)
        _confirm_written(target, data)
        _write_manifest(target, reason, {}, encrypted=encrypted, sha256=_sha256(data))
    except OSError as exc:
        _discard(backup_dir / name)
        raise _fail(exc, backup_dir / name, str(exc)) from exc
    return BackupResult(target, reason, 0, {}, encrypted, _sha256(data))


# --- restore ---------------------------------------------------------------------------------


def restore_sqlite(
    backup: Path,
    database_file: Path,
    backup_dir: Path,
    *,
    passphrase: str | None = None,
    user: str = "",
) -> BackupResult:
    """Check `backup`, back up the current database, then replace it atomically.

    The journal is kept: entries of the current database newer than the backup's journal
    are carried over, then the restore itself is recorded (source file, safety copy).
    The caller must have closed every connection to `database_file` (engine.dispose()).
    Returns the safety backup of the database as it was before the restore.
    """
    plain = load_verified_backup(backup, passphrase)
    safety = _safety_copy(database_file, backup_dir)
    staged = database_file.with_name(database_file.name + ".restoring")
    try:
        atomic_write_bytes(staged, plain)
        _keep_journal(staged, database_file, backup=backup, safety=safety.path, user=user)
        verify_sqlite(staged)
        _checkpoint(database_file)
        for suffix in ("-wal", "-shm"):
            Path(str(database_file) + suffix).unlink(missing_ok=True)
        os.replace(staged, database_file)
        private_file(database_file)
    except (OSError, sqlite3.Error) as exc:
        raise _fail(exc, database_file, str(exc)) from exc
    finally:
        staged.unlink(missing_ok=True)
    logger.info("database %s restored from %s", database_file, backup)
    return safety


def _sqlite_engine(file: Path) -> Engine:
    return create_engine(URL.create("sqlite+pysqlite", database=str(file)))


def _keep_journal(staged: Path, current: Path, *, backup: Path, safety: Path, user: str) -> None:
    """Drop the backup's metadata, carry the newer journal entries over, record the restore."""
    from app.models.audit import AuditEvent
    from app.models.enums import AuditAction

    table = cast(Table, AuditEvent.__table__)
    target = _sqlite_engine(staged)
    try:
        with target.begin() as connection:
            connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{META_TABLE}"')
            last = connection.execute(select(table).order_by(table.c.id.desc()).limit(1)).first()
            newer = _journal_since(current, None if last is None else dict(last._mapping))
            if newer:
                connection.execute(insert(table), newer)
            note = _(
                "Base restaurée depuis {file} ; {n} entrées du journal postérieures à la "
                "sauvegarde conservées ; la base remplacée est sauvegardée dans {safety}."
            ).format(file=backup.resolve(), n=len(newer), safety=safety)
            connection.execute(
                insert(table),
                [
                    {
                        "at": datetime.now(UTC),
                        "user": user,
                        "action": AuditAction.EVENT,
                        "entity": "database",
                        "entity_id": None,
                        "contact_id": None,
                        "field": "restore",
                        "old": None,
                        "new": str(backup.resolve()),
                        "note": note,
                    }
                ],
            )
    finally:
        target.dispose()


def _journal_since(current: Path, last: dict[str, object] | None) -> list[dict[str, object]]:
    """Journal rows of the current database that the backup does not have.

    When the backup's last row is also in the current database (same id, same content:
    the same lineage), every later id is newer; otherwise rows dated after it are taken.
    """
    from app.models.audit import AuditEvent

    table = AuditEvent.__table__
    if not current.exists():
        return []
    source = _sqlite_engine(current)
    query = select(table).order_by(table.c.id)
    try:
        with source.connect() as connection:
            if last is not None:
                same = connection.execute(select(table).where(table.c.id == last["id"])).first()
                if same is not None and dict(same._mapping) == last:
                    query = query.where(table.c.id > last["id"])
                else:
                    query = query.where(table.c.at > last["at"])
            rows = [dict(row._mapping) for row in connection.execute(query)]
    except SQLAlchemyError as exc:  # a damaged database: its journal cannot be read
        logger.error("journal of %s not carried over: %s", current, exc)
        return []
    finally:
        source.dispose()
    for row in rows:
        row.pop("id", None)
    return rows


def _safety_copy(database_file: Path, backup_dir: Path) -> BackupResult:
    """A verified backup of the current database, or a raw copy when it is damaged."""
    try:
        return backup_sqlite(database_file, backup_dir, reason="before-restore")
    except StorageError:
        if not database_file.exists():
            raise
        name = backup_file_name(database_file, "damaged")
        target = _write_backup_file(backup_dir, name, database_file.read_bytes())
        logger.info("damaged database kept as %s", target)
        return BackupResult(target, "damaged", 0)


def _checkpoint(database_file: Path) -> None:
    """Fold the WAL into the main file so nothing stale is left beside it."""
    connection = sqlite3.connect(database_file)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
