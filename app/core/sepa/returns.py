"""Bank returns (R-transactions): a rejected debit's gift is marked failed, never receipted.

Returns are typed by hand (gift or end-to-end id and the ISO reason code) or read from the
bank's file: a CSV (end-to-end id; reason code; optional date) or a camt.054 / pain.002 XML
notification. A plan is suspended after the configured number of consecutive rejects, and at
once when the reason says retrying is pointless (closed account, no mandate, debtor deceased).
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.infrastructure.permissions import Permission, require
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import N_, _
from app.models import Contact, Gift, Receipt, RegularGiftPlan, SepaDebit, SepaMandate
from app.models.enums import DebitStatus, PlanStatus

# ISO 20022 external status reason codes met on SEPA Core direct-debit returns.
REASON_CODES = {
    "AC01": N_("numéro de compte incorrect"),
    "AC04": N_("compte clôturé"),
    "AC06": N_("compte bloqué"),
    "AC13": N_("compte de débiteur non autorisé"),
    "AG01": N_("prélèvement interdit sur ce compte"),
    "AG02": N_("code opération invalide"),
    "AM04": N_("provision insuffisante"),
    "AM05": N_("opération en double"),
    "BE05": N_("créancier non reconnu"),
    "CNOR": N_("banque du créancier non joignable"),
    "DNOR": N_("banque du débiteur non joignable"),
    "FF01": N_("format de fichier invalide"),
    "MD01": N_("pas de mandat"),
    "MD02": N_("données du mandat manquantes ou erronées"),
    "MD06": N_("remboursement demandé par le débiteur"),
    "MD07": N_("débiteur décédé"),
    "MS02": N_("refus du débiteur"),
    "MS03": N_("motif non précisé par la banque"),
    "RC01": N_("BIC incorrect"),
    "RR01": N_("identification du débiteur manquante"),
    "RR02": N_("nom ou adresse du débiteur manquant"),
    "RR03": N_("nom ou adresse du créancier manquant"),
    "RR04": N_("raison réglementaire"),
    "SL01": N_("service spécifique de la banque du débiteur"),
}
# Retrying cannot succeed: the plan stops at the first such return.
FINAL_REASONS = frozenset({"AC01", "AC04", "AC13", "AG01", "MD01", "MD07", "BE05"})


@dataclass(frozen=True)
class ReturnLine:
    """One return as read: which transaction, why, when (source row for messages)."""

    end_to_end_id: str
    reason: str
    on: date | None
    row: int


@dataclass(frozen=True)
class RejectResult:
    """What recording one return did."""

    gift_id: int
    contact_id: int
    name: str
    amount_cents: int
    reason: str
    plan_suspended: bool
    already_recorded: bool = False


def reason_label(code: str) -> str:
    """The reason in words ("AM04 provision insuffisante")."""
    label = REASON_CODES.get(code)
    return f"{code} {_(label)}" if label else code


def _find_debit(session: Session, *, end_to_end_id: str | None, gift_id: int | None) -> SepaDebit:
    if end_to_end_id:
        debit = session.scalar(select(SepaDebit).where(SepaDebit.end_to_end_id == end_to_end_id))
        missing = _("Aucun prélèvement de référence {ref}.").format(ref=end_to_end_id)
    else:
        debit = session.scalar(select(SepaDebit).where(SepaDebit.gift_id == gift_id))
        missing = _("Le don n° {id} ne vient pas d'un prélèvement SEPA.").format(id=gift_id)
    if debit is None:
        raise NotFound(missing)
    return debit


def _trailing_rejects(session: Session, plan_id: int) -> int:
    statuses = session.scalars(
        select(SepaDebit.status)
        .where(SepaDebit.plan_id == plan_id)
        .order_by(SepaDebit.due_on.desc())
    )
    count = 0
    for status in statuses:
        if status != DebitStatus.REJECTED:
            break
        count += 1
    return count


def reject_debit(
    session: Session,
    *,
    reason: str,
    on: date,
    reject_limit: int,
    end_to_end_id: str | None = None,
    gift_id: int | None = None,
) -> RejectResult:
    """Record a bank return; the gift counts nowhere and is never receipted."""
    require(session, Permission.GIFTS_WRITE)
    code = reason.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{4}", code):
        raise ValidationError(
            _("Code de rejet « {code} » invalide : 4 caractères attendus (ex. AM04).").format(
                code=reason
            ),
            field="reason",
        )
    debit = _find_debit(session, end_to_end_id=end_to_end_id, gift_id=gift_id)
    gift = session.get(Gift, debit.gift_id) if debit.gift_id is not None else None
    contact = session.get(Contact, gift.contact_id) if gift is not None else None
    name = contact.display_name if contact is not None else ""
    if debit.status == DebitStatus.REJECTED:
        return RejectResult(
            debit.gift_id or 0,
            contact.id if contact else 0,
            name,
            debit.amount_cents,
            reason_label(debit.reject_reason),
            False,
            already_recorded=True,
        )
    if gift is not None and gift.receipt_id is not None:
        receipt = session.get(Receipt, gift.receipt_id)
        raise Conflict(
            _(
                "Le don n° {gift} figure sur le reçu fiscal {number} : annulez ou remplacez "
                "ce reçu avant d'enregistrer le rejet du prélèvement."
            ).format(gift=gift.id, number=receipt.number if receipt else gift.receipt_id)
        )
    debit.status, debit.reject_reason, debit.rejected_on = DebitStatus.REJECTED, code, on
    if gift is not None:
        gift.failed_on, gift.receiptable = on, False
        gift.failure_reason = _("Prélèvement rejeté : {reason}").format(reason=reason_label(code))[
            :120
        ]
    session.flush()
    plan = session.get(RegularGiftPlan, debit.plan_id)
    suspended = False
    if plan is not None:
        plan.consecutive_rejects = _trailing_rejects(session, plan.id)
        if plan.status == PlanStatus.ACTIVE and (
            code in FINAL_REASONS or plan.consecutive_rejects >= reject_limit
        ):
            plan.status, suspended = PlanStatus.SUSPENDED, True
    _forget_first_collection(session, debit)
    return RejectResult(
        gift.id if gift else 0,
        contact.id if contact else 0,
        name,
        debit.amount_cents,
        reason_label(code),
        suspended,
    )


def _forget_first_collection(session: Session, debit: SepaDebit) -> None:
    """A returned first debit leaves the mandate never collected: the next one is FRST."""
    collected = session.scalar(
        select(SepaDebit.id).where(
            SepaDebit.mandate_id == debit.mandate_id, SepaDebit.status == DebitStatus.COLLECTED
        )
    )
    if collected is None:
        mandate = session.get(SepaMandate, debit.mandate_id)
        if mandate is not None:
            mandate.first_collected_on = None


def read_returns(path: Path) -> list[ReturnLine]:
    """The returns in a bank file: camt.054 / pain.002 XML, or CSV (id; code; date)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            _("Fichier illisible : {file} ({reason}).").format(file=path, reason=exc.strerror)
        ) from exc
    if data.lstrip().startswith(b"<"):
        return _read_xml(data, path)
    return _read_csv(data.decode("utf-8-sig", errors="replace"), path)


