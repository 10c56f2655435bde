"""Dashboard page: figures in the background, charts, clickable quality metrics."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.core.appeals.sending import AppealDraft
from app.core.infrastructure.database import Database
from app.models import Contact, ContactEmail, Gift, PostalAddress
from app.models.enums import Channel, PaymentMethod
from app.operations import appeals as appeal_ops
from app.operations.base import Change, OperationContext
from app.ui.dashboard.page import DashboardPage
from app.ui.shell.main_window import MainWindow


def test_dashboard_shows_figures_and_quality_links(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        contact = Contact(last_name="Moreau", first_name="Anne")
        contact.emails.append(ContactEmail(email="invalide"))
        contact.addresses.append(PostalAddress(line4="1 rue Haute", postcode="21000", city="Dijon"))
        session.add(contact)
        session.flush()
        session.add(
            Gift(
                contact_id=contact.id,
                received_on=date(2026, 2, 1),
                amount_cents=5000,
                payment_method=PaymentMethod.CHEQUE,
            )
        )
    page = main_window.show_section("dashboard")
    assert isinstance(page, DashboardPage)
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)
    assert page.figures.current.amount_cents == 5000  # type: ignore[union-attr]
    assert "50,00" in page.kpis.text() and page.months_chart.chart() is not None
    page.compute_quality(with_duplicates=False)
    qtbot.waitUntil(lambda: bool(page.metrics), timeout=10_000)
    row = next(i for i, m in enumerate(page.metrics) if m.key == "invalid_email")
    opened: list[dict[str, object]] = []
    main_window.ctx.navigate = lambda key, **kw: opened.append({"key": key, **kw})
    dialog = page.show_metric(row)
    assert dialog is not None
    from PySide6.QtWidgets import QPushButton

    dialog.findChild(QPushButton).click()
    assert opened == [
        {
            "key": "contacts",
            "contact_ids": [contact.id],
            "origin": "le tableau de bord (Courriels invalides)",
        }
    ]


def test_contacts_page_shows_a_list_of_ids(main_window: MainWindow, db: Database) -> None:
    with db.write() as session:
        ids = []
        for name in ("A", "B", "C"):
            c = Contact(last_name=name, sort_name=name.lower(), search_text=name.lower())
            session.add(c)
            session.flush()
            ids.append(c.id)
    main_window.navigate("contacts", contact_ids=ids[:2])
    page = main_window.pages["contacts"]
    assert page.model.rowCount() == 2  # type: ignore[attr-defined]


def test_hidden_dashboard_waits_until_shown_to_recompute(main_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("dashboard")
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)  # type: ignore[attr-defined]
    main_window.show_section("contacts")
    page.figures = None  # type: ignore[attr-defined]
    main_window.events.notify({Change.CONTACTS})
    qtbot.wait(200)
    assert page.figures is None and page._stale  # type: ignore[attr-defined]
    main_window.show_section("dashboard")
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)  # type: ignore[attr-defined]


def test_dashboard_shows_the_time_to_thank_and_the_last_appeals(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """#18.6/7: the average days between a gift and its thanks, and what the appeal brought."""
    with db.write() as session:
        asked = Contact(last_name="Moreau", first_name="Anne", civility="Mme")
        asked.addresses.append(
            PostalAddress(is_primary=True, line4="1 rue Haute", postcode="21000", city="Dijon")
        )
        session.add(asked)
    ctx = OperationContext(db)
    draft = AppealDraft(
        name="Appel d'hiver", channel=Channel.POST, send_on=date(2026, 2, 1), cost_cents=1000
    )
    appeal_id = appeal_ops.create(ctx, draft).result.appeal_id
    assert appeal_ops.print_letters(ctx, appeal_id, tmp_path / "lettres.pdf").result.count == 1
    with db.write() as session:
        for received, thanked, cents in (
            (date(2026, 2, 10), date(2026, 2, 20), 4000),  # 10 days
            (date(2026, 3, 1), date(2026, 3, 5), 1000),  # 4 days: 7 on average
        ):
            session.add(
                Gift(
                    contact_id=asked.id,
                    received_on=received,
                    amount_cents=cents,
                    payment_method=PaymentMethod.CHEQUE,
                    thanked_on=thanked,
                )
            )
    page = main_window.show_section("dashboard")
    assert isinstance(page, DashboardPage)
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)
    assert "en moyenne <b>7 jours</b> après le don" in page.kpis.text()
    table = page.appeals_table
    assert table.isVisibleTo(page) and table.rowCount() == 1
    row = [table.item(0, c).text().replace("\u202f", " ").replace("\xa0", " ") for c in range(7)]
    # asked 1, answered 1 (100 %), 50 € raised, a 10 € cost: 0,20 € per euro raised
    assert row == ["Appel d'hiver", "01/02/2026", "Courrier", "1", "100,0 %", "50,00 €", "0,20 €"]
    assert "Coût pour 1 € collecté" in table.item(0, 0).toolTip()


def test_dashboard_without_appeal_or_thanks_says_so(main_window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("dashboard")
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)  # type: ignore[attr-defined]
    assert "aucun don de l'année n'a encore été remercié" in page.kpis.text()  # type: ignore[attr-defined]
    assert "aucun appel envoyé" in page.appeals_title.text()  # type: ignore[attr-defined]
    assert not page.appeals_table.isVisibleTo(page)  # type: ignore[attr-defined]


def test_dashboard_failure_is_said_in_place_and_explained(
    main_window: MainWindow, qtbot, shown, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A storage failure while computing: the figures say so and the one dialog explains it."""
    import sqlite3

    from sqlalchemy.exc import OperationalError

    page = main_window.show_section("dashboard")
    qtbot.waitUntil(lambda: page.figures is not None, timeout=10_000)  # type: ignore[attr-defined]

    def locked(*_args: object, **_kwargs: object) -> None:
        error = sqlite3.OperationalError("database is locked")
        error.sqlite_errorcode = 5  # type: ignore[attr-defined]  # SQLITE_BUSY
        raise OperationalError("SELECT", {}, error)

    monkeypatch.setattr("app.operations.dashboard.dashboard", locked)
    page.refresh()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(shown.messages), timeout=10_000)
    assert page.kpis.text() == "Les indicateurs n'ont pas pu être calculés."  # type: ignore[attr-defined]
    assert shown.kinds() == ["warning"] and "SELECT" not in shown.texts()[0]
