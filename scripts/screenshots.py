"""Render Obole's windows offscreen over a demo database and save them as PNG in docs/.

Usage: QT_QPA_PLATFORM=offscreen python scripts/screenshots.py
Each section's page is shown in the main window and grabbed; `PREPARE` puts some pages in
a telling state first (here, not in the pages: production code has no screenshot hooks).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OBOLE_LANG", "fr")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.demo import generate_demo  # noqa: E402
from app.core.opening import open_database  # noqa: E402
from app.paths import app_paths  # noqa: E402

DOCS = ROOT / "docs"
GUIDE = Path(__file__).resolve().parents[1] / "resources" / "guide"
SIZE = (1280, 720)  # a 1366x768 laptop minus the task bar: every screen must fit


def _contacts_searching(page: Any) -> None:
    """Show a search in progress."""
    page.search.setText("dupont")
    page.apply_filters()


def _duplicate_groups(page: Any) -> None:
    """Scan the demo database as the button does (names in the list, not numbers)."""
    page.start_scan()


def _receipts_preview(page: Any) -> None:
    """The year's preview (what is left to issue, and why) over its issued receipts."""
    page.prepare()


OTHER_TABS = {"regular": ((1, "screen-regular-sepa.png"),)}  # tabs grabbed as well
PREPARE: dict[str, Callable[[Any], None]] = {
    "contacts": _contacts_searching,
    "duplicates": _duplicate_groups,
    "receipts": _receipts_preview,
}


def main() -> None:
    """Build a demo database, then save one PNG per section."""
    home = Path(tempfile.mkdtemp(prefix="obole-shots-"))
    os.environ["OBOLE_HOME"] = str(home)
    from PySide6.QtWidgets import QApplication

    from app.ui.shell.application import make_application
    from app.ui.shell.main_window import MainWindow

    app = make_application()
    _first_start(home)
    database = open_database(str(home / "demo.sqlite3"), user="claire")
    with database.write() as session:
        generate_demo(session, contacts=3000, seed=1, today=date(2026, 11, 20))
    _issue_2025(database)
    _appeals_and_thanks(database, home)
    window = MainWindow(database, app_paths().ensure())
    window.resize(*SIZE)
    window.show()
    DOCS.mkdir(exist_ok=True)
    for key in window.section_keys():
        page = window.show_section(key)
        prepare = PREPARE.get(key)
        if prepare is not None:
            prepare(page)
        for _ in range(20):
            QApplication.processEvents()
        window.tasks.wait()
        for _ in range(20):
            QApplication.processEvents()
        window.resize(*SIZE)
        window.grab().save(str(DOCS / f"screen-{key}.png"))
        print(DOCS / f"screen-{key}.png")
        for index, name in OTHER_TABS.get(key, ()):
            page.tabs.setCurrentIndex(index)
            _settle()
            window.tasks.wait()
            _settle()
            window.grab().save(str(DOCS / name))
            print(DOCS / name)
    _dialogs(window, home)
    window.close()
    app.quit()


def _first_start(home: Path) -> None:
    """The empty database of a first start: the contacts page says what to do first."""
    from app.ui.shell.main_window import MainWindow

    database = open_database(str(home / "empty.sqlite3"), user="claire")
    window = MainWindow(database, app_paths().ensure())
    window.resize(*SIZE)
    window.show()
    window.show_section("contacts")
    _settle()
    window.tasks.wait()
    _settle()
    GUIDE.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(GUIDE / "premier-demarrage.png"))
    print(GUIDE / "premier-demarrage.png")
    window.close()
    database.dispose()


def _issue_2025(database) -> None:  # type: ignore[no-untyped-def]
    """Last year's receipts are issued; the screen then previews this year's."""
    import app.operations  # noqa: F401  (hands the receipt renderer to the core)
    from app.core.receipts.eligibility import plan_receipts
    from app.core.receipts.issuing import issue
    from app.models.enums import ReceiptMode

    with database.write() as session:
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
        issue(session, plan, clock=database.clock)


