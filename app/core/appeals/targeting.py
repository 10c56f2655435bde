"""Whom an appeal is aimed at: everyone, a saved contact filter, or an RFM segment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.core.contacts.search import ContactFilter, ids_query
from app.core.contacts.segments import SEGMENTS, score_donors
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


_S = TypeVar("_S")


@dataclass(frozen=True)
class Target:
    """The targeted contacts: a query the database can join on, or a list made in Python."""

    query: Select[Any] | None
    ids: tuple[int, ...]
    segments: dict[int, str]

    def restrict(self, statement: _S, column: Any) -> _S:
        """`statement` limited to the target when the database can do it."""
        if self.query is None:
            return statement
        return cast(_S, cast(Any, statement).where(column.in_(self.query)))


def target_ids(session: Session, kind: str, target: str, *, on: date) -> Target:
    """The targeted contacts (every status, so exclusions can be counted).

    Segments are scored only for a segment target (the send scores its recipients anyway).
    """
    if kind == "segment":
        scores = segments_on(session, on)
        return Target(None, tuple(cid for cid, seg in scores.items() if seg == target), scores)
    if kind == "filter":
        saved = _saved(session, target)
        if saved is None:
            raise NotFound(_("Filtre enregistré « {name} » introuvable.").format(name=target))
        query = ids_query(filter_from_spec(dict(saved.spec))).order_by(None)
    else:
        query = select(Contact.id).where(Contact.status != ContactStatus.MERGED)
    ids = tuple(session.scalars(query.order_by(Contact.sort_name, Contact.id)))
    return Target(query, ids, {})


def segments_on(session: Session, on: date) -> dict[int, str]:
    """Every donor's RFM segment at `on`."""
    return {s.contact_id: s.segment for s in score_donors(session, today=on)}
