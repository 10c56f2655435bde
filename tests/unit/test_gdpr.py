"""GDPR: register and its exports, requests and deadlines, erasure, restriction, retention."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from odf.opendocument import load as load_ods
from odf.table import Table
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from app.core.contacts.consents import record_consent
from app.core.contacts.editing import ContactDraft, update_contact
from app.core.gdpr import anonymise, register, requests, restriction, retention
from app.core.gdpr.erased_identities import is_erased
from app.core.gdpr.subject_export import write_export
from app.core.infrastructure.database import Database
from app.core.progress import CancelToken
from app.core.receipts import lifecycle
from app.core.receipts.eligibility import plan_receipts
from app.core.receipts.issuing import issue
from app.errors import Conflict, OperationCancelled
from app.models import AuditEvent, Contact, Gift, Receipt
from app.models.enums import Channel, ConsentStatus, ContactStatus, ReceiptMode, RightsRequestKind
from app.reports.register_export import write_register
from app.reports.subject_pdf import render_subject_pdf
from tests.unit.receipts_helpers import donor, gift, ready_association

TODAY = date(2026, 3, 15)


def test_deadlines_follow_the_calendar() -> None:
    assert requests.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert requests.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert requests.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)


@pytest.mark.parametrize("kind", list(RightsRequestKind))
def test_each_request_kind_is_logged_extended_and_closed(
    db: Database, kind: RightsRequestKind
) -> None:
    with db.write() as session:
        request = requests.log_request(
            session,
            kind=kind,
            received_on=date(2026, 1, 31),
            requester="Jean Dupont",
            identity_check="Copie de pièce d'identité vue le 31/01",
        )
        assert request.due_on == date(2026, 2, 28)
        assert [d.id for d in requests.requests_due(session, date(2026, 2, 25))] == [request.id]
        requests.extend(session, request.id, notified_on=date(2026, 2, 20))
        assert request.due_on == date(2026, 4, 30)
        with pytest.raises(Conflict):
            requests.extend(session, request.id, notified_on=date(2026, 2, 21))
        assert requests.requests_due(session, date(2026, 5, 2))[0].overdue
        requests.close(session, request.id, closed_on=date(2026, 3, 1), response="Données envoyées")
        assert requests.requests_due(session, date(2026, 5, 2)) == []


def test_register_is_prefilled_versioned_and_exported(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        ready_association(session)
        assert len(register.activities(session)) == 6  # pre-filled when the database was created
        assert register.ensure_default_register(session) == 0
        first = register.activities(session)[0]
        register.save_activity(
            session, {"name": first.name, "purposes": "Nouvelle finalité"}, activity_id=first.id
        )
    with db.read() as session:
        head, acts = register.header(session), register.activities(session)
        changes = session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity == "processing_activity", AuditEvent.field == "purposes"
            )
        ).all()
    assert len(changes) == 1 and changes[0].new == "Nouvelle finalité"
    for fmt in ("pdf", "xlsx", "ods", "csv"):
        write_register(tmp_path / f"r.{fmt}", head, acts, fmt)
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    assert (
        "Registre des activités de traitement" in text
        and "Les Amis du Moulin" in text
        and "page 2" in text
    )
    workbook = load_workbook(tmp_path / "r.xlsx")
    assert workbook["Activités"]["B2"].value == "Gestion des adhérents"
    assert "Nouvelle finalité" in str(workbook["Activités"]["C2"].value)
    tables = load_ods(str(tmp_path / "r.ods")).spreadsheet.getElementsByType(Table)
    assert [t.getAttribute("name") for t in tables] == ["Page commune", "Activités"]
    assert "conservation" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")


def test_access_export_zip_has_pdf_json_and_csv(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        ready_association(session)
        register.ensure_default_register(session)
        person = donor(session)
        gift(session, person, date(2025, 4, 1), 5000)
        path = write_export(session, person.id, tmp_path, render_pdf=render_subject_pdf)
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("donnees.json"))
        pdf_text = " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(archive.read("donnees.pdf"))).pages
        )
        assert "gifts.csv" in archive.namelist()
    assert data["identity"]["last_name"] == "Dupont" and data["gifts"][0]["amount_cents"] == 5000
    assert "CNIL" in data["rights"] and "CNIL" in pdf_text and "Dupont" in pdf_text


def test_access_export_lists_what_was_sent_to_the_person(db: Database, tmp_path: Path) -> None:
    """Art. 15: the communications are the person's data too (appeals, reminders, delivery)."""
    from app.models import Appeal, Campaign, Solicitation
    from app.models.enums import Channel

    with db.write() as session:
        ready_association(session)
        person = donor(session)
        campaign = Campaign(code="AUT", name="Automne")
        session.add(campaign)
        session.flush()
        appeal = Appeal(
            name="Appel d'automne",
            channel=Channel.EMAIL,
            target_kind="all",
            campaign_id=campaign.id,
            send_on=date(2025, 9, 15),
        )
        session.add(appeal)
        session.flush()
        session.add_all(
            [
                Solicitation(
                    contact_id=person.id,
                    appeal_id=appeal.id,
                    channel=Channel.EMAIL,
                    sent_on=date(2025, 9, 15),
                    email="h@exemple.fr",
                    delivery="bounced",
                ),
                Solicitation(
                    contact_id=person.id,
                    channel=Channel.POST,
                    sent_on=date(2025, 12, 1),
                    kind="reminder",
                    what="Relance d'adhésion",
                ),
            ]
        )
        path = write_export(session, person.id, tmp_path, render_pdf=render_subject_pdf)
    with zipfile.ZipFile(path) as archive:
        data = json.loads(archive.read("donnees.json"))
        pdf_text = " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(archive.read("donnees.pdf"))).pages
        )
        assert "solicitations.csv" in archive.namelist()
    assert [
        (s["sent_on"], s["kind"], s["appeal"], s["delivery"]) for s in data["solicitations"]
    ] == [
        ("2025-09-15", "appeal", "Appel d'automne", "bounced"),
        ("2025-12-01", "reminder", "", ""),
    ]
    assert "Ce que nous vous avons envoyé" in pdf_text and "Appel d'automne" in pdf_text
    words = " ".join(pdf_text.split())  # table cells wrap
    assert "revenu" in words and "relance d'adhésion" in words


