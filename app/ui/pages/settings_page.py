"""Settings: the association's identity printed on tax receipts, validated field by field."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from PySide6.QtWidgets import (
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
    QVBoxLayout,
    QWidget,
)

from app.core.organisation import (
    OrganisationIdentity,
    load_identity,
    save_identity,
    set_receipt_image,
    validate,
)
from app.core.receipts.categories import CATEGORIES
from app.errors import UserError, ValidationError
from app.i18n import N_, _
from app.operations.base import Change
from app.ui.context import UiContext
from app.ui.theme import text_style

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
        scroll.setWidget(box)
        outer.addWidget(scroll)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.status = QLabel("")
        buttons.addWidget(self.status)
        self.save_button = QPushButton(_("Enregistrer"))
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        self.reload()

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
        try:
            with self._ctx.database.write() as session:
                set_receipt_image(session, kind, Path(path).read_bytes())
        except (UserError, OSError) as exc:
            self.images_status.setText(str(exc))
            return
        self.images_status.setText(_("Image enregistrée : {file}").format(file=Path(path).name))

    def identity(self) -> OrganisationIdentity:
        """The identity as currently typed."""
        return OrganisationIdentity(**{name: self._value(name).strip() for name in self.editors})

    def reload(self) -> None:
        """Show what is stored."""
        with self._ctx.database.read() as session:
            identity = load_identity(session)
        for name, editor in self.editors.items():
            value = getattr(identity, name)
            if isinstance(editor, QComboBox):
                editor.setCurrentIndex(max(0, editor.findData(value)))
            elif isinstance(editor, QPlainTextEdit):
                editor.setPlainText(value)
            else:
                editor.setText(value)
        self._show_errors([])

    def _show_errors(self, problems: list[ValidationError]) -> None:
        by_field = {p.field: str(p) for p in problems}
        for name, label in self.errors.items():
            label.setText(by_field.get(name, ""))
            label.setVisible(name in by_field)

    def save(self) -> bool:
        """Validate then save; returns True when saved."""
        identity = self.identity()
        problems = validate(identity)
        self._show_errors(problems)
        if problems:
            self.status.setText(_("Corrigez les champs signalés : rien n'a été enregistré."))
            return False
        with self._ctx.database.write() as session:
            save_identity(session, identity)
        self.status.setText(_("Paramètres enregistrés."))
        self._ctx.events.notify({Change.SETTINGS})
        return True
