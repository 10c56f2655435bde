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
from app.errors import Conflict, NotFound, ValidationError
from app.models import AuditEvent, Contact, Gift, Membership
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
    from app.models import AuditEvent, PostalAddress, Solicitation
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
    result = ops.send_reminders(_ctx(db), out=out, on=date(2026, 12, 10)).result
    assert result.written == 1
    assert set(result.excluded) == {ids[1], ids[2], ids[3]}
    assert result.counts == {"no_consent": 1, "npai": 1, "restricted": 1}
    text = PdfReader(out).pages[0].extract_text()
    assert "AUBERT" in text and "31/12/2026" in text and "25,00" in text
    assert "Chère Madame Aubert" in text and "plus recevoir de courrier" in text
    with db.read() as session:
        notes = session.scalars(
            select(AuditEvent.note).where(AuditEvent.contact_id == ids[0])
        ).all()
        asked = session.execute(
            select(Solicitation.contact_id, Solicitation.kind, Solicitation.channel)
        ).all()
    assert any("Relance d'adhésion" in n for n in notes)
    assert asked == [(ids[0], "reminder", Channel.POST)]  # counted by the pressure caps


def test_type_changed_and_deactivated_keeps_past_memberships(any_db: Database) -> None:
    contact = add_contacts(any_db, "Moreau", address=False)[0]
    kind = _type(any_db, MembershipPeriod.CALENDAR_YEAR, name="Individuelle")
    other = _type(any_db, MembershipPeriod.CALENDAR_YEAR, name="Famille")
    cash = PaymentMethod.CASH
    first = ops.join(
        _ctx(any_db), MembershipDraft(contact, kind, date(2026, 2, 1), payment_method=cash)
    ).result
    changed = ops.update_type(
        _ctx(any_db),
        kind,
        name="  Individuelle 2027 ",
        kind=MembershipKind.INDIVIDUAL,
        fee_cents=3000,
        period=MembershipPeriod.SCHOOL_YEAR,
    ).result
    assert (changed.name, changed.fee_cents, changed.period) == (
        "Individuelle 2027",
        3000,
        "school_year",
    )
    with pytest.raises(ValidationError, match="existe déjà") as taken:
        ops.update_type(
            _ctx(any_db),
            other,
            name="Individuelle 2027",
            kind=MembershipKind.FAMILY,
            fee_cents=4000,
            period=MembershipPeriod.CALENDAR_YEAR,
        )
    assert taken.value.field == "name"
    with pytest.raises(ValidationError) as negative:
        ops.add_type(
            _ctx(any_db),
            name="Gratuite",
            kind=MembershipKind.INDIVIDUAL,
            fee_cents=-1,
            period=MembershipPeriod.CALENDAR_YEAR,
        )
    assert negative.value.field == "fee"
    assert ops.set_type_active(_ctx(any_db), kind, active=False).result.active is False
    with pytest.raises(ValidationError, match="désactivé") as inactive:
        ops.renew(_ctx(any_db), contact, paid_on=date(2026, 3, 1), payment_method=cash)
    assert inactive.value.field == "type"
    renewed = ops.renew(
        _ctx(any_db), contact, paid_on=date(2026, 3, 1), type_id=other, payment_method=cash
    ).result
    assert renewed.starts_on == date(2027, 1, 1)
    past = ops.list_members(_ctx(any_db), on=date(2026, 6, 1))
    with any_db.read() as session:
        kept = session.get(Membership, first.membership_id)
        assert kept is not None
        assert (kept.starts_on, kept.ends_on, kept.amount_cents) == (
            date(2026, 1, 1),
            date(2026, 12, 31),
            2500,
        )
        events = session.scalars(
            select(AuditEvent.field).where(
                AuditEvent.entity == "membership_type", AuditEvent.entity_id == kind
            )
        ).all()
    assert {"name", "fee_cents", "period", "active"} <= set(events)
    assert past  # the member is still listed
    assert ops.set_type_active(_ctx(any_db), kind, active=True).result.active is True


