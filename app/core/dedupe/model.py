"""Fellegi-Sunter match model: m/u per comparison level, trained by EM, weights in bits.

For a pair, each field's level (comparison.py) contributes log2(m/u) bits, where m is the
probability of that level among true duplicates and u among different people. The sum plus
the prior log-odds gives a probability. m, u and the prior are estimated on the candidate
pairs of the association's own contacts by expectation-maximisation (no labels), starting
from DEFAULT_MODEL (trained on the French generator) which also serves when there is too
little data to train. A shared rare name weighs more than a shared common one (term
frequency). See docs/matching.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from app.core.dedupe.comparison import FIELD_INDEX, FIELDS, MISSING
from app.core.dedupe.normalise import Person

MAX_BITS = 20.0  # one field never says more than ~1:1,000,000
BIRTH_DIFFER_MAX = -6.0  # a different birth date stays strong negative evidence
TF_RANGE = (-3.0, 6.0)
EM_ITERATIONS = 60
EM_TOLERANCE = 1e-5
MIN_PAIRS_TO_TRAIN = 200
MAX_PRIOR = 0.7  # a bound that keeps EM off the degenerate "everything matches" answer
SMOOTHING = 0.5
FIRST, LAST = FIELD_INDEX["first"], FIELD_INDEX["last"]
CLOSE_NAME_LEVELS = {"first": (3, 4), "last": (2, 3)}  # Jaro-Winkler bands
EXACT_FIRST, EXACT_LAST = 5, 4


@dataclass
class Model:
    """m and u per field and level, the prior share of duplicates among compared pairs."""

    m: list[list[float]]
    u: list[list[float]]
    prior: float
    tf: dict[str, dict[str, float]] = field(default_factory=dict)  # field -> value -> share
    trained_on: int = 0  # candidate pairs used by EM (0: defaults)
    iterations: int = 0

    def weight_table(self) -> list[np.ndarray]:
        """Bits per level, with a trailing 0 so that index MISSING (-1) weighs nothing."""
        tables = []
        for spec, m, u in zip(FIELDS, self.m, self.u, strict=True):
            bits = np.log2(np.asarray(m) / np.asarray(u))
            bits = np.clip(bits, -MAX_BITS, MAX_BITS)
            for index, level in enumerate(spec.levels):
                if level.fixed_weight is not None:
                    bits[index] = level.fixed_weight
            if spec.name == "birth":
                bits[0] = min(bits[0], BIRTH_DIFFER_MAX)
            for index in CLOSE_NAME_LEVELS.get(spec.name, ()):
                bits[index] = max(bits[index], 0.0)  # a typo'd name is not evidence against
            tables.append(np.append(bits, 0.0))
        return tables

    @property
    def prior_bits(self) -> float:
        """log2 of the prior odds of a duplicate among compared pairs."""
        return math.log2(self.prior / (1 - self.prior))

    def tf_bits(self, field_name: str, value: str) -> float:
        """Extra bits for an exact agreement on `value` (rare: more, common: fewer)."""
        shares = self.tf.get(field_name)
        if not shares or not value:
            return 0.0
        reference = shares.get("\0reference", 0.0)
        share = shares.get(value, 0.0)
        if share <= 0 or reference <= 0:
            return 0.0
        low, high = TF_RANGE
        return min(max(math.log2(reference / share), low), high)

    def to_dict(self) -> dict:  # type: ignore[type-arg]
        """Plain data (for docs, `dedupe scan --json` and DEFAULT_MODEL)."""
        return {"m": self.m, "u": self.u, "prior": self.prior}


def term_frequencies(people: Sequence[Person]) -> dict[str, dict[str, float]]:
    """Share of each first and last name, and the reference share of an agreeing pair."""
    tables: dict[str, dict[str, float]] = {}
    for name, getter in (("first", lambda p: p.first), ("last", lambda p: p.last)):
        counts = Counter(v for v in map(getter, people) if v)
        total = sum(counts.values())
        if not total:
            continue
        shares = {v: c / total for v, c in counts.items()}
        p = np.fromiter(shares.values(), dtype=float)
        squared = p * p
        # geometric mean share of the value two agreeing random records have: adjustments
        # average to zero over agreements, rare values gain, common values lose
        reference = 2 ** float((squared * np.log2(p)).sum() / squared.sum())
        shares["\0reference"] = reference
        tables[name] = shares
    return tables


def patterns(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct level vectors and how many pairs have each (EM runs on these)."""
    if not len(levels):
        return np.zeros((0, len(FIELDS)), dtype=np.int8), np.zeros(0, dtype=np.int64)
    # one integer per row (3 bits a field: levels -1..6), far faster than unique rows
    shifts = np.arange(levels.shape[1], dtype=np.int64) * 3
    codes = ((levels.astype(np.int64) + 1) << shifts).sum(axis=1)
    unique_codes, counts = np.unique(codes, return_counts=True)
    unique = (((unique_codes[:, None] >> shifts) & 7) - 1).astype(np.int8)
    return unique, counts


def _fixed_bits(unique: np.ndarray) -> np.ndarray:
    """Bits of the fixed-weight levels (vetoes) per pattern."""
    bits = np.zeros(len(unique))
    for f, spec in enumerate(FIELDS):
        for index, level in enumerate(spec.levels):
            if level.fixed_weight is not None:
                bits += np.where(unique[:, f] == index, level.fixed_weight, 0.0)
    return bits


def _trainable(f: int) -> np.ndarray:
    return np.array([lv.fixed_weight is None for lv in FIELDS[f].levels])


