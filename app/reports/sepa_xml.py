"""The pain.008.001.02 direct-debit initiation file the bank accepts (sepaxml).

Plain data in (`CollectionFile`), bytes out. The group header carries Obole's message id and
the run's time (sepaxml would put a random id and the wall clock), so the file describes the
recorded collection exactly; one payment-information block per sequence type (FRST, RCUR).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol

from sepaxml import SepaDD

SCHEMA = "pain.008.001.02"


class Creditor(Protocol):
    """The association as creditor."""

    name: str
    creditor_id: str
    iban: str
    bic: str


class Debit(Protocol):
    """One transaction."""

    end_to_end_id: str
    name: str
    iban: str
    bic: str
    rum: str
    signed_on: date
    amount_cents: int
    sequence_type: str
    description: str


class CollectionFile(Protocol):
    """A recorded collection (app.core.sepa.collection.CollectionFile has this shape)."""

    message_id: str
    created_at: datetime
    collection_date: date

    @property
    def creditor(self) -> Creditor: ...

    @property
    def debits(self) -> Sequence[Debit]: ...


def _config(data: CollectionFile) -> dict[str, Any]:
    creditor = data.creditor
    return {
        "name": creditor.name,
        "IBAN": creditor.iban,
        "BIC": creditor.bic,
        "batch": True,
        "creditor_id": creditor.creditor_id,
        "currency": "EUR",
        "instrument": "CORE",
    }


def render_pain008(data: CollectionFile, *, validate: bool = True) -> bytes:
    """The XML file; `validate` checks it against the ISO 20022 schema shipped with sepaxml."""
    sepa = SepaDD(_config(data), schema=SCHEMA, clean=True)
    header = sepa._xml.find("CstmrDrctDbtInitn/GrpHdr")  # noqa: SLF001 - fixed header values
    assert header is not None
    _set(header, "MsgId", data.message_id)
    _set(header, "CreDtTm", data.created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    for debit in data.debits:
        payment = {
            "name": debit.name,
            "IBAN": debit.iban,
            "amount": debit.amount_cents,
            "type": debit.sequence_type,
            "collection_date": data.collection_date,
            "mandate_id": debit.rum,
            "mandate_date": debit.signed_on,
            "description": debit.description,
            "endtoend_id": debit.end_to_end_id,
        }
        if debit.bic:  # without it the debtor's bank is "NOTPROVIDED" (IBAN-only, allowed)
            payment["BIC"] = debit.bic
        sepa.add_payment(payment)
    return bytes(sepa.export(validate=validate, pretty_print=False))


def _set(parent: ET.Element, tag: str, text: str) -> None:
    node = parent.find(tag)
    if node is not None:
        node.text = text
