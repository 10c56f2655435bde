"""Fellegi-Sunter match model: m/u per comparison level, trained by EM, weights in bits.

For a pair, each field's level (comparison.py) contributes log2(m/u) bits, where m is the
probability of that level among true duplicates and u among different people. The sum plus
the prior log-odds gives a probability. Learnt on the association's own contacts, no labels:
u from random pairs and the values' frequencies (estimate_u), m by EM on the candidate pairs,
one session per TRAINING_RULES (train), the prior over all pairs; the generic start values
(default_model.py, set by hand) serve where the data is too small. A shared rare name weighs
more than a shared common one (term frequency); namesakes at one address get their own u
for the address fields. See docs/matching.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from app.core.dedupe.arrays import distinct_with_counts
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
HOUSEHOLD = (FIELD_INDEX["place"], FIELD_INDEX["street"])


@dataclass
class Model:
    """m and u per field and level, the prior share of duplicates among compared pairs."""

    m: list[list[float]]
    u: list[list[float]]
    prior: float
    tf: dict[str, dict[str, float]] = field(default_factory=dict)  # field -> value -> share
    trained_on: int = 0  # candidate pairs used by EM (0: defaults)
    iterations: int = 0
    # u of the household fields (commune, rue) among different people with the same first
    # and last name (a parent and child of one name at one address): learnt by EM
    u_named: list[list[float]] | None = None
    # extra bits of a pair with the same first and last name: names are not independent
    # among different people (a family passes on its surname and often a first name), so
    # the file's own count of namesakes can say a shared full name is worth less than the
    # product of the two names' u (never more): see `namesake_bits`
    named_bits: float = 0.0
    # what the association's decisions add to the pairs the name alone links (the one
    # number a file cannot tell without labels: decisions.teach), and how many decisions
    # (decided, merged) it rests on
    decided_bits: float = 0.0
    named_decisions: tuple[int, int] = (0, 0)
    _tables: dict[bool, list[np.ndarray]] = field(default_factory=dict, repr=False, compare=False)

    def weight_table(self, named: bool = False) -> list[np.ndarray]:
        """Bits per level, with a trailing 0 so that index MISSING (-1) weighs nothing;
        `named`: for a pair with the same first and last name."""
        named = named and self.u_named is not None
        if named not in self._tables:
            self._tables[named] = self._weight_table(self.u_named if named else self.u)  # type: ignore[arg-type]
        return self._tables[named]

    def _weight_table(self, u_values: list[list[float]]) -> list[np.ndarray]:
        tables = []
        for spec, m, u in zip(FIELDS, self.m, u_values, strict=True):
            bits = np.log2(np.asarray(m) / np.asarray(u))
            bits = np.clip(bits, -MAX_BITS, MAX_BITS)
            for index, level in enumerate(spec.levels):
                if level.fixed_weight is not None:
                    bits[index] = level.fixed_weight
            if spec.name == "birth":
                bits[0] = min(bits[0], BIRTH_DIFFER_MAX)
            for index in CLOSE_NAME_LEVELS.get(spec.name, ()):
                bits[index] = max(bits[index], 0.0)  # a typo'd name is not evidence against
            # an exact agreement is never evidence against, and a near agreement never says
            # more than an exact one (an initial "C." is not better evidence than "Claire"):
            # EM can make a level rare in the data look telling, or a missing one damning
            agree = [i for i, lv in enumerate(spec.levels) if lv.status == "agree"]
            for index in agree:
                bits[index] = max(bits[index], 0.0)
            ceiling = min((bits[i] for i in agree), default=MAX_BITS)
            for index, level in enumerate(spec.levels):
                if level.status == "close" and level.fixed_weight is None:
                    bits[index] = min(bits[index], ceiling)
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


def pattern_codes(levels: np.ndarray) -> np.ndarray:
    """One integer per level vector (3 bits a field: levels -1..6), equal vectors equal."""
    shifts = np.arange(len(FIELDS), dtype=np.int64) * 3
    return np.asarray(((levels.astype(np.int64) + 1) << shifts).sum(axis=1))


def patterns(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct level vectors and how many pairs have each (EM runs on these)."""
    if not len(levels):
        return np.zeros((0, len(FIELDS)), dtype=np.int8), np.zeros(0, dtype=np.int64)
    shifts = np.arange(levels.shape[1], dtype=np.int64) * 3
    unique_codes, counts = distinct_with_counts(pattern_codes(levels))
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


