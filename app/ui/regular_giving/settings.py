"""Settings of memberships and SEPA direct debits: the creditor, the types, the renewal window.

A tab of the Settings page (and the types box alone, from the members screen). Every read and
write goes through the database runner (operations shared with `obole sepa creditor` and
`obole member type-add|type-edit|type-deactivate|renewal-days`); the creditor's fields are
all checked at once before saving, each error shown under its field.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.orm import Session

from app.core.memberships import service as memberships
from app.core.memberships.service import KIND_LABELS, PERIOD_LABELS
from app.core.money import format_eur
from app.core.sepa import creditor as creditor_settings
from app.core.sepa.accounts import grouped_iban
from app.core.sepa.creditor import CreditorSettings
from app.errors import ValidationError
from app.i18n import N_, _
from app.models.enums import MembershipKind, MembershipPeriod
from app.operations import memberships as member_ops
from app.operations import sepa as sepa_ops
from app.operations.base import Change, Changes
from app.ui.regular_giving.dialogs import MembershipTypeDialog, fill_table, make_table
from app.ui.shell.context import UiContext
from app.ui.widgets.common import FieldErrors, wrapped_label

CREDITOR_LABELS = {
    "name": N_("Nom du créancier (sur le fichier de la banque)"),
    "creditor_id": N_("Identifiant créancier SEPA (ICS)"),
    "iban": N_("IBAN du compte de l'association"),
    "bic": N_("BIC"),
    "prenotice_days": N_("Pré-notification (jours avant le prélèvement)"),
    "reject_limit": N_("Rejets consécutifs avant suspension"),
}
WATCHED = {Change.MEMBERSHIPS, Change.SETTINGS}


@dataclass(frozen=True)
class _Stored:
    creditor: CreditorSettings
    renewal_days: int
    types: list[member_ops.TypeResult]


def _read(session: Session) -> _Stored:
    return _Stored(
        creditor_settings.load_creditor(session),
        memberships.renewal_days(session),
        [member_ops.type_result(t) for t in memberships.list_types(session)],
    )


class CreditorBox(QGroupBox):
    """The association as a SEPA creditor: name, ICS, account, notice and reject rules."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(_("Créancier SEPA (prélèvements)"))
        self.ctx = ctx
        self.errors = FieldErrors()
        form = QFormLayout(self)
        self.editors: dict[str, QLineEdit] = {}
        for name in ("name", "creditor_id", "iban", "bic"):
            editor = QLineEdit()
            editor.setObjectName(f"creditor_{name}")
            editor.setAccessibleName(_(CREDITOR_LABELS[name]))
            self.editors[name] = editor
            form.addRow(_(CREDITOR_LABELS[name]), self.errors.cell(name, editor))
        self.editors["creditor_id"].setPlaceholderText("FR72ZZZ123456")
        self.editors["iban"].setPlaceholderText("FR76 3000 6000 0112 3456 7890 189")
        self.editors["bic"].setPlaceholderText(_("facultatif pour un IBAN français"))
        self.prenotice_days = self._spin("prenotice_days", 0, 60, form)
        self.reject_limit = self._spin("reject_limit", 1, 12, form)
        bar = QHBoxLayout()
        self.status = wrapped_label("")
        self.status.setObjectName("creditor_status")
        self.save_button = QPushButton(_("Enregistrer le créancier"))
        self.save_button.clicked.connect(self.save)
        bar.addWidget(self.status, 1)
        bar.addWidget(self.save_button)
        form.addRow(bar)

    def _spin(self, name: str, low: int, high: int, form: QFormLayout) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setMaximumWidth(90)
        spin.setObjectName(f"creditor_{name}")
        spin.setAccessibleName(_(CREDITOR_LABELS[name]))
        form.addRow(_(CREDITOR_LABELS[name]), self.errors.cell(name, spin))
        return spin

    def show_stored(self, stored: CreditorSettings) -> None:
        """Show what is saved."""
        for name, editor in self.editors.items():
            value = getattr(stored, name)
            editor.setText(grouped_iban(value) if name == "iban" and value else value)
        self.prenotice_days.setValue(stored.prenotice_days)
        self.reject_limit.setValue(stored.reject_limit)
        self.errors.show({})

    def typed(self) -> CreditorSettings:
        """The settings as typed."""
        return CreditorSettings(
            **{name: editor.text() for name, editor in self.editors.items()},
            prenotice_days=self.prenotice_days.value(),
            reject_limit=self.reject_limit.value(),
        )

    def save(self) -> None:
        """Check every field, then save through the operation (in the background)."""
        clean, problems = creditor_settings.checked(self.typed())
        self.errors.show({str(p.field): str(p) for p in problems})
        if problems:
            self.status.setText(_("Corrigez les champs signalés : rien n'a été enregistré."))
            return
        self.save_button.setEnabled(False)
        self.ctx.ops.op(
            lambda context: sepa_ops.save_creditor(context, clean),
            parent=self,
            label=_("Enregistrement du créancier…"),
            on_success=self._saved,
            on_failure=self._failed,
            on_finally=lambda: self.save_button.setEnabled(True),
            cancellable=False,
        )

    def _saved(self, saved: CreditorSettings) -> None:
        self.show_stored(saved)
        self.status.setText(_("Créancier SEPA enregistré."))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and exc.field:
            self.errors.show({exc.field: str(exc)})
            self.status.setText(_("Corrigez les champs signalés : rien n'a été enregistré."))
            return
        from app.ui.shell.errors import show_error

        show_error(self, exc)


