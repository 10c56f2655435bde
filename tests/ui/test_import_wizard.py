"""The import wizard on a French Excel CSV: file, mapping, preview, commit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWizard
from sqlalchemy import func, select

from app.core.infrastructure.database import Database
from app.models import Contact, ImportBatch
from app.ui.importing.wizard import ImportWizard
from app.ui.shell.main_window import MainWindow

CSV = (
    "Civilité;Nom;Prénom;Adresse 1;Code postal;Ville;Courriel;Inconnue\n"
    "Mme;Lefèvre;Hélène;3 rue de l'Église;21000;Dijon;helene@exemple.fr;x\n"
    "M.;Durand;Paul;1 rue Haute;75001;Paris;paul@;y\n"
)


def _wizard_on(main_window: MainWindow, qtbot, tmp_path: Path) -> ImportWizard:  # type: ignore[no-untyped-def]
    """The contacts wizard, shown, with the French Excel file chosen on its first page."""
    path = tmp_path / "adherents.csv"
    path.write_bytes(CSV.encode("cp1252"))
    wizard = ImportWizard(main_window.ctx, "contacts", main_window)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    return wizard


def test_click_through_the_wizard(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    wizard = _wizard_on(main_window, qtbot, tmp_path)
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    assert wizard.mapping() == {
        0: "civility",
        1: "last_name",
        2: "first_name",
        3: "line4",
        4: "postcode",
        5: "city",
        6: "email",
    }
    wizard.next()
    qtbot.waitUntil(lambda: wizard.plan is not None, timeout=10_000)
    assert (
        "1 nouvelles" in wizard.preview_page.summary.text()
        and "1 rejetées" in wizard.preview_page.summary.text()
    )
    assert wizard.preview_page.rows.item(1, 1).text() == "rejeté"
    with db.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(Contact)) == 0
        )  # preview writes nothing
    wizard.next()
    qtbot.waitUntil(lambda: wizard.done_page.finished_work, timeout=10_000)
    assert "1 créées" in wizard.done_page.result.text()
    with db.read() as session:
        assert session.scalars(select(Contact.last_name)).all() == ["Lefèvre"]
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 1
    wizard.button(QWizard.WizardButton.FinishButton).click()


def test_undo_an_import_from_the_wizard_and_the_file_menu(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    wizard = _wizard_on(main_window, qtbot, tmp_path)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.plan is not None, timeout=10_000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.done_page.finished_work, timeout=10_000)
    assert wizard.done_page.undo_button.isVisibleTo(wizard)
    assert "Imports effectués" in wizard.done_page.result.text()
    dialog = wizard.done_page.open_imports(modal=False)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded, timeout=10_000)
    assert dialog.selected() is not None and dialog.selected().file_name == "adherents.csv"  # type: ignore[union-attr]
    assert dialog.table.item(0, 5).text() == "1" and dialog.table.item(0, 8).text() == "en place"
    from app.core.infrastructure.backup import list_backups

    def import_backups() -> int:
        return sum(e.reason == "import" for e in list_backups(db.backup_dir))  # type: ignore[arg-type]

    before = import_backups()
    dialog.undo_selected(confirm=False)
    qtbot.waitUntil(lambda: "annulé" in dialog.status.text(), timeout=10_000)
    assert import_backups() == before + 1
    qtbot.waitUntil(lambda: dialog.table.item(0, 8).text().startswith("annulé le"), timeout=10_000)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
    assert dialog.table.item(0, 8).text().startswith("annulé le")
    assert not dialog.undo_button.isEnabled()  # an import is undone once
    from app.ui.importing.history import ImportsDialog

    later = ImportsDialog(main_window.ctx, main_window)  # what File > Imports made shows
    qtbot.addWidget(later)
    qtbot.waitUntil(lambda: later.loaded, timeout=10_000)
    assert later.table.rowCount() == 1 and not later.undo_button.isEnabled()


def test_preview_lists_folded_rows_and_incomplete_addresses(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "doublons.csv"
    path.write_text(
        "Nom;Prénom;Courriel;Téléphone;Adresse 1;Code postal;Ville\n"
        "Blanc;Tom;tom@exemple.fr;;1 rue B;21000;\n"
        "Blanc;Tom;tom@exemple.fr;0698765432;9 rue C;75001;Paris\n",
        encoding="utf-8",
    )
    wizard = ImportWizard(main_window.ctx, "contacts", main_window)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.plan is not None, timeout=10_000)
    summary = wizard.preview_page.summary.text()
    assert "1 regroupées avec une ligne précédente" in summary
    assert "1 adresses incomplètes gardées telles quelles" in summary
    assert wizard.preview_page.rows.item(1, 1).text() == "regroupé"
    assert "0698765432" in wizard.preview_page.rows.item(1, 2).text()
    assert "non postable" in wizard.preview_page.rows.item(0, 2).text()
    wizard.grab().save(str(tmp_path / "preview.png"))


def test_a_failed_import_says_so_and_leaves_the_wizard_usable(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path, shown, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Was stuck on "Import en cours…" with no way on."""
    from app.errors import StorageError
    from app.operations import imports

    def full(*_args: object, **_kwargs: object) -> None:
        raise StorageError("Le disque est plein : impossible d'écrire dans x. Libérez de la place.")

    monkeypatch.setattr(imports.importing, "commit", full)
    wizard = _wizard_on(main_window, qtbot, tmp_path)
    wizard.next()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.plan is not None, timeout=10_000)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.done_page.finished_work, timeout=10_000)
    assert "Import impossible" in wizard.done_page.result.text()
    assert shown.kinds() == ["warning"] and "disque est plein" in shown.texts()[0]
    assert wizard.done_page.isComplete()
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 0
