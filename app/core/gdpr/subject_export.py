"""Access and portability (Art. 15 and 20): everything held about a person, as a ZIP
with a readable PDF, machine-readable JSON and CSV files."""

from __future__ import annotations

import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.contacts.editing import IDENTITY_FIELDS
from app.core.gdpr.register import activities, header
from app.core.infrastructure.journal import record_event
from app.core.infrastructure.permissions import Permission, acting_role, require
from app.core.renderers import DocumentRenderer
from app.core.sepa.accounts import grouped_iban, masked_iban, sees_bank_details
from app.core.tabular import csv_text
from app.errors import NotFound
from app.i18n import _
from app.models import (
    Appeal,
    AuditEvent,
    ConsentEvent,
    Contact,
    Gift,
    Membership,
    MembershipType,
    Receipt,
    RegularGiftPlan,
    SepaMandate,
    Solicitation,
)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, str | int | float | bool):
        return value.value
    return value


def _rows(objects: Any, columns: list[str]) -> list[dict[str, Any]]:
    return [{c: _plain(getattr(o, c)) for c in columns} for o in objects]


def collect(session: Session, contact_id: int) -> dict[str, Any]:
    """All data about the contact, grouped by category, plus purposes, recipients, rights."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(_("Contact {id} introuvable.").format(id=contact_id))
    identity = {
        c: _plain(getattr(contact, c))
        for c in (
            "id",
            "kind",
            *IDENTITY_FIELDS,
            "status",
            "restricted",
            "created_at",
            "updated_at",
        )
    }
    identity["tags"] = [t.name for t in contact.tags]
    org = header(session)
    return {
        "generated_on": date.today().isoformat(),
        "controller": {
            "organisation": org.organisation,
            "address": org.address,
            "dpo": org.dpo,
            "dpo_contact": org.dpo_contact,
        },
        "identity": identity,
        "emails": _rows(contact.emails, ["email", "label"]),
        "phones": _rows(contact.phones, ["number", "label"]),
        "addresses": _rows(
            contact.addresses,
            ["line2", "line3", "line4", "line5", "postcode", "city", "country", "npai", "npai_on"],
        ),
        "gifts": _rows(
            session.scalars(
                select(Gift).where(Gift.contact_id == contact_id).order_by(Gift.received_on)
            ),
            [
                "received_on",
                "amount_cents",
                "payment_method",
                "nature",
                "campaign_id",
                "cheque_number",
            ],
        ),
        "receipts": _rows(
            session.scalars(select(Receipt).where(Receipt.contact_id == contact_id)),
            ["number", "issued_at", "total_cents", "status"],
        ),
        **_regular_giving(session, contact_id),
        "solicitations": _solicitations(session, contact_id),
        "consents": _rows(
            session.scalars(
                select(ConsentEvent)
                .where(ConsentEvent.contact_id == contact_id)
                .order_by(ConsentEvent.occurred_at)
            ),
            ["channel", "purpose", "status", "occurred_at", "source", "proof_text", "recorded_by"],
        ),
        "history": _rows(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.contact_id == contact_id)
                .order_by(AuditEvent.at, AuditEvent.id)
            ),
            ["at", "user", "action", "entity", "field", "old", "new", "note"],
        ),
        "processing": [
            {
                "name": a.name,
                "purposes": a.purposes,
                "legal_basis": a.legal_basis,
                "recipients": a.recipients,
                "retention": [c.get("retention", "") for c in a.data_categories],
                "transfers": a.transfers,
            }
            for a in activities(session)
        ],
        "source": _(
            "Données fournies par la personne (bulletins, formulaires, dons) ou importées du "
            "fichier de "
            "l'association."
        ),
        "rights": _(
            "Vous pouvez demander l'accès, la rectification, l'effacement, la limitation, la "
            "portabilité de "
            "vos données et vous opposer à leur traitement ; retirer votre consentement à tout "
            "moment ; "
            "introduire une réclamation auprès de la CNIL (www.cnil.fr, 3 place de Fontenoy, TSA "
            "80715, "
            "75334 Paris Cedex 07)."
        ),
    }


def _solicitations(session: Session, contact_id: int) -> list[dict[str, Any]]:
    """What the association sent the person (appeals, renewal reminders): when, by which
    channel, what, to which address, and whether it was delivered (issue #18)."""
    rows = session.execute(
        select(Solicitation, Appeal.name)
        .outerjoin(Appeal, Appeal.id == Solicitation.appeal_id)
        .where(Solicitation.contact_id == contact_id)
        .order_by(Solicitation.sent_on, Solicitation.id)
    ).all()
    return [
        {
            "sent_on": _plain(s.sent_on),
            "channel": _plain(s.channel),
            "kind": s.kind,
            "appeal": name or "",
            "what": s.what,
            "email": s.email,
            "delivery": s.delivery,
            "amount_asked_cents": s.amount_asked_cents,
        }
        for s, name in rows
    ]


def _regular_giving(session: Session, contact_id: int) -> dict[str, list[dict[str, Any]]]:
    """Memberships, SEPA mandates and regular gifts (issue #19).

    IBANs leave Obole whole only with the treasurer or the administrator: for any other role
    (the DPO preparing the export, say) the export shows them masked like the screens do.
    """
    whole = sees_bank_details(acting_role(session))
    memberships = session.execute(
        select(Membership, MembershipType.name)
        .join(MembershipType, MembershipType.id == Membership.type_id)
        .where(Membership.contact_id == contact_id)
        .order_by(Membership.starts_on)
    )
    mandates = session.scalars(
        select(SepaMandate).where(SepaMandate.contact_id == contact_id).order_by(SepaMandate.id)
    )
    plans = session.scalars(
        select(RegularGiftPlan)
        .where(RegularGiftPlan.contact_id == contact_id)
        .order_by(RegularGiftPlan.id)
    )
    return {
        "memberships": [
            {"type": name, **_rows([m], ["starts_on", "ends_on", "paid_on", "amount_cents"])[0]}
            for m, name in memberships
        ],
        "mandates": [
            {
                **_rows([m], ["rum", "holder", "bic", "signed_on", "status"])[0],
                "iban": (grouped_iban(m.iban) if whole else masked_iban(m.iban)) if m.iban else "",
            }
            for m in mandates
        ],
        "regular_gifts": _rows(
            plans, ["amount_cents", "frequency", "day_of_month", "starts_on", "ends_on", "status"]
        ),
    }


def write_export(
    session: Session, contact_id: int, folder: Path, *, render_pdf: DocumentRenderer
) -> Path:
    """Write contact-<id>-donnees.zip (PDF by `render_pdf`, JSON, CSV) into `folder`;
    journaled."""
    require(session, Permission.GDPR_MANAGE)
    data = collect(session, contact_id)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"contact-{contact_id}-donnees.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("donnees.json", json.dumps(data, ensure_ascii=False, indent=2))
        for section in (
            "emails",
            "phones",
            "addresses",
            "gifts",
            "receipts",
            "memberships",
            "mandates",
            "regular_gifts",
            "solicitations",
            "consents",
            "history",
        ):
            archive.writestr(f"{section}.csv", _csv(data[section]))
        archive.writestr("identite.csv", _csv([data["identity"]]))
        archive.writestr("donnees.pdf", render_pdf(data))
    record_event(
        session,
        entity="contact",
        entity_id=contact_id,
        contact_id=contact_id,
        note=_("Export des données de la personne (droit d'accès / portabilité)"),
    )
    return target


def _csv(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return ""
    return csv_text(
        list(rows[0]),
        (
            [
                json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else v
                for v in row.values()
            ]
            for row in rows
        ),
    )
