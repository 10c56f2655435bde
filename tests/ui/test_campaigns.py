"""Campaigns: a screen to create, rename, date, cost, close and reopen them; a gift import
that names unknown campaigns offers to create them instead of rejecting the gifts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.core.infrastructure.database import Database
from app.models import Campaign, Contact, Gift
from app.models.enums import PaymentMethod
from app.operations.base import Change
from app.ui.gifts.campaigns import CampaignsPage
from app.ui.importing.wizard import ImportWizard
from app.ui.shell.main_window import MainWindow
from tests.ui.typing import type_text


def _campaign(db: Database, code: str) -> Campaign:
    with db.read() as session:
        return session.scalars(select(Campaign).where(Campaign.code == code)).one()


def test_create_rename_cost_close_and_reopen(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("campaigns")
    assert isinstance(page, CampaignsPage)
    dialog = page.new_campaign()
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.code, "NOEL2026")
    type_text(qtbot, dialog.name, "Appel de Noël")
    type_text(qtbot, dialog.starts_on, "01/12/2026")
    type_text(qtbot, dialog.ends_on, "30/11/2026")
    type_text(qtbot, dialog.cost, "350,00")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.errors.visible()), timeout=10_000)
    assert "finit avant de commencer" in dialog.errors.visible()["ends_on"]
    type_text(qtbot, dialog.ends_on, "31/12/2026")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1, timeout=10_000)
    created = _campaign(db, "NOEL2026")
    assert (created.cost_cents, created.starts_on) == (35000, date(2026, 12, 1))
    with db.write() as session:
        contact = Contact(last_name="Moreau", sort_name="moreau")
        session.add(contact)
        session.flush()
        session.add(
            Gift(
                contact_id=contact.id,
                received_on=date(2026, 12, 5),
                amount_cents=5000,
                payment_method=PaymentMethod.CASH,
                campaign_id=created.id,
            )
        )
    main_window.events.notify({Change.GIFTS})
    qtbot.waitUntil(lambda: page.table.item(0, 5).text() == "1", timeout=10_000)
    assert "50,00" in page.table.item(0, 6).text()

    page.table.selectRow(0)
    edit = page.edit_selected()
    assert edit is not None
    qtbot.addWidget(edit)
    type_text(qtbot, edit.name, "Noël 2026 : courrier")
    qtbot.mouseClick(edit.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.item(0, 1).text() == "Noël 2026 : courrier", timeout=10_000)

    page.table.selectRow(0)
    qtbot.mouseClick(page.close_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.item(0, 7).text() == "close", timeout=10_000)
    assert not _campaign(db, "NOEL2026").active
    page.table.selectRow(0)
    assert page.reopen_button.isEnabled() and not page.close_button.isEnabled()
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.table.item(0, 7).text() == "ouverte", timeout=10_000)


def test_a_gift_import_offers_to_create_unknown_campaigns(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        contact = Contact(last_name="Moreau", sort_name="moreau")
        session.add(contact)
    path = tmp_path / "dons.csv"
    path.write_text(
        "N° donateur;Date du don;Montant;Mode de paiement;Campagne\n"
        f"{contact.id};01/03/2026;50,00;Espèces;Printemps 2026\n",
        encoding="utf-8",
    )
    wizard = ImportWizard(main_window.ctx, "gifts", main_window)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.plan is not None, timeout=10_000)
    preview = wizard.preview_page
    assert "1 rejetées" in preview.summary.text()
    assert preview.create_campaigns_button.isVisible()
    assert "Printemps 2026" in preview.create_campaigns_button.text()
    qtbot.mouseClick(preview.create_campaigns_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "1 nouvelles" in preview.summary.text(), timeout=10_000)
    assert not preview.create_campaigns_button.isVisible()
    assert _campaign(db, "Printemps 2026").name == "Printemps 2026"
