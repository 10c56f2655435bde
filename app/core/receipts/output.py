"""Writing issued receipts to files: one PDF per receipt, one print file, the number log."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.money import format_eur
from app.core.progress import NULL_PROGRESS, CancelToken, Progress
from app.core.receipts.audit import number_log
from app.core.receipts.document import ReceiptDocument
from app.core.receipts.issuing import snapshot_images
from app.core.receipts.lifecycle import ensure_signed, ensure_unchanged
from app.core.receipts.rendering import DigestBatch, PendingDigests, renderer
from app.errors import Conflict
from app.i18n import N_, _
from app.models import OrganisationSettings, Receipt
from app.models.enums import ReceiptStatus

LOG_HEADER = [
    N_("Numéro"),
    N_("Émis le"),
    N_("Donateur"),
    N_("Type"),
    N_("Montant"),
    N_("Statut"),
    N_("Annulé le"),
    N_("Motif"),
    N_("Remplace"),
    N_("Remplacé par"),
]


CHUNK = 200


def _issued(session: Session, receipt_ids: Iterable[int]) -> list[Receipt]:
    wanted = list(receipt_ids)
    found: list[Receipt] = []
    for start in range(0, len(wanted), 500):
        found += session.scalars(
            select(Receipt).where(Receipt.id.in_(wanted[start : start + 500]))
        ).all()
    return sorted(found, key=lambda r: (r.year, r.sequence))


def _documents(
    session: Session, receipts: list[Receipt]
) -> list[tuple[ReceiptDocument, bytes | None, bytes | None]]:
    """(document, logo, signature) of each receipt, as it was issued."""
    images: dict[tuple[str, str], tuple[bytes | None, bytes | None]] = {}
    items = []
    for receipt in receipts:
        doc = ReceiptDocument.from_json(receipt.snapshot)
        key = (doc.extra.get("logo", ""), doc.extra.get("signature", ""))
        if key not in images:
            images[key] = snapshot_images(session, doc)
        items.append((doc, *images[key]))
    return items


def _verified_chunks(
    session: Session,
    receipts: list[Receipt],
    batch: DigestBatch,
    *,
    paths: list[Path] | None = None,
) -> Iterator[list[tuple[ReceiptDocument, bytes | None, bytes | None]]]:
    """The receipts' documents by chunk, each rendered (and written to its path) by the
    renderer and checked against its SHA-256; a chunk is checked while the next one is
    being rendered, so a difference stops the work one chunk later at most."""
    pending: deque[tuple[list[Receipt], list[PendingDigests]]] = deque()
    for start in range(0, len(receipts), CHUNK):
        chunk = receipts[start : start + CHUNK]
        items = _documents(session, chunk)
        submitted = []
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index, (doc, _logo, _signature) in enumerate(items):
            groups[(doc.extra.get("logo", ""), doc.extra.get("signature", ""))].append(index)
        ordered: list[Receipt] = []
        for indexes in groups.values():
            _doc, logo, signature = items[indexes[0]]
            submitted.append(
                batch.submit(
                    [items[i][0] for i in indexes],
                    logo,
                    signature,
                    None if paths is None else [paths[start + i] for i in indexes],
                )
            )
            ordered += [chunk[i] for i in indexes]
        pending.append((ordered, submitted))
        yield items
        if len(pending) > 1:
            _check_all(*pending.popleft())
    while pending:
        _check_all(*pending.popleft())


def _check_all(receipts: list[Receipt], submitted: list[PendingDigests]) -> None:
    digests = [value for part in submitted for value in part.result()]
    for receipt, digest in zip(receipts, digests, strict=True):
        ensure_unchanged(receipt, digest)


def write_pdfs(
    session: Session,
    receipt_ids: Iterable[int],
    folder: Path,
    *,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> list[Path]:
    """Write each receipt's PDF, exactly as issued, to `folder`/recu-<number>.pdf.

    Large batches are rendered on every core; each file is checked against the SHA-256
    recorded at issue (a file that differs is removed and the work stops with a message).
    Each file is written atomically (temporary file, then os.replace): a kill leaves the
    previous file or the complete new one, never a truncated PDF.
    """
    receipts = _issued(session, receipt_ids)
    ensure_signed(receipts)  # a saved PDF leaves the software (LEGAL_FR.md 0.1)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"recu-{receipt.number}.pdf" for receipt in receipts]
    progress.start(len(receipts), _("Enregistrement des reçus en PDF"))
    try:
        with renderer().batch(expected=len(receipts)) as batch:
            for items in _verified_chunks(session, receipts, batch, paths=paths):
                progress.advance(len(items))
                if cancel is not None:
                    cancel.raise_if_cancelled()
    except Conflict:
        for path in paths:
            path.unlink(missing_ok=True)
        raise
    return paths


def issued_receipt_ids(session: Session, year: int) -> list[int]:
    """Ids of the year's receipts that are issued (not cancelled), in number order."""
    query = (
        select(Receipt.id)
        .where(Receipt.year == year, Receipt.status == ReceiptStatus.ISSUED)
        .order_by(Receipt.sequence)
    )
    return list(session.scalars(query))