def _read_xml(data: bytes, path: Path) -> list[ReturnLine]:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ValidationError(
            _("{file} : XML invalide ({reason}).").format(file=path.name, reason=exc)
        ) from exc
    lines: list[ReturnLine] = []
    # camt.054: Ntry (booking date) / NtryDtls / TxDtls; pain.002: OrgnlPmtInfAndSts / TxInfAndSts.
    for entry in root.iterfind(".//{*}Ntry"):
        booked = _iso_day(entry.findtext("{*}BookgDt/{*}Dt") or entry.findtext("{*}ValDt/{*}Dt"))
        for tx in entry.iterfind(".//{*}TxDtls"):
            _append(lines, tx, booked)
    for tx in root.iterfind(".//{*}TxInfAndSts"):
        _append(lines, tx, None)
    if not lines:
        raise ValidationError(
            _("{file} : aucune opération rejetée (EndToEndId et code motif) trouvée.").format(
                file=path.name
            )
        )
    return lines


def _append(lines: list[ReturnLine], tx: ET.Element, on: date | None) -> None:
    e2e = tx.findtext(".//{*}EndToEndId") or tx.findtext(".//{*}OrgnlEndToEndId") or ""
    code = tx.findtext(".//{*}RtrInf/{*}Rsn/{*}Cd") or tx.findtext(".//{*}StsRsnInf/{*}Rsn/{*}Cd")
    if e2e.strip() and code:
        lines.append(ReturnLine(e2e.strip(), code.strip().upper(), on, len(lines) + 1))


def _iso_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _read_csv(text: str, path: Path) -> list[ReturnLine]:
    sample = text[:2048]
    dialect = csv.Sniffer().sniff(sample, delimiters=";,\t") if sample.strip() else csv.excel
    lines = []
    for number, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or (number == 1 and _is_header(cells)):
            continue
        if len(cells) < 2 or not re.fullmatch(r"[A-Za-z0-9]{4}", cells[1]):
            raise ValidationError(
                _(
                    "{file}, ligne {row} : référence du prélèvement puis code motif ISO à "
                    "4 caractères attendus (ex. OBOLE-DON-12;AM04)."
                ).format(file=path.name, row=number)
            )
        on = _parse_day(cells[2], path, number) if len(cells) > 2 and cells[2] else None
        lines.append(ReturnLine(cells[0], cells[1].upper(), on, number))
    if not lines:
        raise ValidationError(_("{file} : aucun rejet trouvé.").format(file=path.name))
    return lines


def _is_header(cells: list[str]) -> bool:
    """A first row of words ("référence;motif;date") rather than a reference and a code."""
    return len(cells) < 2 or not re.fullmatch(r"[A-Za-z0-9]{2,6}", cells[1]) or cells[1].islower()


def _parse_day(text: str, path: Path, row: int) -> date:
    for pattern in (r"(\d{4})-(\d{2})-(\d{2})", r"(\d{2})/(\d{2})/(\d{4})"):
        match = re.fullmatch(pattern, text)
        if match:
            a, b, c = (int(g) for g in match.groups())
            try:
                return date(a, b, c) if pattern.startswith(r"(\d{4})") else date(c, b, a)
            except ValueError:
                break
    raise ValidationError(
        _(
            "{file}, ligne {row}, colonne date : « {value} » n'est pas une date (JJ/MM/AAAA)."
        ).format(file=path.name, row=row, value=text)
    )


def donors_to_call(session: Session) -> list[tuple[int, str, int]]:
    """Plans suspended after rejects: (contact id, name, consecutive rejects), to phone them."""
    rows = session.execute(
        select(Contact.id, Contact, RegularGiftPlan.consecutive_rejects)
        .join(RegularGiftPlan, RegularGiftPlan.contact_id == Contact.id)
        .where(
            RegularGiftPlan.status == PlanStatus.SUSPENDED, RegularGiftPlan.consecutive_rejects > 0
        )
        .order_by(Contact.sort_name)
    )
    return [(cid, contact.display_name, count) for cid, contact, count in rows]
