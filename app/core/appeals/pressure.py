"""Solicitation pressure: how often a contact may be asked, per channel and in total.

"La pression commerciale doit être mesurée, centralisée et utilisée dans les ciblages pour
ne pas sur-solliciter": every send records one solicitation per contact; an appeal leaves out
whoever already reached the association's caps over the rolling 12 months before its send
date, and whoever asked for fewer appeals (e.g. "one appeal a year").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session

from app.core.appeals.targeting import Target
from app.core.infrastructure.permissions import Permission, require
from app.errors import NotFound, ValidationError
from app.i18n import _
from app.models import Contact, Setting, Solicitation
from app.models.enums import Channel

SETTING_KEY = "solicitation_pressure"
WINDOW = timedelta(days=365)


@dataclass(frozen=True)
class PressureCaps:
    """Maximum solicitations per contact over 12 rolling months (0: no limit)."""

    post: int = 4
    email: int = 12
    total: int = 12

    def for_channel(self, channel: Channel) -> int:
        """The cap of one channel."""
        return self.email if channel == Channel.EMAIL else self.post


def load_caps(session: Session) -> PressureCaps:
    """The association's caps (defaults: 4 letters, 12 e-mails, 12 in all)."""
    setting = session.get(Setting, SETTING_KEY)
    stored = dict(setting.value or {}) if setting is not None else {}
    return PressureCaps(**{k: int(v) for k, v in stored.items() if k in ("post", "email", "total")})


def save_caps(session: Session, caps: PressureCaps) -> None:
    """Store the caps (administrator)."""
    require(session, Permission.SETTINGS_WRITE)
    for name, value in asdict(caps).items():
        if not 0 <= value <= 365:
            raise ValidationError(
                _("Plafond de sollicitations : entre 0 (sans limite) et 365."), field=name
            )
    setting = session.get(Setting, SETTING_KEY) or Setting(key=SETTING_KEY, value={})
    setting.value = asdict(caps)
    session.add(setting)


@dataclass(frozen=True)
class Pressure:
    """One contact's solicitations over the 12 months before a date."""

    post: int = 0
    email: int = 0
    appeals: int = (
        0  # appeals only (reminders and thank-yous do not count for the donor's own limit)
    )

    @property
    def total(self) -> int:
        """All channels."""
        return self.post + self.email

    def on(self, channel: Channel) -> int:
        """Count on one channel."""
        return self.email if channel == Channel.EMAIL else self.post


def pressure_by_contact(
    session: Session, contact_ids: Iterable[int] | Select[Any] | None, *, before: date
) -> dict[int, Pressure]:
    """Solicitations in the 12 months up to `before`, by contact.

    `contact_ids`: a list, a query of ids (an appeal's target, read in the same statement),
    or None for everyone.
    """
    query = (
        select(
            Solicitation.contact_id,
            Solicitation.channel,
            Solicitation.kind,
            func.count(),
        )
        .where(Solicitation.sent_on > before - WINDOW, Solicitation.sent_on <= before)
        .group_by(Solicitation.contact_id, Solicitation.channel, Solicitation.kind)
    )
    if isinstance(contact_ids, Select):
        query = query.where(Solicitation.contact_id.in_(contact_ids))
    elif contact_ids is not None:
        query = query.where(Solicitation.contact_id.in_(list(contact_ids)))
    counts: dict[int, dict[str, int]] = {}
    for contact_id, channel, kind, count in session.execute(query):
        entry = counts.setdefault(contact_id, {"post": 0, "email": 0, "appeals": 0})
        key = "email" if channel == Channel.EMAIL else "post"
        entry[key] += count
        if kind == "appeal":
            entry["appeals"] += count
    return {cid: Pressure(**entry) for cid, entry in counts.items()}


def pressure_reaching(
    session: Session, target: Target, caps: PressureCaps, *, before: date
) -> dict[int, Pressure]:
    """The targeted contacts whose solicitations may leave them out, with their counts.

    Only those at one of the association's caps or with a limit of their own: everyone else
    is below every limit, so the database counts (one row per contact) and returns few rows.
    """
    post = func.sum(case((Solicitation.channel != Channel.EMAIL, 1), else_=0))
    email = func.sum(case((Solicitation.channel == Channel.EMAIL, 1), else_=0))
    appeals = func.sum(case((Solicitation.kind == "appeal", 1), else_=0))
    reaching: list[ColumnElement[bool]] = [Contact.appeals_per_year.is_not(None)]
    reaching += [post >= caps.post] if caps.post else []
    reaching += [email >= caps.email] if caps.email else []
    reaching += [func.count() >= caps.total] if caps.total else []
    statement = (
        select(Solicitation.contact_id, post, email, appeals)
        .join(Contact, Contact.id == Solicitation.contact_id)
        .where(Solicitation.sent_on > before - WINDOW, Solicitation.sent_on <= before)
        .group_by(Solicitation.contact_id, Contact.appeals_per_year)
        .having(or_(*reaching))
    )
    return {
        contact_id: Pressure(int(p), int(e), int(a))
        for contact_id, p, e, a in target.rows(session, statement, Solicitation.contact_id)
    }


def set_own_limit(session: Session, contact_id: int, per_year: int | None) -> None:
    """The donor's own limit on appeals per rolling 12 months ("one appeal a year"); None
    lifts it. Journaled like every change to a contact."""
    require(session, Permission.CONTACTS_WRITE)
    if per_year is not None and not 1 <= per_year <= 12:
        raise ValidationError(
            _("Appels par an : entre 1 et 12 (pour ne plus rien recevoir : une opposition)."),
            field="per_year",
        )
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(_("Contact n° {id} introuvable.").format(id=contact_id))
    contact.appeals_per_year = per_year
    session.flush()


def contact_pressure(session: Session, contact_id: int, *, on: date) -> Pressure:
    """What the contact form shows: solicitations over the last 12 months."""
    return pressure_by_contact(session, [contact_id], before=on).get(contact_id, Pressure())
