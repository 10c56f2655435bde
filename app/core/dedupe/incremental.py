"""Similar contacts while typing (or importing): an in-memory index of blocking keys."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import Indel
from sqlalchemy.orm import Session

from app.core.dedupe.blocking import MAX_BLOCK, keys_of
from app.core.dedupe.model import Model
from app.core.dedupe.normalise import Person, normalise_row
from app.core.dedupe.scan import load_people
from app.core.dedupe.scoring import PairScore, score_pair

DRAFT_ID = -1
LARGE_BLOCK = MAX_BLOCK * 4  # above: only the closest names of a block are scored
# While typing, a low probability: the contacts sharing a blocking key (name, e-mail, phone,
# birth date, address) are listed best first, five at most, from the name or e-mail alone.
SIMILAR_WHILE_TYPING = 0.02


class SimilarityIndex:
    """Blocking keys -> contact ids, for every active contact; cheap to query and update."""

    def __init__(self, people: list[Person], *, model: Model | None = None) -> None:
        self.model = model
        self._people: dict[int, Person] = {}
        self._blocks: dict[str, list[int]] = defaultdict(list)
        for person in people:
            self.add(person)

    @classmethod
    def build(cls, session: Session) -> SimilarityIndex:
        """Index every active contact of the database."""
        return cls(load_people(session))

    def add(self, person: Person) -> None:
        """Index (or re-index) one contact."""
        self.remove(person.id)
        self._people[person.id] = person
        for key in keys_of(person):
            self._blocks[key].append(person.id)

    def remove(self, contact_id: int) -> None:
        """Forget a contact (merged, deleted)."""
        old = self._people.pop(contact_id, None)
        if old is not None:
            for key in keys_of(old):
                members = self._blocks.get(key)
                if members and contact_id in members:
                    members.remove(contact_id)

    def _closest(self, draft: Person, members: list[int]) -> list[int]:
        """The LARGE_BLOCK members of a large block whose "last first" is closest."""
        wanted = f"{draft.last} {draft.first}".strip() or draft.organisation
        names = [_name_of(self._people[i]) for i in members]
        found = process.extract(
            wanted, names, scorer=Indel.normalized_similarity, limit=LARGE_BLOCK
        )
        return [members[index] for _name, _score, index in found]

    def __len__(self) -> int:
        return len(self._people)

    def similar(
        self, draft: Person, *, limit: int = 5, threshold: float = SIMILAR_WHILE_TYPING
    ) -> list[PairScore]:
        """The best-scoring existing contacts for a draft, highest first (`threshold` is a
        probability)."""
        candidates: set[int] = set()
        for key in keys_of(draft):
            members = self._blocks.get(key, [])
            if len(members) <= LARGE_BLOCK:
                candidates.update(members)
            else:  # a common key (a frequent name at 500k contacts): the closest names only
                candidates.update(self._closest(draft, members))
        candidates.discard(draft.id)
        scores = [score_pair(draft, self._people[c], model=self.model) for c in candidates]
        scores = [s for s in scores if s.probability >= threshold]
        return sorted(scores, key=lambda s: -s.score)[:limit]


def _name_of(person: Person) -> str:
    return f"{person.last} {person.first}".strip() or person.organisation


def draft_person(values: dict[str, Any], *, contact_id: int = DRAFT_ID) -> Person:
    """A Person from the form's values (first_name, last_name, organisation_name, email...)."""
    birth = values.get("birth_date")
    if isinstance(birth, str):
        from app.core.dates import parse_optional_date
        from app.errors import ValidationError

        try:
            birth = parse_optional_date(birth)
        except ValidationError:
            birth = None
    row = {
        "id": contact_id,
        "kind": "organisation"
        if values.get("organisation_name") and not values.get("last_name")
        else "person",
        "civility": values.get("civility", ""),
        "first_name": values.get("first_name", ""),
        "last_name": values.get("last_name", ""),
        "birth_name": values.get("birth_name", ""),
        "organisation_name": values.get("organisation_name", ""),
        "siren": values.get("siren", ""),
        "birth_date": birth if isinstance(birth, date) else None,
        "email": values.get("email", ""),
        "phone": values.get("phone", ""),
        "postcode": values.get("postcode", ""),
        "city": values.get("city", ""),
        "street": values.get("street", ""),
    }
    return normalise_row(row)
