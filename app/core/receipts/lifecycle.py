"""After issuing: reprint (DUPLICATA), cancel (ANNULÉ, gifts unlocked), replace, verify."""

from __future__ import annotations

import hashlib
from datetime import date
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from app.core.clock import PARIS, Clock, SystemClock, today
from app.core.infrastructure.journal import record_event
from app.core.infrastructure.permissions import Permission, require
from app.core.receipts.document import ReceiptDocument, snapshot_digest
from app.core.receipts.eligibility import plan_receipts
from app.core.receipts.issuing import (
    beneficiary,
    build_document,
    company_year,
    donor,
    images,
    keep_image,
    snapshot_images,
    store_receipt,
)
from app.core.receipts.numbering import allocate, format_number
from app.core.receipts.rendering import renderer
from app.errors import Conflict, NotFound, ValidationError
from app.i18n import _
from app.models import Contact, Gift, Receipt
from app.models.enums import ReceiptMode, ReceiptStatus

DUPLICATE_MARK = "DUPLICATA"
CANCELLED_MARK = "ANNULÉ"


def find_receipt(session: Session, number_or_id: str | int) -> Receipt:
    """A receipt by its number ("2025-00042") or id."""
    if isinstance(number_or_id, int) or str(number_or_id).isdigit():
        receipt = session.get(Receipt, int(number_or_id))
    else:
        receipt = session.scalar(select(Receipt).where(Receipt.number == str(number_or_id)))
    if receipt is None:
        raise NotFound(_("Reçu {number} introuvable.").format(number=number_or_id))
    return receipt


class Reproduction(StrEnum):
    """How a new rendering of an issued receipt compares with what was issued."""

    IDENTICAL = "identical"  # the same bytes as issued (same SHA-256)
    NEW_LAYOUT = "new_layout"  # the same data, laid out by a newer version of the software
    ALTERED = "altered"  # the data differs from what was issued: never print it as the original


def reproduction(receipt: Receipt, pdf_digest: str) -> Reproduction:
    """Compare a rendering of `receipt` (its SHA-256) with what was recorded at issue."""
    if pdf_digest == receipt.pdf_sha256:
        return Reproduction.IDENTICAL
    if receipt.snapshot_sha256 and snapshot_digest(receipt.snapshot) == receipt.snapshot_sha256:
        return Reproduction.NEW_LAYOUT
    return Reproduction.ALTERED


def original_pdf(session: Session, receipt: Receipt) -> bytes:
    """The receipt as issued: its snapshot rendered again and checked.

    Rendering is deterministic, so the bytes are normally those the donor received. After a
    software update the layout may differ while the data is intact (the snapshot's own
    SHA-256 proves it): the document is reissued as is. If the data differs, refuse rather
    than print a different document under the same number.
    """
    pdf = receipt.pdf or _render_snapshot(session, receipt)
    ensure_unchanged(receipt, hashlib.sha256(pdf).hexdigest())
    return pdf


def ensure_unchanged(receipt: Receipt, pdf_digest: str) -> None:
    """Refuse a rendering of `receipt` whose data is not the data recorded at issue."""
    if reproduction(receipt, pdf_digest) == Reproduction.ALTERED:
        raise Conflict(
            _(
                "Le reçu {number} ne peut plus être reproduit à l'identique (empreinte différente) "
                ": "
                "imprimez un duplicata et signalez-le."
            ).format(number=receipt.number)
        )


def _render_snapshot(
    session: Session, receipt: Receipt, *, mark: str = "", mark_note: str = ""
) -> bytes:
    doc = ReceiptDocument.from_json(receipt.snapshot)
    logo, signature = snapshot_images(session, doc)
    return renderer().render(doc, logo=logo, signature=signature, mark=mark, mark_note=mark_note)


def unsigned(receipts: list[Receipt]) -> list[Receipt]:
    """Receipts issued without a signature image (printed for a handwritten signature)."""
    return [r for r in receipts if not (r.snapshot.get("extra") or {}).get("signature")]


def ensure_signed(receipts: list[Receipt]) -> None:
    """Refuse to let a receipt leave the software as a file without its signature image.

    LEGAL_FR.md 0.1: "une signature lisible ... imprimée ou apposée à l'aide d'une griffe";
    a PDF sent by e-mail must carry the signature image. Receipts issued with the setting
    "Je signe les reçus à la main" are printed and signed by hand only.
    """
    from app.core.receipts.readiness import HAND_SIGNATURE_SETTING

    missing = unsigned(receipts)
    if missing:
        raise Conflict(
            _(
                "{count} reçu(s) sans image de signature (dont {number}) : ils ont été émis avec "
                "le paramètre « {setting} » et doivent être imprimés puis signés à la main. "
                "Pour les envoyer en PDF, choisissez l'image de la signature dans les "
                "paramètres, décochez ce paramètre, puis remplacez ces reçus."
            ).format(
                count=len(missing), number=missing[0].number, setting=_(HAND_SIGNATURE_SETTING)
            )
        )


