"""Dashboard speed at 100,000 contacts: figures, RFM segments and quality, with a bare SQL baseline.

Usage: python benchmarks/dashboard.py
Target: dashboard < 1 s.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import DEMO_TODAY, demo_database  # noqa: E402


def main() -> None:
    """Measure and print."""
    from sqlalchemy import text

    from app.core.contacts.segments import score_donors
    from app.core.opening import open_database
    from app.core.quality import quality_report
    from app.core.stats import dashboard

    database = open_database(str(demo_database(100_000)))
    with database.read() as session:
        timings = {}
        for name, work in (
            ("dashboard", lambda: dashboard(session, 2025, today=DEMO_TODAY)),
            ("RFM segments", lambda: score_donors(session, today=DEMO_TODAY)),
            ("quality (without duplicates)", lambda: quality_report(session)),
        ):
            started = time.perf_counter()
            work()
            timings[name] = time.perf_counter() - started
        started = time.perf_counter()
        session.execute(
            text(
                "SELECT count(DISTINCT contact_id), sum(amount_cents) FROM gift "
                "WHERE received_on BETWEEN '2025-01-01' AND '2025-12-31'"
            )
        ).all()
        baseline = time.perf_counter() - started
    for name, seconds in timings.items():
        print(f"{name}: {seconds:.2f} s")
    print(
        f"bare SQL (year total, distinct donors): {baseline * 1000:.0f} ms; dashboard/baseline "
        f"{timings['dashboard'] / baseline:.1f}"
    )
    print(f"target: dashboard < 1 s -> {'met' if timings['dashboard'] < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
