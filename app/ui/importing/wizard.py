"""The import wizard: file, column mapping, row-by-row preview, commit with progress, report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.core.gifts.campaigns import unknown_campaigns
from app.core.importing.commit import ImportReport, report_of, write_rejected
from app.core.importing.mapping import auto_map, fields_for, save_mapping
from app.core.importing.plan import FOLDED, INVALID, NEW, UNCHANGED, UPDATE, ImportPlan
from app.core.importing.readers import Table, read_table
from app.core.money import format_eur
from app.errors import UserError
from app.i18n import N_, _
from app.operations import campaigns as campaign_ops
from app.operations import imports as import_ops
from app.ui.importing.history import ImportsDialog
from app.ui.shell.context import UiContext
from app.ui.shell.errors import show_error
from app.ui.shell.theme import BLUE, GREEN, GREY, PURPLE, RED, text_style, tint

STATUS = {
    NEW: (N_("nouveau"), GREEN),
    UPDATE: (N_("mise à jour"), BLUE),
    UNCHANGED: (N_("inchangé"), GREY),
    FOLDED: (N_("regroupé"), PURPLE),
    INVALID: (N_("rejeté"), RED),
}
PREVIEW_ROWS = 500


def _details(report: ImportReport) -> str:
    """Folded rows, address changes, incomplete addresses, duplicates to review (if any)."""
    parts = [
        template.format(n=n)
        for template, n in (
            (_("{n} regroupées avec une ligne précédente"), report.folded),
            (_("{n} adresses changées (anciennes gardées)"), report.addresses_changed),
            (_("{n} adresses incomplètes gardées telles quelles"), report.incomplete_addresses),
            (_("{n} doublons possibles à examiner"), report.possible_duplicates),
        )
        if n
    ]
    return " " + " ; ".join(parts) + "." if parts else ""


class ImportWizard(QWizard):
    """Four steps; nothing is written before the last one."""

    def __init__(self, ctx: UiContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.kind = ctx, kind
        self.table: Table | None = None
        self.plan: ImportPlan | None = None
        self.report: ImportReport | None = None
        self.setWindowTitle(
            _("Importer des contacts") if kind == "contacts" else _("Importer des dons")
        )
        self.resize(980, 640)
        self.file_page, self.mapping_page = _FilePage(self), _MappingPage(self)
        self.preview_page, self.done_page = _PreviewPage(self), _DonePage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.done_page):
            self.addPage(page)

    def mapping(self) -> dict[int, str]:
        """Column -> field as chosen on the mapping page."""
        return self.mapping_page.mapping()


class _FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("1. Fichier"))
        self.setSubTitle(
            _("CSV (Excel, LibreOffice, export d'un autre logiciel, HelloAsso), XLSX ou ODS.")
        )
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText(_("Fichier à importer : choisissez-le ou collez son chemin"))
        self.path.setAccessibleName(_("Fichier à importer"))
        browse = QPushButton(_("Choisir…"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.info = QLabel("")
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.path.textChanged.connect(lambda _t: self.completeChanged.emit())

    def _browse(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self,
            _("Fichier à importer"),
            "",
            _("Tableaux (*.csv *.txt *.xlsx *.ods);;Tous les fichiers (*)"),
        )
        if path:
            self.path.setText(path)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        try:
            self.w.table = read_table(Path(self.path.text().strip()))
        except UserError as exc:
            self.info.setText(str(exc))
            self.info.setStyleSheet(text_style("error"))
            return False
        table = self.w.table
        self.info.setText(
            _("{rows} lignes, {columns} colonnes ({encoding}, séparateur « {delimiter} »).").format(
                rows=len(table.rows),
                columns=len(table.header),
                encoding=table.encoding or "classeur",
                delimiter=table.delimiter or "-",
            )
        )
        return True


class _MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("2. Correspondance des colonnes"))
        self.setSubTitle(
            _(
                "Chaque colonne du fichier va dans un champ d'Obole ; « (ignorer) » la laisse de "
                "côté."
            )
        )
        layout = QVBoxLayout(self)
        self.grid = QTableWidget(0, 3)
        self.grid.setHorizontalHeaderLabels(
            [_("Colonne du fichier"), _("Exemple"), _("Champ Obole")]
        )
        self.grid.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.grid)
        save = QPushButton(_("Enregistrer cette correspondance…"))
        save.clicked.connect(self._save)
        layout.addWidget(save)
        self.combos: list[QComboBox] = []

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        table = self.w.table
        assert table is not None
        guessed = auto_map(table.header, self.w.kind)
        self.grid.setRowCount(len(table.header))
        self.combos = []
        for index, name in enumerate(table.header):
            combo = QComboBox()
            combo.addItem(_("(ignorer)"), "")
            for field, label in fields_for(self.w.kind).items():
                combo.addItem(_(label), field)
            combo.setCurrentIndex(max(0, combo.findData(guessed.get(index, ""))))
            sample = table.rows[0][index] if index < len(table.rows[0]) else ""
            self.grid.setItem(index, 0, QTableWidgetItem(name))
            self.grid.setItem(index, 1, QTableWidgetItem(sample[:60]))
            self.grid.setCellWidget(index, 2, combo)
            self.combos.append(combo)
        self.grid.resizeColumnsToContents()

    def mapping(self) -> dict[int, str]:
        return {
            i: combo.currentData() for i, combo in enumerate(self.combos) if combo.currentData()
        }

    def _save(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Enregistrer la correspondance"), "correspondance.json", "JSON (*.json)"
        )
        if path and self.w.table is not None:
            save_mapping(Path(path), self.w.table.header, self.mapping())


class _PreviewPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("3. Aperçu ligne par ligne"))
        self.setSubTitle(
            _(
                "Rien n'est encore enregistré. Les lignes rejetées pourront être corrigées puis "
                "réimportées."
            )
        )
        layout = QVBoxLayout(self)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.unknown_campaigns: list[str] = []
        self.create_campaigns_button = QPushButton("")
        self.create_campaigns_button.setVisible(False)
        self.create_campaigns_button.clicked.connect(lambda: self.create_campaigns())
        layout.addWidget(self.create_campaigns_button)
        self.rows = QTableWidget(0, 3)
        self.rows.setHorizontalHeaderLabels([_("Ligne"), _("Statut"), _("Détail")])
        self.rows.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.rows)

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        """Going back ("Précédent") forgets this preview: the next one is computed afresh."""
        self.w.plan = None
        self.create_campaigns_button.setVisible(False)
        self.rows.setRowCount(0)
        self.summary.setText("")

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        table = self.w.table
        assert table is not None
        self.cleanupPage()
        self.summary.setText(_("Lecture et vérification du fichier…"))
        request = import_ops.ImportRequest(table.path, self.w.kind, mapping=self.w.mapping())
        self.w.ctx.ops.op(
            lambda op: import_ops.preview_import(op, request),
            parent=self,
            label=_("Vérification du fichier…"),
            on_success=self.show_plan,
            on_failure=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):  # the file's problem, shown on the page itself
            self.summary.setText(str(exc))
        else:
            self.summary.setText(_("Aperçu impossible : voir le message d'erreur."))
            show_error(self, exc)
        self.completeChanged.emit()

    def show_plan(self, plan: ImportPlan) -> None:
        """Show the row-by-row preview."""
        self.w.plan = plan
        self.completeChanged.emit()
        report = report_of(plan)
        text = _(
            "{read} lignes lues : {new} nouvelles, {updated} mises à jour, {unchanged} inchangées, "
            "{rejected} rejetées."
        ).format(
            read=report.rows_read,
            new=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected,
        )
        text += _details(report)
        if self.w.kind == "gifts":
            text += " " + _("Montants lus : {read} ; à importer : {imported}.").format(
                read=format_eur(report.amount_read_cents),
                imported=format_eur(report.amount_imported_cents),
            )
        self.summary.setText(text)
        shown = plan.rows[:PREVIEW_ROWS]
        labels = fields_for(self.w.kind)
        self.rows.setRowCount(len(shown))
        for r, row in enumerate(shown):
            label, colour = STATUS[row.status]
            detail = (
                " | ".join(row.reasons)
                or ", ".join(
                    f"{_(labels.get(k, k))} : {old or '∅'} → {new}"
                    for k, (old, new) in row.changes.items()
                )
                or ", ".join(row.values.values())
            ) + "".join(f" | {w}" for w in row.warnings)
            for c, value in enumerate((str(row.number), _(label), detail)):
                item = QTableWidgetItem(value)
                item.setBackground(tint(colour))
                self.rows.setItem(r, c, item)
        self.rows.resizeColumnsToContents()
        self._offer_campaigns(plan)
        self.completeChanged.emit()

    def _offer_campaigns(self, plan: ImportPlan) -> None:
        """Gifts naming campaigns that do not exist: offer to create them, then re-check."""
        names = [row.values.get("campaign", "") for row in plan.rows if row.status == INVALID]
        self.unknown_campaigns = (
            self.w.ctx.ops.read_window(lambda session: unknown_campaigns(session, names))
            if any(names)
            else []
        )
        self.create_campaigns_button.setText(
            _("Créer les campagnes inconnues : {names}").format(
                names=", ".join(self.unknown_campaigns[:5])
                + ("…" if len(self.unknown_campaigns) > 5 else "")
            )
        )
        self.create_campaigns_button.setVisible(bool(self.unknown_campaigns))

    def create_campaigns(self) -> None:
        """Create the campaigns the file names, then compute the preview again."""
        names = list(self.unknown_campaigns)
        self.w.ctx.ops.op(
            lambda op: campaign_ops.create_missing(op, names),
            parent=self,
            label=_("Création des campagnes…"),
            on_success=lambda _codes: self.initializePage(),
        )

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.w.plan is not None


class _DonePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(_("4. Import"))
        layout = QVBoxLayout(self)
        self.result = QLabel(_("Import en cours…"))
        self.result.setWordWrap(True)
        layout.addWidget(self.result)
        self.rejected_button = QPushButton(_("Enregistrer les lignes rejetées (CSV avec motif)…"))
        self.rejected_button.clicked.connect(self._save_rejected)
        layout.addWidget(self.rejected_button)
        self.undo_button = QPushButton(_("Annuler cet import…"))
        self.undo_button.setToolTip(_("Aussi plus tard : menu Fichier, « Imports effectués »."))
        self.undo_button.clicked.connect(lambda: self.open_imports())
        self.undo_button.setVisible(False)
        layout.addWidget(self.undo_button)
        layout.addStretch(1)
        self.finished_work = False
        self.imports_dialog: ImportsDialog | None = None

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        plan = self.w.plan
        assert plan is not None
        self.finished_work = False
        self.result.setText(_("Import en cours…"))
        request = import_ops.ImportRequest(plan.table.path, self.w.kind, mapping=plan.mapping)
        self.w.ctx.ops.op(
            lambda op: import_ops.import_file(op, request, preview=plan),
            parent=self,
            label=_("Import en cours…"),
            on_success=lambda imported: self._done(imported.report),
            on_failure=self._failed,
            on_cancel=lambda: self._finish(_("Import annulé : rien n'a été modifié.")),
        )

    def _failed(self, exc: BaseException) -> None:
        """The page leaves "Import en cours…": it says nothing was written, then why."""
        self._finish(_("Import impossible : rien n'a été modifié. Corrigez puis réessayez."))
        show_error(self, exc)

    def _done(self, report: ImportReport) -> None:
        self.w.report = report
        if report.batch_id is None:
            self._finish(_("Rien à importer : aucune ligne nouvelle ni mise à jour."))
            return
        self._finish(
            _(
                "Import n° {id} terminé : {read} lignes lues = {new} créées + {updated} mises à "
                "jour + "
                "{unchanged} inchangées + {rejected} rejetées. Il peut être annulé ici ou plus "
                "tard "
                "(menu Fichier, « Imports effectués »)."
            ).format(
                id=report.batch_id,
                read=report.rows_read,
                new=report.created,
                updated=report.updated,
                unchanged=report.unchanged,
                rejected=report.rejected,
            )
            + _details(report)
        )
        self.undo_button.setVisible(True)

    def open_imports(self, *, modal: bool = True) -> ImportsDialog:
        """The list of imports, this one selected first, with its undo button."""
        self.imports_dialog = ImportsDialog(self.w.ctx, self)
        if modal:
            self.imports_dialog.exec()
        return self.imports_dialog

    def _finish(self, text: str) -> None:
        self.result.setText(text)
        self.finished_work = True
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self.finished_work

    def _save_rejected(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Lignes rejetées"), "lignes-rejetees.csv", "CSV (*.csv)"
        )
        if path and self.w.plan is not None:
            write_rejected(self.w.plan, Path(path))
