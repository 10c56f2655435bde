"""Appeals on a large file: preparation, personalised letters, labels.

Usage: python benchmarks/appeals.py [--contacts 100000] [--asked 20000]
Builds an association with N contacts (postal address, a gift each, consents for some),
targets A of them through a saved filter (a tag), then times:
1. preparing the appeal (target, consent at the send date, NPAI, pressure, amounts):
   target < 2 s;
2. the personalised letters of the whole appeal in one PDF (merge fields, wrapping, window
   envelope layout): pages per second, and the ratio against a bare ReportLab one-page
   canvas measured in the same run (target >= 300 pages/s, ratio >= 0.3);
3. labels (3x8) for the A addresses, sorted by postcode: target < 10 s.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from app.core.appeals.sending import AppealDraft  # noqa: E402
from app.core.clock import FixedClock  # noqa: E402
from app.core.opening import open_database  # noqa: E402
from app.core.saved_filters import save_filter  # noqa: E402
from app.models import Contact, Gift, PostalAddress, Tag, contact_tags  # noqa: E402
from app.models.enums import Channel  # noqa: E402
from app.operations import appeals as ops  # noqa: E402
from app.operations.base import OperationContext  # noqa: E402

SEND_ON = date(2026, 11, 2)
FIRST = ["Jean", "Marie", "Hélène", "Luc", "Inès", "Théo", "Zoé", "Noël", "Anaïs", "Paul"]
LAST = ["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Giraud", "Roux"]
STREETS = [
    "rue de la République",
    "avenue des Tilleuls",
    "boulevard Victor Hugo",
    "place du Marché",
]


def bare_canvas_rate(count: int) -> float:
    """One-page PDFs per second with a bare ReportLab canvas (the receipts' baseline)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    started = time.perf_counter()
    for index in range(count):
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=A4)
        canvas.drawString(100, 700, f"Lettre {index}")
        canvas.showPage()
        canvas.save()
    return count / (time.perf_counter() - started)


def build(path: Path, contacts: int, asked: int) -> None:
    rng = random.Random(3)
    database = open_database(str(path))
    with database.write() as session:
        rows = [
            {
                "first_name": rng.choice(FIRST),
                "last_name": f"{rng.choice(LAST)}{i}",
                "civility": rng.choice(["M.", "Mme"]),
                "sort_name": f"n{i:07d}",
                "search_text": "",
            }
            for i in range(contacts)
        ]
        ids = list(session.scalars(insert(Contact).returning(Contact.id), rows))
        session.execute(
            insert(PostalAddress),
            [
                {
                    "contact_id": cid,
                    "is_primary": True,
                    "line4": f"{rng.randrange(1, 200)} {rng.choice(STREETS)}",
                    "postcode": f"{rng.randrange(1, 96):02d}{rng.randrange(0, 999):03d}",
                    "city": "Ville",
                    "country": "FR",
                    "npai": rng.random() < 0.02,
                }
                for cid in ids
            ],
        )
        session.execute(
            insert(Gift),
            [
                {
                    "contact_id": cid,
                    "received_on": date(2025, rng.randrange(1, 13), rng.randrange(1, 28)),
                    "amount_cents": rng.choice([1500, 3000, 5000, 10000]),
                    "payment_method": "transfer",
                }
                for cid in ids
            ],
        )
        tag = Tag(name="appel")
        session.add(tag)
        session.flush()
        session.execute(
            insert(contact_tags), [{"contact_id": cid, "tag_id": tag.id} for cid in ids[:asked]]
        )
        save_filter(session, scope="contacts", name="à solliciter", spec={"tag": tag.id})
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--asked", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="obole-bench-appeals ") as folder:
        path = Path(folder) / "appeals.sqlite3"
        started = time.perf_counter()
        build(path, args.contacts, args.asked)
        print(f"(built {args.contacts:,} contacts in {time.perf_counter() - started:.1f} s)")
        clock = FixedClock(datetime(2026, 10, 20, 9, tzinfo=UTC))
        database = open_database(str(path), clock=clock, backup_dir=Path(folder) / "backups")
        ctx = OperationContext(database)
        appeal = ops.create(
            ctx,
            AppealDraft("Appel de Noël", Channel.POST, "filter", "à solliciter", SEND_ON),
        ).result.appeal_id
        started = time.perf_counter()
        plan = ops.prepare(ctx, appeal)
        prepare_s = time.perf_counter() - started
        print(f"prepare: {len(plan.recipients):,} recipients, {len(plan.left_out):,} left out "
              f"{plan.counts} in {prepare_s:.2f} s (target < 2 s)")  # fmt: skip
        baseline = bare_canvas_rate(2000)
        started = time.perf_counter()
        letters = ops.print_letters(ctx, appeal, Path(folder) / "letters.pdf").result
        letters_s = time.perf_counter() - started
        rate = letters.pages / letters_s
        size = (Path(folder) / "letters.pdf").stat().st_size
        print(f"letters: {letters.pages:,} pages in {letters_s:.2f} s = {rate:,.0f} pages/s "
              f"(including the preparation again and the send), {size / 1e6:.1f} MB; "
              f"bare canvas {baseline:,.0f} pages/s; ratio {rate / baseline:.2f} "
              f"(targets >= 300 pages/s, ratio >= 0.3)")  # fmt: skip
        started = time.perf_counter()
        labels = ops.print_labels(ctx, appeal, Path(folder) / "labels.pdf", layout="3x8").result
        print(f"labels: {labels.count:,} addresses on {labels.pages:,} pages in "
              f"{time.perf_counter() - started:.2f} s (target < 10 s)")  # fmt: skip
        with database.read() as session:
            assert len(session.scalars(select(Contact.id)).all()) == args.contacts
        database.dispose()


if __name__ == "__main__":
    main()
