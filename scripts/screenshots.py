"""Render Obole's windows offscreen over a demo database and save them as PNG in docs/.

Usage: QT_QPA_PLATFORM=offscreen python scripts/screenshots.py
Each section's page is shown in the main window and grabbed; pages may expose an optional
`prepare_screenshot()` method to put themselves in a telling state first.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OBOLE_LANG", "fr")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.core.database import open_database  # noqa: E402
from app.core.demo import generate_demo  # noqa: E402
from app.paths import app_paths  # noqa: E402

DOCS = ROOT / "docs"


def main() -> None:
    """Build a demo database, then save one PNG per section."""
    home = Path(tempfile.mkdtemp(prefix="obole-shots-"))
    os.environ["OBOLE_HOME"] = str(home)
    from PySide6.QtWidgets import QApplication

    from app.ui.application import make_application
    from app.ui.main_window import MainWindow

    app = make_application()
    database = open_database(str(home / "demo.sqlite3"), user="claire")
    with database.write() as session:
        generate_demo(session, contacts=3000, seed=1, today=date(2026, 11, 20))
    window = MainWindow(database, app_paths().ensure())
    window.resize(1280, 800)
    window.show()
    DOCS.mkdir(exist_ok=True)
    for key in window.section_keys():
        page = window.show_section(key)
        prepare = getattr(page, "prepare_screenshot", None)
        if callable(prepare):
            prepare()
        for _ in range(20):
            QApplication.processEvents()
        window.tasks.wait()
        for _ in range(20):
            QApplication.processEvents()
        window.resize(1280, 800)
        window.grab().save(str(DOCS / f"screen-{key}.png"))
        print(DOCS / f"screen-{key}.png")
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
