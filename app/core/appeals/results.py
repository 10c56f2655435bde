"""What an appeal brought: people asked, respondents within the window, amounts, costs.

A respondent is a person asked who gave within `response_days` of the send date: a gift
credited to the appeal's campaign, or, when the gift names no campaign, any gift of that
person in the window. Figures are given by RFM segment at send time too, and compared with
the previous appeal sent on the same channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.core.money import format_eur
from app.i18n import _
from app.models import Appeal, Gift, Solicitation


@dataclass(frozen=True)
class Figures:
    """Results of one group of people asked."""

    asked: int = 0
    respondents: int = 0
    gifts: int = 0
    amount_cents: int = 0

    @property
    def response_rate(self) -> float:
        """Respondents / asked."""
        return self.respondents / self.asked if self.asked else 0.0

    @property
    def average_cents(self) -> int:
        """Average gift."""
        return round(self.amount_cents / self.gifts) if self.gifts else 0


@dataclass(frozen=True)
class AppealResults:
    """An appeal's results, by segment, and the previous appeal's for comparison."""

    appeal_id: int
    name: str
    cost_cents: int
    total: Figures
    by_segment: dict[str, Figures] = field(default_factory=dict)
    previous: AppealResults | None = None

    @property
    def cost_per_euro_cents(self) -> int | None:
        """What one euro raised cost, in cents (None when nothing was raised)."""
        if not self.total.amount_cents:
            return None
        return round(self.cost_cents * 100 / self.total.amount_cents)


@dataclass
class _Tally:
    asked: int = 0
    people: set[int] = field(default_factory=set)
    gifts: int = 0
    cents: int = 0

    def add(self, contact_id: int, cents: int) -> None:
        self.people.add(contact_id)
        self.gifts += 1
        self.cents += cents

    def figures(self) -> Figures:
        return Figures(self.asked, len(self.people), self.gifts, self.cents)


def appeal_results(
    session: Session, appeal: Appeal, *, with_previous: bool = True
) -> AppealResults:
    """Count respondents and amounts of `appeal` (nothing if it was not sent)."""
    asked = dict(
        session.execute(
            select(Solicitation.contact_id, Solicitation.segment).where(
                Solicitation.appeal_id == appeal.id
            )
        ).all()
    )
    end = appeal.send_on + timedelta(days=appeal.response_days)
    rows = session.execute(
        select(Gift.contact_id, Gift.amount_cents).where(
            Gift.contact_id.in_(list(asked))
            if len(asked) < 30_000
            else Gift.contact_id.is_not(None),
            Gift.failed_on.is_(None),
            Gift.received_on >= appeal.send_on,
            Gift.received_on <= end,
            or_(Gift.campaign_id == appeal.campaign_id, Gift.campaign_id.is_(None)),
        )
    ).all()
    tallies: dict[str, _Tally] = {}
    for segment in asked.values():
        tallies.setdefault(segment, _Tally()).asked += 1
    everyone = _Tally(asked=len(asked))
    for contact_id, cents in rows:
        if contact_id in asked:
            for tally in (everyone, tallies[asked[contact_id]]):
                tally.add(contact_id, cents)
    by_segment = {segment: tallies[segment].figures() for segment in sorted(tallies)}
    previous = None
    if with_previous:
        earlier = session.scalar(
            select(Appeal)
            .where(
                Appeal.channel == appeal.channel,
                Appeal.sent_at.is_not(None),
                Appeal.send_on < appeal.send_on,
                Appeal.id != appeal.id,
            )
            .order_by(Appeal.send_on.desc(), Appeal.id.desc())
            .limit(1)
        )
        if earlier is not None:
            previous = appeal_results(session, earlier, with_previous=False)
    return AppealResults(
        appeal.id,
        appeal.name,
        appeal.cost_cents,
        everyone.figures(),
        by_segment,
        previous,
    )


def results_summary(r: AppealResults) -> list[str]:
    """The results in words, as the screen and the command line give them."""
    t = r.total
    lines = [
        _(
            "{name} : {asked} sollicités, {respondents} donateurs ({rate:.1f} %), {amount} "
            "collectés, don moyen {average}."
        ).format(
            name=r.name,
            asked=t.asked,
            respondents=t.respondents,
            rate=t.response_rate * 100,
            amount=format_eur(t.amount_cents),
            average=format_eur(t.average_cents),
        )
    ]
    if r.cost_per_euro_cents is not None:
        lines.append(
            _("Coût pour 1 € collecté : {cost}.").format(cost=format_eur(r.cost_per_euro_cents))
        )
    if r.previous is not None:
        p = r.previous.total
        lines.append(
            _("Appel précédent ({name}) : {rate:.1f} % de réponses, {amount}.").format(
                name=r.previous.name,
                rate=p.response_rate * 100,
                amount=format_eur(p.amount_cents),
            )
        )
    return lines
