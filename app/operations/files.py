"""Writing the files an operation produces: whole or not at all (temp file, then rename)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def write_atomically(path: Path, data: bytes) -> Path:
    """Write `data` to `path` so that a crash leaves the old file or the new one, never half."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".obole-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def replace_atomically(path: Path, write: Callable[[Path], T]) -> T:
    """Let `write` produce the file beside `path`, then rename it into place: a cancelled
    or failed write never leaves half a file under the chosen name."""
    temp = path.with_name(f".{path.stem}.obole-tmp{path.suffix}")
    try:
        result = write(temp)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
    return result
