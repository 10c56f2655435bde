"""Everyday screens at 100,000 contacts: time to a usable list, search latency, memory.

Usage: python benchmarks/everyday.py [--contacts N]
Prints: time from opening the database to the first rows of the contact list; search
keystroke-to-result p50/p95 (the page's own query: count + first window) and the bare SQL
query time for the same searches (ratio); RSS. Targets: < 2 s, p95 < 100 ms, RSS < 400 MB.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import demo_database, percentile, rss_mb, timed  # noqa: E402

TYPED = [
    "d",
    "du",
    "dup",
    "dupo",
    "dupon",
    "dupont",
    "dupont j",
    "dupont jp",
    "h",
    "he",
    "hel",
    "hele",
    "helen",
    "helene",
    "m",
    "ma",
    "mar",
    "mart",
    "marti",
    "martin",
    "2",
    "21",
    "210",
    "2100",
    "21000",
    "dijon",
    "06",
    "061",
    "0612",
    "gmail",
]


def main() -> None:
    """Run the measurements and print them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--contacts", type=int, default=100_000)
    args = parser.parse_args()
    path = demo_database(args.contacts)

    from sqlalchemy import text

    from app.core.contacts.search import ContactFilter, count_contacts, fetch_window
    from app.core.opening import open_database
    from app.core.text import search_tokens
    from app.paths import app_paths
    from app.ui.shell.application import make_application
    from app.ui.shell.main_window import MainWindow

    os.environ["OBOLE_HOME"] = str(path.parent / "home")
    app = make_application()
    started = time.perf_counter()
    database = open_database(str(path))
    window = MainWindow(database, app_paths().ensure())
    page = window.show_section("contacts")
    first_rows = [page.model.data(page.model.index(r, 0)) for r in range(30)]  # type: ignore[attr-defined]
    usable = time.perf_counter() - started
    assert all(first_rows)

    def page_search(query: str) -> None:
        page.search.setText(query)  # type: ignore[attr-defined]
        page.apply_filters()  # type: ignore[attr-defined]
        page.model.data(page.model.index(0, 0))  # type: ignore[attr-defined]

    def bare_search(query: str) -> None:
        clauses = (
            " AND ".join(
                f"(' ' || search_text) LIKE '% {t}%'"
                if len(t) <= 2
                else f"search_text LIKE '%{t}%'"
                for t in search_tokens(query)
            )
            or "1=1"
        )
        with database.engine.connect() as connection:
            connection.execute(text(f"SELECT count(*) FROM contact WHERE {clauses}")).all()
            connection.execute(
                text(f"SELECT id FROM contact WHERE {clauses} ORDER BY sort_name LIMIT 200")
            ).all()

    page_samples = [timed(lambda q=q: page_search(q))[0] for q in TYPED * 2]
    bare_samples = [timed(lambda q=q: bare_search(q))[0] for q in TYPED * 2]
    p50, p95 = percentile(page_samples, 50), percentile(page_samples, 95)
    b50, b95 = percentile(bare_samples, 50), percentile(bare_samples, 95)
    print(f"contacts: {args.contacts:,}")
    print(f"time to a usable contact list: {usable:.2f} s (target < 2 s)")
    print(
        f"search keystroke-to-result: p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms (target p95 "
        "< 100 ms)"
    )
    print(f"bare SQL for the same searches: p50 {b50 * 1000:.1f} ms, p95 {b95 * 1000:.1f} ms")
    print(f"ratio page/bare: p50 {p50 / b50:.2f}, p95 {p95 / b95:.2f}")
    print(f"RSS: {rss_mb():.0f} MB (target < 400 MB)")
    window.close()
    app.quit()
    with database.read() as session:
        count_contacts(session, ContactFilter())
        fetch_window(session, ContactFilter(), offset=0, limit=1)


if __name__ == "__main__":
    main()