def test_erasure_keeps_receipts_verifiable(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        person = donor(session)
        person.notes = "aime les concerts"
        gift(session, person, date(2025, 4, 1), 5000)
        issue(session, plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL), clock=db.clock)
    with db.read() as session:
        preview = anonymise.preview_erasure(session, person.id)
    assert any("DUPONT" in item for item in preview.erased) and any(
        "6 ans" in why for _what, why in preview.kept
    )
    with db.write() as session:
        anonymise.anonymise(session, person.id, clock=db.clock)
    with db.read() as session:
        contact = session.get(Contact, person.id)
        assert contact.status == ContactStatus.ANONYMISED and "Dupont" not in contact.last_name  # type: ignore[union-attr]
        assert contact.emails == [] and contact.addresses == [] and contact.notes == ""  # type: ignore[union-attr]
        assert session.scalar(select(Gift.amount_cents)) == 5000
        receipt = lifecycle.find_receipt(session, "2025-00001")
        assert lifecycle.verify(session, receipt) == lifecycle.Reproduction.IDENTICAL
        assert receipt.contact_id == person.id
        journal = " ".join(
            f"{e.old} {e.new} {e.note}"
            for e in session.scalars(select(AuditEvent).where(AuditEvent.contact_id == person.id))
        )
        assert "Dupont" not in journal and "concerts" not in journal
        assert is_erased(session, first_name="Hélène", last_name="Dupont")


