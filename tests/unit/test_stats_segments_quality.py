"""Dashboard figures, RFM segments and data quality on small hand-made data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy.orm import Session

from app.core.contacts.consents import record_consent
from app.core.contacts.segments import export_segment, score_donors, segment_counts, segment_of
from app.core.infrastructure.database import Database
from app.core.quality import quality_report
from app.core.stats import dashboard, median_cents
from app.models import Contact, ContactPhone
from app.models.enums import Channel, ConsentStatus, PaymentMethod
from app.reports.quality_pdf import write_quality_pdf
from app.reports.table_export import write_table
from tests.factories import make_contact, make_gift

TODAY = date(2026, 3, 15)


def _donor(
    session: Session,
    name: str,
    gifts: list[tuple[date, int]],
    *,
    email: str = "",
    npai: bool = False,
) -> Contact:
    contact = make_contact(session, name, email=email, npai=npai)
    for day, cents in gifts:
        make_gift(session, contact, day, cents, method=PaymentMethod.CARD)
    return contact


def test_dashboard_figures_with_known_answers(any_db: Database) -> None:
    with any_db.write() as session:
        _donor(session, "A", [(date(2024, 3, 1), 1000), (date(2025, 3, 1), 3000)])
        _donor(session, "B", [(date(2024, 12, 1), 2000)])
        _donor(session, "C", [(date(2025, 12, 24), 5000), (date(2025, 12, 26), 1000)])
    with any_db.read() as session:
        figures = dashboard(session, 2025, today=TODAY)
        assert median_cents(session, 2025) == 3000
    assert (figures.current.donors, figures.current.gifts, figures.current.amount_cents) == (
        2,
        3,
        9000,
    )
    assert figures.current.by_month_cents[2] == 3000 and figures.current.by_month_cents[11] == 6000
    assert figures.current.donors_by_month[11] == 1
    assert figures.previous.donors == 2 and figures.retention_rate == 0.5
    assert (figures.new_donors, figures.lapsed_donors) == (1, 1)
    assert figures.by_method == {"card": 9000} and figures.to_receipt_gifts == 3


def test_rfm_segments_rules() -> None:
    common = {"first_gift": date(2020, 1, 1), "today": TODAY}
    assert (
        segment_of(
            r=5, f=5, m=5, last_gift=date(2026, 1, 1), **{**common, "first_gift": date(2025, 6, 1)}
        )
        == "new"
    )
    assert segment_of(r=1, f=5, m=5, last_gift=date(2023, 1, 1), **common) == "lapsed"
    assert segment_of(r=5, f=5, m=5, last_gift=date(2026, 1, 1), **common) == "big"
    assert segment_of(r=4, f=4, m=3, last_gift=date(2026, 1, 1), **common) == "loyal"
    assert segment_of(r=2, f=3, m=3, last_gift=date(2025, 1, 1), **common) == "at_risk"


def test_segment_export_respects_consents_npai_and_restriction(
    db: Database, tmp_path: Path
) -> None:
    with db.write() as session:
        people = [
            _donor(session, n, [(date(2023, 1, 1), 1000)], email=f"{n}@x.fr", npai=(n == "npai"))
            for n in ("ok", "npai", "restricted", "silent")
        ]
        for person in people[:3]:
            record_consent(
                session,
                contact_id=person.id,
                channel=Channel.EMAIL,
                status=ConsentStatus.GRANTED,
                occurred_at=datetime(2024, 1, 1, tzinfo=UTC),
            )
        people[2].restricted = True
        scores = score_donors(session, today=TODAY)
        assert segment_counts(scores)["lapsed"] == 4
        post = export_segment(
            session, scores, "lapsed", Channel.POST, tmp_path / "post.csv", write=write_table
        )
        email = export_segment(
            session, scores, "lapsed", Channel.EMAIL, tmp_path / "email.csv", write=write_table
        )
    assert post.written == 2 and post.excluded == {"adresse NPAI": 1, "limitation RGPD": 1}
    assert email.written == 2 and email.excluded == {
        "limitation RGPD": 1,
        "pas de consentement ou de coordonnée pour ce canal": 1,
    }


def test_quality_metrics_list_the_contacts(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        good = _donor(session, "Good", [], email="good@exemple.fr")
        good.phones.append(ContactPhone(number="+33612345678"))
        bad = _donor(session, "Bad", [], email="pas-un-courriel", npai=True)
        bad.phones.append(ContactPhone(number="12"))
        bad.addresses[0].postcode = "2100"
        record_consent(
            session,
            contact_id=good.id,
            channel=Channel.POST,
            status=ConsentStatus.GRANTED,
            occurred_at=datetime(2024, 1, 1, tzinfo=UTC),
        )
    with db.read() as session:
        metrics = {m.key: m for m in quality_report(session, duplicates=lambda s: [])}
    assert metrics["invalid_email"].contact_ids == (bad.id,)
    assert metrics["invalid_phone"].contact_ids == (bad.id,)
    assert metrics["bad_address"].contact_ids == (bad.id,)
    assert metrics["npai"].contact_ids == (bad.id,)
    assert metrics["no_consent"].contact_ids == (bad.id,)
    assert metrics["duplicates"].count == 0 and metrics["no_email"].count == 0
    write_quality_pdf(tmp_path / "q.pdf", "Asso", list(metrics.values()))
    assert "Courriels invalides" in PdfReader(tmp_path / "q.pdf").pages[0].extract_text()
