"""Deposit slips (bordereaux de remise): a batch of cheques or cash typed in one go.

The treasurer types the expected count and total from the bank slip, then each cheque;
the running count and total are compared with the expected ones, and the whole slip is
saved in one transaction (all gifts or none).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from app.core.gifts.recording import (
    GiftDraft,
    GiftKey,
    create_gift,
    draft_key,
    probable_doubles,
    same_gift,
    validate_gift,
)
from app.core.infrastructure.permissions import Permission, require
from app.errors import ValidationError, raise_first
from app.i18n import _
from app.models import Gift
from app.models.enums import PaymentMethod


@dataclass
class SlipLine:
    """One cheque (or cash amount) of the slip."""

    contact_id: int | None
    amount_cents: int
    cheque_number: str = ""
    method: PaymentMethod = PaymentMethod.CHEQUE


@dataclass
class DepositSlip:
    """The slip: reference, date, what the bank slip says, and the typed lines."""

    reference: str
    received_on: date
    expected_count: int
    expected_total_cents: int
    campaign_id: int | None = None
    lines: list[SlipLine] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Lines typed so far."""
        return len(self.lines)

    @property
    def total_cents(self) -> int:
        """Sum of the lines typed so far."""
        return sum(line.amount_cents for line in self.lines)

    def mismatch(self) -> str | None:
        """What differs from the bank slip, or None when count and total agree."""
        problems = []
        if self.count != self.expected_count:
            problems.append(
                _("{count} chèques saisis pour {expected} attendus").format(
                    count=self.count, expected=self.expected_count
                )
            )
        if self.total_cents != self.expected_total_cents:
            from app.core.money import format_eur

            problems.append(
                _("total {total} pour {expected} attendus").format(
                    total=format_eur(self.total_cents),
                    expected=format_eur(self.expected_total_cents),
                )
            )
        return " ; ".join(problems) or None


def _draft(slip: DepositSlip, line: SlipLine) -> GiftDraft:
    return GiftDraft(
        contact_id=line.contact_id,
        received_on=slip.received_on,
        amount_cents=line.amount_cents,
        payment_method=line.method,
        cheque_number=line.cheque_number,
        deposit_slip=slip.reference,
        campaign_id=slip.campaign_id,
    )


def validate_slip(session: Session, slip: DepositSlip, *, today: date) -> list[ValidationError]:
    """Problems of the slip, each message naming the line."""
    problems = []
    if not slip.reference.strip():
        problems.append(
            ValidationError(_("Référence du bordereau : champ obligatoire."), field="reference")
        )
    if not slip.lines:
        problems.append(ValidationError(_("Le bordereau ne contient aucun chèque."), field="lines"))
    for number, line in enumerate(slip.lines, start=1):
        for problem in validate_gift(session, _draft(slip, line), today=today):
            problems.append(
                ValidationError(
                    _("Ligne {n} : {message}").format(n=number, message=problem),
                    field=f"line{number}.{problem.field}",
                )
            )
    return problems


def slip_doubles(session: Session, slip: DepositSlip) -> list[str]:
    """One message per line that probably repeats a stored gift or an earlier line of the slip.

    Each message names the line and shows the existing gift (number, date, amount, cheque,
    slip reference) so that the treasurer can check it before saving.
    """
    messages: list[str] = []
    earlier: list[tuple[int, GiftKey]] = []
    for number, line in enumerate(slip.lines, start=1):
        key = draft_key(_draft(slip, line))
        existing = probable_doubles(session, key)
        if existing:
            messages.append(
                _("Ligne {n} : déjà enregistré ({existing}).").format(
                    n=number, existing=existing[0].describe()
                )
            )
        repeated = next((n for n, other in earlier if same_gift(key, other)), None)
        if repeated is not None:
            messages.append(
                _("Ligne {n} : même donateur, montant et chèque que la ligne {other}.").format(
                    n=number, other=repeated
                )
            )
        earlier.append((number, key))
    return messages


def save_slip(
    session: Session, slip: DepositSlip, *, today: date, accept_mismatch: bool = False
) -> list[Gift]:
    """Record every line as a gift in the caller's transaction (all or nothing)."""
    require(session, Permission.GIFTS_WRITE)
    raise_first(validate_slip(session, slip, today=today))
    mismatch = slip.mismatch()
    if mismatch and not accept_mismatch:
        raise ValidationError(
            _("Le bordereau ne correspond pas : {details}.").format(details=mismatch),
            field="expected",
        )
    return [create_gift(session, _draft(slip, line), today=today) for line in slip.lines]
