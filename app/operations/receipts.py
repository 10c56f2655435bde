"""Receipt actions shared by the GUI and the CLI: preview, issue, files, e-mail, lifecycle,
receipt settings, written waivers of volunteers' expenses, company financial years.

Issuing takes the automatic backup, then plans again inside the write transaction that
allocates the numbers: what is issued is what the database holds at that moment, never a
preview computed earlier on another connection (a gift edited in between is seen).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.clock import Clock, today
from app.core.infrastructure.permissions import Permission
from app.core.organisation import OrganisationIdentity, save_identity
from app.core.receipts import audit, lifecycle, mailing
from app.core.receipts import settings as receipt_settings
from app.core.receipts.eligibility import IssuePlan, plan_receipts
from app.core.receipts.issuing import IssueResult, issue
from app.core.receipts.listing import fetch_receipts
from app.core.receipts.output import (
    rewrite_originals,
    write_number_log,
    write_pdfs,
    write_print_file,
)
from app.core.receipts.settings import ReceiptSettings
from app.errors import Conflict
from app.i18n import _
from app.models.enums import ReceiptMode, ReceiptStatus
from app.operations.base import Change, OperationContext, Outcome, check_permission, risky

RECEIPT_CHANGES = frozenset({Change.RECEIPTS, Change.GIFTS})


@dataclass(frozen=True)
class IssueRequest:
    """Which receipts to issue: a year, a mode, optionally some donors only."""

    year: int
    mode: ReceiptMode = ReceiptMode.ANNUAL
    contact_ids: tuple[int, ...] | None = None
    requested_only: bool = False


@dataclass(frozen=True)
class Issued:
    """A batch issued: the plan it followed (made inside the transaction) and its numbers."""

    plan: IssuePlan
    result: IssueResult


@dataclass(frozen=True)
class SendResult:
    """Receipts e-mailed and failures (retried later with `retry=True`)."""

    sent: int
    failed: int


def _plan(session: Session, request: IssueRequest, clock: Clock) -> IssuePlan:
    return plan_receipts(
        session,
        year=request.year,
        mode=request.mode,
        contact_ids=list(request.contact_ids) if request.contact_ids else None,
        requested_only=request.requested_only,
        issued_on=today(clock),
    )


def preview(ctx: OperationContext, request: IssueRequest) -> Outcome[IssuePlan]:
    """What would be issued and what is excluded, and why (nothing is written)."""
    with ctx.database.read() as session:
        return Outcome(_plan(session, request, ctx.database.clock))


def issue_receipts(ctx: OperationContext, request: IssueRequest) -> Outcome[Issued]:
    """Back up, then plan and issue in one transaction (all or nothing, no number gap)."""
    check_permission(ctx, Permission.RECEIPTS_ISSUE)
    risky(ctx, "receipts")
    with ctx.database.write() as session:
        plan = _plan(session, request, ctx.database.clock)
        if plan.refused:  # annual receipts wait for the end of the year (issue #15, point 2)
            raise Conflict(plan.refused)
        if plan.organisation_problems:
            raise Conflict(
                _("Émission refusée, mentions obligatoires manquantes : {details}").format(
                    details=" ; ".join(plan.organisation_problems)
                )
            )
        result = issue(
            session, plan, clock=ctx.database.clock, progress=ctx.progress, cancel=ctx.cancel
        )
    return Outcome(Issued(plan, result), RECEIPT_CHANGES if result.numbers else frozenset())


def issued_ids(ctx: OperationContext, year: int) -> tuple[int, ...]:
    """The ids of the valid receipts of a year."""
    with ctx.database.read() as session:
        rows = fetch_receipts(session, year, offset=0, limit=1_000_000)
    return tuple(r.id for r in rows if r.status == ReceiptStatus.ISSUED)


def save_pdfs(
    ctx: OperationContext, receipt_ids: tuple[int, ...], folder: Path
) -> Outcome[list[Path]]:
    """Write each receipt's PDF exactly as issued (checked against its fingerprint)."""
    with ctx.database.read() as session:
        paths = write_pdfs(session, receipt_ids, folder, progress=ctx.progress, cancel=ctx.cancel)
    return Outcome(paths)


def save_originals(ctx: OperationContext, year: int, folder: Path) -> Outcome[list[Path]]:
    """(Re)write the ORIGINAL PDF of every issued receipt of `year`, each checked against the
    SHA-256 recorded at issue (after an interrupted save)."""
    with ctx.database.read() as session:
        paths = rewrite_originals(session, year, folder, progress=ctx.progress, cancel=ctx.cancel)
    return Outcome(paths)


