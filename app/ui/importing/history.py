"""File > Imports made: every import with its figures, and undo (after a backup)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.importing.history import ImportSummary
from app.i18n import N_, _
from app.operations import imports as import_ops
from app.ui.shell.context import UiContext
from app.ui.shell.errors import show_error

KINDS = {"contacts": N_("contacts"), "gifts": N_("dons")}
COLUMNS = (
    N_("N°"),
    N_("Date"),
    N_("Type"),
    N_("Fichier"),
    N_("Par"),
    N_("Créées"),
    N_("Mises à jour"),
    N_("Rejetées"),
    N_("État"),
)


class ImportsDialog(QDialog):
    """The imports made so far; the selected one can be undone."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Imports effectués"))
        self.resize(860, 420)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                _(
                    "Annuler un import retire les contacts et les dons qu'il a créés et remet les "
                    "fiches qu'il a modifiées comme avant. Une sauvegarde est faite d'abord."
                )
            )
        )
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.table)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        row = QHBoxLayout()
        self.undo_button = QPushButton(_("Annuler cet import…"))
        self.undo_button.clicked.connect(lambda: self.undo_selected())
        close = QPushButton(_("Fermer"))
        close.clicked.connect(self.accept)
        row.addWidget(self.undo_button)
        row.addStretch(1)
        row.addWidget(close)
        layout.addLayout(row)
        self.imports: list[ImportSummary] = []
        self.loaded = False
        self.refresh()

    def refresh(self) -> None:
        """Reload the list (read in the background)."""
        self.ctx.ops.op(
            import_ops.imports,
            parent=self,
            label=_("Lecture des imports…"),
            on_success=self.show_imports,
        )

    def show_imports(self, imports: list[ImportSummary]) -> None:
        """Fill the list."""
        self.imports = imports
        self.loaded = True
        self.table.setRowCount(len(self.imports))
        for index, summary in enumerate(self.imports):
            counts = summary.counts
            state = (
                _("annulé le {date}").format(date=f"{summary.undone_at.astimezone():%d/%m/%Y}")
                if summary.undone_at
                else _("en place")
            )
            for column, value in enumerate(
                (
                    str(summary.id),
                    f"{summary.at.astimezone():%d/%m/%Y %H:%M}",
                    _(KINDS.get(summary.kind, summary.kind)),
                    summary.file_name,
                    summary.user,
                    str(counts.get("created", "")),
                    str(counts.get("updated", "")),
                    str(counts.get("rejected", "")),
                    state,
                )
            ):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        if self.imports and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self._selection_changed()

    def selected(self) -> ImportSummary | None:
        """The import selected in the list."""
        row = self.table.currentRow()
        return self.imports[row] if 0 <= row < len(self.imports) else None

    def _selection_changed(self) -> None:
        summary = self.selected()
        self.undo_button.setEnabled(summary is not None and not summary.undone)

    def undo_selected(self, *, confirm: bool = True) -> None:
        """Undo the selected import in the background, after a backup."""
        summary = self.selected()
        if summary is None or summary.undone:
            return
        question = _(
            "Annuler l'import n° {id} ({file}) ? Les {created} fiche(s) créée(s) seront retirées "
            "et les {updated} fiche(s) modifiée(s) remises comme avant."
        ).format(
            id=summary.id,
            file=summary.file_name,
            created=summary.counts.get("created", 0),
            updated=summary.counts.get("updated", 0),
        )
        if (
            confirm
            and QMessageBox.question(self, _("Annuler un import"), question)
            != QMessageBox.StandardButton.Yes
        ):
            return

        def done(result: dict[str, int]) -> None:
            self.status.setText(
                _(
                    "Import n° {id} annulé : {contacts} contact(s) et {gifts} don(s) retirés, "
                    "mises à jour restaurées."
                ).format(
                    id=summary.id,
                    contacts=result["contacts_removed"],
                    gifts=result["gifts_removed"],
                )
            )
            self.refresh()

        def failed(error: BaseException) -> None:
            self.status.setText(_("Annulation impossible : rien n'a été modifié."))
            show_error(self, error)

        self.ctx.ops.op(
            lambda op: import_ops.undo_import(op, summary.id),
            parent=self,
            label=_("Annulation de l'import…"),
            on_success=done,
            on_failure=failed,
            cancellable=False,
        )
