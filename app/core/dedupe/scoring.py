"""Score a pair of contacts 0-100 with a reason per field; vetoes for different people."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Indel

from app.core.dedupe.normalise import PARTICLES, Person

FIRST_NAME_MIN = 80.0
UNCORROBORATED_MAX = 75.0  # without e-mail, phone, birth date, SIREN or street in common
GENDERED_ENDINGS = (
    ("e", ""),
    ("ine", "in"),
    ("elle", "el"),
    ("ette", "et"),
    ("ienne", "ien"),
    ("ane", "an"),
)


@dataclass(frozen=True)
class PairScore:
    """Score of a pair, the reason per field, and whether it may be merged without review."""

    a: int
    b: int
    score: float
    reasons: tuple[str, ...]
    strong_identifier: bool  # same email, phone, SIREN or birth date
    veto: str = ""


def _similar(x: str, y: str) -> float:
    if not x or not y:
        return 0.0
    return 100.0 * Indel.normalized_similarity(x, y)


def _similar_compact(x: str, y: str) -> float:
    """Similarity ignoring spaces ("thomas leveque" vs "thomasleveque")."""
    return _similar(x.replace(" ", ""), y.replace(" ", ""))


def _gendered_pair(x: str, y: str) -> bool:
    """Martin/Martine, Michel/Michelle, Daniel/Danielle: different people."""
    for long, short in GENDERED_ENDINGS:
        for p, q in ((x, y), (y, x)):
            if p.endswith(long) and p[: len(p) - len(long)] + short == q:
                return True
    return False


def _first_name_score(a: Person, b: Person) -> tuple[float, str]:
    if not a.first or not b.first:
        return 50.0, "prénom absent"
    if a.first == b.first:
        return 100.0, "même prénom"
    words_a, words_b = a.first.split(), b.first.split()
    if all(len(w) == 1 for w in words_a) or all(len(w) == 1 for w in words_b):
        if a.initials == b.initials:
            return 90.0, "initiales du prénom"
        return 0.0, "initiales différentes"
    if _gendered_pair(a.first.replace(" ", ""), b.first.replace(" ", "")):
        return 0.0, "prénoms masculin/féminin"
    value = _similar_compact(a.first, b.first)
    if value < FIRST_NAME_MIN:
        return 0.0, "prénoms différents"
    return value, f"prénom proche ({value:.0f})"


def _last_name_score(a: Person, b: Person) -> tuple[float, str]:
    best = max(
        _similar_compact(a.last, b.last),
        _similar_compact(a.birth_name, b.last) if a.birth_name else 0,
        _similar_compact(a.last, b.birth_name) if b.birth_name else 0,
    )
    return best, "même nom" if best == 100 else f"nom proche ({best:.0f})"


def _word_bag(p: Person) -> list[str]:
    return sorted(w for w in f"{p.first} {p.last}".split() if w not in PARTICLES)


def _swapped(a: Person, b: Person) -> bool:
    """First and last names typed the other way round (compound names included)."""
    if not (a.first and b.first) or (a.first, a.last) == (b.first, b.last):
        return False
    if _word_bag(a) == _word_bag(b) and a.last != b.last:
        return True
    return _similar(a.first, b.last) >= 90 and _similar_compact(a.last, b.first) >= 90


def _veto(a: Person, b: Person) -> str:
    if a.birth_date and b.birth_date and a.birth_date != b.birth_date:
        return "dates de naissance différentes"
    if a.gender and b.gender and a.gender != b.gender:
        return "civilités différentes"
    if a.kind != b.kind:
        return "personne et organisation"
    if a.siren and b.siren and a.siren != b.siren:
        return "SIREN différents"
    return ""


def score_pair(a: Person, b: Person) -> PairScore:
    """Combined 0-100 score with the reasons; a veto forces 0."""
    veto = _veto(a, b)
    strong = bool(
        (a.email and a.email == b.email)
        or (a.phone and a.phone == b.phone)
        or (a.siren and a.siren == b.siren)
        or (a.birth_date and a.birth_date == b.birth_date)
    )
    if veto:
        return PairScore(a.id, b.id, 0.0, (veto,), strong, veto)
    reasons: list[str] = []
    if a.kind == "organisation":
        name = _similar(a.organisation, b.organisation)
        reasons.append(f"raison sociale ({name:.0f})")
        score = name * 0.7
    else:
        last, last_reason = _last_name_score(a, b)
        first, first_reason = _first_name_score(a, b)
        if _swapped(a, b):
            last, first, last_reason, first_reason = 100.0, 100.0, "nom et prénom inversés", ""
        if first == 0 and "masculin" in first_reason:
            return PairScore(a.id, b.id, 0.0, (first_reason,), strong, first_reason)
        reasons += [r for r in (last_reason, first_reason) if r]
        score = last * 0.42 + first * 0.28
    score += _contact_points(a, b, reasons)
    if not strong and not _same_address(a, b):
        # Same name in the same town is not enough: namesakes are common (DEDUPE.md).
        score = min(score, UNCORROBORATED_MAX)
    return PairScore(a.id, b.id, round(min(score, 100.0), 1), tuple(reasons), strong)


def _same_address(a: Person, b: Person) -> bool:
    return bool(a.postcode and a.postcode == b.postcode and a.street and b.street) and (
        _similar(a.street, b.street) >= 90
    )


def _contact_points(a: Person, b: Person, reasons: list[str]) -> float:
    points = 0.0
    if a.email and a.email == b.email:
        points += 30
        reasons.append("même courriel")
    if a.phone and a.phone == b.phone:
        points += 25
        reasons.append("même téléphone")
    if a.birth_date and a.birth_date == b.birth_date:
        points += 25
        reasons.append("même date de naissance")
    if a.siren and a.siren == b.siren:
        points += 40
        reasons.append("même SIREN")
    if _same_address(a, b):
        points += 20
        reasons.append("même adresse")
    elif a.postcode and a.postcode == b.postcode:
        points += 12
        reasons.append("même code postal")
    elif a.city and a.city == b.city:
        points += 15
        reasons.append("même commune")
    elif a.department and a.department == b.department:
        points += 6
        reasons.append("même département")
    return points
