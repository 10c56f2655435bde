"""Who may act: the users of a database (administrator) and the login, shared by the GUI and
the CLI. The rules (last administrator kept, passwords hashed, failed logins journaled and
slowed down) live in app.core.access; these functions give each action its unit of work.
"""

from __future__ import annotations

from app.core.access import session_login, users
from app.core.access.users import UserInfo
from app.core.infrastructure.permissions import Permission
from app.operations.base import Change, OperationContext, Outcome, check_permission

USERS_CHANGED = frozenset({Change.USERS})


def list_users(ctx: OperationContext) -> Outcome[list[UserInfo]]:
    """Every user, active or not."""
    with ctx.database.read() as session:
        return Outcome(users.list_users(session))


def add_user(
    ctx: OperationContext, username: str, *, role: str, password: str, display_name: str = ""
) -> Outcome[UserInfo]:
    """Create a user with a role and a password (administrator)."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        created = users.create_user(
            session, username, role=role, password=password, display_name=display_name
        )
        return Outcome(created, USERS_CHANGED)


def change_password(ctx: OperationContext, username: str, password: str) -> Outcome[None]:
    """Set a user's password (administrator, or the user for their own)."""
    with ctx.database.write() as session:
        users.set_password(session, username, password, acting_user=ctx.database.user)
    return Outcome(None, USERS_CHANGED)


def deactivate_user(ctx: OperationContext, username: str) -> Outcome[UserInfo]:
    """Deactivate a user (the last administrator is kept)."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        return Outcome(users.deactivate_user(session, username), USERS_CHANGED)


def log_in(ctx: OperationContext, username: str, password: str) -> Outcome[UserInfo]:
    """Check the password; the database then acts as that user (journal and role)."""
    return Outcome(session_login.log_in(ctx.database, username, password))
