"""The association's own answers as labels for the scan.

Every merge (one person) and every "pas un doublon" (two people) is a decision on a pair
whose comparison levels are known. Some pairs no model without labels can settle: the same
first and last name and nothing else, in another département, are mostly namesakes in one
file and mostly a donor who moved in another (docs/matching.md). Such pairs share one level
vector. Where the association has decided pairs of the same vector, a new pair of that
vector takes those answers into account: its probability p becomes
(WEIGHT x p + merges) / (WEIGHT + decisions), the model's estimate counting as much as
WEIGHT decisions (a Beta prior). With no decision the scan is unchanged (label-free).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from app.core.dedupe.comparison import compare
from app.core.dedupe.merge import decode_value
from app.core.dedupe.model import pattern_codes
from app.core.dedupe.normalise import Person, normalise_row
from app.i18n import N_, _, ngettext

WEIGHT = 10.0


@dataclass(frozen=True)
class Decision:
    """A pair the association decided: one person (`same`) or two."""

    a: Person
    b: Person
    same: bool


@dataclass(frozen=True)
class Tally:
    """Decisions counted per level vector: code -> (decisions, merges)."""

    counts: dict[int, tuple[int, int]] = field(default_factory=dict)

    def adjust(self, codes: np.ndarray, chances: np.ndarray) -> np.ndarray:
        """The probabilities of pairs (their level-vector codes) with the decisions on
        pairs of the same vector taken into account."""
        if not self.counts:
            return chances
        # one lookup per pair (sorted codes), not one pass over the pairs per decided code
        known = np.fromiter(sorted(self.counts), dtype=np.int64, count=len(self.counts))
        decided = np.array([self.counts[int(c)][0] for c in known], dtype=float)
        merged = np.array([self.counts[int(c)][1] for c in known], dtype=float)
        at = np.minimum(np.searchsorted(known, codes), len(known) - 1)
        rows = known[at] == codes
        out = chances.copy()
        out[rows] = (WEIGHT * chances[rows] + merged[at[rows]]) / (WEIGHT + decided[at[rows]])
        return out

    def note(self, code: int) -> str:
        """What the association decided on pairs like this one ('' when nothing)."""
        decided, merged = self.counts.get(code, (0, 0))
        if not decided:
            return ""
        return _("vos décisions sur des cas identiques : {merged}, {different}").format(
            merged=ngettext(N_("{n} fusion"), N_("{n} fusions"), merged).format(n=merged),
            different=ngettext(
                N_("{n} « pas un doublon »"), N_("{n} « pas un doublon »"), decided - merged
            ).format(n=decided - merged),
        )


DECISIONS_FIELD = N_("décisions")


def tally(decisions: Iterable[Decision]) -> Tally:
    """Count the decisions per level vector of their pair."""
    counts: dict[int, tuple[int, int]] = {}
    for decision in decisions:
        levels, _swapped = compare(decision.a, decision.b)
        code = int(pattern_codes(np.array([levels], dtype=np.int8))[0])
        decided, merged = counts.get(code, (0, 0))
        counts[code] = (decided + 1, merged + decision.same)
    return Tally(counts)


def people_before_merge(state: dict[str, Any]) -> list[Person]:
    """The contacts of a merge as they were before it (its undo snapshot), as Persons: the
    survivor first. Empty when the snapshot was erased (GDPR)."""
    contacts: Sequence[dict[str, Any]] = state.get("contacts") or []
    if not contacts:
        return []

    def first_of(name: str, value: str, contact_id: int) -> Any:
        rows = [r for r in state.get(name) or [] if r.get("contact_id") == contact_id]
        if name == "addresses":
            rows.sort(key=lambda r: (not r.get("is_primary"), r.get("id") or 0))
        else:
            rows.sort(key=lambda r: (r.get("position") or 0, r.get("id") or 0))
        return rows[0].get(value) if rows else None

    people = []
    for row in contacts:
        contact_id = row["id"]
        people.append(
            normalise_row(
                {
                    "id": contact_id,
                    "kind": row.get("kind") or "person",
                    "civility": row.get("civility"),
                    "first_name": row.get("first_name"),
                    "last_name": row.get("last_name"),
                    "birth_name": row.get("birth_name"),
                    "organisation_name": row.get("organisation_name"),
                    "siren": row.get("siren"),
                    "birth_date": decode_value(row.get("birth_date")),
                    "email": first_of("emails", "email", contact_id),
                    "phone": first_of("phones", "number", contact_id),
                    "postcode": first_of("addresses", "postcode", contact_id),
                    "city": first_of("addresses", "city", contact_id),
                    "street": first_of("addresses", "line4", contact_id),
                }
            )
        )
    return people
