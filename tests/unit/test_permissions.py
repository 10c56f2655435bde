"""Permissions are enforced in the core, whatever the front end."""

from __future__ import annotations

import pytest

from app.core.infrastructure.database import Database
from app.core.infrastructure.permissions import Permission, role_allows
from app.core.organisation import OrganisationIdentity, save_identity
from app.errors import PermissionDenied
from app.models.enums import Role


@pytest.mark.parametrize(
    ("role", "permission", "allowed"),
    [
        (Role.VOLUNTEER, Permission.CONTACTS_WRITE, True),
        (Role.VOLUNTEER, Permission.GIFTS_WRITE, False),
        (Role.TREASURER, Permission.RECEIPTS_ISSUE, True),
        (Role.TREASURER, Permission.GDPR_MANAGE, False),
        (Role.DPO, Permission.GDPR_MANAGE, True),
        (Role.DPO, Permission.SETTINGS_WRITE, False),
        (Role.ADMIN, Permission.SETTINGS_WRITE, True),
    ],
)
def test_roles_are_cumulative(role: Role, permission: Permission, allowed: bool) -> None:
    assert role_allows(role, permission) is allowed


def test_a_volunteer_cannot_change_the_organisation_settings(db: Database) -> None:
    db.role = Role.VOLUNTEER
    with pytest.raises(PermissionDenied, match="Bénévole"), db.write() as session:
        save_identity(session, OrganisationIdentity(name="X"))
