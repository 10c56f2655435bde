"""Receipts per second when issuing annual receipts, against a bare ReportLab one-page canvas.

Usage: python benchmarks/receipts.py [--receipts 10000]
Builds an association with N donors (one gift each in 2025), issues them in one batch
(numbering, snapshot, PDF rendering, SHA-256, gift locks, one transaction) and prints the
rate, then renders N bare one-page ReportLab canvases (one text line) for the ratio.
Targets: >= 100 receipts/s, ratio >= 0.3.
"""

from __future__ import annotations

import argparse
import io
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


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--receipts", type=int, default=10_000)
    args = parser.parse_args()
    from sqlalchemy import insert

    from app.core.database import open_database
    from app.core.receipts.eligibility import plan_receipts
    from app.core.receipts.issuing import issue
    from app.models import Contact, Gift, PostalAddress
    from app.models.enums import ReceiptMode
    from tests.unit.receipts_helpers import ready_association

    folder = Path(tempfile.mkdtemp(prefix="obole-bench-receipts-"))
    database = open_database(str(folder / "bench.sqlite3"))
    with database.write() as session:
        ready_association(session)
        session.execute(
            insert(Contact),
            [
                {"id": i, "first_name": "Hélène", "last_name": f"Donatrice{i}", "civility": "Mme"}
                for i in range(1, args.receipts + 1)
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
                for i in range(1, args.receipts + 1)
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
                for i in range(1, args.receipts + 1)
            ],
        )
    started = time.perf_counter()
    with database.write() as session:
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
        planned = time.perf_counter()
        result = issue(session, plan, clock=database.clock)
    elapsed = time.perf_counter() - started
    rate = len(result.numbers) / elapsed
    baseline = bare_canvas_rate(min(args.receipts, 3000))
    print(
        f"receipts issued: {len(result.numbers):,} in {elapsed:.1f} s (preview {planned - started:.1f} s)"
    )
    print(f"receipts per second: {rate:.0f} (target >= 100)")
    print(f"bare ReportLab one-page canvas: {baseline:.0f} per second")
    print(f"ratio: {rate / baseline:.2f} (target >= 0.3)")
    database.dispose()


if __name__ == "__main__":
    main()
