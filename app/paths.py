"""Every file location Obole uses, from platformdirs, with one override point."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from app import APP_AUTHOR, APP_NAME

DB_ENV_VAR = "OBOLE_DB"
HOME_ENV_VAR = "OBOLE_HOME"
DB_FILE_NAME = "obole.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    """The folders Obole writes to."""

    data_dir: Path
    config_dir: Path
    log_dir: Path
    backup_dir: Path

    @property
    def default_db_file(self) -> Path:
        """The embedded SQLite database used when nothing else is asked for."""
        return self.data_dir / DB_FILE_NAME

    def ensure(self) -> AppPaths:
        """Create the folders if they do not exist yet."""
        for folder in (self.data_dir, self.config_dir, self.log_dir, self.backup_dir):
            private_dir(folder)
        return self


def app_paths(*, home: Path | None = None) -> AppPaths:
    """Return the folders, under `home` (or $OBOLE_HOME) when given, else platformdirs."""
    base = home or (Path(os.environ[HOME_ENV_VAR]) if os.environ.get(HOME_ENV_VAR) else None)
    if base is not None:
        return AppPaths(base / "data", base / "config", base / "log", base / "backups")
    dirs = platformdirs.PlatformDirs(APP_NAME, APP_AUTHOR)
    data = Path(dirs.user_data_dir)
    return AppPaths(data, Path(dirs.user_config_dir), Path(dirs.user_log_dir), data / "backups")


def database_target(explicit: str | None = None, *, paths: AppPaths | None = None) -> str:
    """Return the database asked for: --db, then $OBOLE_DB, then the default file."""
    target = explicit or os.environ.get(DB_ENV_VAR)
    if target:
        return target
    return str((paths or app_paths()).default_db_file)


def resource_path(*parts: str) -> Path:
    """A real path of a bundled resource file (prefer app.resources.read_text/resource)."""
    from app.resources import file_path

    return file_path(*parts)


# --- private files ---------------------------------------------------------------------------
# Personal data (database, backups, GDPR exports, exports, logs) is private to the user:
# 0700 folders and 0600 files on POSIX whatever the umask; on Windows the files inherit the
# ACL of the user's profile folder, which already keeps other users out, so nothing is done.

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
PRIVATE_UMASK = 0o077
POSIX = os.name == "posix"


def restrict_umask() -> None:
    """Make every file this process creates private (called once by the entry points)."""
    if POSIX:
        os.umask(PRIVATE_UMASK)


def private_dir(folder: Path) -> Path:
    """Create `folder` (and its parents) if needed and make it private (0700 on POSIX)."""
    folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    if POSIX:
        folder.chmod(PRIVATE_DIR_MODE)
    return folder


def private_file(file: Path) -> Path:
    """Make an existing file of ours private (0600 on POSIX); returns it."""
    if POSIX:
        try:
            if file.stat().st_uid == os.geteuid():
                file.chmod(PRIVATE_FILE_MODE)
        except OSError:
            pass  # missing, or not ours to change: the folder's protection applies
    return file


def create_private_file(file: Path) -> Path:
    """Create `file` empty and private if it does not exist yet (before SQLite opens it)."""
    if file.exists():
        return private_file(file)
    descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    os.close(descriptor)
    return private_file(file)


def atomic_write_bytes(target: Path, data: bytes) -> Path:
    """Write `data` to `target` through a private temporary file and os.replace.

    The file at `target` is always either the old one or the complete new one (a kill
    or a full disk leaves at most a `.part` temporary file, never a truncated target).
    """
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        private_file(temp)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return target