@dataclass(frozen=True)
class Verification:
    """What re-rendering an issued receipt says about it."""

    number: str
    sha256: str
    status: str
    reproduction: lifecycle.Reproduction

    @property
    def valid(self) -> bool:
        """False only when the data changed since issue."""
        return self.reproduction != lifecycle.Reproduction.ALTERED


def verify_receipt(ctx: OperationContext, receipt: int | str) -> Verification:
    """Render a receipt again from its snapshot and compare it with what was issued."""
    with ctx.database.read() as session:
        found = lifecycle.find_receipt(session, receipt)
        outcome = lifecycle.verify(session, found)
        return Verification(found.number, found.pdf_sha256, str(found.status), outcome)


def save_print_file(
    ctx: OperationContext, receipt_ids: tuple[int, ...], target: Path
) -> Outcome[int]:
    """One PDF with every receipt, for printing in one go."""
    with ctx.database.read() as session:
        count = write_print_file(
            session, receipt_ids, target, progress=ctx.progress, cancel=ctx.cancel
        )
    return Outcome(count)


def send_by_email(ctx: OperationContext, *, year: int, retry: bool = False) -> Outcome[SendResult]:
    """E-mail the year's receipts not sent yet (or only the failures); log each attempt."""
    check_permission(ctx, Permission.RECEIPTS_ISSUE)
    with ctx.database.write() as session:
        ids = (mailing.to_retry if retry else mailing.never_sent)(session, year=year)
        sent, failed = mailing.send_receipts(
            session, ids, clock=ctx.database.clock, progress=ctx.progress, cancel=ctx.cancel
        )
    return Outcome(SendResult(sent, failed), frozenset({Change.RECEIPTS}))


@dataclass(frozen=True)
class Corrected:
    """A receipt cancelled, or cancelled and replaced by `number`."""

    receipt_id: int
    number: str
    status: str


def cancel_receipt(
    ctx: OperationContext, receipt: int | str, *, reason: str, replace: bool = False
) -> Outcome[Corrected]:
    """Cancel a receipt (kept, marked ANNULÉ) and, if asked, issue its replacement."""
    check_permission(ctx, Permission.RECEIPTS_ISSUE)
    action = lifecycle.replace if replace else lifecycle.cancel
    with ctx.database.write() as session:
        found = lifecycle.find_receipt(session, receipt)
        new = action(session, found.id, reason=reason, clock=ctx.database.clock)
        done = Corrected(new.id, new.number, str(new.status))
    return Outcome(done, RECEIPT_CHANGES)


def reprint(ctx: OperationContext, receipt: int | str, target: Path) -> Outcome[Path]:
    """Write a DUPLICATA of a receipt (the reprint is journaled)."""
    with ctx.database.write() as session:
        found = lifecycle.find_receipt(session, receipt)
        data = lifecycle.reprint(session, found.id, clock=ctx.database.clock)
    target.write_bytes(data)
    return Outcome(target)


def number_log(ctx: OperationContext, year: int, target: Path) -> Outcome[int]:
    """Write the year's number log (PDF, CSV or XLSX by the file's extension)."""
    with ctx.database.read() as session:
        return Outcome(write_number_log(session, year, target))


def declaration(ctx: OperationContext, year: int) -> Outcome[audit.Declaration]:
    """The art. 222 bis figures of a year, on both bases (gifts received in the year,
    receipts delivered in the year: LEGAL_FR.md 0.7)."""
    with ctx.database.read() as session:
        return Outcome(audit.declaration(session, year))


def load_receipt_settings(ctx: OperationContext) -> ReceiptSettings:
    """The receipt settings as stored."""
    with ctx.database.read() as session:
        return receipt_settings.load_receipt_settings(session)


def save_settings(
    ctx: OperationContext, identity: OrganisationIdentity, settings: ReceiptSettings
) -> Outcome[None]:
    """Save the association's identity and its receipt settings in one transaction
    (nothing is saved when one field is wrong)."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        save_identity(session, identity)
        receipt_settings.save_receipt_settings(session, settings)
    return Outcome(None, frozenset({Change.SETTINGS}))


def record_waiver(
    ctx: OperationContext, gift_id: int, *, signed_on: date, reference: str
) -> Outcome[None]:
    """Record the volunteer's written waiver of an expense gift (needed for its receipt)."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        receipt_settings.record_waiver(session, gift_id, signed_on=signed_on, reference=reference)
    return Outcome(None, frozenset({Change.GIFTS}))


def set_fiscal_year_end(ctx: OperationContext, contact_id: int, text: str) -> Outcome[str]:
    """Store a company's financial-year end ("JJ/MM"); annual 16216 receipts are cut at it."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    with ctx.database.write() as session:
        stored = receipt_settings.set_fiscal_year_end(session, contact_id, text)
    return Outcome(stored, frozenset({Change.CONTACTS}))
