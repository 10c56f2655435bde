"""Every file Obole ships and reads at run time, found the same way wherever it is installed.

The repository keeps these files in the top-level `resources/` folder; the wheel installs
that folder as the data package `app._resources` (see setup.py), and the desktop bundle
copies it to the same place. Files are read through importlib.resources, so a wheel
installed in any environment, a PyInstaller bundle and a source checkout all work.
Nothing else in app/ builds a path to a resource.

In a source checkout (pyproject.toml beside app/) the checkout's own `resources/` folder is
used, so an editable install or PYTHONPATH pointing at a work tree reads that tree's files.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.resources
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path

DATA_PACKAGE = "app._resources"
_SOURCE_ROOT = Path(__file__).resolve().parent.parent
_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


@cache
def root() -> Traversable:
    """The folder of Obole's resources (a source checkout's, else the installed package's)."""
    if (_SOURCE_ROOT / "pyproject.toml").is_file() and (_SOURCE_ROOT / "resources").is_dir():
        return _SOURCE_ROOT / "resources"
    return importlib.resources.files(DATA_PACKAGE)


def resource(*parts: str) -> Traversable:
    """One resource (file or folder), e.g. resource("gdpr", "default_register.json")."""
    found = root()
    for part in parts:
        found = found.joinpath(part)
    return found


def read_text(*parts: str) -> str:
    """A text resource, decoded as UTF-8."""
    return resource(*parts).read_text(encoding="utf-8")


def read_bytes(*parts: str) -> bytes:
    """A binary resource."""
    return resource(*parts).read_bytes()


def file_path(*parts: str) -> Path:
    """A real file-system path of a resource, for libraries that only open file names.

    Installed wheels and bundles keep resources as plain files, so this is their own path;
    from a zip archive the file is extracted once, for the life of the process.
    """
    found = resource(*parts)
    if isinstance(found, Path):
        return found
    return _extracted.enter_context(importlib.resources.as_file(found))


def migrations_dir() -> Path:
    """The Alembic scripts folder (app/models/migrations), shipped as package data."""
    found = importlib.resources.files("app.models").joinpath("migrations")
    if isinstance(found, Path):
        return found
    return Path(str(found))  # a namespace or bundled package: its folder on disk
