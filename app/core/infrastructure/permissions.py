"""Roles and permissions, enforced in the core (the GUI and the CLI both obey them).

Roles are cumulative: a treasurer may do what a volunteer does, a DPO what a treasurer
does, an admin everything. The acting role travels in `session.info["role"]` (set by
`Database.role`); a database without users is a single-user laptop and acts as admin.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.orm import Session

from app.errors import PermissionDenied
from app.i18n import N_, _
from app.models.enums import Role

ROLE_ORDER = (Role.VOLUNTEER, Role.TREASURER, Role.DPO, Role.ADMIN)
ROLE_LABELS = {
    Role.VOLUNTEER: N_("Bénévole"),
    Role.TREASURER: N_("Trésorier"),
    Role.DPO: N_("Délégué à la protection des données"),
    Role.ADMIN: N_("Administrateur"),
}


class Permission(StrEnum):
    """What a service may require before acting."""

    CONTACTS_READ = "contacts.read"
    CONTACTS_WRITE = "contacts.write"  # contacts, addresses, tags, consents, merges
    GIFTS_WRITE = "gifts.write"  # gifts, deposit slips, gift imports
    RECEIPTS_ISSUE = "receipts.issue"  # issue, cancel, replace, send receipts
    GDPR_MANAGE = "gdpr.manage"  # register, requests, exports, anonymisation, retention
    SETTINGS_WRITE = "settings.write"  # organisation identity, SMTP, users
    BACKUP_RESTORE = "backup.restore"


MINIMUM_ROLE: dict[Permission, Role] = {
    Permission.CONTACTS_READ: Role.VOLUNTEER,
    Permission.CONTACTS_WRITE: Role.VOLUNTEER,
    Permission.GIFTS_WRITE: Role.TREASURER,
    Permission.RECEIPTS_ISSUE: Role.TREASURER,
    Permission.GDPR_MANAGE: Role.DPO,
    Permission.SETTINGS_WRITE: Role.ADMIN,
    Permission.BACKUP_RESTORE: Role.ADMIN,
}
PERMISSION_LABELS = {
    Permission.CONTACTS_READ: N_("consulter les contacts"),
    Permission.CONTACTS_WRITE: N_("modifier les contacts et les consentements"),
    Permission.GIFTS_WRITE: N_("saisir ou modifier des dons"),
    Permission.RECEIPTS_ISSUE: N_("émettre ou annuler des reçus fiscaux"),
    Permission.GDPR_MANAGE: N_("gérer le RGPD (registre, demandes, exports, anonymisation)"),
    Permission.SETTINGS_WRITE: N_("modifier les paramètres et les utilisateurs"),
    Permission.BACKUP_RESTORE: N_("restaurer une sauvegarde"),
}


def role_allows(role: Role | str, permission: Permission) -> bool:
    """True when `role` has `permission`."""
    return ROLE_ORDER.index(Role(role)) >= ROLE_ORDER.index(MINIMUM_ROLE[permission])


def acting_role(session: Session) -> Role:
    """The role of whoever acts in this session (admin when none is set)."""
    return Role(session.info.get("role") or Role.ADMIN)


def require_role(role: Role | str, permission: Permission) -> None:
    """Raise PermissionDenied unless `role` has `permission`."""
    role = Role(role)
    if not role_allows(role, permission):
        raise PermissionDenied(
            _("Votre rôle ({role}) ne permet pas de {action}.").format(
                role=_(ROLE_LABELS[role]), action=_(PERMISSION_LABELS[permission])
            )
        )


def require(session: Session, permission: Permission) -> None:
    """Raise PermissionDenied unless the acting role has `permission`."""
    require_role(acting_role(session), permission)
