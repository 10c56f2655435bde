"""GDPR: the register (edit, export), requests with deadlines, erasure, restriction, retention."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from app.core.clock import today
from app.core.dates import format_date, parse_date
from app.core.gdpr import requests
from app.core.gdpr.anonymise import ErasurePreview
from app.core.gdpr.register import ActivityView
from app.core.gdpr.retention import RetentionCandidate
from app.errors import ValidationError
from app.i18n import N_, _
from app.models import Contact
from app.models.enums import RightsRequestKind
from app.operations import gdpr as gdpr_ops
from app.operations.base import OperationContext, Outcome
from app.ui.shell.context import UiContext
from app.ui.shell.errors import report
from app.ui.shell.theme import ORANGE, RED, tint
from app.ui.widgets.common import FieldErrors, wrapped_label
from app.ui.widgets.contact_picker import ContactPicker

EDITABLE = (
    ("reference", N_("Référence")),
    ("name", N_("Nom du traitement")),
    ("purposes", N_("Finalité(s)")),
    ("legal_basis", N_("Base légale")),
    ("data_subjects", N_("Personnes concernées")),
    ("sensitive_data", N_("Données sensibles")),
    ("recipients", N_("Destinataires")),
    ("transfers", N_("Transferts hors UE")),
    ("transfer_safeguards", N_("Garanties des transferts")),
    ("security_measures", N_("Mesures de sécurité")),
    ("joint_controller", N_("Responsable conjoint")),
    ("processor", N_("Sous-traitant(s)")),
)
STATUS_LABELS = {
    "received": N_("Reçue"),
    "in_progress": N_("En cours"),
    "extended": N_("Prolongée"),
    "done": N_("Traitée"),
    "refused": N_("Refusée"),
}


class GdprPage(QWidget):
    """Everything the DPO needs, in three tabs."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.activity_ids: list[int] = []
        self._activities: list[ActivityView] = []
        self._requests: list[gdpr_ops.RequestRow] = []
        self.loaded = {"register": False, "requests": False}
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{_('RGPD')}</h2>"))
        self.due_label = QLabel("")
        self.due_label.setWordWrap(True)
        layout.addWidget(self.due_label)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._register_tab(), _("Registre des traitements"))
        self.tabs.addTab(self._requests_tab(), _("Demandes des personnes"))
        self.tabs.addTab(self._retention_tab(), _("Conservation"))
        layout.addWidget(self.tabs, 1)
        self.reload_register()
        self.reload_requests()

    # --- register --------------------------------------------------------------------

    def _register_tab(self) -> QWidget:
        tab = QWidget()
        row = QHBoxLayout(tab)
        left = QVBoxLayout()
        self.activity_list = QListWidget()
        self.activity_list.currentRowChanged.connect(self._show_activity)
        left.addWidget(self.activity_list)
        new = QPushButton(_("Nouveau traitement"))
        new.clicked.connect(self._new_activity)
        left.addWidget(new)
        for fmt in ("pdf", "xlsx", "ods", "csv"):
            button = QPushButton(_("Exporter en {fmt}…").format(fmt=fmt.upper()))
            button.clicked.connect(lambda _c=False, f=fmt: self.export_register_dialog(f))
            left.addWidget(button)
        row.addLayout(left, 1)
        form = QFormLayout()
        self.activity_fields: dict[str, QLineEdit | QPlainTextEdit] = {}
        for name, label in EDITABLE:
            editor: QLineEdit | QPlainTextEdit = (
                QLineEdit() if name in ("reference", "name") else QPlainTextEdit()
            )
            if isinstance(editor, QPlainTextEdit):
                editor.setFixedHeight(46)
            form.addRow(_(label), editor)
            self.activity_fields[name] = editor
        self.categories = QPlainTextEdit()
        self.categories.setPlaceholderText(
            _("Une catégorie par ligne : catégorie | description | durée de conservation")
        )
        self.categories.setFixedHeight(70)
        form.addRow(_("Catégories de données"), self.categories)
        self.save_activity_button = QPushButton(_("Enregistrer le traitement"))
        self.save_activity_button.clicked.connect(self.save_activity)
        form.addRow(self.save_activity_button)
        holder = QWidget()
        holder.setLayout(form)
        editor_area = QScrollArea()  # the long form scrolls on a 720 px high screen
        editor_area.setWidgetResizable(True)
        editor_area.setFrameShape(QFrame.Shape.NoFrame)
        editor_area.setWidget(holder)
        row.addWidget(editor_area, 3)
        return tab

    def reload_register(self) -> None:
        """Show the activities (the register is pre-filled on first use)."""
        self.ctx.ops.op(
            gdpr_ops.activities,
            parent=self,
            label=_("Lecture du registre…"),
            on_success=self._show_register,
        )

    def _show_register(self, items: list[ActivityView]) -> None:
        self.loaded["register"] = True
        self.activity_ids = [a.id for a in items]
        self._activities = items
        self.activity_list.clear()
        self.activity_list.addItems([f"{a.reference} — {a.name}" for a in items])
        if items:
            self.activity_list.setCurrentRow(0)

    def _new_activity(self) -> None:
        self.activity_list.setCurrentRow(-1)
        self._clear_activity()

    def _clear_activity(self) -> None:
        for editor in self.activity_fields.values():
            editor.clear()
        self.categories.clear()

    def _show_activity(self, row: int) -> None:
        if not 0 <= row < len(self._activities):
            return
        activity = self._activities[row]
        for name, editor in self.activity_fields.items():
            value = str(getattr(activity, name) or "")
            editor.setText(value) if isinstance(editor, QLineEdit) else editor.setPlainText(value)
        self.categories.setPlainText(
            "\n".join(
                f"{c.get('category', '')} | {c.get('description', '')} | {c.get('retention', '')}"
                for c in activity.data_categories
            )
        )

    def save_activity(self) -> None:
        """Save the edited activity (journaled)."""
        values: dict[str, Any] = {
            name: (e.text() if isinstance(e, QLineEdit) else e.toPlainText())
            for name, e in self.activity_fields.items()
        }
        values["data_categories"] = [
            dict(
                zip(
                    ("category", "description", "retention"),
                    [p.strip() for p in (line.split("|") + ["", ""])[:3]],
                    strict=True,
                )
            )
            for line in self.categories.toPlainText().splitlines()
            if line.strip()
        ]
        row = self.activity_list.currentRow()
        activity_id = self.activity_ids[row] if 0 <= row < len(self.activity_ids) else None
        self.ctx.ops.op(
            lambda op: gdpr_ops.save_activity(op, values, activity_id=activity_id),
            parent=self,
            label=_("Enregistrement du traitement…"),
            on_success=lambda _none: self.reload_register(),
        )

    def export_register_dialog(self, fmt: str) -> None:
        """Ask for a file and export the register."""
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Exporter le registre"), f"registre-rgpd.{fmt}"
        )
        if path:
            self.export_register(Path(path), fmt)

    def export_register(self, path: Path, fmt: str) -> None:
        """Export the register to `path`."""
        self.ctx.ops.op(
            lambda op: gdpr_ops.export_register(op, path, fmt),
            parent=self,
            label=_("Export du registre…"),
            on_success=lambda written: self.due_label.setText(
                _("Registre écrit : {path}").format(path=written)
            ),
        )

    # --- requests --------------------------------------------------------------------

    def _requests_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        form = QGridLayout()
        self.request_kind = QComboBox()
        self.request_kind.setAccessibleName(_("Type de demande"))
        for kind, label in requests.KIND_LABELS.items():
            self.request_kind.addItem(_(label), kind)
        self.requester = QLineEdit()
        self.requester.setPlaceholderText(_("Demandeur"))
        self.requester.setAccessibleName(_("Demandeur"))
        # the person is picked by name like in the gift form: nobody knows contact numbers
        self.request_contact = ContactPicker(self.ctx)
        self.request_contact.search.setAccessibleName(_("Personne concernée"))
        self.request_received = QLineEdit(format_date(today(self.ctx.database.clock)))
        self.request_received.setAccessibleName(_("Reçue le"))
        self.identity_check = QLineEdit()
        self.identity_check.setPlaceholderText(_("Vérification d'identité"))
        self.identity_check.setAccessibleName(_("Vérification d'identité"))
        self.add_request_button = QPushButton(_("Enregistrer la demande"))
        self.add_request_button.clicked.connect(self.add_request)
        self.request_errors = FieldErrors()
        form.addWidget(QLabel(_("Type")), 0, 0)
        form.addWidget(self.request_kind, 0, 1)
        form.addWidget(QLabel(_("Demandeur")), 0, 2)
        form.addWidget(self.requester, 0, 3)
        form.addWidget(QLabel(_("Reçue le")), 0, 4)
        form.addWidget(self.request_errors.cell("received_on", self.request_received), 0, 5)
        form.addWidget(QLabel(_("Personne concernée")), 1, 0, Qt.AlignmentFlag.AlignTop)
        form.addWidget(self.request_errors.cell("contact_id", self.request_contact), 1, 1, 1, 3)
        form.addWidget(QLabel(_("Identité vérifiée")), 1, 4, Qt.AlignmentFlag.AlignTop)
        form.addWidget(self.identity_check, 1, 5, Qt.AlignmentFlag.AlignTop)
        form.addWidget(self.add_request_button, 2, 5)
        form.setColumnStretch(3, 1)
        layout.addLayout(form)
        self.requests_table = QTableWidget(0, 7)
        self.requests_table.setHorizontalHeaderLabels(
            [
                _("N°"),
                _("Type"),
                _("Demandeur"),
                _("Contact"),
                _("Reçue le"),
                _("Échéance"),
                _("Statut"),
            ]
        )
        self.requests_table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.requests_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.requests_table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.requests_table, 1)
        actions = QHBoxLayout()
        for label, slot in (
            (N_("Prolonger de 2 mois…"), self.extend_selected),
            (N_("Clore…"), self.close_selected),
            (N_("Exporter les données (accès)…"), self.export_selected),
            (N_("Effacer la personne…"), self.erase_selected),
            (N_("Limiter / lever la limitation"), self.toggle_restriction_selected),
        ):
            button = QPushButton(_(label))
            button.clicked.connect(slot)
            actions.addWidget(button)
        layout.addLayout(actions)
        return tab

    def add_request(self) -> None:
        """Log a new request (a wrong field is shown under it)."""
        self.request_errors.show({})
        try:
            received = parse_date(self.request_received.text(), field="received_on")
        except ValidationError as exc:
            report(self, exc, self.request_errors)
            return
        typed = gdpr_ops.RequestInput(
            kind=RightsRequestKind(self.request_kind.currentData()),
            received_on=received,
            requester=self.requester.text(),
            contact_id=self.request_contact.contact_id,
            identity_check=self.identity_check.text(),
        )
        self.ctx.ops.op(
            lambda op: gdpr_ops.log_request(op, typed),
            parent=self,
            label=_("Enregistrement de la demande…"),
            on_success=self._request_logged,
            on_failure=lambda exc: report(self, exc, self.request_errors),
        )

    def _request_logged(self, _row: gdpr_ops.RequestRow) -> None:
        self.requester.clear()
        self.identity_check.clear()
        self.request_contact.clear()
        self.reload_requests()

    def reload_requests(self) -> None:
        """Show the requests, overdue in red, due soon in orange."""
        self.ctx.ops.op(
            gdpr_ops.requests_view,
            parent=self,
            label=_("Lecture des demandes…"),
            on_success=self._show_requests,
        )

    def _show_requests(self, view: gdpr_ops.RequestsView) -> None:
        self.loaded["requests"] = True
        rows, due = view.rows, view.due
        wanted = {r.contact_id for r in rows if r.contact_id}
        names = (
            self.ctx.ops.read_window(  # the people's names, not numbers nobody knows
                lambda session: {
                    c.id: c.display_name
                    for c in session.scalars(select(Contact).where(Contact.id.in_(wanted)))
                }
            )
            if wanted
            else {}
        )
        self._requests = rows
        self.requests_table.setRowCount(len(rows))
        late = {d.id for d in due if d.overdue}
        soon = {d.id for d in due if not d.overdue}
        for r, request in enumerate(rows):
            values = (
                str(request.id),
                _(requests.KIND_LABELS[RightsRequestKind(request.kind)]),
                request.requester,
                names.get(request.contact_id, "") if request.contact_id else "",
                format_date(request.received_on),
                format_date(request.due_on),
                _(STATUS_LABELS[request.status]),
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if request.id in late:
                    item.setBackground(tint(RED))
                elif request.id in soon:
                    item.setBackground(tint(ORANGE))
                self.requests_table.setItem(r, c, item)
        self.due_label.setText(
            _("{late} demande(s) en retard, {soon} à traiter dans les 7 jours.").format(
                late=len(late), soon=len(soon)
            )
            if due
            else _("Aucune demande en retard ni à échéance proche.")
        )

    def _selected_request(self) -> gdpr_ops.RequestRow | None:
        row = self.requests_table.currentRow()
        return self._requests[row] if 0 <= row < len(self._requests) else None

    def extend_selected(self) -> None:
        """Extend the selected request, recording when the person was told."""
        request = self._selected_request()
        if request is None:
            return
        text, ok = QInputDialog.getText(
            self,
            _("Prolongation"),
            _("Date à laquelle la personne a été informée :"),
            text=format_date(today(self.ctx.database.clock)),
        )
        if ok:
            self._act(
                lambda op: gdpr_ops.extend_request(op, request.id, notified_on=parse_date(text))
            )

    def close_selected(self) -> None:
        """Close the selected request with the answer given."""
        request = self._selected_request()
        if request is None:
            return
        text, ok = QInputDialog.getText(self, _("Clore la demande"), _("Réponse apportée :"))
        if ok:
            self._act(lambda op: gdpr_ops.close_request(op, request.id, response=text))

    def _act(self, action: Callable[[OperationContext], Outcome[Any]]) -> None:
        """Run an action on the requests, then show them again (also after a failure)."""
        self.ctx.ops.op(
            action,
            parent=self,
            label=_("Enregistrement…"),
            on_finally=self.reload_requests,
        )

    def _selected_contact(self) -> int | None:
        request = self._selected_request()
        if request is None or request.contact_id is None:
            QMessageBox.information(
                self, _("RGPD"), _("Sélectionnez une demande liée à un contact.")
            )
            return None
        return request.contact_id

    def export_selected(self) -> None:
        """ZIP of the person's data (access, portability)."""
        contact_id = self._selected_contact()
        if contact_id is None:
            return
        folder = QFileDialog.getExistingDirectory(self, _("Dossier de l'export"))
        if folder:
            self.export_for_access(contact_id, Path(folder))

    def _exported(self, path: Path) -> None:
        QMessageBox.information(self, _("Export"), _("Export écrit : {path}").format(path=path))

    def export_for_access(self, contact_id: int, folder: Path) -> None:
        """Write the person's ZIP in the background."""
        self.ctx.ops.op(
            lambda op: gdpr_ops.export_for_access(op, contact_id, folder),
            parent=self,
            label=_("Export des données de la personne…"),
            on_success=self._exported,
        )

    def erase_selected(self) -> None:
        """Show what will be erased and kept, then erase after a backup."""
        contact_id = self._selected_contact()
        if contact_id is None:
            return
        self.ctx.ops.op(
            lambda op: gdpr_ops.erasure_preview(op, contact_id),
            parent=self,
            label=_("Préparation de l'effacement…"),
            on_success=self._confirm_erasure,
        )

    def _confirm_erasure(self, preview: ErasurePreview) -> None:
        text = _("Sera effacé :\n{erased}\n\nSera conservé :\n{kept}").format(
            erased="\n".join(f"• {e}" for e in preview.erased),
            kept="\n".join(f"• {w} — {y}" for w, y in preview.kept),
        )
        if (
            QMessageBox.question(self, _("Effacer {name} ?").format(name=preview.name), text)
            == QMessageBox.StandardButton.Yes
        ):
            self.erase(preview.contact_id)

    def erase(self, contact_id: int) -> None:
        """Erase in the background (automatic backup first), then show the requests again."""
        self.ctx.ops.op(
            lambda op: gdpr_ops.erase_person(op, contact_id),
            parent=self,
            label=_("Effacement en cours…"),
            on_success=lambda preview: self.due_label.setText(
                _("{name} : données effacées (ce que la loi impose est conservé).").format(
                    name=preview.name
                )
            ),
            on_finally=self.reload_requests,
            cancellable=False,
        )

    def toggle_restriction_selected(self) -> None:
        """Restrict the selected person, or lift the restriction."""
        contact_id = self._selected_contact()
        if contact_id is None:
            return
        self._act(lambda op: gdpr_ops.set_restriction(op, contact_id))

    # --- retention -------------------------------------------------------------------

    def _retention_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(
            wrapped_label(
                _(
                    "Règles : donateurs anonymisés 3 ans après leur dernier don ou contact ; "
                    "contacts "
                    "ayant un reçu fiscal conservés 6 ans après ce reçu."
                )
            )
        )
        preview = QPushButton(_("Lister les contacts concernés"))
        preview.clicked.connect(self.preview_retention)
        self.apply_retention_button = QPushButton(_("Anonymiser ces contacts…"))
        self.apply_retention_button.setEnabled(False)
        self.apply_retention_button.clicked.connect(self.apply_retention)
        row = QHBoxLayout()
        row.addWidget(preview)
        row.addWidget(self.apply_retention_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.retention_table = QTableWidget(0, 3)
        self.retention_table.setHorizontalHeaderLabels(
            [_("Contact"), _("Nom"), _("Dernière activité")]
        )
        self.retention_table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.retention_table, 1)
        return tab

    def preview_retention(self) -> None:
        """List the contacts past their retention period."""
        self.ctx.ops.op(
            gdpr_ops.retention_candidates,
            parent=self,
            label=_("Recherche des contacts concernés…"),
            on_success=self._show_candidates,
        )

    def _show_candidates(self, found: list[RetentionCandidate]) -> None:
        self.retention_table.setRowCount(len(found))
        for r, candidate in enumerate(found):
            for c, value in enumerate(
                (str(candidate.contact_id), candidate.name, format_date(candidate.last_activity))
            ):
                self.retention_table.setItem(r, c, QTableWidgetItem(value))
        self.apply_retention_button.setEnabled(bool(found))

    def apply_retention(self) -> None:
        """Anonymise them in the background after a backup (cancel changes nothing)."""
        self.ctx.ops.op(
            gdpr_ops.apply_retention,
            parent=self,
            label=_("Anonymisation en cours…"),
            on_success=lambda _count: self.preview_retention(),
        )
