"""E-mail appeals through the association's SMTP server: throttled, resumable, logged.

The first send freezes the list (one solicitation per recipient, delivery "pending"); each
message then goes out as plain text and simple HTML from the same template, always with the
unsubscribe sentence, and its solicitation records "sent" or "failed" with the error. A
cancelled or interrupted send resumes where it stopped: only "pending" and "failed" rows are
tried again. A bounce marks the delivery and the contact's address invalid (later e-mail
appeals leave it out); an unsubscribe becomes a withdrawal of the e-mail consent, with its
proof.
"""

from __future__ import annotations

import contextlib
import html
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from email.message import EmailMessage

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app.core.appeals import letters as templates
from app.core.appeals.preparation import AppealPlan, Recipient
from app.core.appeals.sending import record_send
from app.core.clock import Clock
from app.core.contacts.consents import record_consent
from app.core.infrastructure.journal import JournalEvent, record_events
from app.core.infrastructure.permissions import Permission, require
from app.core.organisation import load_identity
from app.core.progress import NULL_PROGRESS, CancelToken, Progress
from app.core.receipts.mailing import Connector, connect, load_settings
from app.errors import NotFound, raise_first
from app.i18n import N_, _
from app.models import Appeal, ContactEmail, Solicitation
from app.models.enums import Channel, ConsentStatus

UNSUBSCRIBE = N_(
    "Vous ne souhaitez plus recevoir nos appels par e-mail ? Répondez simplement « STOP » à "
    "ce message : nous vous retirerons de nos envois."
)
REMINDER_UNSUBSCRIBE = N_(
    "Vous ne souhaitez plus recevoir nos relances par e-mail ? Répondez simplement « STOP » "
    "à ce message : nous vous retirerons de nos envois."
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
    to: str,
    template: templates.Template,
    values: dict[str, str],
    association: str,
    unsubscribe: str = UNSUBSCRIBE,
) -> EmailMessage:
    """The e-mail: plain text and the same text as simple HTML, unsubscribe sentence last."""
    footer = "\n\n--\n" + association + "\n" + _(unsubscribe)
    body = templates.merge(template.body, values) + footer
    subject = templates.merge(template.subject, values).removeprefix("Objet : ").strip()
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = sender, to, subject
    email.set_content(body)
    paragraphs = "".join(
        f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in body.split("\n\n")
    )
    email.add_alternative(f"<html><body>{paragraphs}</body></html>", subtype="html")
    return email


def appeal_values(recipient: Recipient, association: str) -> dict[str, str]:
    """An appeal's merge values for one recipient."""
    return templates.values_for(
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
    """Send what is pending or failed of an appeal; each row records its own outcome."""
    association = load_identity(session).name
    recipients = {r.contact_id: r for r in plan.recipients}
    rows = session.scalars(
        select(Solicitation)
        .where(
            Solicitation.appeal_id == appeal.id,
            Solicitation.delivery.in_(("pending", "failed")),
        )
        .order_by(Solicitation.id)
    )
    return send_rows(
        session,
        list(rows),
        template=templates.load_template(session, "appeal"),
        values={c: appeal_values(r, association) for c, r in recipients.items()},
        label=_("Envoi de l'appel par e-mail"),
        clock=clock,
        connector=connector,
        per_minute=per_minute,
        progress=progress,
        cancel=cancel,
        sleep=sleep,
    )


def send_rows(
    session: Session,
    rows: list[Solicitation],
    *,
    template: templates.Template,
    values: dict[int, dict[str, str]],
    label: str,
    clock: Clock,
    unsubscribe: str = UNSUBSCRIBE,
    connector: Connector = connect,
    per_minute: int = 60,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Send the e-mails of pending or failed solicitations (an appeal's, or reminders').

    `values` gives each contact's merge values; a row whose contact has none is recorded as
    "cancelled" (no longer to send: e.g. the member renewed before a reminder run resumed).
    Throttled, cancellable (what is left stays pending), each row flushed with its outcome.
    """
    require(session, Permission.CONTACTS_WRITE)
    settings = load_settings(session)
    raise_first(settings.problems())
    if not rows:
        return SendReport(0, 0, 0)  # nothing pending: no connection to the server
    association = load_identity(session).name
    progress.start(len(rows), label)
    server = connector(settings)
    sent = failed = skipped = 0
    pause = 60.0 / per_minute if per_minute > 0 else 0.0
    try:
        for index, row in enumerate(rows):
            if index and pause:
                sleep(pause)  # throttling: the server and the donors' providers see a trickle
            if cancel is not None and cancel.cancelled:
                break  # what was sent is logged; the rest stays pending for the next run
            merged = values.get(row.contact_id)
            if merged is None:
                row.delivery, row.error = "cancelled", _("n'est plus à solliciter")
                skipped += 1
                progress.advance()
                continue
            error = "" if row.email else _("pas d'adresse e-mail")
            if not error:
                try:
                    server.send_message(
                        message(
                            sender=settings.sender,
                            to=row.email,
                            template=template,
                            values=merged,
                            association=association,
                            unsubscribe=unsubscribe,
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
    remaining = len(rows) - sent - failed - skipped
    return SendReport(sent, failed, remaining)


def record_bounce(
    session: Session, appeal: Appeal | None, address: str, *, on: date, reason: str = ""
) -> int:
    """A message came back: its delivery says so, and the contact's address is marked
    invalid (the next e-mail appeals leave it out), with a line in the contact's history.

    `appeal` None: a membership renewal reminder's e-mail came back."""
    require(session, Permission.CONTACTS_WRITE)
    address = address.strip()
    sent_by = (
        Solicitation.appeal_id == appeal.id
        if appeal is not None
        else and_(Solicitation.appeal_id.is_(None), Solicitation.kind == "reminder")
    )
    why = reason or (
        _("retour de l'appel « {name} »").format(name=appeal.name)
        if appeal is not None
        else _("retour d'une relance d'adhésion")
    )
    rows = list(session.scalars(select(Solicitation).where(sent_by, Solicitation.email == address)))
    if not rows:
        raise NotFound(
            (
                _("Aucun envoi de cet appel à {address}.")
                if appeal is not None
                else _("Aucune relance d'adhésion envoyée à {address}.")
            ).format(address=address)
        )
    for row in rows:
        row.delivery, row.error = "bounced", reason or _("adresse invalide (retour)")
    contacts = {row.contact_id for row in rows}
    for email in session.scalars(
        select(ContactEmail).where(
            ContactEmail.contact_id.in_(contacts), ContactEmail.email == address
        )
    ):
        if email.invalid_on is None:  # journaled as a change of the contact's e-mail
            email.invalid_on, email.invalid_reason = on, why[:200]
    record_events(
        session,
        [
            JournalEvent(
                "appeal" if appeal is not None else "contact",
                appeal.id if appeal is not None else contact_id,
                _("E-mail revenu non distribué ({address}) : adresse marquée invalide").format(
                    address=address
                ),
                contact_id=contact_id,
            )
            for contact_id in sorted(contacts)
        ],
    )
    session.flush()
    return len(rows)


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
