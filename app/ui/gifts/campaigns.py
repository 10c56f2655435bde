"""Campaigns screen: create, rename, date, cost, close or reopen; what each brought in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.dates import format_date, parse_optional_date
from app.core.gifts.campaigns import CampaignDraft, CampaignRow, list_campaigns
from app.core.money import format_eur, parse_eur
from app.errors import UserError, ValidationError
from app.i18n import N_, _
from app.operations import campaigns as ops
from app.operations.base import Change, OperationContext
from app.ui.shell.context import UiContext
from app.ui.widgets.common import FieldErrors, save_cancel_buttons

SHOWN = frozenset({Change.CAMPAIGNS, Change.GIFTS, Change.IMPORTS})
HEADERS = (
    N_("Code"),
    N_("Nom"),
    N_("Début"),
    N_("Fin"),
    N_("Coût"),
    N_("Dons"),
    N_("Collecté"),
    N_("État"),
)


class CampaignDialog(QDialog):
    """The campaign form; nothing is saved until every field is valid."""

    def __init__(
        self, ctx: UiContext, row: CampaignRow | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx, self.row = ctx, row
        self.setWindowTitle(_("Nouvelle campagne") if row is None else _("Modifier la campagne"))
        self.errors = FieldErrors()
        form = QFormLayout(self)
        self.code = QLineEdit(row.code if row else "")
        self.name = QLineEdit(row.name if row else "")
        self.starts_on = QLineEdit(format_date(row.starts_on) if row else "")
        self.ends_on = QLineEdit(format_date(row.ends_on) if row else "")
        self.cost = QLineEdit(format_eur(row.cost_cents) if row and row.cost_cents else "")
        self.code.setPlaceholderText(_("ex. NOEL2026"))
        for editor, placeholder in ((self.starts_on, "jj/mm/aaaa"), (self.ends_on, "jj/mm/aaaa")):
            editor.setPlaceholderText(placeholder)
        self.cost.setPlaceholderText(_("ex. 350,00 (impression, envoi)"))
        for name, label, editor in (
            ("code", N_("Code"), self.code),
            ("name", N_("Nom"), self.name),
            ("starts_on", N_("Début"), self.starts_on),
            ("ends_on", N_("Fin"), self.ends_on),
            ("cost", N_("Coût (€)"), self.cost),
        ):
            editor.setAccessibleName(_(label))
            form.addRow(_(label), self.errors.cell(name, editor))
        buttons, self.save_button = save_cancel_buttons(self.save, self.reject)
        form.addRow(buttons)

    def draft(self) -> CampaignDraft:
        """The campaign as typed (ValidationError for an unreadable date or amount)."""
        cost = parse_eur(self.cost.text()) if self.cost.text().strip() else 0
        return CampaignDraft(
            code=self.code.text(),
            name=self.name.text(),
            starts_on=parse_optional_date(self.starts_on.text(), field="starts_on"),
            ends_on=parse_optional_date(self.ends_on.text(), field="ends_on"),
            cost_cents=cost,
        )

    def save(self) -> None:
        """Save through the task runner; problems show under their fields."""
        try:
            draft = self.draft()
        except ValidationError as exc:
            self.errors.show({exc.field if exc.field in self.errors.labels else "cost": str(exc)})
            return
        row = self.row

        def operation(op: OperationContext) -> Any:
            return ops.create(op, draft) if row is None else ops.change(op, row.id, draft)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, ValidationError) and exc.field in self.errors.labels:
                self.errors.show({exc.field: str(exc)})
            elif isinstance(exc, UserError):
                QMessageBox.warning(self, _("Campagne"), str(exc))
            else:
                from app.ui.shell.errors import show_error

                show_error(self, exc)

        self.ctx.ops.op(
            operation,
            parent=self,
            label=_("Enregistrement…"),
            on_success=lambda _id: self.accept(),
            on_failure=failed,
            cancellable=False,
        )


class CampaignsPage(QWidget):
    """The list of campaigns with their results; actions on the selected one."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.rows: list[CampaignRow] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{_('Campagnes')}</h2>"))
        self.hint = QLabel(
            _(
                "Une campagne regroupe les dons d'un appel (courrier de Noël, événement, fonds "
                "dédié). Une campagne close garde ses dons ; les formulaires la marquent "
                "« (close) »."
            )
        )
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        actions = QHBoxLayout()
        self.new_button = QPushButton(_("Nouvelle campagne…"))
        self.edit_button = QPushButton(_("Modifier…"))
        self.close_button = QPushButton(_("Clore"))
        self.reopen_button = QPushButton(_("Rouvrir"))
        for button in (self.new_button, self.edit_button, self.close_button, self.reopen_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setObjectName("campaigns_table")
        self.table.setHorizontalHeaderLabels([_(h) for h in HEADERS])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        layout.addWidget(self.table, 1)
        self.new_button.clicked.connect(lambda: self.new_campaign())
        self.edit_button.clicked.connect(lambda: self.edit_selected())
        self.close_button.clicked.connect(lambda: self.set_selected_active(False))
        self.reopen_button.clicked.connect(lambda: self.set_selected_active(True))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        ctx.events.changes.connect(lambda changes: self.reload() if changes & SHOWN else None)
        self.reload()

    def reload(self) -> None:
        """Read the campaigns in the background and show them."""
        self.ctx.ops.query(
            list_campaigns,
            parent=self,
            label=_("Lecture des campagnes…"),
            on_success=self.show_rows,
        )

    def show_rows(self, rows: list[CampaignRow]) -> None:
        """Fill the table."""
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            values = (
                row.code,
                row.name,
                format_date(row.starts_on),
                format_date(row.ends_on),
                format_eur(row.cost_cents) if row.cost_cents else "",
                str(row.gifts),
                format_eur(row.total_cents),
                _("ouverte") if row.active else _("close"),
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c in (4, 5, 6):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def selected(self) -> CampaignRow | None:
        """The selected campaign."""
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) and self.table.selectedItems() else None

    def _update_buttons(self) -> None:
        row = self.selected()
        self.edit_button.setEnabled(row is not None)
        self.close_button.setEnabled(row is not None and row.active)
        self.reopen_button.setEnabled(row is not None and not row.active)

    def new_campaign(self) -> CampaignDialog:
        """Open an empty campaign form."""
        dialog = CampaignDialog(self.ctx, parent=self)
        dialog.open()
        return dialog

    def edit_selected(self) -> CampaignDialog | None:
        """Open the selected campaign's form."""
        row = self.selected()
        if row is None:
            return None
        dialog = CampaignDialog(self.ctx, row, parent=self)
        dialog.open()
        return dialog

    def set_selected_active(self, active: bool, *, then: Callable[[], None] | None = None) -> None:
        """Close or reopen the selected campaign."""
        row = self.selected()
        if row is None:
            return
        self.ctx.ops.op(
            lambda op: ops.set_active(op, row.id, active=active),
            parent=self,
            label=_("Enregistrement…"),
            on_success=lambda _id: then() if then else None,
            cancellable=False,
        )
