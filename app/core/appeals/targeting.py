"""Whom an appeal is aimed at: everyone, a saved contact filter, or an RFM segment."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, bindparam, select
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


CHUNK = 2000  # ids per IN list: within every database's limit on bound parameters


@dataclass(frozen=True)
class Target:
    """The targeted contacts in their order, and their RFM segment when it was scored."""

    ids: tuple[int, ...]
    segments: dict[int, str]

    def rows(
        self, session: Session, statement: Select[*tuple[Any, ...]], column: Any
    ) -> Iterator[Any]:
        """`statement`'s rows for the targeted contacts, read by lists of ids.

        Lists of ids, not the target's own query as a subquery: a saved filter's query is
        evaluated once (for the ids), instead of once per table read. Rows come grouped by
        list, each in `statement`'s order, so any order within one contact holds.
        """
        limited = statement.where(column.in_(bindparam("target_ids", expanding=True)))
        for start in range(0, len(self.ids), CHUNK):  # one statement, compiled once
            chunk = list(self.ids[start : start + CHUNK])
            yield from session.execute(limited, {"target_ids": chunk})


def target_query(session: Session, kind: str, target: str) -> Select[Any] | None:
    """The ids of a saved filter or of everyone, sorted by name (None: a segment)."""
    if kind == "segment":
        return None
    if kind == "filter":
        saved = _saved(session, target)
        if saved is None:
            raise NotFound(_("Filtre enregistré « {name} » introuvable.").format(name=target))
        query = ids_query(filter_from_spec(dict(saved.spec))).order_by(None)
    else:
        query = select(Contact.id).where(Contact.status != ContactStatus.MERGED)
    return query.order_by(Contact.sort_name, Contact.id)


def target_ids(session: Session, kind: str, target: str, *, on: date) -> Target:
    """The targeted contacts (every status, so exclusions can be counted).

    Segments are scored only for a segment target (the send scores its recipients anyway).
    """
    query = target_query(session, kind, target)
    if query is None:
        scores = segments_on(session, on)
        return Target(tuple(cid for cid, seg in scores.items() if seg == target), scores)
    return Target(tuple(session.scalars(query)), {})


def segments_on(session: Session, on: date) -> dict[int, str]:
    """Every donor's RFM segment at `on`."""
    return {s.contact_id: s.segment for s in score_donors(session, today=on)}
