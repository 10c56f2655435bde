"""Campaigns (appeals, events, funds): create, rename, date, cost, close; and the campaigns
an import meets that do not exist yet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.infrastructure.permissions import Permission, require
from app.core.text import fold
from app.errors import NotFound, ValidationError, raise_first
from app.i18n import _
from app.models import Campaign, Gift


@dataclass(frozen=True)
class CampaignDraft:
    """What the campaign form edits (cost in cents)."""

    code: str
    name: str
    starts_on: date | None = None
    ends_on: date | None = None
    cost_cents: int = 0
    fund: str = ""


@dataclass(frozen=True)
class CampaignRow:
    """One line of the campaigns screen, with what the campaign brought in."""

    id: int
    code: str
    name: str
    starts_on: date | None
    ends_on: date | None
    cost_cents: int
    active: bool
    gifts: int
    total_cents: int


def validate_campaign(
    session: Session, draft: CampaignDraft, *, campaign_id: int | None = None
) -> list[ValidationError]:
    """Every problem of the draft, each naming its field."""
    problems = []
    if not draft.code.strip():
        problems.append(
            ValidationError(_("Code : champ obligatoire (ex. NOEL2026)."), field="code")
        )
    elif len(draft.code.strip()) > 30:
        problems.append(ValidationError(_("Code : 30 caractères au plus."), field="code"))
    else:
        other = session.scalar(
            select(Campaign.id).where(func.lower(Campaign.code) == draft.code.strip().lower())
        )
        if other is not None and other != campaign_id:
            problems.append(
                ValidationError(
                    _("Code « {code} » déjà utilisé par une autre campagne.").format(
                        code=draft.code.strip()
                    ),
                    field="code",
                )
            )
    if not draft.name.strip():
        problems.append(ValidationError(_("Nom : champ obligatoire."), field="name"))
    if draft.starts_on and draft.ends_on and draft.ends_on < draft.starts_on:
        problems.append(
            ValidationError(_("Fin : la campagne finit avant de commencer."), field="ends_on")
        )
    if draft.cost_cents < 0:
        problems.append(ValidationError(_("Coût : montant positif ou nul attendu."), field="cost"))
    return problems


def _apply(campaign: Campaign, draft: CampaignDraft) -> None:
    campaign.code = draft.code.strip()
    campaign.name = draft.name.strip()
    campaign.starts_on, campaign.ends_on = draft.starts_on, draft.ends_on
    campaign.cost_cents = draft.cost_cents
    campaign.fund = draft.fund.strip()


def create_campaign(session: Session, draft: CampaignDraft) -> Campaign:
    """Validate and record a campaign."""
    require(session, Permission.GIFTS_WRITE)
    raise_first(validate_campaign(session, draft))
    campaign = Campaign(active=True)
    _apply(campaign, draft)
    session.add(campaign)
    session.flush()
    return campaign


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    """The campaign, or NotFound."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_("Campagne {id} introuvable.").format(id=campaign_id))
    return campaign


def update_campaign(session: Session, campaign_id: int, draft: CampaignDraft) -> Campaign:
    """Rename, re-date or re-cost a campaign (its gifts keep pointing at it)."""
    require(session, Permission.GIFTS_WRITE)
    campaign = get_campaign(session, campaign_id)
    raise_first(validate_campaign(session, draft, campaign_id=campaign_id))
    _apply(campaign, draft)
    session.flush()
    return campaign


def set_active(session: Session, campaign_id: int, *, active: bool) -> Campaign:
    """Close a campaign (no longer offered for new gifts) or reopen it."""
    require(session, Permission.GIFTS_WRITE)
    campaign = get_campaign(session, campaign_id)
    campaign.active = active
    session.flush()
    return campaign


def list_campaigns(session: Session) -> list[CampaignRow]:
    """Every campaign, open ones first, newest first, with gift count and total."""
    totals = (
        select(
            Gift.campaign_id,
            func.count(Gift.id).label("gifts"),
            func.coalesce(func.sum(Gift.amount_cents), 0).label("total"),
        )
        .group_by(Gift.campaign_id)
        .subquery()
    )
    query = (
        select(Campaign, totals.c.gifts, totals.c.total)
        .outerjoin(totals, totals.c.campaign_id == Campaign.id)
        .order_by(Campaign.active.desc(), Campaign.starts_on.desc().nulls_last(), Campaign.code)
    )
    return [
        CampaignRow(
            c.id,
            c.code,
            c.name,
            c.starts_on,
            c.ends_on,
            c.cost_cents or 0,
            bool(c.active),
            int(gifts or 0),
            int(total or 0),
        )
        for c, gifts, total in session.execute(query)
    ]


def unknown_campaigns(session: Session, names: list[str]) -> list[str]:
    """The names (as written in a file) that match no campaign code or name."""
    known = {c.lower() for c in session.scalars(select(Campaign.code))}
    known |= {n.lower() for n in session.scalars(select(Campaign.name))}
    seen: dict[str, str] = {}
    for name in names:
        text = name.strip()
        if text and text.lower() not in known and text.lower() not in seen:
            seen[text.lower()] = text
    return list(seen.values())


def code_for(name: str, taken: set[str]) -> str:
    """A short unique code from a campaign name ("Noël 2026" -> "NOEL-2026")."""
    base = re.sub(r"[^A-Z0-9]+", "-", fold(name).upper()).strip("-")[:24] or "CAMPAGNE"
    code, number = base, 2
    while code.lower() in taken:
        code, number = f"{base}-{number}", number + 1
    return code


def create_missing(session: Session, names: list[str]) -> list[Campaign]:
    """Create the campaigns an import names that do not exist (the name kept as written)."""
    require(session, Permission.GIFTS_WRITE)
    taken = {c.lower() for c in session.scalars(select(Campaign.code))}
    created = []
    for name in unknown_campaigns(session, names):
        code = name if len(name) <= 30 and name.lower() not in taken else code_for(name, taken)
        taken.add(code.lower())
        created.append(create_campaign(session, CampaignDraft(code=code, name=name)))
    return created
