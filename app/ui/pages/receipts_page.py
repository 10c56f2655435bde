"""Tax receipts: preview and issue a year's receipts in the background, then manage them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.backup import automatic_backup
from app.core.clock import today
from app.core.money import format_eur
from app.core.receipts import audit, lifecycle, mailing
from app.core.receipts.eligibility import IssuePlan, plan_receipts
from app.core.receipts.issuing import issue
from app.core.receipts.listing import ReceiptRow, count_receipts, fetch_receipts
from app.core.receipts.output import write_number_log, write_pdfs, write_print_file
from app.errors import UserError
from app.i18n import N_, _
from app.models.enums import ReceiptMode
from app.ui.context import UiContext
from app.ui.dialogs.smtp_dialog import SmtpDialog
from app.ui.errors import show_error
from app.ui.tablemodels.window_model import Column, WindowTableModel, list_view


def receipt_columns() -> list[Column[ReceiptRow]]:
    """Columns of the receipts list."""
    return [
        Column(N_("Numéro"), lambda r: r.number),
        Column(N_("Émis le"), lambda r: r.issued_at.strftime("%d/%m/%Y")),
        Column(N_("Donateur"), lambda r: r.donor),
        Column(N_("Cerfa"), lambda r: "16216" if r.kind == "company" else "11580"),
        Column(N_("Montant"), lambda r: format_eur(r.total_cents), align_right=True),
        Column(N_("Statut"), lambda r: _("Annulé") if r.status == "cancelled" else _("Émis")),
    ]


REQUESTED_PER_GIFT = "requested_per_gift"  # the mode list's third choice


class ReceiptsPage(QWidget):
    """Year-end issuing with a preview, and the receipts already issued."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.plan: IssuePlan | None = None
        self.last_issued: tuple[int, ...] = ()
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
        layout.addWidget(self.problems)
        actions = QHBoxLayout()
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
        self.table = list_view(self.model)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        layout.addWidget(self.table, 1)
        self.prepare_button.clicked.connect(self.prepare)
        self.issue_button.clicked.connect(self.issue_planned)
        self.year.valueChanged.connect(lambda _v: (self._reset_plan(), self.model.refresh()))
        self.mode.currentIndexChanged.connect(lambda _i: self._reset_plan())
        self.save_pdfs_button.clicked.connect(lambda: self.save_issued_pdfs())
        self.print_button.clicked.connect(lambda: self.merged_pdf())
        self.duplicate_button.clicked.connect(self.duplicate)
        self.cancel_button.clicked.connect(lambda: self._cancel_or_replace(replace=False))
        self.replace_button.clicked.connect(lambda: self._cancel_or_replace(replace=True))
        self.log_button.clicked.connect(self.number_log)
        self.declaration_button.clicked.connect(self.show_declaration)
        self.send_button.clicked.connect(lambda: self.send_by_email(retry=False))
        self.retry_button.clicked.connect(lambda: self.send_by_email(retry=True))
        self.smtp_button.clicked.connect(lambda: SmtpDialog(self.ctx, self).exec())
        ctx.events.changed.connect(
            lambda e: self.model.refresh() if e in ("receipt", "all") else None
        )
        self.model.refresh()

    # --- list ------------------------------------------------------------------------

    def _count(self) -> int:
        with self.ctx.database.read() as session:
            return count_receipts(session, self.year.value())

    def _fetch(self, offset: int, limit: int, _key: str | None, _desc: bool) -> list[ReceiptRow]:
        with self.ctx.database.read() as session:
            return fetch_receipts(session, self.year.value(), offset=offset, limit=limit)

    def selected_id(self) -> int | None:
        """Id of the selected receipt."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.id_at(rows[0].row()) if rows else None

    def open_item(self, *, receipt_id: int) -> None:
        """Show a receipt (from a gift or contact form) selected, ready to cancel or replace."""
        with self.ctx.database.read() as session:
            receipt = lifecycle.find_receipt(session, receipt_id)
            year, sequence = receipt.year, receipt.sequence
            total = count_receipts(session, year)
        self.year.setValue(year)
        self.model.refresh()
        self.table.selectRow(total - sequence)
        self.summary.setText(
            _(
                "Reçu {number} sélectionné : choisissez « Annuler et remplacer » pour le corriger."
            ).format(number=receipt.number)
        )

    # --- issuing ---------------------------------------------------------------------

    def _reset_plan(self) -> None:
        self.plan = None
        self.issue_button.setEnabled(False)

    def prepare(self) -> None:
        """Compute the preview in the background."""
        year, choice, database = self.year.value(), self.mode.currentData(), self.ctx.database
        requested_only = choice == REQUESTED_PER_GIFT
        mode = ReceiptMode.PER_GIFT if requested_only else choice

        def work(_progress, _cancel):  # type: ignore[no-untyped-def]
            with database.read() as session:
                return plan_receipts(session, year=year, mode=mode, requested_only=requested_only)

        self.ctx.tasks.run(
            work, parent=self, label=_("Préparation de l'émission…"), on_success=self.show_plan
        )

    def show_plan(self, plan: IssuePlan) -> None:
        """Show what will be issued and what is excluded."""
        self.plan = plan
        text = _("{count} reçus à émettre pour {year}, total {total}.").format(
            count=len(plan.receipts), year=plan.year, total=format_eur(plan.total_cents)
        )
        if plan.organisation_problems:
            text += "\n" + _("Émission impossible : {details}").format(
                details=" ; ".join(plan.organisation_problems)
            )
        if plan.excluded:
            text += "\n" + _(
                "{n} exclusion(s) ci-dessous : corrigez puis préparez à nouveau."
            ).format(n=len(plan.excluded))
        self.summary.setText(text)
        rows = [(e.donor_name, e.reason) for e in plan.excluded] + [
            (r.donor_name, w) for r, w in plan.warnings
        ]
        self.problems.setRowCount(len(rows))
        for index, (name, reason) in enumerate(rows):
            self.problems.setItem(index, 0, QTableWidgetItem(name))
            self.problems.setItem(index, 1, QTableWidgetItem(reason))
        self.problems.resizeColumnToContents(0)
        self.problems.resizeRowsToContents()
        self.issue_button.setEnabled(bool(plan.receipts) and not plan.organisation_problems)
        self.issue_button.setText(_("Émettre {n} reçus").format(n=len(plan.receipts)))

    def issue_planned(self) -> None:
        """Issue the previewed receipts in one transaction (progress, cancel = nothing issued)."""
        if self.plan is None:
            return
        plan, database = self.plan, self.ctx.database

        def work(progress, cancel):  # type: ignore[no-untyped-def]
            automatic_backup(database.engine, database.backup_dir, reason="receipts")
            with database.write() as session:
                return issue(session, plan, clock=database.clock, progress=progress, cancel=cancel)

        def done(result) -> None:  # type: ignore[no-untyped-def]
            self.last_issued = result.receipt_ids
            self._reset_plan()
            self.summary.setText(
                _("{n} reçus émis ({first} à {last}), total {total}.").format(
                    n=len(result.numbers),
                    first=result.numbers[0],
                    last=result.numbers[-1],
                    total=format_eur(result.total_cents),
                )
            )
            self.ctx.events.changed.emit("receipt")

        self.ctx.tasks.run(
            work,
            parent=self,
            label=_("Émission des reçus fiscaux…"),
            on_success=done,
            on_cancel=lambda: self.summary.setText(
                _("Émission annulée : aucun reçu n'a été émis.")
            ),
        )

    def save_issued_pdfs(self, folder: str | None = None) -> None:
        """Write the PDFs of the last batch (or of the whole year) to a folder, in the
        background with progress and cancel; each file is checked against its issue."""
        folder = folder or QFileDialog.getExistingDirectory(self, _("Dossier des reçus"))
        if not folder:
            return
        ids, database = self.last_issued or self._year_ids(), self.ctx.database

        def work(progress, cancel):  # type: ignore[no-untyped-def]
            with database.read() as session:
                return write_pdfs(session, ids, Path(folder), progress=progress, cancel=cancel)

        self.ctx.tasks.run(
            work,
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

    def _year_ids(self) -> tuple[int, ...]:
        with self.ctx.database.read() as session:
            return tuple(
                r.id
                for r in fetch_receipts(session, self.year.value(), offset=0, limit=1_000_000)
                if r.status == "issued"
            )

    def merged_pdf(self, target: str | None = None) -> None:
        """One PDF with every receipt of the last batch (or the year), for printing."""
        if target is None:
            target, _filter = QFileDialog.getSaveFileName(
                self, _("PDF pour l'impression"), f"recus-{self.year.value()}.pdf", "PDF (*.pdf)"
            )
        if not target:
            return
        ids, database = self.last_issued or self._year_ids(), self.ctx.database

        def work(progress, cancel):  # type: ignore[no-untyped-def]
            with database.read() as session:
                return write_print_file(
                    session, ids, Path(target), progress=progress, cancel=cancel
                )

        self.ctx.tasks.run(
            work,
            parent=self,
            label=_("Préparation du PDF d'impression…"),
            on_success=lambda count: self.summary.setText(
                _("{n} reçus dans {file}, prêts à imprimer.").format(n=count, file=target)
            ),
            on_cancel=lambda: self.summary.setText(_("PDF d'impression annulé.")),
        )

    # --- lifecycle -------------------------------------------------------------------

    def duplicate(self) -> None:
        """Save a DUPLICATA of the selected receipt."""
        receipt_id = self.selected_id()
        if receipt_id is None:
            return
        target, _filter = QFileDialog.getSaveFileName(
            self, _("Duplicata"), "duplicata.pdf", "PDF (*.pdf)"
        )
        if target:
            with self.ctx.database.write() as session:
                Path(target).write_bytes(lifecycle.reprint(session, receipt_id))

    def _cancel_or_replace(self, *, replace: bool) -> None:
        receipt_id = self.selected_id()
        if receipt_id is None:
            QMessageBox.information(
                self, _("Reçus fiscaux"), _("Sélectionnez d'abord un reçu dans la liste.")
            )
            return
        reason, ok = QInputDialog.getText(self, _("Motif"), _("Motif (conservé avec le reçu) :"))
        if ok:
            self.cancel_or_replace(receipt_id, reason, replace=replace)

    def cancel_or_replace(self, receipt_id: int, reason: str, *, replace: bool) -> None:
        """Cancel the receipt (kept, marked ANNULÉ) and, if asked, issue its replacement."""
        database = self.ctx.database
        try:
            with database.write() as session:
                action = lifecycle.replace if replace else lifecycle.cancel
                result = action(session, receipt_id, reason=reason, clock=database.clock)
                number = result.number
        except UserError as exc:
            show_error(self, exc)
            return
        self.summary.setText(
            _("Reçu {number} émis en remplacement.").format(number=number)
            if replace
            else _("Reçu {number} annulé ; ses dons peuvent être corrigés.").format(number=number)
        )
        self.ctx.events.changed.emit("receipt")

    def number_log(self) -> None:
        """Save the year's number log (PDF, CSV or XLSX)."""
        target, _filter = QFileDialog.getSaveFileName(
            self,
            _("Registre des numéros"),
            f"registre-recus-{self.year.value()}.pdf",
            "PDF (*.pdf);;CSV (*.csv);;Excel (*.xlsx)",
        )
        if target:
            with self.ctx.database.read() as session:
                write_number_log(session, self.year.value(), Path(target))

    def send_by_email(self, *, retry: bool) -> None:
        """E-mail the year's receipts not sent yet (or the failures) in the background."""
        database, year = self.ctx.database, self.year.value()

        def work(progress, cancel):  # type: ignore[no-untyped-def]
            with database.write() as session:
                ids = (mailing.to_retry if retry else mailing.never_sent)(session, year=year)
                return mailing.send_receipts(
                    session, ids, clock=database.clock, progress=progress, cancel=cancel
                )

        def done(result: tuple[int, int]) -> None:
            sent, failed = result
            self.summary.setText(
                _(
                    "{sent} reçu(s) envoyé(s) par courriel, {failed} échec(s) (voir « Renvoyer les "
                    "échecs »)."
                ).format(sent=sent, failed=failed)
            )

        self.ctx.tasks.run(
            work, parent=self, label=_("Envoi des reçus par courriel…"), on_success=done
        )

    def declaration_text(self) -> str:
        """The art. 222 bis figures of the selected year."""
        with self.ctx.database.read() as session:
            figures = audit.declaration(session, self.year.value())
        return _(
            "Dons reçus en {year} : {count} reçus valables, montant global {total} ({cancelled} annulés, "
            "non comptés)."
        ).format(
            year=figures.year,
            count=figures.receipts,
            total=format_eur(figures.total_cents),
            cancelled=figures.cancelled,
        )

    def show_declaration(self) -> None:
        """Show the declaration figures."""
        QMessageBox.information(self, _("Déclaration art. 222 bis"), self.declaration_text())
