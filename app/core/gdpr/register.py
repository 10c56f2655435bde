"""The Art. 30 register (CNIL model): pre-filled activities, edits journaled, common page."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.infrastructure.permissions import Permission, require
from app.core.organisation import load_identity
from app.errors import ValidationError
from app.i18n import _
from app.models import ProcessingActivity
from app.resources import read_text

TEXT_FIELDS = (
    "reference",
    "name",
    "purposes",
    "legal_basis",
    "data_subjects",
    "sensitive_data",
    "recipients",
    "transfers",
    "transfer_safeguards",
    "security_measures",
    "joint_controller",
    "processor",
)


@dataclass(frozen=True)
class RegisterHeader:
    """The register's common page: association, controller, DPO."""

    organisation: str
    address: str
    controller: str
    controller_contact: str
    dpo: str
    dpo_contact: str


@dataclass(frozen=True)
class ActivityView:
    """One activity as exported (plain data)."""

    id: int
    reference: str
    name: str
    purposes: str
    legal_basis: str
    data_subjects: str
    data_categories: tuple[dict[str, str], ...]
    sensitive_data: str
    recipients: str
    transfers: str
    transfer_safeguards: str
    security_measures: str
    joint_controller: str
    processor: str
    created_at: datetime
    updated_at: datetime


def ensure_default_register(session: Session) -> int:
    """Add the typical association activities when the register is empty; returns how many."""
    if session.scalar(select(func.count(ProcessingActivity.id))):
        return 0
    entries = json.loads(read_text("gdpr", "default_register.json"))
    for entry in entries:
        session.add(ProcessingActivity(**entry))
    session.flush()
    return len(entries)


def header(session: Session) -> RegisterHeader:
    """The common page, from the organisation settings."""
    identity = load_identity(session)
    address = ", ".join(
        p
        for p in (
            identity.address_line,
            identity.address_complement,
            f"{identity.postcode} {identity.city}".strip(),
        )
        if p
    )
    return RegisterHeader(
        identity.name,
        address,
        identity.signatory_name,
        identity.email or identity.phone,
        identity.dpo_name,
        identity.dpo_contact,
    )


def activities(session: Session) -> list[ActivityView]:
    """Every active activity, by reference."""
    rows = session.scalars(
        select(ProcessingActivity)
        .where(ProcessingActivity.active.is_(True))
        .order_by(ProcessingActivity.reference, ProcessingActivity.id)
    )
    return [ActivityView(**_view_values(a)) for a in rows]


def _view_values(activity: ProcessingActivity) -> dict[str, Any]:
    return {
        f.name: (
            tuple(getattr(activity, f.name) or ())
            if f.name == "data_categories"
            else getattr(activity, f.name)
        )
        for f in fields(ActivityView)
    }


def save_activity(
    session: Session, values: dict[str, Any], *, activity_id: int | None = None
) -> ProcessingActivity:
    """Create or update an activity (every change is kept in the journal)."""
    require(session, Permission.GDPR_MANAGE)
    if not str(values.get("name", "")).strip():
        raise ValidationError(_("Nom du traitement : champ obligatoire."), field="name")
    if not str(values.get("purposes", "")).strip():
        raise ValidationError(_("Finalités : champ obligatoire (art. 30.1.b)."), field="purposes")
    activity = session.get(ProcessingActivity, activity_id) if activity_id else ProcessingActivity()
    if activity is None:
        raise ValidationError(_("Traitement {id} introuvable.").format(id=activity_id))
    for name in TEXT_FIELDS:
        if name in values:
            setattr(activity, name, str(values[name]).strip())
    if "data_categories" in values:
        activity.data_categories = [dict(c) for c in values["data_categories"]]
    session.add(activity)
    session.flush()
    return activity
