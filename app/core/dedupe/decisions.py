"""The association's own answers as labels for the scan.

Every merge (one person) and every "pas un doublon" (two people) is a decision on a pair
whose comparison levels are known; the next scan takes them into account in two ways.

Pairs that only their name links (the same first and last name, no identifier on both
sides) are what no model without labels can settle: in another département they are mostly
namesakes in one file and mostly a donor who moved in another (docs/matching.md). They
spread over many level vectors (civility given or not, a street or none...), each decided
rarely; what they share is the one number of the model the file cannot tell: how much the
name alone is worth (the namesake bits, model.py). Every decision on such a pair corrects
that number for all of them (`teach`): the correction that makes the decided pairs most
likely, the file's own estimate counting as a normal prior of SPREAD bits.

Any other pair takes the decisions on pairs of the same level vector into account: its
probability p becomes (WEIGHT x p + merges) / (WEIGHT + decisions), the model's estimate
counting as much as WEIGHT decisions (a Beta prior). With no decision the scan is unchanged
(label-free).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from app.core.dedupe.comparison import compare
from app.core.dedupe.merge import decode_value
from app.core.dedupe.model import (
    Model,
    name_only_rows,
    pair_bits,
    pattern_codes,
    person_tf_bits,
)
from app.core.dedupe.normalise import Person, normalise_row
from app.core.dedupe.scoring import decisions_text
from app.i18n import N_, _

WEIGHT = 10.0
SPREAD = 2.0  # bits: how far the decisions can easily move the worth of the name alone


@dataclass(frozen=True)
class Decision:
    """A pair the association decided: one person (`same`) or two."""

    a: Person
    b: Person
    same: bool


@dataclass(frozen=True)
class DecidedPair:
    """A decided pair with its comparison levels."""

    decision: Decision
    levels: tuple[int, ...]
    swapped: bool


@dataclass(frozen=True)
class Tally:
    """Decisions counted per level vector: code -> (decisions, merges); apart, the decided
    pairs that only their name links (they teach the namesake bits)."""

    counts: dict[int, tuple[int, int]] = field(default_factory=dict)
    named: tuple[DecidedPair, ...] = ()

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
        return _("vos décisions sur des cas identiques : {decisions}").format(
            decisions=decisions_text(decided, merged)
        )


DECISIONS_FIELD = N_("décisions")


def tally(decisions: Iterable[Decision]) -> Tally:
    """Count the decisions per level vector of their pair; keep apart those on pairs the
    name alone links."""
    counts: dict[int, tuple[int, int]] = {}
    named = []
    for decision in decisions:
        levels, swapped = compare(decision.a, decision.b)
        row = np.array([levels], dtype=np.int8)
        code = int(pattern_codes(row)[0])
        if name_only_rows(row)[0]:
            named.append(DecidedPair(decision, tuple(levels), swapped))
            continue
        decided, merged = counts.get(code, (0, 0))
        counts[code] = (decided + 1, merged + decision.same)
    return Tally(counts, tuple(named))


def teach(model: Model, decisions: Tally) -> Model:
    """The model with the worth of the name alone corrected by the decisions on pairs it
    alone links: the shift of those pairs' bits that makes the decided ones most likely
    under the model (maximum a posteriori, the file's own estimate a normal prior of SPREAD
    bits)."""
    if not decisions.named:
        return model
    levels = np.array([c.levels for c in decisions.named], dtype=np.int8)
    people = [c.decision.a for c in decisions.named]
    tf = person_tf_bits(model, people)
    tf[[c.swapped for c in decisions.named]] = 0.0
    # the bits of the file's model alone (a model taught before is taught anew)
    bits = pair_bits(model, levels, tf) - model.decided_bits + model.prior_bits
    same = np.array([c.decision.same for c in decisions.named], dtype=float)
    merged = int(same.sum())
    return replace(
        model,
        decided_bits=shift(bits, same),
        named_decisions=(len(same), merged),
        _tables={},
    )


def shift(bits: np.ndarray, same: np.ndarray) -> float:
    """The shift d (bits) maximising sum log P(same_i | bits_i + d) - d^2 / (2 SPREAD^2),
    P(same | x) = 1 / (1 + 2^-x): Newton's method on a concave function."""
    d = 0.0
    for _iteration in range(100):
        p = 1.0 / (1.0 + np.exp2(-np.clip(bits + d, -60, 60)))
        gradient = math.log(2) * float((same - p).sum()) - d / SPREAD**2
        curvature = -(math.log(2) ** 2) * float((p * (1 - p)).sum()) - 1 / SPREAD**2
        step = gradient / curvature
        d -= step
        if abs(step) < 1e-9:
            break
    return d


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
