"""Obole entry point: no command opens the GUI, a command runs the CLI.

`obole` (console) runs either; `obole-gui` (a windowed launcher: no console on Windows)
always opens the window. Hidden option for release checks: `--screenshot PNG` (or
$OBOLE_SCREENSHOT) opens the window, saves a picture of it once it is shown, and quits.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

SCREENSHOT_ENV_VAR = "OBOLE_SCREENSHOT"


def main(argv: list[str] | None = None) -> int:
    """Run the GUI when called without a command, else the command-line interface."""
    multiprocessing.freeze_support()  # receipt rendering workers in a frozen build
    args = sys.argv[1:] if argv is None else list(argv)
    from app.logging_setup import configure_logging
    from app.paths import restrict_umask

    restrict_umask()  # database, backups, exports and logs private whatever the umask
    configure_logging()
    screenshot, args = _take_screenshot_option(args)
    if not args or args[0] in ("--db", "--gui") and len(args) <= 2:
        db = args[1] if args and args[0] == "--db" and len(args) == 2 else None
        return _run_gui(db, screenshot)
    from app.cli import main as cli_main

    return cli_main(args)


def gui_main(argv: list[str] | None = None) -> int:
    """The windowed launcher: the GUI, whatever the arguments (`--db` is honoured)."""
    multiprocessing.freeze_support()
    args = sys.argv[1:] if argv is None else list(argv)
    from app.logging_setup import configure_logging

    configure_logging()
    screenshot, args = _take_screenshot_option(args)
    db = args[args.index("--db") + 1] if "--db" in args[:-1] else None
    return _run_gui(db, screenshot)


def _take_screenshot_option(args: list[str]) -> tuple[str | None, list[str]]:
    """Remove `--screenshot PATH` from `args`; the path (or $OBOLE_SCREENSHOT) if given."""
    if "--screenshot" in args[:-1]:
        at = args.index("--screenshot")
        return args[at + 1], args[:at] + args[at + 2 :]
    return os.environ.get(SCREENSHOT_ENV_VAR) or None, args


def _run_gui(db: str | None, screenshot: str | None) -> int:
    from app.ui.shell.application import run_gui

    if screenshot:
        _grab_main_window_when_shown(screenshot)
    return run_gui(db_target=db)


def _grab_main_window_when_shown(path: str) -> None:
    """Save the main window to `path` once it is on screen, then quit (release checks)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.ui.shell.main_window import MainWindow

    def poll() -> None:
        app = QApplication.instance()
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        if app is None or not windows or not windows[0].isVisible():
            QTimer.singleShot(200, poll)
            return
        QApplication.processEvents()
        saved = windows[0].grab().save(path)
        print(f"screenshot {'saved' if saved else 'FAILED'}: {path}", file=sys.stderr)  # noqa: T201
        app.exit(0 if saved else 1)

    # run_gui creates the QApplication; the first poll runs once its event loop starts
    import app.ui.shell.application as application

    make_application = application.make_application

    def make_and_poll(argv: list[str] | None = None) -> QApplication:
        created = make_application(argv)
        QTimer.singleShot(0, poll)
        return created

    application.make_application = make_and_poll


if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
