"""Rendering a batch of receipts on every core: the SHA-256 of each receipt's PDF, in order.

Issuing stores each receipt's snapshot and the digest of its PDF; the PDF itself is
rendered again, identically, whenever it is printed. Rendering is pure (a document and the
two images in, bytes out) and is most of the work of a year-end batch, so large batches are
spread over worker processes while the caller keeps writing to the database. Rendering is
deterministic, so a digest does not depend on which process computed it.

Worker processes are started with "spawn" (safe from the GUI's threads, the same on
Windows, macOS and Linux); starting them costs a fraction of a second, so small batches are
rendered in the calling process.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any

from app.core.receipts.document import ReceiptDocument
from app.reports.receipt_pdf import render_receipt

PARALLEL_FROM = 600  # receipts; below this, starting processes costs more than it saves
MAX_WORKERS = 8

_images: tuple[bytes | None, bytes | None] = (None, None)
log = logging.getLogger(__name__)


def usable_cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_count(expected: int) -> int:
    """Worker processes used for a batch of `expected` receipts (1: render in this process)."""
    return min(usable_cores(), MAX_WORKERS) if expected >= PARALLEL_FROM else 1


def digest(doc: ReceiptDocument, logo: bytes | None, signature: bytes | None) -> str:
    """SHA-256 (hex) of the receipt's PDF."""
    return hashlib.sha256(render_receipt(doc, logo=logo, signature=signature)).hexdigest()


def _start_worker(logo: bytes | None, signature: bytes | None) -> None:
    global _images
    _images = (logo, signature)
    parent = multiprocessing.parent_process()
    if parent is not None:  # a killed parent must not leave workers behind
        threading.Thread(target=_exit_with, args=(parent,), daemon=True).start()


def _exit_with(parent: Any) -> None:
    parent.join()
    os._exit(1)


def _digests(docs: Sequence[ReceiptDocument]) -> list[str]:
    logo, signature = _images
    return [digest(doc, logo, signature) for doc in docs]


class Digests:
    """The digests of one submitted group of documents, in submission order."""

    def __init__(
        self,
        parts: list[tuple[Sequence[ReceiptDocument], Future[list[str]]]],
        renderer: ReceiptRenderer,
    ) -> None:
        self._parts = parts
        self._renderer = renderer

    def result(self) -> list[str]:
        """Wait for the digests (re-raises a rendering error).

        If the worker processes died (killed by the system, say), the documents they had
        are rendered here instead: the batch goes on, only slower.
        """
        values: list[str] = []
        for docs, part in self._parts:
            try:
                values += part.result()
            except BrokenProcessPool:
                log.warning("receipt worker processes stopped; rendering in this process")
                self._renderer.close(cancel=True)
                values += self._renderer.render_here(docs)
        return values


class ReceiptRenderer:
    """Computes receipt digests, in worker processes for large batches.

    Use as a context manager; leaving it early (an error, a cancel) stops the workers.
    """

    def __init__(
        self,
        logo: bytes | None,
        signature: bytes | None,
        *,
        expected: int,
        workers: int | None = None,
    ) -> None:
        self._logo, self._signature = logo, signature
        if workers is None:
            workers = worker_count(expected)
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None
        if self.workers > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(logo, signature),
            )

    def render_here(self, docs: Sequence[ReceiptDocument]) -> list[str]:
        """Digests computed in this process."""
        return [digest(doc, self._logo, self._signature) for doc in docs]

    def submit(self, docs: Sequence[ReceiptDocument]) -> Digests:
        """Start rendering `docs` (split over the workers); `.result()` gives the digests."""
        if self._pool is None:
            done: Future[list[str]] = Future()
            done.set_result(self.render_here(docs))
            return Digests([(docs, done)], self)
        size = -(-len(docs) // self.workers)
        slices = [docs[i : i + size] for i in range(0, len(docs), size)]
        try:
            return Digests([(part, self._pool.submit(_digests, part)) for part in slices], self)
        except (BrokenProcessPool, OSError, RuntimeError) as error:  # could not start workers
            log.warning("receipt worker processes unavailable (%s); rendering here", error)
            self.close(cancel=True)
            return self.submit(docs)

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
