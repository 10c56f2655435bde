"""E-mail appeals through the association's SMTP server: throttled, resumable, logged.

The first send freezes the list (one solicitation per recipient, delivery "pending"); each
message then goes out as plain text and simple HTML from the same template, always with the
unsubscribe sentence, and its solicitation records "sent" or "failed" with the error. A
cancelled or interrupted send resumes where it stopped: only "pending" and "failed" rows are
tried again. A bounce marks the address; an unsubscribe becomes a withdrawal of the e-mail
consent, with its proof.
"""

from __future__ import annotations

import contextlib
import html
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.appeals import letters as templates
from app.core.appeals.preparation import AppealPlan, Recipient
from app.core.appeals.sending import record_send
from app.core.clock import Clock
from app.core.contacts.consents import record_consent
from app.core.infrastructure.permissions import Permission, require
from app.core.organisation import load_identity
from app.core.progress import NULL_PROGRESS, CancelToken, Progress
from app.core.receipts.mailing import Connector, connect, load_settings
from app.errors import NotFound, raise_first
from app.i18n import N_, _
from app.models import Appeal, Solicitation
from app.models.enums import Channel, ConsentStatus

UNSUBSCRIBE = N_(
    "Vous ne souhaitez plus recevoir nos appels par e-mail ? Répondez simplement « STOP » à "
    "ce message : nous vous retirerons de nos envois."
)


@dataclass(frozen=True)
class SendReport:
    """What one send run did."""

    sent: int
    failed: int
    remaining: int


def freeze(session: Session, appeal: Appeal, plan: AppealPlan, *, at: datetime) -> None:
    """Record the e-mail appeal's list, every message pending."""
    template = templates.load_template(session, "appeal")
    record_send(session, appeal, plan, at=at, what=template.subject)
    by_contact = {r.contact_id: r.email for r in plan.recipients}
    for solicitation in session.scalars(
        select(Solicitation).where(Solicitation.appeal_id == appeal.id)
    ):
        solicitation.email = by_contact.get(solicitation.contact_id, "")
        solicitation.delivery = "pending"


def message(
    *,
    sender: str,
    recipient: Recipient,
    to: str,
    template: templates.Template,
    association: str,
) -> EmailMessage:
    """The e-mail: plain text and the same text as simple HTML, unsubscribe sentence last."""
    values = templates.values_for(
        salutation=recipient.salutation,
        civility=recipient.civility,
        first_name=recipient.first_name,
        last_name=recipient.last_name,
        association=association,
        last_gift_cents=recipient.last_gift_cents,
        last_gift_on=recipient.last_gift_on,
        year_total_cents=recipient.year_total_cents,
        amount_asked_cents=recipient.amount_asked_cents,
    )
    body = templates.merge(template.body, values) + "\n\n--\n" + association + "\n" + _(UNSUBSCRIBE)
    subject = templates.merge(template.subject, values).removeprefix("Objet : ").strip()
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, to, subject
    email.set_content(body)
    paragraphs = "".join(
        f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in body.split("\n\n")
    )
    email.add_alternative(f"<html><body>{paragraphs}</body></html>", subtype="html")
    return email


def send(
    session: Session,
    appeal: Appeal,
    plan: AppealPlan,
    *,
    clock: Clock,
    connector: Connector = connect,
    per_minute: int = 60,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Send what is pending or failed; commit-safe: each row records its own outcome."""
    require(session, Permission.CONTACTS_WRITE)
    settings = load_settings(session)
    raise_first(settings.problems())
    template = templates.load_template(session, "appeal")
    association = load_identity(session).name
    recipients = {r.contact_id: r for r in plan.recipients}
    rows = list(
        session.scalars(
            select(Solicitation)
            .where(
                Solicitation.appeal_id == appeal.id,
                Solicitation.delivery.in_(("pending", "failed")),
            )
            .order_by(Solicitation.id)
        )
    )
    progress.start(len(rows), _("Envoi de l'appel par e-mail"))
    server = connector(settings)
    sent = failed = 0
    pause = 60.0 / per_minute if per_minute > 0 else 0.0
    try:
        for index, row in enumerate(rows):
            if index and pause:
                sleep(pause)  # throttling: the server and the donors' providers see a trickle
            if cancel is not None and cancel.cancelled:
                break  # what was sent is logged; the rest stays pending for the next run
            recipient = recipients.get(row.contact_id)
            error = "" if recipient is not None and row.email else _("pas d'adresse e-mail")
            if not error and recipient is not None:
                try:
                    server.send_message(
                        message(
                            sender=settings.sender,
                            recipient=recipient,
                            to=row.email,
                            template=template,
                            association=association,
                        )
                    )
                except (smtplib.SMTPException, OSError) as exc:
                    error = str(exc)
            row.delivery, row.error, row.attempted_at = (
                ("failed", error, clock.now()) if error else ("sent", "", clock.now())
            )
            sent, failed = sent + (not error), failed + bool(error)
            session.flush()
            progress.advance()
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            server.quit()
    remaining = len(rows) - sent - failed
    return SendReport(sent, failed, remaining)


def record_bounce(session: Session, appeal_id: int, address: str, *, reason: str = "") -> int:
    """A message came back: its delivery says so (the address is listed in data quality)."""
    require(session, Permission.CONTACTS_WRITE)
    result = session.execute(
        update(Solicitation)
        .where(Solicitation.appeal_id == appeal_id, Solicitation.email == address.strip())
        .values(delivery="bounced", error=reason or _("adresse invalide (retour)"))
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        raise NotFound(_("Aucun envoi de cet appel à {address}.").format(address=address))
    return int(result.rowcount)  # type: ignore[attr-defined]


def record_unsubscribe(
    session: Session, contact_id: int, appeal: Appeal, *, at: datetime, proof: str = ""
) -> None:
    """The donor asked to stop: e-mail consent withdrawn, with the appeal as its source."""
    record_consent(
        session,
        contact_id=contact_id,
        channel=Channel.EMAIL,
        status=ConsentStatus.WITHDRAWN,
        occurred_at=at,
        source=_("désinscription (appel « {name} »)").format(name=appeal.name)[:120],
        proof_text=proof
        or _("Réponse « STOP » à l'appel par e-mail du {date}.").format(
            date=f"{appeal.send_on:%d/%m/%Y}"
        ),
    )
