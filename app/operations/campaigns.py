"""Campaign actions shared by the GUI and the CLI: list, create, change, close, reopen, and
create the campaigns an import names."""

from __future__ import annotations

from app.core.gifts import campaigns
from app.core.infrastructure.permissions import Permission
from app.operations.base import Change, OperationContext, Outcome, check_permission

CHANGED = frozenset({Change.CAMPAIGNS})


def list_campaigns(ctx: OperationContext) -> list[campaigns.CampaignRow]:
    """Every campaign with its gift count and total."""
    with ctx.database.read() as session:
        return campaigns.list_campaigns(session)


def create(ctx: OperationContext, draft: campaigns.CampaignDraft) -> Outcome[int]:
    """Record a new campaign; returns its id."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        return Outcome(campaigns.create_campaign(session, draft).id, CHANGED)


def change(ctx: OperationContext, campaign_id: int, draft: campaigns.CampaignDraft) -> Outcome[int]:
    """Rename, re-date or re-cost a campaign."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        return Outcome(campaigns.update_campaign(session, campaign_id, draft).id, CHANGED)


def set_active(ctx: OperationContext, campaign_id: int, *, active: bool) -> Outcome[int]:
    """Close (active=False) or reopen a campaign."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        return Outcome(campaigns.set_active(session, campaign_id, active=active).id, CHANGED)


def unknown(ctx: OperationContext, names: list[str]) -> list[str]:
    """The names of a file that match no campaign."""
    with ctx.database.read() as session:
        return campaigns.unknown_campaigns(session, names)


def create_missing(ctx: OperationContext, names: list[str]) -> Outcome[list[str]]:
    """Create the campaigns an import names that do not exist; returns their codes."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        created = campaigns.create_missing(session, names)
        return Outcome([c.code for c in created], CHANGED)
