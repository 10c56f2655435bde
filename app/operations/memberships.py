"""Membership actions: types, joining and renewing (with the fee as a gift), lists."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.core.appeals import emailing
from app.core.appeals import letters as templates
from app.core.clock import today
from app.core.infrastructure.permissions import Permission
from app.core.member_status import MemberStatus
from app.core.memberships import service as memberships
from app.core.memberships.cards import member_cards
from app.core.organisation import load_identity
from app.core.receipts.mailing import Connector, connect, load_settings
from app.errors import NotFound, ValidationError, raise_first
from app.i18n import _
from app.models import Membership, MembershipType, OrganisationSettings, Solicitation
from app.models.enums import Channel, MembershipKind, MembershipPeriod, PaymentMethod
from app.operations.base import Change, OperationContext, Outcome, check_permission
from app.operations.files import write_atomically
from app.reports.member_card_pdf import render_member_cards
from app.reports.reminder_pdf import reminder_values, render_reminders


@dataclass(frozen=True)
class MembershipResult:
    """A recorded membership."""

    membership_id: int
    contact_id: int
    type_name: str
    starts_on: date
    ends_on: date
    amount_cents: int
    gift_id: int | None


@dataclass(frozen=True)
class TypeResult:
    """A membership type."""

    type_id: int
    name: str
    kind: str
    fee_cents: int
    period: str
    active: bool


def add_type(
    ctx: OperationContext,
    *,
    name: str,
    kind: MembershipKind,
    fee_cents: int,
    period: MembershipPeriod,
) -> Outcome[TypeResult]:
    """Create a membership type (administrator)."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        created = memberships.add_type(
            session, name=name, kind=kind, fee_cents=fee_cents, period=period
        )
        result = type_result(created)
    return Outcome(result, frozenset({Change.MEMBERSHIPS, Change.SETTINGS}))


def update_type(
    ctx: OperationContext,
    type_id: int,
    *,
    name: str,
    kind: MembershipKind,
    fee_cents: int,
    period: MembershipPeriod,
) -> Outcome[TypeResult]:
    """Change a membership type (administrator); recorded memberships keep their terms."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        changed = memberships.update_type(
            session, type_id, name=name, kind=kind, fee_cents=fee_cents, period=period
        )
        result = type_result(changed)
    return Outcome(result, frozenset({Change.MEMBERSHIPS, Change.SETTINGS}))


def set_type_active(ctx: OperationContext, type_id: int, *, active: bool) -> Outcome[TypeResult]:
    """Deactivate (no new membership of it) or reactivate a membership type."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        result = type_result(memberships.set_type_active(session, type_id, active=active))
    return Outcome(result, frozenset({Change.MEMBERSHIPS, Change.SETTINGS}))


def renewal_days(ctx: OperationContext) -> int:
    """How many days before its end a membership is "à renouveler" (read)."""
    with ctx.database.read() as session:
        return memberships.renewal_days(session)


def set_renewal_days(ctx: OperationContext, days: int) -> Outcome[int]:
    """Change the renewal window (administrator)."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        memberships.set_renewal_days(session, days)
    return Outcome(days, frozenset({Change.MEMBERSHIPS, Change.SETTINGS}))


def list_types(ctx: OperationContext) -> list[TypeResult]:
    """Every membership type."""
    with ctx.database.read() as session:
        return [type_result(t) for t in memberships.list_types(session)]


def type_result(kind: MembershipType) -> TypeResult:
    return TypeResult(
        kind.id, kind.name, kind.kind.value, kind.fee_cents, kind.period.value, kind.active
    )


def join(ctx: OperationContext, draft: memberships.MembershipDraft) -> Outcome[MembershipResult]:
    """Record a membership and its fee."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        membership = memberships.add_membership(session, draft, today=today(ctx.database.clock))
        result = _result(membership)
    return Outcome(result, frozenset({Change.MEMBERSHIPS, Change.GIFTS}))


