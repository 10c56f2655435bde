"""Rendering many receipts on every core: the SHA-256 of each receipt's PDF, in order.

Issuing stores each receipt's snapshot and the digest of its PDF; the PDF itself is
rendered again, identically, whenever it is printed or saved. Rendering is pure (a
document and the two images in, bytes out) and is most of the work of a year-end batch,
so large batches are spread over worker processes while the caller keeps working with the
database. Rendering is deterministic, so a digest does not depend on which process
computed it; when asked, the worker also writes the PDF to a file.

Worker processes are started with "spawn" (safe from the GUI's threads, the same on
Windows, macOS and Linux); starting them costs a fraction of a second, so small batches are
rendered in the calling process. If the workers die, the work is done here instead.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Any

from app.core.receipts.document import ReceiptDocument
from app.core.receipts.rendering import Page, install
from app.paths import atomic_write_bytes
from app.reports.receipt_pdf import render_receipt, write_print_file
from app.reports.table_export import write_table
from app.reports.table_pdf import write_table_pdf

PARALLEL_FROM = 600  # receipts; below this, starting processes costs more than it saves
MAX_WORKERS = 8
WORKERS_ENV_VAR = "OBOLE_RECEIPT_WORKERS"  # forces the worker count (release smoke tests)

log = logging.getLogger(__name__)


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(expected: int) -> int:
    """Worker processes used for a batch of `expected` receipts (1: render in this process)."""
    forced = os.environ.get(WORKERS_ENV_VAR, "")
    if forced.isdigit() and int(forced) > 0:
        return min(int(forced), MAX_WORKERS)
    return min(usable_cores(), MAX_WORKERS) if expected >= PARALLEL_FROM else 1


def digest(doc: ReceiptDocument, logo: bytes | None, signature: bytes | None) -> str:
    """SHA-256 (hex) of the receipt's PDF."""
    return hashlib.sha256(render_receipt(doc, logo=logo, signature=signature)).hexdigest()


def _render(
    docs: Sequence[ReceiptDocument],
    logo: bytes | None,
    signature: bytes | None,
    paths: Sequence[Path] | None,
) -> list[str]:
    """Digests of `docs`' PDFs, each also written to its path when `paths` is given."""
    digests = []
    for index, doc in enumerate(docs):
        pdf = render_receipt(doc, logo=logo, signature=signature)
        if paths is not None:
            atomic_write_bytes(paths[index], pdf)  # never a truncated PDF after a kill
        digests.append(hashlib.sha256(pdf).hexdigest())
    return digests


def _start_worker() -> None:
    parent = multiprocessing.parent_process()
    if parent is not None:  # a killed parent must not leave workers behind
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: Any) -> None:
    parent.join()
    os._exit(1)


class Digests:
    """The digests of one submitted group of documents, in submission order."""

    def __init__(self, parts: list[tuple[tuple[Any, ...], Future[list[str]]]]) -> None:
        self._parts = parts

    def result(self) -> list[str]:
        """Wait for the digests (re-raises a rendering or writing error).

        If the worker processes died (killed by the system, say), the documents they had
        are rendered here instead: the batch goes on, only slower.
        """
        values: list[str] = []
        for args, part in self._parts:
            try:
                values += part.result()
            except BrokenProcessPool:
                log.warning("receipt worker processes stopped; rendering in this process")
                values += _render(*args)
        return values


class ReceiptRenderer:
    """Computes receipt digests (and writes PDFs), in worker processes for large batches.

    Use as a context manager; leaving it early (an error, a cancel) stops the workers.
    """

    def __init__(self, *, expected: int, workers: int | None = None) -> None:
        self.workers = max(1, worker_count(expected) if workers is None else workers)
        self._pool: ProcessPoolExecutor | None = None
        if self.workers > 1:
            log.info("rendering %d receipts in %d worker processes", expected, self.workers)
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
            )

    def submit(
        self,
        docs: Sequence[ReceiptDocument],
        logo: bytes | None,
        signature: bytes | None,
        paths: Sequence[Path] | None = None,
    ) -> Digests:
        """Start rendering `docs` (split over the workers); `.result()` gives the digests.

        With `paths`, each PDF is also written to the path at the same index.
        """
        size = max(1, -(-len(docs) // self.workers))
        slices = [
            (
                docs[i : i + size],
                logo,
                signature,
                None if paths is None else paths[i : i + size],
            )
            for i in range(0, len(docs), size)
        ]
        if self._pool is not None:
            try:
                return Digests([(args, self._pool.submit(_render, *args)) for args in slices])
            except (BrokenProcessPool, OSError, RuntimeError) as error:  # workers unavailable
                log.warning("receipt worker processes unavailable (%s); rendering here", error)
                self.close(cancel=True)
        parts = []
        for args in slices:
            done: Future[list[str]] = Future()
            done.set_result(_render(*args))
            parts.append((args, done))
        return Digests(parts)

    def close(self, *, cancel: bool = False) -> None:
        """Stop the workers (at once when `cancel`, dropping work not yet started)."""
        if self._pool is not None:
            self._pool.shutdown(wait=not cancel, cancel_futures=cancel)
            self._pool = None

    def __enter__(self) -> ReceiptRenderer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(cancel=exc_type is not None)


class PdfReceiptRendering:
    """ReportLab's receipts and tables: the `ReceiptRendering` the core is given."""

    def render(
        self,
        doc: ReceiptDocument,
        *,
        logo: bytes | None,
        signature: bytes | None,
        mark: str = "",
        mark_note: str = "",
    ) -> bytes:
        """One receipt as PDF bytes."""
        return render_receipt(doc, logo=logo, signature=signature, mark=mark, mark_note=mark_note)

    def batch(self, *, expected: int, workers: int | None = None) -> ReceiptRenderer:
        """Digests of many receipts, in worker processes for a large batch."""
        return ReceiptRenderer(expected=expected, workers=workers)

    def print_file(self, pages: Iterable[Page], target: Path, *, title: str, author: str) -> int:
        """Every receipt in one PDF."""
        return write_print_file(pages, target, title=title, author=author)

    def table(self, target: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        """A CSV or XLSX table."""
        return write_table(target, header, rows)

    def table_pdf(
        self,
        target: Path,
        title: str,
        summary: str,
        header: Sequence[str],
        rows: Sequence[Sequence[Any]],
    ) -> None:
        """A landscape PDF table."""
        write_table_pdf(target, title, summary, header, rows)


def install_receipt_rendering() -> None:
    """Hand ReportLab's renderer to the receipt functions of the core."""
    install(PdfReceiptRendering())
