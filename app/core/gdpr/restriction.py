"""Restriction of processing (Art. 18): a restricted contact is frozen until it is lifted.

The freeze is enforced once for every code path by a `before_flush` guard: any change to a
restricted contact or to its e-mails, phones, addresses, consents or gifts is refused,
except lifting the restriction itself, a GDPR anonymisation, and recording an objection or
a withdrawal (they only reduce processing). Mailings already exclude
restricted contacts (consents.contactable_query).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from app.core.infrastructure.permissions import Permission, require
from app.core.infrastructure.session_events import listen_once
from app.errors import Conflict, NotFound
from app.i18n import _
from app.models import ConsentEvent, Contact, ContactEmail, ContactPhone, Gift, PostalAddress
from app.models.enums import ConsentStatus

BYPASS_KEY = "gdpr_bypass_restriction"
CHILDREN = (ContactEmail, ContactPhone, PostalAddress, ConsentEvent, Gift)
RESTRICTION_FIELDS = {"restricted", "restricted_reason", "updated_at"}


def _was_restricted(contact: Contact) -> bool:
    history = inspect(contact).attrs.restricted.history
    return bool(history.deleted[0]) if history.deleted else bool(contact.restricted)


def _restricted_ids(session: Session, contact_ids: set[int | None]) -> set[int]:
    """Which of these contacts were restricted before this flush (one query per 500).

    The database holds each contact's state as of the last flush, which is what the guard
    compares against (a pending change to `restricted` is not yet in force).
    """
    ids = sorted(i for i in contact_ids if i)
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        found.update(
            session.scalars(
                select(Contact.id).where(
                    Contact.id.in_(ids[start : start + 500]), Contact.restricted.is_(True)
                )
            )
        )
    return found


def _changed_fields(obj: Any) -> set[str]:
    state = inspect(obj)
    return {a.key for a in state.mapper.column_attrs if state.attrs[a.key].history.has_changes()}


def _guard(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(BYPASS_KEY):
        return
    with session.no_autoflush:
        changed = list(session.dirty) + list(session.new) + list(session.deleted)
        frozen = _restricted_ids(
            session, {obj.contact_id for obj in changed if isinstance(obj, CHILDREN)}
        )
        for obj in changed:
            if isinstance(obj, Contact) and obj in session.dirty and _was_restricted(obj):
                if _changed_fields(obj) - RESTRICTION_FIELDS:
                    raise Conflict(
                        _(
                            "Ce contact fait l'objet d'une limitation du traitement (RGPD) : il ne "
                            "peut "
                            "pas être modifié tant qu'elle n'est pas levée."
                        )
                    )
            elif (
                isinstance(obj, ConsentEvent)
                and obj in session.new
                and obj.status != ConsentStatus.GRANTED
            ):
                continue  # objecting or withdrawing only reduces processing (Art. 21 is absolute)
            elif isinstance(obj, CHILDREN) and obj.contact_id in frozen:
                raise Conflict(
                    _(
                        "Ce contact fait l'objet d'une limitation du traitement (RGPD) : ses "
                        "coordonnées, consentements et dons sont gelés."
                    )
                )


def install(factory: sessionmaker[Session]) -> None:
    """Guard every session of `factory` (idempotent)."""
    listen_once(factory, "before_flush", _guard)


def restrict(session: Session, contact_id: int, *, reason: str) -> None:
    """Freeze a contact (no edits, no mailings) until lifted."""
    require(session, Permission.GDPR_MANAGE)
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(_("Contact {id} introuvable.").format(id=contact_id))
    contact.restricted, contact.restricted_reason = (
        True,
        reason.strip() or _("demande de limitation"),
    )
    session.flush()


def lift(session: Session, contact_id: int) -> None:
    """Lift the restriction."""
    require(session, Permission.GDPR_MANAGE)
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(_("Contact {id} introuvable.").format(id=contact_id))
    contact.restricted, contact.restricted_reason = False, ""
    session.flush()
