"""Pre-notifications: a donor is told the amount and date of a first debit or of a new amount.

The SEPA Core rulebook asks the creditor to announce each debit (14 calendar days before, by
default, unless the mandate agreed a shorter delay); for a regular gift of a fixed amount one
notice covers the schedule, so a notice is due for the first debit and after any change of
amount. The collection run leaves out the plans whose notice was not sent in time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.core.contacts.postal import address_block
from app.core.receipts.eligibility import donor_address
from app.core.sepa.collection import needs_notice
from app.core.sepa.mandates import sequence_type
from app.core.sepa.plans import instalment_in_period
from app.models import Contact, RegularGiftPlan, SepaMandate
from app.models.enums import MandateStatus, PlanStatus


@dataclass(frozen=True)
class Notice:
    """One pre-notification to send (letter or e-mail)."""

    plan_id: int
    contact_id: int
    address_lines: tuple[str, ...]
    amount_cents: int
    frequency: str
    day_of_month: int
    first_due: date
    rum: str
    iban_end: str
    sequence_type: str
    email: str = ""  # the donor's first e-mail address, for a notice by e-mail


def notices_due(session: Session, collection_date: date) -> list[Notice]:
    """The notices the debits of `collection_date` need and that were not sent yet."""
    rows = session.execute(
        select(RegularGiftPlan, SepaMandate, Contact)
        .join(SepaMandate, SepaMandate.id == RegularGiftPlan.mandate_id)
        .join(Contact, Contact.id == RegularGiftPlan.contact_id)
        .where(
            RegularGiftPlan.status == PlanStatus.ACTIVE,
            SepaMandate.status == MandateStatus.ACTIVE,
        )
        .order_by(Contact.sort_name)
    )
    notices = []
    for plan, mandate, contact in rows:
        due = instalment_in_period(plan, collection_date)
        sequence = sequence_type(mandate)
        if due is None:
            continue
        if not needs_notice(plan):
            continue  # this amount was announced already; a FRST retry needs no new notice
        parts = donor_address(contact)
        notices.append(
            Notice(
                plan_id=plan.id,
                contact_id=contact.id,
                address_lines=tuple(address_block(parts)) if parts else (contact.display_name,),
                amount_cents=plan.amount_cents,
                frequency=plan.frequency.value,
                day_of_month=plan.day_of_month,
                first_due=collection_date,
                rum=mandate.rum,
                iban_end=mandate.iban[-4:],
                sequence_type=sequence,
                email=contact.primary_email,
            )
        )
    return notices


def mark_notified(session: Session, notices: Iterable[Notice], *, on: date) -> None:
    """Record that these notices were sent on `on`, for the amounts they announced."""
    for notice in notices:
        session.execute(
            update(RegularGiftPlan)
            .where(RegularGiftPlan.id == notice.plan_id)
            .values(notified_on=on, notified_amount_cents=notice.amount_cents)
        )
