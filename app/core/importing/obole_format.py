"""Obole's own export format: every contact field under its French import header (round trip)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.core.dates import format_date
from app.core.importing.mapping import CONTACT_FIELDS, GIFT_FIELDS
from app.core.money import format_eur
from app.core.renderers import TableWriter
from app.models import Campaign, Contact, Gift
from app.models.enums import ContactStatus

CONTACT_ORDER = (
    "obole_id",
    "civility",
    "first_name",
    "last_name",
    "birth_name",
    "organisation_name",
    "legal_form",
    "siren",
    "line4",
    "line2",
    "line3",
    "line5",
    "postcode",
    "city",
    "country",
    "email",
    "phone",
    "phone2",
    "birth_date",
    "notes",
    "tags",
    "receipt_mode",
)
GIFT_ORDER = (
    "obole_id",
    "received_on",
    "amount",
    "payment_method",
    "campaign",
    "cheque_number",
    "reference",
)


def _contact_rows(session: Session) -> Iterator[list[Any]]:
    query = (
        select(Contact)
        .where(Contact.status == ContactStatus.ACTIVE)
        .order_by(Contact.id)
        .options(
            selectinload(Contact.emails),
            selectinload(Contact.phones),
            selectinload(Contact.addresses),
            selectinload(Contact.tags),
        )
    )
    for c in session.scalars(query):
        a = c.primary_address
        phones = [p.number for p in c.phones] + ["", ""]
        values = {
            "obole_id": c.id,
            "civility": c.civility,
            "first_name": c.first_name,
            "last_name": c.last_name,
            "birth_name": c.birth_name,
            "organisation_name": c.organisation_name,
            "legal_form": c.legal_form,
            "siren": c.siren,
            "line4": a.line4 if a else "",
            "line2": a.line2 if a else "",
            "line3": a.line3 if a else "",
            "line5": a.line5 if a else "",
            "postcode": a.postcode if a else "",
            "city": a.city if a else "",
            "country": a.country if a else "",
            "email": c.primary_email,
            "phone": phones[0],
            "phone2": phones[1],
            "birth_date": format_date(c.birth_date),
            "notes": c.notes,
            "tags": ", ".join(t.name for t in c.tags),
            "receipt_mode": {"annual": "annuel", "per_gift": "par don"}.get(c.receipt_mode, ""),
        }
        yield [values[k] for k in CONTACT_ORDER]


def export_contacts(session: Session, path: Path, *, write: TableWriter) -> int:
    """Every active contact in Obole's import format (.csv or .xlsx), written by `write`."""
    return write(path, [CONTACT_FIELDS[k] for k in CONTACT_ORDER], _contact_rows(session))


def export_gifts(session: Session, path: Path, *, write: TableWriter) -> int:
    """Every gift in Obole's import format, linked to contacts by their Obole number."""
    campaigns = dict(session.execute(select(Campaign.id, Campaign.code)).all())
    rows = (
        [
            g.contact_id,
            format_date(g.received_on),
            format_eur(g.amount_cents),
            str(g.payment_method),
            campaigns.get(g.campaign_id, "") if g.campaign_id is not None else "",
            g.cheque_number,
            g.bank_reference,
        ]
        for g in session.scalars(select(Gift).order_by(Gift.id))
    )
    return write(path, [GIFT_FIELDS[k] for k in GIFT_ORDER], rows)
