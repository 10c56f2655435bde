"""Who acts on an open database: log a user in, or act as admin on a single-user laptop."""

from __future__ import annotations

from app.core import users
from app.core.database import Database
from app.errors import PermissionDenied
from app.i18n import _


def login_required(database: Database) -> bool:
    """True when the database has more than one active user (login is then asked)."""
    with database.read() as session:
        return users.active_user_count(session) > 1


def log_in(database: Database, username: str, password: str) -> users.UserInfo:
    """Check the password and make `username` the acting user (journal and role)."""
    with database.read() as session:
        user = users.authenticate(session, username, password)
    database.user = user.username
    database.role = user.role
    return user


def require_login_name(username: str) -> str:
    """The --user value, or a clear refusal when it is missing."""
    if not username:
        raise PermissionDenied(
            _(
                "Cette base a plusieurs utilisateurs : indiquez --user NOM "
                "(mot de passe dans $OBOLE_PASSWORD ou demandé)."
            )
        )
    return username
