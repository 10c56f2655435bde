"""E-mailing receipts through a real local SMTP server (aiosmtpd), with a send log and retry."""

from __future__ import annotations

import socket
from datetime import date
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.core.infrastructure.database import Database
from app.core.receipts.eligibility import plan_receipts
from app.core.receipts.issuing import issue
from app.core.receipts.mailing import (
    SmtpSettings,
    check_connection,
    never_sent,
    save_settings,
    send_receipts,
    to_retry,
)
from app.errors import StorageError, ValidationError
from app.models import ContactEmail, ReceiptDelivery
from app.models.enums import ReceiptMode
from tests.unit.receipts_helpers import donor, gift, ready_association


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802, ANN001
        if address in self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ANN001
        self.messages.append(envelope.content)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server():  # type: ignore[no-untyped-def]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def test_receipts_are_sent_logged_and_failures_retried(db: Database, smtp_server) -> None:  # type: ignore[no-untyped-def]
    inbox, port = smtp_server
    with db.write() as session:
        ready_association(session)
        for name in ("Alpha", "Bravo", "Charlie"):
            person = donor(session, name)
            person.emails.append(ContactEmail(email=f"{name.lower()}@exemple.fr"))
            gift(session, person, date(2025, 5, 1), 5000)
        save_settings(
            session,
            SmtpSettings(host="127.0.0.1", port=port, security="none", sender="tresorier@asso.fr"),
        )
        result = issue(
            session, plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL), clock=db.clock
        )
    inbox.refuse.add("bravo@exemple.fr")
    with db.write() as session:
        assert never_sent(session, year=2025) == list(result.receipt_ids)
        assert send_receipts(session, list(result.receipt_ids), clock=db.clock) == (2, 1)
    assert len(inbox.messages) == 2
    mail = message_from_bytes(inbox.messages[0])
    assert "2025-00001" in mail["Subject"]
    attachment = next(part for part in mail.walk() if part.get_content_type() == "application/pdf")
    assert attachment.get_payload(decode=True).startswith(b"%PDF")
    with db.read() as session:
        failed = to_retry(session, year=2025)
        assert len(failed) == 1
        assert session.scalar(select(ReceiptDelivery.error).where(~ReceiptDelivery.ok))
    inbox.refuse.clear()
    with db.write() as session:
        assert send_receipts(session, failed, clock=db.clock) == (1, 0)
    with db.read() as session:
        assert to_retry(session, year=2025) == [] and never_sent(session, year=2025) == []


def test_connection_test_and_bad_settings(smtp_server) -> None:  # type: ignore[no-untyped-def]
    _inbox, port = smtp_server
    check_connection(SmtpSettings(host="127.0.0.1", port=port, security="none", sender="a@b.fr"))
    with pytest.raises(StorageError, match="127.0.0.1"):
        check_connection(
            SmtpSettings(host="127.0.0.1", port=_free_port(), security="none", sender="a@b.fr")
        )
    assert {p.field for p in SmtpSettings(host="", port=0, sender="x").problems()} == {
        "host",
        "port",
        "sender",
    }
    with pytest.raises(ValidationError):
        raise SmtpSettings().problems()[0]


def test_the_smtp_password_never_reaches_the_database(db: Database) -> None:
    from app.core.receipts.mailing import load_settings
    from app.models import AuditEvent, Setting

    with db.write() as session:
        save_settings(
            session, SmtpSettings(host="smtp.asso.fr", sender="t@asso.fr", password="s3cret!")
        )
    with db.read() as session:
        stored = " ".join(str(s.value) for s in session.scalars(select(Setting)))
        journal = " ".join(f"{e.old} {e.new}" for e in session.scalars(select(AuditEvent)))
        assert "s3cret!" not in stored and "s3cret!" not in journal
        assert load_settings(session).password == "s3cret!"
