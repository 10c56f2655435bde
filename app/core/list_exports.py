"""The exported contact and gift lists: their headers and how a row reads (the operation
in app/operations/exports.py reads them in chunks and writes the file)."""

from __future__ import annotations

from typing import Any

from app.core.gifts.recording import METHOD_TEXT
from app.core.money import format_eur
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


def contact_line(r: Any) -> list[Any]:
    """One row of the contact list as exported (a row of contact_search.fetch_rows)."""
    return [
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


def gift_line(r: Any) -> list[Any]:
    """One row of the gift list as exported (a row of gift_search.fetch_rows)."""
    return [
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