def test_cli_type_edit_deactivate_and_renewal_days(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def run(*args: str) -> tuple[int, str]:
        code = run_cli([*args[:2], "--db", str(db_path), *args[2:]])
        return code, capsys.readouterr().out

    args = ("--kind", "individual", "--fee", "25", "--period", "calendar_year")
    assert run("member", "type-add", "Individuelle", *args)[0] == 0
    code, out = run("member", "type-edit", "Individuelle", "--fee", "30,00", "--json")
    assert code == 0 and json.loads(out)["fee_cents"] == 3000
    code, out = run("member", "type-deactivate", "1")
    assert code == 0 and "désactivé" in out
    code, out = run("member", "types", "--json")
    assert json.loads(out)[0]["active"] is False
    assert run("member", "type-activate", "Individuelle")[0] == 0
    code, out = run("member", "renewal-days", "45")
    assert code == 0 and "45 jours" in out
    code, out = run("member", "renewal-days", "--json")
    assert json.loads(out) == {"renewal_days": 45}
    code, _out = run("member", "renewal-days", "400")
    assert code != 0


def _card_members(db: Database) -> dict[str, int]:
    """Five members (clock: 15/03/2026): current, due soon, lapsed, restricted, family."""
    ids = dict(
        zip(
            ("Martin", "Durand", "Petit", "Roux", "Lefèvre"),
            add_contacts(db, "Martin", "Durand", "Petit", "Roux", "Lefèvre", address=False),
            strict=True,
        )
    )
    yearly = _type(db, MembershipPeriod.CALENDAR_YEAR, name="Individuelle")
    rolling = _type(db, MembershipPeriod.ROLLING_12_MONTHS, name="Annuelle glissante")
    family = ops.add_type(
        _ctx(db),
        name="Famille",
        kind=MembershipKind.FAMILY,
        fee_cents=4000,
        period=MembershipPeriod.CALENDAR_YEAR,
    ).result.type_id
    cash = PaymentMethod.CASH
    for name, kind, paid in (
        ("Martin", yearly, date(2026, 1, 10)),
        ("Durand", rolling, date(2025, 4, 1)),  # ends 31/03/2026: "à renouveler"
        ("Petit", yearly, date(2025, 1, 10)),  # ended 31/12/2025: "échu"
        ("Roux", yearly, date(2026, 1, 10)),
        ("Lefèvre", family, date(2026, 2, 1)),
    ):
        ops.join(_ctx(db), MembershipDraft(ids[name], kind, paid, payment_method=cash))
    with db.write() as session:
        roux = session.get(Contact, ids["Roux"])
        assert roux is not None
        roux.restricted = True
    return ids


def test_member_cards_for_valid_members_by_status_and_type(db: Database, tmp_path: Path) -> None:
    from app.core.memberships.cards import member_cards

    ids = _card_members(db)
    with db.read() as session:
        cards = member_cards(session, on=date(2026, 3, 15))
        assert [c.name for c in cards] == ["DURAND Anne", "LEFÈVRE Anne", "MARTIN Anne"]
        durand = cards[0]
        assert (durand.contact_id, durand.type_name, durand.valid_until) == (
            ids["Durand"],
            "Annuelle glissante",
            date(2026, 3, 31),
        )
        lapsed = member_cards(session, on=date(2026, 3, 15), status=MemberStatus.LAPSED)
        assert [c.name for c in lapsed] == ["PETIT Anne"]
        family = member_cards(session, on=date(2026, 3, 15), type_reference="Famille")
        assert [c.name for c in family] == ["LEFÈVRE Anne"]
    out = tmp_path / "cartes.pdf"
    result = ops.write_cards(_ctx(db), out).result
    assert result.written == 3 and out.read_bytes().startswith(b"%PDF")
    with pytest.raises(NotFound):
        ops.write_cards(_ctx(db), out, type_reference="Famille", status=MemberStatus.DUE)


def test_member_cards_pdf_has_ten_cards_a_page_with_their_texts(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from app.core.memberships.cards import MemberCard
    from app.reports.member_card_pdf import render_member_cards

    cards = [
        MemberCard(
            i, f"NOM{i} Prénom très long pour voir la coupure {i}", "Famille", date(2026, 12, 31)
        )
        for i in range(1, 13)
    ]
    pdf = render_member_cards(cards, association="Les Amis du Parc de la Tête d'Or")
    path = tmp_path / "cards.pdf"
    path.write_bytes(pdf)
    reader = PdfReader(path)
    assert len(reader.pages) == 2
    first = reader.pages[0].extract_text()
    assert first.count("CARTE D'ADHÉRENT") == 10
    assert "Valable jusqu'au 31/12/2026" in first and "N° d'adhérent : 10" in first
    assert "Les Amis du Parc de la Tête d'Or" in first
    assert reader.pages[1].extract_text().count("CARTE D'ADHÉRENT") == 2
    assert render_member_cards(cards, association="A") == render_member_cards(
        cards, association="A"
    )  # deterministic


def test_cli_member_cards(db: Database, db_path: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _card_members(db)
    out = tmp_path / "cartes.pdf"
    code = run_cli(
        ["member", "cards", "--db", str(db_path), "--out", str(out), "--on", "2026-03-15", "--json"]
    )
    assert code == 0 and json.loads(capsys.readouterr().out)["written"] == 3
    code = run_cli(
        [
            "member",
            "cards",
            "--db",
            str(db_path),
            "--out",
            str(out),
            "--on",
            "2026-03-15",
            "--status",
            "a_jour",
        ]
    )
    assert code == 0 and "2 carte(s)" in capsys.readouterr().out
    code = run_cli(
        [
            "member",
            "cards",
            "--db",
            str(db_path),
            "--out",
            str(out),
            "--on",
            "2026-03-15",
            "--type",
            "Famille",
        ]
    )
    assert code == 0 and "1 carte(s)" in capsys.readouterr().out
