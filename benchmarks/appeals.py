"""Appeals on a large file: preparation, personalised letters, labels.

Usage: python benchmarks/appeals.py [--contacts 100000] [--asked 20000]
Builds an association with N contacts and a history like a real file's: a postal address
each (2 % NPAI), an e-mail address for 70 %, one to three gifts, a consent history (post
granted, 8 % withdrawn later, e-mail granted for half), and the solicitations of five
earlier appeals (each contact asked by each with probability 0.6, so about 13 % reach the
cap of 4 letters in 12 months); it targets A of them through a saved filter (a tag), then
times:
1. preparing the appeal by post and by e-mail (target, consent at the send date, NPAI,
   pressure, amounts), three runs each: target < 2 s;
2. the personalised letters of the whole appeal in one PDF (merge fields, wrapping, window
   envelope layout): pages per second, and the ratio against a bare ReportLab one-page
   canvas measured in the same run (target >= 300 pages/s, ratio >= 0.3);
3. labels (3x8) for the A addresses, sorted by postcode: target < 10 s.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from app.core.appeals.sending import AppealDraft  # noqa: E402
from app.core.clock import FixedClock  # noqa: E402
from app.core.opening import open_database  # noqa: E402
from app.core.saved_filters import save_filter  # noqa: E402
from app.models import (  # noqa: E402
    ConsentEvent,
    Contact,
    ContactEmail,
    Gift,
    PostalAddress,
    Solicitation,
    Tag,
    contact_tags,
)
from app.models.enums import Channel  # noqa: E402
from app.operations import appeals as ops  # noqa: E402
from app.operations.base import OperationContext  # noqa: E402

SEND_ON = date(2026, 11, 2)
EARLIER_APPEALS = [
    date(2025, 10, 1),
    date(2025, 12, 1),
    date(2026, 3, 1),
    date(2026, 6, 1),
    date(2026, 9, 1),
]
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


def _consents(rng: random.Random, ids: list[int]) -> Iterator[dict[str, object]]:
    """Post granted for everyone (8 % withdrawn later), e-mail granted for half."""
    for cid in ids:
        granted = datetime(
            rng.choice((2022, 2023, 2024, 2025)), rng.randrange(1, 13), 1, tzinfo=UTC
        )
        yield _consent(cid, Channel.POST, "granted", granted)
        if rng.random() < 0.08:
            withdrawn = datetime(2026, rng.randrange(1, 13), 15, tzinfo=UTC)  # some after the send
            yield _consent(cid, Channel.POST, "withdrawn", withdrawn)
        if rng.random() < 0.5:
            yield _consent(cid, Channel.EMAIL, "granted", granted)


def _consent(cid: int, channel: Channel, status: str, at: datetime) -> dict[str, object]:
    return {
        "contact_id": cid,
        "channel": channel,
        "purpose": "solicitation",
        "status": status,
        "occurred_at": at,
        "recorded_at": at,
    }


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
                    "received_on": date(
                        rng.choice((2024, 2025, 2026)), rng.randrange(1, 11), rng.randrange(1, 28)
                    ),
                    "amount_cents": rng.choice([1500, 3000, 5000, 10000]),
                    "payment_method": "transfer",
                }
                for cid in ids
                for _gift in range(rng.randrange(1, 4))
            ],
        )
        session.execute(
            insert(ContactEmail),
            [
                {"contact_id": cid, "email": f"c{cid}@example.org"}
                for cid in ids
                if rng.random() < 0.7
            ],
        )
        session.execute(insert(ConsentEvent), list(_consents(rng, ids)))
        session.execute(
            insert(Solicitation),
            [
                {"contact_id": cid, "channel": Channel.POST, "sent_on": day, "kind": "appeal"}
                for cid in ids
                for day in EARLIER_APPEALS
                if rng.random() < 0.6
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
        for channel in (Channel.POST, Channel.EMAIL):
            draft = AppealDraft(f"Appel ({channel})", channel, "filter", "à solliciter", SEND_ON)
            timed = ops.create(ctx, draft).result.appeal_id if channel == Channel.EMAIL else appeal
            times, cpu = [], []
            for _run in range(3):
                started, started_cpu = time.perf_counter(), time.process_time()
                plan = ops.prepare(ctx, timed)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            print(f"prepare ({channel}): {len(plan.recipients):,} recipients, "
                  f"{len(plan.left_out):,} left out {plan.counts} in "
                  f"{' / '.join(f'{t:.2f}' for t in times)} s, median {sorted(times)[1]:.2f} s "
                  f"(CPU median {sorted(cpu)[1]:.2f} s; load average {os.getloadavg()[0]:.1f}) "
                  "(target < 2 s)")  # fmt: skip
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
