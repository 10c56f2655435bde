"""Tax receipts: preview and issue a year's receipts in the background, then manage them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.core.clock import today
from app.core.money import format_eur
from app.core.receipts import lifecycle
from app.core.receipts.audit import Declaration
from app.core.receipts.eligibility import IssuePlan
from app.core.receipts.listing import ReceiptRow, count_receipts, fetch_receipts
from app.i18n import N_, _
from app.models.enums import ReceiptMode
from app.operations import receipts as receipt_ops
from app.operations.base import Change, OperationContext
from app.reports.table_export import write_table
from app.ui.receipts.smtp import SmtpDialog
from app.ui.shell.context import UiContext
from app.ui.shell.errors import show_error
from app.ui.widgets.flow_layout import FlowLayout
from app.ui.widgets.window_model import Column, WindowTableModel, list_view


def receipt_columns() -> list[Column[ReceiptRow]]:
    """Columns of the receipts list."""
    return [
        Column(N_("Numéro"), lambda r: r.number, sort_key="number"),
        Column(N_("Émis le"), lambda r: r.issued_at.strftime("%d/%m/%Y"), sort_key="issued"),
        Column(N_("Donateur"), lambda r: r.donor, sort_key="donor"),
        Column(N_("Cerfa"), lambda r: "16216" if r.kind == "company" else "11580", sort_key="kind"),
        Column(
            N_("Montant"), lambda r: format_eur(r.total_cents), sort_key="amount", align_right=True
        ),
        Column(
            N_("Statut"),
            lambda r: _("Annulé") if r.status == "cancelled" else _("Émis"),
            sort_key="status",
        ),
    ]


REQUESTED_PER_GIFT = "requested_per_gift"  # the mode list's third choice


class ReceiptsPage(QWidget):
    """Year-end issuing with a preview, and the receipts already issued."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.plan: IssuePlan | None = None
        self.last_issued: tuple[int, ...] = ()
        self.exclusions: list[tuple[int, str, str]] = []
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{_('Reçus fiscaux')}</h2>"))
        row = QHBoxLayout()
        self.year = QSpinBox(minimum=2000, maximum=2100, value=today(ctx.database.clock).year - 1)
        self.year.setPrefix(_("Dons reçus en "))
        self.mode = QComboBox()
        self.mode.addItem(_("Un reçu annuel par donateur"), ReceiptMode.ANNUAL)
        self.mode.addItem(_("Un reçu par don"), ReceiptMode.PER_GIFT)
        self.mode.addItem(
            _("Un reçu par don, pour les donateurs qui l'ont demandé"), REQUESTED_PER_GIFT
        )
        self.prepare_button = QPushButton(_("Préparer l'émission…"))
        self.issue_button = QPushButton(_("Émettre les reçus"))
        self.issue_button.setEnabled(False)
        for widget in (self.year, self.mode, self.prepare_button, self.issue_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addLayout(row)
        self.summary = QLabel(
            _("Préparez l'émission pour voir ce qui sera émis, les donateurs exclus et pourquoi.")
        )
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.problems = QTableWidget(0, 2)
        self.problems.setHorizontalHeaderLabels([_("Donateur"), _("Motif")])
        self.problems.horizontalHeader().setStretchLastSection(True)
        self.problems.verticalHeader().setVisible(False)
        self.problems.setWordWrap(False)
        self.problems.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.problems.setMaximumHeight(160)
        self.problems.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.problems.doubleClicked.connect(lambda _i: self.open_excluded_donor())
        self.problems.setToolTip(_("Double-clic : ouvrir la fiche du donateur pour corriger."))
        layout.addWidget(self.problems)
        exclusion_actions = QHBoxLayout()
        self.open_donor_button = QPushButton(_("Ouvrir la fiche du donateur"))
        self.open_donor_button.clicked.connect(lambda: self.open_excluded_donor())
        self.export_exclusions_button = QPushButton(_("Exporter les exclusions…"))
        self.export_exclusions_button.clicked.connect(lambda: self.export_exclusions())
        for button in (self.open_donor_button, self.export_exclusions_button):
            button.setEnabled(False)
            exclusion_actions.addWidget(button)
        exclusion_actions.addStretch(1)
        layout.addLayout(exclusion_actions)
        actions = FlowLayout()  # wraps on a narrow screen
        self.save_pdfs_button = QPushButton(_("Enregistrer les PDF émis…"))
        self.print_button = QPushButton(_("Un seul PDF pour l'impression…"))
        self.duplicate_button = QPushButton(_("Duplicata…"))
        self.cancel_button = QPushButton(_("Annuler le reçu…"))
        self.replace_button = QPushButton(_("Annuler et remplacer…"))
        self.log_button = QPushButton(_("Registre des numéros…"))
        self.declaration_button = QPushButton(_("Déclaration 222 bis"))
        self.send_button = QPushButton(_("Envoyer par courriel…"))
        self.retry_button = QPushButton(_("Renvoyer les échecs"))
        self.smtp_button = QPushButton(_("Paramètres d'envoi…"))
        second_row = QHBoxLayout()
        for button in (self.send_button, self.retry_button, self.smtp_button):
            second_row.addWidget(button)
        second_row.addStretch(1)
        for button in (
            self.save_pdfs_button,
            self.print_button,
            self.duplicate_button,
            self.cancel_button,
            self.replace_button,
            self.log_button,
            self.declaration_button,
        ):
            actions.addWidget(button)
        layout.addLayout(actions)
        layout.addLayout(second_row)
        self.model: WindowTableModel[ReceiptRow] = WindowTableModel(
            receipt_columns(), count=self._count, fetch=self._fetch, row_id=lambda r: r.id
        )
        self.search = QLineEdit()
        self.search.setObjectName("receipt_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Rechercher un reçu : numéro, donateur, commune…"))
        self.search.setAccessibleName(_("Rechercher un reçu"))
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._search_timer.timeout.connect(self.model.refresh)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        layout.addWidget(self.search)
        self.table = list_view(self.model, sort_column=0, descending=True)
        self.model.sort_key, self.model.descending = "number", True
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        layout.addWidget(self.table, 1)
        self.prepare_button.clicked.connect(self.prepare)
        self.issue_button.clicked.connect(self.issue_planned)
        self.year.valueChanged.connect(self._year_changed)
        self.mode.currentIndexChanged.connect(lambda _i: self._reset_plan())
        self.save_pdfs_button.clicked.connect(lambda: self.save_issued_pdfs())
        self.print_button.clicked.connect(lambda: self.merged_pdf())
        self.duplicate_button.clicked.connect(lambda: self.duplicate())
        self.cancel_button.clicked.connect(lambda: self._cancel_or_replace(replace=False))
        self.replace_button.clicked.connect(lambda: self._cancel_or_replace(replace=True))
        self.log_button.clicked.connect(lambda: self.number_log())
        self.declaration_button.clicked.connect(self.show_declaration)
        self.send_button.clicked.connect(lambda: self.send_by_email(retry=False))
        self.retry_button.clicked.connect(lambda: self.send_by_email(retry=True))
        self.smtp_button.clicked.connect(lambda: SmtpDialog(self.ctx, self).exec())
        ctx.events.changes.connect(
            lambda changes: self.model.refresh() if Change.RECEIPTS in changes else None
        )
        self.model.refresh()

    # --- list ------------------------------------------------------------------------

    def _count(self) -> int:
        year, text = self.year.value(), self.search.text()
        return self.ctx.ops.read_window(lambda session: count_receipts(session, year, text=text))

    def _fetch(self, offset: int, limit: int, key: str | None, desc: bool) -> list[ReceiptRow]:
        year, text = self.year.value(), self.search.text()
        return self.ctx.ops.read_window(
            lambda session: fetch_receipts(
                session,
                year,
                offset=offset,
                limit=limit,
                text=text,
                sort=key or "number",
                descending=desc,
            )
        )

    def selected_id(self) -> int | None:
        """Id of the selected receipt."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.id_at(rows[0].row()) if rows else None

    def open_item(self, *, receipt_id: int) -> None:
        """Show a receipt (from a gift or contact form) selected, ready to cancel or replace."""

        def read(session: Session) -> tuple[int, int, str, int]:
            receipt = lifecycle.find_receipt(session, receipt_id)
            total = count_receipts(session, receipt.year)
            return receipt.year, receipt.sequence, receipt.number, total

        self.ctx.ops.query(read, parent=self, on_success=self._show_item)

    def _show_item(self, found: tuple[int, int, str, int]) -> None:
        year, sequence, number, total = found
        self.year.setValue(year)
        self.model.refresh()
        self.table.selectRow(total - sequence)
        self.summary.setText(
            _(
                "Reçu {number} sélectionné : choisissez « Annuler et remplacer » pour le corriger."
            ).format(number=number)
        )

    # --- issuing ---------------------------------------------------------------------

    def _year_changed(self, _year: int) -> None:
        self._reset_plan()
        self.model.refresh()

    def _reset_plan(self) -> None:
        self.plan = None
        self.issue_button.setEnabled(False)
        self._show_exclusions([])

    def _show_exclusions(self, rows: list[tuple[int, str, str]]) -> None:
        """(contact id, donor, reason) lines under the summary; empty once issued."""
        self.exclusions = rows
        self.problems.setRowCount(len(rows))
        for index, (_contact_id, name, reason) in enumerate(rows):
            self.problems.setItem(index, 0, QTableWidgetItem(name))
            self.problems.setItem(index, 1, QTableWidgetItem(reason))
        self.problems.resizeColumnToContents(0)
        self.problems.resizeRowsToContents()
        self.open_donor_button.setEnabled(bool(rows))
        self.export_exclusions_button.setEnabled(bool(rows))

    def open_excluded_donor(self) -> None:
        """Open the form of the donor on the selected exclusion line, to fix it."""
        row = self.problems.currentRow()
        if not 0 <= row < len(self.exclusions):
            QMessageBox.information(
                self, _("Reçus fiscaux"), _("Sélectionnez d'abord une ligne d'exclusion.")
            )
            return
        self.ctx.navigate("contacts", contact_id=self.exclusions[row][0])

    def export_exclusions(self, target: str | None = None) -> None:
        """Save the exclusions (donor, reason) as a CSV file Excel opens directly."""
        if target is None:
            target, _filter = QFileDialog.getSaveFileName(
                self,
                _("Exporter les exclusions"),
                f"exclusions-recus-{self.year.value()}.csv",
                "CSV (*.csv)",
            )
        if not target:
            return
        write_table(Path(target), [_("N° contact"), _("Donateur"), _("Motif")], self.exclusions)
        self.summary.setText(_("Exclusions enregistrées dans {file}.").format(file=target))

    def _request(self) -> receipt_ops.IssueRequest:
        choice = self.mode.currentData()
        requested_only = choice == REQUESTED_PER_GIFT
        mode = ReceiptMode.PER_GIFT if requested_only else choice
        return receipt_ops.IssueRequest(
            year=self.year.value(), mode=mode, requested_only=requested_only
        )

    def prepare(self) -> None:
        """Compute the preview in the background."""
        request = self._request()
        self.ctx.ops.op(
            lambda op: receipt_ops.preview(op, request),
            parent=self,
            label=_("Préparation de l'émission…"),
            on_success=self.show_plan,
        )

    def show_plan(self, plan: IssuePlan) -> None:
        """Show what will be issued and what is excluded."""
        self.plan = plan
        text = _("{count} reçus à émettre pour {year}, total {total}.").format(
            count=len(plan.receipts), year=plan.year, total=format_eur(plan.total_cents)
        )
        if plan.refused:
            text = plan.refused
        if plan.organisation_problems:
            text += "\n" + _("Émission impossible : {details}").format(
                details=" ; ".join(plan.organisation_problems)
            )
        if plan.excluded:
            text += "\n" + _(
                "{n} exclusion(s) ci-dessous : corrigez puis préparez à nouveau."
            ).format(n=len(plan.excluded))
        self.summary.setText(text)
        self._show_exclusions(
            [(e.contact_id, e.donor_name, e.reason) for e in plan.excluded]
            + [(r.contact_id, r.donor_name, w) for r, w in plan.warnings]
        )
        self.issue_button.setEnabled(bool(plan.receipts) and not plan.organisation_problems)
        self.issue_button.setText(_("Émettre {n} reçus").format(n=len(plan.receipts)))

    def issue_planned(self) -> None:
        """Issue the previewed receipts: backup, then planned again and issued in one
        transaction (progress; cancel = nothing issued)."""
        if self.plan is None:
            return
        plan = self.plan
        request = receipt_ops.IssueRequest(
            year=plan.year, mode=plan.mode, requested_only=self._request().requested_only
        )
        self.issue_button.setEnabled(False)

        def done(issued: receipt_ops.Issued) -> None:
            result = issued.result
            self.last_issued = result.receipt_ids
            self._reset_plan()  # the exclusions of this preview are gone with it
            if not result.numbers:
                self.summary.setText(_("Aucun reçu à émettre."))
                return
            self.summary.setText(
                _("{n} reçus émis ({first} à {last}), total {total}.").format(
                    n=len(result.numbers),
                    first=result.numbers[0],
                    last=result.numbers[-1],
                    total=format_eur(result.total_cents),
                )
            )

        def failed(exc: BaseException) -> None:
            self.issue_button.setEnabled(self.plan is not None)
            show_error(self, exc)

        self.ctx.ops.op(
            lambda op: receipt_ops.issue_receipts(op, request),
            parent=self,
            label=_("Émission des reçus fiscaux…"),
            on_success=done,
            on_failure=failed,
            on_cancel=self._issue_cancelled,
        )

    def _issue_cancelled(self) -> None:
        self.issue_button.setEnabled(self.plan is not None)
        self.summary.setText(_("Émission annulée : aucun reçu n'a été émis."))

    def _ids(self) -> Callable[[OperationContext], tuple[int, ...]]:
        """The last batch's receipts, or else (read in the operation) the year's."""
        last, year = self.last_issued, self.year.value()
        return lambda op: last or receipt_ops.issued_ids(op, year)

    def save_issued_pdfs(self, folder: str | None = None) -> None:
        """Write the PDFs of the last batch (or of the whole year) to a folder, in the
        background with progress and cancel; each file is checked against its issue."""
        folder = folder or QFileDialog.getExistingDirectory(self, _("Dossier des reçus"))
        if not folder:
            return
        ids = self._ids()
        self.ctx.ops.op(
            lambda op: receipt_ops.save_pdfs(op, ids(op), Path(folder)),
            parent=self,
            label=_("Enregistrement des reçus en PDF…"),
            on_success=lambda paths: self.summary.setText(
                _("{n} PDF enregistrés dans {folder}.").format(n=len(paths), folder=folder)
            ),
            on_cancel=lambda: self.summary.setText(
                _("Enregistrement interrompu : les PDF déjà écrits restent dans {folder}.").format(
                    folder=folder
                )
            ),
        )

    def merged_pdf(self, target: str | None = None) -> None:
        """One PDF with every receipt of the last batch (or the year), for printing."""
        if target is None:
            target, _filter = QFileDialog.getSaveFileName(
                self, _("PDF pour l'impression"), f"recus-{self.year.value()}.pdf", "PDF (*.pdf)"
            )
        if not target:
            return
        ids, file = self._ids(), target
        self.ctx.ops.op(
            lambda op: receipt_ops.save_print_file(op, ids(op), Path(file)),
            parent=self,
            label=_("Préparation du PDF d'impression…"),
            on_success=lambda count: self.summary.setText(
                _("{n} reçus dans {file}, prêts à imprimer.").format(n=count, file=file)
            ),
            on_cancel=lambda: self.summary.setText(_("PDF d'impression annulé.")),
        )

    # --- lifecycle -------------------------------------------------------------------

    def _nothing_selected(self) -> bool:
        if self.selected_id() is not None:
            return False
        QMessageBox.information(
            self, _("Reçus fiscaux"), _("Sélectionnez d'abord un reçu dans la liste.")
        )
        return True

    def selected_description(self) -> str:
        """ "n° 2026-00012 (DUPONT Hélène, 150,00 €)": the receipt the user is acting on."""
        rows = self.table.selectionModel().selectedRows()
        row = self.model.row_at(rows[0].row()) if rows else None
        if row is None:
            return ""
        return _("n° {number} ({donor}, {amount})").format(
            number=row.number, donor=row.donor, amount=format_eur(row.total_cents)
        )

    def duplicate(self, target: str | None = None) -> None:
        """Save a DUPLICATA of the selected receipt."""
        if self._nothing_selected():
            return
        receipt_id = self.selected_id()
        assert receipt_id is not None
        if target is None:
            target, _filter = QFileDialog.getSaveFileName(
                self, _("Duplicata"), "duplicata.pdf", "PDF (*.pdf)"
            )
        if target:
            file = Path(target)
            self.ctx.ops.op(
                lambda op: receipt_ops.reprint(op, receipt_id, file),
                parent=self,
                label=_("Duplicata en cours…"),
                on_success=lambda path: self.summary.setText(
                    _("Duplicata enregistré : {file}").format(file=path)
                ),
            )

    def _cancel_or_replace(self, *, replace: bool) -> None:
        if self._nothing_selected():
            return
        receipt_id = self.selected_id()
        assert receipt_id is not None
        reason, ok = QInputDialog.getText(
            self,
            _("Annuler et remplacer le reçu") if replace else _("Annuler le reçu"),
            self.cancel_question(replace=replace),
        )
        if ok:
            self.cancel_or_replace(receipt_id, reason, replace=replace)

    def cancel_question(self, *, replace: bool) -> str:
        """The question of the cancel dialog, naming the selected receipt."""
        text = (
            _("Annuler le reçu {receipt} et émettre son remplaçant.")
            if replace
            else _("Annuler le reçu {receipt} (il reste dans le registre, marqué ANNULÉ).")
        )
        return (
            text.format(receipt=self.selected_description())
            + "\n"
            + _("Motif (conservé avec le reçu) :")
        )

    def cancel_or_replace(self, receipt_id: int, reason: str, *, replace: bool) -> None:
        """Cancel the receipt (kept, marked ANNULÉ) and, if asked, issue its replacement."""

        def done(corrected: receipt_ops.Corrected) -> None:
            number = corrected.number
            self.summary.setText(
                _("Reçu {number} émis en remplacement.").format(number=number)
                if replace
                else _("Reçu {number} annulé ; ses dons peuvent être corrigés.").format(
                    number=number
                )
            )

        self.ctx.ops.op(
            lambda op: receipt_ops.cancel_receipt(op, receipt_id, reason=reason, replace=replace),
            parent=self,
            label=_("Correction du reçu…"),
            on_success=done,
            cancellable=False,
        )

    def number_log(self, target: str | None = None) -> None:
        """Save the year's number log (PDF, CSV or XLSX)."""
        if target is None:
            target, _filter = QFileDialog.getSaveFileName(
                self,
                _("Registre des numéros"),
                f"registre-recus-{self.year.value()}.pdf",
                "PDF (*.pdf);;CSV (*.csv);;Excel (*.xlsx)",
            )
        if target:
            year, file = self.year.value(), Path(target)
            self.ctx.ops.op(
                lambda op: receipt_ops.number_log(op, year, file),
                parent=self,
                label=_("Registre des numéros…"),
                on_success=lambda count: self.summary.setText(
                    _("Registre écrit : {file} ({n} numéros)").format(file=file, n=count)
                ),
            )

    def send_by_email(self, *, retry: bool) -> None:
        """E-mail the year's receipts not sent yet (or the failures) in the background."""
        year = self.year.value()

        def done(result: receipt_ops.SendResult) -> None:
            self.summary.setText(
                _(
                    "{sent} reçu(s) envoyé(s) par courriel, {failed} échec(s) (voir « Renvoyer les "
                    "échecs »)."
                ).format(sent=result.sent, failed=result.failed)
            )

        self.ctx.ops.op(
            lambda op: receipt_ops.send_by_email(op, year=year, retry=retry),
            parent=self,
            label=_("Envoi des reçus par courriel…"),
            on_success=done,
        )

    @staticmethod
    def declaration_text(figures: Declaration) -> str:
        """The art. 222 bis figures, on both bases (LEGAL_FR.md 0.7)."""
        return _(
            "Base 1 — {basis_received} : {count} reçus valables, montant global {total}.\n"
            "Base 2 — {basis_delivered} : {delivered} reçus valables, montant global "
            "{delivered_total}.\n"
            "{cancelled} reçus annulés, non comptés. La loi vise les dons perçus dans l'année "
            "et le nombre de documents délivrés : indiquez la base retenue."
        ).format(
            basis_received=figures.basis_received,
            count=figures.receipts,
            total=format_eur(figures.total_cents),
            basis_delivered=figures.basis_delivered,
            delivered=figures.delivered_receipts,
            delivered_total=format_eur(figures.delivered_total_cents),
            cancelled=figures.cancelled,
        )

    def _show_declaration(self, figures: Declaration) -> None:
        QMessageBox.information(self, _("Déclaration art. 222 bis"), self.declaration_text(figures))

    def show_declaration(self) -> None:
        """Show the declaration figures of the selected year."""
        year = self.year.value()
        self.ctx.ops.op(
            lambda op: receipt_ops.declaration(op, year),
            parent=self,
            label=_("Calcul de la déclaration…"),
            on_success=self._show_declaration,
        )
