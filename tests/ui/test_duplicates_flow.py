"""Duplicates screen: scan, choose a value per field, merge, undo; not a duplicate; batch."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.core.infrastructure.database import Database
from app.models import Contact, ContactEmail, NotDuplicate, PostalAddress
from app.models.enums import ContactStatus
from app.ui.dedupe.page import DuplicatesPage
from app.ui.shell.main_window import MainWindow


def _pair(db: Database, *, same_email: bool = True) -> tuple[int, int]:
    with db.write() as session:
        ids = []
        for first, email in (
            ("Jean-Pierre", "jp@exemple.fr"),
            ("J.-P.", "jp@exemple.fr" if same_email else "x@y.fr"),
        ):
            contact = Contact(civility="M.", first_name=first, last_name="Dupont")
            contact.emails.append(ContactEmail(email=email))
            contact.addresses.append(
                PostalAddress(line4="1 rue Haute", postcode="21000", city="Dijon")
            )
            session.add(contact)
            session.flush()
            ids.append(contact.id)
    return ids[0], ids[1]


def _scan(page: DuplicatesPage, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.scan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(page.groups) or "0 groupe" in page.status.text(), timeout=10_000)


def test_review_choose_merge_and_undo(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    a, b = _pair(db)
    page = main_window.show_section("duplicates")
    assert isinstance(page, DuplicatesPage)
    _scan(page, qtbot)
    assert page.groups[0].member_ids == (a, b) and page.groups[0].safe
    qtbot.waitUntil(lambda: page.compare.rowCount() > 1, timeout=10_000)
    page._choose(1, 0)  # first name of contact a
    qtbot.waitUntil(lambda: "Jean-Pierre" in page.preview_label.text(), timeout=10_000)
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(page.undo_button.isEnabled, timeout=10_000)
    with db.read() as session:
        assert session.get(Contact, b).status == ContactStatus.MERGED  # type: ignore[union-attr]
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "annulée" in page.status.text(), timeout=10_000)
    with db.read() as session:
        assert session.get(Contact, b).status == ContactStatus.ACTIVE  # type: ignore[union-attr]


def test_not_a_duplicate_is_remembered(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    a, b = _pair(db, same_email=False)
    page = main_window.show_section("duplicates")
    _scan(page, qtbot)  # type: ignore[arg-type]
    qtbot.mouseClick(page.not_duplicate_button, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "Noté" in page.status.text(), timeout=10_000)  # type: ignore[attr-defined]
    with db.read() as session:
        assert session.scalars(select(NotDuplicate)).one().contact_a_id == min(a, b)
    _scan(page, qtbot)  # type: ignore[arg-type]
    assert page.groups == []  # type: ignore[attr-defined]


def test_batch_merge_of_safe_groups(main_window: MainWindow, qtbot, db: Database) -> None:  # type: ignore[no-untyped-def]
    _a, b = _pair(db)
    page = main_window.show_section("duplicates")
    _scan(page, qtbot)  # type: ignore[arg-type]
    page.merge_safe_now()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: "en lot" in page.status.text(), timeout=10_000)  # type: ignore[attr-defined]
    with db.read() as session:
        assert session.get(Contact, b).status == ContactStatus.MERGED  # type: ignore[union-attr]
    assert list(db.backup_dir.glob("*merge-batch*"))  # type: ignore[union-attr]


def test_contact_form_shows_similar_contacts_while_typing(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    _pair(db)
    page = main_window.show_section("contacts")
    dialog = page.new_contact(
        __import__("app.models.enums", fromlist=["ContactKind"]).ContactKind.PERSON
    )  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(
        lambda: getattr(main_window.ctx, "_similarity_index", None) is not None, timeout=10_000
    )
    dialog.first_name.setText("Jean-Pierre")
    dialog.last_name.setText("Dupond")
    dialog.postcode.setText("21000")
    qtbot.waitUntil(lambda: dialog.similar.results.count() >= 1, timeout=5_000)
    assert "DUPONT" in dialog.similar.results.item(0).text()


def test_every_merge_of_the_screen_is_undoable_and_reasons_show_weights(
    main_window: MainWindow, qtbot, db: Database, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """#17 point 11: Ctrl+Shift+N (not Ctrl+N), a merges list, evidence and gift counts."""
    a, b = _pair(db)
    with db.write() as session:
        first = Contact(civility="Mme", first_name="Hélène", last_name="Lefèvre")
        first.emails.append(ContactEmail(email="h@exemple.fr"))
        second = Contact(civility="Mme", first_name="Helene", last_name="LEFEVRE")
        second.emails.append(ContactEmail(email="h@exemple.fr"))
        session.add_all([first, second])
        session.flush()
        c, d = first.id, second.id
    page = main_window.show_section("duplicates")
    _scan(page, qtbot)
    assert len(page.groups) == 2
    reasons = page.groups_table.item(0, 2).text()
    assert "même courriel (+" in reasons
    qtbot.waitUntil(lambda: page.compare.rowCount() > 1, timeout=10_000)
    assert "Dons" in [
        page.compare.verticalHeaderItem(r).text() for r in range(page.compare.rowCount())
    ]
    assert "Indices" in page.evidence_label.text()
    main_window.resize(1280, 720)
    main_window.grab().save(str(tmp_path / "duplicates.png"))
    if os.environ.get("OBOLE_SHOTS"):
        main_window.grab().save(os.path.join(os.environ["OBOLE_SHOTS"], "duplicates.png"))
    page.merge_safe_now()
    qtbot.waitUntil(lambda: "en lot" in page.status.text(), timeout=10_000)
    assert page.history.count() == 2
    page.history.setCurrentRow(1)  # the older merge, not the last one
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.history.count() == 1, timeout=10_000)
    with db.read() as session:
        statuses = {i: session.get(Contact, i).status for i in (a, b, c, d)}  # type: ignore[union-attr]
    assert sorted(s.value for s in statuses.values()).count("merged") == 1


