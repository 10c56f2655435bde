"""The operations the GUI's forms run through its runner (headless, real SQLite):
contact file and save, deposit slips, the dashboard's overview, users and login."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from app.core.access import users
from app.core.contacts.editing import ContactDraft, draft_from_contact
from app.core.gifts.deposit_slips import DepositSlip, SlipLine
from app.core.infrastructure.database import Database
from app.errors import PermissionDenied, ValidationError
from app.models import Contact
from app.models.enums import Channel, ConsentStatus, PaymentMethod
from app.operations import access, contacts, dashboard, deposit_slips
from app.operations.base import Change, OperationContext
from tests.factories import make_contact, make_gift


def _ctx(db: Database) -> OperationContext:
    return OperationContext(db)


def _person(db: Database) -> int:
    with db.write() as session:
        contact = make_contact(session, "Moreau")
        make_gift(session, contact, date(2026, 2, 1), 3000)
        return contact.id


def test_the_contact_file_carries_every_tab_and_the_pressure(db: Database) -> None:
    contact_id = _person(db)
    contacts.record_consent(
        _ctx(db), contact_id, channel=Channel.EMAIL, status=ConsentStatus.GRANTED, source="web"
    )
    loaded = contacts.load_contact(_ctx(db), contact_id).result
    assert loaded.draft.last_name == "Moreau" and loaded.appeals_per_year is None
    related = loaded.related
    assert [g.amount_cents for g in related.gifts] == [3000]
    assert [(e.channel, e.status) for e in related.consent_events] == [
        (Channel.EMAIL, ConsentStatus.GRANTED)
    ]
    assert related.pressure.total == 0 and related.caps.post == 4
    assert related.history  # the journal of its creation


def test_saving_a_contact_reports_problems_and_saves_nothing(db: Database) -> None:
    contact_id = _person(db)
    with db.read() as session:
        draft = draft_from_contact(session.get(Contact, contact_id))  # type: ignore[arg-type]
    wrong = replace(draft, last_name="", emails=["jean@"])
    saved = contacts.save_contact(_ctx(db), wrong, contact_id=contact_id)
    assert {p.field for p in saved.result.problems} >= {"last_name", "email0"}
    assert saved.changes == frozenset()
    kept = contacts.save_contact(_ctx(db), draft, contact_id=contact_id, appeals_per_year=1)
    assert kept.changes == {Change.CONTACTS} and not kept.result.problems
    assert contacts.load_contact(_ctx(db), contact_id).result.appeals_per_year == 1
    with pytest.raises(ValidationError) as refused:
        contacts.save_contact(_ctx(db), draft, contact_id=contact_id, appeals_per_year=0)
    assert refused.value.field == "appeals_per_year"


def test_a_new_contact_is_created_once(db: Database) -> None:
    draft = ContactDraft(first_name="Anne", last_name="Petit")
    saved = contacts.save_contact(_ctx(db), draft).result
    assert saved.created and saved.contact_id is not None


def test_a_deposit_slip_is_checked_then_saved_whole(db: Database) -> None:
    contact_id = _person(db)
    line = SlipLine(contact_id, 4000, "111", PaymentMethod.CHEQUE)
    slip = DepositSlip("REM-1", date(2026, 3, 10), 1, 4000, None, [line])
    assert deposit_slips.check_slip(_ctx(db), slip).result.problems == ()
    assert deposit_slips.save_slip(_ctx(db), slip).result == 1
    again = deposit_slips.check_slip(_ctx(db), slip).result
    assert again.doubles and "111" in again.doubles[0]
    db.role = "volunteer"
    with pytest.raises(PermissionDenied):
        deposit_slips.save_slip(_ctx(db), slip)


def test_the_overview_without_appeals_or_thanks(db: Database) -> None:
    _person(db)
    overview = dashboard.overview(_ctx(db), 2026).result
    assert overview.figures.current.amount_cents == 3000
    assert overview.days_to_thank is None and overview.appeals == ()


def test_users_and_login_through_their_operations(db: Database) -> None:
    added = access.add_user(_ctx(db), "chef", role="admin", password="secret-123")
    assert added.changes == {Change.USERS}
    access.add_user(_ctx(db), "paul", role="volunteer", password="secret-123")
    assert [u.username for u in access.list_users(_ctx(db)).result] == ["chef", "paul"]
    with pytest.raises(PermissionDenied):
        access.log_in(_ctx(db), "paul", "wrong")
    assert access.log_in(_ctx(db), "paul", "secret-123").result.role == "volunteer"
    assert db.user == "paul"
    with pytest.raises(PermissionDenied):
        access.deactivate_user(_ctx(db), "chef")  # a volunteer may not
    with db.write() as session:
        assert users.active_user_count(session) == 2