def test_restriction_freezes_the_contact_until_lifted(db: Database) -> None:
    with db.write() as session:
        person = donor(session)
        restriction.restrict(session, person.id, reason="Contestation de l'exactitude")
    with pytest.raises(Conflict, match="limitation"), db.write() as session:
        update_contact(session, person.id, ContactDraft(last_name="Autre"), today=TODAY)
    with pytest.raises(Conflict), db.write() as session:
        record_consent(
            session,
            contact_id=person.id,
            channel=Channel.EMAIL,
            status=ConsentStatus.GRANTED,
            occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
    with db.write() as session:
        restriction.lift(session, person.id)
    with db.write() as session:
        update_contact(session, person.id, ContactDraft(last_name="Autre"), today=TODAY)


def test_objection_is_per_channel_and_immediate(db: Database) -> None:
    from app.core.contacts.consents import contactable_query

    with db.write() as session:
        person = donor(session)
        record_consent(
            session,
            contact_id=person.id,
            channel=Channel.POST,
            status=ConsentStatus.OBJECTED,
            occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        )
    with db.read() as session:
        assert person.id not in set(session.scalars(contactable_query(Channel.POST)))


def test_retention_lists_then_anonymises_and_cancel_changes_nothing(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        old, recent = donor(session, "Ancien"), donor(session, "Recent")
        gift(session, old, date(2021, 1, 5), 1000)
        gift(session, recent, date(2025, 6, 1), 1000)
        old.updated_at = recent.updated_at = datetime(2021, 1, 5, tzinfo=UTC)
    with db.read() as session:
        found = retention.candidates(session, on=date(2026, 3, 15))
    assert [c.contact_id for c in found] == [old.id]
    token = CancelToken()
    token.cancel()
    with pytest.raises(OperationCancelled), db.write() as session:
        retention.apply(session, clock=clock, cancel=token)
    with db.read() as session:
        assert session.get(Contact, old.id).status == ContactStatus.ACTIVE  # type: ignore[union-attr]
    with db.write() as session:
        assert retention.apply(session, clock=clock) == 1
    with db.read() as session:
        assert session.get(Contact, old.id).status == ContactStatus.ANONYMISED  # type: ignore[union-attr]
        assert session.scalar(select(Receipt.id)) is None


def test_erasure_reaches_merged_duplicates_and_the_copies_kept_for_undo(
    db: Database, tmp_path: Path
) -> None:
    from app.core.dedupe.merge import merge, undo
    from app.core.importing.commit import commit, undo_import
    from app.core.importing.service import prepare
    from app.models import ImportBatch, MergeRecord

    with db.write() as session:
        kept = donor(session, "Dupont")
        duplicate = donor(session, "Dupond")
        duplicate.first_name, duplicate.birth_name = "Hélèna", "Vasseur"
        session.flush()
        record = merge(session, kept.id, [duplicate.id])
    source = tmp_path / "maj.csv"
    # Matched by its Obole number: name + postcode alone never folds a row (#20.4).
    source.write_text(
        "N° Obole;Nom;Prénom;Adresse 1;Code postal;Ville;Courriel\n"
        f"{kept.id};Dupont;Hélène;3 rue de l'Église;21000;Dijon;helene.secret@exemple.fr\n",
        encoding="utf-8",
    )
    with db.write() as session:
        plan = prepare(session, source, "contacts", today=TODAY)
        batch_id = commit(session, plan, file_name="maj.csv", sha256="x", today=TODAY).batch_id
    with db.read() as session:
        batch = session.get(ImportBatch, batch_id)
        assert "helene.secret@exemple.fr" in json.dumps(batch.report)  # type: ignore[union-attr]
        assert "Vasseur" in json.dumps(session.get(MergeRecord, record.id).before_state)  # type: ignore[union-attr]
        assert any(
            "1 fiche(s) en double" in item
            for item in anonymise.preview_erasure(session, kept.id).erased
        )
    with db.write() as session:
        anonymise.anonymise(session, kept.id, clock=db.clock)
    with db.read() as session:
        merged = session.get(Contact, duplicate.id)
        assert merged is not None and merged.status == ContactStatus.MERGED
        assert (
            "Dupond" not in merged.last_name and merged.birth_name == "" and merged.first_name == ""
        )
        assert "Vasseur" not in json.dumps(session.get(MergeRecord, record.id).before_state)  # type: ignore[union-attr]
        assert "helene.secret" not in json.dumps(session.get(ImportBatch, batch_id).report)  # type: ignore[union-attr]
        assert is_erased(session, first_name="Hélèna", last_name="Dupond")
    with pytest.raises(Conflict, match="effacées"), db.write() as session:
        undo(session, record.id)
    with db.write() as session:  # the import can still be undone for the rest
        undo_import(session, batch_id)
    with db.read() as session:
        assert session.get(Contact, kept.id).status == ContactStatus.ANONYMISED  # type: ignore[union-attr]


def test_erasure_also_clears_an_undone_merge_that_absorbed_the_contact(db: Database) -> None:
    from app.core.dedupe.merge import merge, undo
    from app.models import MergeRecord

    with db.write() as session:
        survivor, person = donor(session, "Martin"), donor(session, "Secret")
        record = merge(session, survivor.id, [person.id])
    with db.write() as session:
        undo(session, record.id)  # they were two people after all
    with db.write() as session:
        anonymise.anonymise(session, person.id, clock=db.clock)
    with db.read() as session:
        assert "Secret" not in json.dumps(session.get(MergeRecord, record.id).before_state)  # type: ignore[union-attr]
