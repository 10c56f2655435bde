"""Salted hashes of erased people, so that an import does not bring them back (GDPR Art. 17).

The salt is random per database (kept in the `setting` table), so the hashes cannot be
matched against another association's list. The hash covers the folded name and, when
known, the birth date; the e-mail address gets its own hash.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.text import fold
from app.models import ErasedIdentity, Setting

SALT_KEY = "gdpr.erasure_salt"


def _salt(session: Session) -> str:
    setting = session.get(Setting, SALT_KEY)
    if setting is None:
        setting = Setting(key=SALT_KEY, value=secrets.token_hex(16))
        session.add(setting)
        session.flush()
    return str(setting.value)


def identity_hashes(
    session: Session,
    *,
    first_name: str,
    last_name: str,
    birth_date: date | None = None,
    email: str = "",
) -> list[str]:
    """The hashes that identify a person: name (+ birth date) and e-mail when given."""
    salt = _salt(session)
    keys = [
        f"name:{fold(first_name)}|{fold(last_name)}|{birth_date.isoformat() if birth_date else ''}"
    ]
    if email.strip():
        keys.append(f"email:{email.strip().lower()}")
    return [hashlib.sha256(f"{salt}:{key}".encode()).hexdigest() for key in keys]


def is_erased(
    session: Session,
    *,
    first_name: str,
    last_name: str,
    birth_date: date | None = None,
    email: str = "",
) -> bool:
    """True when this person (by name+birth date, or by e-mail) was erased before."""
    if session.scalar(select(ErasedIdentity.id).limit(1)) is None:
        return False  # nobody was ever erased: no salt to create, nothing to compare
    hashes = identity_hashes(
        session, first_name=first_name, last_name=last_name, birth_date=birth_date, email=email
    )
    return (
        session.scalar(select(ErasedIdentity.id).where(ErasedIdentity.identity_hash.in_(hashes)))
        is not None
    )
