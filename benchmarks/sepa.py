"""SEPA collection run and membership status, timed on large data.

Usage: python benchmarks/sepa.py [--plans 20000] [--contacts 100000]
1. A collection run for N monthly plans (each on its own mandate, half never collected):
   the plan computed again inside the transaction, N gifts and debits inserted, the
   pain.008 XML rendered and validated against the ISO 20022 schema, written atomically.
   Baseline in the same run: the same N gift rows inserted bare (one executemany).
   Target: < 3 s including the XML.
2. Membership status over a contact list of M contacts (a third of them members): the
   contact list's "à renouveler" filter (ids by status, SQL) and the members list.
   Target: < 300 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select  # noqa: E402

from app.core.clock import FixedClock  # noqa: E402
from app.core.member_status import MemberStatus, contacts_with_status  # noqa: E402
from app.core.memberships.service import list_members  # noqa: E402
from app.core.opening import open_database  # noqa: E402
from app.core.sepa.creditor import CreditorSettings, save_creditor  # noqa: E402
from app.models import (  # noqa: E402
    Contact,
    Gift,
    Membership,
    MembershipType,
    RegularGiftPlan,
    SepaMandate,
)
from app.models.enums import (  # noqa: E402
    MembershipKind,
    MembershipPeriod,
    PaymentMethod,
    PlanFrequency,
)
from app.operations import sepa as ops  # noqa: E402
from app.operations.base import OperationContext  # noqa: E402

COLLECTION = date(2027, 1, 5)
IBANS = ["FR1420041010050500013M02606", "DE89370400440532013000", "BE68539007547034"]


def _contacts(session: object, count: int) -> list[int]:
    rows = [
        {"first_name": f"Prénom{i}", "last_name": f"NOM{i:06d}", "sort_name": f"nom{i:06d}"}
        for i in range(count)
    ]
    return list(session.scalars(insert(Contact).returning(Contact.id), rows))  # type: ignore[attr-defined]


def build_plans(path: Path, plans: int) -> None:
    database = open_database(str(path))
    with database.write() as session:
        save_creditor(
            session,
            CreditorSettings(
                name="Amis du Parc", creditor_id="FR72ZZZ123456", iban="FR7630006000011234567890189"
            ),
        )
        ids = _contacts(session, plans)
        mandates = session.scalars(
            insert(SepaMandate).returning(SepaMandate.id),
            [
                {
                    "contact_id": cid,
                    "rum": f"OBOLE-{cid:07d}-1",
                    "iban": IBANS[i % 3],
                    "bic": "",
                    "holder": f"NOM{i:06d} Prénom{i}",
                    "signed_on": date(2026, 1, 10),
                    "status": "active",
                    "first_collected_on": date(2026, 2, 5) if i % 2 else None,
                }
                for i, cid in enumerate(ids)
            ],
        ).all()
        session.execute(
            insert(RegularGiftPlan),
            [
                {
                    "contact_id": cid,
                    "mandate_id": mid,
                    "amount_cents": 500 + (i % 50) * 100,
                    "frequency": PlanFrequency.MONTHLY,
                    "day_of_month": 5,
                    "starts_on": date(2026, 2, 1),
                    "status": "active",
                    "consecutive_rejects": 0,
                    "notified_amount_cents": 500 + (i % 50) * 100,
                    "notified_on": date(2026, 1, 15),
                }
                for i, (cid, mid) in enumerate(zip(ids, mandates, strict=True))
            ],
        )
    database.dispose()


def bench_collection(plans: int, folder: Path) -> None:
    path = folder / "sepa.sqlite3"
    build_plans(path, plans)
    clock = FixedClock(datetime(2027, 1, 2, 9, tzinfo=UTC))
    database = open_database(str(path), clock=clock, backup_dir=folder / "backups")
    ctx = OperationContext(database)
    started = time.perf_counter()
    ops.preview_collection(ctx, COLLECTION)
    preview_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    result = ops.collect(ctx, COLLECTION, folder / "collect.xml").result
    run_s, run_cpu = time.perf_counter() - started, time.process_time() - cpu
    with database.read() as session:
        contact_ids = list(session.scalars(select(Contact.id).limit(plans)))
    started = time.perf_counter()
    with database.write() as session:
        session.execute(
            insert(Gift),
            [
                {
                    "contact_id": cid,
                    "received_on": COLLECTION,
                    "amount_cents": 1000,
                    "payment_method": PaymentMethod.DIRECT_DEBIT,
                }
                for cid in contact_ids
            ],
        )
        session.rollback()
    bare_s = time.perf_counter() - started
    size = (folder / "collect.xml").stat().st_size
    print(f"collection of {plans:,} plans: preview {preview_s:.2f} s, run {run_s:.2f} s "
          f"(CPU {run_cpu:.2f} s) "
          f"(backup, plan again, {result.count:,} gifts + debits, XML {size / 1e6:.1f} MB "
          f"validated; {result.first:,} FRST, {result.recurring:,} RCUR)")  # fmt: skip
    print(f"  baseline: the same {plans:,} gift rows inserted bare: {bare_s:.2f} s "
          f"(ratio run/baseline {run_s / bare_s:.1f}); target: run < 3 s")  # fmt: skip
    database.dispose()


def bench_memberships(contacts: int, folder: Path) -> None:
    path = folder / "members.sqlite3"
    database = open_database(str(path))
    rng = random.Random(7)
    with database.write() as session:
        ids = _contacts(session, contacts)
        kind = MembershipType(
            name="Individuelle",
            kind=MembershipKind.INDIVIDUAL,
            fee_cents=2500,
            period=MembershipPeriod.CALENDAR_YEAR,
        )
        session.add(kind)
        session.flush()
        rows = []
        for cid in ids[: contacts // 3]:
            for year in range(2024 - rng.randrange(3), 2027 - rng.randrange(2)):
                start = date(year, 1, 1)
                rows.append(
                    {
                        "contact_id": cid,
                        "type_id": kind.id,
                        "starts_on": start,
                        "ends_on": date(year, 12, 31),
                        "paid_on": start + timedelta(days=rng.randrange(60)),
                        "amount_cents": 2500,
                        "payment_method": PaymentMethod.CHEQUE,
                    }
                )
        session.execute(insert(Membership), rows)
    on = date(2026, 12, 10)
    with database.read() as session:
        members = session.scalar(select(func.count(func.distinct(Membership.contact_id))))
        started = time.perf_counter()
        due = session.scalars(contacts_with_status(MemberStatus.DUE, on=on, window=30)).all()
        filter_s = time.perf_counter() - started
        started = time.perf_counter()
        listed = list_members(session, on=on, status=MemberStatus.DUE, limit=200)
        list_s = time.perf_counter() - started
        started = time.perf_counter()
        session.scalar(select(func.count()).select_from(Contact))
        bare_s = time.perf_counter() - started
    print(f"membership status over {contacts:,} contacts ({members:,} members): "
          f"filter 'à renouveler' {filter_s * 1000:.0f} ms ({len(due):,} ids), "
          f"first page of the list {list_s * 1000:.0f} ms ({len(listed)} rows); "
          f"baseline count(*) {bare_s * 1000:.0f} ms; target < 300 ms")  # fmt: skip
    database.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plans", type=int, default=20_000)
    parser.add_argument("--contacts", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="obole-bench-sepa ") as folder:
        bench_collection(args.plans, Path(folder))
        bench_memberships(args.contacts, Path(folder))


if __name__ == "__main__":
    main()
