"""Who acts on an open database: log a user in, or act as the OS user on a single-user laptop.

- With more than one active user a login is required. A `--user` name is always checked:
  an unknown or inactive name is refused, never written to the journal unverified.
- Without a login the journal names the real person: the operating-system account
  (``os:<login>``), not a free-text name.
- Every failed password is journaled (field ``login-failed``). After two failures in the
  last 15 minutes, attempts for that name are refused for a delay that doubles with each
  further failure (1 s, 2 s, 4 s... up to 60 s): 30 guesses take about 25 minutes
  instead of 40 seconds, while a typo costs nothing.
- Roles are data in the database file: someone who can open the file can change them.
  `roles_changed_outside` compares each user's role with the role the journal recorded
  for them; a change made outside Obole (no journal row) is reported at login.
"""

from __future__ import annotations

import getpass
import json
import logging
import math
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.core.access import users
from app.core.infrastructure.database import Database
from app.errors import AppError, PermissionDenied
from app.i18n import _
from app.models.audit import AuditEvent
from app.models.enums import AuditAction, Role
from app.models.user import User

logger = logging.getLogger(__name__)

FAILED_FIELD = "login-failed"
RESET_FIELD = "login-ok"
FAILURE_WINDOW = timedelta(minutes=15)
FIRST_DELAY_SECONDS, MAX_DELAY_SECONDS = 1.0, 60.0
FREE_FAILURES = 2


def os_identity() -> str:
    """The operating-system account running Obole, as written in the journal."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no login name in the environment nor in passwd
        name = "?"
    return f"os:{name}"[:80]


def login_required(database: Database) -> bool:
    """True when the database has more than one active user (login is then asked)."""
    with database.read() as session:
        return users.active_user_count(session) > 1


def delay_after(failures: int) -> float:
    """Seconds that must pass after the last of `failures` recent failures.

    Two mistakes cost nothing (a typo); then 1 s, 2 s, 4 s... up to 60 s.
    """
    if failures <= FREE_FAILURES:
        return 0.0
    return float(min(FIRST_DELAY_SECONDS * 2 ** (failures - FREE_FAILURES - 1), MAX_DELAY_SECONDS))


def recent_failures(session: Session, username: str, *, now: datetime) -> tuple[int, datetime]:
    """(failed logins for `username` in the last 15 minutes since its last success, when
    the last one happened)."""
    since = now - FAILURE_WINDOW
    last_ok = session.scalar(
        select(func.max(AuditEvent.at)).where(
            AuditEvent.field == RESET_FIELD, AuditEvent.new == username, AuditEvent.at > since
        )
    )
    count, last = session.execute(
        select(func.count(), func.max(AuditEvent.at)).where(
            AuditEvent.field == FAILED_FIELD,
            AuditEvent.new == username,
            AuditEvent.at > (last_ok or since),
        )
    ).one()
    return int(count or 0), last or since


def log_in(database: Database, username: str, password: str) -> users.UserInfo:
    """Check the password and make `username` the acting user (journal and role).

    Every failure is journaled; after a failure the next attempt for that name is refused
    until a delay has passed, doubling with each failure (no password is checked then).
    Nothing sleeps: the GUI stays responsive and a script simply gets refused.
    """
    now = database.clock.now()
    with database.read() as session:
        failures, last = recent_failures(session, username, now=now)
    wait = delay_after(failures) - (now - last).total_seconds()
    if wait > 0:
        raise PermissionDenied(
            _("Trop de mots de passe erronés pour {name} : réessayez dans {n} s.").format(
                name=username, n=math.ceil(wait)
            )
        )
    try:
        with database.read() as session:
            user = users.authenticate(session, username, password)
    except PermissionDenied:
        _journal_login(database, username, FAILED_FIELD, _("Échec de connexion de {name}."))
        raise
    if failures:
        _journal_login(database, username, RESET_FIELD, _("Connexion de {name} réussie."))
    database.user = user.username
    database.role = user.role
    return user


def _journal_login(database: Database, username: str, field: str, note: str) -> None:
    """A journal row for a login attempt, written as the OS user (best effort)."""
    acting = database.user
    database.user = os_identity()
    try:
        with database.write() as session:
            user_id = session.scalar(select(User.id).where(User.username == username))
            session.add(
                AuditEvent(
                    at=database.clock.now(),
                    user=database.user,
                    action=AuditAction.EVENT,
                    entity="user",
                    entity_id=user_id,
                    field=field,
                    new=username,
                    note=note.format(name=username),
                )
            )
    except (AppError, SQLAlchemyError) as exc:  # a read-only database still refuses the login
        logger.info("login attempt not journaled: %s", exc)
    finally:
        database.user = acting


def identify(database: Database, username: str, password: Callable[[], str]) -> str:
    """Set who acts: the named user (password checked) or, without a name, the OS user.

    `password` is called only when a password must be checked. Returns the journal name.
    """
    if not username:
        if login_required(database):
            require_login_name(username)
        database.user = os_identity()
        return database.user
    with database.read() as session:
        known = session.scalar(select(User).where(User.username == username, User.active))
        has_password = known is not None and bool(known.password_hash)
    if known is None:
        raise PermissionDenied(
            _("Utilisateur inconnu ou désactivé : {name}.").format(name=username)
        )
    if has_password or login_required(database):
        log_in(database, username, password())
    else:  # an account without a password, on a single-user database
        database.user = username
        database.role = str(Role(known.role))
    return database.user


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


# --- roles changed outside Obole ---------------------------------------------------------------


def journaled_role(session: Session, user_id: int) -> str | None:
    """The role the journal last recorded for a user (None: no journal row at all)."""
    update = session.scalar(
        select(AuditEvent.new)
        .where(
            AuditEvent.entity == "user",
            AuditEvent.entity_id == user_id,
            AuditEvent.action == AuditAction.UPDATE,
            AuditEvent.field == "role",
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if update is not None:
        return update
    created = session.scalar(
        select(AuditEvent.new).where(
            AuditEvent.entity == "user",
            AuditEvent.entity_id == user_id,
            AuditEvent.action == AuditAction.CREATE,
        )
    )
    if created is None:
        return None
    try:
        return str(json.loads(created).get("role"))
    except (ValueError, AttributeError):
        return None


def roles_changed_outside(session: Session) -> list[str]:
    """A message per user whose role differs from the journal (changed outside Obole)."""
    messages = []
    for user in session.scalars(select(User).order_by(User.username)):
        role = str(Role(user.role))
        recorded = journaled_role(session, user.id)
        if recorded != role:
            messages.append(
                _(
                    "Attention : le rôle de {name} ({role}) ne correspond pas au journal "
                    "({recorded}) : il a été modifié hors d'Obole, directement dans le "
                    "fichier de la base. Vérifiez les utilisateurs."
                ).format(name=user.username, role=role, recorded=recorded or _("aucune trace"))
            )
    return messages


def role_warnings(database: Database) -> list[str]:
    """`roles_changed_outside` on an open database (also written to the log)."""
    with database.read() as session:
        messages = roles_changed_outside(session)
    for message in messages:
        logger.info("%s", message)
    return messages
