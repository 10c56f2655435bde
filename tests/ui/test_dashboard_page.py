"""Dashboard page: figures in the background, charts, clickable quality metrics."""

from __future__ import annotations

from datetime import date

from app.core.infrastructure.database import Database
from app.models import Contact, ContactEmail, Gift, PostalAddress
from app.models.enums import PaymentMethod
from app.operations.base import Change
from app.ui.main_window import MainWindow
from app.ui.pages.dashboard_page import DashboardPage


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
