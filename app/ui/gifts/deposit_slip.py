"""Deposit slip entry by keyboard: type the bank slip's count and total, then each cheque."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import today
from app.core.dates import format_date, parse_date
from app.core.gifts.deposit_slips import DepositSlip, SlipLine
from app.core.gifts.recording import campaigns
from app.core.money import format_eur, parse_eur
from app.errors import ValidationError
from app.i18n import _
from app.models.enums import PaymentMethod
from app.operations import deposit_slips as slip_ops
from app.ui.shell.context import UiContext
from app.ui.shell.errors import show_error
from app.ui.shell.theme import text_style
from app.ui.widgets.common import confirm_deliberately, save_cancel_buttons
from app.ui.widgets.contact_picker import ContactPicker


class DepositSlipDialog(QDialog):
    """Header (reference, date, expected count and total), then one line per cheque."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Saisir une remise de chèques"))
        self.resize(760, 560)
        self.lines: list[tuple[SlipLine, str]] = []
        layout = QVBoxLayout(self)
        header = QFormLayout()
        self.reference = QLineEdit()
        self.received_on = QLineEdit(format_date(today(ctx.database.clock)))
        self.expected_count = QSpinBox(minimum=0, maximum=10_000)
        self.expected_total = QLineEdit("0,00")
        self.campaign = QComboBox()
        self.campaign.addItem(_("(aucune)"), None)
        self.saving = False
        ctx.ops.query(campaigns, parent=self, on_success=self._fill_campaigns)
        header.addRow(_("Référence du bordereau"), self.reference)
        header.addRow(_("Date de remise"), self.received_on)
        header.addRow(_("Nombre de chèques (bordereau)"), self.expected_count)
        header.addRow(_("Total du bordereau (€)"), self.expected_total)
        header.addRow(_("Campagne"), self.campaign)
        layout.addLayout(header)
        entry = QHBoxLayout()
        self.donor = ContactPicker(ctx)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText(_("Montant"))
        self.cheque_number = QLineEdit()
        self.cheque_number.setPlaceholderText(_("N° de chèque"))
        self.add_button = QPushButton(_("Ajouter (Entrée)"))
        entry.addWidget(self.donor, 3)
        entry.addWidget(self.amount, 1)
        entry.addWidget(self.cheque_number, 1)
        entry.addWidget(self.add_button)
        layout.addLayout(entry)
        self.line_error = QLabel("")
        self.line_error.setStyleSheet(text_style("error"))
        layout.addWidget(self.line_error)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([_("Donateur"), _("Montant"), _("N° de chèque")])
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        remove = QPushButton(_("Retirer la ligne sélectionnée"))
        remove.clicked.connect(self._remove_selected)
        layout.addWidget(remove)
        self.status = QLabel("")
        self.status.setObjectName("slip_status")
        layout.addWidget(self.status)
        buttons, self.save_button = save_cancel_buttons(
            self.save, self.reject, save_text=_("&Enregistrer la remise")
        )
        layout.addWidget(buttons)
        self.donor.picked.connect(lambda _id: self.amount.setFocus())
        self.amount.returnPressed.connect(self.cheque_number.setFocus)
        self.cheque_number.returnPressed.connect(self.add_line)
        self.add_button.clicked.connect(self.add_line)
        self.expected_count.valueChanged.connect(self._update_status)
        self.expected_total.textChanged.connect(self._update_status)
        self.add_button.setAutoDefault(False)
        self.save_button.setAutoDefault(False)
        self.save_button.setDefault(False)
        self._update_status()

    def _fill_campaigns(self, found: list[tuple[int, str]]) -> None:
        for campaign_id, label in found:
            self.campaign.addItem(label, campaign_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Enter moves through the cheque line and adds it, never saves the slip.

        QDialogButtonBox makes "Enregistrer la remise" the dialog's default button, so an
        Enter left unhandled by a box would save the slip; saving takes a click or Alt+E.
        """
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            event.accept()
            return
        super().keyPressEvent(event)

    def add_line(self) -> bool:
        """Add the typed cheque; the cursor goes back to the donor box."""
        if self.donor.contact_id is None:
            self.line_error.setText(_("Choisissez le donateur (tapez son nom puis Entrée)."))
            return False
        try:
            amount = parse_eur(self.amount.text())
        except ValidationError as exc:
            self.line_error.setText(str(exc))
            return False
        if amount <= 0:
            self.line_error.setText(_("Montant : un montant positif est attendu (ex. 50,00)."))
            return False
        line = SlipLine(
            self.donor.contact_id, amount, self.cheque_number.text().strip(), PaymentMethod.CHEQUE
        )
        self.lines.append((line, self.donor.search.text()))
        self.line_error.setText("")
        self._refresh_table()
        self.donor.search.clear()
        self.donor.contact_id = None
        self.amount.clear()
        self.cheque_number.clear()
        self.donor.search.setFocus()
        return True

    def _remove_selected(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.lines):
            del self.lines[row]
            self._refresh_table()

    def _refresh_table(self) -> None:
        self.table.setRowCount(len(self.lines))
        for row, (line, donor) in enumerate(self.lines):
            for column, value in enumerate(
                (donor, format_eur(line.amount_cents), line.cheque_number)
            ):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self._update_status()

    def slip(self) -> DepositSlip:
        """The slip as typed (raises ValidationError for unreadable header values)."""
        expected_total = (
            parse_eur(self.expected_total.text()) if self.expected_total.text().strip() else 0
        )
        return DepositSlip(
            self.reference.text().strip(),
            parse_date(self.received_on.text(), field="received_on"),
            self.expected_count.value(),
            expected_total,
            self.campaign.currentData(),
            [line for line, _donor in self.lines],
        )

    def _update_status(self) -> None:
        try:
            slip = self.slip()
        except ValidationError as exc:
            self.status.setText(str(exc))
            return
        text = _(
            "Saisis : {count} chèques, {total} — attendus : {expected_count}, {expected_total}"
        ).format(
            count=slip.count,
            total=format_eur(slip.total_cents),
            expected_count=slip.expected_count,
            expected_total=format_eur(slip.expected_total_cents),
        )
        mismatch = slip.mismatch()
        ok = mismatch is None and slip.count > 0
        self.status.setText(
            text + ("  ✔" if ok else f"\n⚠ {mismatch}" if mismatch and slip.count else "")
        )
        self.status.setStyleSheet(text_style("success" if ok else "warning"))

    def save(self) -> None:
        """Check the slip in the background, confirm doubles or a mismatch, then save every
        line as a gift (one transaction). The slip stays as typed when anything fails."""
        if self.saving:
            return
        try:
            slip = self.slip()
        except ValidationError as exc:
            QMessageBox.warning(self, _("Remise"), str(exc))
            return
        self._set_saving(True)
        self.ctx.ops.op(
            lambda op: slip_ops.check_slip(op, slip),
            parent=self,
            label=_("Vérification de la remise…"),
            on_success=lambda check: self._checked(slip, check),
            on_failure=self._failed,
            cancellable=False,
        )

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.save_button.setEnabled(not saving)

    def _failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        show_error(self, exc)

    def _checked(self, slip: DepositSlip, check: slip_ops.SlipCheck) -> None:
        if not self._confirmed(slip, check):
            self._set_saving(False)
            return
        accept_mismatch = slip.mismatch() is not None
        self.ctx.ops.op(
            lambda op: slip_ops.save_slip(op, slip, accept_mismatch=accept_mismatch),
            parent=self,
            label=_("Enregistrement de la remise…"),
            on_success=lambda _count: self.accept(),
            on_failure=lambda exc: show_error(self, exc),
            on_finally=lambda: self._set_saving(False),
            cancellable=False,
        )

    def _confirmed(self, slip: DepositSlip, check: slip_ops.SlipCheck) -> bool:
        """No problem, and any probable double or mismatch saved on purpose."""
        if check.problems:
            QMessageBox.warning(self, _("Remise"), "\n".join(str(p) for p in check.problems[:10]))
            return False
        if check.doubles and not confirm_deliberately(
            self,
            _("Doublon probable"),
            _(
                "Ces chèques semblent déjà enregistrés (même donateur, montant, date ou "
                "numéro de chèque) :\n{lines}\n\nLes enregistrer une seconde fois les "
                "compterait deux fois sur les reçus fiscaux."
            ).format(lines="\n".join(check.doubles[:10])),
            confirm=_("&Enregistrer quand même"),
            back=_("Revenir à la saisie"),
        ):
            return False
        return not slip.mismatch() or confirm_deliberately(
            self,
            _("Remise"),
            _(
                "La saisie ne correspond pas au bordereau : {details}.\n\nVérifiez les "
                "chèques saisis ou corrigez le nombre et le total du bordereau."
            ).format(details=slip.mismatch()),
            confirm=_("&Enregistrer malgré l'écart"),
            back=_("Revenir à la saisie"),
        )
