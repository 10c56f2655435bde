"""Deposit slips (a bank's cheque remittance) shared by the GUI and the CLI: check the slip
(problems, probable doubles), then save every cheque as a gift in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.clock import today
from app.core.gifts import deposit_slips
from app.core.gifts.deposit_slips import DepositSlip
from app.core.infrastructure.permissions import Permission
from app.errors import ValidationError
from app.operations.base import Change, OperationContext, Outcome, check_permission


@dataclass(frozen=True)
class SlipCheck:
    """What stops the slip (problems) or asks a confirmation (probable doubles)."""

    problems: tuple[ValidationError, ...]
    doubles: tuple[str, ...]


def check_slip(ctx: OperationContext, slip: DepositSlip) -> Outcome[SlipCheck]:
    """The slip's problems; when there are none, the cheques that look already recorded."""
    day = today(ctx.database.clock)
    with ctx.database.read() as session:
        problems = deposit_slips.validate_slip(session, slip, today=day)
        doubles = [] if problems else deposit_slips.slip_doubles(session, slip)
    return Outcome(SlipCheck(tuple(problems), tuple(doubles)))


def save_slip(
    ctx: OperationContext, slip: DepositSlip, *, accept_mismatch: bool = False
) -> Outcome[int]:
    """Record every cheque as a gift (all or nothing); returns how many were recorded."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        gifts = deposit_slips.save_slip(
            session, slip, today=today(ctx.database.clock), accept_mismatch=accept_mismatch
        )
    return Outcome(len(gifts), frozenset({Change.GIFTS}))
