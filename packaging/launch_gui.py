"""Windowed launcher of the desktop bundle: `obole-gui` (no console window on Windows)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # receipt workers re-enter here: run the worker, exit
    from main import gui_main

    sys.exit(gui_main())
