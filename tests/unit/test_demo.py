"""The demo dataset is realistic and deterministic for a seed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.core.demo import generate_demo
from app.core.infrastructure.database import Database
from app.models import AuditEvent, ConsentEvent, Contact, Gift, PostalAddress
from app.models.enums import ContactKind

TODAY = date(2026, 3, 15)


def _snapshot(database: Database) -> list[tuple[object, ...]]:
    with database.read() as session:
        contacts = session.execute(
            select(
                Contact.id, Contact.first_name, Contact.last_name, Contact.organisation_name
            ).order_by(Contact.id)
        ).all()
        gifts = session.execute(
            select(
                Gift.contact_id, Gift.received_on, Gift.amount_cents, Gift.payment_method
            ).order_by(Gift.id)
        ).all()
    return [tuple(r) for r in contacts + gifts]


def test_same_seed_gives_the_same_data(db: Database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.core.opening import open_database

    other = open_database(str(tmp_path / "other.sqlite3"))
    for database in (db, other):
        with database.write() as session:
            generate_demo(session, contacts=300, seed=42, today=TODAY)
    assert _snapshot(db) == _snapshot(other)
    other.dispose()


def test_demo_data_looks_like_a_french_association(db: Database) -> None:
    with db.write() as session:
        report = generate_demo(session, contacts=2000, seed=5, today=TODAY)
    with db.read() as session:
        names = set(session.scalars(select(Contact.last_name)))
        first_names = set(session.scalars(select(Contact.first_name)))
        organisations = session.scalar(
            select(func.count()).where(Contact.kind == ContactKind.ORGANISATION)
        )
        postcodes = set(session.scalars(select(PostalAddress.postcode)))
        npai = session.scalar(select(func.count()).where(PostalAddress.npai))
        methods = dict(
            session.execute(
                select(Gift.payment_method, func.count()).group_by(Gift.payment_method)
            ).all()
        )
        years = set(session.scalars(select(func.strftime("%Y", Gift.received_on))))
        december = session.scalar(
            select(func.count()).where(func.strftime("%m", Gift.received_on) == "12")
        )
        july = session.scalar(
            select(func.count()).where(func.strftime("%m", Gift.received_on) == "07")
        )
        consents = session.scalar(select(func.count()).select_from(ConsentEvent))
        journal = session.scalars(select(AuditEvent.note)).all()
    assert report.contacts == 2000
    assert any(any(c in n for c in "éèçëœ") for n in names | first_names)
    assert any(n.startswith(("de ", "d'", "du ", "Le ")) for n in names)
    assert any("-" in n for n in first_names)
    assert organisations and 0.03 < organisations / 2000 < 0.10
    assert all(len(p) == 5 and p.isdigit() for p in postcodes)
    assert npai and npai / 2000 < 0.05
    assert {"cheque", "card", "transfer", "cash", "direct_debit"} <= set(methods)
    assert len(years) == 5
    assert december > 2 * july  # year-end giving season
    assert consents > 0
    assert 0.02 <= len(report.planted_duplicates) / 2000 <= 0.04
    assert any("démonstration" in note for note in journal)


def test_demo_has_members_up_to_date_to_renew_and_lapsed(db: Database) -> None:
    """The members' screen of a demo database is not empty (every status is shown)."""
    from app.core.member_status import MemberStatus, contacts_with_status
    from app.models import Membership

    with db.write() as session:
        report = generate_demo(session, contacts=600, seed=3, today=date(2026, 12, 4))
    with db.read() as session:
        counted = session.scalar(select(func.count()).select_from(Membership))
        by_status = {
            status: len(
                session.scalars(contacts_with_status(status, on=date(2026, 12, 4), window=30)).all()
            )
            for status in (MemberStatus.DUE, MemberStatus.LAPSED)
        }
        mid_year = len(
            session.scalars(
                contacts_with_status(MemberStatus.CURRENT, on=date(2026, 6, 30), window=30)
            ).all()
        )
    assert report.memberships == counted and counted / 600 > 0.25
    assert by_status[MemberStatus.DUE] and by_status[MemberStatus.LAPSED] and mid_year


def test_demo_has_regular_givers_ready_for_a_first_collection(db: Database) -> None:
    """The regular-giving screen of a demo database has mandates, plans and a creditor: the
    first collection (next month's 5th) lists every plan, to notify or to debit."""
    from app.core.sepa.accounts import validate_bic, validate_iban
    from app.core.sepa.collection import plan_collection
    from app.core.sepa.creditor import load_creditor
    from app.models import RegularGiftPlan, SepaMandate

    today = date(2026, 12, 4)
    with db.write() as session:
        report = generate_demo(session, contacts=1500, seed=3, today=today)
    with db.read() as session:
        mandates = session.scalars(select(SepaMandate)).all()
        plans = session.scalars(select(RegularGiftPlan)).all()
        creditor = load_creditor(session)
        collection = plan_collection(session, date(2027, 1, 5), prenotice_days=14)
    assert report.mandates == len(mandates) >= 15 and report.plans == len(plans)
    assert creditor.complete
    for mandate in mandates:
        assert validate_iban(mandate.iban) == mandate.iban
        assert validate_bic(mandate.bic, iban=mandate.iban) == mandate.bic
        assert mandate.signed_on <= today
    assert {p.starts_on for p in plans} == {date(2027, 1, 5)}
    assert len(collection.debits) + len(collection.excluded) == len(plans)


def test_the_demo_s_planted_duplicates_are_found_by_the_scan(db: Database) -> None:
    """A planted duplicate is a donor typed twice (a typo in the name, mostly the same
    address, often the same e-mail or phone), as in a real file: the duplicates screen of a
    new user's demo finds most of them and suggests few others. Two copies of one record
    are one donor too."""
    from app.core.dedupe.scan import load_people, scan_people

    with db.write() as session:
        report = generate_demo(session, contacts=2000, seed=1, today=TODAY)
    with db.read() as session:
        people = load_people(session)
    groups = scan_people(people, set())
    found = {(min(p.a, p.b), max(p.a, p.b)) for g in groups for p in g.pairs}
    donor = {contact: contact for pair in report.planted_duplicates for contact in pair}
    for original, copy in report.planted_duplicates:
        donor[copy] = donor[original]
    planted = {(min(a, b), max(a, b)) for a, b in report.planted_duplicates}
    right = {(a, b) for a, b in found if a in donor and b in donor and donor[a] == donor[b]}
    assert len(planted & found) >= 0.85 * len(planted)
    assert len(right) >= 0.9 * len(found)
