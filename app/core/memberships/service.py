"""Memberships: types with their fee and period, each member's memberships, status at a date.

Status at a date, from the latest membership's end: "à jour" (ends after the renewal
window), "à renouveler" (ends within the window, default 30 days), "échu" (ended), or no
membership at all. The fee is recorded as a gift flagged as a membership fee: it stays out of
tax receipts unless the association's setting says its fees carry no counterpart (receipts
rules, LEGAL_FR.md "Membership fees").
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, insert, select
from sqlalchemy.orm import Session

from app.core.appeals.preparation import Recipient, prepare_list
from app.core.appeals.targeting import Target
from app.core.gifts.recording import GiftDraft, create_gift
from app.core.infrastructure.journal import JournalEvent, record_events
from app.core.infrastructure.permissions import Permission, require
from app.core.member_status import (
    DEFAULT_RENEWAL_DAYS,
    MemberStatus,
    latest_end,
    status_expression,
    status_of,
)
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import N_, _
from app.models import Contact, Membership, MembershipType, Setting, Solicitation
from app.models.enums import Channel, MembershipKind, MembershipPeriod, PaymentMethod

SETTING_KEY = "memberships"


STATUS_LABELS = {
    MemberStatus.CURRENT: N_("à jour"),
    MemberStatus.DUE: N_("à renouveler"),
    MemberStatus.LAPSED: N_("échu"),
    MemberStatus.NONE: N_("jamais adhérent"),
}
KIND_LABELS = {
    MembershipKind.INDIVIDUAL: N_("individuelle"),
    MembershipKind.FAMILY: N_("famille"),
    MembershipKind.ORGANISATION: N_("personne morale"),
}
PERIOD_LABELS = {
    MembershipPeriod.CALENDAR_YEAR: N_("année civile"),
    MembershipPeriod.SCHOOL_YEAR: N_("année scolaire (septembre-août)"),
    MembershipPeriod.ROLLING_12_MONTHS: N_("12 mois à partir du paiement"),
}


def renewal_days(session: Session) -> int:
    """How many days before its end a membership is "à renouveler"."""
    setting = session.get(Setting, SETTING_KEY)
    value = (setting.value or {}).get("renewal_days") if setting is not None else None
    return int(value) if isinstance(value, int) else DEFAULT_RENEWAL_DAYS


def set_renewal_days(session: Session, days: int) -> None:
    """Change the renewal window (administrator)."""
    require(session, Permission.SETTINGS_WRITE)
    if not 0 <= days <= 180:
        raise ValidationError(_("Délai de renouvellement : entre 0 et 180 jours."), field="days")
    setting = session.get(Setting, SETTING_KEY) or Setting(key=SETTING_KEY, value={})
    setting.value = {**(setting.value or {}), "renewal_days": days}
    session.add(setting)


def _type_name(session: Session, name: str, *, other_than: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise ValidationError(_("Nom du type d'adhésion : champ obligatoire."), field="name")
    if len(name) > 80:
        raise ValidationError(_("Nom du type d'adhésion : 80 caractères au plus."), field="name")
    taken = select(MembershipType.id).where(MembershipType.name == name)
    if other_than is not None:
        taken = taken.where(MembershipType.id != other_than)
    if session.scalar(taken):
        raise ValidationError(
            _("Le type d'adhésion « {name} » existe déjà.").format(name=name), field="name"
        )
    return name


def _check_fee(fee_cents: int) -> None:
    if fee_cents < 0:
        raise ValidationError(_("Cotisation : montant positif ou nul attendu."), field="fee")


def add_type(
    session: Session, *, name: str, kind: MembershipKind, fee_cents: int, period: MembershipPeriod
) -> MembershipType:
    """Create a membership type."""
    require(session, Permission.SETTINGS_WRITE)
    name = _type_name(session, name)
    _check_fee(fee_cents)
    kind_type = MembershipType(name=name, kind=kind, fee_cents=fee_cents, period=period)
    session.add(kind_type)
    session.flush()
    return kind_type


def _get_type(session: Session, type_id: int) -> MembershipType:
    found = session.get(MembershipType, type_id)
    if found is None:
        raise NotFound(_("Type d'adhésion « {ref} » introuvable.").format(ref=type_id))
    return found


def update_type(
    session: Session,
    type_id: int,
    *,
    name: str,
    kind: MembershipKind,
    fee_cents: int,
    period: MembershipPeriod,
) -> MembershipType:
    """Change a membership type (journaled field by field).

    Memberships already recorded keep their own dates and amount: the new fee and period
    apply from the next membership or renewal of this type.
    """
    require(session, Permission.SETTINGS_WRITE)
    kind_type = _get_type(session, type_id)
    kind_type.name = _type_name(session, name, other_than=type_id)
    _check_fee(fee_cents)
    kind_type.kind, kind_type.fee_cents, kind_type.period = kind, fee_cents, period
    session.flush()
    return kind_type


def set_type_active(session: Session, type_id: int, *, active: bool) -> MembershipType:
    """Deactivate a type (no new membership of it; past ones stay) or reactivate it."""
    require(session, Permission.SETTINGS_WRITE)
    kind_type = _get_type(session, type_id)
    kind_type.active = active
    session.flush()
    return kind_type


def list_types(session: Session) -> list[MembershipType]:
    """Every membership type, active first."""
    return list(
        session.scalars(
            select(MembershipType).order_by(MembershipType.active.desc(), MembershipType.name)
        )
    )


def find_type(session: Session, reference: str) -> MembershipType:
    """A membership type by id or by name."""
    query = select(MembershipType).where(
        MembershipType.id == int(reference)
        if reference.isdigit()
        else MembershipType.name == reference
    )
    found = session.scalar(query)
    if found is None:
        raise NotFound(_("Type d'adhésion « {ref} » introuvable.").format(ref=reference))
    return found


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def period_containing(period: MembershipPeriod, day: date) -> tuple[date, date]:
    """The membership period that starts at or contains `day` (first and last day)."""
    if period == MembershipPeriod.CALENDAR_YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if period == MembershipPeriod.SCHOOL_YEAR:
        start_year = day.year if day.month >= 9 else day.year - 1
        return date(start_year, 9, 1), date(start_year + 1, 8, 31)
    return day, _add_months(day, 12) - timedelta(days=1)


@dataclass(frozen=True)
class MembershipDraft:
    """A membership as recorded: who, which type, paid when and how."""

    contact_id: int
    type_id: int
    paid_on: date
    payment_method: PaymentMethod = PaymentMethod.CHEQUE
    amount_cents: int | None = None  # None: the type's fee
    starts_on: date | None = None  # None: the period containing paid_on (or after the last)
    cheque_number: str = ""
    record_gift: bool = True


def add_membership(session: Session, draft: MembershipDraft, *, today: date) -> Membership:
    """Record a membership and, unless told otherwise, its fee as a gift."""
    require(session, Permission.GIFTS_WRITE)
    contact = session.get(Contact, draft.contact_id)
    if contact is None:
        raise NotFound(_("Contact n° {id} introuvable.").format(id=draft.contact_id))
    kind = session.get(MembershipType, draft.type_id)
    if kind is None:
        raise NotFound(_("Type d'adhésion n° {id} introuvable.").format(id=draft.type_id))
    if not kind.active:
        raise ValidationError(
            _(
                "Le type d'adhésion « {name} » est désactivé : choisissez-en un autre "
                "(ou réactivez-le dans les paramètres)."
            ).format(name=kind.name),
            field="type",
        )
    if draft.paid_on > today:
        raise ValidationError(_("Date de paiement dans le futur."), field="paid_on")
    amount = kind.fee_cents if draft.amount_cents is None else draft.amount_cents
    if amount < 0:
        raise ValidationError(
            _("Montant de la cotisation : positif ou nul attendu."), field="amount"
        )
    starts, ends = period_containing(kind.period, draft.starts_on or draft.paid_on)
    if draft.starts_on is not None and kind.period == MembershipPeriod.ROLLING_12_MONTHS:
        starts, ends = draft.starts_on, _add_months(draft.starts_on, 12) - timedelta(days=1)
    overlap = session.scalar(
        select(Membership.id).where(
            Membership.contact_id == contact.id,
            Membership.starts_on <= ends,
            Membership.ends_on >= starts,
        )
    )
    if overlap is not None:
        raise Conflict(
            _("{name} est déjà adhérent(e) sur cette période ({start} - {end}).").format(
                name=contact.display_name, start=f"{starts:%d/%m/%Y}", end=f"{ends:%d/%m/%Y}"
            )
        )
    gift_id = None
    if draft.record_gift and amount > 0:
        gift = create_gift(
            session,
            GiftDraft(
                contact_id=contact.id,
                received_on=draft.paid_on,
                amount_cents=amount,
                payment_method=draft.payment_method,
                cheque_number=draft.cheque_number,
                is_membership_fee=True,
                notes=_("Cotisation {type} {start} - {end}").format(
                    type=kind.name, start=f"{starts:%d/%m/%Y}", end=f"{ends:%d/%m/%Y}"
                ),
            ),
            today=today,
        )
        gift_id = gift.id
    membership = Membership(
        contact_id=contact.id,
        type_id=kind.id,
        starts_on=starts,
        ends_on=ends,
        paid_on=draft.paid_on,
        amount_cents=amount,
        payment_method=draft.payment_method,
        gift_id=gift_id,
    )
    session.add(membership)
    session.flush()
    return membership


def renew(
    session: Session,
    contact_id: int,
    *,
    paid_on: date,
    today: date,
    payment_method: PaymentMethod = PaymentMethod.CHEQUE,
    type_id: int | None = None,
    cheque_number: str = "",
) -> Membership:
    """The next membership after the latest one (same type unless another is given)."""
    latest = session.scalar(
        select(Membership)
        .where(Membership.contact_id == contact_id)
        .order_by(Membership.ends_on.desc())
        .limit(1)
    )
    if latest is None and type_id is None:
        raise NotFound(
            _("Contact n° {id} : aucune adhésion à renouveler, choisissez un type.").format(
                id=contact_id
            )
        )
    next_start = None
    if latest is not None and latest.ends_on >= paid_on - timedelta(days=renewal_days(session)):
        next_start = latest.ends_on + timedelta(days=1)  # renewed on time: no gap, no overlap
    return add_membership(
        session,
        MembershipDraft(
            contact_id=contact_id,
            type_id=type_id or (latest.type_id if latest else 0),
            paid_on=paid_on,
            payment_method=payment_method,
            starts_on=next_start,
            cheque_number=cheque_number,
        ),
        today=today,
    )


def member_status(session: Session, contact_id: int, *, on: date) -> MemberStatus:
    """A contact's membership status at `on`."""
    ends = session.scalar(
        select(func.max(Membership.ends_on)).where(Membership.contact_id == contact_id)
    )
    return status_of(ends, on=on, window=renewal_days(session))