@dataclass(frozen=True)
class TrainingRule:
    """Pairs agreeing exactly on these fields: an EM session that estimates m for the other
    fields (Splink's way: among pairs selected on a field, that field says nothing, and the
    different people in it are random pairs for the other fields)."""

    name: str
    agree: tuple[tuple[str, int], ...]  # (field, its exact level)
    learns: tuple[str, ...]  # fields whose m this session estimates


# Different people sharing a surname, an address, an e-mail or a phone are often one
# household (parent and child, a couple): among them these fields go together, so a session
# selected on one of them does not learn the others (they would make a household look like
# one person). A birth date shared by two people is chance: that session learns everything.
TRAINING_RULES = (
    TrainingRule(
        "date de naissance",
        (("birth", 4),),
        ("first", "last", "email", "phone", "place", "street", "gender"),
    ),
    TrainingRule("prénom et nom", (("first", 5), ("last", 4)), ("birth", "email", "phone")),
    TrainingRule("courriel", (("email", 2),), ("first", "birth")),
    TrainingRule("téléphone", (("phone", 2),), ("first", "birth")),
)
MIN_SESSION_PAIRS = 40  # fewer pairs agreeing on a rule: its session is skipped
SESSION_START_PRIOR = 0.1  # with one telling field EM has a ridge of answers: start low
PRIOR_PSEUDO_PAIRS = 10_000  # weight of the default prior against the data's own
U_PSEUDO_PAIRS = 2_000.0
SURELY_DIFFERENT = 0.05
MIN_NAMESAKES = 10.0  # namesakes shown different needed to learn their u (and its weight)


def train(
    levels: np.ndarray,
    *,
    start: Model,
    u: list[np.ndarray] | None = None,
    total_pairs: int = 0,
    tf: dict[str, dict[str, float]] | None = None,
    same_name_share: float = 0.0,
) -> Model:
    """m by EM on the candidate pairs, one session per TRAINING_RULES, with u fixed (`u`: the
    level shares of random pairs, see `estimate_u`); then the prior, the share of duplicates
    among all `total_pairs` pairs, as the fixed point of EM with m and u fixed (pairs that
    were never compared count as different people). Label-free: `start` holds generic
    m values used where a session has too few pairs. `same_name_share`: the share of all
    pairs with the same first and last name (see `namesake_bits`)."""
    unique, counts = patterns(levels)
    u = u if u is not None else [np.asarray(x, dtype=float) for x in start.u]
    m_start = [np.asarray(x, dtype=float) for x in start.m]
    if counts.sum() < MIN_PAIRS_TO_TRAIN:
        return Model(
            [x.tolist() for x in m_start],
            [x.tolist() for x in u],
            start.prior,
            tf or {},
            u_named=start.u_named,
        )
    counts = counts.astype(float)
    fixed = _fixed_bits(unique)
    sums = [np.zeros(len(x)) for x in m_start]
    weights = [0.0] * len(FIELDS)
    iterations = 0
    for rule in TRAINING_RULES:
        indexes = [FIELD_INDEX[name] for name, _level in rule.agree]
        rows = np.ones(len(unique), dtype=bool)
        for f, level in zip(indexes, (lv for _n, lv in rule.agree), strict=True):
            rows &= unique[:, f] == level
        if counts[rows].sum() < MIN_SESSION_PAIRS:
            continue
        active = [FIELD_INDEX[name] for name in rule.learns]
        m, n = _session(unique[rows], counts[rows], fixed[rows], m_start, u, active)
        iterations = max(iterations, n)
        for f in active:
            present = unique[rows][:, f] != MISSING
            mass = float(m[1][present].sum()) if present.any() else 0.0
            if mass > 0:
                sums[f] += mass * m[0][f]
                weights[f] += mass
    m_final = [sums[f] / weights[f] if weights[f] > 0 else m_start[f] for f in range(len(FIELDS))]
    u_named = _named_u(unique, counts, fixed, m_final, u)
    log_ratio = _log_ratio(unique, fixed, m_final, u, range(len(FIELDS)))
    named = named_rows(unique)
    if u_named is not None:
        log_ratio[named] = _log_ratio(
            unique[named], fixed[named], m_final, u_named, range(len(FIELDS))
        )
    named_bits, prior = _namesakes_and_prior(
        log_ratio, counts, named, u, same_name_share, total_pairs, start.prior
    )
    return Model(
        [x.tolist() for x in m_final],
        [x.tolist() for x in u],
        prior,
        tf or {},
        int(counts.sum()),
        iterations,
        [x.tolist() for x in u_named] if u_named is not None else None,
        named_bits,
    )


