"""Data quality: completeness, invalid details, NF Z10-011 problems, NPAI, consents, duplicates.
Every metric carries the ids of the contacts concerned, so a click shows them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.core.contacts.postal import AddressParts, address_problems
from app.core.contacts.validation import check_phone
from app.i18n import N_
from app.models import ConsentEvent, Contact, ContactEmail, ContactPhone, PostalAddress
from app.models.enums import ContactStatus

EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
E164_FR = re.compile(r"^\+33[1-9]\d{8}$")


@dataclass(frozen=True)
class Metric:
    """One line of the quality report."""

    key: str
    label: str
    count: int
    total: int
    contact_ids: tuple[int, ...]

    @property
    def share(self) -> float:
        """count / total."""
        return self.count / self.total if self.total else 0.0


def _active(session: Session) -> list[int]:
    return list(session.scalars(select(Contact.id).where(Contact.status == ContactStatus.ACTIVE)))


def quality_report(
    session: Session, *, duplicates: Callable[[Session], list[int]] | None = None
) -> list[Metric]:
    """Every metric (duplicates only when a provider is given: it is a full scan)."""
    active = _active(session)
    total = len(active)
    active_set = set(active)

    def ids(query) -> tuple[int, ...]:  # type: ignore[no-untyped-def]
        return tuple(sorted(i for i in session.scalars(query) if i in active_set))

    no_email = ids(select(Contact.id).where(~exists().where(ContactEmail.contact_id == Contact.id)))
    no_phone = ids(select(Contact.id).where(~exists().where(ContactPhone.contact_id == Contact.id)))
    no_address = ids(
        select(Contact.id).where(~exists().where(PostalAddress.contact_id == Contact.id))
    )
    no_birth = ids(select(Contact.id).where(Contact.birth_date.is_(None), Contact.kind == "person"))
    bad_email = tuple(
        sorted(
            {
                c
                for c, e, bounced in session.execute(
                    select(ContactEmail.contact_id, ContactEmail.email, ContactEmail.invalid_on)
                )
                if c in active_set and (not EMAIL_SHAPE.match(e) or bounced is not None)
            }
        )
    )
    bad_phone = tuple(
        sorted(
            {
                c
                for c, p in session.execute(select(ContactPhone.contact_id, ContactPhone.number))
                if c in active_set and not E164_FR.match(p) and not check_phone(p).ok
            }
        )
    )
    bad_address = tuple(
        sorted(
            {
                a.contact_id
                for a in session.scalars(select(PostalAddress))
                if a.contact_id in active_set
                and address_problems(
                    AddressParts(
                        "", a.line2, a.line3, a.line4, a.line5, a.postcode, a.city, a.country
                    )
                )
            }
        )
    )
    incomplete = tuple(
        sorted(
            {
                c
                for c, *parts in session.execute(
                    select(
                        PostalAddress.contact_id,
                        PostalAddress.line4,
                        PostalAddress.line5,
                        PostalAddress.postcode,
                        PostalAddress.city,
                        PostalAddress.country,
                    ).where(PostalAddress.is_primary)
                )
                if c in active_set and address_incomplete(*parts)
            }
        )
    )
    npai = ids(select(PostalAddress.contact_id).where(PostalAddress.npai))
    no_consent = ids(
        select(Contact.id).where(~exists().where(ConsentEvent.contact_id == Contact.id))
    )
    metrics = [
        Metric("no_email", N_("Sans courriel"), len(no_email), total, no_email),
        Metric("no_phone", N_("Sans téléphone"), len(no_phone), total, no_phone),
        Metric("no_address", N_("Sans adresse postale"), len(no_address), total, no_address),
        Metric("no_birth_date", N_("Sans date de naissance"), len(no_birth), total, no_birth),
        Metric("invalid_email", N_("Courriels invalides"), len(bad_email), total, bad_email),
        Metric("invalid_phone", N_("Téléphones invalides"), len(bad_phone), total, bad_phone),
        Metric(
            "bad_address",
            N_("Adresses hors norme NF Z10-011"),
            len(bad_address),
            total,
            bad_address,
        ),
        Metric(
            "incomplete_address",
            N_("Adresses incomplètes (gardées telles quelles, non postables)"),
            len(incomplete),
            total,
            incomplete,
        ),
        Metric("npai", N_("Adresses NPAI"), len(npai), total, npai),
        Metric(
            "no_consent",
            N_("Sans aucun consentement enregistré"),
            len(no_consent),
            total,
            no_consent,
        ),
    ]
    if duplicates is not None:
        found = tuple(sorted(duplicates(session)))
        metrics.append(Metric("duplicates", N_("Doublons probables"), len(found), total, found))
    return metrics


def address_incomplete(street: str, place: str, postcode: str, city: str, country: str) -> bool:
    """No street nor lieu-dit, no town, no postcode, or no country (a foreign postcode)."""
    return not (street or place).strip() or not city.strip() or not postcode.strip() or not country


def duplicate_ids(session: Session) -> list[int]:
    """Contacts in a probable duplicate group (full scan)."""
    from app.core.dedupe.scan import scan

    return sorted({i for group in scan(session) for i in group.member_ids})
