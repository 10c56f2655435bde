"""GDPR actions shared by the GUI and the CLI: register, requests, access export,
erasure, restriction and retention.

Erasure and retention are risky: the automatic backup comes first, then one write
transaction. A request naming a contact that does not exist is refused on its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.core.clock import today
from app.core.gdpr import anonymise, register, requests, restriction, retention
from app.core.gdpr.anonymise import ErasurePreview
from app.core.gdpr.register import ActivityView
from app.core.gdpr.requests import DueRequest
from app.core.gdpr.retention import RetentionCandidate
from app.core.gdpr.subject_export import write_export
from app.core.infrastructure.permissions import Permission
from app.errors import NotFound, ValidationError
from app.i18n import _
from app.models import Contact, RightsRequest
from app.models.enums import RightsRequestKind
from app.operations.base import (
    NOTHING,
    Change,
    OperationContext,
    Outcome,
    check_permission,
    risky,
)
from app.reports.register_export import write_register
from app.reports.subject_pdf import render_subject_pdf

GDPR_CHANGES = frozenset({Change.GDPR})
PERSON_CHANGES = frozenset({Change.CONTACTS, Change.GDPR, Change.CONSENTS, Change.DUPLICATES})


# --- register ----------------------------------------------------------------------


def activities(ctx: OperationContext) -> Outcome[list[ActivityView]]:
    """The register's activities (pre-filled with the defaults on first use)."""
    with ctx.database.read() as session:
        found = register.activities(session)
    if found:
        return Outcome(found)
    with ctx.database.write() as session:
        register.ensure_default_register(session)
    with ctx.database.read() as session:
        return Outcome(register.activities(session), GDPR_CHANGES)


def save_activity(
    ctx: OperationContext, values: dict[str, Any], *, activity_id: int | None
) -> Outcome[None]:
    """Create or update one activity of the register (journaled)."""
    with ctx.database.write() as session:
        register.save_activity(session, values, activity_id=activity_id)
    return Outcome(None, GDPR_CHANGES)


def export_register(ctx: OperationContext, target: Path, fmt: str) -> Outcome[Path]:
    """Write the register (PDF, ODS, XLSX or CSV)."""
    with ctx.database.write() as session:
        register.ensure_default_register(session)
    with ctx.database.read() as session:
        write_register(target, register.header(session), register.activities(session), fmt)
    return Outcome(target)


# --- requests ----------------------------------------------------------------------


@dataclass(frozen=True)
class RequestInput:
    """A data-subject request as typed."""

    kind: RightsRequestKind
    received_on: date
    requester: str
    contact_id: int | None = None
    identity_check: str = ""


@dataclass(frozen=True)
class RequestRow:
    """One request as listed."""

    id: int
    kind: str
    requester: str
    contact_id: int | None
    received_on: date
    due_on: date
    status: str


@dataclass(frozen=True)
class RequestsView:
    """Every request, soonest deadline first, and those overdue or due soon."""

    rows: list[RequestRow]
    due: list[DueRequest]


def log_request(ctx: OperationContext, typed: RequestInput) -> Outcome[RequestRow]:
    """Record a request; its deadline is one month after receipt."""
    check_permission(ctx, Permission.GDPR_MANAGE)
    with ctx.database.write() as session:
        if typed.contact_id is not None and session.get(Contact, typed.contact_id) is None:
            raise ValidationError(
                _(
                    "Contact n° {id} introuvable : saisissez le numéro d'un contact existant "
                    "(fiche du contact), ou 0 pour une personne sans fiche."
                ).format(id=typed.contact_id),
                field="contact_id",
            )
        request = requests.log_request(
            session,
            kind=typed.kind,
            received_on=typed.received_on,
            requester=typed.requester,
            contact_id=typed.contact_id,
            identity_check=typed.identity_check,
        )
        row = _row(request)
    return Outcome(row, GDPR_CHANGES)


def _row(request: RightsRequest) -> RequestRow:
    return RequestRow(
        request.id,
        str(request.kind),
        request.requester,
        request.contact_id,
        request.received_on,
        request.due_on,
        str(request.status),
    )


