"""Console launcher of the desktop bundle: `obole` (commands, or the window without one)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # receipt workers re-enter here: run the worker, exit
    from main import main

    sys.exit(main())
