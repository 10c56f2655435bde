"""Erasure (Art. 17): anonymise a contact while keeping what the law requires to keep.

Erased: identity, postal addresses, e-mails, phones, notes, tags, and the personal values in
the journal; the same for the duplicate records merged into the contact, and the copies kept
to undo those merges and the imports that changed the contact (they can no longer be
undone). Kept, for the legal period (Art. 17(3)(b), LPF L.102 E: 6 years): gift dates and
amounts and the issued receipts (number, amounts, snapshot and fingerprint), because the
tax office may check them; the consent history (proof of lawful processing) without
identity. A salted hash of the identity prevents the person from being imported again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.core.contacts.fields import refresh_derived_fields
from app.core.gdpr.erased_identities import identity_hashes
from app.core.gdpr.restriction import BYPASS_KEY
from app.core.infrastructure.journal import record_event
from app.core.infrastructure.permissions import Permission, require
from app.errors import Conflict, NotFound
from app.i18n import _
from app.models import (
    AuditEvent,
    ConsentEvent,
    Contact,
    ContactEmail,
    ErasedIdentity,
    Gift,
    ImportBatch,
    MergeRecord,
    Receipt,
    ReceiptDelivery,
    RegularGiftPlan,
    SepaMandate,
    contact_tags,
)
from app.models.enums import ContactStatus, MandateStatus, PlanStatus

SCRUBBED = "[effacé]"
ERASED_KEY = "erased"  # a merge record whose before-state was erased (no undo)


@dataclass(frozen=True)
class ErasurePreview:
    """What will be erased and what is kept, with the reason."""

    contact_id: int
    name: str
    erased: tuple[str, ...]
    kept: tuple[tuple[str, str], ...]  # (what, why)


def preview_erasure(session: Session, contact_id: int) -> ErasurePreview:
    """Say exactly what erasure will do to this contact."""
    contact = _contact(session, contact_id)
    gifts = session.scalar(select(func.count(Gift.id)).where(Gift.contact_id == contact_id)) or 0
    receipts = (
        session.scalar(select(func.count(Receipt.id)).where(Receipt.contact_id == contact_id)) or 0
    )
    consents = (
        session.scalar(
            select(func.count(ConsentEvent.id)).where(ConsentEvent.contact_id == contact_id)
        )
        or 0
    )
    journal = (
        session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.contact_id == contact_id))
        or 0
    )
    erased = (
        _("identité : {name}").format(name=contact.display_name),
        _("{n} adresse(s) postale(s)").format(n=len(contact.addresses)),
        _("{n} courriel(s)").format(n=len(contact.emails)),
        _("{n} téléphone(s)").format(n=len(contact.phones)),
        _("notes, date de naissance, étiquettes"),
        _("valeurs personnelles dans {n} ligne(s) du journal").format(n=journal),
        _(
            "{n} fiche(s) en double fusionnée(s) dans ce contact, et les copies gardées pour "
            "annuler ces fusions et les imports qui l'ont modifié"
        ).format(n=len(_absorbed(session, contact_id))),
    )
    kept = (
        (
            _("{n} don(s) : dates, montants, modes de paiement").format(n=gifts),
            _(
                "pièces comptables et justificatifs des reçus fiscaux, à conserver 6 ans (LPF "
                "L.102 E ; RGPD art. 17.3.b)"
            ),
        ),
        (
            _("{n} reçu(s) fiscal(aux) émis : numéro, montant, contenu et empreinte").format(
                n=receipts
            ),
            _("documents fiscaux à présenter en cas de contrôle (LPF L.14 A), conservés 6 ans"),
        ),
        (
            _(
                "{n} événement(s) de consentement (canal, date, statut), sans identité ni texte"
            ).format(n=consents),
            _("preuve de la licéité des envois passés (RGPD art. 7.1)"),
        ),
        (
            _("empreinte salée de l'identité"),
            _("empêcher que la personne soit réimportée (aucune donnée lisible n'est gardée)"),
        ),
        (
            _("copies complètes de la fiche dans les sauvegardes déjà faites"),
            _(
                "les sauvegardes sont des copies entières de la base ; elles sont supprimées "
                "par la rotation (5 semaines au plus). Une restauration ramènerait ces "
                "données : refaites alors l'effacement"
            ),
        ),
    )
    return ErasurePreview(contact.id, contact.display_name, erased, kept)


def _contact(session: Session, contact_id: int) -> Contact:
    contact = session.get(Contact, contact_id)
    if contact is None or contact.status == ContactStatus.MERGED:
        raise NotFound(_("Contact {id} introuvable.").format(id=contact_id))
    if contact.status == ContactStatus.ANONYMISED:
        raise Conflict(_("Le contact {id} est déjà anonymisé.").format(id=contact_id))
    return contact


def anonymise(
    session: Session, contact_id: int, *, clock: Clock, request_id: int | None = None
) -> None:
    """Erase the personal data of a contact (see module docstring for what is kept)."""
    require(session, Permission.GDPR_MANAGE)
    contact = _contact(session, contact_id)
    session.info[BYPASS_KEY] = True
    try:
        _remember(session, contact, clock, request_id)
        absorbed = _absorbed(session, contact_id)
        for duplicate in absorbed:
            _remember(session, duplicate, clock, request_id)
            _scrub_contact(session, duplicate, clock, status=ContactStatus.MERGED)
        _scrub_contact(session, contact, clock)
        everyone = [contact_id, *(c.id for c in absorbed)]
        session.execute(delete(contact_tags).where(contact_tags.c.contact_id.in_(everyone)))
        session.flush()
        session.execute(
            update(AuditEvent)
            .where(AuditEvent.contact_id.in_(everyone))
            .values(old=None, new=None, note=SCRUBBED)
        )
        _forget_undo_copies(session, set(everyone))
        session.execute(update(Gift).where(Gift.contact_id == contact_id).values(notes=""))
        _erase_bank_details(session, everyone, clock)
        session.execute(
            update(ConsentEvent)
            .where(ConsentEvent.contact_id == contact_id)
            .values(proof_text="", source=SCRUBBED)
        )
        receipt_ids = select(Receipt.id).where(Receipt.contact_id == contact_id)
        session.execute(
            update(ReceiptDelivery)
            .where(ReceiptDelivery.receipt_id.in_(receipt_ids))
            .values(recipient=SCRUBBED)
        )
        record_event(
            session,
            entity="contact",
            entity_id=contact_id,
            contact_id=contact_id,
            note=_("Données personnelles effacées (RGPD art. 17)"),
        )
        session.flush()
    finally:
        session.info.pop(BYPASS_KEY, None)


def _erase_bank_details(session: Session, contact_ids: list[int], clock: Clock) -> None:
    """Account numbers go with the person: mandates are revoked and blanked, plans ended.

    The mandate reference (RUM) and the debits stay, as the record of the gifts received.
    """
    day = clock.now().date()
    mandates = select(SepaMandate.id).where(SepaMandate.contact_id.in_(contact_ids))
    session.execute(
        update(RegularGiftPlan)
        .where(RegularGiftPlan.mandate_id.in_(mandates), RegularGiftPlan.status != PlanStatus.ENDED)
        .values(status=PlanStatus.ENDED, ends_on=day)
    )
    session.execute(
        update(SepaMandate)
        .where(SepaMandate.contact_id.in_(contact_ids))
        .values(iban="", bic="", holder=SCRUBBED, status=MandateStatus.REVOKED)
    )


def _remember(session: Session, contact: Contact, clock: Clock, request_id: int | None) -> None:
    """Salted hashes of the identity, so the person is not imported again."""
    emails: list[ContactEmail | None] = [*contact.emails] or [None]
    for email in emails:
        for digest in identity_hashes(
            session,
            first_name=contact.first_name or contact.organisation_name,
            last_name=contact.last_name,
            birth_date=contact.birth_date,
            email=email.email if email else "",
        ):
            if (
                session.scalar(
                    select(ErasedIdentity.id).where(ErasedIdentity.identity_hash == digest)
                )
                is None
            ):
                session.add(
                    ErasedIdentity(
                        identity_hash=digest, erased_at=clock.now(), request_id=request_id
                    )
                )
                session.flush()


def _absorbed(session: Session, contact_id: int) -> list[Contact]:
    """The duplicate records merged into this contact, directly or through earlier merges."""
    found: list[Contact] = []
    frontier = [contact_id]
    while frontier:
        merged = list(session.scalars(select(Contact).where(Contact.merged_into_id.in_(frontier))))
        found += merged
        frontier = [c.id for c in merged]
    return found


def _forget_undo_copies(session: Session, contact_ids: set[int]) -> None:
    """Drop the personal data kept to undo merges and imports involving these contacts."""
    for record in session.scalars(select(MergeRecord)):  # merged_ids is a JSON list
        if record.survivor_id in contact_ids or contact_ids & set(record.merged_ids or []):
            record.before_state = {ERASED_KEY: True}
    keys = {str(i) for i in contact_ids}
    for batch in session.scalars(select(ImportBatch)):
        report = batch.report or {}
        before, added = report.get("before", {}), report.get("added", [])
        if keys & set(before) or any(entry[1] in contact_ids for entry in added):
            batch.report = {
                **report,
                "before": {k: v for k, v in before.items() if k not in keys},
                "added": [entry for entry in added if entry[1] not in contact_ids],
            }


def _scrub_contact(
    session: Session,
    contact: Contact,
    clock: Clock,
    *,
    status: ContactStatus = ContactStatus.ANONYMISED,
) -> None:
    contact.emails.clear()
    contact.phones.clear()
    contact.addresses.clear()
    for name in (
        "civility",
        "first_name",
        "birth_name",
        "legal_form",
        "notes",
        "restricted_reason",
    ):
        setattr(contact, name, "")
    contact.last_name = (
        _("Anonyme {id}").format(id=contact.id) if not contact.is_organisation else ""
    )
    contact.organisation_name = (
        _("Organisation anonymisée {id}").format(id=contact.id) if contact.is_organisation else ""
    )
    contact.birth_date = None
    contact.restricted = False
    contact.status = status
    contact.anonymised_at = clock.now()
    session.flush()
    refresh_derived_fields(contact)
    contact.search_text = ""
