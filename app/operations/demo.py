"""Demo data for trying Obole out, shared by the GUI (File menu) and `obole init --demo`."""

from __future__ import annotations

from app.core.demo import DemoReport, generate_demo
from app.operations.base import EVERYTHING, OperationContext, Outcome


def fill_with_demo(ctx: OperationContext, *, contacts: int, seed: int = 1) -> Outcome[DemoReport]:
    """Add `contacts` demo contacts with their gifts in one transaction (cancel = nothing)."""
    with ctx.database.write() as session:
        report = generate_demo(
            session, contacts=contacts, seed=seed, progress=ctx.progress, cancel=ctx.cancel
        )
    return Outcome(report, EVERYTHING)