def rewrite_originals(
    session: Session,
    year: int,
    folder: Path,
    *,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> list[Path]:
    """(Re)write the ORIGINAL PDF of every issued receipt of `year` into `folder`.

    For when writing the PDFs after issuing was interrupted: each file is rendered from
    the receipt's snapshot, checked against the SHA-256 recorded at issue, and written
    atomically (an existing complete or partial file is replaced).
    """
    return write_pdfs(
        session, issued_receipt_ids(session, year), folder, progress=progress, cancel=cancel
    )


def write_print_file(
    session: Session,
    receipt_ids: Iterable[int],
    target: Path,
    *,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> int:
    """One PDF with every receipt, for printing in one go (fonts and images embedded once).

    Each receipt is checked against the SHA-256 recorded at issue, on every core, while the
    print file is drawn; nothing is written if one differs or if the user cancels.
    """
    receipts = _issued(session, receipt_ids)
    progress.start(len(receipts), _("Préparation du PDF d'impression"))

    def pages() -> Iterator[tuple[ReceiptDocument, bytes | None, bytes | None]]:
        with renderer().batch(expected=len(receipts)) as batch:
            for items in _verified_chunks(session, receipts, batch):
                yield from items
                progress.advance(len(items))
                if cancel is not None:
                    cancel.raise_if_cancelled()

    partial = target.with_name(target.name + ".part")
    try:
        count = renderer().print_file(
            pages(), partial, title=_("Reçus fiscaux"), author=_organisation_name(session)
        )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return count


def _organisation_name(session: Session) -> str:
    settings = session.get(OrganisationSettings, 1)
    return settings.name if settings else ""


def write_number_log(session: Session, year: int, target: Path) -> int:
    """The year's number log as CSV/XLSX (by extension) or PDF."""
    lines = number_log(session, year)
    rows = [
        [
            line.number,
            line.issued_at.strftime("%d/%m/%Y"),
            line.donor,
            "16216" if line.kind == "company" else "11580",
            format_eur(line.total_cents),
            _("annulé") if line.status == "cancelled" else _("émis"),
            line.cancelled_at.strftime("%d/%m/%Y") if line.cancelled_at else "",
            line.cancel_reason,
            line.replaces,
            line.replaced_by,
        ]
        for line in lines
    ]
    header = [_(h) for h in LOG_HEADER]
    if target.suffix.lower() == ".pdf":
        issued = [line for line in lines if line.status != "cancelled"]
        summary = _(
            "{year} : {count} numéros, {issued} reçus valables pour {total}, {cancelled} annulés"
        ).format(
            year=year,
            count=len(lines),
            issued=len(issued),
            total=format_eur(sum(line.total_cents for line in issued)),
            cancelled=len(lines) - len(issued),
        )
        title = _("Registre des numéros de reçus fiscaux")
        renderer().table_pdf(target, title, summary, header, rows)
        return len(rows)
    return renderer().table(target, header, rows)
