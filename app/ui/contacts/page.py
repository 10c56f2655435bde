"""The contact list: search-as-you-type, filters, SQL-sorted lazy table, form, export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.clock import today
from app.core.contacts.search import (
    ContactFilter,
    ContactRow,
    ContactSort,
    count_contacts,
    fetch_window,
)
from app.core.contacts.validation import format_phone
from app.core.dates import format_date
from app.core.member_status import DEFAULT_RENEWAL_DAYS
from app.i18n import N_, _, ngettext
from app.models.enums import Channel, ContactKind
from app.operations import contacts as contact_ops
from app.operations import exports as export_ops
from app.operations.base import Change, Changes
from app.ui.contacts.dialog import CHANNEL_LABELS, ContactDialog
from app.ui.shell.context import UiContext
from app.ui.widgets.flow_layout import FlowLayout
from app.ui.widgets.list_export import choose_export_file, export_in_background
from app.ui.widgets.window_model import Column, WindowTableModel, list_view

SEARCH_DELAY_MS = 200
ALL = None


def contact_columns() -> list[Column[ContactRow]]:
    """Columns of the contact list."""
    grey = QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
    return [
        Column(
            N_("Nom"),
            lambda r: r.name,
            ContactSort.NAME,
            foreground=lambda r: grey if r.restricted else None,
            tooltip=lambda r: _("Contact limité (RGPD)") if r.restricted else "",
        ),
        Column(N_("Courriel"), lambda r: r.email),
        Column(N_("Téléphone"), lambda r: format_phone(r.phone) if r.phone else ""),
        Column(N_("Code postal"), lambda r: r.postcode, ContactSort.POSTCODE),
        Column(N_("Commune"), lambda r: r.city, ContactSort.CITY),
        Column(N_("NPAI"), lambda r: _("NPAI") if r.npai else ""),
        Column(N_("Dernier don"), lambda r: format_date(r.last_gift), ContactSort.LAST_GIFT),
    ]


class ContactsPage(QWidget):
    """Volunteers' main screen."""

    def __init__(self, ctx: UiContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.filter = ContactFilter()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<h2>{_('Contacts')}</h2>"))
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("contact_search")
        self.search.setPlaceholderText(
            _("Rechercher : nom, organisation, courriel, téléphone, code postal, commune…")
        )
        self.search.setClearButtonEnabled(True)
        top.addWidget(self.search, 1)
        self.new_person = QPushButton(_("Nouvelle personne"))
        self.new_organisation = QPushButton(_("Nouvelle organisation"))
        self.export_button = QPushButton(_("Exporter…"))
        self.saved = QComboBox()
        self.save_filter_button = QPushButton(_("Enregistrer le filtre…"))
        for button in (
            self.new_person,
            self.new_organisation,
            self.export_button,
        ):
            top.addWidget(button)
        layout.addLayout(top)
        layout.addLayout(self._filters())
        self.selection: tuple[int, ...] | None = None  # contacts sent by another screen
        self.selection_origin = ""
        active = QHBoxLayout()
        self.active_filters = QLabel("")
        self.active_filters.setObjectName("active_filters")
        self.active_filters.setWordWrap(True)
        self.clear_filters_button = QPushButton(_("Effacer les filtres"))
        self.clear_filters_button.setObjectName("clear_filters")
        self.clear_filters_button.clicked.connect(self.clear_filters)
        active.addWidget(self.active_filters, 1)
        active.addWidget(self.clear_filters_button)
        layout.addLayout(active)
        self.model: WindowTableModel[ContactRow] = WindowTableModel(
            contact_columns(), count=self._count, fetch=self._fetch, row_id=lambda r: r.id
        )
        self.table = list_view(self.model, sort_column=0)
        self.table.setObjectName("contacts_table")
        self.table.doubleClicked.connect(
            lambda index: self.open_contact(self.model.id_at(index.row()))
        )
        self.table.setColumnWidth(0, 240)
        self.table.setColumnWidth(1, 240)
        self.first_steps = self._first_steps()
        layout.addWidget(self.first_steps)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel("")
        layout.addWidget(self.count_label)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._open_first)
        self.new_person.clicked.connect(lambda: self.new_contact(ContactKind.PERSON))
        self.new_organisation.clicked.connect(lambda: self.new_contact(ContactKind.ORGANISATION))
        self.export_button.clicked.connect(self.export_dialog)
        self.save_filter_button.clicked.connect(lambda: self.save_current_filter())
        self.saved.activated.connect(
            lambda index: (
                self.apply_filter_values(self.saved.itemData(index) or {})
                if self.saved.itemData(index)
                else None
            )
        )
        self._fill_saved_filters()
        ctx.events.changes.connect(self._data_changed)
        self.apply_filters()

    def _filters(self) -> FlowLayout:
        row = FlowLayout()  # wraps onto a second line on a narrow screen
        self.tag = QComboBox()
        self.npai = QComboBox()
        self.consent_channel = QComboBox()
        self.consent_status = QComboBox()
        self.donor = QComboBox()
        self.campaign = QComboBox()
        self.member = QComboBox()
        self.member.setAccessibleName(_("Adhésion"))
        self.last_gift_year = QSpinBox(
            minimum=0,
            maximum=2100,
            specialValueText=_("Dernier don : toutes années"),  # type: ignore[call-arg]
        )
        self.last_gift_year.setPrefix(_("Dernier don en "))
        self.last_gift_year.setAccessibleName(_("Année du dernier don"))
        self.consent_status.setToolTip(_("Choisissez d'abord le canal du consentement."))
        self.renewal_window = DEFAULT_RENEWAL_DAYS  # the stored one comes with the lookups
        for combo, everything in (
            (self.tag, _("Étiquette : toutes")),
            (self.campaign, _("Campagne : toutes")),
        ):
            combo.addItem(everything, ALL)
        self._fill_lookup_filters()
        for combo, items in (
            (
                self.npai,
                [(_("NPAI : tous"), ALL), (_("NPAI seulement"), True), (_("Sans NPAI"), False)],
            ),
            (
                self.consent_channel,
                [(_("Consentement : canal"), ALL)]
                + [(_(label), channel) for channel, label in CHANNEL_LABELS.items()],
            ),
            (
                self.consent_status,
                [
                    (_("statut"), ALL),
                    (_("Accord"), "granted"),
                    (_("Retrait"), "withdrawn"),
                    (_("Opposition"), "objected"),
                    (_("Non renseigné"), "none"),
                ],
            ),
            (
                self.member,
                [
                    (_("Adhésion : tous"), ALL),
                    (_("Adhésion à jour"), "current"),
                    (_("Adhésion à renouveler"), "due"),
                    (_("Adhésion échue"), "lapsed"),
                    (_("Jamais adhérent"), "none"),
                ],
            ),
            (
                self.donor,
                [
                    (_("Donateurs et autres"), ALL),
                    (_("Donateurs"), True),
                    (_("Non-donateurs"), False),
                ],
            ),
        ):
            for label, value in items:
                combo.addItem(label, value)
        for widget in (
            self.tag,
            self.npai,
            self.consent_channel,
            self.consent_status,
            self.donor,
            self.member,
            self.last_gift_year,
            self.campaign,
        ):
            row.addWidget(widget)
            if isinstance(widget, QSpinBox):
                widget.valueChanged.connect(self.apply_filters)
            else:
                widget.currentIndexChanged.connect(self.apply_filters)
        row.addWidget(self.saved)
        row.addWidget(self.save_filter_button)
        return row

    def _fill_lookup_filters(self) -> None:
        """Tags, campaigns and the renewal window, read in the background."""
        self.ctx.ops.op(
            contact_ops.contact_lookups,
            parent=self,
            label=_("Lecture des filtres…"),
            on_success=self._show_lookups,
            cancellable=False,
        )

    def _show_lookups(self, lookups: contact_ops.ContactLookups) -> None:
        """Refill the choices, keeping what was chosen (a query only if it changed)."""
        before = (self.tag.currentData(), self.campaign.currentData(), self.renewal_window)
        for combo, everything, items in (
            (self.tag, _("Étiquette : toutes"), lookups.tags),
            (self.campaign, _("Campagne : toutes"), lookups.campaigns),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, ALL)
            for key, label in items:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        self.renewal_window = lookups.renewal_days
        if (self.tag.currentData(), self.campaign.currentData(), self.renewal_window) != before:
            self.apply_filters()

    # --- query -----------------------------------------------------------------------

    # --- saved filters ----------------------------------------------------------------

    FILTER_WIDGETS = (
        "tag",
        "npai",
        "consent_channel",
        "consent_status",
        "donor",
        "member",
        "campaign",
    )

    def filter_values(self) -> dict[str, object]:
        """The widgets' values, as stored in a saved filter."""
        values: dict[str, object] = {n: getattr(self, n).currentData() for n in self.FILTER_WIDGETS}
        values["text"] = self.search.text()
        values["last_gift_year"] = self.last_gift_year.value()
        return values

    def apply_filter_values(self, values: dict[str, object]) -> None:
        """Put saved values back into the widgets and query."""
        for name in self.FILTER_WIDGETS:
            combo = getattr(self, name)
            combo.setCurrentIndex(max(0, combo.findData(values.get(name))))
        self.last_gift_year.setValue(int(str(values.get("last_gift_year") or 0)))
        self.search.setText(str(values.get("text") or ""))
        self.apply_filters()

    def _fill_saved_filters(self) -> None:
        self.ctx.ops.op(
            lambda op: contact_ops.saved_filters(op, "contacts"),
            parent=self,
            label=_("Lecture des filtres…"),
            on_success=self._show_saved_filters,
            cancellable=False,
        )

    def _show_saved_filters(self, saved: list[tuple[str, dict[str, object]]]) -> None:
        self.saved.blockSignals(True)
        self.saved.clear()
        self.saved.addItem(_("Filtres enregistrés…"), None)
        for name, spec in saved:
            self.saved.addItem(name, spec)
        self.saved.blockSignals(False)

    def save_current_filter(self, name: str | None = None) -> None:
        """Save the current search and filters under a name (the button waits meanwhile);
        the list of saved filters reloads from the change announced."""
        if name is None:
            name, ok = QInputDialog.getText(self, _("Enregistrer le filtre"), _("Nom du filtre :"))
            if not ok:
                return
        spec, chosen = self.filter_values(), name
        self.save_filter_button.setEnabled(False)
        self.ctx.ops.op(
            lambda op: contact_ops.keep_filter(op, scope="contacts", name=chosen, spec=spec),
            parent=self,
            label=_("Enregistrement du filtre…"),
            on_finally=lambda: self.save_filter_button.setEnabled(True),
            cancellable=False,
        )

    def current_filter(self) -> ContactFilter:
        """The filter described by the widgets."""
        channel = self.consent_channel.currentData()
        return ContactFilter(
            text=self.search.text(),
            tag_id=self.tag.currentData(),
            npai=self.npai.currentData(),
            consent_channel=Channel(channel) if channel else None,
            consent_status=self.consent_status.currentData() if channel else None,
            donor=self.donor.currentData(),
            last_gift_year=self.last_gift_year.value() or None,
            campaign_id=self.campaign.currentData(),
            ids=self.selection,
            member_status=self.member.currentData(),
            member_on=today(self.ctx.database.clock),
            member_window=self.renewal_window,
        )

    def _no_contact_at_all(self) -> bool:
        return self.ctx.ops.read_window(lambda s: count_contacts(s, ContactFilter()) == 0)

    def _count(self) -> int:
        spec = self.filter
        return self.ctx.ops.read_window(lambda session: count_contacts(session, spec))

    def _fetch(
        self, offset: int, limit: int, sort_key: str | None, descending: bool
    ) -> list[ContactRow]:
        spec = replace(self.filter, sort=ContactSort(sort_key or "name"), descending=descending)
        return self.ctx.ops.read_window(
            lambda session: fetch_window(session, spec, offset=offset, limit=limit)
        )

    def apply_filters(self) -> None:
        """Run the query again with the current search text and filters."""
        self._timer.stop()
        self.filter = self.current_filter()
        self.model.refresh()
        total = self.model.rowCount()
        self.count_label.setText(
            ngettext(N_("{n} contact"), N_("{n} contacts"), total).format(
                n=f"{total:,}".replace(",", "\u202f")
            )
        )
        self.consent_status.setEnabled(self.consent_channel.currentData() is not ALL)
        self._show_active_filters()
        empty_base = total == 0 and not self.active_filter_labels() and self._no_contact_at_all()
        self.first_steps.setVisible(empty_base)
        self.table.setVisible(not empty_base)

    def _first_steps(self) -> QWidget:
        """What to do first on an empty database (shown instead of an empty table)."""
        box = QWidget()
        box.setObjectName("first_steps")
        layout = QVBoxLayout(box)
        intro = QLabel(
            _(
                "<h3>Bienvenue dans Obole</h3>La base ne contient encore aucun contact. "
                "Pour commencer :"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        for number, (text, explanation, slot) in enumerate(
            (
                (
                    N_("1. Renseigner l'association…"),
                    N_(
                        "Nom, adresse, objet et signataire : ils sont imprimés sur les reçus "
                        "fiscaux."
                    ),
                    lambda: self.ctx.navigate("settings"),
                ),
                (
                    N_("2. Importer un fichier de contacts…"),
                    N_("Un tableau Excel, LibreOffice ou CSV : adhérents, donateurs, HelloAsso."),
                    lambda: self._open_import(),
                ),
                (
                    N_("3. Ajouter un premier contact…"),
                    N_("Ou saisissez les personnes une à une."),
                    lambda: self.new_contact(ContactKind.PERSON),
                ),
            ),
            start=1,
        ):
            row = QHBoxLayout()
            button = QPushButton(_(text))
            button.setObjectName(f"first_step_{number}")
            button.clicked.connect(slot)
            row.addWidget(button)
            hint = QLabel(_(explanation))
            hint.setWordWrap(True)
            row.addWidget(hint, 1)
            layout.addLayout(row)
        layout.addStretch(1)
        box.setVisible(False)
        return box

    def _open_import(self) -> None:
        window = self.window()
        open_import = getattr(window, "open_import", None)
        if callable(open_import):
            open_import("contacts")

    def first_step_buttons(self) -> list[QPushButton]:
        """The three first-step buttons, in order."""
        return [b for b in self.first_steps.findChildren(QPushButton)]

    def active_filter_labels(self) -> list[str]:
        """Each filter in force, in words ("NPAI seulement", "Recherche « dupont »"...)."""
        labels = []
        if self.search.text().strip():
            labels.append(_("Recherche « {text} »").format(text=self.search.text().strip()))
        for name in self.FILTER_WIDGETS:
            combo = getattr(self, name)
            if combo.isEnabled() and combo.currentData() is not ALL:
                labels.append(combo.currentText())
        if self.last_gift_year.value():
            labels.append(self.last_gift_year.text())
        if self.selection is not None:
            labels.append(
                ngettext(
                    N_("{n} contact choisi depuis {origin}"),
                    N_("{n} contacts choisis depuis {origin}"),
                    len(self.selection),
                ).format(n=len(self.selection), origin=self.selection_origin)
            )
        return labels

    def _show_active_filters(self) -> None:
        labels = self.active_filter_labels()
        self.active_filters.setText(
            _("Filtres actifs : {filters}").format(filters=" · ".join(labels)) if labels else ""
        )
        self.active_filters.setVisible(bool(labels))
        self.clear_filters_button.setVisible(bool(labels))

    def clear_filters(self, *, query: bool = True) -> None:
        """Back to every contact: search, filters and any selection from another screen."""
        widgets = [getattr(self, n) for n in self.FILTER_WIDGETS]
        for widget in (*widgets, self.last_gift_year, self.search):
            widget.blockSignals(True)
        for combo in widgets:
            combo.setCurrentIndex(0)
        self.last_gift_year.setValue(0)
        self.search.clear()
        for widget in (*widgets, self.last_gift_year, self.search):
            widget.blockSignals(False)
        self.selection, self.selection_origin = None, ""
        if query:
            self.apply_filters()

    def _data_changed(self, changes: Changes) -> None:
        if changes & {Change.IMPORTS, Change.CAMPAIGNS, Change.MEMBERSHIPS, Change.CONTACTS}:
            self._fill_lookup_filters()  # new tags, campaigns, renewal window
        if changes & {Change.SETTINGS}:
            self._fill_saved_filters()
        if changes & {Change.CONTACTS, Change.CONSENTS, Change.GIFTS, Change.DUPLICATES}:
            self.apply_filters()

    # --- actions ---------------------------------------------------------------------

    def open_item(
        self,
        *,
        contact_id: int | None = None,
        contact_ids: list[int] | None = None,
        origin: str = "",
    ) -> None:
        """Open one contact's form, or show only the given contacts (from another screen)."""
        if contact_ids is not None:
            self.clear_filters(query=False)
            self.selection = tuple(contact_ids)
            self.selection_origin = origin or _("un autre écran")
            self.apply_filters()
        if contact_id is not None:
            self.open_contact(contact_id)

    def open_contact(self, contact_id: int | None) -> None:
        """Show the contact form."""
        if contact_id is None:
            return
        ContactDialog(self.ctx, contact_id=contact_id, parent=self).exec()

    def _open_first(self) -> None:
        self.apply_filters()
        if self.model.rowCount() == 1:
            self.open_contact(self.model.id_at(0))

    def new_contact(self, kind: ContactKind) -> ContactDialog:
        """Open an empty form (returns it; exec'd modally)."""
        dialog = ContactDialog(self.ctx, kind=kind, parent=self)
        dialog.open()
        return dialog

    def export_dialog(self) -> None:
        """Ask for a file name and export the filtered list."""
        path = choose_export_file(self, _("Exporter la liste"), "contacts")
        if path is not None:
            self.export_to(str(path))

    def export_to(self, path: str) -> None:
        """Export the current list to `path` in the background (progress, cancel)."""
        spec, target = self.filter, Path(path)
        self.last_export: int | None = None
        export_in_background(
            self.ctx,
            self,
            lambda op: export_ops.export_contacts(op, spec, target),
            label=_("Export de la liste…"),
            status=self.count_label,
            said=lambda n: _("{n} contact(s) exporté(s) dans {path}").format(n=n, path=path),
            on_count=lambda n: setattr(self, "last_export", n),
        )
