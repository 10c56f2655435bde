"""Writing the files an operation produces: whole or not at all (temp file, then rename)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
