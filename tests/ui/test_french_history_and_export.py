"""What members of the public and volunteers read: the contact's History tab and the access
export PDF in French (words, euros, French dates, national phone numbers), never raw values."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from pypdf import PdfReader

from app.core.contacts.consents import record_consent
from app.core.contacts.editing import AddressDraft, ContactDraft, create_contact
from app.core.gdpr import register
from app.core.gdpr.subject_export import write_export
from app.core.gifts.recording import GiftDraft, create_gift, update_gift
from app.core.infrastructure.database import Database
from app.models.enums import Channel, ConsentStatus
from app.reports.subject_pdf import long_date, render_subject_pdf
from app.ui.contacts.dialog import ContactDialog
from app.ui.shell.main_window import MainWindow
from tests.unit.receipts_helpers import ready_association

RAW = re.compile(
    r"withdrawn|granted|amount_cents|centimes|first_name|kind :|restricted|\+33|"
    r"\d{4}-\d{2}-\d{2}|Création \(|\(consent\)|\(gift\)"
)


def _person_with_history(db: Database) -> int:
    with db.write() as session:
        ready_association(session)
        register.ensure_default_register(session)
        contact = create_contact(
            session,
            ContactDraft(
                first_name="Anne",
                last_name="Moreau",
                emails=["anne@exemple.fr"],
                phones=["03 80 11 22 33"],
                address=AddressDraft(line4="1 rue Haute", postcode="21000", city="Dijon"),
            ),
            today=date(2026, 3, 1),
        )
        draft = GiftDraft(
            contact_id=contact.id,
            received_on=date(2026, 3, 1),
            amount_cents=2000,
            cheque_number="12",
        )
        gift = create_gift(session, draft, today=date(2026, 3, 2))
        update_gift(session, gift.id, replace(draft, amount_cents=2500), today=date(2026, 3, 2))
        for status, day in ((ConsentStatus.GRANTED, 1), (ConsentStatus.WITHDRAWN, 5)):
            record_consent(
                session,
                contact_id=contact.id,
                channel=Channel.EMAIL,
                status=status,
                occurred_at=datetime(2026, 3, day, 9, tzinfo=UTC),
                source="bulletin",
            )
        return contact.id


def test_history_tab_speaks_french(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    contact_id = _person_with_history(db)
    dialog = ContactDialog(main_window.ctx, contact_id=contact_id, parent=main_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    table = dialog.history_table
    cells = [
        table.item(r, c).text() if table.item(r, c) else ""
        for r in range(table.rowCount())
        for c in range(table.columnCount())
    ]
    text = " | ".join(cells).replace("\u202f", " ").replace("\xa0", " ")
    assert RAW.search(text) is None, RAW.search(text)
    for expected in (
        "Don modifié",
        "20,00 €",
        "25,00 €",
        "03 80 11 22 33",
        "Consentement retiré (courriel)",
        "le 05/03/2026",
        "Fiche créée",
    ):
        assert expected in text


def test_access_export_pdf_is_a_french_letter(db: Database, tmp_path: Path) -> None:
    contact_id = _person_with_history(db)
    with db.write() as session:
        path = write_export(session, contact_id, tmp_path, render_pdf=render_subject_pdf)
    with zipfile.ZipFile(path) as archive:
        reader = PdfReader(io.BytesIO(archive.read("donnees.pdf")))
    text = (
        " ".join(p.extract_text() for p in reader.pages).replace("\u202f", " ").replace("\xa0", " ")
    )
    text = " ".join(text.split())
    assert RAW.search(text) is None, RAW.search(text)
    for expected in (
        "Vos données personnelles",
        f"Le {long_date(date.today().isoformat())}",
        "Votre identité",
        "Prénom Anne",
        "Vos dons",
        "Date Montant Mode de paiement",
        "01/03/2026 25,00 € chèque 12",
        "Vos consentements et oppositions",
        "courriel retrait bulletin",
        "Don modifié — Montant : 20,00 € → 25,00 €",
        "Vos droits",
        "CNIL",
    ):
        assert expected in text, expected
