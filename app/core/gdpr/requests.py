"""Data-subject requests: log, legal deadline (1 month, +2 with notice), status, due soon."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.infrastructure.permissions import Permission, require
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import N_, _
from app.models import AuditEvent, Contact, RightsRequest
from app.models.enums import RightsRequestKind, RightsRequestStatus

KIND_LABELS = {
    RightsRequestKind.ACCESS: N_("Accès"),
    RightsRequestKind.RECTIFICATION: N_("Rectification"),
    RightsRequestKind.ERASURE: N_("Effacement"),
    RightsRequestKind.RESTRICTION: N_("Limitation"),
    RightsRequestKind.PORTABILITY: N_("Portabilité"),
    RightsRequestKind.OBJECTION: N_("Opposition"),
}
OPEN = (RightsRequestStatus.RECEIVED, RightsRequestStatus.IN_PROGRESS, RightsRequestStatus.EXTENDED)


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class DueRequest:
    """An open request with its deadline."""

    id: int
    kind: str
    requester: str
    due_on: date
    overdue: bool


def log_request(
    session: Session,
    *,
    kind: RightsRequestKind,
    received_on: date,
    requester: str,
    contact_id: int | None = None,
    identity_check: str = "",
    details: str = "",
) -> RightsRequest:
    """Record a request; its deadline is one month after receipt (Art. 12.3 GDPR)."""
    require(session, Permission.GDPR_MANAGE)
    if not requester.strip() and contact_id is None:
        raise ValidationError(_("Demandeur : nom ou contact obligatoire."), field="requester")
    if contact_id is not None and session.get(Contact, contact_id) is None:
        raise NotFound(_("Contact {id} introuvable.").format(id=contact_id))
    request = RightsRequest(
        kind=kind,
        received_on=received_on,
        due_on=add_months(received_on, 1),
        requester=requester.strip(),
        contact_id=contact_id,
        identity_check=identity_check.strip(),
        details=details.strip(),
    )
    session.add(request)
    session.flush()
    return request


def _open_request(session: Session, request_id: int) -> RightsRequest:
    request = session.get(RightsRequest, request_id)
    if request is None:
        raise NotFound(_("Demande {id} introuvable.").format(id=request_id))
    if request.status not in OPEN:
        raise Conflict(_("La demande {id} est déjà close.").format(id=request_id))
    return request


def extend(session: Session, request_id: int, *, notified_on: date) -> RightsRequest:
    """Extend by two months (Art. 12.3), recording when the person was told why."""
    require(session, Permission.GDPR_MANAGE)
    request = _open_request(session, request_id)
    if request.extended:
        raise Conflict(_("Le délai de la demande {id} a déjà été prolongé.").format(id=request_id))
    if notified_on > request.due_on:
        raise ValidationError(
            _(
                "La personne doit être informée de la prolongation avant l'échéance du {date}."
            ).format(date=request.due_on.strftime("%d/%m/%Y")),
            field="notified_on",
        )
    request.extended = True
    request.extension_notified_on = notified_on
    request.due_on = add_months(request.received_on, 3)
    request.status = RightsRequestStatus.EXTENDED
    session.flush()
    return request


def close(
    session: Session, request_id: int, *, closed_on: date, response: str, refused: bool = False
) -> RightsRequest:
    """Close a request with the answer given."""
    require(session, Permission.GDPR_MANAGE)
    request = _open_request(session, request_id)
    if not response.strip():
        raise ValidationError(_("Réponse apportée : champ obligatoire."), field="response")
    request.status = RightsRequestStatus.REFUSED if refused else RightsRequestStatus.DONE
    request.closed_on, request.response = closed_on, response.strip()
    session.flush()
    pseudonymise(session, request)
    return request


def pseudonymous_requester(request_id: int) -> str:
    """What stays of the requester once a request is closed."""
    return _("demandeur de la demande n° {id} (pseudonymisé)").format(id=request_id)


def pseudonymise(session: Session, request: RightsRequest) -> None:
    """Keep only what proving the answer requires: kind, dates, status, answer, contact id.

    The requester's name and the identity-check details are replaced, in the request and in
    its journal rows (the journal would otherwise keep the name an erasure removed).
    """
    names = [t for t in (request.requester, request.identity_check) if len(t.strip()) > 1]
    pseudonym = pseudonymous_requester(request.id)
    request.requester = pseudonym
    if request.identity_check:
        request.identity_check = _("[vérifiée, détails effacés]")
    for name in names:
        request.details = request.details.replace(name, pseudonym)
        request.response = request.response.replace(name, pseudonym)
    session.flush()
    rows = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "rights_request", AuditEvent.entity_id == request.id
        )
    )
    for row in rows:
        for name in names:
            row.old = None if row.old is None else row.old.replace(name, pseudonym)
            row.new = None if row.new is None else row.new.replace(name, pseudonym)
    session.flush()


def requests_due(session: Session, today: date, within_days: int = 7) -> list[DueRequest]:
    """Open requests overdue or due within `within_days`, soonest first."""
    limit = today + timedelta(days=within_days)
    rows = session.scalars(
        select(RightsRequest)
        .where(RightsRequest.status.in_(OPEN), RightsRequest.due_on <= limit)
        .order_by(RightsRequest.due_on)
    )
    return [DueRequest(r.id, str(r.kind), r.requester, r.due_on, r.due_on < today) for r in rows]
