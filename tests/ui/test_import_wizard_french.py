"""Import wizard as a French volunteer meets it: "Tél." recognised, dates in words, French
messages only (no internal field names, no English), and "Précédent" then "Suivant" shows a
fresh preview."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from app.core.dates import format_date, parse_date
from app.core.infrastructure.database import Database
from app.ui.importing.wizard import ImportWizard
from app.ui.shell.main_window import MainWindow

CSV = (
    "Nom;Prénom;Tél.;Adresse;Code postal;Ville;Courriel;Date de naissance\n"
    "Martin;Luc;03 80 11 22 33;1 rue Haute;21000;Dijon;luc@;3 mars 1960\n"
    "Durand;Paul;;2 rue Basse;75001;Paris;paul@exemple.fr;12/05/1970\n"
    "Petit;Léa;;;69001;Lyon;lea@exemple.fr;\n"
)


def _wizard(main_window: MainWindow, qtbot, tmp_path: Path) -> ImportWizard:  # type: ignore[no-untyped-def]
    path = tmp_path / "fichier.csv"
    path.write_text(CSV, encoding="utf-8")
    wizard = ImportWizard(main_window.ctx, "contacts", main_window)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(path))
    wizard.next()
    return wizard


def _preview(qtbot, wizard: ImportWizard) -> None:  # type: ignore[no-untyped-def]
    """Go to the preview and wait for it (it is computed off the GUI thread)."""
    wizard.next()
    qtbot.waitUntil(lambda: wizard.plan is not None, timeout=10_000)


def _details(wizard: ImportWizard) -> list[str]:
    rows = wizard.preview_page.rows
    return [rows.item(r, 2).text() for r in range(rows.rowCount())]


def test_tel_is_mapped_dates_in_words_read_and_messages_french(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    wizard = _wizard(main_window, qtbot, tmp_path)
    assert wizard.mapping()[2] == "phone"  # "Tél." was left on "(ignorer)"
    _preview(qtbot, wizard)
    details = " ".join(_details(wizard))
    assert "3 mars 1960" not in details  # the date in words is read
    assert "rien après le @" in details
    assert "There must be" not in details and "@-sign" not in details
    assert "line4" not in details and "line" not in details.replace("ligne", "")


def test_back_then_next_shows_a_fresh_preview(
    main_window: MainWindow, qtbot, db: Database, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    wizard = _wizard(main_window, qtbot, tmp_path)
    _preview(qtbot, wizard)
    assert "rien après le @" in " ".join(_details(wizard))
    wizard.back()  # "Précédent"
    assert wizard.currentPage() is wizard.mapping_page
    assert wizard.preview_page.rows.rowCount() == 0  # nothing stale left behind
    email = wizard.mapping_page.combos[6]
    email.setCurrentIndex(0)  # "(ignorer)" the e-mail column
    _preview(qtbot, wizard)
    assert "rien après le @" not in " ".join(_details(wizard))


@given(st.dates(min_value=date(1900, 1, 1)))
def test_french_dates_in_words_are_read(day: date) -> None:
    months = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    words = f"{day.day} {months.split()[day.month - 1]} {day.year}"
    assert parse_date(words) == day
    assert parse_date(format_date(day)) == day
