"""Obole entry point: no command opens the GUI, a command runs the CLI."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the GUI when called without a command, else the command-line interface."""
    args = sys.argv[1:] if argv is None else argv
    from app.logging_setup import configure_logging
    from app.paths import restrict_umask

    restrict_umask()  # database, backups, exports and logs private whatever the umask
    configure_logging()
    if not args or args[0] in ("--db", "--gui") and len(args) <= 2:
        from app.ui.application import run_gui

        db = args[1] if args and args[0] == "--db" and len(args) == 2 else None
        return run_gui(db_target=db)
    from app.cli import run_cli

    return run_cli(args)


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # receipt rendering workers in a frozen build
    sys.exit(main())