def train(
    levels: np.ndarray,
    *,
    start: Model,
    tf: dict[str, dict[str, float]] | None = None,
    random_levels: np.ndarray | None = None,
    learn_levels: bool = True,
) -> Model:
    """EM (Winkler 1988) on the candidate pairs' level vectors, from `start`'s m, u, prior.

    With `random_levels` (pairs drawn at random, nearly all different people), u is their
    share of each level and stays fixed, as Splink does: EM then only has m and the prior to
    find, which keeps it from mistaking namesakes for duplicates."""
    unique, counts = patterns(levels)
    if counts.sum() < MIN_PAIRS_TO_TRAIN:
        return Model(start.m, start.u, start.prior, tf or {}, 0, 0)
    counts = counts.astype(float)
    m = [np.asarray(x, dtype=float) for x in start.m]
    u = [np.asarray(x, dtype=float) for x in start.u]
    if random_levels is not None and len(random_levels):
        weights = np.ones(len(random_levels))
        u = [_level_shares(random_levels[:, f], weights, u[f], f) for f in range(len(FIELDS))]
    prior = start.prior
    fixed = _fixed_bits(unique)
    iteration = 0
    for iteration in range(1, EM_ITERATIONS + 1):  # noqa: B007 - reported
        log_ratio = fixed.copy()
        for f in range(len(FIELDS)):
            column = unique[:, f]
            bits = np.append(np.log2(m[f] / u[f]), 0.0)
            bits[np.append(~_trainable(f), False)] = 0.0  # fixed levels counted in `fixed`
            log_ratio += bits[column]
        odds = np.exp2(np.clip(log_ratio + math.log2(prior / (1 - prior)), -60, 60))
        match = odds / (1 + odds)
        new_prior = float((match * counts).sum() / counts.sum())
        new_m, new_u = list(m), list(u)
        for f in range(len(FIELDS) if learn_levels else 0):
            new_m[f] = _level_shares(unique[:, f], match * counts, m[f], f)
            if random_levels is None:
                new_u[f] = _level_shares(unique[:, f], (1 - match) * counts, u[f], f)
        change = max(
            abs(new_prior - prior),
            max(float(np.abs(a - b).max()) for a, b in zip(new_m, m, strict=True)),
        )
        m, u, prior = new_m, new_u, min(max(new_prior, 1e-6), MAX_PRIOR)
        if change < EM_TOLERANCE:
            break
    return Model(
        [x.tolist() for x in m],
        [x.tolist() for x in u],
        prior,
        tf or {},
        int(counts.sum()),
        iteration,
    )


def _level_shares(
    column: np.ndarray, weights: np.ndarray, previous: np.ndarray, f: int
) -> np.ndarray:
    """Weighted share of each trainable level; fixed levels keep their previous value."""
    size = len(previous)
    present = column != MISSING
    totals = np.bincount(column[present], weights=weights[present], minlength=size)[:size]
    trainable = _trainable(f)
    mass = totals[trainable].sum()
    shares = previous.copy()
    budget = 1.0 - previous[~trainable].sum()
    shares[trainable] = (
        budget * (totals[trainable] + SMOOTHING) / (mass + SMOOTHING * trainable.sum())
    )
    return shares


def pair_bits(
    model: Model,
    levels: np.ndarray,
    tf_bits: np.ndarray | None = None,
    tables: list[np.ndarray] | None = None,
) -> np.ndarray:
    """Total match weight (bits, prior excluded) of each pair; `tf_bits` (pairs x 2) holds the
    term-frequency bits of the first and last name of each pair's first contact."""
    tables = tables or model.weight_table()
    bits = np.zeros(len(levels))
    for f, table in enumerate(tables):
        bits += table[levels[:, f]]
    if tf_bits is not None:
        bits += np.where(levels[:, FIRST] == EXACT_FIRST, tf_bits[:, 0], 0.0)
        bits += np.where(levels[:, LAST] == EXACT_LAST, tf_bits[:, 1], 0.0)
    return bits


def person_tf_bits(model: Model, people: Sequence[Person]) -> np.ndarray:
    """Term-frequency bits of each person's first and last name (people x 2)."""
    out = np.zeros((len(people), 2))
    if model.tf:
        for row, person in enumerate(people):
            out[row, 0] = model.tf_bits("first", person.first)
            out[row, 1] = model.tf_bits("last", person.last)
    return out


def probability(model: Model, bits: np.ndarray) -> np.ndarray:
    """Posterior probability of a duplicate from match weights."""
    return 1.0 / (1.0 + np.exp2(-np.clip(bits + model.prior_bits, -60, 60)))


def estimate_from_labels(levels: np.ndarray, is_match: np.ndarray) -> Model:
    """m and u counted on labelled pairs (how DEFAULT_MODEL is made), prior = share of
    duplicates."""
    start = Model(
        [[1.0 / len(f.levels)] * len(f.levels) for f in FIELDS],
        [[1.0 / len(f.levels)] * len(f.levels) for f in FIELDS],
        0.5,
    )
    m = [
        _level_shares(levels[:, f], is_match.astype(float), np.asarray(start.m[f]), f).tolist()
        for f in range(len(FIELDS))
    ]
    u = [
        _level_shares(levels[:, f], (~is_match).astype(float), np.asarray(start.u[f]), f).tolist()
        for f in range(len(FIELDS))
    ]
    return Model(m, u, float(is_match.mean()))


def default_model() -> Model:
    """The model trained once on the French generator (used before/without training)."""
    from app.core.dedupe.default_model import DEFAULT

    m: list[list[float]] = DEFAULT["m"]  # type: ignore[assignment]
    u: list[list[float]] = DEFAULT["u"]  # type: ignore[assignment]
    prior: float = DEFAULT["prior"]  # type: ignore[assignment]
    return Model(m, u, prior)
