"""Whole user flows on the contacts screen: create, validate, search, consents, export."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qt_compat import qt_api
from sqlalchemy import func, select

from app.core.infrastructure.database import Database
from app.models import ConsentEvent, Contact, ContactEmail, PostalAddress
from app.models.enums import ConsentStatus, ContactKind
from app.ui.contacts.dialog import ContactDialog
from app.ui.contacts.page import ContactsPage
from app.ui.shell.main_window import MainWindow
from tests.ui.typing import type_text


def _contacts(db: Database) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(Contact)) or 0)


def _fill_person(dialog: ContactDialog, qtbot, **values: str) -> None:  # type: ignore[no-untyped-def]
    for name, value in values.items():
        type_text(qtbot, getattr(dialog, name), value)


def test_create_a_person_with_address_and_find_her(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("contacts")
    assert isinstance(page, ContactsPage)
    dialog = page.new_contact(ContactKind.PERSON)
    qtbot.addWidget(dialog)
    dialog.civility.setCurrentText("Mme")
    _fill_person(
        dialog,
        qtbot,
        first_name="Hélène",
        last_name="Dupont-Aignan",
        email1="helene@exemple.fr",
        phone1="06 12 34 56 78",
        line4="3 rue de l'Église",
        postcode="21000",
        city="Dijon",
        tags="Bénévole, Presse",
    )
    assert dialog.preview.text().splitlines() == [
        "Mme Hélène DUPONT-AIGNAN",
        "3 rue de l'Église",
        "21000 DIJON",
    ]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == qt_api.QtWidgets.QDialog.DialogCode.Accepted)
    with db.read() as session:
        contact = session.scalars(select(Contact)).one()
        assert (
            contact.emails[0].email == "helene@exemple.fr"
            and contact.phones[0].number == "+33612345678"
        )
        assert contact.primary_address.city == "Dijon"  # type: ignore[union-attr]
        assert sorted(t.name for t in contact.tags) == ["Bénévole", "Presse"]
    page.search.setText("helene dupont")
    page.apply_filters()
    assert page.model.rowCount() == 1 and page.model.row_at(0).name == "DUPONT-AIGNAN Hélène"  # type: ignore[union-attr]


def test_create_an_organisation(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("contacts")
    dialog = page.new_contact(ContactKind.ORGANISATION)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    assert not dialog.first_name.isVisibleTo(dialog) and dialog.organisation_name.isVisibleTo(
        dialog
    )
    _fill_person(
        dialog,
        qtbot,
        organisation_name="Boulangerie Martin",
        legal_form="SARL",
        siren="732829320",
        line4="12 place du Marché",
        postcode="89000",
        city="Auxerre",
    )
    dialog.receipt_mode.setCurrentIndex(dialog.receipt_mode.findData("per_gift"))
    assert dialog.receipt_mode.currentText() == "Un reçu par don"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == qt_api.QtWidgets.QDialog.DialogCode.Accepted)
    with db.read() as session:
        contact = session.scalars(select(Contact)).one()
    assert contact.kind == ContactKind.ORGANISATION and contact.siren == "732829320"
    assert contact.receipt_mode == "per_gift"  # the company wants a receipt for each gift
    from app.ui.contacts.dialog import ContactDialog

    reopened = ContactDialog(main_window.ctx, contact_id=contact.id)
    qtbot.addWidget(reopened)
    qtbot.waitUntil(lambda: reopened.loaded)
    assert reopened.receipt_mode.currentData() == "per_gift"


def test_bad_input_gets_messages_and_saves_nothing(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("contacts")
    dialog = page.new_contact(ContactKind.PERSON)  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    _fill_person(
        dialog,
        qtbot,
        first_name="Jean",
        email1="jean@",
        line4="x" * 39,
        postcode="21000",
        city="Dijon",
    )
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    shown = dialog.errors.visible()
    assert "Nom" in shown["last_name"]
    assert "jean@" in shown["email0"]
    assert "39 caractères" in shown["address.line4"]
    assert dialog.isVisible() and _contacts(db) == 0


def test_withdraw_a_consent_keeps_the_grant(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        contact = Contact(last_name="Martin", first_name="Paul")
        contact.emails.append(ContactEmail(email="paul@exemple.fr"))
        session.add(contact)
    dialog = ContactDialog(main_window.ctx, contact_id=contact.id, parent=main_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    dialog.consent_channel.setCurrentIndex(dialog.consent_channel.findData("email"))
    dialog.consent_source.setText("Formulaire web")
    dialog.consent_proof.setText("Case cochée « recevoir la lettre »")
    qtbot.mouseClick(
        dialog.findChild(qt_api.QtWidgets.QPushButton, "consent_granted"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: dialog.consent_history_table.rowCount() == 1)
    dialog.consent_channel.setCurrentIndex(dialog.consent_channel.findData("email"))
    qtbot.mouseClick(
        dialog.findChild(qt_api.QtWidgets.QPushButton, "consent_withdrawn"),
        Qt.MouseButton.LeftButton,
    )
    qtbot.waitUntil(lambda: dialog.consent_history_table.rowCount() == 2)
    with db.read() as session:
        statuses = [
            e.status for e in session.scalars(select(ConsentEvent).order_by(ConsentEvent.id))
        ]
    assert statuses == [ConsentStatus.GRANTED, ConsentStatus.WITHDRAWN]
    assert dialog.consent_history_table.rowCount() == 2
    email_row = [
        dialog.consents_table.item(r, 1).text()
        for r in range(dialog.consents_table.rowCount())
        if dialog.consents_table.item(r, 0).text() == "Courriel"
    ]
    assert email_row == ["Retrait"]
    assert dialog.history_table.rowCount() >= 1


def test_npai_and_export_of_the_filtered_list(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        for name, npai in (("Alpha", False), ("=Beta", True)):
            contact = Contact(last_name=name, sort_name=name.lower(), search_text=name.lower())
            contact.addresses.append(
                PostalAddress(line4="1 rue Haute", postcode="21000", city="Dijon", npai=npai)
            )
            session.add(contact)
    page = main_window.show_section("contacts")
    page.npai.setCurrentIndex(page.npai.findData(True))  # type: ignore[attr-defined]
    assert page.model.rowCount() == 1  # type: ignore[attr-defined]
    target = tmp_path / "npai.csv"
    page.export_to(str(target))  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.last_export == 1, timeout=10_000)  # type: ignore[attr-defined]
    with target.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[1][2] == "'=BETA" and rows[1][7] == "oui"


def test_contacts_table_model_is_a_valid_qt_model(
    main_window: MainWindow, qtmodeltester, db: Database
) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        for i in range(30):
            session.add(
                Contact(last_name=f"Nom{i}", sort_name=f"nom{i:02d}", search_text=f"nom{i}")
            )
    page = main_window.show_section("contacts")
    page.apply_filters()  # type: ignore[attr-defined]
    qtmodeltester.check(page.model)  # type: ignore[attr-defined]


def test_a_saved_filter_comes_back(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("contacts")
    page.npai.setCurrentIndex(page.npai.findData(True))  # type: ignore[attr-defined]
    page.search.setText("dupont")  # type: ignore[attr-defined]
    page.save_current_filter("NPAI Dupont")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: page.saved.findText("NPAI Dupont") >= 0)  # type: ignore[attr-defined]
    page.npai.setCurrentIndex(0)  # type: ignore[attr-defined]
    page.search.setText("")  # type: ignore[attr-defined]
    index = page.saved.findText("NPAI Dupont")  # type: ignore[attr-defined]
    page.apply_filter_values(page.saved.itemData(index))  # type: ignore[attr-defined]
    assert page.npai.currentData() is True and page.search.text() == "dupont"  # type: ignore[attr-defined]


def test_contact_form_shows_the_solicitations_and_keeps_one_appeal_a_year(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """#18.2: the count over the rolling 12 months per channel and in total, against the
    association's caps; the donor's "one appeal a year" is saved and the next appeal
    leaves her out."""
    from datetime import date

    from app.core.appeals.sending import AppealDraft
    from app.models.enums import Channel
    from app.operations import appeals as appeal_ops
    from app.operations.base import OperationContext

    with db.write() as session:
        contact = Contact(civility="Mme", first_name="Anne", last_name="Moreau")
        contact.addresses.append(
            PostalAddress(is_primary=True, line4="1 rue Haute", postcode="21000", city="Dijon")
        )
        session.add(contact)
    ops = OperationContext(db)

    def appeal(name: str, on: date) -> int:
        draft = AppealDraft(name=name, channel=Channel.POST, send_on=on)
        return appeal_ops.create(ops, draft).result.appeal_id

    sent = appeal("Appel d'hiver", date(2026, 2, 1))
    appeal_ops.print_letters(ops, sent, tmp_path / "hiver.pdf")  # the send: one letter
    dialog = ContactDialog(main_window.ctx, contact_id=contact.id, parent=main_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.pressure.text() == (
        "Sollicité sur 12 mois glissants : courrier 1 / 4, courriel 0 / 12, total 1 / 12"
    )
    assert dialog.appeals_per_year.currentData() is None
    dialog.appeals_per_year.setCurrentIndex(dialog.appeals_per_year.findData(1))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == qt_api.QtWidgets.QDialog.DialogCode.Accepted)
    with db.read() as session:
        assert session.get(Contact, contact.id).appeals_per_year == 1  # type: ignore[union-attr]
    plan = appeal_ops.prepare(ops, appeal("Appel de printemps", date(2026, 4, 1)))
    assert [(left.contact_id, left.reason) for left in plan.left_out] == [(contact.id, "own_limit")]
    reopened = ContactDialog(main_window.ctx, contact_id=contact.id, parent=main_window)
    qtbot.addWidget(reopened)
    qtbot.waitUntil(lambda: reopened.loaded)
    assert reopened.appeals_per_year.currentText() == "Un appel par an au plus"


def test_contact_form_keeps_what_was_typed_when_the_save_fails(
    main_window: MainWindow, qtbot, db: Database, shown
) -> None:  # type: ignore[no-untyped-def]
    """The contact vanished (merged or erased elsewhere) while its form was open: the one
    dialog says so, the form stays open with what was typed and can be saved again."""
    with db.write() as session:
        contact = Contact(first_name="Paul", last_name="Martin")
        session.add(contact)
    dialog = ContactDialog(main_window.ctx, contact_id=contact.id, parent=main_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    type_text(qtbot, dialog.first_name, "Paul-Henri")
    with db.write() as session:
        session.delete(session.get(Contact, contact.id))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown.messages))
    assert shown.kinds() == ["warning"] and "introuvable" in shown.texts()[0]
    assert dialog.result() != qt_api.QtWidgets.QDialog.DialogCode.Accepted
    assert dialog.first_name.text() == "Paul-Henri" and dialog.save_button.isEnabled()


def test_contact_form_of_a_missing_contact_says_so_and_saves_nothing(
    main_window: MainWindow, qtbot, db: Database, shown
) -> None:  # type: ignore[no-untyped-def]
    dialog = ContactDialog(main_window.ctx, contact_id=999, parent=main_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(shown.messages))
    assert shown.kinds() == ["warning"] and "introuvable" in shown.texts()[0]
    assert "n'a pas pu être lue" in dialog.general_error.text()
    assert not dialog.save_button.isEnabled() and _contacts(db) == 0


def test_a_refused_consent_keeps_the_proof_typed(
    main_window: MainWindow, qtbot, db: Database, shown
) -> None:  # type: ignore[no-untyped-def]
    """A volunteer may record consents; a read-only role may not: told once, proof kept."""
    with db.write() as session:
        contact = Contact(first_name="Paul", last_name="Martin")
        session.add(contact)
    dialog = ContactDialog(main_window.ctx, contact_id=contact.id, parent=main_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    with db.write() as session:  # anonymised elsewhere meanwhile: no consent may be added
        session.get(Contact, contact.id).status = "anonymised"  # type: ignore[union-attr]
    dialog.consent_source.setText("Formulaire web")
    dialog.consent_proof.setText("Case cochée")
    granted = dialog.findChild(qt_api.QtWidgets.QPushButton, "consent_granted")
    qtbot.mouseClick(granted, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(shown.messages) and granted.isEnabled())
    assert shown.kinds() == ["warning"] and "anonymisé" in shown.texts()[0]
    assert (
        dialog.consent_proof.text() == "Case cochée"
        and dialog.consent_history_table.rowCount() == 0
    )


def test_a_filter_without_a_name_is_refused_and_the_button_comes_back(
    main_window: MainWindow, qtbot, shown
) -> None:  # type: ignore[no-untyped-def]
    page = main_window.show_section("contacts")
    page.save_current_filter("   ")  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(shown.messages))
    assert shown.kinds() == ["warning"] and "Nom du filtre" in shown.texts()[0]
    qtbot.waitUntil(lambda: page.save_filter_button.isEnabled())  # type: ignore[attr-defined]
    assert page.saved.count() == 1  # type: ignore[attr-defined]  # only "Filtres enregistrés…"


def test_an_own_limit_set_elsewhere_is_shown_and_kept(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    """Three appeals a year (set from the command line) is not among the form's choices:
    it is shown as such and saving the form does not lift it."""
    with db.write() as session:
        contact = Contact(first_name="Paul", last_name="Martin", appeals_per_year=3)
        session.add(contact)
    dialog = ContactDialog(main_window.ctx, contact_id=contact.id, parent=main_window)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.appeals_per_year.currentText() == "3 appels par an au plus"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result() == qt_api.QtWidgets.QDialog.DialogCode.Accepted)
    with db.read() as session:
        assert session.get(Contact, contact.id).appeals_per_year == 3  # type: ignore[union-attr]


def test_contact_form_says_which_email_came_back(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    """#18.5: a bounce marks the address invalid; the form says so until it is corrected."""
    from datetime import date

    from app.models import ContactEmail
    from tests.factories import make_contact

    with db.write() as session:
        ok = make_contact(session, "Valide", email="anne@exemple.fr")
        bounced = make_contact(session, "Revenue", email="jean@exemple.fr")
        email = session.query(ContactEmail).filter_by(contact_id=bounced.id).one()
        email.invalid_on, email.invalid_reason = date(2026, 3, 2), "boîte inexistante"
        ok_id, bounced_id = ok.id, bounced.id
    dialog = ContactDialog(main_window.ctx, contact_id=bounced_id, parent=main_window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.loaded)
    assert dialog.email_state.isVisible()
    assert dialog.email_state.text() == (
        "jean@exemple.fr : invalide depuis le 02/03/2026 (boîte inexistante)"
    )
    other = ContactDialog(main_window.ctx, contact_id=ok_id, parent=main_window)
    qtbot.addWidget(other)
    other.show()
    qtbot.waitUntil(lambda: other.loaded)
    assert not other.email_state.isVisible() and other.email_state.text() == ""