@dataclass(frozen=True)
class MemberRow:
    """One member in a list."""

    contact_id: int
    name: str
    type_name: str
    ends_on: date
    status: MemberStatus


def list_members(
    session: Session, *, on: date, status: MemberStatus | None = None, limit: int | None = None
) -> list[MemberRow]:
    """Members (anyone who ever had a membership) with their latest type, end and status."""
    window = renewal_days(session)
    latest = latest_end().subquery()
    status_col = status_expression(latest.c.ends_on, on=on, window=window)
    query = (
        select(Contact, MembershipType.name, latest.c.ends_on, status_col)
        .join(latest, latest.c.contact_id == Contact.id)
        .join(
            Membership,
            and_(Membership.contact_id == Contact.id, Membership.ends_on == latest.c.ends_on),
        )
        .join(MembershipType, MembershipType.id == Membership.type_id)
        .order_by(Contact.sort_name)
    )
    if status is not None and status != MemberStatus.NONE:
        query = query.where(status_col == status.value)
    if limit is not None:
        query = query.limit(limit)
    return [
        MemberRow(contact.id, contact.display_name, type_name, ends, MemberStatus(value))
        for contact, type_name, ends, value in session.execute(query)
    ]


def members_per_type(session: Session, year: int) -> dict[str, int]:
    """How many contacts held each type of membership at some point of `year`."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = session.execute(
        select(MembershipType.name, func.count(func.distinct(Membership.contact_id)))
        .join(Membership, Membership.type_id == MembershipType.id)
        .where(Membership.starts_on <= last, Membership.ends_on >= first)
        .group_by(MembershipType.name)
        .order_by(MembershipType.name)
    )
    return {name: count for name, count in rows}


@dataclass(frozen=True)
class Reminder:
    """A member to remind: the recipient as an appeal sees it, and what is due."""

    recipient: Recipient
    type_name: str
    ends_on: date
    fee_cents: int

    @property
    def contact_id(self) -> int:
        """The member."""
        return self.recipient.contact_id

    @property
    def address_lines(self) -> tuple[str, ...]:
        """The NF Z10-011 block (letters)."""
        return self.recipient.address_lines


@dataclass(frozen=True)
class RemindersPlan:
    """Who gets a renewal reminder on a channel, and who is left out (contact id -> reason).

    The reasons are the appeals' ones (appeals.preparation.REASONS), counted in `counts`.
    """

    channel: Channel
    reminders: tuple[Reminder, ...]
    excluded: dict[int, str]
    counts: dict[str, int]


def renewal_reminders(
    session: Session, *, on: date, channel: Channel = Channel.POST
) -> RemindersPlan:
    """Members "à renouveler" at `on` who may be written to on `channel`.

    The appeals' rules, checked the same way: erased, deceased, restricted (GDPR art. 18),
    consent for the channel at that date, NPAI or no address (post), no e-mail, and the
    association's solicitation caps, which count reminders like appeals. The donor's own
    "appeals a year" is about appeals: a renewal reminder does not count against it.
    A member already reminded for this end (by either channel) is not reminded again.
    """
    due = {m.contact_id: m for m in list_members(session, on=on, status=MemberStatus.DUE)}
    reminded = _already_reminded(session, due, window=renewal_days(session))
    plan = prepare_list(
        session, [cid for cid in due if cid not in reminded], channel, on, own_limit=False
    )
    excluded = {cid: _(ALREADY_REMINDED) for cid in reminded}
    excluded.update({left.contact_id: left.reason_text for left in plan.left_out})
    counts = {**plan.counts, **({"reminded": len(reminded)} if reminded else {})}
    return RemindersPlan(channel, _reminders(session, due, plan.recipients), excluded, counts)


ALREADY_REMINDED = N_("déjà relancé pour cette échéance")


def _already_reminded(session: Session, due: dict[int, MemberRow], *, window: int) -> set[int]:
    """Members with a reminder sent since their renewal window opened."""
    statement = select(Solicitation.contact_id, func.max(Solicitation.sent_on)).where(
        Solicitation.kind == "reminder"
    )
    rows = Target(tuple(due), {}).rows(
        session, statement.group_by(Solicitation.contact_id), Solicitation.contact_id
    )
    return {
        contact_id
        for contact_id, last in rows
        if last >= due[contact_id].ends_on - timedelta(days=window)
    }


def reminders_for(session: Session, contact_ids: list[int], *, on: date) -> dict[int, Reminder]:
    """What to say to members already chosen (a reminder e-mail run being resumed); those
    who renewed meanwhile are left out."""
    wanted = set(contact_ids)
    members = {
        m.contact_id: m
        for m in list_members(session, on=on)
        if m.contact_id in wanted and m.status != MemberStatus.CURRENT
    }
    plan = prepare_list(session, list(members), Channel.EMAIL, on, check=False)
    return {r.contact_id: r for r in _reminders(session, members, plan.recipients)}


def _reminders(
    session: Session, members: dict[int, MemberRow], recipients: tuple[Recipient, ...]
) -> tuple[Reminder, ...]:
    fees = {kind.name: kind.fee_cents for kind in list_types(session)}
    return tuple(
        Reminder(
            r,
            members[r.contact_id].type_name,
            members[r.contact_id].ends_on,
            fees.get(members[r.contact_id].type_name, 0),
        )
        for r in recipients
    )


def record_reminders(session: Session, plan: RemindersPlan, *, on: date, subject: str) -> None:
    """Each reminder sent becomes a solicitation (kind "reminder": the pressure caps count it)
    and a line in the member's history; e-mails wait as "pending" in the send log."""
    require(session, Permission.CONTACTS_WRITE)
    if not plan.reminders:
        return
    email = plan.channel == Channel.EMAIL
    session.execute(
        insert(Solicitation),
        [
            {
                "contact_id": r.contact_id,
                "channel": plan.channel,
                "sent_on": on,
                "kind": "reminder",
                "what": subject[:500],
                "email": r.recipient.email if email else "",
                "delivery": "pending" if email else "",
            }
            for r in plan.reminders
        ],
    )
    text = (
        _("Relance d'adhésion envoyée par e-mail ({end})")
        if email
        else _("Relance d'adhésion envoyée par courrier ({end})")
    )
    record_events(
        session,
        [
            JournalEvent(
                "contact",
                r.contact_id,
                text.format(end=f"{r.ends_on:%d/%m/%Y}"),
                contact_id=r.contact_id,
            )
            for r in plan.reminders
        ],
    )
