"""GDPR: the register (edit, export), requests with deadlines, erasure, restriction, retention."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from app.core.backup import automatic_backup
from app.core.clock import today
from app.core.dates import format_date, parse_date
from app.core.gdpr import anonymise, register, requests, restriction, retention
from app.core.gdpr.subject_export import write_export
from app.errors import UserError, ValidationError
from app.i18n import N_, _
from app.models import RightsRequest
from app.models.enums import RightsRequestKind
from app.reports.register_export import write_register
from app.reports.subject_pdf import render_subject_pdf
from app.ui.context import UiContext
from app.ui.errors import show_error
from app.ui.widgets_common import wrapped_label

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
        with ctx.database.write() as session:
            register.ensure_default_register(session)
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
        new.clicked.connect(lambda: (self.activity_list.setCurrentRow(-1), self._clear_activity()))
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
        row.addLayout(form, 3)
        return tab

    def reload_register(self) -> None:
        """Show the activities."""
        with self.ctx.database.read() as session:
            items = register.activities(session)
        self.activity_ids = [a.id for a in items]
        self._activities = items
        self.activity_list.clear()
        self.activity_list.addItems([f"{a.reference} — {a.name}" for a in items])
        if items:
            self.activity_list.setCurrentRow(0)

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
        values = {
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
        try:
            with self.ctx.database.write() as session:
                register.save_activity(session, values, activity_id=activity_id)
        except UserError as exc:
            show_error(self, exc)
            return
        self.reload_register()

    def export_register_dialog(self, fmt: str) -> None:
        """Ask for a file and export the register."""
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Exporter le registre"), f"registre-rgpd.{fmt}"
        )
        if path:
            self.export_register(Path(path), fmt)

    def export_register(self, path: Path, fmt: str) -> None:
        """Export the register to `path`."""
        with self.ctx.database.read() as session:
            write_register(path, register.header(session), register.activities(session), fmt)

    # --- requests --------------------------------------------------------------------

    def _requests_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        form = QHBoxLayout()
        self.request_kind = QComboBox()
        for kind, label in requests.KIND_LABELS.items():
            self.request_kind.addItem(_(label), kind)
        self.requester = QLineEdit()
        self.requester.setPlaceholderText(_("Demandeur"))
        self.request_contact = QSpinBox(
            minimum=0, maximum=10**9, specialValueText=_("contact n° —")
        )
        self.request_received = QLineEdit(format_date(today(self.ctx.database.clock)))
        self.identity_check = QLineEdit()
        self.identity_check.setPlaceholderText(_("Vérification d'identité"))
        add = QPushButton(_("Enregistrer la demande"))
        add.clicked.connect(self.add_request)
        for widget in (
            self.request_kind,
            self.requester,
            self.request_contact,
            self.request_received,
            self.identity_check,
            add,
        ):
            form.addWidget(widget)
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
        """Log a new request."""
        try:
            received = parse_date(self.request_received.text(), field="received_on")
            with self.ctx.database.write() as session:
                requests.log_request(
                    session,
                    kind=RightsRequestKind(self.request_kind.currentData()),
                    received_on=received,
                    requester=self.requester.text(),
                    contact_id=self.request_contact.value() or None,
                    identity_check=self.identity_check.text(),
                )
        except (UserError, ValidationError) as exc:
            show_error(self, exc)
            return
        self.requester.clear()
        self.identity_check.clear()
        self.reload_requests()

    def reload_requests(self) -> None:
        """Show the requests, overdue in red, due soon in orange."""
        day = today(self.ctx.database.clock)
        with self.ctx.database.read() as session:
            rows = list(session.scalars(select(RightsRequest).order_by(RightsRequest.due_on)))
            due = requests.requests_due(session, day)
        self._requests = rows
        self.requests_table.setRowCount(len(rows))
        late = {d.id for d in due if d.overdue}
        soon = {d.id for d in due if not d.overdue}
        for r, request in enumerate(rows):
            values = (
                str(request.id),
                _(requests.KIND_LABELS[request.kind]),
                request.requester,
                str(request.contact_id or ""),
                format_date(request.received_on),
                format_date(request.due_on),
                _(STATUS_LABELS[str(request.status)]),
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if request.id in late:
                    item.setBackground(QColor("#f8d0d0"))
                elif request.id in soon:
                    item.setBackground(QColor("#fde9c8"))
                self.requests_table.setItem(r, c, item)
        self.due_label.setText(
            _("{late} demande(s) en retard, {soon} à traiter dans les 7 jours.").format(
                late=len(late), soon=len(soon)
            )
            if due
            else _("Aucune demande en retard ni à échéance proche.")
        )

    def _selected_request(self) -> RightsRequest | None:
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
            self._act(lambda s: requests.extend(s, request.id, notified_on=parse_date(text)))

    def close_selected(self) -> None:
        """Close the selected request with the answer given."""
        request = self._selected_request()
        if request is None:
            return
        text, ok = QInputDialog.getText(self, _("Clore la demande"), _("Réponse apportée :"))
        if ok:
            self._act(
                lambda s: requests.close(
                    s, request.id, closed_on=today(self.ctx.database.clock), response=text
                )
            )

    def _act(self, action) -> None:  # type: ignore[no-untyped-def]
        try:
            with self.ctx.database.write() as session:
                action(session)
        except (UserError, ValidationError) as exc:
            show_error(self, exc)
        self.reload_requests()

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
            with self.ctx.database.write() as session:
                path = write_export(
                    session, contact_id, Path(folder), render_pdf=render_subject_pdf
                )
            QMessageBox.information(self, _("Export"), _("Export écrit : {path}").format(path=path))

    def erase_selected(self) -> None:
        """Show what will be erased and kept, then erase after a backup."""
        contact_id = self._selected_contact()
        if contact_id is None:
            return
        with self.ctx.database.read() as session:
            preview = anonymise.preview_erasure(session, contact_id)
        text = _("Sera effacé :\n{erased}\n\nSera conservé :\n{kept}").format(
            erased="\n".join(f"• {e}" for e in preview.erased),
            kept="\n".join(f"• {w} — {y}" for w, y in preview.kept),
        )
        if (
            QMessageBox.question(self, _("Effacer {name} ?").format(name=preview.name), text)
            == QMessageBox.StandardButton.Yes
        ):
            self.erase(contact_id)

    def erase(self, contact_id: int) -> None:
        """Erase now (backup first)."""
        database = self.ctx.database
        automatic_backup(database.engine, database.backup_dir, reason="anonymisation")
        self._act(lambda s: anonymise.anonymise(s, contact_id, clock=database.clock))
        self.ctx.events.changed.emit("contact")

    def toggle_restriction_selected(self) -> None:
        """Restrict the selected person, or lift the restriction."""
        contact_id = self._selected_contact()
        if contact_id is None:
            return
        from app.models import Contact

        with self.ctx.database.read() as session:
            restricted = bool(session.get(Contact, contact_id).restricted)  # type: ignore[union-attr]
        self._act(
            lambda s: (
                restriction.lift(s, contact_id)
                if restricted
                else restriction.restrict(s, contact_id, reason=_("demande de limitation"))
            )
        )
        self.ctx.events.changed.emit("contact")

    # --- retention -------------------------------------------------------------------

    def _retention_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(
            wrapped_label(
                _(
                    "Règles : donateurs anonymisés 3 ans après leur dernier don ou contact ; contacts "
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
        with self.ctx.database.read() as session:
            found = retention.candidates(session, on=today(self.ctx.database.clock))
        self.retention_table.setRowCount(len(found))
        for r, candidate in enumerate(found):
            for c, value in enumerate(
                (str(candidate.contact_id), candidate.name, format_date(candidate.last_activity))
            ):
                self.retention_table.setItem(r, c, QTableWidgetItem(value))
        self.apply_retention_button.setEnabled(bool(found))

    def apply_retention(self) -> None:
        """Anonymise them in the background after a backup (cancel changes nothing)."""
        database = self.ctx.database

        def work(progress, cancel):  # type: ignore[no-untyped-def]
            automatic_backup(database.engine, database.backup_dir, reason="retention")
            with database.write() as session:
                return retention.apply(
                    session, clock=database.clock, progress=progress, cancel=cancel
                )

        self.ctx.tasks.run(
            work,
            parent=self,
            label=_("Anonymisation en cours…"),
            on_success=lambda n: (
                self.preview_retention(),
                self.ctx.events.changed.emit("contact"),
            ),
        )
