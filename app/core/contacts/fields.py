"""Derived contact fields kept in the database for fast search and sorting."""

from __future__ import annotations

from collections.abc import Iterable

from app.core.text import fold
from app.models import Contact


def sort_name_for(*, kind: str, last_name: str, first_name: str, organisation_name: str) -> str:
    """Sort key: folded "last first" for people, folded name for organisations."""
    if kind == "organisation":
        return fold(organisation_name)[:220]
    return fold(f"{last_name} {first_name}")[:220]


def search_text_for(parts: Iterable[str]) -> str:
    """Folded concatenation of every searchable value (names, emails, phones, city...)."""
    return " ".join(p for p in (fold(part) for part in parts if part) if p)


def first_name_initials(first_name: str) -> str:
    """Initials of a compound first name: "Jean-Pierre" -> "jp" ("" for a simple name)."""
    words = fold(first_name).split()
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def phone_search_forms(number: str) -> str:
    """The national form of a French E.164 number, so "0612" finds "+33612..."."""
    return number.replace("+33", "0") if number.startswith("+33") else ""


def searchable_parts(contact: Contact) -> list[str]:
    """Values of a contact that search-as-you-type matches."""
    parts = [
        contact.first_name,
        contact.last_name,
        contact.birth_name,
        contact.organisation_name,
        first_name_initials(contact.first_name),
        *(e.email for e in contact.emails),
        *(p.number for p in contact.phones),
        *(phone_search_forms(p.number) for p in contact.phones),
    ]
    for address in contact.addresses:
        parts += [address.postcode, address.city]
    return parts


def refresh_derived_fields(contact: Contact) -> None:
    """Recompute `sort_name` and `search_text` after the contact or its parts changed."""
    contact.sort_name = sort_name_for(
        kind=str(contact.kind),
        last_name=contact.last_name,
        first_name=contact.first_name,
        organisation_name=contact.organisation_name,
    )
    contact.search_text = search_text_for(searchable_parts(contact))
