"""Whom an appeal is aimed at: everyone, a saved contact filter, or an RFM segment."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.contact_search import ContactFilter, ids_query
from app.core.segments import SEGMENTS, score_donors
from app.errors import NotFound, ValidationError
from app.i18n import _
from app.models import Contact, SavedFilter
from app.models.enums import Channel, ContactStatus

TARGET_KINDS = ("all", "filter", "segment")


def filter_from_spec(spec: dict[str, Any]) -> ContactFilter:
    """A contact filter from a saved filter's stored values (the contact list's widgets)."""
    channel = spec.get("consent_channel")
    year = spec.get("last_gift_year") or None
    return ContactFilter(
        text=str(spec.get("text") or ""),
        tag_id=spec.get("tag"),
        npai=spec.get("npai"),
        consent_channel=Channel(channel) if channel else None,
        consent_status=spec.get("consent_status") if channel else None,
        donor=spec.get("donor"),
        last_gift_year=int(year) if year else None,
        campaign_id=spec.get("campaign"),
        member_status=spec.get("member"),
    )


def check_target(session: Session, kind: str, target: str) -> None:
    """Raise ValidationError when the target does not exist."""
    if kind not in TARGET_KINDS:
        raise ValidationError(_("Cible inconnue : {kind}.").format(kind=kind), field="target")
    if kind == "segment" and target not in SEGMENTS:
        raise ValidationError(
            _("Segment inconnu : « {name} » (attendu : {known}).").format(
                name=target, known=", ".join(SEGMENTS)
            ),
            field="target",
        )
    if kind == "filter" and _saved(session, target) is None:
        raise NotFound(_("Filtre enregistré « {name} » introuvable.").format(name=target))


def _saved(session: Session, name: str) -> SavedFilter | None:
    return session.scalar(
        select(SavedFilter).where(SavedFilter.scope == "contacts", SavedFilter.name == name)
    )


def target_ids(
    session: Session, kind: str, target: str, *, on: date
) -> tuple[list[int], dict[int, str]]:
    """The targeted contacts (every status, so exclusions can be counted) and their segment."""
    scores = {s.contact_id: s.segment for s in score_donors(session, today=on)}
    if kind == "segment":
        return [cid for cid, segment in scores.items() if segment == target], scores
    if kind == "filter":
        saved = _saved(session, target)
        if saved is None:
            raise NotFound(_("Filtre enregistré « {name} » introuvable.").format(name=target))
        ids = list(session.scalars(ids_query(filter_from_spec(dict(saved.spec)))))
        return ids, scores
    ids = list(session.scalars(select(Contact.id).where(Contact.status != ContactStatus.MERGED)))
    return ids, scores
