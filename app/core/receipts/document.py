"""The data printed on a receipt, as plain frozen dataclasses (also its stored snapshot)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Beneficiary:
    """The association, as printed."""

    name: str
    siren: str
    rna: str
    address_lines: tuple[str, ...]
    purpose: str
    category_key: str
    category_label: str
    signatory_name: str
    signatory_title: str
    city: str
    seventy_five_percent: bool = False
    ifi_eligible: bool = False


@dataclass(frozen=True)
class Donor:
    """The donor, as printed (a person for 11580, a company for 16216)."""

    contact_id: int
    is_company: bool
    name: str
    legal_form: str
    siren: str
    address_lines: tuple[str, ...]


@dataclass(frozen=True)
class GiftLine:
    """One gift on the receipt."""

    gift_id: int
    received_on: date
    amount_cents: int
    method: str
    nature: str
    in_kind_description: str = ""


@dataclass(frozen=True)
class ReceiptDocument:
    """Everything a receipt shows; stored as JSON in Receipt.snapshot when issued."""

    number: str
    kind: str  # individual | company
    mode: str  # per_gift | annual
    issued_on: date
    period_start: date
    period_end: date
    beneficiary: Beneficiary
    donor: Donor
    gifts: tuple[GiftLine, ...]
    replaces_number: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total_cents(self) -> int:
        """Amount giving right to the reduction."""
        return sum(g.amount_cents for g in self.gifts)

    @property
    def cash_total_cents(self) -> int:
        """Gifts in money (cash, cheque, transfer, card, direct debit)."""
        return sum(g.amount_cents for g in self.gifts if g.nature not in ("in_kind",))

    @property
    def in_kind_total_cents(self) -> int:
        """Gifts in kind (valued)."""
        return sum(g.amount_cents for g in self.gifts if g.nature == "in_kind")

    def to_json(self) -> dict[str, Any]:
        """JSON-ready dict (dates as ISO strings), in field order."""
        return {
            "number": self.number,
            "kind": self.kind,
            "mode": self.mode,
            "issued_on": self.issued_on.isoformat(),
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "beneficiary": _plain(self.beneficiary),
            "donor": _plain(self.donor),
            "gifts": [_plain(gift) for gift in self.gifts],
            "replaces_number": self.replaces_number,
            "extra": _jsonable(self.extra),
        }

    @staticmethod
    def from_json(data: dict[str, Any]) -> ReceiptDocument:
        """Rebuild from a stored snapshot."""
        d = date.fromisoformat
        return ReceiptDocument(
            number=data["number"],
            kind=data["kind"],
            mode=data["mode"],
            issued_on=d(data["issued_on"]),
            period_start=d(data["period_start"]),
            period_end=d(data["period_end"]),
            beneficiary=Beneficiary(
                **{
                    **data["beneficiary"],
                    "address_lines": tuple(data["beneficiary"]["address_lines"]),
                }
            ),
            donor=Donor(
                **{**data["donor"], "address_lines": tuple(data["donor"]["address_lines"])}
            ),
            gifts=tuple(
                GiftLine(**{**g, "received_on": d(g["received_on"])}) for g in data["gifts"]
            ),
            replaces_number=data.get("replaces_number", ""),
            extra=data.get("extra", {}),
        )


def snapshot_digest(snapshot: dict[str, Any]) -> str:
    """SHA-256 of a stored snapshot in canonical JSON (sorted keys, no spaces)."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _plain(value: Any) -> dict[str, Any]:
    """A flat dataclass as a JSON-ready dict (tuples as lists, dates as ISO strings)."""
    return {
        key: (
            list(item)
            if isinstance(item, tuple)
            else item.isoformat()
            if isinstance(item, date)
            else item
        )
        for key, item in vars(value).items()
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
