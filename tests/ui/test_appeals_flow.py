"""Appeals clicked through: create, see exclusions, print letters and labels, edit a template."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from app.core.infrastructure.database import Database
from app.models import Contact, Gift, PostalAddress
from app.models.enums import PaymentMethod
from app.ui.shell.main_window import MainWindow
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
    # the membership reminder's letter and e-mail: the same template, with its own fields
    dialog.kind.setCurrentIndex(dialog.kind.findData("membership"))
    qtbot.waitUntil(lambda: "31/12/2026" in dialog.preview.text())
    assert "Individuelle" in dialog.preview.text() and "25,00" in dialog.preview.text()
    if os.environ.get("OBOLE_SCREENSHOT_DIR"):
        dialog.grab().save(
            str(Path(os.environ["OBOLE_SCREENSHOT_DIR"]) / "membership-template.png")
        )


def test_membership_reminders_from_the_members_tab(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """The members tab's "Relancer…" runs the same operation as `obole member reminders`."""
    from app.core.memberships.service import MembershipDraft
    from app.models import Solicitation
    from app.models.enums import MembershipKind, MembershipPeriod
    from app.operations import memberships as member_ops
    from app.operations.base import OperationContext

    _people(db)  # Blanc's address is NPAI
    ctx = OperationContext(db)
    rolling = member_ops.add_type(
        ctx,
        name="Individuelle",
        kind=MembershipKind.INDIVIDUAL,
        fee_cents=2500,
        period=MembershipPeriod.ROLLING_12_MONTHS,
    ).result.type_id
    for contact_id in (1, 2):  # ends on 31/03/2026: "à renouveler" on 15/03/2026
        member_ops.join(
            ctx, MembershipDraft(contact_id, rolling, date(2025, 4, 1), PaymentMethod.CASH)
        )
    letters = tmp_path / "relances.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(letters), ""))
    page = main_window.show_section("regular")
    _idle(qtbot, main_window)
    qtbot.mouseClick(page.remind_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible())  # type: ignore[attr-defined]
    by_post = next(b for b in page.dialog.buttons() if b.text() == "Par courrier…")  # type: ignore[attr-defined]
    qtbot.mouseClick(by_post, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.members_summary.text().startswith("2 adhérent(s). 1 lettre"))  # type: ignore[attr-defined]
    _idle(qtbot, main_window)
    assert page.members_summary.text() == (  # type: ignore[attr-defined]
        f"2 adhérent(s). 1 lettre(s) de relance écrite(s) dans {letters}. "
        "1 adhérent(s) non relancé(s)."
    )
    assert letters.stat().st_size > 0
    with db.read() as session:
        assert session.scalars(select(Solicitation.kind)).all() == ["reminder"]
    if os.environ.get("OBOLE_SCREENSHOT_DIR"):
        page.grab().save(str(Path(os.environ["OBOLE_SCREENSHOT_DIR"]) / "members-reminders.png"))


def test_the_appeals_list_names_targets_in_words(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    """A segment target reads "segment Grands donateurs", never the key "big"."""
    from app.core.appeals.sending import AppealDraft
    from app.models.enums import Channel
    from app.operations import appeals as appeal_ops
    from app.operations.base import OperationContext

    draft = AppealDraft("Grands donateurs 2026", Channel.POST, target_kind="segment", target="big")
    appeal_ops.create(OperationContext(db), draft)
    page = main_window.show_section("appeals")
    _idle(qtbot, main_window)
    qtbot.waitUntil(lambda: page.table.rowCount() == 1)  # type: ignore[attr-defined]
    texts = [page.table.item(0, c).text() for c in range(page.table.columnCount())]  # type: ignore[attr-defined]
    assert "segment Grands donateurs" in texts and "big" not in texts
