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

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.infrastructure.permissions import Permission, require
from app.errors import ValidationError
from app.i18n import _
from app.models import Setting, Solicitation
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
    session: Session, contact_ids: Iterable[int] | None, *, before: date
) -> dict[int, Pressure]:
    """Solicitations in the 12 months before `before` (that day excluded), by contact."""
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
    if contact_ids is not None:
        query = query.where(Solicitation.contact_id.in_(list(contact_ids)))
    counts: dict[int, dict[str, int]] = {}
    for contact_id, channel, kind, count in session.execute(query):
        entry = counts.setdefault(contact_id, {"post": 0, "email": 0, "appeals": 0})
        key = "email" if channel == Channel.EMAIL else "post"
        entry[key] += count
        if kind == "appeal":
            entry["appeals"] += count
    return {cid: Pressure(**entry) for cid, entry in counts.items()}


def contact_pressure(session: Session, contact_id: int, *, on: date) -> Pressure:
    """What the contact form shows: solicitations over the last 12 months."""
    return pressure_by_contact(session, [contact_id], before=on).get(contact_id, Pressure())
