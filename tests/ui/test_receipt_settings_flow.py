"""Receipt settings in the Settings page, and the receipts screen saying why annual receipts
wait for the end of the year (issue #15, points 2, 3, 4, 11)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from app.core.infrastructure.database import Database
from app.core.receipts.settings import load_receipt_settings
from app.models import OrganisationSettings
from app.ui.receipts.page import ReceiptsPage
from app.ui.settings.page import SettingsPage
from app.ui.shell.main_window import MainWindow
from tests.unit.receipts_helpers import donor, gift, ready_association


def test_settings_choose_rup_with_its_dates_ifi_and_75_percent(
    main_window: MainWindow, qtbot, db: Database, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        ready_association(session)
    page = main_window.show_section("settings")
    assert isinstance(page, SettingsPage)
    qtbot.waitUntil(lambda: page.loaded)
    category = page.editors["receipt_category"]
    category.setCurrentIndex(category.findData("rup"))  # type: ignore[union-attr]
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert page.errors["rup_decree_on"].isVisible() and page.errors["rup_jo_on"].isVisible()
    page.editors["rup_decree_on"].setText("12/03/1990")  # type: ignore[union-attr]
    page.editors["rup_jo_on"].setText("20/03/1990")  # type: ignore[union-attr]
    for name in ("ifi_eligible", "applies_75_percent"):
        page.checks[name].click()
    assert not page.checks["membership_fees"].isChecked()  # off by default
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.status.text() == "Paramètres enregistrés.")
    assert not any(label.isVisible() for label in page.errors.values())
    with db.read() as session:
        stored = load_receipt_settings(session)
        row = session.get(OrganisationSettings, 1)
        assert row is not None and row.receipt_category == "rup"
    assert stored.ifi_eligible and stored.applies_75_percent and not stored.hand_signature
    assert stored.rup_decree_on == "12/03/1990" and stored.rup_jo_on == "20/03/1990"
    page.resize(900, 1400)
    page.grab().save(str(tmp_path / "settings.png"))


def test_annual_receipts_during_the_year_say_why(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        ready_association(session)
        gift(session, donor(session), date(2026, 2, 1), 5000)
    page = main_window.show_section("receipts")
    assert isinstance(page, ReceiptsPage)
    page.year.setValue(2026)  # the clock says 15/03/2026
    qtbot.mouseClick(page.prepare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.plan is not None, timeout=10_000)
    assert "l'année n'est pas terminée" in page.summary.text()
    assert not page.issue_button.isEnabled()
