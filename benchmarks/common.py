"""Shared helpers for the benchmark scripts: cached demo databases, timing, memory."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

OUT = Path(__file__).resolve().parent / "out"
DEMO_TODAY = date(2026, 11, 20)


def demo_database(contacts: int, *, seed: int = 1) -> Path:
    """Path of a demo database with `contacts` contacts (generated once, then reused)."""
    from app.core.demo import generate_demo
    from app.core.opening import open_database

    OUT.mkdir(exist_ok=True)
    path = OUT / f"demo-{contacts}-{seed}.sqlite3"
    if not path.exists():
        partial = path.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        started = time.perf_counter()
        database = open_database(str(partial))
        with database.write() as session:
            generate_demo(session, contacts=contacts, seed=seed, today=DEMO_TODAY)
        database.dispose()
        for suffix in ("-wal", "-shm"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        shutil.move(partial, path)
        print(f"(generated {path.name} in {time.perf_counter() - started:.1f} s)")
    return path


def timed(function: Callable[[], object], repeat: int = 1) -> list[float]:
    """Wall-clock seconds of each of `repeat` calls."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0-100) of `samples`."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def rss_mb() -> float:
    """Resident memory of this process in MB."""
    import psutil

    return psutil.Process(os.getpid()).memory_info().rss / 1e6
