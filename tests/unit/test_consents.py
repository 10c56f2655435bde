"""Consents: history is append-only, the latest event wins, contactability per channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.core.contacts.consents import (
    consent_history,
    contactable_query,
    count_contactable,
    current_consents,
    record_consent,
)
from app.core.infrastructure.database import Database
from app.models import Contact
from app.models.enums import Channel, ConsentStatus
from tests.factories import make_contact

T0 = datetime(2025, 1, 10, 9, tzinfo=UTC)


def test_withdrawal_keeps_the_grant_and_becomes_current(any_db: Database) -> None:
    with any_db.write() as session:
        anne = make_contact(session, "Anne", email="anne@exemple.fr")
        record_consent(
            session,
            contact_id=anne.id,
            channel=Channel.EMAIL,
            status=ConsentStatus.GRANTED,
            occurred_at=T0,
            source="Formulaire web",
            proof_text="Case cochée",
        )
        record_consent(
            session,
            contact_id=anne.id,
            channel=Channel.EMAIL,
            status=ConsentStatus.WITHDRAWN,
            occurred_at=T0 + timedelta(days=3),
            source="Courriel du donateur",
        )
    with any_db.read() as session:
        history = consent_history(session, anne.id)
        states = {s.channel: s.status for s in current_consents(session, anne.id)}
    assert [e.status for e in history] == [ConsentStatus.WITHDRAWN, ConsentStatus.GRANTED]
    assert history[1].proof_text == "Case cochée" and history[0].recorded_by == "test"
    assert states[Channel.EMAIL] == ConsentStatus.WITHDRAWN and states[Channel.SMS] is None


def test_who_may_we_contact_per_channel(any_db: Database) -> None:
    with any_db.write() as session:
        granted = make_contact(session, "Granted", email="g@exemple.fr")
        silent = make_contact(session, "Silent", email="s@exemple.fr")
        objected = make_contact(session, "Objected", email="o@exemple.fr")
        returned = make_contact(session, "Returned", npai=True)
        restricted = make_contact(session, "Restricted", email="r@exemple.fr")
        for who in (granted, restricted):
            record_consent(
                session,
                contact_id=who.id,
                channel=Channel.EMAIL,
                status=ConsentStatus.GRANTED,
                occurred_at=T0,
            )
        restricted.restricted = True  # restricted after consenting: still excluded
        record_consent(
            session,
            contact_id=objected.id,
            channel=Channel.POST,
            status=ConsentStatus.OBJECTED,
            occurred_at=T0,
        )
    with any_db.read() as session:
        email_ids = set(session.scalars(contactable_query(Channel.EMAIL)))
        post_ids = set(session.scalars(contactable_query(Channel.POST)))
        assert count_contactable(session, Channel.EMAIL) == 1
        names = dict(session.execute(select(Contact.id, Contact.last_name)).all())
    assert {names[i] for i in email_ids} == {"Granted"}
    assert {names[i] for i in post_ids} == {"Granted", "Silent"}
    assert silent.id not in email_ids and returned.id not in post_ids
