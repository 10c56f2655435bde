"""Creating an appeal and sending it: the send freezes the list as one solicitation per person."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.core.appeals.preparation import AppealPlan, Left, Recipient, display_name, prepare
from app.core.appeals.targeting import Target, check_target, segments_on
from app.core.infrastructure.journal import JournalEvent, record_events
from app.core.infrastructure.permissions import Permission, require
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import _
from app.models import Appeal, AppealExclusion, Campaign, Contact, Solicitation
from app.models.enums import Channel


@dataclass(frozen=True)
class AppealDraft:
    """An appeal as typed."""

    name: str
    channel: Channel
    target_kind: str = "all"
    target: str = ""
    send_on: date | None = None
    cost_cents: int = 0
    response_days: int = 90


def create_appeal(session: Session, draft: AppealDraft, *, today: date) -> Appeal:
    """Check and record an appeal, with the campaign its gifts will be credited to."""
    require(session, Permission.CONTACTS_WRITE)
    name = draft.name.strip()
    if not name:
        raise ValidationError(_("Nom de l'appel : champ obligatoire."), field="name")
    if draft.cost_cents < 0:
        raise ValidationError(_("Coût : montant positif ou nul attendu."), field="cost")
    if not 1 <= draft.response_days <= 730:
        raise ValidationError(
            _("Fenêtre de réponse : entre 1 et 730 jours."), field="response_days"
        )
    check_target(session, draft.target_kind, draft.target)
    number = (session.scalar(select(func.count()).select_from(Appeal)) or 0) + 1
    campaign = Campaign(
        code=f"APPEL-{number:04d}", name=name[:120], starts_on=draft.send_on or today
    )
    session.add(campaign)
    session.flush()
    appeal = Appeal(
        name=name[:120],
        channel=draft.channel,
        target_kind=draft.target_kind,
        target=draft.target,
        campaign_id=campaign.id,
        send_on=draft.send_on or today,
        cost_cents=draft.cost_cents,
        response_days=draft.response_days,
        template={},
    )
    session.add(appeal)
    session.flush()
    return appeal


def get_appeal(session: Session, appeal_id: int) -> Appeal:
    """The appeal, or NotFound."""
    appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound(_("Appel n° {id} introuvable.").format(id=appeal_id))
    return appeal


def frozen_target(session: Session, appeal: Appeal) -> Target:
    """The people a sent appeal asked, in send order, with their RFM segment at send time."""
    rows = session.execute(
        select(Solicitation.contact_id, Solicitation.segment)
        .where(Solicitation.appeal_id == appeal.id)
        .order_by(Solicitation.id)
    )
    segments = {contact_id: segment for contact_id, segment in rows}
    return Target(tuple(segments), segments)


def recipients(session: Session, appeal: Appeal) -> AppealPlan:
    """A draft appeal's plan as of now, or a sent appeal's frozen list with the people it
    left out when it was sent."""
    if appeal.sent_at is None:
        return prepare(session, appeal)
    plan = prepare(session, appeal, frozen=frozen_target(session, appeal))
    left = tuple(
        Left(row.contact_id, display_name(row), row.reason)
        for row in session.execute(
            select(
                AppealExclusion.contact_id,
                AppealExclusion.reason,
                Contact.kind,
                Contact.organisation_name,
                Contact.last_name,
                Contact.first_name,
            )
            .join(Contact, Contact.id == AppealExclusion.contact_id)
            .where(AppealExclusion.appeal_id == appeal.id)
            .order_by(AppealExclusion.id)
        )
    )
    return replace(plan, left_out=left, counts=dict(Counter(item.reason for item in left)))


def record_send(
    session: Session, appeal: Appeal, plan: AppealPlan, *, at: datetime, what: str
) -> None:
    """Freeze the list: one solicitation per recipient, in the contact's history."""
    require(session, Permission.CONTACTS_WRITE)
    if appeal.sent_at is not None:
        raise Conflict(
            _("L'appel « {name} » a déjà été envoyé le {date}.").format(
                name=appeal.name, date=f"{appeal.sent_at:%d/%m/%Y}"
            )
        )
    if not plan.recipients:
        raise Conflict(_("Personne à solliciter : tous les contacts ciblés sont écartés."))
    segments = segments_on(session, appeal.send_on)  # kept with the send, for the results
    session.execute(
        insert(Solicitation),
        [
            {
                "appeal_id": appeal.id,
                "contact_id": r.contact_id,
                "channel": appeal.channel,
                "sent_on": appeal.send_on,
                "kind": "appeal",
                "what": what[:500],
                "segment": r.segment or segments.get(r.contact_id, ""),
                "amount_asked_cents": r.amount_asked_cents,
            }
            for r in plan.recipients
        ],
    )
    if plan.left_out:  # kept, so the exclusions stay countable and exportable once sent
        session.execute(
            insert(AppealExclusion),
            [
                {"appeal_id": appeal.id, "contact_id": item.contact_id, "reason": item.reason}
                for item in plan.left_out
            ],
        )
    appeal.sent_at, appeal.sent_by = at, str(session.info.get("user", ""))
    record_events(session, [_event(appeal, r) for r in plan.recipients])


def _event(appeal: Appeal, recipient: Recipient) -> JournalEvent:
    channel = _("courrier") if appeal.channel == Channel.POST else _("e-mail")
    return JournalEvent(
        "appeal",
        appeal.id,
        _("Sollicité par l'appel « {name} » ({channel}) le {date}").format(
            name=appeal.name, channel=channel, date=f"{appeal.send_on:%d/%m/%Y}"
        ),
        contact_id=recipient.contact_id,
    )
