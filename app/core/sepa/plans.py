"""Regular-gift plans: an amount debited every month, quarter or year on a chosen day.

An instalment falls on `day_of_month` (1-28, so every month has it) of every month, every
third month or every twelfth month counted from the plan's first month. Changes to a plan are
journaled like every other entity, so its history is the contact's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy.orm import Session

from app.core.infrastructure.permissions import Permission, require
from app.core.sepa.mandates import get_mandate
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import N_, _
from app.models import Campaign, RegularGiftPlan
from app.models.enums import MandateStatus, PlanFrequency, PlanStatus

# What a user reads for a plan's frequency and status (the GUI and the CLI).
FREQUENCY_LABELS: dict[str, str] = {
    PlanFrequency.MONTHLY: N_("Chaque mois"),
    PlanFrequency.QUARTERLY: N_("Chaque trimestre"),
    PlanFrequency.YEARLY: N_("Chaque année"),
}
PLAN_STATUS_LABELS: dict[str, str] = {
    PlanStatus.ACTIVE: N_("actif"),
    PlanStatus.SUSPENDED: N_("suspendu"),
    PlanStatus.ENDED: N_("terminé"),
}

MONTHS = {PlanFrequency.MONTHLY: 1, PlanFrequency.QUARTERLY: 3, PlanFrequency.YEARLY: 12}
MAX_AMOUNT_CENTS = 100_000_00  # 100,000 EUR per instalment: beyond, a typing error


@dataclass(frozen=True)
class PlanDraft:
    """A plan as typed: who, which mandate, how much, how often, from when."""

    mandate_id: int
    amount_cents: int
    frequency: PlanFrequency
    starts_on: date
    day_of_month: int = 5
    ends_on: date | None = None
    campaign_id: int | None = None


def _check(session: Session, draft: PlanDraft) -> None:
    if not 0 < draft.amount_cents <= MAX_AMOUNT_CENTS:
        raise ValidationError(
            _("Montant du prélèvement : entre 0,01 € et 100 000 € attendu."), field="amount"
        )
    if not 1 <= draft.day_of_month <= 28:
        raise ValidationError(
            _("Jour du prélèvement : entre 1 et 28 (pour exister chaque mois)."), field="day"
        )
    if draft.ends_on is not None and draft.ends_on < draft.starts_on:
        raise ValidationError(_("La fin du plan précède son début."), field="ends_on")
    if draft.campaign_id is not None and session.get(Campaign, draft.campaign_id) is None:
        raise NotFound(_("Campagne n° {id} introuvable.").format(id=draft.campaign_id))


def add_plan(session: Session, draft: PlanDraft) -> RegularGiftPlan:
    """Record a regular gift on an active mandate."""
    require(session, Permission.GIFTS_WRITE)
    _check(session, draft)
    mandate = get_mandate(session, draft.mandate_id)
    if mandate.status != MandateStatus.ACTIVE:
        raise Conflict(
            _("Le mandat {rum} n'est pas actif : impossible d'y rattacher un don régulier.").format(
                rum=mandate.rum
            )
        )
    if draft.starts_on < mandate.signed_on:
        raise ValidationError(
            _("Le plan ne peut pas commencer avant la signature du mandat."), field="starts_on"
        )
    plan = RegularGiftPlan(
        contact_id=mandate.contact_id,
        mandate_id=mandate.id,
        amount_cents=draft.amount_cents,
        frequency=draft.frequency,
        day_of_month=draft.day_of_month,
        starts_on=draft.starts_on,
        ends_on=draft.ends_on,
        campaign_id=draft.campaign_id,
        status=PlanStatus.ACTIVE,
        consecutive_rejects=0,
        notified_amount_cents=0,
    )
    session.add(plan)
    session.flush()
    return plan


def get_plan(session: Session, plan_id: int) -> RegularGiftPlan:
    """The plan, or NotFound."""
    plan = session.get(RegularGiftPlan, plan_id)
    if plan is None:
        raise NotFound(_("Don régulier n° {id} introuvable.").format(id=plan_id))
    return plan


def change_plan(
    session: Session,
    plan_id: int,
    *,
    amount_cents: int | None = None,
    day_of_month: int | None = None,
    ends_on: date | None = None,
    status: PlanStatus | None = None,
    open_ended: bool = False,
) -> RegularGiftPlan:
    """Change a plan (journaled); a new amount needs a new pre-notification.

    `ends_on` None keeps the end date; `open_ended` removes it (the plan runs until stopped).
    Ending a plan without an end date ends it at its last instalment's date at the latest.
    """
    require(session, Permission.GIFTS_WRITE)
    plan = get_plan(session, plan_id)
    draft = PlanDraft(
        mandate_id=plan.mandate_id,
        amount_cents=plan.amount_cents if amount_cents is None else amount_cents,
        frequency=plan.frequency,
        starts_on=plan.starts_on,
        day_of_month=plan.day_of_month if day_of_month is None else day_of_month,
        ends_on=None if open_ended else plan.ends_on if ends_on is None else ends_on,
        campaign_id=plan.campaign_id,
    )
    _check(session, draft)
    plan.amount_cents, plan.day_of_month, plan.ends_on = (
        draft.amount_cents,
        draft.day_of_month,
        draft.ends_on,
    )
    if status is not None:
        if status == PlanStatus.ACTIVE:
            plan.consecutive_rejects = 0
        plan.status = status
    return plan


class Schedule(Protocol):
    """What the instalment rule reads of a plan (an entity or a row)."""

    frequency: PlanFrequency
    day_of_month: int
    starts_on: date
    ends_on: date | None


def instalment_in_period(plan: Schedule, on: date) -> date | None:
    """The plan's instalment date of the period that contains `on`, if it is not after `on`.

    Monthly: day D of `on`'s month; quarterly and yearly: day D of the last month counted
    from the plan's first month (every 3 or 12 months) that is not after `on`'s month.
    None when that date is after `on`, before the plan's start or after its end.
    """
    step = MONTHS[plan.frequency]
    first = _first_instalment(plan)
    months = (on.year - first.year) * 12 + on.month - first.month
    if months < 0:
        return None
    months -= months % step
    year, month = divmod(first.month - 1 + months, 12)
    due = date(first.year + year, month + 1, plan.day_of_month)
    if due > on or due < plan.starts_on or (plan.ends_on is not None and due > plan.ends_on):
        return None
    return due


def _first_instalment(plan: Schedule) -> date:
    start = plan.starts_on
    candidate = date(start.year, start.month, plan.day_of_month)
    if candidate >= start:
        return candidate
    year, month = divmod(start.month, 12)
    return date(start.year + year, month + 1, plan.day_of_month)
