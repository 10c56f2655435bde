"""Every file location Obole uses, from platformdirs, with one override point."""

from __future__ import annotations

import os
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
            folder.mkdir(parents=True, exist_ok=True)
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
