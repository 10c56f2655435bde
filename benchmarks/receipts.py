"""Receipts per second when issuing annual receipts, against a bare ReportLab one-page canvas.

Usage: python benchmarks/receipts.py [--receipts 10000]
Builds an association with N donors (one gift each in 2025) and issues them in one batch
(preview, numbering, snapshot, PDF rendering, SHA-256, gift locks, one transaction), as
`obole receipts issue` does: on every usable core (the PDFs are rendered in worker
processes), then again on a copy of the same database in this process only. Then renders
bare one-page ReportLab canvases (one text line, standard font) for the ratio, in this
process. Targets: >= 100 receipts/s, ratio >= 0.3.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def bare_canvas_rate(count: int) -> float:
    """One-page PDFs per second with a bare ReportLab canvas."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    started = time.perf_counter()
    for index in range(count):
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4)
        canvas.drawString(100, 700, f"Reçu {index}")
        canvas.showPage()
        canvas.save()
    return count / (time.perf_counter() - started)


def build(path: Path, count: int) -> None:
    """An association ready to issue, with `count` donors and one 2025 gift each."""
    from sqlalchemy import insert

    from app.core.opening import open_database
    from app.models import Contact, Gift, PostalAddress
    from tests.unit.receipts_helpers import ready_association

    database = open_database(str(path))
    with database.write() as session:
        ready_association(session)
        session.execute(
            insert(Contact),
            [
                {"id": i, "first_name": "Hélène", "last_name": f"Donatrice{i}", "civility": "Mme"}
                for i in range(1, count + 1)
            ],
        )
        session.execute(
            insert(PostalAddress),
            [
                {
                    "contact_id": i,
                    "line4": f"{i % 200 + 1} rue de la Paix",
                    "postcode": "21000",
                    "city": "Dijon",
                }
                for i in range(1, count + 1)
            ],
        )
        session.execute(
            insert(Gift),
            [
                {
                    "contact_id": i,
                    "received_on": date(2025, 1 + i % 12, 1 + i % 28),
                    "amount_cents": 1000 + i,
                    "payment_method": "cheque",
                    "cheque_number": "1",
                }
                for i in range(1, count + 1)
            ],
        )
    database.dispose()


def issue_all(path: Path, *, workers: int | None) -> tuple[int, float, float]:
    """(receipts issued, seconds, of which preview)."""
    from app.core.opening import open_database
    from app.core.receipts.eligibility import plan_receipts
    from app.core.receipts.issuing import issue
    from app.models.enums import ReceiptMode
    from app.reports.receipt_batch import install_receipt_rendering

    install_receipt_rendering()
    database = open_database(str(path))
    try:
        started = time.perf_counter()
        with database.write() as session:
            plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
            planned = time.perf_counter()
            result = issue(session, plan, clock=database.clock, workers=workers)
        return len(result.numbers), time.perf_counter() - started, planned - started
    finally:
        database.dispose()


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--receipts", type=int, default=10_000)
    args = parser.parse_args()
    from app.reports.receipt_batch import usable_cores, worker_count

    folder = Path(tempfile.mkdtemp(prefix="obole-bench-receipts-"))
    build(folder / "template.sqlite3", args.receipts)
    shutil.copy(folder / "template.sqlite3", folder / "single.sqlite3")

    count, elapsed, preview = issue_all(folder / "template.sqlite3", workers=None)
    workers = worker_count(count)
    single_count, single_elapsed, _preview = issue_all(folder / "single.sqlite3", workers=1)
    baseline = bare_canvas_rate(min(args.receipts, 3000))
    rate, single_rate = count / elapsed, single_count / single_elapsed
    print(f"usable cores: {usable_cores()}")
    print(
        f"receipts issued: {count:,} in {elapsed:.1f} s (preview {preview:.1f} s), "
        f"PDFs rendered by {workers} worker process(es)"
    )
    print(f"receipts per second: {rate:.0f} (target >= 100)")
    print(f"bare ReportLab one-page canvas: {baseline:.0f} per second (one process)")
    print(f"ratio: {rate / baseline:.2f} (target >= 0.3)")
    print(
        f"same batch in one process only: {single_rate:.0f} receipts per second, "
        f"ratio {single_rate / baseline:.2f}"
    )
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
