"""Full scan: load contacts with a lean query, block, score, group into candidate groups."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.dedupe.blocking import candidate_pairs
from app.core.dedupe.normalise import Person, normalise_row
from app.core.dedupe.scoring import PairScore, score_pair
from app.core.progress import NULL_PROGRESS, CancelToken, Progress
from app.models import Contact, ContactEmail, ContactPhone, NotDuplicate, PostalAddress
from app.models.enums import ContactStatus

SUGGESTION_THRESHOLD = 80.0
SAFE_THRESHOLD = 90.0
CHUNK = 20_000


@dataclass(frozen=True)
class CandidateGroup:
    """Contacts that are probably the same donor, with the pair scores that link them."""

    member_ids: tuple[int, ...]
    score: float  # best pair score
    pairs: tuple[PairScore, ...]

    @property
    def safe(self) -> bool:
        """High score, a strong identifier on every pair, no veto: may be merged in batch."""
        return self.score >= SAFE_THRESHOLD and all(
            p.strong_identifier and p.score >= SAFE_THRESHOLD for p in self.pairs
        )

    @property
    def reasons(self) -> list[str]:
        """Reasons of the best pair."""
        return list(max(self.pairs, key=lambda p: p.score).reasons)


def _first_values(session: Session, query) -> dict[int, tuple]:  # type: ignore[no-untyped-def,type-arg]
    """contact_id -> the first row (lowest id / primary first) of a child table."""
    found: dict[int, tuple] = {}  # type: ignore[type-arg]
    for row in session.execute(query):
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
    for row in session.execute(query):
        values = dict(row._mapping)
        place = places.get(row.id, ("", "", ""))
        values.update(
            email=emails.get(row.id, ("",))[0],
            phone=phones.get(row.id, ("",))[0],
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


def score_pairs(
    people: list[Person],
    pairs: set[tuple[int, int]],
    *,
    threshold: float,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> list[PairScore]:
    """Scores of the candidate pairs at or above `threshold`."""
    by_id = {p.id: p for p in people}
    kept = []
    progress.start(len(pairs), "Comparaison des contacts")
    for index, (a, b) in enumerate(pairs):
        result = score_pair(by_id[a], by_id[b])
        if result.score >= threshold:
            kept.append(result)
        if index % CHUNK == CHUNK - 1:
            progress.advance(CHUNK)
            if cancel is not None:
                cancel.raise_if_cancelled()
    return kept


def group_pairs(scores: list[PairScore]) -> list[CandidateGroup]:
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
        CandidateGroup(tuple(sorted(members[r])), max(p.score for p in links[r]), tuple(links[r]))
        for r in members
    ]
    return sorted(groups, key=lambda g: (-g.score, g.member_ids))


def scan(
    session: Session,
    *,
    threshold: float = SUGGESTION_THRESHOLD,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> list[CandidateGroup]:
    """Candidate duplicate groups among all active contacts."""
    people = load_people(session)
    pairs = candidate_pairs(people) - not_duplicates(session)
    return group_pairs(
        score_pairs(people, pairs, threshold=threshold, progress=progress, cancel=cancel)
    )
