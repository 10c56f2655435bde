"""Full scan: load contacts with a lean query, block, compare, train the model by EM on the
candidate pairs, score, group into candidate groups."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.dedupe.arrays import distinct_with_counts, union
from app.core.dedupe.blocking import candidate_rows
from app.core.dedupe.comparison import FIELD_INDEX, FIELDS, Columns, compare_many
from app.core.dedupe.decisions import (
    DECISIONS_FIELD,
    Decision,
    Tally,
    people_before_merge,
    tally,
    teach,
)
from app.core.dedupe.model import (
    Model,
    default_model,
    estimate_u,
    pair_bits,
    pattern_codes,
    person_tf_bits,
    probability,
    term_frequencies,
    train,
)
from app.core.dedupe.normalise import Person, normalise_row
from app.core.dedupe.scoring import Evidence, PairScore, build_score
from app.core.infrastructure.permissions import Permission, require
from app.core.progress import NULL_PROGRESS, CancelToken, Progress
from app.errors import ValidationError
from app.i18n import _
from app.models import (
    Contact,
    ContactEmail,
    ContactPhone,
    MergeRecord,
    NotDuplicate,
    PostalAddress,
    Setting,
)
from app.models.enums import ContactStatus

SUGGESTION_THRESHOLD = 0.8  # probability; setting "dedupe.suggestion_threshold"
SAFE_THRESHOLD = 0.99  # probability; setting "dedupe.safe_threshold"
# "inclure les cas incertains": pairs from this probability up to the suggestion threshold
# are shown "à vérifier" on request (deciding them teaches the scan, decisions.py)
UNCERTAIN_THRESHOLD = 0.3
SUGGESTION_KEY, SAFE_KEY = "dedupe.suggestion_threshold", "dedupe.safe_threshold"
CHUNK = 250_000
RANDOM_PAIRS = 100_000
SIREN = FIELD_INDEX["siren"]


@dataclass(frozen=True)
class Thresholds:
    """Probabilities: a pair is suggested at `suggestion`, merged in batch at `safe`."""

    suggestion: float = SUGGESTION_THRESHOLD
    safe: float = SAFE_THRESHOLD


def load_thresholds(session: Session) -> Thresholds:
    """The thresholds set for this association (defaults when never set)."""
    values: dict[str, Any] = dict(
        session.execute(
            select(Setting.key, Setting.value).where(Setting.key.in_((SUGGESTION_KEY, SAFE_KEY)))
        ).all()
    )
    return Thresholds(
        float(values.get(SUGGESTION_KEY, SUGGESTION_THRESHOLD)),
        float(values.get(SAFE_KEY, SAFE_THRESHOLD)),
    )


def save_thresholds(session: Session, thresholds: Thresholds) -> None:
    """Store both thresholds (probabilities, suggestion <= safe)."""
    require(session, Permission.SETTINGS_WRITE)
    if not 0 < thresholds.suggestion <= thresholds.safe < 1:
        raise ValidationError(
            _(
                "Seuils de doublons : des probabilités entre 0 et 1 sont attendues, le seuil "
                "de suggestion au plus égal au seuil de fusion en lot."
            ),
            field="dedupe_thresholds",
        )
    for key, value in ((SUGGESTION_KEY, thresholds.suggestion), (SAFE_KEY, thresholds.safe)):
        row = session.get(Setting, key) or Setting(key=key)
        row.value = value
        session.add(row)
    session.flush()


@dataclass(frozen=True)
class CandidateGroup:
    """Contacts that are probably the same donor, with the pair scores that link them."""

    member_ids: tuple[int, ...]
    score: float  # best pair score (probability x 100)
    pairs: tuple[PairScore, ...]
    safe_threshold: float = SAFE_THRESHOLD

    @property
    def safe(self) -> bool:
        """High probability, a strong identifier on every pair, no strong negative evidence:
        may be merged in batch."""
        return all(
            p.strong_identifier and not p.veto and p.probability >= self.safe_threshold
            for p in self.pairs
        )

    @property
    def best(self) -> PairScore:
        """The pair with the highest score."""
        return max(self.pairs, key=lambda p: p.score)

    @property
    def reasons(self) -> list[str]:
        """Reasons of the best pair."""
        return list(self.best.reasons)

    @property
    def evidence(self) -> tuple[Evidence, ...]:
        """Evidence per field of the best pair."""
        return self.best.evidence


def _first_values(session: Session, query) -> dict[int, tuple]:  # type: ignore[no-untyped-def,type-arg]
    """contact_id -> the first row (lowest id / primary first) of a child table."""
    found: dict[int, tuple] = {}  # type: ignore[type-arg]
    for row in session.connection().execute(query):  # Core rows: no ORM loading per row
        found.setdefault(row[0], tuple(row[1:]))
    return found


def load_people(session: Session, *, ids: list[int] | None = None) -> list[Person]:
    """Every active contact (or `ids`) as a Person: four plain queries, no ORM objects."""
    query = select(
        Contact.id,
        Contact.kind,
        Contact.civility,
        Contact.first_name,
        Contact.last_name,
        Contact.birth_name,
        Contact.organisation_name,
        Contact.siren,
        Contact.birth_date,
    ).where(Contact.status == ContactStatus.ACTIVE)
    if ids is not None:
        query = query.where(Contact.id.in_(ids))
    emails = _first_values(
        session,
        select(ContactEmail.contact_id, ContactEmail.email).order_by(
            ContactEmail.contact_id, ContactEmail.position, ContactEmail.id
        ),
    )
    phones = _first_values(
        session,
        select(ContactPhone.contact_id, ContactPhone.number).order_by(
            ContactPhone.contact_id, ContactPhone.position, ContactPhone.id
        ),
    )
    places = _first_values(
        session,
        select(
            PostalAddress.contact_id,
            PostalAddress.postcode,
            PostalAddress.city,
            PostalAddress.line4,
        ).order_by(PostalAddress.contact_id, PostalAddress.is_primary.desc(), PostalAddress.id),
    )
    people = []
    keys = [str(column.key) for column in query.selected_columns]
    no_place = ("", "", "")
    for row in session.connection().execute(query):
        values: dict[str, Any] = dict(zip(keys, row, strict=True))
        contact: int = values["id"]
        place = places.get(contact, no_place)
        values.update(
            email=emails.get(contact, ("",))[0],
            phone=phones.get(contact, ("",))[0],
            postcode=place[0],
            city=place[1],
            street=place[2],
        )
        people.append(normalise_row(values))
    return people


def not_duplicates(session: Session) -> set[tuple[int, int]]:
    """Pairs a user said are different people."""
    return {
        (r.contact_a_id, r.contact_b_id)
        for r in session.execute(select(NotDuplicate.contact_a_id, NotDuplicate.contact_b_id))
    }


@dataclass
class Compared:
    """Level vectors of candidate pairs (arrays, one row per pair)."""

    people: list[Person]
    first: np.ndarray  # row of each pair's first contact in `people`
    second: np.ndarray
    levels: np.ndarray
    swapped: np.ndarray
    columns: Columns | None = None


def compare_pairs(
    people: list[Person],
    pairs: Iterable[tuple[int, int]],
    *,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> Compared:
    """Comparison levels of every pair of ids (see `compare_rows`)."""
    row_of = {p.id: row for row, p in enumerate(people)}
    flat = np.fromiter((row_of[i] for pair in pairs for i in pair), dtype=np.int64)
    return compare_rows(people, flat[0::2], flat[1::2], progress=progress, cancel=cancel)


def compare_rows(
    people: list[Person],
    first: np.ndarray,
    second: np.ndarray,
    *,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
    columns: Columns | None = None,
) -> Compared:
    """Comparison levels of every pair of rows of `people`, by chunks (numpy; rapidfuzz once
    per distinct pair of values)."""
    columns = columns or Columns(people)
    levels = np.empty((len(first), len(FIELDS)), dtype=np.int8)
    swapped = np.zeros(len(first), dtype=bool)
    progress.start(len(first), _("Comparaison des contacts"))
    for start in range(0, len(first), CHUNK):
        end = start + CHUNK
        levels[start:end], swapped[start:end] = compare_many(
            columns, first[start:end], second[start:end]
        )
        progress.advance(min(CHUNK, len(first) - start))
        if cancel is not None:
            cancel.raise_if_cancelled()
    return Compared(people, first, second, levels, swapped, columns)


def candidate_rows_of(
    people: list[Person],
    excluded: set[tuple[int, int]],
    extra: Iterable[tuple[int, int]] = (),
    columns: Columns | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the candidate pairs (blocking), plus the `extra` pairs of ids, minus the
    `excluded` ones (pairs of ids said to be different people)."""
    n = max(len(people), 1)
    first, second = candidate_rows(people, columns)
    codes = first * n + second
    row_of = {p.id: row for row, p in enumerate(people)}

    def encode(pairs: Iterable[tuple[int, int]]) -> np.ndarray:
        rows = [(row_of[a], row_of[b]) for a, b in pairs if a in row_of and b in row_of and a != b]
        if not rows:
            return np.zeros(0, dtype=np.int64)
        array = np.asarray(rows, dtype=np.int64)
        return np.minimum(array[:, 0], array[:, 1]) * n + np.maximum(array[:, 0], array[:, 1])

    codes = union(codes, encode(extra))
    if excluded:
        codes = codes[~np.isin(codes, encode(excluded))]
    first, second = codes // n, codes % n
    ids = np.fromiter((p.id for p in people), dtype=np.int64, count=len(people))
    turn = ids[first] > ids[second]  # each pair as (lower id, higher id)
    first[turn], second[turn] = second[turn], first[turn].copy()
    return first, second


