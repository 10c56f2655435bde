"""French cell values: civilities, payment methods (amounts and dates live in money/dates)."""

from __future__ import annotations

from app.core.text import fold
from app.models.enums import PaymentMethod

CIVILITIES = {
    "m": "M.",
    "mr": "M.",
    "monsieur": "M.",
    "m.": "M.",
    "mme": "Mme",
    "madame": "Mme",
    "mlle": "Mme",
    "mademoiselle": "Mme",
    "mrs": "Mme",
    "ms": "Mme",
    "m et mme": "M. et Mme",
    "m. et mme": "M. et Mme",
    "monsieur et madame": "M. et Mme",
    "dr": "Dr",
    "docteur": "Dr",
}
METHODS = {
    "cheque": PaymentMethod.CHEQUE,
    "chq": PaymentMethod.CHEQUE,
    "ch": PaymentMethod.CHEQUE,
    "especes": PaymentMethod.CASH,
    "espece": PaymentMethod.CASH,
    "liquide": PaymentMethod.CASH,
    "cash": PaymentMethod.CASH,
    "virement": PaymentMethod.TRANSFER,
    "vir": PaymentMethod.TRANSFER,
    "virement bancaire": PaymentMethod.TRANSFER,
    "transfer": PaymentMethod.TRANSFER,
    "sepa": PaymentMethod.TRANSFER,
    "cb": PaymentMethod.CARD,
    "carte": PaymentMethod.CARD,
    "carte bancaire": PaymentMethod.CARD,
    "card": PaymentMethod.CARD,
    "credit card": PaymentMethod.CARD,
    "prelevement": PaymentMethod.DIRECT_DEBIT,
    "prlv": PaymentMethod.DIRECT_DEBIT,
    "prelevement sepa": PaymentMethod.DIRECT_DEBIT,
    "direct debit": PaymentMethod.DIRECT_DEBIT,
    "nature": PaymentMethod.IN_KIND,
    "en nature": PaymentMethod.IN_KIND,
    "in kind": PaymentMethod.IN_KIND,
}


def civility(text: str) -> str | None:
    """Normalised civility, "" for empty, None when not understood."""
    key = fold(text).replace(".", "").strip()
    if not key:
        return ""
    return CIVILITIES.get(key) or CIVILITIES.get(key.replace(" ", ""))


RECEIPT_MODES = {
    "annual": "annual",
    "annuel": "annual",
    "un recu annuel": "annual",
    "recu annuel": "annual",
    "recapitulatif annuel": "annual",
    "per gift": "per_gift",
    "per_gift": "per_gift",
    "par don": "per_gift",
    "un recu par don": "per_gift",
    "recu par don": "per_gift",
    "chaque don": "per_gift",
}


def receipt_mode(text: str) -> str | None:
    """A donor's receipt preference ("annual", "per_gift"), "" for empty, None when unknown."""
    key = fold(text).strip()
    if not key or key.startswith("selon"):
        return ""
    return RECEIPT_MODES.get(key)


def payment_method(text: str) -> PaymentMethod | None:
    """Payment method from its usual French or English names, None when not understood."""
    return METHODS.get(fold(text).replace(".", "").strip())
