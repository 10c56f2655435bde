"""The main window's sections, in navigation order; each page module adds itself here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from app.i18n import N_
from app.ui.shell.context import UiContext


@dataclass(frozen=True)
class PageSpec:
    """A navigation entry: key, French title (translated at display), page factory."""

    key: str
    title: str
    factory: Callable[[UiContext], QWidget]


def _contacts(ctx: UiContext) -> QWidget:
    from app.ui.contacts.page import ContactsPage

    return ContactsPage(ctx)


def _gifts(ctx: UiContext) -> QWidget:
    from app.ui.gifts.page import GiftsPage

    return GiftsPage(ctx)


def _receipts(ctx: UiContext) -> QWidget:
    from app.ui.receipts.page import ReceiptsPage

    return ReceiptsPage(ctx)


def _duplicates(ctx: UiContext) -> QWidget:
    from app.ui.dedupe.page import DuplicatesPage

    return DuplicatesPage(ctx)


def _gdpr(ctx: UiContext) -> QWidget:
    from app.ui.gdpr.page import GdprPage

    return GdprPage(ctx)


def _dashboard(ctx: UiContext) -> QWidget:
    from app.ui.dashboard.page import DashboardPage

    return DashboardPage(ctx)


def _regular_giving(ctx: UiContext) -> QWidget:
    from app.ui.regular_giving.page import RegularGivingPage

    return RegularGivingPage(ctx)


def _campaigns(ctx: UiContext) -> QWidget:
    from app.ui.gifts.campaigns import CampaignsPage

    return CampaignsPage(ctx)


def _appeals(ctx: UiContext) -> QWidget:
    from app.ui.appeals.page import AppealsPage

    return AppealsPage(ctx)


def _settings(ctx: UiContext) -> QWidget:
    from app.ui.settings.page import SettingsPage

    return SettingsPage(ctx)


def page_specs() -> list[PageSpec]:
    """Every section of the main window."""
    return [
        PageSpec("contacts", N_("Contacts"), _contacts),
        PageSpec("gifts", N_("Dons"), _gifts),
        PageSpec("campaigns", N_("Campagnes"), _campaigns),
        PageSpec("receipts", N_("Reçus fiscaux"), _receipts),
        PageSpec("regular", N_("Adhérents et prélèvements"), _regular_giving),
        PageSpec("appeals", N_("Appels et remerciements"), _appeals),
        PageSpec("duplicates", N_("Doublons"), _duplicates),
        PageSpec("gdpr", N_("RGPD"), _gdpr),
        PageSpec("dashboard", N_("Tableau de bord"), _dashboard),
        PageSpec("settings", N_("Paramètres"), _settings),
    ]
