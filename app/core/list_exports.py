"""Export the current filtered contact or gift list (CSV or XLSX), in chunks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.core.contacts import search as contact_search
from app.core.gifts import search as gift_search
from app.core.gifts.recording import METHOD_TEXT
from app.core.infrastructure.permissions import Permission, require
from app.core.money import format_eur
from app.core.renderers import TableWriter
from app.i18n import N_, _

CHUNK = 1000
CONTACT_HEADER = [
    N_("N°"),
    N_("Type"),
    N_("Nom"),
    N_("Courriel"),
    N_("Téléphone"),
    N_("Code postal"),
    N_("Commune"),
    N_("NPAI"),
    N_("Dernier don"),
]
GIFT_HEADER = [
    N_("N°"),
    N_("Date"),
    N_("Donateur"),
    N_("N° donateur"),
    N_("Montant"),
    N_("Mode"),
    N_("Campagne"),
    N_("Reçu"),
    N_("Bordereau"),
]


def _contact_rows(session: Session, spec: contact_search.ContactFilter) -> Iterator[list[Any]]:
    ids = list(session.scalars(contact_search.ids_query(spec)))
    for start in range(0, len(ids), CHUNK):
        for r in contact_search.fetch_rows(session, ids[start : start + CHUNK]):
            yield [
                r.id,
                _("Organisation") if r.kind == "organisation" else _("Personne"),
                r.name,
                r.email,
                r.phone,
                r.postcode,
                r.city,
                _("oui") if r.npai else "",
                r.last_gift,
            ]


def export_contacts(
    session: Session, spec: contact_search.ContactFilter, path: Path, *, write: TableWriter
) -> int:
    """Write the contacts matching `spec` to `path` (.csv or .xlsx) with `write`; returns the
    row count."""
    require(session, Permission.CONTACTS_READ)
    return write(path, [_(h) for h in CONTACT_HEADER], _contact_rows(session, spec))


def _gift_rows(session: Session, spec: gift_search.GiftFilter) -> Iterator[list[Any]]:
    ids = list(session.scalars(gift_search.ids_query(spec)))
    for start in range(0, len(ids), CHUNK):
        for r in gift_search.fetch_rows(session, ids[start : start + CHUNK]):
            yield [
                r.id,
                r.received_on,
                r.donor,
                r.contact_id,
                format_eur(r.amount_cents),
                _(METHOD_TEXT.get(r.method, r.method)),
                r.campaign,
                r.receipt_number,
                r.deposit_slip,
            ]


def export_gifts(
    session: Session, spec: gift_search.GiftFilter, path: Path, *, write: TableWriter
) -> int:
    """Write the gifts matching `spec` to `path` (.csv or .xlsx) with `write`; returns the
    row count."""
    require(session, Permission.CONTACTS_READ)
    return write(path, [_(h) for h in GIFT_HEADER], _gift_rows(session, spec))
