"""Appeals and thank-yous: create an appeal, see whom it reaches and whom it leaves out (and
why), print its letters and labels or send its e-mails, read its results; edit the letters
with a live preview; thank the givers. Every database action runs through the task runner.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.appeals import letters as templates
from app.core.appeals.emailing import SendReport
from app.core.appeals.preparation import AppealPlan, plan_summary
from app.core.appeals.results import AppealResults, results_summary
from app.core.appeals.sending import AppealDraft
from app.core.clock import today
from app.core.contacts.segments import SEGMENTS
from app.core.money import parse_eur
from app.errors import ValidationError
from app.i18n import N_, _
from app.models.enums import Channel
from app.operations import appeals as ops
from app.operations.base import Change, OperationContext
from app.reports.labels_pdf import ENVELOPES, SHEETS
from app.ui.shell.context import UiContext
from app.ui.shell.forms import Form
from app.ui.widgets.common import wrapped_label

CHANNELS = {"post": N_("Courrier"), "email": N_("E-mail")}
SAMPLE = templates.values_for(
    salutation="Chère Madame Dupont,",
    civility="Mme",
    first_name="Hélène",
    last_name="Dupont",
    association="Les Amis du Parc",
    last_gift_cents=5000,
    last_gift_on=date(2025, 11, 2),
    year_total_cents=8000,
    amount_asked_cents=6000,
    gift_cents=5000,
    gift_on=date(2025, 11, 2),
    membership="Individuelle",
    membership_ends_on=date(2026, 12, 31),
    fee_cents=2500,
)


class AppealDialog(Form):
    """A new appeal: name, channel, target, date, cost, response window."""

    def __init__(
        self, ctx: UiContext, filters: list[str], segments: dict[str, str], parent: QWidget
    ) -> None:
        super().__init__(ctx, _("Nouvel appel"), parent)
        self.name = QLineEdit()
        self.channel = QComboBox()
        for key, label in CHANNELS.items():
            self.channel.addItem(_(label), key)
        self.target = QComboBox()
        self.target.addItem(_("Tous les contacts"), ("all", ""))
        for name in filters:
            self.target.addItem(_("Filtre : {name}").format(name=name), ("filter", name))
        for key, label in segments.items():
            self.target.addItem(_("Segment : {name}").format(name=label), ("segment", key))
        day = today(ctx.database.clock) + timedelta(days=7)
        self.send_on = QDateEdit(QDate(day.year, day.month, day.day))
        self.send_on.setCalendarPopup(True)
        self.send_on.setDisplayFormat("dd/MM/yyyy")
        self.cost = QLineEdit("0")
        self.response_days = QSpinBox()
        self.response_days.setRange(1, 730)
        self.response_days.setValue(90)
        self.row(_("Nom"), "name", self.name)
        self.row(_("Canal"), "channel", self.channel)
        self.row(_("Cible"), "target", self.target)
        self.row(_("Date d'envoi"), "send_on", self.send_on)
        self.row(_("Coût (€)"), "cost", self.cost)
        self.row(_("Fenêtre de réponse (jours)"), "response_days", self.response_days)

    def submit(self) -> None:
        """Create the appeal in the background; errors next to their field."""
        try:
            cost = parse_eur(self.cost.text() or "0")
        except ValidationError as exc:
            self.errors.show({"cost": str(exc)})
            return
        kind, target = self.target.currentData()
        value = self.send_on.date()
        draft = AppealDraft(
            name=self.name.text(),
            channel=Channel(self.channel.currentData()),
            target_kind=kind,
            target=target,
            send_on=date(value.year(), value.month(), value.day()),
            cost_cents=cost,
            response_days=self.response_days.value(),
        )
        context = self.operation_context()
        self.run(lambda: ops.create(context, draft).result, _("Création de l'appel…"))


class TemplateDialog(QDialog):
    """Edit a letter template; the preview shows it merged with an example donor."""

    def __init__(self, ctx: UiContext, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Modèles de lettres"))
        self.kind = QComboBox()
        for key, label in templates.KINDS.items():
            self.kind.addItem(_(label), key)
        self.subject = QLineEdit()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.preview = wrapped_label("")
        self.preview.setObjectName("template_preview")
        self.problem = wrapped_label("")
        fields = ", ".join("{" + name + "}" for name in templates.FIELDS)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow(_("Lettre"), self.kind)
        form.addRow(_("Objet"), self.subject)
        form.addRow(_("Texte"), self.body)
        layout.addLayout(form)
        layout.addWidget(wrapped_label(_("Champs : {fields}").format(fields=fields)))
        layout.addWidget(QLabel(f"<b>{_('Aperçu')}</b>"))
        layout.addWidget(self.preview)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(lambda _i: self.load())
        self.subject.textChanged.connect(lambda _t: self.refresh_preview())
        self.body.textChanged.connect(self.refresh_preview)
        self.load()

    def _template(self) -> templates.Template:
        return templates.Template(
            self.kind.currentData(), self.subject.text(), self.body.toPlainText()
        )

    def load(self) -> None:
        """Load the chosen template."""
        context, kind = OperationContext(self.ctx.database), self.kind.currentData()
        self.ctx.ops.task(
            lambda _p, _c: ops.load_template(context, kind),
            parent=self,
            label=_("Chargement…"),
            on_success=self._show,
        )

    def _show(self, template: templates.Template) -> None:
        self.subject.setText(template.subject)
        self.body.setPlainText(template.body)

    def refresh_preview(self) -> None:
        """Merge the text with the example donor, or say which field is wrong."""
        template = self._template()
        try:
            templates.check_template(template)
        except ValidationError as exc:
            self.problem.setText(str(exc))
            return
        self.problem.setText("")
        merged = (
            templates.merge(template.subject, SAMPLE)
            + "\n\n"
            + templates.merge(template.body, SAMPLE)
        )
        self.preview.setText(merged)

    def save(self) -> None:
        """Store the template."""
        context, template = OperationContext(self.ctx.database), self._template()
        self.ctx.ops.task(
            lambda _p, _c: ops.save_template(context, template),
            parent=self,
            label=_("Enregistrement…"),
            on_success=lambda _r: self.problem.setText(_("Modèle enregistré.")),
        )


class AppealsPage(QWidget):
    """Fundraisers' screen: appeals, their letters, labels, e-mails and results; thank-yous."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.views: list[ops.AppealView] = []
        self.plan: AppealPlan | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{_('Appels et remerciements')}</h2>"))
        bar = QHBoxLayout()
        self.new_button = QPushButton(_("Nouvel appel…"))
        self.prepare_button = QPushButton(_("Destinataires"))
        self.letters_button = QPushButton(_("Imprimer les lettres…"))
        self.label_format = QComboBox()
        self.label_format.setAccessibleName(_("Format des étiquettes"))
        for key in [*SHEETS, *ENVELOPES]:
            self.label_format.addItem(key, key)
        self.labels_button = QPushButton(_("Étiquettes…"))
        self.send_button = QPushButton(_("Envoyer les e-mails"))
        self.results_button = QPushButton(_("Résultats"))
        for button in (
            self.new_button,
            self.prepare_button,
            self.letters_button,
            self.label_format,
            self.labels_button,
            self.send_button,
            self.results_button,
        ):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [_("Date"), _("Appel"), _("Canal"), _("Cible"), _("Envoyé")]
        )
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.summary = wrapped_label(_("Choisissez un appel, ou créez-en un."))
        self.summary.setObjectName("appeal_summary")
        layout.addWidget(self.summary)
        more = QHBoxLayout()
        self.export_button = QPushButton(_("Exporter les écartés…"))
        self.templates_button = QPushButton(_("Modèles de lettres…"))
        self.thanks_button = QPushButton(_("Lettres de remerciement…"))
        for button in (self.export_button, self.templates_button, self.thanks_button):
            more.addWidget(button)
        more.addStretch(1)
        layout.addLayout(more)
        self.new_button.clicked.connect(self.new_appeal)
        self.prepare_button.clicked.connect(self.prepare)
        self.letters_button.clicked.connect(self.print_letters)
        self.labels_button.clicked.connect(self.print_labels)
        self.send_button.clicked.connect(self.send_emails)
        self.results_button.clicked.connect(self.show_results)
        self.export_button.clicked.connect(self.export_left_out)
        self.templates_button.clicked.connect(self.edit_templates)
        self.thanks_button.clicked.connect(self.thank)
        ctx.events.changes.connect(
            lambda changes: (
                self.reload()
                if changes & {Change.APPEALS, Change.CONTACTS, Change.GIFTS, Change.SETTINGS}
                else None
            )
        )
        self.dialog: QDialog | None = None
        self.reload()

    def _context(self) -> OperationContext:
        return OperationContext(self.ctx.database)

    def _run(self, work: Any, label: str, done: Any, *, cancellable: bool = False) -> None:
        self.ctx.ops.task(
            lambda progress, cancel: work(progress, cancel),
            parent=self,
            label=label,
            on_success=done,
            cancellable=cancellable,
        )

    def reload(self) -> None:
        """Load the appeals."""
        context = self._context()
        self._run(lambda _p, _c: ops.list_appeals(context), _("Chargement des appels…"), self._show)

    def _show(self, views: list[ops.AppealView]) -> None:
        self.views = views
        self.table.setRowCount(len(views))
        for row, v in enumerate(views):
            target = {
                "all": _("tous"),
                "filter": v.target,  # the saved filter's own name
                "segment": _("segment {name}").format(name=_(SEGMENTS.get(v.target, v.target))),
            }[v.target_kind]
            for column, text in enumerate(
                (
                    f"{v.send_on:%d/%m/%Y}",
                    v.name,
                    _(CHANNELS[v.channel]),
                    target,
                    _("oui") if v.sent else "",
                )
            ):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        if views and self.table.currentRow() < 0:
            self.table.selectRow(0)

    def selected(self) -> ops.AppealView | None:
        """The appeal chosen in the list (None, with a message, when there is none)."""
        row = self.table.currentRow()
        if 0 <= row < len(self.views):
            return self.views[row]
        QMessageBox.information(self, _("Appels"), _("Choisissez d'abord un appel dans la liste."))
        return None

    def new_appeal(self) -> None:
        """Open the new-appeal form once the targets are known (self.dialog)."""
        context = self._context()
        self._run(lambda _p, _c: ops.targets(context), _("Chargement…"), self._open_new)

    def _open_new(self, loaded: tuple[list[str], dict[str, str]]) -> None:
        dialog = AppealDialog(self.ctx, loaded[0], loaded[1], self)
        dialog.accepted.connect(lambda: self.ctx.events.notify({Change.APPEALS}))
        dialog.open()
        self.dialog = dialog

    def prepare(self) -> None:
        """Whom the appeal reaches, and whom it leaves out by reason."""
        view = self.selected()
        if view is None:
            return
        context = self._context()
        self._run(
            lambda _p, _c: ops.prepare(context, view.appeal_id),
            _("Calcul des destinataires…"),
            self._show_plan,
        )

    def _show_plan(self, plan: AppealPlan) -> None:
        self.plan = plan
        self.summary.setText("\n".join(plan_summary(plan)))

    def _save_path(self, title: str, name: str, filter_: str) -> Path | None:
        path, _chosen = QFileDialog.getSaveFileName(self, title, name, filter_)
        return Path(path) if path else None

    def print_letters(self) -> None:
        """Print a postal appeal (the first print sends it)."""
        view = self.selected()
        if view is None:
            return
        out = self._save_path(_("Lettres"), f"lettres-{view.appeal_id}.pdf", "PDF (*.pdf)")
        if out is None:
            return
        context = self._context()
        self._run(
            lambda _p, _c: ops.print_letters(context, view.appeal_id, out).result,
            _("Impression des lettres…"),
            self._letters_printed,
        )

    def _letters_printed(self, result: ops.PrintResult) -> None:
        self.summary.setText(
            _("{n} lettre(s) écrite(s) dans {out}.").format(n=result.count, out=result.path)
        )
        self.ctx.events.notify({Change.APPEALS})

    def print_labels(self) -> None:
        """Labels or envelopes for the appeal's recipients."""
        view = self.selected()
        if view is None:
            return
        layout = self.label_format.currentData()
        out = self._save_path(_("Étiquettes"), f"etiquettes-{view.appeal_id}.pdf", "PDF (*.pdf)")
        if out is None:
            return
        context = self._context()
        self._run(
            lambda _p, _c: ops.print_labels(context, view.appeal_id, out, layout=layout).result,
            _("Impression des étiquettes…"),
            lambda r: self.summary.setText(
                _("{n} adresse(s) sur {pages} page(s) : {out}.").format(
                    n=r.count, pages=r.pages, out=r.path
                )
            ),
        )

    def send_emails(self) -> None:
        """Send an e-mail appeal in the background (cancel pauses it; sending again resumes)."""
        view = self.selected()
        if view is None:
            return
        database = self.ctx.database
        self._run(
            lambda progress, cancel: (
                ops.send_emails(OperationContext(database, progress, cancel), view.appeal_id).result
            ),
            _("Envoi des e-mails…"),
            self._emails_sent,
            cancellable=True,
        )

    def _emails_sent(self, report: SendReport) -> None:
        self.summary.setText(
            _("{sent} e-mail(s) envoyé(s), {failed} en échec, {remaining} restant(s).").format(
                sent=report.sent, failed=report.failed, remaining=report.remaining
            )
        )
        self.ctx.events.notify({Change.APPEALS})

    def show_results(self) -> None:
        """What the appeal brought."""
        view = self.selected()
        if view is None:
            return
        context = self._context()
        self._run(
            lambda _p, _c: ops.appeal_results(context, view.appeal_id),
            _("Calcul…"),
            self._show_results,
        )

    def _show_results(self, r: AppealResults) -> None:
        self.summary.setText("\n".join(results_summary(r)))

    def export_left_out(self) -> None:
        """The people left out, with the reason, as CSV/XLSX."""
        view = self.selected()
        if view is None:
            return
        out = self._save_path(
            _("Écartés"), f"ecartes-{view.appeal_id}.csv", "CSV (*.csv);;Excel (*.xlsx)"
        )
        if out is None:
            return
        context = self._context()
        self._run(
            lambda _p, _c: ops.export_left_out(context, view.appeal_id, out).result,
            _("Export…"),
            lambda n: self.summary.setText(
                _("{n} contact(s) écarté(s) exporté(s) dans {out}.").format(n=n, out=out)
            ),
        )

    def edit_templates(self) -> QDialog:
        """The letter templates with their live preview."""
        dialog = TemplateDialog(self.ctx, self)
        dialog.open()
        self.dialog = dialog
        return dialog

    def thank(self) -> None:
        """Thank-you letters for every gift not thanked yet."""
        out = self._save_path(
            _("Lettres de remerciement"),
            f"remerciements-{today(self.ctx.database.clock):%Y-%m-%d}.pdf",
            "PDF (*.pdf)",
        )
        if out is None:
            return
        context = self._context()
        self._run(
            lambda _p, _c: ops.thank_letters(context, out).result,
            _("Lettres de remerciement…"),
            lambda r: self.summary.setText(
                _("{n} lettre(s) de remerciement écrite(s) dans {out}.").format(
                    n=r.count, out=r.path
                )
                if r.count
                else _("Aucun don à remercier.")
            ),
        )