def requests_view(ctx: OperationContext) -> Outcome[RequestsView]:
    """Every request and those overdue or due within 7 days."""
    day = today(ctx.database.clock)
    with ctx.database.read() as session:
        rows = [
            _row(r) for r in session.scalars(select(RightsRequest).order_by(RightsRequest.due_on))
        ]
        due = requests.requests_due(session, day)
    return Outcome(RequestsView(rows, due))


def requests_due(ctx: OperationContext) -> Outcome[list[DueRequest]]:
    """Requests overdue or due within 7 days."""
    return Outcome(requests_view(ctx).result.due)


def extend_request(ctx: OperationContext, request_id: int, *, notified_on: date) -> Outcome[None]:
    """Extend a request by two months, recording when the person was told."""
    with ctx.database.write() as session:
        requests.extend(session, request_id, notified_on=notified_on)
    return Outcome(None, GDPR_CHANGES)


def close_request(ctx: OperationContext, request_id: int, *, response: str) -> Outcome[None]:
    """Close a request with the answer given."""
    with ctx.database.write() as session:
        requests.close(session, request_id, closed_on=today(ctx.database.clock), response=response)
    return Outcome(None, GDPR_CHANGES)


# --- a person's rights ---------------------------------------------------------------


def export_for_access(ctx: OperationContext, contact_id: int, folder: Path) -> Outcome[Path]:
    """ZIP of everything held about a person (access, portability); journaled."""
    check_permission(ctx, Permission.GDPR_MANAGE)
    with ctx.database.write() as session:
        path = write_export(session, contact_id, folder, render_pdf=render_subject_pdf)
    return Outcome(path, GDPR_CHANGES)


def erasure_preview(ctx: OperationContext, contact_id: int) -> Outcome[ErasurePreview]:
    """What erasing a person erases and what is kept (and why)."""
    with ctx.database.read() as session:
        return Outcome(anonymise.preview_erasure(session, contact_id))


def erase_person(ctx: OperationContext, contact_id: int) -> Outcome[ErasurePreview]:
    """Back up, then erase a person's data in one transaction (what the law keeps stays)."""
    check_permission(ctx, Permission.GDPR_MANAGE)
    preview = erasure_preview(ctx, contact_id).result
    risky(ctx, "anonymisation")
    with ctx.database.write() as session:
        anonymise.anonymise(session, contact_id, clock=ctx.database.clock)
    return Outcome(preview, PERSON_CHANGES)


def set_restriction(
    ctx: OperationContext, contact_id: int, *, restricted: bool | None = None, reason: str = ""
) -> Outcome[bool]:
    """Restrict (freeze) a person, or lift it; `restricted=None` toggles. Returns the state."""
    with ctx.database.write() as session:
        contact = session.get(Contact, contact_id)
        if contact is None:
            raise NotFound(_("Contact n° {id} introuvable.").format(id=contact_id))
        wanted = (not contact.restricted) if restricted is None else restricted
        if wanted:
            restriction.restrict(session, contact_id, reason=reason or _("demande de limitation"))
        else:
            restriction.lift(session, contact_id)
    return Outcome(wanted, PERSON_CHANGES)


# --- retention -----------------------------------------------------------------------


def retention_candidates(ctx: OperationContext) -> Outcome[list[RetentionCandidate]]:
    """Contacts past their retention period."""
    with ctx.database.read() as session:
        return Outcome(retention.candidates(session, on=today(ctx.database.clock)))


def apply_retention(ctx: OperationContext) -> Outcome[int]:
    """Back up, then anonymise every contact past its retention period (cancel = nothing)."""
    check_permission(ctx, Permission.GDPR_MANAGE)
    if not retention_candidates(ctx).result:
        return Outcome(0, NOTHING)
    risky(ctx, "retention")
    with ctx.database.write() as session:
        count = retention.apply(
            session, clock=ctx.database.clock, progress=ctx.progress, cancel=ctx.cancel
        )
    return Outcome(count, PERSON_CHANGES)
