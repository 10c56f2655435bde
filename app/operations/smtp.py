"""The association's SMTP settings (receipts and appeals by e-mail), shared by the GUI and the
CLI: read them, test a connection, save them. The password lives outside the database."""

from __future__ import annotations

from app.core.infrastructure.permissions import Permission
from app.core.receipts import mailing
from app.core.receipts.mailing import Connector, SmtpSettings
from app.operations.base import Change, OperationContext, Outcome, check_permission


def load_smtp(ctx: OperationContext) -> Outcome[SmtpSettings]:
    """The stored settings (defaults when never set)."""
    with ctx.database.read() as session:
        return Outcome(mailing.load_settings(session))


def check_smtp(
    ctx: OperationContext, settings: SmtpSettings, *, connector: Connector = mailing.connect
) -> Outcome[None]:
    """Connect and log in with `settings`, then leave (raises with the reason)."""
    mailing.check_connection(settings, connector=connector)
    return Outcome(None)


def save_smtp(ctx: OperationContext, settings: SmtpSettings) -> Outcome[None]:
    """Validate and store the settings (administrator); nothing is saved if one is wrong."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        mailing.save_settings(session, settings)
    return Outcome(None, frozenset({Change.SETTINGS}))
