"""The contact form: identity, NF Z10-011 address with live preview, and tabs for the
contact's gifts, consents, receipts and history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QFont, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.appeals.pressure import Pressure, PressureCaps
from app.core.clock import today
from app.core.contacts.editing import (
    RECEIPT_MODE_LABELS,
    AddressDraft,
    ContactDraft,
    validate_draft,
)
from app.core.contacts.history import describe
from app.core.contacts.postal import address_block
from app.core.contacts.validation import format_phone
from app.core.dates import format_date, parse_optional_date
from app.core.money import format_eur
from app.errors import ValidationError
from app.i18n import N_, _
from app.models.enums import Channel, ConsentStatus, ContactKind
from app.operations import contacts as contact_ops
from app.ui.shell.context import UiContext
from app.ui.shell.errors import report, show_error
from app.ui.shell.theme import text_style
from app.ui.widgets.common import FieldErrors, confirm_deliberately, save_cancel_buttons

CIVILITIES = ["", "M.", "Mme", "M. et Mme", "Dr"]
CHANNEL_LABELS = {
    Channel.POST: N_("Courrier"),
    Channel.EMAIL: N_("Courriel"),
    Channel.PHONE: N_("Téléphone"),
    Channel.SMS: N_("SMS"),
}
STATUS_LABELS = {
    ConsentStatus.GRANTED: N_("Accord"),
    ConsentStatus.WITHDRAWN: N_("Retrait"),
    ConsentStatus.OBJECTED: N_("Opposition"),
    None: N_("Non renseigné"),
}
APPEALS_PER_YEAR_LABELS = {
    None: N_("Selon les plafonds de l'association"),
    1: N_("Un appel par an au plus"),
    2: N_("Deux appels par an au plus"),
}


def _line(placeholder: str = "", *, max_length: int | None = None) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    if max_length:
        edit.setMaxLength(max_length + 20)  # allow typing past the limit so the message explains it
    return edit


def _cell(editor: QWidget) -> QWidget:
    """The form cell (editor and its error label) that holds `editor`."""
    cell = editor.parentWidget()
    assert cell is not None  # every editor is put in its cell when the form is built
    return cell


class ContactDialog(QDialog):
    """Create or edit a contact; nothing is saved until every field is valid."""

    def __init__(
        self,
        ctx: UiContext,
        *,
        contact_id: int | None = None,
        kind: ContactKind = ContactKind.PERSON,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.contact_id = contact_id
        self.errors = FieldErrors()
        self.setWindowTitle(_("Nouveau contact") if contact_id is None else _("Fiche contact"))
        self.resize(900, 640)
        outer = QHBoxLayout(self)
        main = QVBoxLayout()
        outer.addLayout(main, 3)
        self.similar_contacts_slot = QVBoxLayout()
        outer.addLayout(self.similar_contacts_slot, 1)
        from app.ui.contacts.similar import SimilarContactsPanel

        self.similar = SimilarContactsPanel(ctx, exclude_id=contact_id)
        self.similar_contacts_slot.addWidget(self.similar)
        main.addLayout(self._kind_row(kind))
        self.tabs = QTabWidget()
        self.tabs.addTab(self._identity_tab(), _("Identité"))
        self.tabs.addTab(self._address_tab(), _("Adresse"))
        main.addWidget(self.tabs)
        self.general_error = QLabel("")
        self.general_error.setStyleSheet(text_style("error"))
        self.general_error.setWordWrap(True)
        main.addWidget(self.general_error)
        buttons, self.save_button = save_cancel_buttons(self.save, self.cancel)
        main.addWidget(buttons)
        self.loaded = contact_id is None  # an existing contact is read in the background
        self._saving = False
        self._receipt_ids: list[int] = []
        if contact_id is not None:
            self._add_related_tabs()
            self.save_button.setEnabled(False)  # nothing to save before the contact is read
            self.tabs.setEnabled(False)  # nor anything to type that the read would overwrite
            self._load(contact_id)
        self._kind_changed()
        self._update_preview()
        self.notes.setTabChangesFocus(True)  # Tab leaves the notes like every other box
        self._typed_at_open = self.typed()

    def typed(self) -> tuple[str, ...]:
        """Everything typed in the form's boxes (to know whether closing loses work)."""
        return tuple(e.text() for e in self.findChildren(QLineEdit)) + tuple(
            e.toPlainText() for e in self.findChildren(QPlainTextEdit)
        )

    def discard_confirmed(self) -> bool:
        """True when nothing typed would be lost, or the user chose to abandon it."""
        if self.typed() == getattr(self, "_typed_at_open", self.typed()):
            return True
        return confirm_deliberately(
            self,
            _("Abandonner la saisie ?"),
            _("Ce qui a été tapé dans la fiche n'est pas enregistré et sera perdu."),
            confirm=_("&Abandonner la saisie"),
            back=_("Continuer la saisie"),
        )

    def cancel(self) -> None:
        """ "Annuler" and Escape: ask first when something typed would be lost."""
        if self.discard_confirmed():
            self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        """Escape asks before discarding a typed contact (QDialog would close at once)."""
        if event.key() == Qt.Key.Key_Escape:
            event.accept()
            self.cancel()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """The window's close button asks too (closing from code does not)."""
        if event.spontaneous() and not self.discard_confirmed():
            event.ignore()
            return
        super().closeEvent(event)

    # --- building --------------------------------------------------------------------

    def _kind_row(self, kind: ContactKind) -> QHBoxLayout:
        row = QHBoxLayout()
        self.person_radio = QRadioButton(_("Personne"))
        self.organisation_radio = QRadioButton(_("Organisation"))
        group = QButtonGroup(self)
        group.addButton(self.person_radio)
        group.addButton(self.organisation_radio)
        (
            self.organisation_radio if kind == ContactKind.ORGANISATION else self.person_radio
        ).setChecked(True)
        self.person_radio.toggled.connect(self._kind_changed)
        row.addWidget(self.person_radio)
        row.addWidget(self.organisation_radio)
        row.addStretch(1)
        return row

    def _identity_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.civility = QComboBox(editable=True)
        self.civility.addItems(CIVILITIES)
        self.first_name, self.last_name, self.birth_name = _line(), _line(), _line()
        self.organisation_name, self.legal_form, self.siren = (
            _line(),
            _line("SARL, SAS, Association…"),
            _line("123456789"),
        )
        self.birth_date = _line(_("jj/mm/aaaa"))
        self.email1, self.email2 = _line("prenom.nom@exemple.fr"), _line()
        self.email_state = QLabel("")  # an address that came back, from the appeals' bounces
        self.email_state.setObjectName("email_state")
        self.email_state.setWordWrap(True)
        self.email_state.setStyleSheet(text_style("error"))
        self.phone1, self.phone2 = _line("06 12 34 56 78"), _line()
        self.tags = _line(_("séparés par des virgules"))
        self.notes = QPlainTextEdit()
        self.notes.setMinimumHeight(60)  # grows with the window
        self.receipt_mode = QComboBox()
        for value, label in RECEIPT_MODE_LABELS.items():
            self.receipt_mode.addItem(_(label), value)
        self.receipt_mode.setToolTip(
            _(
                "Certains donateurs, souvent des entreprises, veulent un reçu pour chaque don ; "
                "d'autres un seul reçu récapitulatif par an."
            )
        )
        self.person_rows: list[QWidget] = []
        editor: QWidget
        for label, name, editor in (
            (N_("Civilité"), "civility", self.civility),
            (N_("Prénom"), "first_name", self.first_name),
            (N_("Nom"), "last_name", self.last_name),
            (N_("Nom de naissance"), "birth_name", self.birth_name),
            (N_("Date de naissance"), "birth_date", self.birth_date),
        ):
            form.addRow(_(label), self.errors.cell(name, editor))
            self.person_rows.append(editor)
        self.organisation_rows: list[QWidget] = []
        for label, name, editor in (
            (N_("Raison sociale"), "organisation_name", self.organisation_name),
            (N_("Forme juridique"), "legal_form", self.legal_form),
            (N_("N° SIREN"), "siren", self.siren),
        ):
            form.addRow(_(label), self.errors.cell(name, editor))
            self.organisation_rows.append(editor)
        self._form = form
        for label, name, editor in (
            (N_("Courriel"), "email0", self.email1),
            (N_("Autre courriel"), "email1", self.email2),
            (N_("Téléphone"), "phone0", self.phone1),
            (N_("Autre téléphone"), "phone1", self.phone2),
            (N_("Étiquettes"), "tags", self.tags),
            (N_("Reçus fiscaux"), "receipt_mode", self.receipt_mode),
            (N_("Appels aux dons"), "appeals_per_year", self._appeals_row()),
            (N_("Notes"), "notes", self.notes),
        ):
            form.addRow(_(label), self.errors.cell(name, editor))
            if editor is self.email2:
                form.addRow(self.email_state)  # shown only when an address came back
                form.setRowVisible(self.email_state, False)
        for editor in (  # the similar contacts follow the e-mail and phone too (#20)
            self.first_name,
            self.last_name,
            self.organisation_name,
            self.email1,
            self.phone1,
        ):
            editor.textChanged.connect(self._update_preview)
        self.civility.currentTextChanged.connect(self._update_preview)
        return tab

    def _appeals_row(self) -> QWidget:
        """The donor's own limit ("one appeal a year") and the solicitations of 12 months."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self.appeals_per_year = QComboBox()
        for value, label in APPEALS_PER_YEAR_LABELS.items():
            self.appeals_per_year.addItem(_(label), value)
        self.appeals_per_year.setToolTip(
            _(
                "Un donateur peut demander à n'être sollicité qu'une fois par an : les appels "
                "suivants le laissent de côté pendant 12 mois."
            )
        )
        self.pressure = QLabel("")
        self.pressure.setObjectName("solicitation_pressure")
        self.pressure.setWordWrap(True)
        layout.addWidget(self.appeals_per_year)
        layout.addWidget(self.pressure, 1)
        return row

    def _address_tab(self) -> QWidget:
        tab = QWidget()
        layout = QHBoxLayout(tab)
        form = QFormLayout()
        self.line2 = _line(_("Appartement, étage, chez…"), max_length=38)
        self.line3 = _line(_("Bâtiment, résidence, entrée…"), max_length=38)
        self.line4 = _line(_("Numéro et voie"), max_length=38)
        self.line5 = _line(_("Lieu-dit, boîte postale…"), max_length=38)
        self.postcode, self.city = _line("21000"), _line("Dijon")
        self.country = _line("FR")
        self.country.setMaxLength(2)
        self.npai = QCheckBox(_("Courrier revenu « N'habite pas à l'adresse indiquée » (NPAI)"))
        self.npai_date = QLabel("")
        for label, name, editor in (
            (N_("Ligne 2 (complément)"), "address.line2", self.line2),
            (N_("Ligne 3 (bâtiment)"), "address.line3", self.line3),
            (N_("Ligne 4 (n° et voie)"), "address.line4", self.line4),
            (N_("Ligne 5 (lieu-dit, BP)"), "address.line5", self.line5),
            (N_("Code postal"), "address.postcode", self.postcode),
            (N_("Commune"), "address.city", self.city),
            (N_("Pays (code ISO)"), "address.country", self.country),
        ):
            form.addRow(_(label), self.errors.cell(name, editor))
            if isinstance(editor, QLineEdit):
                editor.textChanged.connect(self._update_preview)
        form.addRow(self.npai)
        form.addRow(self.npai_date)
        layout.addLayout(form, 2)
        preview_box = QVBoxLayout()
        preview_box.addWidget(QLabel(_("Aperçu de l'adresse (norme NF Z10-011) :")))
        self.preview = QLabel()
        self.preview.setObjectName("address_preview")
        self.preview.setFont(QFont("DejaVu Sans Mono", 10))
        self.preview.setStyleSheet(
            "border: 1px solid palette(mid); padding: 8px; background: palette(base); "
            "color: palette(text);"
        )
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        preview_box.addWidget(self.preview)
        self.postcode_hint = QLabel("")
        self.postcode_hint.setStyleSheet(text_style("warning"))
        self.postcode_hint.setWordWrap(True)
        preview_box.addWidget(self.postcode_hint)
        preview_box.addStretch(1)
        layout.addLayout(preview_box, 1)
        return tab

    def _add_related_tabs(self) -> None:
        self.gifts_table = self._table(
            [N_("Date"), N_("Montant"), N_("Mode"), N_("Campagne"), N_("Reçu")]
        )
        gifts_tab = QWidget()
        gifts_layout = QVBoxLayout(gifts_tab)
        gifts_layout.addWidget(self.gifts_table)
        self.add_gift_button = QPushButton(_("Ajouter un don…"))
        self.add_gift_button.clicked.connect(self._add_gift)
        gifts_layout.addWidget(self.add_gift_button, alignment=Qt.AlignmentFlag.AlignRight)
        self.tabs.addTab(gifts_tab, _("Dons"))
        self.tabs.addTab(self._consents_tab(), _("Consentements"))
        self.receipts_table = self._table(
            [N_("Numéro"), N_("Émis le"), N_("Montant"), N_("Statut")]
        )
        self.receipts_table.cellDoubleClicked.connect(self._open_receipt)
        self.tabs.addTab(self.receipts_table, _("Reçus"))
        self.history_table = self._table(
            [N_("Quand"), N_("Qui"), N_("Quoi"), N_("Champ"), N_("Avant"), N_("Après")]
        )
        self.tabs.addTab(self.history_table, _("Historique"))

    def _consents_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.consents_table = self._table([N_("Canal"), N_("Statut"), N_("Depuis")])
        layout.addWidget(QLabel(_("Statut actuel (finalité : sollicitation)")))
        layout.addWidget(self.consents_table)
        row = QHBoxLayout()
        self.consent_channel = QComboBox()
        for channel, label in CHANNEL_LABELS.items():
            self.consent_channel.addItem(_(label), channel)
        self.consent_source = _line(_("Source : formulaire, appel, courriel…"))
        self.consent_proof = _line(_("Texte ou formulaire présenté"))
        row.addWidget(self.consent_channel)
        row.addWidget(self.consent_source, 1)
        row.addWidget(self.consent_proof, 2)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        for label, status in (
            (N_("Enregistrer un accord"), ConsentStatus.GRANTED),
            (N_("Enregistrer un retrait"), ConsentStatus.WITHDRAWN),
            (N_("Opposition (immédiate)"), ConsentStatus.OBJECTED),
        ):
            button = QPushButton(_(label))
            button.setObjectName(f"consent_{status.value}")
            button.clicked.connect(lambda _c=False, s=status: self.record_consent(s))
            buttons.addWidget(button)
        layout.addLayout(buttons)
        layout.addWidget(QLabel(_("Historique et preuves")))
        self.consent_history_table = self._table(
            [N_("Date"), N_("Canal"), N_("Statut"), N_("Source"), N_("Preuve"), N_("Saisi par")]
        )
        layout.addWidget(self.consent_history_table)
        return tab

    def _table(self, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels([_(h) for h in headers])
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().setVisible(False)
        return table

    # --- data ------------------------------------------------------------------------

    def _load(self, contact_id: int) -> None:
        self.ctx.ops.op(
            lambda op: contact_ops.load_contact(op, contact_id),
            parent=self,
            label=_("Lecture de la fiche…"),
            on_success=self._show_loaded,
            on_failure=self._load_failed,
            cancellable=False,
        )

    def _show_loaded(self, loaded: contact_ops.LoadedContact) -> None:
        self.set_draft(loaded.draft)
        npai_on = loaded.npai_on
        self.npai_date.setText(
            _("Signalé NPAI le {date}").format(date=format_date(npai_on)) if npai_on else ""
        )
        self.show_invalid_emails(loaded.invalid_emails)
        limit = loaded.appeals_per_year
        if self.appeals_per_year.findData(limit) < 0:  # set elsewhere: kept as it is
            self.appeals_per_year.addItem(_("{n} appels par an au plus").format(n=limit), limit)
        self.appeals_per_year.setCurrentIndex(self.appeals_per_year.findData(limit))
        self._show_related(loaded.related)
        self.loaded = True
        self.save_button.setEnabled(True)
        self.tabs.setEnabled(True)
        self._typed_at_open = self.typed()

    def show_invalid_emails(self, invalid: tuple[tuple[str, dt.date, str], ...]) -> None:
        """Say which address came back, since when and why (e-mails avoid it until corrected)."""
        self.email_state.setText(
            "\n".join(
                _("{address} : invalide depuis le {date} ({reason})").format(
                    address=address, date=format_date(on), reason=reason
                )
                for address, on, reason in invalid
            )
        )
        self.email_state.setToolTip(
            _(
                "Un envoi à cette adresse est revenu : les appels et relances par courriel "
                "l'évitent. Corrigez-la pour qu'elle soit de nouveau utilisée."
            )
            if invalid
            else ""
        )
        self._form.setRowVisible(self.email_state, bool(invalid))

    def _load_failed(self, exc: BaseException) -> None:
        """The contact cannot be read (gone, merged, storage): say so; nothing can be saved."""
        self.general_error.setText(
            _("La fiche n'a pas pu être lue : rien ne peut y être enregistré.")
        )
        show_error(self, exc)

    def set_draft(self, draft: ContactDraft) -> None:
        """Fill the form from a draft."""
        (
            self.organisation_radio if draft.kind == ContactKind.ORGANISATION else self.person_radio
        ).setChecked(True)
        self.civility.setCurrentText(draft.civility)
        for name in (
            "first_name",
            "last_name",
            "birth_name",
            "organisation_name",
            "legal_form",
            "siren",
        ):
            getattr(self, name).setText(getattr(draft, name))
        self.birth_date.setText(format_date(draft.birth_date))
        phones = [format_phone(p) for p in draft.phones]  # "06 12 34 56 78", as typed in France
        for editor, values, index in (
            (self.email1, draft.emails, 0),
            (self.email2, draft.emails, 1),
            (self.phone1, phones, 0),
            (self.phone2, phones, 1),
        ):
            editor.setText(values[index] if len(values) > index else "")
        self.tags.setText(", ".join(draft.tags))
        self.notes.setPlainText(draft.notes)
        self.receipt_mode.setCurrentIndex(max(0, self.receipt_mode.findData(draft.receipt_mode)))
        a = draft.address
        for name in ("line2", "line3", "line4", "line5", "postcode", "city", "country"):
            getattr(self, name).setText(getattr(a, name))
        self.npai.setChecked(a.npai)

    def draft(self) -> ContactDraft:
        """The contact as typed (raises ValidationError for an unreadable birth date)."""
        kind = (
            ContactKind.ORGANISATION if self.organisation_radio.isChecked() else ContactKind.PERSON
        )
        return ContactDraft(
            kind=kind,
            civility=self.civility.currentText().strip(),
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            birth_name=self.birth_name.text(),
            organisation_name=self.organisation_name.text(),
            legal_form=self.legal_form.text(),
            siren=self.siren.text(),
            birth_date=parse_optional_date(self.birth_date.text(), field="birth_date", past=True),
            emails=[self.email1.text(), self.email2.text()],
            phones=[self.phone1.text(), self.phone2.text()],
            address=AddressDraft(
                self.line2.text(),
                self.line3.text(),
                self.line4.text(),
                self.line5.text(),
                self.postcode.text(),
                self.city.text(),
                self.country.text() or "FR",
                self.npai.isChecked(),
            ),
            tags=self.tags.text().split(","),
            notes=self.notes.toPlainText(),
            receipt_mode=self.receipt_mode.currentData() or "",
        )

    def draft_values(self) -> dict[str, Any]:
        """The typed identity as a plain dict (for the similar-contacts panel)."""
        return {
            "first_name": self.first_name.text(),
            "last_name": self.last_name.text(),
            "organisation_name": self.organisation_name.text(),
            "email": self.email1.text(),
            "phone": self.phone1.text(),
            "postcode": self.postcode.text(),
            "city": self.city.text(),
            "birth_date": self.birth_date.text(),
        }

    def _kind_changed(self) -> None:
        organisation = self.organisation_radio.isChecked()
        for editor in self.person_rows:
            self._form.setRowVisible(_cell(editor), not organisation)
        for editor in self.organisation_rows:
            self._form.setRowVisible(_cell(editor), organisation)
        self._update_preview()

    def _update_preview(self) -> None:
        try:
            draft = self.draft()
        except ValidationError:
            draft = None
        if hasattr(self, "similar"):
            self.similar.update_draft(self.draft_values())
        if draft is None or draft.address.is_empty:
            self.preview.setText(_("(pas d'adresse)"))
            return
        lines = address_block(draft.address_parts())
        self.preview.setText(
            "\n".join(f"{line}" + ("   ⚠" if len(line) > 38 else "") for line in lines)
        )
        self._check_postcode(draft.address)

    def _check_postcode(self, address: AddressDraft) -> None:
        from app.core.contacts.postcodes import postcode_city_hint

        self.postcode_hint.setText(
            postcode_city_hint(address.postcode, address.city, address.country) or ""
        )

    def _reload_related(self) -> None:
        contact_id = self.contact_id
        if contact_id is None:
            return
        self.ctx.ops.op(
            lambda op: contact_ops.contact_related(op, contact_id),
            parent=self,
            label=_("Lecture de la fiche…"),
            on_success=self._show_related,
            cancellable=False,
        )

    def _show_related(self, related: contact_ops.ContactRelated) -> None:
        from app.core.gifts.recording import METHOD_LABELS

        self.show_pressure(related.pressure, related.caps)
        self._fill(
            self.gifts_table,
            [
                (
                    format_date(g.received_on),
                    format_eur(g.amount_cents),
                    _(METHOD_LABELS.get(g.method, str(g.method))),
                    g.campaign,
                    g.receipt,
                )
                for g in related.gifts
            ],
        )
        self._receipt_ids = [r.receipt_id for r in related.receipts]
        self._fill(
            self.receipts_table,
            [
                (
                    r.number,
                    r.issued_at.strftime("%d/%m/%Y"),
                    format_eur(r.total_cents),
                    _("Annulé") if r.cancelled else _("Émis"),
                )
                for r in related.receipts
            ],
        )
        self._fill(self.history_table, [_history_row(e) for e in related.history])
        self._fill(
            self.consents_table,
            [
                (
                    _(CHANNEL_LABELS[s.channel]),
                    _(STATUS_LABELS[s.status]),
                    s.since.strftime("%d/%m/%Y") if s.since else "",
                )
                for s in related.consents
                if s.purpose == "solicitation"
            ],
        )
        self._fill(
            self.consent_history_table,
            [
                (
                    e.occurred_at.strftime("%d/%m/%Y %H:%M"),
                    _(CHANNEL_LABELS[e.channel]),
                    _(STATUS_LABELS[e.status]),
                    e.source,
                    e.proof_text,
                    e.recorded_by,
                )
                for e in related.consent_events
            ],
        )

    def show_pressure(self, pressure: Pressure, caps: PressureCaps) -> None:
        """Solicitations over the rolling 12 months, per channel and in total, with the caps."""

        def count(n: int, cap: int) -> str:
            return f"{n} / {cap}" if cap else str(n)

        self.pressure.setText(
            _(
                "Sollicité sur 12 mois glissants : courrier {post}, courriel {email}, total {total}"
            ).format(
                post=count(pressure.post, caps.post),
                email=count(pressure.email, caps.email),
                total=count(pressure.total, caps.total),
            )
        )
        self.pressure.setToolTip(
            _(
                "Nombre de sollicitations envoyées sur les 12 derniers mois / plafond de "
                "l'association (Appels aux dons > plafonds). Au plafond, un appel laisse ce "
                "contact de côté."
            )
        )

    @staticmethod
    def _fill(table: QTableWidget, rows: list[tuple[str, ...]]) -> None:
        table.setRowCount(len(rows))
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                table.setItem(r, c, QTableWidgetItem(str(value)))
        table.resizeColumnsToContents()

    # --- actions ---------------------------------------------------------------------

    def record_consent(self, status: ConsentStatus) -> None:
        """Append a consent event for the chosen channel (never edits the history)."""
        contact_id = self.contact_id
        assert contact_id is not None  # the consents tab exists for a saved contact only
        channel = Channel(self.consent_channel.currentData())
        source = self.consent_source.text().strip() or _("Saisie manuelle")
        proof = self.consent_proof.text().strip()
        self._consent_buttons(enabled=False)
        self.ctx.ops.op(
            lambda op: contact_ops.record_consent(
                op, contact_id, channel=channel, status=status, source=source, proof_text=proof
            ),
            parent=self,
            label=_("Enregistrement du consentement…"),
            on_success=self._consent_recorded,
            on_finally=lambda: self._consent_buttons(enabled=True),
            cancellable=False,
        )

    def _consent_buttons(self, *, enabled: bool) -> None:
        for status in ConsentStatus:
            button = self.findChild(QPushButton, f"consent_{status.value}")
            if button is not None:
                button.setEnabled(enabled)

    def _consent_recorded(self, _none: None) -> None:
        """The source and proof typed are kept on failure, cleared once recorded."""
        self.consent_source.clear()
        self.consent_proof.clear()
        self._typed_at_open = self.typed()
        self._reload_related()

    def _add_gift(self) -> None:
        from app.ui.gifts.dialog import GiftDialog

        dialog = GiftDialog(self.ctx, contact_id=self.contact_id, parent=self)
        if dialog.exec():
            self._reload_related()

    def _open_receipt(self, row: int, _column: int) -> None:
        self.ctx.navigate("receipts", receipt_id=self._receipt_ids[row])

    def show_problems(self, problems: list[ValidationError]) -> None:
        """Show each message under its field; others at the bottom of the form."""
        by_field = {p.field or "": str(p) for p in problems}
        orphans = self.errors.show(by_field)
        self.general_error.setText("\n".join(orphans))
        if problems:
            first = problems[0].field or ""
            self.tabs.setCurrentIndex(1 if first.startswith("address.") else 0)

    def save(self) -> None:
        """Validate everything, then create or update the contact in one transaction.

        The form stays as typed on failure; a second click while saving does nothing."""
        if self._saving or not self.loaded:
            return
        try:
            draft = self.draft()
        except ValidationError as exc:
            self.show_problems([exc])
            return
        problems = validate_draft(draft, today=today(self.ctx.database.clock))
        self.show_problems(problems)
        if problems:
            return
        contact_id, appeals = self.contact_id, self.appeals_per_year.currentData()
        self._saving = True
        self.save_button.setEnabled(False)
        self.ctx.ops.op(
            lambda op: contact_ops.save_contact(
                op, draft, contact_id=contact_id, appeals_per_year=appeals
            ),
            parent=self,
            label=_("Enregistrement du contact…"),
            on_success=self._saved,
            on_failure=lambda exc: report(self, exc, self.errors, self.general_error),
            on_finally=self._save_ended,
            cancellable=False,
        )

    def _save_ended(self) -> None:
        self._saving = False
        self.save_button.setEnabled(True)

    def _saved(self, saved: contact_ops.SavedContact) -> None:
        self.show_problems(list(saved.problems))
        if saved.problems:
            return
        self.contact_id = saved.contact_id
        self.accept()


def _history_row(event: contact_ops.JournalLine) -> tuple[str, ...]:
    """The journal row in words (euros, French dates, national phone numbers, labels)."""
    line = describe(
        at=event.at,
        user=event.user,
        action=event.action,
        entity=event.entity,
        field=event.field,
        old=event.old,
        new=event.new,
        note=event.note,
    )
    return (line.when, line.who, line.what, line.field, line.before, line.after)
