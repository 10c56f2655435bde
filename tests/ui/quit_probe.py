"""Run the real GUI start, open one dialog, close it, quit: the exit code tells how it ended.

Used by test_quit_after_dialogs.py in a subprocess, so that a crash at exit (a Qt object
destroyed after the QApplication) is seen as a failure instead of killing the test run.
Usage: python -m tests.ui.quit_probe DATABASE DIALOG
"""

from __future__ import annotations

import gc
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from shiboken6 import Shiboken  # noqa: E402

from app.ui.shell.application import make_application, run_gui  # noqa: E402


def _main_window():  # type: ignore[no-untyped-def]
    from app.ui.shell.main_window import MainWindow

    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))


def _close_modal_then_quit() -> None:
    modal = QApplication.activeModalWidget()
    if modal is None:
        QTimer.singleShot(20, _close_modal_then_quit)
        return
    modal.reject()
    QTimer.singleShot(0, lambda: _main_window().close())


def open_dialog(name: str) -> None:
    """Open the dialog `name` the way the user would (the call blocks in exec())."""
    window = _main_window()
    QTimer.singleShot(50, _close_modal_then_quit)
    if name == "contact":
        window.show_section("contacts").open_contact(1)
    elif name == "new_contact":
        from app.models.enums import ContactKind

        window.show_section("contacts").new_contact(ContactKind.PERSON)
    elif name == "gift":
        window.show_section("gifts").new_gift()
    elif name == "slip":
        from app.ui.gifts.deposit_slip import DepositSlipDialog

        DepositSlipDialog(window.ctx, window).exec()
    elif name == "import":
        window.open_import("contacts")
    elif name == "imports":
        window.show_imports()
    elif name == "users":
        window.show_users()
    else:
        raise SystemExit(f"unknown dialog {name}")


def widgets_left() -> list[str]:
    """Widgets still alive once the GUI returned: PySide's exit sweep would delete them in
    no fixed order (a child before or after its parent), which is how the crash happened."""
    gc.collect()
    return sorted(
        type(o).__name__ for o in gc.get_objects() if isinstance(o, QWidget) and Shiboken.isValid(o)
    )


def main() -> int:
    """Start like main.py does, open the dialog once the window is shown."""
    database, dialog = sys.argv[1], sys.argv[2]
    make_application()
    QTimer.singleShot(0, lambda: open_dialog(dialog))
    code = run_gui(db_target=database)
    left = widgets_left()
    if left:
        sys.stderr.write("widgets left at exit: " + ", ".join(sorted(set(left))) + "\n")
        return 3
    return code


if __name__ == "__main__":
    sys.exit(main())
