"""Memberships: periods, renewals across year boundaries, status in SQL and Python, CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.cli import run_cli
from app.core import member_status
from app.core.clock import FixedClock
from app.core.infrastructure.database import Database
from app.core.member_status import MemberStatus, status_of
from app.core.memberships import service as core
from app.core.memberships.service import MembershipDraft, period_containing
from app.core.opening import open_database
from app.core.receipts.eligibility import plan_receipts
from app.errors import Conflict
from app.models import Contact, Gift
from app.models.enums import MembershipKind, MembershipPeriod, PaymentMethod, ReceiptMode
from app.operations import memberships as ops
from app.operations.base import OperationContext
from tests.factories import add_contacts


def _ctx(db: Database) -> OperationContext:
    return OperationContext(db)


def _type(db: Database, period: MembershipPeriod, fee: int = 2500, name: str = "") -> int:
    return ops.add_type(
        _ctx(db),
        name=name or period.value,
        kind=MembershipKind.INDIVIDUAL,
        fee_cents=fee,
        period=period,
    ).result.type_id


def test_periods_calendar_school_and_rolling() -> None:
    assert period_containing(MembershipPeriod.CALENDAR_YEAR, date(2026, 12, 20)) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert period_containing(MembershipPeriod.SCHOOL_YEAR, date(2026, 8, 31)) == (
        date(2025, 9, 1),
        date(2026, 8, 31),
    )
    assert period_containing(MembershipPeriod.SCHOOL_YEAR, date(2026, 9, 1)) == (
        date(2026, 9, 1),
        date(2027, 8, 31),
    )
    assert period_containing(MembershipPeriod.ROLLING_12_MONTHS, date(2024, 2, 29)) == (
        date(2024, 2, 29),
        date(2025, 2, 27),
    )


def test_status_over_a_year_boundary(any_db: Database, clock: FixedClock) -> None:
    contact = add_contacts(any_db, "Durand", first_name="Claire", address=False)[0]
    calendar = _type(any_db, MembershipPeriod.CALENDAR_YEAR)
    clock.current = datetime(2026, 3, 15, 10, tzinfo=UTC)
    ops.join(
        _ctx(any_db),
        MembershipDraft(contact, calendar, date(2026, 3, 10), cheque_number="1234567"),
    )
    with any_db.read() as session:
        status = [
            core.member_status(session, contact, on=day)
            for day in (date(2026, 6, 1), date(2026, 12, 2), date(2026, 12, 31), date(2027, 1, 1))
        ]
    assert status == [MemberStatus.CURRENT, MemberStatus.DUE, MemberStatus.DUE, MemberStatus.LAPSED]
    # renewed in December: the next calendar year, no gap, no overlap
    clock.current = datetime(2026, 12, 20, 10, tzinfo=UTC)
    renewed = ops.renew(_ctx(any_db), contact, payment_method=PaymentMethod.CASH).result
    assert (renewed.starts_on, renewed.ends_on) == (date(2027, 1, 1), date(2027, 12, 31))
    with any_db.read() as session:
        assert core.member_status(session, contact, on=date(2027, 1, 1)) == MemberStatus.CURRENT
    with pytest.raises(Conflict, match="déjà adhérent"):
        ops.join(
            _ctx(any_db), MembershipDraft(contact, calendar, date(2026, 12, 20), PaymentMethod.CASH)
        )


def test_a_late_renewal_starts_a_new_period_and_list_filters_by_status(
    any_db: Database, clock: FixedClock
) -> None:
    school = _type(any_db, MembershipPeriod.SCHOOL_YEAR, name="Scolaire")
    rolling = _type(any_db, MembershipPeriod.ROLLING_12_MONTHS, fee=1000, name="Glissante")
    a, b, c = add_contacts(any_db, "Aubert", "Blanc", "Colin", first_name="Claire", address=False)
    clock.current = datetime(2026, 3, 15, 10, tzinfo=UTC)
    ops.join(_ctx(any_db), MembershipDraft(a, school, date(2025, 10, 1), PaymentMethod.CASH))
    ops.join(_ctx(any_db), MembershipDraft(b, rolling, date(2025, 4, 1), PaymentMethod.CASH))
    ops.join(_ctx(any_db), MembershipDraft(c, rolling, date(2026, 3, 1), PaymentMethod.CASH))
    rows = ops.list_members(_ctx(any_db), on=date(2026, 3, 15))
    assert [(r.name, r.status) for r in rows] == [
        ("AUBERT Claire", MemberStatus.CURRENT),  # until 31/08/2026
        ("BLANC Claire", MemberStatus.DUE),  # until 31/03/2026
        ("COLIN Claire", MemberStatus.CURRENT),
    ]
    due = ops.list_members(_ctx(any_db), on=date(2026, 3, 15), status=MemberStatus.DUE)
    assert [r.contact_id for r in due] == [b]
    clock.current = datetime(2026, 6, 1, 10, tzinfo=UTC)  # Blanc renews two months late
    late = ops.renew(_ctx(any_db), b, payment_method=PaymentMethod.CASH).result
    assert (late.starts_on, late.ends_on) == (date(2026, 6, 1), date(2027, 5, 31))
    with any_db.read() as session:
        assert core.members_per_type(session, 2026) == {"Glissante": 2, "Scolaire": 1}
        ids = set(
            session.scalars(
                member_status.contacts_with_status(
                    MemberStatus.NONE, on=date(2026, 6, 1), window=30
                )
            )
        )
        assert {a, b, c}.isdisjoint(ids)


@settings(max_examples=200, deadline=None)
@given(
    ends=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 12, 31))),
    on=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    window=st.integers(0, 120),
)
def test_status_rule_in_python_is_the_rule_in_sql(ends: date | None, on: date, window: int) -> None:
    from sqlalchemy import create_engine, literal

    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        sql = connection.scalar(
            select(member_status.status_expression(literal(ends), on=on, window=window))
        )
    assert sql == status_of(ends, on=on, window=window).value


def test_fees_are_gifts_flagged_as_membership_and_stay_out_of_receipts(db: Database) -> None:
    contact = add_contacts(db, "Durand", first_name="Claire", address=False)[0]
    calendar = _type(db, MembershipPeriod.CALENDAR_YEAR)
    result = ops.join(
        _ctx(db), MembershipDraft(contact, calendar, date(2026, 3, 1), PaymentMethod.CASH)
    )
    with db.read() as session:
        gift = session.get(Gift, result.result.gift_id)
        assert gift is not None and gift.is_membership_fee and gift.amount_cents == 2500
        planned = plan_receipts(session, year=2026, mode=ReceiptMode.ANNUAL)
    assert all(gift.id not in r.gift_ids for r in planned.receipts)


def test_cli_member_type_add_join_renew_list(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*args: str) -> tuple[int, str]:
        code = run_cli([*args[:2], "--db", str(db_path), *args[2:]])
        return code, capsys.readouterr().out

    database = open_database(str(db_path))
    with database.write() as session:
        session.add(Contact(first_name="Jean", last_name="Martin"))
    database.dispose()
    assert (
        run(
            "member",
            "type-add",
            "Individuelle",
            "--kind",
            "individual",
            "--fee",
            "25,00",
            "--period",
            "calendar_year",
        )[0]
        == 0
    )
    code, out = run(
        "member", "add", "1", "--type", "Individuelle", "--method", "cash", "--paid", "2026-02-01"
    )
    assert code == 0 and "01/01/2026 au 31/12/2026" in out
    code, out = run("member", "list", "--json", "--on", "2026-12-15")
    rows = json.loads(out)
    assert rows == [
        {
            "contact_id": 1,
            "name": "MARTIN Jean",
            "type": "Individuelle",
            "ends_on": "2026-12-31",
            "status": "due",
        }
    ]


def test_contact_list_filters_on_membership_status_and_dashboard_counts(
    db: Database, clock: FixedClock
) -> None:
    from app.core.contacts.search import ContactFilter, count_contacts, fetch_window
    from app.core.stats import dashboard

    rolling = _type(db, MembershipPeriod.ROLLING_12_MONTHS, fee=1000, name="Glissante")
    a, b, _c = add_contacts(db, "Aubert", "Blanc", "Colin", first_name="Claire", address=False)
    ops.join(_ctx(db), MembershipDraft(a, rolling, date(2026, 3, 1), PaymentMethod.CASH))
    ops.join(_ctx(db), MembershipDraft(b, rolling, date(2025, 4, 1), PaymentMethod.CASH))
    on = date(2026, 3, 15)
    with db.read() as session:
        found = {
            status: [
                r.name
                for r in fetch_window(
                    session, ContactFilter(member_status=status, member_on=on), offset=0, limit=10
                )
            ]
            for status in ("current", "due", "lapsed", "none")
        }
        assert count_contacts(session, ContactFilter(member_status="due", member_on=on)) == 1
        figures = dashboard(session, 2026, today=on)
    assert found == {
        "current": ["AUBERT Claire"],
        "due": ["BLANC Claire"],
        "lapsed": [],
        "none": ["COLIN Claire"],
    }
    assert figures.members_by_type == {"Glissante": 2}


def test_renewal_reminders_respect_post_consent_npai_and_restriction(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from app.core.contacts.consents import record_consent
    from app.models import AuditEvent, PostalAddress
    from app.models.enums import Channel, ConsentStatus

    calendar = _type(db, MembershipPeriod.CALENDAR_YEAR)
    names = ("Aubert", "Blanc", "Colin", "Dumas")
    ids = []
    with db.write() as session:
        for name in names:
            contact = Contact(first_name="Claire", last_name=name, civility="Mme")
            contact.addresses.append(
                PostalAddress(
                    is_primary=True,
                    line4="3 rue des Lilas",
                    postcode="75011",
                    city="Paris",
                    npai=name == "Colin",
                )
            )
            session.add(contact)
            session.flush()
            ids.append(contact.id)
    for contact_id in ids:
        ops.join(
            _ctx(db), MembershipDraft(contact_id, calendar, date(2026, 2, 1), PaymentMethod.CASH)
        )
    with db.write() as session:
        record_consent(
            session,
            contact_id=ids[1],
            channel=Channel.POST,
            status=ConsentStatus.OBJECTED,
            source="courrier",
            occurred_at=clock.now(),
        )
        session.get(Contact, ids[3]).restricted = True  # type: ignore[union-attr]
    out = tmp_path / "relances.pdf"
    result = ops.write_reminders(_ctx(db), out, on=date(2026, 12, 10)).result
    assert result.written == 1
    assert set(result.excluded) == {ids[1], ids[2], ids[3]}
    text = PdfReader(out).pages[0].extract_text()
    assert "AUBERT" in text and "31/12/2026" in text and "25,00" in text
    with db.read() as session:
        notes = session.scalars(
            select(AuditEvent.note).where(AuditEvent.contact_id == ids[0])
        ).all()
    assert any("Relance d'adhésion" in n for n in notes)
