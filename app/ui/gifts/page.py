"""The gift list with filters and totals; gift form, deposit slips, export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.dates import format_date, parse_optional_date
from app.core.gifts.recording import METHOD_LABELS, METHOD_TEXT, campaigns
from app.core.gifts.search import GiftFilter, GiftRow, GiftSort, fetch_window, totals
from app.core.money import format_eur
from app.errors import ValidationError
from app.i18n import N_, _
from app.models.enums import PaymentMethod
from app.operations import exports as export_ops
from app.operations.base import Change, Changes
from app.ui.gifts.deposit_slip import DepositSlipDialog
from app.ui.gifts.dialog import GiftDialog
from app.ui.shell.context import UiContext
from app.ui.shell.theme import text_style
from app.ui.widgets.list_export import choose_export_file, export_in_background
from app.ui.widgets.window_model import Column, WindowTableModel, list_view


def gift_columns() -> list[Column[GiftRow]]:
    """Columns of the gift list."""
    return [
        Column(N_("Date"), lambda r: format_date(r.received_on), GiftSort.DATE),
        Column(N_("Donateur"), lambda r: r.donor, GiftSort.DONOR),
        Column(
            N_("Montant"), lambda r: format_eur(r.amount_cents), GiftSort.AMOUNT, align_right=True
        ),
        Column(N_("Mode"), lambda r: _(METHOD_TEXT.get(r.method, r.method))),
        Column(N_("Campagne"), lambda r: r.campaign),
        Column(N_("Reçu"), lambda r: r.receipt_number),
        Column(N_("Bordereau"), lambda r: r.deposit_slip),
    ]


class GiftsPage(QWidget):
    """Treasurers' gift screen."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.filter = GiftFilter()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{_('Dons')}</h2>"))
        actions = QHBoxLayout()
        self.new_button = QPushButton(_("Nouveau don…"))
        self.slip_button = QPushButton(_("Saisir une remise de chèques…"))
        self.export_button = QPushButton(_("Exporter…"))
        for button in (self.new_button, self.slip_button, self.export_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        layout.addLayout(self._filters())
        self.filter_error = QLabel("")
        self.filter_error.setStyleSheet(text_style("error"))
        layout.addWidget(self.filter_error)
        self.model: WindowTableModel[GiftRow] = WindowTableModel(
            gift_columns(), count=self._count, fetch=self._fetch, row_id=lambda r: r.id
        )
        self.model.sort_key, self.model.descending = GiftSort.DATE, True
        self.table = list_view(self.model, sort_column=0, descending=True)
        self.table.doubleClicked.connect(
            lambda index: self.open_item(gift_id=self.model.id_at(index.row()))
        )
        layout.addWidget(self.table, 1)
        self.totals_label = QLabel("")
        self.totals_label.setObjectName("gift_totals")
        layout.addWidget(self.totals_label)
        self.new_button.clicked.connect(self.new_gift)
        self.slip_button.clicked.connect(lambda: DepositSlipDialog(self.ctx, self).exec())
        self.export_button.clicked.connect(self.export_dialog)
        ctx.events.changes.connect(self._data_changed)
        self.apply_filters()

    def _filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.date_from = QLineEdit()
        self.date_from.setPlaceholderText(_("du jj/mm/aaaa"))
        self.date_to = QLineEdit()
        self.date_to.setPlaceholderText(_("au jj/mm/aaaa"))
        self.campaign = QComboBox()
        self.campaign.addItem(_("Campagne : toutes"), None)
        self._fill_campaigns()
        self.method = QComboBox()
        self.method.addItem(_("Mode : tous"), None)
        for method, label in METHOD_LABELS.items():
            self.method.addItem(_(label), method)
        self.receipted = QComboBox()
        for label, value in (
            (_("Reçu : tous"), None),
            (_("Avec reçu"), True),
            (_("Sans reçu"), False),
        ):
            self.receipted.addItem(label, value)
        for widget in (self.date_from, self.date_to):
            widget.editingFinished.connect(self.apply_filters)
            row.addWidget(widget)
        for combo in (self.campaign, self.method, self.receipted):
            combo.currentIndexChanged.connect(self.apply_filters)
            row.addWidget(combo)
        return row

    def _data_changed(self, changes: Changes) -> None:
        if Change.CAMPAIGNS in changes:
            self._fill_campaigns()
        if changes & {Change.GIFTS, Change.RECEIPTS, Change.IMPORTS, Change.DUPLICATES}:
            self.apply_filters()

    def _fill_campaigns(self) -> None:
        self.ctx.ops.query(campaigns, parent=self, on_success=self._show_campaigns)

    def _show_campaigns(self, found: list[tuple[int, str]]) -> None:
        """Refill the campaign filter, keeping the chosen one (a query only if it is gone)."""
        chosen = self.campaign.currentData()
        self.campaign.blockSignals(True)
        while self.campaign.count() > 1:
            self.campaign.removeItem(1)
        for campaign_id, label in found:
            self.campaign.addItem(label, campaign_id)
        self.campaign.setCurrentIndex(max(0, self.campaign.findData(chosen)))
        self.campaign.blockSignals(False)
        if self.campaign.currentData() != chosen:
            self.apply_filters()

    def current_filter(self) -> GiftFilter:
        """Filter from the widgets (ValidationError for an unreadable date)."""
        method = self.method.currentData()
        return GiftFilter(
            date_from=parse_optional_date(self.date_from.text()),
            date_to=parse_optional_date(self.date_to.text()),
            campaign_id=self.campaign.currentData(),
            method=PaymentMethod(method) if method else None,
            receipted=self.receipted.currentData(),
        )

    def _count(self) -> int:
        spec = self.filter
        self._totals = self.ctx.ops.read_window(lambda session: totals(session, spec))
        return self._totals.count

    def _fetch(
        self, offset: int, limit: int, sort_key: str | None, descending: bool
    ) -> list[GiftRow]:
        spec = replace(self.filter, sort=GiftSort(sort_key or "date"), descending=descending)
        return self.ctx.ops.read_window(
            lambda session: fetch_window(session, spec, offset=offset, limit=limit)
        )

    def apply_filters(self) -> None:
        """Query again; show the count and total of the filtered gifts."""
        try:
            self.filter = self.current_filter()
        except ValidationError as exc:
            self.filter_error.setText(str(exc))
            return
        self.filter_error.setText("")
        self.model.refresh()
        self.totals_label.setText(
            _("{count} don(s) — total {total}").format(
                count=self._totals.count, total=format_eur(self._totals.total_cents)
            )
        )

    def new_gift(self) -> GiftDialog:
        """Open an empty gift form."""
        dialog = GiftDialog(self.ctx, parent=self)
        dialog.open()
        return dialog

    def open_item(self, *, gift_id: int | None = None) -> None:
        """Open a gift's form."""
        if gift_id is not None:
            GiftDialog(self.ctx, gift_id=gift_id, parent=self).exec()

    def export_dialog(self) -> None:
        """Ask for a file and export the filtered gifts."""
        path = choose_export_file(self, _("Exporter les dons"), "dons")
        if path is not None:
            self.export_to(str(path))

    def export_to(self, path: str) -> None:
        """Export the filtered gifts to `path` in the background (progress, cancel)."""
        spec, target = self.filter, Path(path)
        self.last_export: int | None = None
        export_in_background(
            self.ctx,
            self,
            lambda op: export_ops.export_gifts(op, spec, target),
            label=_("Export des dons…"),
            status=self.totals_label,
            said=lambda n: _("{n} don(s) exporté(s) dans {path}").format(n=n, path=path),
            on_count=lambda n: setattr(self, "last_export", n),
        )