def test_not_a_duplicate_shortcut_does_not_clash_with_new_database(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    _pair(db, same_email=False)
    page = main_window.show_section("duplicates")
    _scan(page, qtbot)  # type: ignore[arg-type]
    page.groups_table.setFocus()  # type: ignore[attr-defined]
    qtbot.keyClick(
        page.groups_table,  # type: ignore[attr-defined]
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: "Noté" in page.status.text(), timeout=10_000)  # type: ignore[attr-defined]
    with db.read() as session:
        assert session.scalars(select(NotDuplicate)).first() is not None


def test_contact_form_finds_a_similar_contact_from_the_email_alone(
    main_window: MainWindow, qtbot, db: Database
) -> None:  # type: ignore[no-untyped-def]
    _pair(db)
    page = main_window.show_section("contacts")
    dialog = page.new_contact(
        __import__("app.models.enums", fromlist=["ContactKind"]).ContactKind.PERSON
    )  # type: ignore[attr-defined]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(
        lambda: getattr(main_window.ctx, "_similarity_index", None) is not None, timeout=10_000
    )
    dialog.email1.setText("jp@exemple.fr")
    qtbot.waitUntil(lambda: dialog.similar.results.count() >= 1, timeout=5_000)
    assert "DUPONT" in dialog.similar.results.item(0).text()


