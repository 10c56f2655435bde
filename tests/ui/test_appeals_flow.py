"""Appeals clicked through: create, see exclusions, print letters and labels, edit a template."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.core.infrastructure.database import Database
from app.models import Contact, Gift, PostalAddress
from app.models.enums import PaymentMethod
from app.ui.main_window import MainWindow
from tests.ui.typing import type_text


def _people(db: Database) -> None:
    with db.write() as session:
        for name, npai in (("Aubert", False), ("Blanc", True), ("Colin", False)):
            contact = Contact(
                first_name="Anne", last_name=name, civility="Mme", sort_name=name.lower()
            )
            contact.addresses.append(
                PostalAddress(
                    is_primary=True, line4="1 rue Haute", postcode="69001", city="Lyon", npai=npai
                )
            )
            session.add(contact)
            session.flush()
            session.add(
                Gift(
                    contact_id=contact.id,
                    received_on=date(2025, 12, 1),
                    amount_cents=4000,
                    payment_method=PaymentMethod.TRANSFER,
                )
            )


def _idle(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not window.tasks._tasks)  # noqa: SLF001


def test_appeal_from_creation_to_letters_labels_and_results(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    _people(db)
    page = main_window.show_section("appeals")
    _idle(qtbot, main_window)
    page.new_appeal()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())  # type: ignore[attr-defined]
    dialog = page.dialog  # type: ignore[attr-defined]
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: "name" in dialog.errors.visible())  # a name is required
    type_text(qtbot, dialog.name, "Appel de printemps")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)  # Enter does not save by surprise
    assert dialog.isVisible()
    type_text(qtbot, dialog.cost, "150,00")
    qtbot.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)  # type: ignore[attr-defined]
    page.table.selectRow(0)  # type: ignore[attr-defined]
    qtbot.mouseClick(page.prepare_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "destinataire" in page.summary.text())  # type: ignore[attr-defined]
    assert "2 destinataire(s)" in page.summary.text() and "NPAI : 1" in page.summary.text()  # type: ignore[attr-defined]
    letters, labels = tmp_path / "lettres.pdf", tmp_path / "etiquettes.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(letters), ""))
    qtbot.mouseClick(page.letters_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(letters.exists)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(labels), ""))
    qtbot.mouseClick(page.labels_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(labels.exists)
    qtbot.waitUntil(
        lambda: page.table.item(0, 4) is not None and page.table.item(0, 4).text() == "oui"
    )  # type: ignore[attr-defined]
    page.table.selectRow(0)  # type: ignore[attr-defined]
    qtbot.mouseClick(page.results_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "sollicités" in page.summary.text())  # type: ignore[attr-defined]
    assert "2 sollicités" in page.summary.text()  # type: ignore[attr-defined]
    _idle(qtbot, main_window)
    main_window.resize(1280, 720)
    if os.environ.get("OBOLE_SCREENSHOT_DIR"):
        page.grab().save(str(Path(os.environ["OBOLE_SCREENSHOT_DIR"]) / "appeals.png"))


def test_template_editor_previews_and_names_a_wrong_field(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("appeals")
    dialog = page.edit_templates()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "Dupont" in dialog.preview.text())
    dialog.body.setPlainText("{formule}\nUn don de {montant_demande} ?")
    assert "Chère Madame Dupont" in dialog.preview.text() and "60,00" in dialog.preview.text()
    dialog.body.setPlainText("Bonjour {prenon}")
    assert "{prenon}" in dialog.problem.text()
