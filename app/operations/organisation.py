"""The association's identity and receipt settings (the settings screen), shared by the GUI
and the CLI: read them, and store the logo or signature printed on receipts.

Saving the identity and the receipt settings together is `app.operations.receipts.save_settings`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.core import organisation
from app.core.infrastructure.permissions import Permission
from app.core.infrastructure.storage_errors import storage_message
from app.core.organisation import OrganisationIdentity
from app.core.receipts import settings as receipt_settings
from app.core.receipts.settings import ReceiptSettings
from app.errors import StorageError
from app.i18n import _
from app.operations.base import Change, OperationContext, Outcome, check_permission


@dataclass(frozen=True)
class AssociationSettings:
    """What the settings screen shows."""

    identity: OrganisationIdentity
    receipts: ReceiptSettings


def load_association(ctx: OperationContext) -> Outcome[AssociationSettings]:
    """The stored identity and receipt settings."""
    with ctx.database.read() as session:
        return Outcome(
            AssociationSettings(
                organisation.load_identity(session),
                receipt_settings.load_receipt_settings(session),
            )
        )


def set_receipt_image(ctx: OperationContext, kind: str, path: Path) -> Outcome[str]:
    """Store the logo or the signature (PNG or JPEG) read from `path`; returns the file name."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise StorageError(
            storage_message(exc, path)
            or _("Le fichier {file} n'a pas pu être lu.").format(file=path.name)
        ) from exc
    with ctx.database.write() as session:
        organisation.set_receipt_image(session, kind, data)
    return Outcome(path.name, frozenset({Change.SETTINGS}))