def _named_u(
    unique: np.ndarray,
    counts: np.ndarray,
    fixed: np.ndarray,
    m: list[np.ndarray],
    u: list[np.ndarray],
) -> list[np.ndarray] | None:
    """u of commune and rue among different people of the same first and last name, counted
    on the pairs of the same name that the other fields (birth date, e-mail, phone,
    civility) show to be different people (posterior under SURELY_DIFFERENT, the share of
    duplicates among these pairs found by EM on those fields alone). None when too few."""
    rows = named_rows(unique)
    if counts[rows].sum() < MIN_SESSION_PAIRS:
        return None
    unique, counts, fixed = unique[rows], counts[rows], fixed[rows]
    others = [f for f in range(len(FIELDS)) if f not in (*HOUSEHOLD, FIRST, LAST)]
    log_ratio = _log_ratio(unique, fixed, m, u, others)
    prior = 0.5
    for _iteration in range(EM_ITERATIONS):
        odds = np.exp2(np.clip(log_ratio + math.log2(prior / (1 - prior)), -60, 60))
        new = min(max(float((odds / (1 + odds) * counts).sum() / counts.sum()), 1e-6), 1 - 1e-6)
        if abs(new - prior) < EM_TOLERANCE:
            break
        prior = new
    odds = np.exp2(np.clip(log_ratio + math.log2(prior / (1 - prior)), -60, 60))
    weights = np.where(odds / (1 + odds) < SURELY_DIFFERENT, counts, 0.0)
    u_named = list(u)
    for f in HOUSEHOLD:
        column = unique[:, f]
        present = column != MISSING
        if weights[present].sum() < MIN_NAMESAKES:
            return None
        size = len(u[f])
        totals = np.bincount(column[present], weights=weights[present], minlength=size)[:size]
        shares = (totals + MIN_NAMESAKES * u[f]) / (totals.sum() + MIN_NAMESAKES)
        u_named[f] = np.maximum(shares, u[f])  # never more telling than random pairs
    return u_named


def namesake_bits(u: list[np.ndarray], same_name_share: float, duplicates_share: float) -> float:
    """Bits to add to a shared full name: log2 of (u of the first name x u of the last name)
    over the share of pairs of different people that share both, counted in the file
    (`same_name_share` of all pairs share both names, `duplicates_share` of those are one
    person, as the whole model judges them). Zero when names are independent (or
    rarer together than apart); negative where families and namesakes make a shared full
    name common among different people."""
    different = same_name_share * (1.0 - duplicates_share)
    independent = float(u[FIRST][EXACT_FIRST] * u[LAST][EXACT_LAST])
    if different <= 0 or independent <= 0:
        return 0.0
    return min(0.0, math.log2(independent / different))


def _log_ratio(
    unique: np.ndarray,
    fixed: np.ndarray,
    m: list[np.ndarray],
    u: list[np.ndarray],
    fields: Iterable[int],
) -> np.ndarray:
    log_ratio = fixed.copy()
    for f in fields:
        bits = np.append(np.log2(m[f] / u[f]), 0.0)
        bits[np.append(~_trainable(f), False)] = 0.0  # fixed levels counted in `fixed`
        log_ratio += bits[unique[:, f]]
    return log_ratio