def test_uncertain_cases_on_request_and_decisions_remembered(  # type: ignore[no-untyped-def]
    main_window: MainWindow, qtbot, db: Database
) -> None:
    """The same name with nothing else in two towns is under the threshold: shown "à
    vérifier" when asked; merging one teaches the scan what the name alone is worth here
    (the others rise, and the reason says why); "pas un doublon" lowers them again."""
    with db.write() as session:
        for name in ("Kerdaniel", "Quéméner", "Le Bihan"):
            for postcode, city in (("29200", "Brest"), ("29000", "Quimper")):
                contact = Contact(civility="M.", first_name="Yann", last_name=name)
                contact.addresses.append(PostalAddress(line4="", postcode=postcode, city=city))
                session.add(contact)
    page = main_window.show_section("duplicates")
    assert isinstance(page, DuplicatesPage)
    _scan(page, qtbot)
    assert page.groups == []  # under the suggestion threshold: not shown by default
    page.uncertain.setChecked(True)
    page.status.setText("")
    _scan(page, qtbot)
    assert len(page.groups) == 3
    first = page.groups[0].best.probability
    assert "à vérifier" in page.groups_table.item(0, 0).text()
    qtbot.waitUntil(lambda: page.compare.rowCount() > 1, timeout=10_000)
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # one person
    qtbot.waitUntil(page.undo_button.isEnabled, timeout=10_000)
    page.groups = []
    page.status.setText("")
    _scan(page, qtbot)
    assert len(page.groups) == 2
    raised = page.groups[0].best.probability
    assert raised > first
    reasons = page.groups_table.item(0, 2).toolTip()
    assert "vos décisions sur des personnes de même nom : 1 fusion, 0 « pas un doublon »" in reasons
    qtbot.mouseClick(page.not_duplicate_button, Qt.MouseButton.LeftButton)  # two people
    qtbot.waitUntil(lambda: "Noté" in page.status.text(), timeout=10_000)
    page.groups = []
    page.status.setText("")
    _scan(page, qtbot)
    assert len(page.groups) == 1
    assert all(g.best.probability < raised for g in page.groups)
    assert "1 fusion, 1 « pas un doublon »" in page.groups_table.item(0, 2).toolTip()


def test_a_group_is_as_doubtful_as_its_weakest_link(  # type: ignore[no-untyped-def]
    main_window: MainWindow, qtbot, db: Database
) -> None:
    """A safe pair linked to a third contact by an uncertain pair: the group is "à
    vérifier" although its best pair is at 99 %."""
    from app.core.dedupe.scan import CandidateGroup
    from app.core.dedupe.scoring import PairScore

    a, b = _pair(db)
    with db.write() as session:
        third = Contact(civility="M.", first_name="Jean", last_name="Dupont")
        session.add(third)
        session.flush()
        c = third.id
    page = main_window.show_section("duplicates")
    assert isinstance(page, DuplicatesPage)
    strong = PairScore(a, b, 99.5, ("même courriel",), True, probability=0.995)
    weak = PairScore(b, c, 35.0, ("même nom",), False, probability=0.35)
    page.show_groups([CandidateGroup((a, b, c), 99.5, (strong, weak))], {}, 0.8)
    assert "à vérifier" in page.groups_table.item(0, 0).text()
    qtbot.waitUntil(lambda: page.compare.columnCount() == 3, timeout=10_000)
    page.show_groups([CandidateGroup((a, b), 99.5, (strong,))], {}, 0.8)
    assert "à vérifier" not in page.groups_table.item(0, 0).text()
    qtbot.waitUntil(lambda: page.compare.columnCount() == 2, timeout=10_000)


def test_a_contact_gone_since_the_search_is_said_plainly(  # type: ignore[no-untyped-def]
    main_window: MainWindow, qtbot, db: Database, shown
) -> None:
    """A group whose contact no longer exists (erased or merged elsewhere since the scan):
    the user is told to search again, no crash dialog."""
    from app.core.dedupe.scan import CandidateGroup
    from app.core.dedupe.scoring import PairScore

    a, _b = _pair(db)
    page = main_window.show_section("duplicates")
    assert isinstance(page, DuplicatesPage)
    pair = PairScore(a, 999, 99.0, ("même courriel",), True, probability=0.99)
    page.show_groups([CandidateGroup((a, 999), 99.0, (pair,))], {}, 0.8)
    qtbot.waitUntil(lambda: bool(shown.messages), timeout=10_000)
    assert "crash" not in shown.kinds()
    assert "n° 999 n'existe plus" in shown.texts()[0]
