"""User accounts: create, update, deactivate, authenticate (argon2id hashes); admin only.

The last active admin can be neither deactivated nor demoted, so a database always has
someone who can manage users.
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.infrastructure.journal import record_event
from app.core.infrastructure.permissions import Permission, require
from app.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.i18n import _
from app.models.enums import Role
from app.models.user import User

_HASHER = PasswordHasher()  # argon2id with the library's recommended parameters
MIN_PASSWORD_LENGTH = 8


@dataclass(frozen=True)
class UserInfo:
    """A user as shown in lists (never the hash)."""

    id: int
    username: str
    display_name: str
    role: str
    active: bool
    has_password: bool


def hash_password(password: str) -> str:
    """An argon2id hash of `password`."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            _("Le mot de passe doit compter au moins {n} caractères.").format(
                n=MIN_PASSWORD_LENGTH
            ),
            field="password",
        )
    return _HASHER.hash(password)


def _info(user: User) -> UserInfo:
    return UserInfo(
        user.id,
        user.username,
        user.display_name,
        str(Role(user.role)),
        user.active,
        bool(user.password_hash),
    )


def list_users(session: Session) -> list[UserInfo]:
    """Every user, by username."""
    return [_info(u) for u in session.scalars(select(User).order_by(User.username))]


def active_user_count(session: Session) -> int:
    """How many active users exist (login is asked when more than one)."""
    return int(session.scalar(select(func.count()).select_from(User).where(User.active)) or 0)


def _get(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(_("Utilisateur introuvable : {name}.").format(name=username))
    return user


def create_user(
    session: Session, username: str, *, role: Role | str, password: str, display_name: str = ""
) -> UserInfo:
    """Add a user (admin only)."""
    require(session, Permission.SETTINGS_WRITE)
    username = username.strip()
    if not username:
        raise ValidationError(_("Le nom d'utilisateur est obligatoire."), field="username")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(_("L'utilisateur {name} existe déjà.").format(name=username))
    user = User(
        username=username,
        display_name=display_name or username,
        role=Role(role),
        password_hash=hash_password(password),
        active=True,
    )
    session.add(user)
    session.flush()
    return _info(user)


def update_user(
    session: Session,
    username: str,
    *,
    role: Role | str | None = None,
    display_name: str | None = None,
    active: bool | None = None,
) -> UserInfo:
    """Change a user's role, name or active flag (admin only; keeps one active admin)."""
    require(session, Permission.SETTINGS_WRITE)
    user = _get(session, username)
    loses_admin = (
        user.active
        and Role(user.role) == Role.ADMIN
        and ((role is not None and Role(role) != Role.ADMIN) or active is False)
    )
    if loses_admin and _active_admins(session) <= 1:
        raise Conflict(
            _(
                "{name} est le dernier administrateur actif : nommez d'abord un "
                "autre administrateur."
            ).format(name=username)
        )
    if role is not None:
        user.role = Role(role)
    if display_name is not None:
        user.display_name = display_name
    if active is not None:
        user.active = active
    session.flush()
    return _info(user)


def deactivate_user(session: Session, username: str) -> UserInfo:
    """Deactivate a user (kept for the journal, can no longer log in)."""
    return update_user(session, username, active=False)


def set_password(session: Session, username: str, password: str, *, acting_user: str = "") -> None:
    """Set a password: admins for anyone, every user for themselves."""
    if acting_user != username:
        require(session, Permission.SETTINGS_WRITE)
    user = _get(session, username)
    user.password_hash = hash_password(password)
    session.flush()
    record_event(  # the hash itself is never journaled, the change is
        session,
        entity="user",
        entity_id=user.id,
        note=_("Mot de passe de {name} changé.").format(name=username),
    )


def _active_admins(session: Session) -> int:
    query = select(func.count()).select_from(User).where(User.active, User.role == Role.ADMIN)
    return int(session.scalar(query) or 0)


def authenticate(session: Session, username: str, password: str) -> UserInfo:
    """Check a password; return the user or raise PermissionDenied (same message for all)."""
    user = session.scalar(select(User).where(User.username == username, User.active))
    refused = PermissionDenied(_("Nom d'utilisateur ou mot de passe incorrect."))
    if user is None or not user.password_hash:
        raise refused
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        raise refused from None
    return _info(user)