def _session(
    unique: np.ndarray,
    counts: np.ndarray,
    fixed: np.ndarray,
    m_start: list[np.ndarray],
    u: list[np.ndarray],
    active: list[int],
) -> tuple[tuple[list[np.ndarray], np.ndarray], int]:
    """EM on the pairs of one training rule: m of the `active` fields and the share of
    duplicates among these pairs; returns (m, posterior mass per pattern), iterations."""
    m = list(m_start)
    prior = SESSION_START_PRIOR
    match = np.zeros(len(unique))
    iteration = 0
    for iteration in range(1, EM_ITERATIONS + 1):  # noqa: B007 - reported
        log_ratio = _log_ratio(unique, fixed, m, u, active)
        odds = np.exp2(np.clip(log_ratio + math.log2(prior / (1 - prior)), -60, 60))
        match = odds / (1 + odds)
        new_prior = min(max(float((match * counts).sum() / counts.sum()), 1e-6), 1 - 1e-6)
        new_m = list(m)
        for f in active:
            new_m[f] = _level_shares(unique[:, f], match * counts, m[f], f)
        change = max(
            abs(new_prior - prior),
            max(float(np.abs(new_m[f] - m[f]).max()) for f in active),
        )
        m, prior = new_m, new_prior
        if change < EM_TOLERANCE:
            break
    return (m, match * counts), iteration


def _namesakes_and_prior(
    log_ratio: np.ndarray,
    counts: np.ndarray,
    named: np.ndarray,
    u: list[np.ndarray],
    same_name_share: float,
    total_pairs: int,
    default: float,
) -> tuple[float, float]:
    """The namesake bits and the prior together, as EM's fixed point: the share of
    duplicates among the compared pairs of one full name (posteriors of the whole model)
    gives the share of different people that share a full name, hence the bits."""
    named_bits = 0.0
    prior = _prior(log_ratio, counts, total_pairs, default)
    if not named.any() or same_name_share <= 0:
        return named_bits, prior
    weights = counts[named]
    for _iteration in range(EM_ITERATIONS):
        shifted = log_ratio.copy()
        shifted[named] += named_bits
        prior = _prior(shifted, counts, total_pairs, default)
        odds = np.exp2(np.clip(shifted[named] + math.log2(prior / (1 - prior)), -60, 60))
        duplicates = float((odds / (1 + odds) * weights).sum() / weights.sum())
        new = namesake_bits(u, same_name_share, duplicates)
        if abs(new - named_bits) < 0.01:
            return new, prior
        named_bits = new
    return named_bits, prior


def _prior(log_ratio: np.ndarray, counts: np.ndarray, total_pairs: int, default: float) -> float:
    """Share of duplicates among all pairs: EM's fixed point for the prior alone, with the
    default prior worth PRIOR_PSEUDO_PAIRS pairs (small files keep it)."""
    if total_pairs <= 0:
        return default
    prior = default
    for _iteration in range(200):
        odds = np.exp2(np.clip(log_ratio + math.log2(prior / (1 - prior)), -60, 60))
        expected = float((odds / (1 + odds) * counts).sum())
        new = (expected + default * PRIOR_PSEUDO_PAIRS) / (total_pairs + PRIOR_PSEUDO_PAIRS)
        new = min(max(new, 1e-12), MAX_PRIOR)
        if abs(new - prior) <= 1e-3 * prior:
            return new
        prior = new
    return prior