def renew(
    ctx: OperationContext,
    contact_id: int,
    *,
    paid_on: date | None = None,
    payment_method: PaymentMethod = PaymentMethod.CHEQUE,
    type_id: int | None = None,
    cheque_number: str = "",
) -> Outcome[MembershipResult]:
    """Renew a membership from the end of the latest one."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    day = today(ctx.database.clock)
    with ctx.database.write() as session:
        membership = memberships.renew(
            session,
            contact_id,
            paid_on=paid_on or day,
            today=day,
            payment_method=payment_method,
            type_id=type_id,
            cheque_number=cheque_number,
        )
        result = _result(membership)
    return Outcome(result, frozenset({Change.MEMBERSHIPS, Change.GIFTS}))


def _result(membership: Membership) -> MembershipResult:
    return MembershipResult(
        membership.id,
        membership.contact_id,
        membership.type.name,
        membership.starts_on,
        membership.ends_on,
        membership.amount_cents,
        membership.gift_id,
    )


def list_members(
    ctx: OperationContext,
    *,
    status: MemberStatus | None = None,
    on: date | None = None,
    limit: int | None = None,
) -> list[memberships.MemberRow]:
    """Members with their status at `on` (today by default)."""
    with ctx.database.read() as session:
        return memberships.list_members(
            session, on=on or today(ctx.database.clock), status=status, limit=limit
        )


def members_per_type(ctx: OperationContext, year: int) -> dict[str, int]:
    """Members per type in `year` (dashboard)."""
    with ctx.database.read() as session:
        return memberships.members_per_type(session, year)


@dataclass(frozen=True)
class RemindersResult:
    """Renewal reminders sent (letters written, or e-mails queued and sent), and the members
    left out with the reason."""

    channel: Channel
    written: int
    path: Path | None
    excluded: dict[int, str]
    counts: dict[str, int]
    emails: emailing.SendReport | None = None


def send_reminders(
    ctx: OperationContext,
    *,
    channel: Channel = Channel.POST,
    out: Path | None = None,
    on: date | None = None,
    per_minute: int = 60,
    connector: Connector = connect,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome[RemindersResult]:
    """Remind the members "à renouveler", by letter (PDF `out`) or by e-mail.

    The appeals' rules choose who may be written to; each reminder becomes a solicitation
    (counted by the pressure caps) and a line in the member's history. By e-mail, the list
    is recorded first (every message pending), then sent like an appeal: throttled, with
    the unsubscribe sentence, a delivery log per member, and a cancelled run resumed by the
    next one (pending reminder e-mails are sent first).
    """
    check_permission(ctx, Permission.CONTACTS_WRITE)
    if channel == Channel.POST and out is None:
        raise ValidationError(
            _("Relances par courrier : fichier PDF à écrire attendu."), field="out"
        )
    if out is not None and not out.parent.is_dir():
        raise ValidationError(
            _("Dossier introuvable : {folder}.").format(folder=out.parent), field="out"
        )
    day = on or today(ctx.database.clock)
    with ctx.database.write() as session:
        if channel == Channel.EMAIL:  # before anything is recorded as sent
            raise_first(load_settings(session).problems())
        plan = memberships.renewal_reminders(session, on=day, channel=channel)
        template = templates.load_template(session, "membership")
        if out is not None and channel == Channel.POST and plan.reminders:
            identity = load_identity(session)
            pdf = render_reminders(
                plan.reminders, sender=identity, written_on=day, template=template
            )
            write_atomically(out, pdf)
        memberships.record_reminders(session, plan, on=day, subject=template.subject)
    report = None
    if channel == Channel.EMAIL:
        report = _send_reminder_emails(ctx, day, per_minute, connector, sleep)
    result = RemindersResult(channel, len(plan.reminders), out, plan.excluded, plan.counts, report)
    return Outcome(result, frozenset({Change.MEMBERSHIPS, Change.CONTACTS, Change.APPEALS}))


def _send_reminder_emails(
    ctx: OperationContext,
    day: date,
    per_minute: int,
    connector: Connector,
    sleep: Callable[[float], None],
) -> emailing.SendReport:
    with ctx.database.write() as session:
        rows = list(
            session.scalars(
                select(Solicitation)
                .where(
                    Solicitation.kind == "reminder",
                    Solicitation.channel == Channel.EMAIL,
                    Solicitation.delivery.in_(("pending", "failed")),
                )
                .order_by(Solicitation.id)
            )
        )
        association = load_identity(session).name
        reminders = memberships.reminders_for(session, [r.contact_id for r in rows], on=day)
        return emailing.send_rows(
            session,
            rows,
            template=templates.load_template(session, "membership"),
            values={cid: reminder_values(r, association) for cid, r in reminders.items()},
            label=_("Envoi des relances d'adhésion par e-mail"),
            clock=ctx.database.clock,
            unsubscribe=emailing.REMINDER_UNSUBSCRIBE,
            connector=connector,
            per_minute=per_minute,
            progress=ctx.progress,
            cancel=ctx.cancel,
            sleep=sleep,
        )


def record_reminder_bounce(ctx: OperationContext, address: str) -> Outcome[int]:
    """A reminder e-mail came back: logged, and the member's address marked invalid."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    with ctx.database.write() as session:
        count = emailing.record_bounce(session, None, address, on=today(ctx.database.clock))
    return Outcome(count, frozenset({Change.CONTACTS}))


@dataclass(frozen=True)
class CardsResult:
    """Member cards written."""

    written: int
    path: Path


def write_cards(
    ctx: OperationContext,
    out: Path,
    *,
    status: MemberStatus | None = None,
    type_reference: str | None = None,
    on: date | None = None,
) -> Outcome[CardsResult]:
    """Member cards (A4 sheets of ten) for the valid members, or those of a status or type."""
    check_permission(ctx, Permission.CONTACTS_READ)
    if not out.parent.is_dir():
        raise ValidationError(
            _("Dossier introuvable : {folder}.").format(folder=out.parent), field="out"
        )
    day = on or today(ctx.database.clock)
    with ctx.database.read() as session:
        chosen = member_cards(session, on=day, status=status, type_reference=type_reference)
        identity = load_identity(session)
        settings = session.get(OrganisationSettings, 1)
        logo = settings.logo_image if settings is not None else None
    if not chosen:
        raise NotFound(_("Aucun adhérent ne correspond : aucune carte à imprimer."))
    write_atomically(out, render_member_cards(chosen, association=identity.name, logo=logo))
    return Outcome(CardsResult(len(chosen), out), frozenset())