def _appeals_and_thanks(database, home: Path) -> None:  # type: ignore[no-untyped-def]
    """Two appeals sent this year and most of this year's gifts thanked, so that the
    dashboard shows the last appeals' results and the time taken to thank."""
    from datetime import timedelta

    from sqlalchemy import bindparam, select

    from app.core.appeals.sending import AppealDraft
    from app.models import Gift
    from app.models.enums import Channel
    from app.operations import appeals as appeal_ops
    from app.operations.base import OperationContext

    ctx = OperationContext(database)
    for name, segment, on, cost in (
        ("Appel de printemps", "loyal", date(2026, 4, 2), 42_000),
        ("Appel d'automne", "big", date(2026, 9, 15), 18_000),
    ):
        draft = AppealDraft(
            name=name,
            channel=Channel.POST,
            target_kind="segment",
            target=segment,
            send_on=on,
            cost_cents=cost,
        )
        appeal_id = appeal_ops.create(ctx, draft).result.appeal_id
        appeal_ops.print_letters(ctx, appeal_id, home / f"appel-{appeal_id}.pdf")
    table = Gift.__table__
    with database.write() as session:  # staged data: set directly, not journaled
        rows = session.execute(
            select(Gift.id, Gift.received_on).where(
                Gift.received_on.between(date(2026, 1, 1), date(2026, 10, 31))
            )
        ).all()
        session.execute(
            table.update()
            .where(table.c.id == bindparam("gift"))
            .values(thanked_on=bindparam("on")),
            [{"gift": i, "on": received + timedelta(days=4 + i % 17)} for i, received in rows],
        )


def _settle_until(done: Callable[[], bool], timeout_ms: int = 3000) -> None:
    """Process events until `done()` (a debounced search, a background read) or a timeout."""
    from PySide6.QtCore import QDeadlineTimer
    from PySide6.QtWidgets import QApplication

    deadline = QDeadlineTimer(timeout_ms)
    while not done() and not deadline.hasExpired():
        QApplication.processEvents()


def _settle() -> None:
    from PySide6.QtWidgets import QApplication

    for _ in range(20):
        QApplication.processEvents()


def _dialogs(window, home: Path) -> None:  # type: ignore[no-untyped-def]
    """The contact form of a company asking for a receipt per gift, and the imports list."""
    from sqlalchemy import select

    from app.core.importing.commit import commit, file_sha256
    from app.core.importing.service import prepare
    from app.models import Contact
    from app.ui.contacts.dialog import ContactDialog
    from app.ui.importing.history import ImportsDialog

    database = window.ctx.database
    with database.read() as session:
        company = session.scalars(
            select(Contact.id).where(Contact.receipt_mode == "per_gift").order_by(Contact.id)
        ).first()
    form = ContactDialog(window.ctx, contact_id=company, parent=window)
    form.show()
    _settle()
    window.tasks.wait()  # the contact is read in the background
    _settle_until(lambda: "(" in form.similar.title.text())  # its similar contacts too
    window.tasks.wait()
    _settle()
    form.grab().save(str(DOCS / "contact-form.png"))
    print(DOCS / "contact-form.png")
    form.tabs.setCurrentIndex(form.tabs.count() - 1)  # the history, in words
    _settle()
    form.grab().save(str(DOCS / "contact-history.png"))
    print(DOCS / "contact-history.png")
    form.close()
    _guide_dialogs(window)
    source = home / "adherents-2024.csv"
    source.write_text(
        "Civilité;Nom;Prénom;Adresse 1;Code postal;Ville;Courriel;Reçus fiscaux\n"
        + "".join(
            f"Mme;Marchand{i};Anne;{i + 1} rue des Tanneurs;21000;Dijon;anne{i}@exemple.fr;\n"
            for i in range(36)
        )
        + "M.;;Paul;;;;paul@;par mois\n",
        encoding="cp1252",
    )
    with database.write() as session:
        plan = prepare(session, source, "contacts", today=date(2026, 11, 20))
        commit(
            session,
            plan,
            file_name=source.name,
            sha256=file_sha256(source),
            today=date(2026, 11, 20),
        )
    imports = ImportsDialog(window.ctx, window)
    imports.show()
    _settle()
    imports.grab().save(str(DOCS / "imports-dialog.png"))
    print(DOCS / "imports-dialog.png")
    imports.close()


def _guide_dialogs(window) -> None:  # type: ignore[no-untyped-def]
    """The gift form, the deposit slip and the campaign form, for the guide."""
    from app.ui.gifts.deposit_slip import DepositSlipDialog
    from app.ui.gifts.dialog import GiftDialog

    for name, dialog in (
        ("don", GiftDialog(window.ctx, parent=window)),
        ("remise", DepositSlipDialog(window.ctx, window)),
        ("guide", window.show_guide(modal=False)),
    ):
        dialog.show()
        _settle()
        dialog.grab().save(str(GUIDE / f"{name}.png"))
        print(GUIDE / f"{name}.png")
        dialog.close()


if __name__ == "__main__":
    main()