def estimate_u(
    random: np.ndarray,
    start: Model,
    exact: dict[int, tuple[int, float, int]] | None = None,
    total_pairs: int = 0,
) -> list[np.ndarray]:
    """u per field: the level shares of pairs drawn at random (nearly all different people),
    blended with the default u (worth U_PSEUDO_PAIRS pairs, for small files); `exact` gives,
    per field, (exact level, share of random pairs agreeing on it counted from the values'
    frequencies, number of pairs that share rests on), more precise than a sample."""
    out = []
    for f in range(len(FIELDS)):
        default = np.asarray(start.u[f], dtype=float)
        column = random[:, f] if len(random) else np.zeros(0, dtype=np.int8)
        present = column[column != MISSING]
        size = len(default)
        counts = np.bincount(present, minlength=size)[:size].astype(float)
        if total_pairs and counts.sum() > total_pairs:  # a small file: few distinct pairs
            counts *= total_pairs / counts.sum()
        n = float(counts.sum())
        shares = (counts + U_PSEUDO_PAIRS * default) / (n + U_PSEUDO_PAIRS)
        if exact and f in exact:
            level, share, pairs = exact[f]
            agree = (share * pairs + U_PSEUDO_PAIRS * default[level]) / (pairs + U_PSEUDO_PAIRS)
            others = np.delete(np.arange(size), level)
            shares[others] *= (1 - agree) / shares[others].sum()
            shares[level] = agree
        trainable = _trainable(f)
        shares = np.maximum(shares, 1e-9)
        shares[~trainable] = default[~trainable]
        out.append(shares)
    return out


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


def named_rows(levels: np.ndarray) -> np.ndarray:
    """Pairs with the same first and last name (their household fields weigh less)."""
    return np.asarray((levels[:, FIRST] == EXACT_FIRST) & (levels[:, LAST] == EXACT_LAST))


IDENTIFIERS = tuple(FIELD_INDEX[name] for name in ("birth", "email", "phone", "siren"))


def name_only_rows(levels: np.ndarray) -> np.ndarray:
    """Pairs with the same first and last name and no identifier on both sides (birth
    date, e-mail, phone, SIREN): only the name and the addresses link them."""
    rows = named_rows(levels)
    for f in IDENTIFIERS:
        rows &= levels[:, f] == MISSING
    return rows


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
    named = named_rows(levels)
    bits[named] += model.named_bits
    if model.decided_bits:
        bits[name_only_rows(levels)] += model.decided_bits
    if model.u_named is not None:
        for f, table in enumerate(model.weight_table(named=True)):
            if f in HOUSEHOLD:
                bits[named] += table[levels[named, f]] - tables[f][levels[named, f]]
    if tf_bits is not None:
        bits += np.where(levels[:, FIRST] == EXACT_FIRST, tf_bits[:, 0], 0.0)
        bits += np.where(levels[:, LAST] == EXACT_LAST, tf_bits[:, 1], 0.0)
    return bits


def person_tf_bits(model: Model, people: Sequence[Person]) -> np.ndarray:
    """Term-frequency bits of each person's first and last name (people x 2)."""
    out = np.zeros((len(people), 2))
    if model.tf:
        for column, names in enumerate(([p.first for p in people], [p.last for p in people])):
            field_name = ("first", "last")[column]
            bits = {name: model.tf_bits(field_name, name) for name in set(names)}  # once each
            out[:, column] = np.fromiter((bits[n] for n in names), dtype=float, count=len(names))
    return out


def probability(model: Model, bits: np.ndarray) -> np.ndarray:
    """Posterior probability of a duplicate from match weights."""
    return 1.0 / (1.0 + np.exp2(-np.clip(bits + model.prior_bits, -60, 60)))


def estimate_from_labels(levels: np.ndarray, is_match: np.ndarray) -> Model:
    """m and u counted on labelled pairs (benchmarks and tests compare EM with it), prior = share of
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
    """The generic model set by hand (default_model.py), used before/without training."""
    from app.core.dedupe.default_model import DEFAULT

    m: list[list[float]] = DEFAULT["m"]  # type: ignore[assignment]
    u: list[list[float]] = DEFAULT["u"]  # type: ignore[assignment]
    prior: float = DEFAULT["prior"]  # type: ignore[assignment]
    named: dict[str, list[float]] = DEFAULT["u_named"]  # type: ignore[assignment]
    u_named = [named.get(spec.name, values) for spec, values in zip(FIELDS, u, strict=True)]
    return Model(m, u, prior, u_named=u_named)
