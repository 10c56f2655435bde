"""Tax receipts: eligibility, numbering without gaps, PDF mentions, lifecycle, declaration."""

from __future__ import annotations

import io
import threading
import time
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from sqlalchemy import select

from app.core.gdpr.restriction import restrict
from app.core.infrastructure.database import Database
from app.core.opening import open_database
from app.core.receipts import audit, lifecycle
from app.core.receipts.eligibility import plan_receipts
from app.core.receipts.issuing import issue
from app.core.receipts.numbering import format_number, parse_number
from app.core.receipts.words import amount_in_figures, amount_in_words
from app.errors import Conflict, PermissionDenied
from app.models import Gift, Receipt, ReceiptLine
from app.models.enums import GiftNature, PaymentMethod, ReceiptMode, ReceiptStatus, Role
from tests.unit.receipts_helpers import donor, gift, ready_association


@pytest.mark.parametrize(
    ("cents", "words"),
    [
        (7100, "soixante et onze euros"),
        (8000, "quatre-vingts euros"),
        (8100, "quatre-vingt-un euros"),
        (20000, "deux cents euros"),
        (100_000_000, "un million d'euros"),
        (1, "un centime"),
        (15010, "cent cinquante euros et dix centimes"),
        (100, "un euro"),
    ],
)
def test_amounts_in_words(cents: int, words: str) -> None:
    assert amount_in_words(cents) == words


def test_amount_in_figures_is_framed() -> None:
    assert amount_in_figures(123456) == "***1 234,56***"


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _issue(
    database: Database, year: int = 2025, mode: ReceiptMode = ReceiptMode.ANNUAL
) -> list[str]:
    with database.write() as session:
        plan = plan_receipts(session, year=year, mode=mode)
        return list(issue(session, plan, clock=database.clock).numbers)


