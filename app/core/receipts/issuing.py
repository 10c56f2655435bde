"""Issuing receipts: one transaction allocates numbers, stores snapshots and PDFs, locks gifts."""

from __future__ import annotations

import base64
import hashlib
from collections import deque
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from app.core.clock import Clock, today
from app.core.contacts.postal import COUNTRY_NAMES, FRANCE_CODES, city_line
from app.core.infrastructure.journal import BulkJournal, JournalEvent, bulk_journal
from app.core.infrastructure.permissions import Permission, require
from app.core.money import format_eur
from app.core.progress import NULL_PROGRESS, CancelToken, Progress
from app.core.receipts.categories import (
    SEVENTY_FIVE_PERCENT,
    category_text,
)
from app.core.receipts.document import (
    Beneficiary,
    Donor,
    GiftLine,
    ReceiptDocument,
    snapshot_digest,
)
from app.core.receipts.eligibility import (
    IssuePlan,
    PlannedReceipt,
    fiscal_year_end,
    plan_receipts,
)
from app.core.receipts.numbering import allocate, format_number
from app.core.receipts.readiness import organisation_problems
from app.core.receipts.rendering import PendingDigests
from app.core.receipts.rendering import renderer as receipt_renderer
from app.errors import Conflict
from app.i18n import _
from app.models import Contact, Gift, OrganisationSettings, Receipt, ReceiptLine, Setting
from app.models.enums import ReceiptKind, ReceiptMode, ReceiptStatus

CHUNK = 200


@dataclass(frozen=True)
class IssueResult:
    """What a batch issued."""

    receipt_ids: tuple[int, ...]
    numbers: tuple[str, ...]
    total_cents: int


def beneficiary(session: Session) -> Beneficiary:
    """The association as printed on receipts (from the settings)."""
    s = session.get(OrganisationSettings, 1)
    if s is None:
        raise Conflict(_("Renseignez l'identité de l'association dans les paramètres."))
    lines = tuple(
        p
        for p in (s.address_line, s.address_complement, f"{s.postcode} {s.city}".strip(), s.country)
        if p
    )
    details = s.category_details or {}
    return Beneficiary(
        name=s.name,
        siren=s.siren,
        rna=s.rna,
        address_lines=lines,
        purpose=s.purpose,
        category_key=s.receipt_category,
        category_label=category_text(s.receipt_category, details),
        signatory_name=s.signatory_name,
        signatory_title=s.signatory_title,
        city=s.city,
        seventy_five_percent=s.applies_75_percent or s.receipt_category in SEVENTY_FIVE_PERCENT,
        ifi_eligible=bool(details.get("ifi_eligible", False)),
        hand_signature=bool(s.hand_signature) and not s.signature_image,
    )


def donor(contact: Contact) -> Donor:
    """The donor as printed: full name and complete address as stored.

    LEGAL_FR.md 0.9 and A.1 (D1, D2): the tax identity is never shortened; the 38-character
    postal rule applies to labels and envelopes only (app.core.contacts.postal).
    """
    address = contact.primary_address
    lines: tuple[str, ...] = ()
    if address is not None:
        country = (address.country or "FR").upper()
        lines = tuple(
            " ".join(part.split())
            for part in (
                address.line2,
                address.line3,
                address.line4,
                address.line5,
                city_line(address.postcode, address.city),
                "" if country in FRANCE_CODES else COUNTRY_NAMES.get(country, country),
            )
            if part.strip()
        )
    name = (
        contact.organisation_name
        if contact.is_organisation
        else " ".join(
            p for p in (contact.civility, contact.first_name, contact.last_name.upper()) if p
        )
    )
    return Donor(
        contact.id, contact.is_organisation, name, contact.legal_form, contact.siren, lines
    )


def company_year(contact: Contact, first_gift: date) -> str:
    """The donor company's financial year holding `first_gift`, as printed ("du ... au ...");
    annual receipts are cut at its end (LEGAL_FR.md B, note 5)."""
    end = fiscal_year_end(contact, first_gift.year)
    if first_gift > end:
        end = fiscal_year_end(contact, first_gift.year + 1)
    start = fiscal_year_end(contact, end.year - 1) + timedelta(days=1)
    return f"du {start:%d/%m/%Y} au {end:%d/%m/%Y}"


def build_document(
    *,
    number: str,
    kind: str,
    mode: str,
    issued_on: date,
    benef: Beneficiary,
    donor_: Donor,
    gifts: list[Gift],
    amounts: tuple[int, ...],
    replaces_number: str = "",
    image_keys: dict[str, str] | None = None,
    company_year_text: str = "",
) -> ReceiptDocument:
    """The printed data of a receipt."""
    lines = tuple(
        GiftLine(
            g.id, g.received_on, amount, str(g.payment_method), str(g.nature), g.in_kind_description
        )
        for g, amount in zip(gifts, amounts, strict=True)
    )
    return ReceiptDocument(
        number=number,
        kind=kind,
        mode=mode,
        issued_on=issued_on,
        period_start=min(g.received_on for g in gifts),
        period_end=max(g.received_on for g in gifts),
        beneficiary=benef,
        donor=donor_,
        gifts=lines,
        replaces_number=replaces_number,
        extra=dict(
            image_keys or {}, **({"company_year": company_year_text} if company_year_text else {})
        ),
    )