def fit(people: list[Person], compared: Compared, *, start: Model | None = None) -> Model:
    """The model of these contacts, label-free: u from random pairs and the values'
    frequencies, m by EM on the candidate pairs (one session per training rule), the prior
    over all pairs; with the names' frequencies."""
    start = start or default_model()
    columns = compared.columns or Columns(people)
    total = len(people) * (len(people) - 1) // 2
    u = estimate_u(random_levels(people, columns), start, exact_agreement(columns), total)
    return train(
        compared.levels,
        start=start,
        u=u,
        total_pairs=total,
        tf=term_frequencies(people),
        same_name_share=same_name_share(columns),
    )


EXACT_LEVELS = {"first": 5, "last": 4, "birth": 4, "email": 2, "phone": 2, "place": 3}


def exact_agreement(columns: Columns) -> dict[int, tuple[int, float, int]]:
    """Per field: (exact level, share of pairs of contacts agreeing on it, number of pairs
    with the field on both sides), counted from the values' frequencies (exact, no sample)."""
    out = {}
    for name, level in EXACT_LEVELS.items():
        codes = {
            "first": columns.first,
            "last": columns.last,
            "birth": columns.birth,
            "email": columns.email,
            "phone": columns.phone,
            "place": columns.postcode,
        }[name]
        present = codes[codes != 0]
        n = len(present)
        if n < 2:
            continue
        counts = distinct_with_counts(present)[1].astype(float)
        pairs = n * (n - 1) / 2
        agreeing = float((counts * (counts - 1) / 2).sum())
        out[FIELD_INDEX[name]] = (level, agreeing / pairs, int(pairs))
    return out


