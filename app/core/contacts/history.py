"""The journal of a contact in words: what the History tab and the access export show.

A journal row keeps raw values ("amount_cents": "2000", "+33380112233", "withdrawn",
ISO dates); a volunteer or the person reading their access export sees "Don enregistré :
20,00 € le 01/03/2026", "03 80 11 22 33", "retrait", "01/03/2026".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app.core.contacts.validation import format_phone
from app.core.dates import format_date
from app.core.money import format_eur
from app.i18n import N_, _

FIELD_LABELS = {
    "civility": N_("Civilité"),
    "first_name": N_("Prénom"),
    "last_name": N_("Nom"),
    "birth_name": N_("Nom de naissance"),
    "organisation_name": N_("Raison sociale"),
    "legal_form": N_("Forme juridique"),
    "siren": N_("SIREN"),
    "birth_date": N_("Date de naissance"),
    "email": N_("Courriel"),
    "number": N_("Téléphone"),
    "line2": N_("Complément (appartement, étage)"),
    "line3": N_("Bâtiment, résidence"),
    "line4": N_("Numéro et voie"),
    "line5": N_("Lieu-dit, boîte postale"),
    "postcode": N_("Code postal"),
    "city": N_("Commune"),
    "country": N_("Pays"),
    "npai": N_("N'habite pas à l'adresse indiquée"),
    "notes": N_("Notes"),
    "status": N_("Statut"),
    "restricted": N_("Traitement limité"),
    "receipt_mode": N_("Reçus fiscaux"),
    "received_on": N_("Date du don"),
    "amount_cents": N_("Montant"),
    "counterpart_cents": N_("Contrepartie"),
    "total_cents": N_("Montant"),
    "payment_method": N_("Mode de paiement"),
    "nature": N_("Nature du don"),
    "cheque_number": N_("N° de chèque"),
    "deposit_slip": N_("Remise"),
    "campaign_id": N_("Campagne"),
    "receiptable": N_("Ouvre droit à reçu"),
    "channel": N_("Canal"),
    "occurred_at": N_("Date"),
    "source": N_("Source"),
    "proof_text": N_("Preuve"),
}
VALUE_WORDS = {
    "granted": N_("accord"),
    "withdrawn": N_("retrait"),
    "objected": N_("opposition"),
    "email": N_("courriel"),
    "post": N_("courrier"),
    "phone": N_("téléphone"),
    "sms": N_("SMS"),
    "cheque": N_("chèque"),
    "cash": N_("espèces"),
    "transfer": N_("virement"),
    "card": N_("carte bancaire"),
    "direct_debit": N_("prélèvement"),
    "in_kind": N_("en nature"),
    "person": N_("personne"),
    "organisation": N_("organisation"),
    "active": N_("actif"),
    "issued": N_("émis"),
    "cancelled": N_("annulé"),
    "annual": N_("un reçu annuel"),
    "per_gift": N_("un reçu par don"),
    "True": N_("oui"),
    "False": N_("non"),
}
_CREATED = {
    "contact": N_("Fiche créée"),
    "contact_email": N_("Courriel ajouté"),
    "contact_phone": N_("Téléphone ajouté"),
    "postal_address": N_("Adresse ajoutée"),
    "gift": N_("Don enregistré"),
    "receipt": N_("Reçu fiscal émis"),
    "membership": N_("Adhésion enregistrée"),
}
_UPDATED = {
    "contact": N_("Fiche modifiée"),
    "contact_email": N_("Courriel modifié"),
    "contact_phone": N_("Téléphone modifié"),
    "postal_address": N_("Adresse modifiée"),
    "gift": N_("Don modifié"),
    "receipt": N_("Reçu fiscal modifié"),
    "consent": N_("Consentement modifié"),
    "membership": N_("Adhésion modifiée"),
}
_DELETED = {
    "contact": N_("Fiche supprimée"),
    "contact_email": N_("Courriel retiré"),
    "contact_phone": N_("Téléphone retiré"),
    "postal_address": N_("Adresse retirée"),
    "gift": N_("Don supprimé"),
    "membership": N_("Adhésion supprimée"),
}
_CONSENT = {
    "granted": N_("Consentement donné ({channel})"),
    "withdrawn": N_("Consentement retiré ({channel})"),
    "objected": N_("Opposition ({channel})"),
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


@dataclass(frozen=True)
class HistoryLine:
    """One journal row as people read it."""

    when: str
    who: str
    what: str
    field: str
    before: str
    after: str

    def sentence(self) -> str:
        """ "01/03/2026 à 10:15, marie : Don modifié — Montant : 20,00 € → 25,00 €"."""
        text = f"{self.when}, {self.who or _('système')} : {self.what}"
        if self.field:
            text += f" — {self.field} : {self.before or '∅'} → {self.after or '∅'}"
        elif self.after or self.before:
            text += f" — {self.after or self.before}"
        return text


def when_text(at: datetime | str | None) -> str:
    """A journal time in local French form: "01/03/2026 à 10:15"."""
    if isinstance(at, str):
        try:
            at = datetime.fromisoformat(at)
        except ValueError:
            return str(at)
    if at is None:
        return ""
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone()
    return _("{day} à {time}").format(day=local.strftime("%d/%m/%Y"), time=local.strftime("%H:%M"))


def value_text(field: str, value: Any) -> str:
    """A stored value in words: euros, French dates, national phone, oui/non, labels."""
    if value is None or value == "":
        return ""
    text = str(value)
    if field.endswith("_cents"):
        try:
            return format_eur(int(text))
        except ValueError:
            return text
    if field == "number" and text.startswith("+"):
        return format_phone(text)
    if _ISO_DATE.match(text):
        return format_date(date.fromisoformat(text))
    if _ISO_TIME.match(text):
        return when_text(text)
    if text in VALUE_WORDS:
        return _(VALUE_WORDS[text])
    return text


def _summary(entity: str, values: dict[str, Any]) -> str:
    """The few values that say what was created or removed."""
    if entity == "gift":
        text = _("{amount} le {date}").format(
            amount=value_text("amount_cents", values.get("amount_cents")),
            date=value_text("received_on", values.get("received_on")),
        )
        cheque = values.get("cheque_number")
        method = "" if cheque else value_text("payment_method", values.get("payment_method"))
        return ", ".join(
            p for p in (text, method, _("chèque n° {n}").format(n=cheque) if cheque else "") if p
        )
    if entity == "contact_phone":
        return value_text("number", values.get("number"))
    if entity == "contact_email":
        return str(values.get("email") or "")
    if entity == "postal_address":
        parts = [values.get(k) for k in ("line2", "line3", "line4", "line5")]
        town = f"{values.get('postcode') or ''} {values.get('city') or ''}".strip()
        return ", ".join(str(p) for p in [*parts, town] if p)
    if entity == "contact":
        name = f"{values.get('first_name') or ''} {str(values.get('last_name') or '').upper()}"
        return (values.get("organisation_name") or name).strip()
    if entity == "consent":
        source = values.get("source") or ""
        day = when_text(values.get("occurred_at")).split(" ")[0]
        return _("le {date}").format(date=day) + (
            _(", source : {source}").format(source=source) if source else ""
        )
    if entity == "receipt":
        return " ".join(
            p
            for p in (
                str(values.get("number") or ""),
                value_text("total_cents", values.get("total_cents")),
            )
            if p
        )
    return ", ".join(
        f"{_(FIELD_LABELS[k])} : {value_text(k, v)}"
        for k, v in values.items()
        if k in FIELD_LABELS and v not in (None, "", "0", "False")
    )


def _values(raw: str | None) -> dict[str, Any]:
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def describe(
    *,
    at: datetime | str | None,
    user: str,
    action: str,
    entity: str,
    field: str = "",
    old: str | None = None,
    new: str | None = None,
    note: str = "",
) -> HistoryLine:
    """One journal row in words (the same for the History tab and the access export)."""
    action = str(action)
    when = when_text(at)
    if action == "event":
        return HistoryLine(when, user, note or _("Événement"), "", "", "")
    if action in ("create", "delete"):
        values = _values(new if action == "create" else old)
        if entity == "consent" and action == "create":
            status = str(values.get("status") or "")
            channel = value_text("channel", values.get("channel"))
            what = _(_CONSENT.get(status, N_("Consentement ({channel})"))).format(channel=channel)
        else:
            words = _CREATED if action == "create" else _DELETED
            what = _(words[entity]) if entity in words else f"{action} ({entity})"
        summary = _summary(entity, values)
        before, after = ("", summary) if action == "create" else (summary, "")
        return HistoryLine(when, user, what, "", before, after)
    what = _(_UPDATED[entity]) if entity in _UPDATED else _("Modification")
    label = _(FIELD_LABELS[field]) if field in FIELD_LABELS else field
    return HistoryLine(
        when, user, what, label, value_text(field, old), value_text(field, new) or note
    )
