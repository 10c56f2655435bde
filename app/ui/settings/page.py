"""Settings: the association's identity printed on tax receipts, validated field by field."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.organisation import OrganisationIdentity, validate
from app.core.receipts.categories import CATEGORIES
from app.core.receipts.readiness import HAND_SIGNATURE_SETTING
from app.core.receipts.settings import ReceiptSettings, validate_receipt_settings
from app.errors import UserError, ValidationError
from app.i18n import N_, _
from app.operations import organisation as organisation_ops
from app.operations.receipts import save_settings
from app.ui.regular_giving.settings import RegularGivingSettings
from app.ui.shell.context import UiContext
from app.ui.shell.errors import explain_text, show_error
from app.ui.shell.theme import text_style

# Receipt settings (issue #15): the text fields, then the check boxes with what they mean.
RECEIPT_TEXT_FIELDS: dict[str, str] = {
    "rup_decree_on": N_("Reconnaissance d'utilité publique : décret du (JJ/MM/AAAA)"),
    "rup_jo_on": N_("… publié au Journal officiel du (JJ/MM/AAAA)"),
    "agreement_on": N_("Date de l'agrément (JJ/MM/AAAA)"),
    "other_wording": N_("Catégorie « Autres » : précisez (imprimé sur les reçus)"),
}
RECEIPT_CHECKS: dict[str, tuple[str, str]] = {
    "ifi_eligible": (
        N_("Organisme éligible à la réduction d'IFI (art. 978 du CGI)"),
        N_(
            "Seuls les dons en numéraire et de titres cotés sont portés sous l'article 978 ; "
            "les autres dons reçoivent leur propre reçu, sans la case 978."
        ),
    ),
    "applies_75_percent": (
        N_("Réduction de 75 % (aide aux personnes en difficulté, victimes de violences)"),
        N_("Les reçus annuels 2025 détaillent les dons avant et après le 14/10/2025."),
    ),
    "hand_signature": (
        HAND_SIGNATURE_SETTING,
        N_(
            "Sans image de signature, les reçus sont imprimés avec un cadre pour la signature "
            "manuscrite ; ils ne peuvent alors être ni envoyés par courriel ni enregistrés en PDF."
        ),
    ),
    "membership_fees": (
        N_("Inclure les cotisations dans les reçus fiscaux"),
        N_(
            "Seulement si la cotisation ne donne droit à aucune contrepartie (pas d'accès à des "
            "activités, cours, licence ou services réservés aux membres). Désactivé par défaut."
        ),
    ),
}

FIELD_LABELS: dict[str, str] = {
    "name": N_("Nom de l'association"),
    "siren": N_("N° SIREN"),
    "rna": N_("N° RNA"),
    "address_line": N_("Adresse (n° et voie)"),
    "address_complement": N_("Complément d'adresse"),
    "postcode": N_("Code postal"),
    "city": N_("Commune"),
    "country": N_("Pays"),
    "purpose": N_("Objet"),
    "receipt_category": N_("Catégorie (reçus fiscaux)"),
    "signatory_name": N_("Nom du signataire"),
    "signatory_title": N_("Qualité du signataire"),
    "email": N_("Courriel"),
    "phone": N_("Téléphone"),
    "dpo_name": N_("Délégué à la protection des données"),
    "dpo_contact": N_("Contact du délégué"),
}
MULTILINE = {"purpose"}


class SettingsPage(QWidget):
    """Edits OrganisationIdentity; errors show under the field and nothing is saved."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self._ctx = ctx
        self.editors: dict[str, QLineEdit | QPlainTextEdit | QComboBox] = {}
        self.errors: dict[str, QLabel] = {}
        outer = QVBoxLayout(self)
        outer.addWidget(QLabel(f"<h2>{_('Paramètres')}</h2>"))
        scroll = QScrollArea(widgetResizable=True)
        box = QGroupBox(_("Identité de l'association (imprimée sur les reçus fiscaux)"))
        form = QFormLayout(box)
        for name in (f.name for f in fields(OrganisationIdentity)):
            editor: QLineEdit | QPlainTextEdit | QComboBox = (
                QPlainTextEdit() if name in MULTILINE else QLineEdit()
            )
            if name == "receipt_category":
                editor = QComboBox()
                editor.addItem(_("(à choisir)"), "")
                for key, label in CATEGORIES.items():
                    editor.addItem(_(label), key)
                # long category names must not widen the page past a laptop screen
                editor.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
                )
                editor.setMinimumContentsLength(24)
            if isinstance(editor, QPlainTextEdit):
                editor.setFixedHeight(70)
            editor.setObjectName(f"field_{name}")
            error = QLabel("")
            error.setObjectName(f"error_{name}")
            error.setStyleSheet(text_style("error"))
            error.setVisible(False)
            error.setWordWrap(True)
            cell = QVBoxLayout()
            cell.addWidget(editor)
            cell.addWidget(error)
            form.addRow(_(FIELD_LABELS[name]), cell)
            self.editors[name], self.errors[name] = editor, error
        images = QHBoxLayout()
        self.logo_button = QPushButton(_("Logo…"))
        self.signature_button = QPushButton(_("Signature (griffe)…"))
        self.images_status = QLabel("")
        self.images_status.setWordWrap(True)
        self.logo_button.clicked.connect(lambda: self.choose_image("logo"))
        self.signature_button.clicked.connect(lambda: self.choose_image("signature"))
        for widget in (self.logo_button, self.signature_button, self.images_status):
            images.addWidget(widget)
        form.addRow(_("Images des reçus"), images)
        self.checks: dict[str, QCheckBox] = {}
        form.addRow(QLabel(f"<b>{_('Reçus fiscaux')}</b>"))
        for name, label in RECEIPT_TEXT_FIELDS.items():
            form.addRow(_(label), self._cell(name, QLineEdit()))
        for name, (label, help_text) in RECEIPT_CHECKS.items():
            check = QCheckBox(_(label))
            check.setObjectName(f"check_{name}")
            explanation = QLabel(_(help_text))
            explanation.setWordWrap(True)
            explanation.setMaximumWidth(480)
            explanation.setStyleSheet("color: #555")
            cell = QVBoxLayout()
            cell.addWidget(check)
            cell.addWidget(explanation)
            form.addRow("", cell)
            self.checks[name] = check
        scroll.setWidget(box)
        self.tabs = QTabWidget()
        self.tabs.addTab(scroll, _("Association et reçus fiscaux"))
        self.tabs.addTab(RegularGivingSettings(ctx), _("Adhésions et prélèvements"))
        outer.addWidget(self.tabs)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.status = QLabel("")
        buttons.addWidget(self.status)
        self.save_button = QPushButton(_("Enregistrer"))
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        self.loaded = self.saving = False
        # the save bar belongs to the first tab; the other saves its own boxes
        self.tabs.currentChanged.connect(
            lambda i: [w.setVisible(i == 0) for w in (self.save_button, self.status)]
        )
        self.reload()

    def _cell(self, name: str, editor: QLineEdit) -> QVBoxLayout:
        editor.setObjectName(f"field_{name}")
        error = QLabel("")
        error.setObjectName(f"error_{name}")
        error.setStyleSheet("color: #b00020")
        error.setVisible(False)
        cell = QVBoxLayout()
        cell.addWidget(editor)
        cell.addWidget(error)
        self.editors[name], self.errors[name] = editor, error
        return cell

    def receipt_settings(self) -> ReceiptSettings:
        """The receipt settings as currently typed and ticked."""
        values: dict[str, Any] = {name: self._value(name).strip() for name in RECEIPT_TEXT_FIELDS}
        values.update({name: check.isChecked() for name, check in self.checks.items()})
        return ReceiptSettings(**values)

    def _value(self, name: str) -> str:
        editor = self.editors[name]
        if isinstance(editor, QComboBox):
            return str(editor.currentData() or "")
        return editor.toPlainText() if isinstance(editor, QPlainTextEdit) else editor.text()

    def choose_image(self, kind: str, path: str | None = None) -> None:
        """Pick the logo or the signature image printed on receipts (PNG or JPEG)."""
        if path is None:
            path, _filter = QFileDialog.getOpenFileName(
                self, _("Choisir une image"), "", _("Images (*.png *.jpg *.jpeg)")
            )
        if not path:
            return
        chosen = Path(path)
        self._image_buttons(enabled=False)
        self._ctx.ops.op(
            lambda op: organisation_ops.set_receipt_image(op, kind, chosen),
            parent=self,
            label=_("Enregistrement de l'image…"),
            on_success=lambda name: self.images_status.setText(
                _("Image enregistrée : {file}").format(file=name)
            ),
            on_failure=self._image_refused,
            on_finally=lambda: self._image_buttons(enabled=True),
            cancellable=False,
        )

    def _image_buttons(self, *, enabled: bool) -> None:
        for button in (self.logo_button, self.signature_button):
            button.setEnabled(enabled)

    def _image_refused(self, exc: BaseException) -> None:
        """A wrong or unreadable file is said beside the buttons; a bug is a crash."""
        text = explain_text(exc)
        if text is None:
            show_error(self, exc)
            return
        self.images_status.setText(str(exc) if isinstance(exc, UserError) else text)

    def identity(self) -> OrganisationIdentity:
        """The identity as currently typed."""
        return OrganisationIdentity(
            **{
                name: self._value(name).strip()
                for name in self.editors
                if name not in RECEIPT_TEXT_FIELDS
            }
        )

    def reload(self) -> None:
        """Show what is stored (read in the background; the form waits meanwhile)."""
        self.loaded = False
        self.save_button.setEnabled(False)
        self._ctx.ops.op(
            organisation_ops.load_association,
            parent=self,
            label=_("Lecture des paramètres…"),
            on_success=self._show_stored,
            on_failure=self._load_failed,
            cancellable=False,
        )

    def _show_stored(self, stored: organisation_ops.AssociationSettings) -> None:
        identity, receipts = stored.identity, stored.receipts
        for name, check in self.checks.items():
            check.setChecked(getattr(receipts, name))
        for name, editor in self.editors.items():
            value = getattr(receipts if name in RECEIPT_TEXT_FIELDS else identity, name)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value)
            else:
                editor.setText(value)
        self._show_errors([])
        self.loaded = True
        self.save_button.setEnabled(True)

    def _load_failed(self, exc: BaseException) -> None:
        """Unreadable settings: saving the empty form would erase them, so it waits."""
        self.status.setText(_("Les paramètres n'ont pas pu être lus : rien ne sera enregistré."))
        show_error(self, exc)

    def _show_errors(self, problems: list[ValidationError]) -> None:
        by_field = {p.field: str(p) for p in problems}
        for name, label in self.errors.items():
            label.setText(by_field.get(name, ""))
            label.setVisible(name in by_field)

    def save(self) -> bool:
        """Validate then save in the background; returns True when the save was started.

        On failure the form keeps what was typed and the button comes back."""
        if not self.loaded or self.saving:
            return False
        identity, receipts = self.identity(), self.receipt_settings()
        problems = validate(identity) + validate_receipt_settings(
            identity.receipt_category, receipts
        )
        self._show_errors(problems)
        if problems:
            self.status.setText(_("Corrigez les champs signalés : rien n'a été enregistré."))
            return False
        self.saving = True
        self.save_button.setEnabled(False)
        self.status.setText(_("Enregistrement…"))
        self._ctx.ops.op(
            lambda op: save_settings(op, identity, receipts),
            parent=self,
            label=_("Enregistrement des paramètres…"),
            on_success=lambda _none: self.status.setText(_("Paramètres enregistrés.")),
            on_failure=self._save_failed,
            on_finally=self._save_ended,
            cancellable=False,
        )
        return True

    def _save_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError) and exc.field in self.errors:
            self._show_errors([exc])
            self.status.setText(_("Corrigez les champs signalés : rien n'a été enregistré."))
            return
        self.status.setText(_("Rien n'a été enregistré."))
        show_error(self, exc)

    def _save_ended(self) -> None:
        self.saving = False
        self.save_button.setEnabled(True)