def same_name_share(columns: Columns) -> float:
    """Share of the pairs of contacts with both names that have the same first and last name
    (counted from the full names' frequencies)."""
    present = (columns.first != 0) & (columns.last != 0)
    n = int(present.sum())
    if n < 2:
        return 0.0
    full = columns.first[present].astype(np.int64) * (int(columns.last.max()) + 1) + columns.last[
        present
    ].astype(np.int64)
    counts = distinct_with_counts(full)[1].astype(float)
    return float((counts * (counts - 1) / 2).sum()) / (n * (n - 1) / 2)


def random_levels(
    people: list[Person], columns: Columns, *, count: int = RANDOM_PAIRS
) -> np.ndarray:
    """Levels of pairs drawn at random (seeded: the same data gives the same model)."""
    if len(people) < 2:
        return np.zeros((0, len(FIELDS)), dtype=np.int8)
    rng = np.random.default_rng(20)
    count = min(count, max(20 * len(people), 20_000))  # a small file needs fewer
    first = rng.integers(0, len(people), count)
    second = rng.integers(0, len(people), count)
    keep = first != second
    return compare_many(columns, first[keep], second[keep])[0]


def score_pairs(
    people: list[Person],
    pairs: set[tuple[int, int]],
    *,
    threshold: float,
    model: Model | None = None,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> list[PairScore]:
    """Scores of the candidate pairs at or above `threshold` (a probability). Trains the model
    on these pairs unless one is given."""
    compared = compare_pairs(people, sorted(pairs), progress=progress, cancel=cancel)
    model = model or fit(people, compared)
    return score_compared(compared, model, threshold=threshold)


def compared_probabilities(compared: Compared, model: Model) -> np.ndarray:
    """Probability of every compared pair."""
    tf = person_tf_bits(model, compared.people)[compared.first]
    tf[compared.swapped] = 0.0
    chances = probability(model, pair_bits(model, compared.levels, tf))
    chances[compared.levels[:, SIREN] == 0] = 0.0  # different SIRENs: two organisations
    return chances


def score_compared(
    compared: Compared, model: Model, *, threshold: float, decisions: Tally | None = None
) -> list[PairScore]:
    """PairScores (with evidence) of the compared pairs at or above `threshold`, the
    association's `decisions` on pairs like them taken into account."""
    tables = model.weight_table()
    chances = compared_probabilities(compared, model)
    decided = decisions if decisions is not None and decisions.counts else None
    codes = pattern_codes(compared.levels) if decided is not None else None
    if decided is not None and codes is not None:
        chances = decided.adjust(codes, chances)
    people = compared.people
    kept = []
    for index in np.flatnonzero(chances >= threshold).tolist():
        score = build_score(
            model,
            people[compared.first[index]],
            people[compared.second[index]],
            compared.levels[index].tolist(),
            bool(compared.swapped[index]),
            float(chances[index]),
            tables,
        )
        note = decided.note(int(codes[index])) if decided is not None and codes is not None else ""
        if note:
            evidence = Evidence(_(DECISIONS_FIELD), "note", note, 0.0)
            score = replace(
                score, reasons=(*score.reasons, note), evidence=(evidence, *score.evidence)
            )
        kept.append(score)
    return kept


def group_pairs(
    scores: list[PairScore], *, safe_threshold: float = SAFE_THRESHOLD
) -> list[CandidateGroup]:
    """Connected groups (union-find), best score first."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in scores:
        parent[find(pair.a)] = find(pair.b)
    members: dict[int, set[int]] = defaultdict(set)
    links: dict[int, list[PairScore]] = defaultdict(list)
    for pair in scores:
        root = find(pair.a)
        members[root].update((pair.a, pair.b))
        links[root].append(pair)
    groups = [
        CandidateGroup(
            tuple(sorted(members[r])),
            max(p.score for p in links[r]),
            tuple(links[r]),
            safe_threshold,
        )
        for r in members
    ]
    return sorted(groups, key=lambda g: (-g.score, g.member_ids))


def scan(
    session: Session,
    *,
    threshold: float | None = None,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> list[CandidateGroup]:
    """Candidate duplicate groups among all active contacts (model trained on them), plus
    the pairs other features suggested (suggestions.py)."""
    from app.core.dedupe.suggestions import suggested_pairs

    return scan_people(
        load_people(session),
        not_duplicates(session),
        load_thresholds(session),
        threshold=threshold,
        suggested=suggested_pairs(session),
        decisions=tally(load_decisions(session)),
        progress=progress,
        cancel=cancel,
    )


def load_decisions(session: Session) -> list[Decision]:
    """The association's answers: every "pas un doublon" between two contacts still there
    (two people), every merge not undone (one person: its contacts as they were before)."""
    different = [
        (r.contact_a_id, r.contact_b_id)
        for r in session.execute(select(NotDuplicate.contact_a_id, NotDuplicate.contact_b_id))
    ]
    ids = sorted({i for pair in different for i in pair})
    by_id = {p.id: p for p in load_people(session, ids=ids)} if ids else {}
    found = [
        Decision(by_id[a], by_id[b], same=False) for a, b in different if a in by_id and b in by_id
    ]
    for state in session.scalars(
        select(MergeRecord.before_state).where(MergeRecord.undone_at.is_(None))
    ):
        people = people_before_merge(state)
        found += [Decision(a, b, same=True) for i, a in enumerate(people) for b in people[i + 1 :]]
    return found


def scan_people(
    people: list[Person],
    excluded: set[tuple[int, int]],
    thresholds: Thresholds = Thresholds(),
    *,
    threshold: float | None = None,
    suggested: dict[tuple[int, int], str] | None = None,
    decisions: Tally | None = None,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
    timings: dict[str, float] | None = None,
) -> list[CandidateGroup]:
    """Block, compare, train, score and group (no database); `decisions`: the association's
    earlier answers (decisions.py); `timings` receives the seconds of each step
    (benchmarks/dedupe.py)."""
    import time

    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        if timings is not None:
            now = time.perf_counter()
            timings[name] = timings.get(name, 0.0) + now - clock
            clock = now

    by_id = {p.id: p for p in people}
    suggested = {
        pair: reason
        for pair, reason in (suggested or {}).items()
        if pair not in excluded and pair[0] in by_id and pair[1] in by_id
    }
    columns = Columns(people)
    first, second = candidate_rows_of(people, excluded, suggested, columns)
    step("blocking")
    compared = compare_rows(
        people, first, second, progress=progress, cancel=cancel, columns=columns
    )
    step("comparison")
    model = fit(people, compared)
    if decisions is not None:
        model = teach(model, decisions)
    step("EM")
    limit = thresholds.suggestion if threshold is None else threshold
    scores = score_compared(compared, model, threshold=limit, decisions=decisions)
    kept = {(s.a, s.b) for s in scores}
    for (a, b), reason in suggested.items():
        if (a, b) not in kept:
            scores.append(_suggested_score(by_id[a], by_id[b], reason, model))
    groups = group_pairs(scores, safe_threshold=thresholds.safe)
    step("scoring")
    if timings is not None:
        timings["pairs"] = float(len(first))
    return groups


def _suggested_score(a: Person, b: Person, reason: str, model: Model) -> PairScore:
    """A pair shown because another feature suggested it, whatever its probability."""
    from app.core.dedupe.scoring import score_pair

    result = score_pair(a, b, model=model)
    note = Evidence(_("origine"), "note", _("signalé : {reason}").format(reason=reason), 0.0)
    return replace(
        result,
        reasons=(note.label, *result.reasons),
        evidence=(note, *result.evidence),
        strong_identifier=False,  # never merged in batch: a person reviews it
    )