def verify(session: Session, receipt: Receipt) -> Reproduction:
    """How the receipt's snapshot, rendered today, compares with what was issued."""
    pdf = receipt.pdf or _render_snapshot(session, receipt)
    return reproduction(receipt, hashlib.sha256(pdf).hexdigest())


def reprint(session: Session, receipt_id: int, *, clock: Clock | None = None) -> bytes:
    """The same receipt, same number and data, marked DUPLICATA with its reprint date, or
    ANNULÉ with the cancellation date and reason (journaled; LEGAL_FR.md A.3)."""
    receipt = find_receipt(session, receipt_id)
    if receipt.status == ReceiptStatus.CANCELLED:
        mark = CANCELLED_MARK
        cancelled_on = receipt.cancelled_at.astimezone(PARIS) if receipt.cancelled_at else None
        note = _("ANNULÉ le {day} — motif : {reason}").format(
            day=cancelled_on.strftime("%d/%m/%Y") if cancelled_on else "?",
            reason=receipt.cancel_reason,
        )
    else:
        mark = DUPLICATE_MARK
        note = _("DUPLICATA imprimé le {day} (original émis le {issued})").format(
            day=today(clock or SystemClock()).strftime("%d/%m/%Y"),
            issued=date.fromisoformat(receipt.snapshot["issued_on"]).strftime("%d/%m/%Y"),
        )
    pdf = _render_snapshot(session, receipt, mark=mark, mark_note=note)
    record_event(
        session,
        entity="receipt",
        entity_id=receipt.id,
        contact_id=receipt.contact_id,
        note=_("Duplicata du reçu {number} imprimé").format(number=receipt.number),
    )
    return pdf


def cancel(session: Session, receipt_id: int, *, reason: str, clock: Clock) -> Receipt:
    """Mark a receipt ANNULÉ with its reason; its gifts become editable again."""
    require(session, Permission.RECEIPTS_ISSUE)
    if not reason.strip():
        raise ValidationError(_("Motif d'annulation : champ obligatoire."), field="reason")
    receipt = find_receipt(session, receipt_id)
    if receipt.status == ReceiptStatus.CANCELLED:
        raise Conflict(_("Le reçu {number} est déjà annulé.").format(number=receipt.number))
    receipt.status = ReceiptStatus.CANCELLED
    receipt.cancelled_at = clock.now()
    receipt.cancel_reason = reason.strip()
    session.execute(update(Gift).where(Gift.receipt_id == receipt.id).values(receipt_id=None))
    session.flush()
    return receipt


def replace(session: Session, receipt_id: int, *, reason: str, clock: Clock) -> Receipt:
    """Cancel a receipt and issue a new number for its (possibly corrected) gifts."""
    old = cancel(session, receipt_id, reason=reason, clock=clock)
    gift_ids = [line.gift_id for line in old.lines]
    plan = plan_receipts(
        session,
        year=old.year,
        mode=ReceiptMode.ANNUAL,
        contact_ids=[old.contact_id],
        issued_on=today(clock),
        year_must_be_over=False,
    )
    planned = [r for r in plan.receipts if set(r.gift_ids) & set(gift_ids)]
    gifts = list(
        session.scalars(
            select(Gift).where(Gift.id.in_(gift_ids)).order_by(Gift.received_on, Gift.id)
        )
    )
    kept = [g for g in gifts if any(g.id in r.gift_ids for r in planned)]
    if not kept:
        reasons = "; ".join(
            {e.reason for e in plan.excluded if set(e.gift_ids) & set(gift_ids)}
        ) or _("aucun don")
        raise Conflict(
            _("Le reçu {number} ne peut pas être remplacé : {reasons}.").format(
                number=old.number, reasons=reasons
            )
        )
    amounts = {
        gid: amount for r in planned for gid, amount in zip(r.gift_ids, r.amounts, strict=True)
    }
    contact = session.scalars(
        select(Contact)
        .where(Contact.id == kept[0].contact_id)
        .options(selectinload(Contact.addresses))
    ).one()
    (sequence,) = allocate(session, old.year, 1)
    logo, signature = images(session)
    keys = {"logo": keep_image(session, logo), "signature": keep_image(session, signature)}
    doc = build_document(
        number=format_number(old.year, sequence),
        kind=str(old.kind),
        mode=str(old.mode),
        issued_on=today(clock),
        benef=beneficiary(session),
        donor_=donor(contact),
        gifts=kept,
        amounts=tuple(amounts[g.id] for g in kept),
        replaces_number=old.number,
        image_keys=keys,
        company_year_text=company_year(contact, kept[0].received_on)
        if contact.is_organisation
        else "",
    )
    pdf = renderer().render(doc, logo=logo, signature=signature)
    new = store_receipt(
        session,
        doc,
        year=old.year,
        sequence=sequence,
        gifts=kept,
        pdf=pdf,
        clock=clock,
        replaces_id=old.id,
    )
    record_event(
        session,
        entity="receipt",
        entity_id=new.id,
        contact_id=new.contact_id,
        note=_("Reçu {new} émis en remplacement du reçu {old} ({reason})").format(
            new=new.number, old=old.number, reason=reason
        ),
    )
    return new