def test_individual_receipt_has_every_mandatory_mention(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        hélène = donor(session)
        gift(session, hélène, date(2025, 3, 2), 15000)
        gift(session, hélène, date(2025, 11, 20), 7100, method=PaymentMethod.TRANSFER)
    (number,) = _issue(db)
    with db.read() as session:
        receipt = session.scalars(select(Receipt)).one()
        text = _text(lifecycle.original_pdf(session, receipt))
    for mention in (
        "11580*05",
        number,
        "articles 200 et 978",
        "Les Amis du Moulin",
        "W212004567",
        "2 rue du Moulin",
        "Sauvegarde du moulin",
        "Association loi 1901",
        "Hélène DUPONT",
        "3 rue de l'Église",
        "21000 DIJON",
        "***221,00***",
        "deux cent vingt et un euros",
        "02/03/2025",
        "20/11/2025",
        "200 du CGI",
        "978 du CGI",
        "Déclaration de don manuel",
        "Numéraire",
        "Chèque",
        "Virement, prélèvement, carte bancaire",
        "Anne Petit",
        "Présidente",
        "Date et signature",
    ):
        assert mention in text, mention


def test_company_receipt_is_a_16216_with_its_mentions(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        company = donor(session, "Boulangerie", company=True)
        gift(session, company, date(2025, 6, 1), 100000, method=PaymentMethod.TRANSFER)
        gift(
            session,
            company,
            date(2025, 7, 1),
            25000,
            method=PaymentMethod.IN_KIND,
            nature=GiftNature.IN_KIND,
            description="20 sacs de farine",
        )
    _issue(db)
    with db.read() as session:
        receipt = session.scalars(select(Receipt)).one()
        text = _text(lifecycle.original_pdf(session, receipt))
    assert receipt.kind == "company"
    for mention in (
        "16216",
        "238 bis",
        "Boulangerie SARL",
        "SARL",
        "732829320",
        "***1 000,00***",
        "mille euros",
        "***250,00***",
        "20 sacs de farine",
        "***1 250,00***",
        "Date ou période",
    ):
        assert mention in text, mention


def test_exclusions_are_listed_with_their_reason(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        gift(session, donor(session, "Sansadresse", address=False), date(2025, 1, 5), 5000)
        gift(session, donor(session, "Cadeau"), date(2025, 1, 5), 10000, counterpart=3000)
        heavy = donor(session, "Gala")
        for month in (1, 2, 3, 4):
            gift(session, heavy, date(2025, month, 1), 10000, counterpart=2000)
        fee = gift(session, donor(session, "Adhérent"), date(2025, 1, 5), 3000)
        fee.is_membership_fee = True
        frozen = donor(session, "Limité")
        gift(session, frozen, date(2025, 1, 5), 3000)
        restrict(session, frozen.id, reason="contestation de l'exactitude")
    with db.write() as session:
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
        assert issue(session, plan, clock=db.clock).numbers == ()  # nothing to issue, no error
    reasons = {e.donor_name: e.reason for e in plan.excluded}
    assert "traitement limité (RGPD" in reasons["LIMITÉ Hélène"]
    assert "adresse postale manquante" in reasons["SANSADRESSE Hélène"]
    assert "quart" in reasons["CADEAU Hélène"]
    assert "73 €" in reasons["GALA Hélène"]
    assert plan.receipts == []


def test_missing_association_mentions_refuse_the_batch(db: Database) -> None:
    with db.write() as session:
        gift(session, donor(session), date(2025, 1, 5), 5000)
    with pytest.raises(Conflict, match="mentions obligatoires"), db.write() as session:
        issue(session, plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL), clock=db.clock)
    with db.read() as session:
        assert session.scalars(select(Receipt)).all() == []


def test_lifecycle_reprint_cancel_replace(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        hélène = donor(session)
        first = gift(session, hélène, date(2025, 3, 2), 15000)
        gift(session, hélène, date(2025, 4, 2), 5000)
    numbers = _issue(db, mode=ReceiptMode.PER_GIFT)
    assert numbers == ["2025-00001", "2025-00002"]
    with db.write() as session:
        duplicate = _text(lifecycle.reprint(session, 1))
        assert "DUPLICATA" in duplicate and "2025-00001" in duplicate
        session.get(Gift, first.id).amount_cents = 15000  # locked gifts keep their values
    with db.write() as session:
        old = lifecycle.cancel(session, 1, reason="Montant erroné", clock=db.clock)
        assert (
            old.status == ReceiptStatus.CANCELLED and session.get(Gift, first.id).receipt_id is None
        )
        session.get(Gift, first.id).amount_cents = 16000
    with db.write() as session:
        new = lifecycle.replace(session, 2, reason="Adresse corrigée", clock=db.clock)
        assert new.number == "2025-00003" and new.replaces_id == 2
        assert "ANNULÉ" in _text(lifecycle.reprint(session, 1))
    with db.read() as session:
        log = audit.number_log(session, 2025)
        assert [(line.number, line.status, line.replaced_by) for line in log] == [
            ("2025-00001", "cancelled", ""),
            ("2025-00002", "cancelled", "2025-00003"),
            ("2025-00003", "issued", ""),
        ]
        figures = audit.declaration(session, 2025)
        assert (figures.receipts, figures.total_cents, figures.cancelled) == (1, 5000, 2)
        assert all(
            lifecycle.verify(session, r) == lifecycle.Reproduction.IDENTICAL
            for r in session.scalars(select(Receipt))
        )
    with db.write() as session:  # the corrected gift can be receipted again, under a new number
        assert _issue_in(session, db) == ["2025-00004"]


def _issue_in(session, database: Database) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        issue(
            session,
            plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL),
            clock=database.clock,
        ).numbers
    )


def test_a_treasurer_issues_a_volunteer_may_not(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        gift(session, donor(session), date(2025, 1, 5), 5000)
    db.role = Role.VOLUNTEER
    with pytest.raises(PermissionDenied):
        _issue(db)
    db.role = Role.TREASURER
    assert _issue(db) == ["2025-00001"]


def test_number_format_round_trip() -> None:
    assert (
        parse_number(format_number(2025, 42)) == (2025, 42)
        and format_number(2025, 42) == "2025-00042"
    )


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["issue", "cancel", "replace"]),
        st.sampled_from([2024, 2025]),
        st.integers(min_value=0, max_value=20),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_any_sequence_keeps_numbers_unique_and_gap_free(tmp_path_factory, actions) -> None:  # type: ignore[no-untyped-def]
    database = open_database(str(tmp_path_factory.mktemp("prop") / "p.sqlite3"))
    with database.write() as session:
        ready_association(session)
        people = [donor(session, f"Donateur{i}") for i in range(3)]
    for step, (action, year, pick) in enumerate(actions):
        with database.write() as session:
            if action == "issue":
                gift(session, people[pick % 3], date(year, 1 + step % 12, 1), 1000 + pick)
                issue(
                    session,
                    plan_receipts(session, year=year, mode=ReceiptMode.PER_GIFT),
                    clock=database.clock,
                )
                continue
            valid = list(
                session.scalars(
                    select(Receipt).where(
                        Receipt.year == year, Receipt.status == ReceiptStatus.ISSUED
                    )
                )
            )
            if valid:
                target = valid[pick % len(valid)]
                (lifecycle.cancel if action == "cancel" else lifecycle.replace)(
                    session, target.id, reason="test", clock=database.clock
                )
    with database.read() as session:
        for year in (2024, 2025):
            sequences = sorted(
                session.scalars(select(Receipt.sequence).where(Receipt.year == year))
            )
            assert sequences == list(range(1, len(sequences) + 1))
            assert audit.gaps(session, year) == []
        numbers = list(session.scalars(select(Receipt.number)))
        assert len(numbers) == len(set(numbers))
        locked = session.execute(
            select(Gift.id, Gift.receipt_id).where(Gift.receipt_id.is_not(None))
        ).all()
        for _gift_id, receipt_id in locked:
            assert session.get(Receipt, receipt_id).status == ReceiptStatus.ISSUED  # type: ignore[union-attr]
    database.dispose()


def test_two_processes_issuing_at_once_never_share_a_number(any_db: Database) -> None:
    with any_db.write() as session:
        ready_association(session)
        people = [donor(session, f"D{i}") for i in range(6)]
        for index, person in enumerate(people):
            gift(session, person, date(2025, 1, 1) + timedelta(days=index), 1000)
    other = open_database(any_db.target, user="other")
    errors: list[BaseException] = []

    def run(database: Database, contact_ids: list[int]) -> None:
        try:
            with database.write() as session:
                plan = plan_receipts(
                    session, year=2025, mode=ReceiptMode.PER_GIFT, contact_ids=contact_ids
                )
                issue(session, plan, clock=any_db.clock)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [
        threading.Thread(target=run, args=(any_db, [p.id for p in people[:3]])),
        threading.Thread(target=run, args=(other, [p.id for p in people[3:]])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.dispose()
    assert errors == []
    with any_db.read() as session:
        assert sorted(session.scalars(select(Receipt.sequence))) == [1, 2, 3, 4, 5, 6]


def test_two_treasurers_issuing_the_same_preview_never_receipt_a_gift_twice(
    any_db: Database,
) -> None:
    with any_db.write() as session:
        ready_association(session)
        for index in range(4):
            gift(session, donor(session, f"D{index}"), date(2025, 3, 1), 1000 + index)
    other = open_database(any_db.target, user="other")
    previews = []
    for database in (any_db, other):  # both screens show the same preview
        with database.read() as session:
            previews.append(plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL))
    first_issued, errors = threading.Event(), []

    def first() -> None:
        with any_db.write() as session:
            issue(session, previews[0], clock=any_db.clock)
            first_issued.set()
            time.sleep(0.5)  # still in its transaction when the second one starts

    def second() -> None:
        first_issued.wait(10)
        try:
            with other.write() as session:
                issue(session, previews[1], clock=any_db.clock)
        except Conflict as exc:
            errors.append(exc)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.dispose()
    assert len(errors) == 1 and "préparez l'émission à nouveau" in str(errors[0])
    with any_db.read() as session:
        assert sorted(session.scalars(select(Receipt.sequence))) == [1, 2, 3, 4]
        lines = session.scalars(select(ReceiptLine.gift_id)).all()
        assert len(lines) == len(set(lines)) == 4


def test_each_donor_may_ask_for_a_receipt_per_gift_or_an_annual_one(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        firm = donor(session, "Forge", company=True)
        firm.receipt_mode = ReceiptMode.PER_GIFT.value
        yearly = donor(session, "Annuel")
        yearly.receipt_mode = ReceiptMode.ANNUAL.value
        usual = donor(session, "Habituel")
        for contact in (firm, yearly, usual):
            gift(session, contact, date(2025, 2, 1), 10000)
            gift(session, contact, date(2025, 9, 1), 20000)
    with db.read() as session:
        annual = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
    assert sorted((r.donor_name, len(r.gift_ids), r.mode) for r in annual.receipts) == [
        ("ANNUEL Hélène", 2, ReceiptMode.ANNUAL),
        ("Forge SARL", 1, ReceiptMode.PER_GIFT),
        ("Forge SARL", 1, ReceiptMode.PER_GIFT),
        ("HABITUEL Hélène", 2, ReceiptMode.ANNUAL),
    ]
    with db.write() as session:
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.PER_GIFT)
        assert sorted((r.donor_name, len(r.gift_ids)) for r in plan.receipts) == [
            ("Forge SARL", 1),
            ("Forge SARL", 1),
            ("HABITUEL Hélène", 1),
            ("HABITUEL Hélène", 1),
        ]
        assert "reçu annuel demandé" in plan.excluded[0].reason
        issue(session, plan, clock=db.clock)
    with db.write() as session:
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
        assert [(r.donor_name, len(r.gift_ids), r.mode) for r in plan.receipts] == [
            ("ANNUEL Hélène", 2, ReceiptMode.ANNUAL)
        ]
        issue(session, plan, clock=db.clock)
    with db.read() as session:
        modes = {(r.contact_id, r.mode) for r in session.scalars(select(Receipt))}
    assert modes == {
        (firm.id, ReceiptMode.PER_GIFT),
        (usual.id, ReceiptMode.PER_GIFT),
        (yearly.id, ReceiptMode.ANNUAL),
    }


def test_numbers_follow_french_alphabetical_order(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        for name in ("Zola", "Œhlenschläger", "Étienne", "Dupont", "Eiffel"):
            gift(session, donor(session, name), date(2025, 5, 1), 5000)
    with db.read() as session:
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
    assert [r.donor_name.split()[0] for r in plan.receipts] == [
        "DUPONT",
        "EIFFEL",
        "ÉTIENNE",
        "ŒHLENSCHLÄGER",
        "ZOLA",
    ]


def test_a_newer_layout_keeps_old_receipts_printable_but_not_altered_data(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.reports import receipt_pdf

    with db.write() as session:
        ready_association(session)
        gift(session, donor(session), date(2025, 4, 1), 5000)
    (number,) = _issue(db)
    monkeypatch.setattr(receipt_pdf, "MARGIN", receipt_pdf.MARGIN + 2)  # a software update
    with db.write() as session:
        receipt = lifecycle.find_receipt(session, number)
        assert lifecycle.verify(session, receipt) == lifecycle.Reproduction.NEW_LAYOUT
        assert number in _text(lifecycle.original_pdf(session, receipt))  # still printable
        receipt.snapshot = {**receipt.snapshot, "number": "2025-99999"}  # data altered
    with db.read() as session:
        receipt = lifecycle.find_receipt(session, number)
        assert lifecycle.verify(session, receipt) == lifecycle.Reproduction.ALTERED
        with pytest.raises(Conflict, match="reproduit"):
            lifecycle.original_pdf(session, receipt)


def test_a_damaged_logo_stored_earlier_is_named_before_issuing(db: Database) -> None:
    from app.models import OrganisationSettings

    with db.write() as session:
        ready_association(session)
        gift(session, donor(session), date(2025, 1, 5), 5000)
        settings = session.get(OrganisationSettings, 1)
        settings.logo_image = b"\x89PNG\r\n\x1a\n" + b"0" * 100  # type: ignore[union-attr]
    with db.read() as session:
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
    assert any(
        "Logo" in problem and "illisible" in problem for problem in plan.organisation_problems
    )
    with pytest.raises(Conflict, match="illisible"), db.write() as session:
        issue(session, plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL), clock=db.clock)


def test_issue_now_for_a_donor_who_asked_says_what_stops_it(db: Database) -> None:
    from app.core.receipts.issuing import issue_requested_now

    with db.write() as session:
        ready_association(session)
        firm = donor(session, "Forge", company=True, address=False)
        firm.receipt_mode = ReceiptMode.PER_GIFT.value
        gift(session, firm, date(2025, 5, 1), 20000)
    with db.write() as session:
        plan, result = issue_requested_now(session, contact_id=firm.id, year=2025, clock=db.clock)
    assert result is None and "adresse postale manquante" in plan.excluded[0].reason
    with db.read() as session:
        assert session.scalars(select(Receipt)).all() == []