def images(session: Session) -> tuple[bytes | None, bytes | None]:
    """(logo, signature) images from the settings."""
    s = session.get(OrganisationSettings, 1)
    return (s.logo_image, s.signature_image) if s else (None, None)


IMAGE_KEY = "receipt-image:"


def keep_image(session: Session, data: bytes | None) -> str:
    """Store an image once under its SHA-256 (so old receipts keep their own logo/signature)."""
    if not data:
        return ""
    digest = hashlib.sha256(data).hexdigest()
    if session.get(Setting, IMAGE_KEY + digest) is None:
        # Two treasurers issuing at once on PostgreSQL both store the (now mandatory)
        # signature: the second insert must be a no-op, not a key violation.
        dialect = session.get_bind().dialect.name
        insert_ = postgresql_insert if dialect == "postgresql" else sqlite_insert
        now = datetime.now(UTC)
        session.execute(
            insert_(Setting)
            .values(
                key=IMAGE_KEY + digest,
                value=base64.b64encode(data).decode("ascii"),
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
    return digest


def snapshot_images(session: Session, doc: ReceiptDocument) -> tuple[bytes | None, bytes | None]:
    """The (logo, signature) a receipt was issued with."""
    found = []
    for name in ("logo", "signature"):
        setting = (
            session.get(Setting, IMAGE_KEY + doc.extra.get(name, ""))
            if doc.extra.get(name)
            else None
        )
        found.append(base64.b64decode(setting.value) if setting else None)
    return found[0], found[1]


def receipt_values(
    doc: ReceiptDocument,
    *,
    year: int,
    sequence: int,
    digest: str,
    issued_at: datetime,
    issued_by: str,
    replaces_id: int | None = None,
) -> dict[str, Any]:
    """The columns of a newly issued receipt; `digest` is the SHA-256 of its PDF."""
    snapshot = doc.to_json()
    return {
        "number": doc.number,
        "year": year,
        "sequence": sequence,
        "kind": ReceiptKind(doc.kind),
        "mode": ReceiptMode(doc.mode),
        "contact_id": doc.donor.contact_id,
        "issued_at": issued_at,
        "issued_by": issued_by,
        "period_start": doc.period_start,
        "period_end": doc.period_end,
        "total_cents": doc.total_cents,
        "status": ReceiptStatus.ISSUED,
        "replaces_id": replaces_id,
        "snapshot": snapshot,
        "pdf_sha256": digest,
        "snapshot_sha256": snapshot_digest(snapshot),
    }


def store_receipt(
    session: Session,
    doc: ReceiptDocument,
    *,
    year: int,
    sequence: int,
    gifts: list[Gift],
    pdf: bytes,
    clock: Clock,
    replaces_id: int | None = None,
) -> Receipt:
    """Insert the receipt row, its lines, and lock its gifts (one receipt, journaled)."""
    receipt = Receipt(
        **receipt_values(
            doc,
            year=year,
            sequence=sequence,
            digest=hashlib.sha256(pdf).hexdigest(),
            issued_at=clock.now(),
            issued_by=str(session.info.get("user", "")),
            replaces_id=replaces_id,
        )
    )
    receipt.lines = [
        ReceiptLine(gift_id=line.gift_id, amount_cents=line.amount_cents) for line in doc.gifts
    ]
    session.add(receipt)
    session.flush()
    for gift in gifts:
        gift.receipt_id = receipt.id
    return receipt


def issue(
    session: Session,
    plan: IssuePlan,
    *,
    clock: Clock,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
    workers: int | None = None,
) -> IssueResult:
    """Issue every planned receipt in the caller's transaction (all or nothing, no gap).

    PDFs are rendered (for their SHA-256) in `workers` processes; by default as many as
    there are cores for a large batch, this process alone for a small one.
    """
    require(session, Permission.RECEIPTS_ISSUE)
    if plan.refused:
        raise Conflict(plan.refused)
    problems = organisation_problems(session)
    if problems:
        raise Conflict(
            _("Émission impossible, mentions obligatoires manquantes : {details}").format(
                details=" ; ".join(problems)
            )
        )
    benef = beneficiary(session)
    logo, signature = images(session)
    image_keys = {"logo": keep_image(session, logo), "signature": keep_image(session, signature)}
    sequences = allocate(session, plan.year, len(plan.receipts))
    progress.start(len(plan.receipts), _("Émission des reçus fiscaux"))
    issued_on = today(clock)
    _check_dates(session, plan, issued_on)
    ids: list[int] = []
    numbers: list[str] = []
    # Pipeline: while worker processes render chunk k, this process builds chunk k+1's
    # documents and stores chunk k-1's receipts (one batch of INSERTs per chunk).
    in_flight: deque[_Chunk] = deque()
    with (
        bulk_journal(session) as journal,
        receipt_renderer().batch(expected=len(plan.receipts), workers=workers) as renderer,
    ):
        for start in range(0, len(plan.receipts), CHUNK):
            chunk = plan.receipts[start : start + CHUNK]
            gifts, contacts = _load_chunk(session, chunk)
            docs = [
                _document(
                    planned,
                    plan,
                    sequence,
                    benef,
                    issued_on,
                    gifts=[gifts[i] for i in planned.gift_ids],
                    contact=contacts[planned.contact_id],
                    image_keys=image_keys,
                )
                for planned, sequence in zip(chunk, sequences[start : start + CHUNK], strict=True)
            ]
            in_flight.append(
                _Chunk(
                    chunk,
                    sequences[start : start + CHUNK],
                    docs,
                    gifts,
                    renderer.submit(docs, logo, signature),
                )
            )
            if len(in_flight) > renderer.workers:
                done = in_flight.popleft()
                _store_chunk(session, done, plan.year, clock, ids, numbers, journal)
                progress.advance(len(done.planned))
            if cancel is not None:
                cancel.raise_if_cancelled()
        while in_flight:
            done = in_flight.popleft()
            _store_chunk(session, done, plan.year, clock, ids, numbers, journal)
            progress.advance(len(done.planned))
            if cancel is not None:
                cancel.raise_if_cancelled()
        journal.add(
            JournalEvent(
                entity="receipt",
                entity_id=None,
                note=_("{count} reçus fiscaux émis pour {year} ({first} à {last})").format(
                    count=len(ids),
                    year=plan.year,
                    first=numbers[0] if numbers else "-",
                    last=numbers[-1] if numbers else "-",
                ),
            )
        )
    return IssueResult(tuple(ids), tuple(numbers), plan.total_cents)


def _check_dates(session: Session, plan: IssuePlan, issued_on: date) -> None:
    """Refuse a plan made for a later day than the receipts' date (LEGAL_FR.md A.4: a
    receipt certifies gifts received on or before its date)."""
    latest = max((r.period_end for r in plan.receipts), default=None)
    if latest is not None and latest > issued_on:
        raise Conflict(
            _(
                "Des dons sont datés du {day}, après la date des reçus ({today}) : préparez "
                "l'émission à nouveau."
            ).format(day=latest.strftime("%d/%m/%Y"), today=issued_on.strftime("%d/%m/%Y"))
        )


def issue_requested_now(
    session: Session, *, contact_id: int, year: int, clock: Clock
) -> tuple[IssuePlan, IssueResult | None]:
    """The receipts a donor who asked for one per gift is waiting for, issued now (after a
    gift is recorded). Nothing is issued when the plan shows a problem: it says which."""
    plan = plan_receipts(
        session,
        year=year,
        mode=ReceiptMode.PER_GIFT,
        contact_ids=[contact_id],
        requested_only=True,
        issued_on=today(clock),
    )
    if plan.organisation_problems or not plan.receipts:
        return plan, None
    return plan, issue(session, plan, clock=clock)


def _load_chunk(
    session: Session, chunk: list[PlannedReceipt]
) -> tuple[dict[int, Gift], dict[int, Contact]]:
    gift_ids = [gid for planned in chunk for gid in planned.gift_ids]
    gifts = {g.id: g for g in session.scalars(select(Gift).where(Gift.id.in_(gift_ids)))}
    missing = [
        planned
        for planned in chunk
        if any(gid not in gifts or gifts[gid].receipt_id is not None for gid in planned.gift_ids)
    ]
    if missing:
        raise Conflict(
            _("Un don de {name} a changé depuis l'aperçu : préparez l'émission à nouveau.").format(
                name=missing[0].donor_name
            )
        )
    contacts = {
        c.id: c
        for c in session.scalars(
            select(Contact)
            .where(Contact.id.in_({p.contact_id for p in chunk}))
            .options(selectinload(Contact.addresses))
        )
    }
    frozen = [p for p in chunk if contacts[p.contact_id].restricted]
    if frozen:
        raise Conflict(
            _(
                "Le traitement des données de {name} a été limité (RGPD) depuis l'aperçu : "
                "préparez l'émission à nouveau."
            ).format(name=frozen[0].donor_name)
        )
    return gifts, contacts


@dataclass
class _Chunk:
    """Receipts being rendered: their plan, documents, gifts and pending digests."""

    planned: list[PlannedReceipt]
    sequences: list[int]
    docs: list[ReceiptDocument]
    gifts: dict[int, Gift]
    digests: PendingDigests


def _store_chunk(
    session: Session,
    chunk: _Chunk,
    year: int,
    clock: Clock,
    ids: list[int],
    numbers: list[str],
    journal: BulkJournal,
) -> None:
    """Insert a rendered chunk's receipts, their lines and gift locks: a few bulk statements.

    The receipt and receipt_line rows are the record of what was issued; the journal gets
    one event per receipt (for the donor's history) and one for the batch.
    """
    issued_at, issued_by = clock.now(), str(session.info.get("user", ""))
    rows = [
        receipt_values(
            doc,
            year=year,
            sequence=sequence,
            digest=digest,
            issued_at=issued_at,
            issued_by=issued_by,
            replaces_id=planned.replaces_id,
        )
        for doc, sequence, digest, planned in zip(
            chunk.docs, chunk.sequences, chunk.digests.result(), chunk.planned, strict=True
        )
    ]
    new_ids = list(
        session.scalars(insert(Receipt).returning(Receipt.id, sort_by_parameter_order=True), rows)
    )
    session.execute(
        insert(ReceiptLine),
        [
            {"receipt_id": receipt_id, "gift_id": line.gift_id, "amount_cents": line.amount_cents}
            for receipt_id, doc in zip(new_ids, chunk.docs, strict=True)
            for line in doc.gifts
        ],
    )
    locks = [
        (chunk.gifts[line.gift_id], receipt_id)
        for receipt_id, doc in zip(new_ids, chunk.docs, strict=True)
        for line in doc.gifts
    ]
    _lock_gifts(session, locks, issued_at)
    for gift, receipt_id in locks:  # keep the loaded gifts in step with the database
        set_committed_value(gift, "receipt_id", receipt_id)
    journal.extend(
        [
            JournalEvent(
                entity="receipt",
                entity_id=receipt_id,
                contact_id=doc.donor.contact_id,
                note=(
                    _("Reçu {new} émis en remplacement du reçu {old} ({reason})").format(
                        new=doc.number, old=doc.replaces_number, reason=_("annulé puis réémis")
                    )
                    if doc.replaces_number
                    else _("Reçu fiscal {number} émis ({amount})").format(
                        number=doc.number, amount=format_eur(doc.total_cents)
                    )
                ),
            )
            for receipt_id, doc in zip(new_ids, chunk.docs, strict=True)
        ],
    )
    ids += new_ids
    numbers += [doc.number for doc in chunk.docs]


def _lock_gifts(session: Session, locks: list[tuple[Gift, int]], now: datetime) -> None:
    """Point each gift at its receipt, only if no other receipt took it meanwhile.

    Two treasurers issuing at once on a shared PostgreSQL database both see the gift free in
    their preview; the second UPDATE waits for the first transaction, then finds the gift
    taken and changes nothing: the batch stops, and nothing of it is kept.
    """
    table = cast(Table, Gift.__table__)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("gift_id"), table.c.receipt_id.is_(None))
        .values(receipt_id=bindparam("new_receipt_id"), updated_at=now),
        [{"gift_id": gift.id, "new_receipt_id": receipt_id} for gift, receipt_id in locks],
    )
    wanted = {gift.id: receipt_id for gift, receipt_id in locks}
    locked = 0
    ids = list(wanted)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(table.c.id, table.c.receipt_id).where(table.c.id.in_(ids[start : start + 500]))
        )
        locked += sum(1 for gift_id, receipt_id in rows if wanted[gift_id] == receipt_id)
    if locked != len(wanted):
        raise Conflict(
            _(
                "Des dons ont été portés sur un autre reçu pendant l'émission (autre poste) : "
                "rien n'a été émis, préparez l'émission à nouveau."
            )
        )


def _document(
    planned: PlannedReceipt,
    plan: IssuePlan,
    sequence: int,
    benef: Beneficiary,
    issued_on: date,
    *,
    gifts: list[Gift],
    contact: Contact,
    image_keys: dict[str, str],
) -> ReceiptDocument:
    gifts = sorted(gifts, key=lambda g: (g.received_on, g.id))
    amounts = tuple(dict(zip(planned.gift_ids, planned.amounts, strict=True))[g.id] for g in gifts)
    return build_document(
        number=format_number(plan.year, sequence),
        kind=planned.kind,
        mode=str(planned.mode),
        issued_on=issued_on,
        benef=benef,
        donor_=donor(contact),
        gifts=gifts,
        amounts=amounts,
        replaces_number=planned.replaces_number,
        image_keys=image_keys,
        company_year_text=company_year(contact, gifts[0].received_on)
        if contact.is_organisation
        else "",
    )
