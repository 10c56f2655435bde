"""Progress of long commands on stderr: a live percentage on a terminal, lines otherwise."""

from __future__ import annotations

import sys
from typing import TextIO

STEP = 10  # percent between two lines when stderr is not a terminal (logs, pipes)


class StderrProgress:
    """A `Progress` for the command line.

    On a terminal the percentage is rewritten in place; redirected to a file or a pipe,
    one line is written every STEP percent, so logs stay short and readable.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total = 0
        self.done = 0
        self._last_line = -1

    def start(self, total: int, label: str = "") -> None:
        self.total, self.done, self._last_line = total, 0, -1
        if label:
            print(label + "…", file=self.stream, flush=True)

    def advance(self, steps: int = 1) -> None:
        self.done = min(self.total, self.done + steps)
        if not self.total:
            return
        percent = self.done * 100 // self.total
        if self.stream.isatty():
            print(f"\r{percent:3d} %", end="", file=self.stream, flush=True)
        elif percent // STEP > self._last_line:
            self._last_line = percent // STEP
            print(f"{percent:3d} %", file=self.stream, flush=True)
