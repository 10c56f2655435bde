"""The receipts screen: preview, issue in the background, cancel and replace, open from a gift."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from sqlalchemy import select

from app.core.infrastructure.database import Database
from app.models import Gift, Receipt
from app.models.enums import ReceiptStatus
from app.ui.receipts.page import ReceiptsPage
from app.ui.shell.main_window import MainWindow
from tests.unit.receipts_helpers import donor, gift, ready_association


def _page(main_window: MainWindow) -> ReceiptsPage:
    page = main_window.show_section("receipts")
    assert isinstance(page, ReceiptsPage)
    return page


def test_preview_then_issue_then_replace(
    main_window: MainWindow, qtbot, db: Database, shown
) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        ready_association(session)
        gift(session, donor(session, "Alpha"), date(2025, 5, 1), 5000)
        gift(session, donor(session, "Sansadresse", address=False), date(2025, 5, 1), 7000)
    page = _page(main_window)
    page.year.setValue(2025)
    qtbot.mouseClick(page.prepare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.plan is not None, timeout=10_000)
    assert "1 reçus à émettre" in page.summary.text()
    assert page.problems.rowCount() == 1 and "adresse" in page.problems.item(0, 1).text()
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    assert "2025-00001" in page.summary.text()
    receipt_id = page.model.id_at(0)
    page.cancel_or_replace(receipt_id, "Adresse corrigée", replace=True)  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: page.model.rowCount() == 2, timeout=10_000)
    with db.read() as session:
        statuses = dict(session.execute(select(Receipt.number, Receipt.status)).all())
    assert statuses == {"2025-00001": ReceiptStatus.CANCELLED, "2025-00002": ReceiptStatus.ISSUED}
    assert "2025-00002" in page.summary.text()
    page.show_declaration()
    qtbot.waitUntil(lambda: bool(shown.messages), timeout=10_000)
    assert "1 reçus valables" in shown.texts()[0]


def test_a_gift_form_opens_its_receipt(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        ready_association(session)
        gift(session, donor(session, "Alpha"), date(2025, 5, 1), 5000)
    page = _page(main_window)
    page.year.setValue(2025)
    page.prepare()
    qtbot.waitUntil(lambda: page.plan is not None, timeout=10_000)
    page.issue_planned()
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=10_000)
    with db.read() as session:
        receipt_id = session.scalar(select(Gift.receipt_id))
    main_window.navigate("gifts")
    main_window.navigate("receipts", receipt_id=receipt_id)
    assert main_window.current_page() is page
    qtbot.waitUntil(lambda: page.selected_id() == receipt_id, timeout=10_000)
    assert "2025-00001" in page.summary.text()


def test_settings_pick_logo_and_signature_and_smtp_dialog(
    main_window: MainWindow, qtbot, db: Database, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    from app.models import OrganisationSettings
    from app.ui.receipts.smtp import SmtpDialog

    image = tmp_path / "logo.png"
    Image.new("RGB", (120, 60), (37, 84, 140)).save(image)
    page = main_window.show_section("settings")
    status = page.images_status  # type: ignore[attr-defined]

    def choose(kind: str, path: Path) -> str:
        status.setText("")
        page.choose_image(kind, str(path))  # type: ignore[attr-defined]
        qtbot.waitUntil(lambda: bool(status.text()))
        return str(status.text())

    assert choose("logo", image) == "Image enregistrée : logo.png"
    bad = tmp_path / "notes.txt"
    bad.write_text("pas une image")
    assert "PNG ou JPEG" in choose("signature", bad)
    truncated = tmp_path / "signature.png"
    truncated.write_bytes(image.read_bytes()[:60])  # a download cut short
    assert "abîmé ou incomplet" in choose("signature", truncated)
    assert "Fichier introuvable" in choose("signature", tmp_path / "absent.png")
    with db.read() as session:
        settings = session.get(OrganisationSettings, 1)
        assert settings is not None and settings.logo_image and not settings.signature_image
    dialog = SmtpDialog(main_window.ctx, main_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    dialog.host.setText("127.0.0.1")
    dialog.port.setValue(9)
    dialog.security.setCurrentText("none")
    dialog.sender_edit.setText("tresorier@asso.fr")
    dialog.test()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10_000)
    assert "127.0.0.1" in dialog.status.text() and dialog.test_button.isEnabled()
    dialog.save()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted)
    from app.core.receipts.mailing import load_settings

    with db.read() as session:
        assert load_settings(session).host == "127.0.0.1"


def test_smtp_settings_refused_stay_typed(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    """A wrong sender is said beside the buttons; the dialog stays open with what was typed."""
    from app.ui.receipts.smtp import SmtpDialog

    dialog = SmtpDialog(main_window.ctx, main_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    dialog.host.setText("smtp.exemple.fr")
    dialog.sender_edit.setText("pas-une-adresse")
    dialog.save()
    qtbot.waitUntil(lambda: not dialog.busy)
    assert dialog.status.text() and dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.host.text() == "smtp.exemple.fr" and dialog.save_button.isEnabled()


def test_save_the_batch_as_pdfs_and_as_one_print_file(
    main_window: MainWindow, qtbot, db: Database, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    with db.write() as session:
        ready_association(session)
        for name in ("Alpha", "Bravo", "Charlie"):
            gift(session, donor(session, name), date(2025, 5, 1), 5000)
    page = _page(main_window)
    page.year.setValue(2025)
    page.prepare()
    qtbot.waitUntil(lambda: page.plan is not None, timeout=10_000)
    page.issue_planned()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=10_000)
    page.save_issued_pdfs(str(tmp_path / "pdfs"))
    qtbot.waitUntil(lambda: "PDF enregistrés" in page.summary.text(), timeout=10_000)
    assert sorted(p.name for p in (tmp_path / "pdfs").iterdir()) == [
        "recu-2025-00001.pdf",
        "recu-2025-00002.pdf",
        "recu-2025-00003.pdf",
    ]
    page.merged_pdf(str(tmp_path / "print.pdf"))
    qtbot.waitUntil(lambda: "prêts à imprimer" in page.summary.text(), timeout=10_000)
    assert len(PdfReader(str(tmp_path / "print.pdf")).pages) == 3


def test_a_large_batch_renders_in_worker_processes_from_the_screen(
    main_window: MainWindow, qtbot, db: Database, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from app.core.receipts import lifecycle
    from app.reports import receipt_batch

    monkeypatch.setattr(receipt_batch, "PARALLEL_FROM", 2)  # as if it were a year-end batch
    monkeypatch.setattr(receipt_batch, "usable_cores", lambda: 2)
    with db.write() as session:
        ready_association(session)
        for index in range(5):
            gift(session, donor(session, f"Donateur{index}"), date(2025, 5, 1), 5000 + index)
    page = _page(main_window)
    page.year.setValue(2025)
    page.prepare()
    qtbot.waitUntil(lambda: page.plan is not None, timeout=10_000)
    page.issue_planned()  # runs in the task thread, which starts the worker processes
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=30_000)
    with db.read() as session:
        assert all(
            lifecycle.verify(session, receipt) == lifecycle.Reproduction.IDENTICAL
            for receipt in session.scalars(select(Receipt))
        )


def test_per_gift_receipts_for_the_donors_who_asked(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        ready_association(session)
        firm = donor(session, "Forge", company=True)
        firm.receipt_mode = "per_gift"
        for contact in (firm, donor(session, "Alpha")):
            gift(session, contact, date(2025, 3, 1), 5000)
            gift(session, contact, date(2025, 4, 1), 6000)
    page = _page(main_window)
    page.year.setValue(2025)
    page.mode.setCurrentIndex(2)
    assert "qui l'ont demandé" in page.mode.currentText()
    page.prepare()
    qtbot.waitUntil(lambda: page.plan is not None, timeout=10_000)
    assert [r.donor_name for r in page.plan.receipts] == ["Forge SARL", "Forge SARL"]
    assert page.problems.rowCount() == 0  # Alpha simply waits for the annual receipt


def test_the_screen_issues_what_the_database_holds_at_the_click(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    """A gift recorded after the preview is issued too (the plan is made again inside the
    issuing transaction, as the CLI always did)."""
    with db.write() as session:
        ready_association(session)
        gift(session, donor(session, "Alpha"), date(2025, 5, 1), 5000)
    page = _page(main_window)
    page.year.setValue(2025)
    page.prepare()
    qtbot.waitUntil(lambda: page.plan is not None, timeout=10_000)
    assert "1 reçus à émettre" in page.summary.text()
    with db.write() as session:
        gift(session, donor(session, "Beta"), date(2025, 6, 1), 7000)
    page.issue_planned()
    qtbot.waitUntil(lambda: "reçus émis" in page.summary.text(), timeout=10_000)
    assert "2 reçus émis" in page.summary.text()
    assert list(db.backup_dir.glob("*receipts*"))  # type: ignore[union-attr]
