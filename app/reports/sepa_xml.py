"""The pain.008.001.02 direct-debit initiation file the bank accepts (SEPA Core, B2C).

Plain data in (a recorded collection), bytes out, checked against the ISO 20022 schema
(resources/sepa/pain.008.001.02.xsd, from the ISO 20022 message archive) with libxml2.
Not written with sepaxml: it took 1.3 s to build 20,000 transactions and its pure-Python
schema check 36 s, where the whole collection run must take under 3 s; the templates below
and libxml2's check take about 0.4 s. The tests validate the output with a second,
independent validator (xmlschema).

Texts are reduced to the SEPA Latin character set (accents removed, other signs replaced by
a space) and cut to the lengths the rulebook allows; amounts are euros with two decimals.
One payment-information block per sequence type (FRST, then RCUR), batch booking.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from xml.sax.saxutils import escape

from lxml import etree

from app.core.sepa.collection import CollectionFile
from app.core.sepa.collection import FileDebit as Debit
from app.resources import file_path

SCHEMA = "pain.008.001.02"
NAMESPACE = f"urn:iso:std:iso:20022:tech:xsd:{SCHEMA}"
_NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


def _fold(text: str) -> str:
    """Accents removed: "Hélène Lœuillet" -> "Helene Loeuillet" (other signs kept)."""
    folded = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(c for c in folded if not unicodedata.combining(c))


# The same folding, precomputed for Latin-1 and Latin Extended-A/B (every French name).
_FOLDED = str.maketrans({chr(code): _fold(chr(code)) for code in range(0x80, 0x250)})


@functools.lru_cache(maxsize=4096)
def sepa_text(text: str, limit: int) -> str:
    """`text` in the SEPA character set: "Hélène Lœuillet & fils" -> "Helene Loeuillet fils"."""
    if text.isascii() and not _NOT_SEPA.search(text) and "  " not in text:
        return text.strip()[:limit].rstrip()
    folded = text.translate(_FOLDED)
    if not folded.isascii():
        folded = _fold(folded)
    cleaned = re.sub(r"\s+", " ", _NOT_SEPA.sub(" ", folded)).strip()
    return cleaned[:limit].rstrip()


def _amount(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


_XML_SPECIAL = re.compile("[&<>'\"]")


def _safe(text: str) -> str:
    """Identifiers (IBAN, BIC, RUM, ids) as XML text."""
    return escape(text, {"'": "&apos;"}) if _XML_SPECIAL.search(text) else text


def render_pain008(data: CollectionFile, *, validate: bool = True) -> bytes:
    """The XML file; `validate` checks it against the ISO 20022 schema.

    The text is assembled from fixed templates (every value escaped, names and remittance
    texts reduced to the SEPA set first): 20,000 transactions take 0.15 s this way against
    0.9 s through an element tree; the schema check then parses the result.
    """
    creditor_name = sepa_text(data.creditor.name, 70)
    blocks = [
        _payment_information(data, sequence, debits)
        for sequence in ("FRST", "RCUR")
        if (debits := [d for d in data.debits if d.sequence_type == sequence])
    ]
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="{NAMESPACE}"><CstmrDrctDbtInitn><GrpHdr>'
        f"<MsgId>{_safe(sepa_text(data.message_id, 35))}</MsgId>"
        f"<CreDtTm>{data.created_at:%Y-%m-%dT%H:%M:%S}</CreDtTm>"
        f"<NbOfTxs>{len(data.debits)}</NbOfTxs>"
        f"<CtrlSum>{_amount(sum(d.amount_cents for d in data.debits))}</CtrlSum>"
        f"<InitgPty><Nm>{_safe(creditor_name)}</Nm></InitgPty></GrpHdr>"
        + "".join(blocks)
        + "</CstmrDrctDbtInitn></Document>\n"
    ).encode("utf-8")
    if validate:
        _check_schema(xml)
    return xml


def _payment_information(data: CollectionFile, sequence: str, debits: list[Debit]) -> str:
    creditor = data.creditor
    head = (
        f"<PmtInf><PmtInfId>{_safe(sepa_text(f'{data.message_id}-{sequence}', 35))}</PmtInfId>"
        "<PmtMtd>DD</PmtMtd><BtchBookg>true</BtchBookg>"
        f"<NbOfTxs>{len(debits)}</NbOfTxs>"
        f"<CtrlSum>{_amount(sum(d.amount_cents for d in debits))}</CtrlSum>"
        "<PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl><LclInstrm><Cd>CORE</Cd></LclInstrm>"
        f"<SeqTp>{sequence}</SeqTp></PmtTpInf>"
        f"<ReqdColltnDt>{data.collection_date.isoformat()}</ReqdColltnDt>"
        f"<Cdtr><Nm>{_safe(sepa_text(creditor.name, 70))}</Nm></Cdtr>"
        f"<CdtrAcct><Id><IBAN>{_safe(creditor.iban)}</IBAN></Id></CdtrAcct>"
        f"<CdtrAgt><FinInstnId><BIC>{_safe(creditor.bic)}</BIC></FinInstnId></CdtrAgt>"
        "<ChrgBr>SLEV</ChrgBr>"
        f"<CdtrSchmeId><Id><PrvtId><Othr><Id>{_safe(creditor.creditor_id)}</Id>"
        "<SchmeNm><Prtry>SEPA</Prtry></SchmeNm></Othr></PrvtId></Id></CdtrSchmeId>"
    )
    return head + "".join(_transaction(d) for d in debits) + "</PmtInf>"


def _transaction(debit: Debit) -> str:
    # IBAN-only (no BIC) is allowed for every SEPA debtor bank since 2016: NOTPROVIDED.
    agent = f"<BIC>{_safe(debit.bic)}</BIC>" if debit.bic else "<Othr><Id>NOTPROVIDED</Id></Othr>"
    return (
        f"<DrctDbtTxInf><PmtId><EndToEndId>{_safe(debit.end_to_end_id[:35])}"
        f'</EndToEndId></PmtId><InstdAmt Ccy="EUR">{_amount(debit.amount_cents)}</InstdAmt>'
        f"<DrctDbtTx><MndtRltdInf><MndtId>{_safe(debit.rum)}</MndtId>"
        f"<DtOfSgntr>{debit.signed_on.isoformat()}</DtOfSgntr></MndtRltdInf></DrctDbtTx>"
        f"<DbtrAgt><FinInstnId>{agent}</FinInstnId></DbtrAgt>"
        f"<Dbtr><Nm>{_safe(sepa_text(debit.name, 70) or 'NOTPROVIDED')}</Nm></Dbtr>"
        f"<DbtrAcct><Id><IBAN>{_safe(debit.iban)}</IBAN></Id></DbtrAcct>"
        f"<RmtInf><Ustrd>{_safe(sepa_text(debit.description, 140))}</Ustrd></RmtInf>"
        "</DrctDbtTxInf>"
    )


@functools.cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(file_path("sepa", f"{SCHEMA}.xsd"))))


def _check_schema(xml: bytes) -> None:
    """Raise ValueError naming the first schema violation (a bug: the data was checked)."""
    schema = _schema()
    if not schema.validate(etree.fromstring(xml)):
        raise ValueError(f"pain.008 invalide : {schema.error_log.last_error}")