class MembershipTypesBox(QGroupBox):
    """The membership types (create, change, deactivate) and the renewal window."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(_("Adhésions"))
        self.ctx = ctx
        layout = QVBoxLayout(self)
        window = QHBoxLayout()
        window.addWidget(QLabel(_("« À renouveler » à partir de")))
        self.renewal_days = QSpinBox()
        self.renewal_days.setRange(0, 180)
        self.renewal_days.setSuffix(_(" jours avant la fin"))
        self.renewal_days.setObjectName("renewal_days")
        self.renewal_days.setAccessibleName(_("Délai de renouvellement"))
        self.renewal_button = QPushButton(_("Enregistrer le délai"))
        self.renewal_button.clicked.connect(self.save_renewal_days)
        window.addWidget(self.renewal_days)
        window.addWidget(self.renewal_button)
        window.addStretch(1)
        layout.addLayout(window)
        self.table = make_table(
            [_("N°"), _("Nom"), _("Catégorie"), _("Cotisation"), _("Période"), _("État")]
        )
        self.table.setMinimumHeight(120)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        layout.addWidget(self.table, 1)
        bar = QHBoxLayout()
        self.new_button = QPushButton(_("Nouveau type…"))
        self.edit_button = QPushButton(_("Modifier…"))
        self.active_button = QPushButton(_("Désactiver"))
        self.new_button.clicked.connect(self.new_type)
        self.edit_button.clicked.connect(self.edit_selected)
        self.active_button.clicked.connect(self.toggle_selected)
        for button in (self.new_button, self.edit_button, self.active_button):
            bar.addWidget(button)
        self.status = wrapped_label("")
        self.status.setObjectName("types_status")
        bar.addWidget(self.status, 1)
        layout.addLayout(bar)
        self.types: list[member_ops.TypeResult] = []
        self.dialog: MembershipTypeDialog | None = None
        self._selection_changed()

    def show_stored(self, types: list[member_ops.TypeResult], renewal_days: int) -> None:
        """Show the stored types and window."""
        self.types = types
        self.renewal_days.setValue(renewal_days)
        fill_table(
            self.table,
            [
                [
                    str(t.type_id),
                    t.name,
                    _(KIND_LABELS[MembershipKind(t.kind)]),
                    format_eur(t.fee_cents),
                    _(PERIOD_LABELS[MembershipPeriod(t.period)]),
                    _("actif") if t.active else _("désactivé"),
                ]
                for t in types
            ],
        )
        self._selection_changed()

    def selected(self) -> member_ops.TypeResult | None:
        """The type of the selected row."""
        row = self.table.currentRow()
        selected = self.table.selectionModel().hasSelection()
        return self.types[row] if selected and 0 <= row < len(self.types) else None

    def _selection_changed(self) -> None:
        chosen = self.selected()
        self.edit_button.setEnabled(chosen is not None)
        self.active_button.setEnabled(chosen is not None)
        self.active_button.setText(
            _("Réactiver") if chosen is not None and not chosen.active else _("Désactiver")
        )

    def new_type(self) -> MembershipTypeDialog:
        """Open the form of a new type."""
        return self._open(MembershipTypeDialog(self.ctx, None, self))

    def edit_selected(self) -> MembershipTypeDialog | None:
        """Open the form of the selected type."""
        chosen = self.selected()
        return None if chosen is None else self._open(MembershipTypeDialog(self.ctx, chosen, self))

    def _open(self, dialog: MembershipTypeDialog) -> MembershipTypeDialog:
        dialog.accepted.connect(lambda: self._changed(dialog.result_value))
        dialog.open()
        self.dialog = dialog
        return dialog

    def _changed(self, result: member_ops.TypeResult) -> None:
        self.status.setText(_("Type « {name} » enregistré.").format(name=result.name))
        self.ctx.events.notify(WATCHED)

    def toggle_selected(self) -> None:
        """Deactivate the selected type (no new membership of it), or reactivate it."""
        chosen = self.selected()
        if chosen is None:
            return
        self.ctx.ops.op(
            lambda context: member_ops.set_type_active(
                context, chosen.type_id, active=not chosen.active
            ),
            parent=self,
            label=_("Enregistrement…"),
            on_success=lambda result: self.status.setText(
                (
                    _("Type « {name} » réactivé.")
                    if result.active
                    else _("Type « {name} » désactivé : plus de nouvelle adhésion de ce type.")
                ).format(name=result.name)
            ),
            cancellable=False,
        )

    def save_renewal_days(self) -> None:
        """Save the renewal window."""
        days = self.renewal_days.value()
        self.ctx.ops.op(
            lambda context: member_ops.set_renewal_days(context, days),
            parent=self,
            label=_("Enregistrement…"),
            on_success=lambda saved: self.status.setText(
                _("Délai enregistré : « à renouveler » {days} jours avant la fin.").format(
                    days=saved
                )
            ),
            cancellable=False,
        )


class RegularGivingSettings(QScrollArea):
    """The Settings tab "Adhésions et prélèvements": creditor box above, types below."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__(widgetResizable=True)
        self.ctx = ctx
        self.setObjectName("regular_giving_settings")
        inner = QWidget()
        layout = QVBoxLayout(inner)
        self.creditor = CreditorBox(ctx)
        self.types = MembershipTypesBox(ctx)
        layout.addWidget(self.creditor)
        layout.addWidget(self.types, 1)
        self.setWidget(inner)
        ctx.events.changes.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        """Read the stored settings in the background, then show them."""
        self.ctx.ops.query(_read, parent=self, on_success=self._show)

    def _show(self, stored: _Stored) -> None:
        self.creditor.show_stored(stored.creditor)
        self.types.show_stored(stored.types, stored.renewal_days)

    def _on_changed(self, changes: Changes) -> None:
        if changes & WATCHED:
            self.reload()


class MembershipTypesDialog(QDialog):
    """The types box alone, opened from the members screen."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Types d'adhésion"))
        layout = QVBoxLayout(self)
        self.types = MembershipTypesBox(ctx)
        layout.addWidget(self.types, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(760, 420)
        ctx.events.changes.connect(self._on_changed)
        self.reload()

    def reload(self) -> None:
        """Read the types in the background."""
        self.ctx.ops.query(_read, parent=self, on_success=self._show)

    def _show(self, stored: _Stored) -> None:
        self.types.show_stored(stored.types, stored.renewal_days)

    def _on_changed(self, changes: Changes) -> None:
        if changes & WATCHED:
            self.reload()
