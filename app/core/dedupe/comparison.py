"""Comparison levels per field for a pair of contacts (Fellegi-Sunter inputs, no weights).

Each field of a pair gets one level: an index into that field's LEVELS (0 is always the
"differ" level), or MISSING when either side is empty. The model (model.py) turns levels into
weights; this module only says how alike two values are, with the French knowledge:
gendered first names (Martin/Martine), civility, particles and compound names (normalise.py),
birth and married names, first and last names typed the other way round, and birth dates
typed wrong (one digit, day and month swapped).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler, Prefix

from app.core.dedupe.arrays import distinct, distinct_with_inverse
from app.core.dedupe.normalise import PARTICLES, Person, phonetic
from app.i18n import N_

MISSING = -1
MAX_WORDS = 4  # words of a name compared word by word (compound names)
WORKERS = -1  # rapidfuzz threads for the pairwise similarities (all cores)


@dataclass(frozen=True)
class Level:
    """One comparison level: its French label, its kind of evidence, an optional fixed weight."""

    label: str
    status: str  # "agree", "close", "differ"
    fixed_weight: float | None = None  # vetoes turned into strong negative evidence (bits)


@dataclass(frozen=True)
class Field:
    """A compared field: French name, levels (0 = differ), label when missing."""

    name: str
    label: str
    levels: tuple[Level, ...]
    missing: str
    tf: bool = False  # exact agreement weighted by how rare the value is


VETO_WEIGHT = -30.0  # bits: Martin/Martine, M./Mme, person/organisation
FIELDS: tuple[Field, ...] = (
    Field(
        "first",
        N_("prénom"),
        (
            Level(N_("prénoms différents"), "differ"),
            Level(N_("prénom phonétiquement proche"), "close"),
            Level(N_("initiales du prénom"), "close"),
            Level(N_("prénom proche"), "close"),
            Level(N_("prénom très proche"), "close"),
            Level(N_("même prénom"), "agree"),
            Level(N_("prénoms masculin/féminin"), "differ", VETO_WEIGHT),
        ),
        N_("prénom absent"),
        tf=True,
    ),
    Field(
        "last",
        N_("nom"),
        (
            Level(N_("noms différents"), "differ"),
            Level(N_("nom phonétiquement proche"), "close"),
            Level(N_("nom proche"), "close"),
            Level(N_("nom très proche"), "close"),
            Level(N_("même nom"), "agree"),
        ),
        N_("nom absent"),
        tf=True,
    ),
    Field(
        "birth",
        N_("date de naissance"),
        (
            Level(N_("dates de naissance différentes"), "differ"),
            Level(N_("même année et même mois de naissance"), "close"),
            Level(N_("jour et mois de naissance inversés"), "close"),
            Level(N_("date de naissance à un chiffre près"), "close"),
            Level(N_("même date de naissance"), "agree"),
        ),
        N_("date de naissance absente"),
    ),
    Field(
        "email",
        N_("courriel"),
        (
            Level(N_("courriels différents"), "differ"),
            Level(N_("courriel proche"), "close"),
            Level(N_("même courriel"), "agree"),
        ),
        N_("courriel absent"),
    ),
    Field(
        "phone",
        N_("téléphone"),
        (
            Level(N_("téléphones différents"), "differ"),
            Level(N_("téléphone à un chiffre près"), "close"),
            Level(N_("même téléphone"), "agree"),
        ),
        N_("téléphone absent"),
    ),
    Field(
        "place",
        N_("commune"),
        (
            Level(N_("départements différents"), "differ"),
            Level(N_("même département"), "close"),
            Level(N_("même commune"), "agree"),
            Level(N_("même code postal"), "agree"),
        ),
        N_("commune absente"),
    ),
    Field(
        "street",
        N_("rue"),
        (
            Level(N_("rues différentes"), "differ"),
            Level(N_("même numéro de rue"), "close"),
            Level(N_("rue proche"), "close"),
            Level(N_("même rue"), "agree"),
        ),
        N_("rue absente"),
    ),
    Field(
        "gender",
        N_("civilité"),
        (
            Level(N_("civilités différentes"), "differ", VETO_WEIGHT),
            Level(N_("même civilité"), "agree"),
            Level(N_("personne et organisation"), "differ", VETO_WEIGHT),
        ),
        N_("civilité absente"),
    ),
    Field(
        "siren",
        N_("SIREN"),
        (Level(N_("SIREN différents"), "differ", VETO_WEIGHT), Level(N_("même SIREN"), "agree")),
        N_("SIREN absent"),
    ),
)
FIELD_INDEX = {f.name: i for i, f in enumerate(FIELDS)}
SWAPPED = N_("nom et prénom inversés")
GENDERED_ENDINGS = (
    ("e", ""),
    ("ine", "in"),
    ("elle", "el"),
    ("ette", "et"),
    ("ienne", "ien"),
    ("ane", "an"),
)


def gendered_pair(x: str, y: str) -> bool:
    """Martin/Martine, Michel/Michelle, Daniel/Danielle: different people."""
    x, y = x.replace(" ", ""), y.replace(" ", "")
    if not (x.startswith(y) or y.startswith(x)):  # the shorter is always the longer's start
        return False
    for long, short in GENDERED_ENDINGS:
        for p, q in ((x, y), (y, x)):
            if p.endswith(long) and p[: len(p) - len(long)] + short == q:
                return True
    return False


_OCR = (("0", "o"), ("1", "l"), ("5", "s"), ("8", "b"), ("rn", "m"), ("vv", "w"), ("cl", "d"))


@lru_cache(maxsize=1 << 16)
def ocr_fold(text: str) -> str:
    """A name as a scanner may have read it: digits for letters ("z0e", "1uc") and letter
    pairs read as one ("rnarc") folded back (only to compare two names, never stored)."""
    for source, target in _OCR:
        text = text.replace(source, target)
    return text


def _without_particles(text: str) -> str:
    words = [w for w in text.split() if w not in PARTICLES]
    return " ".join(words) if words else text


@lru_cache(maxsize=1 << 18)
def _name_level(x: str, y: str) -> int:
    """Levels of "last": 4 exact, 3 JW >= 0.94 (or the same once OCR confusions are folded),
    2 JW >= 0.84 or one typing error, 1 same phonetic key, 0 differ."""
    if x == y:
        return 4
    x, y = _without_particles(x), _without_particles(y)  # a first name typed as "le gall"
    cx, cy = x.replace(" ", ""), y.replace(" ", "")
    if cx == cy:
        return 4
    jw = JaroWinkler.normalized_similarity(cx, cy)
    if jw >= 0.94 or ocr_fold(cx) == ocr_fold(cy):
        return 3
    if jw >= 0.84 or DamerauLevenshtein.distance(cx, cy, score_cutoff=1) <= 1:
        return 2
    if phonetic(cx) == phonetic(cy):
        return 1
    # compound names: one word of one inside the other ("martin" / "martin dupont")
    wx, wy = set(x.split()), set(y.split())
    return 1 if (len(wx) > 1 or len(wy) > 1) and wx & wy else 0


def _initials(text: str) -> str:
    return "".join(w[0] for w in text.split() if w)


@lru_cache(maxsize=1 << 18)
def first_level(x: str, y: str) -> int:
    """Levels of "first" (see FIELDS): gendered pairs first, then initials, then similarity."""
    if not x or not y:
        return MISSING
    if x == y or x.replace(" ", "") == y.replace(" ", ""):
        return 5
    if gendered_pair(x, y):
        return 6
    words_x, words_y = x.split(), y.split()
    if all(len(w) == 1 for w in words_x) or all(len(w) == 1 for w in words_y):
        return 2 if _initials(x) == _initials(y) else 0
    level = _name_level(x, y)
    if level == 1 and words_x[0][0] == words_y[0][0]:
        return 1
    if level in (2, 3):
        return level + 1
    if words_x[0] == words_y[0] or (
        len(words_x) != len(words_y)
        and (set(words_x) <= set(words_y) or set(words_y) <= set(words_x))
    ):
        return 3  # "jean" / "jean pierre"
    short, long = sorted((words_x[0], words_y[0]), key=len)
    if len(short) >= 3 and long.startswith(short):
        return 3  # a short form: "seb" / "sebastien", "vero" / "veronique"
    return 1 if level == 1 else 0


def last_level(a: Person, b: Person) -> int:
    """Levels of "last", with birth names on either side (married names)."""
    if not a.last or not b.last:
        return MISSING
    best = _name_level(a.last, b.last)
    if best < 4 and a.birth_name:
        best = max(best, _name_level(a.birth_name, b.last))
    if best < 4 and b.birth_name:
        best = max(best, _name_level(a.last, b.birth_name))
    return best


def birth_level(x: date | None, y: date | None) -> int:
    """4 same date, 3 one digit off (or two adjacent digits swapped), 2 day/month swapped,
    1 same year and month, 0 different."""
    if x is None or y is None:
        return MISSING
    if x == y:
        return 4
    sx, sy = x.strftime("%Y%m%d"), y.strftime("%Y%m%d")
    if DamerauLevenshtein.distance(sx, sy) <= 1 and abs(x.year - y.year) <= 10:
        return 3
    if x.year == y.year and x.day == y.month and x.month == y.day:
        return 2
    if x.year == y.year and x.month == y.month:
        return 1
    return 0


def email_level(x: str, y: str) -> int:
    """2 same, 1 one typing error in the address (numbers kept: jean.dupont12 and
    jean.dupont13 are two people), 0 different."""
    if not x or not y:
        return MISSING
    if x == y:
        return 2
    return _email_typo(x, y)


def _email_typo(x: str, y: str) -> int:
    if DamerauLevenshtein.distance(x, y, score_cutoff=1) > 1:
        return 0
    return 1 if _DIGITS.sub("", x) == _DIGITS.sub("", y) else 0


_DIGITS = re.compile(r"\D")


def phone_level(x: str, y: str) -> int:
    """2 same, 1 one digit off or two swapped, 0 different."""
    if not x or not y:
        return MISSING
    if x == y:
        return 2
    return 1 if DamerauLevenshtein.distance(x, y) <= 1 else 0


def place_level(a: Person, b: Person) -> int:
    """3 same postcode, 2 same town, 1 same département, 0 different."""
    if a.postcode and b.postcode:
        if a.postcode == b.postcode:
            return 3
        if a.city and a.city == b.city:
            return 2
        return 1 if a.department == b.department else 0
    if a.city and b.city:
        return 2 if a.city == b.city else 0
    return MISSING


@lru_cache(maxsize=1 << 16)
def street_number(street: str) -> str:
    """Leading number of a street line ("12 bis rue x" -> "12")."""
    digits = []
    for char in street:
        if char.isdigit():
            digits.append(char)
        elif digits or not char.isspace():
            break
    return "".join(digits)


def street_level(x: str, y: str) -> int:
    """3 same line, 2 close (JW >= 0.9), 1 same number only, 0 different."""
    if not x or not y:
        return MISSING
    if x == y:
        return 3
    if JaroWinkler.normalized_similarity(x, y) >= 0.9:
        return 2
    number = street_number(x)
    return 1 if number and number == street_number(y) else 0


def gender_level(a: Person, b: Person) -> int:
    """2 person and organisation, 0 different civilities, 1 same, MISSING when unknown."""
    if a.kind != b.kind:
        return 2
    if not a.gender or not b.gender:
        return MISSING
    return 1 if a.gender == b.gender else 0


def compare(a: Person, b: Person) -> tuple[tuple[int, ...], bool]:
    """The level of every field of FIELDS for a pair, and whether the names were swapped."""
    if a.kind == "organisation" or b.kind == "organisation":
        first = MISSING
        last = (
            _name_level(a.organisation, b.organisation)
            if a.organisation and b.organisation
            else MISSING
        )
        swapped = False
    else:
        first = first_level(a.first, b.first)
        last = last_level(a, b)
        swapped = False
        if first in (0, 1) or last in (0, 1):  # first and last names typed the other way round
            cross_first = first_level(a.first, b.last) if a.first and b.last else MISSING
            cross_last = _name_level(a.last, b.first) if a.last and b.first else MISSING
            if (
                cross_first in (3, 4, 5)
                and cross_last >= 2
                and _rank(cross_first, cross_last) > _rank(first, last)
            ):
                first, last, swapped = cross_first, cross_last, True
    levels = (
        first,
        last,
        birth_level(a.birth_date, b.birth_date),
        email_level(a.email, b.email),
        phone_level(a.phone, b.phone),
        place_level(a, b),
        street_level(a.street, b.street) if place_level(a, b) >= 2 else MISSING,
        gender_level(a, b),
        (1 if a.siren == b.siren else 0) if a.siren and b.siren else MISSING,
    )
    return levels, swapped


_FIRST_RANK = (0, 1, 1, 2, 3, 4, -9)


def _rank(first: int, last: int) -> int:
    return (_FIRST_RANK[first] if first >= 0 else 0) + max(last, 0)


class Columns:
    """The people's fields as integer codes (numpy), for comparing many pairs at once."""

    def __init__(self, people: Sequence[Person]) -> None:
        self.vocabulary: dict[str, int] = {"": 0}
        self.words: list[str] = [""]
        self.first = self._codes(p.first for p in people)
        self.last = self._codes(p.last if p.kind == "person" else p.organisation for p in people)
        self.birth_name = self._codes(p.birth_name for p in people)
        self.email = self._codes(p.email for p in people)
        self.phone = self._codes(p.phone for p in people)
        self.postcode = self._codes(p.postcode for p in people)
        self.city = self._codes(p.city for p in people)
        self.department = self._codes(p.department for p in people)
        self.street = self._codes(p.street for p in people)
        self.siren = self._codes(p.siren for p in people)
        self.organisation = np.fromiter((p.kind == "organisation" for p in people), dtype=bool)
        self.gender = np.fromiter(({"f": 1, "m": 2}.get(p.gender, 0) for p in people), np.int8)
        self.birth = np.fromiter(
            (int(p.birth_date.strftime("%Y%m%d")) if p.birth_date else 0 for p in people),
            dtype=np.int64,
        )
        self._derived: dict[str, tuple[dict[object, int], list[object]]] = {}
        self._tables: dict[str, np.ndarray] = {}
        self._matrices: dict[str, np.ndarray] = {}
        self._objects: dict[str, np.ndarray] = {}
        self._words: np.ndarray | None = None
        self._word_ids: dict[str, int] = {}

    def _codes(self, values: Iterable[str]) -> np.ndarray:
        vocabulary, words = self.vocabulary, self.words
        codes = []
        for value in values:
            code = vocabulary.get(value)
            if code is None:
                code = vocabulary[value] = len(words)
                words.append(value)
            codes.append(code)
        return np.asarray(codes, dtype=np.int64)

    def on_pairs(
        self,
        x: np.ndarray,
        y: np.ndarray,
        function: Callable[[str, str], int]
        | Callable[[Columns, np.ndarray, np.ndarray], np.ndarray],
        *,
        vectorised: bool = False,
    ) -> np.ndarray:
        """function(word x, word y) for every pair of codes, computed once per distinct pair;
        `vectorised`: function(columns, codes x, codes y) does all distinct pairs at once."""
        out = np.full(len(x), MISSING, dtype=np.int8)
        present = (x != 0) & (y != 0)
        if not present.any():
            return out
        size = len(self.words)
        keys = x[present] * size + y[present]
        unique, inverse = distinct_with_inverse(keys)
        if vectorised:
            values = np.asarray(function(self, unique // size, unique % size))  # type: ignore[call-arg,arg-type]
        else:
            words = self.words
            values = np.fromiter(
                (function(words[k // size], words[k % size]) for k in unique.tolist()),  # type: ignore[call-arg]
                dtype=np.int8,
                count=len(unique),
            )
        out[present] = values[inverse]
        return out

    def derived(
        self,
        name: str,
        codes: np.ndarray,
        function: Callable[[str], object],
        *,
        shared: str | None = None,
    ) -> np.ndarray:
        """Codes of function(word) for the words of `codes` (each word computed once per scan):
        equal codes, equal values (also across the functions of one `shared` vocabulary)."""
        vocabulary, values = self._derived.setdefault(shared or name, ({}, []))
        table = self._tables.get(name)
        if table is None or len(table) < len(self.words):
            grown = np.full(len(self.words), -1, dtype=np.int64)
            if table is not None:
                grown[: len(table)] = table
            table = self._tables[name] = grown
        needed = distinct(codes[table[codes] < 0])
        words = self.words
        for code in needed.tolist():
            value = function(words[code])
            index = vocabulary.get(value)
            if index is None:
                index = vocabulary[value] = len(values)
                values.append(value)
            table[code] = index
        return np.asarray(table[codes])

    def word_matrix(
        self, name: str, codes: np.ndarray, split: Callable[[str], list[str]]
    ) -> np.ndarray:
        """Word ids (MAX_WORDS columns, -1 for none) of split(word) for the words of `codes`."""
        derived = self.derived(name, codes, lambda w: tuple(split(w)[:MAX_WORDS]))
        values = self._derived[name][1]
        matrix = self._matrices.get(name)
        if matrix is None or len(matrix) < len(values):
            start = 0 if matrix is None else len(matrix)
            rows = np.full((len(values) - start, MAX_WORDS), -1, dtype=np.int64)
            ids = self._word_ids
            for r, words in enumerate(values[start:]):
                for k, word in enumerate(words):  # type: ignore[arg-type,var-annotated]
                    rows[r, k] = ids.setdefault(word, len(ids))
            matrix = rows if matrix is None else np.vstack((matrix, rows))
            self._matrices[name] = matrix
        return np.asarray(matrix[derived])

    def texts(self, name: str, derived_codes: np.ndarray) -> np.ndarray:
        """The derived values of `derived_codes` (strings for rapidfuzz, an object array)."""
        values = self._derived[name][1]
        array = self._objects.get(name)
        if array is None or len(array) < len(values):
            array = self._objects[name] = np.array(values + [""], dtype=object)[:-1]
        return np.asarray(array[derived_codes])

    def strings(self, codes: np.ndarray) -> np.ndarray:
        """The words of `codes` (an object array)."""
        if self._words is None or len(self._words) < len(self.words):
            self._words = np.array(self.words + [""], dtype=object)[:-1]
        return np.asarray(self._words[codes])


def _pairwise(scorer, xs, ys, **kwargs) -> np.ndarray:  # type: ignore[no-untyped-def]
    """scorer(xs[i], ys[i]) for every i, in rapidfuzz's C loop."""
    if not len(xs):
        return np.zeros(0)
    return process.cpdist(xs, ys, scorer=scorer, workers=WORKERS, **kwargs)


def _shares_word(mx: np.ndarray, my: np.ndarray) -> np.ndarray:
    """Rows where the two word matrices have a word in common."""
    found = np.zeros(len(mx), dtype=bool)
    for i in range(mx.shape[1]):
        for j in range(my.shape[1]):
            found |= (mx[:, i] == my[:, j]) & (mx[:, i] >= 0)
    return found


def _within(mx: np.ndarray, my: np.ndarray) -> np.ndarray:
    """Rows where every word of mx is a word of my."""
    inside = np.ones(len(mx), dtype=bool)
    for i in range(mx.shape[1]):
        hit = mx[:, i] < 0
        for j in range(my.shape[1]):
            hit |= mx[:, i] == my[:, j]
        inside &= hit
    return inside


def _stripped_words(word: str) -> list[str]:
    return _without_particles(word).split()


def _core(word: str) -> str:
    return _without_particles(word).replace(" ", "")


def name_levels(c: Columns, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`_name_level` for arrays of word codes (both present), vectorised."""
    out = np.zeros(len(x), dtype=np.int8)
    cx, cy = c.derived("core", x, _core), c.derived("core", y, _core)
    exact = (x == y) | (cx == cy)
    out[exact] = 4
    rest = np.flatnonzero(~exact)
    if not len(rest):
        return out
    rx, ry = cx[rest], cy[rest]
    jw = _pairwise(
        JaroWinkler.normalized_similarity,
        c.texts("core", rx),
        c.texts("core", ry),
        dtype=np.float64,
    )
    ocr = c.derived("ocr", x[rest], lambda w: ocr_fold(_core(w))) == c.derived(
        "ocr", y[rest], lambda w: ocr_fold(_core(w))
    )
    level = np.zeros(len(rest), dtype=np.int8)
    very_close = (jw >= 0.94) | ocr
    level[very_close] = 3
    check = np.flatnonzero(~very_close & (jw < 0.84))
    close = ~very_close & (jw >= 0.84)
    if len(check):
        typo = _pairwise(
            DamerauLevenshtein.distance,
            c.texts("core", rx[check]),
            c.texts("core", ry[check]),
            score_cutoff=1,
        )
        close[check[typo <= 1]] = True
    level[close] = 2
    undecided = level == 0
    same_sound = undecided & (
        c.derived("phon", x[rest], lambda w: phonetic(_core(w)))
        == c.derived("phon", y[rest], lambda w: phonetic(_core(w)))
    )
    level[same_sound] = 1
    compound = np.flatnonzero(undecided & ~same_sound)
    if len(compound):
        mx = c.word_matrix("stripped", x[rest][compound], _stripped_words)
        my = c.word_matrix("stripped", y[rest][compound], _stripped_words)
        spaced = (mx[:, 1] >= 0) | (my[:, 1] >= 0)
        level[compound[spaced & _shares_word(mx, my)]] = 1
    out[rest] = level
    return out


def first_levels(c: Columns, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`first_level` for arrays of word codes (both present), vectorised."""
    out = np.full(len(x), -2, dtype=np.int8)  # -2: not decided yet
    nospace = lambda w: w.replace(" ", "")  # noqa: E731
    nx, ny = c.derived("nospace", x, nospace), c.derived("nospace", y, nospace)
    out[(x == y) | (nx == ny)] = 5
    lengths = c.derived("length", x, lambda w: len(w.replace(" ", "")))
    lengths_y = c.derived("length", y, lambda w: len(w.replace(" ", "")))
    size = np.asarray(c._derived["length"][1], dtype=np.int64)
    gap = np.abs(size[lengths] - size[lengths_y])
    initial_x = c.derived("letter", x, lambda w: w[:1])
    initial_y = c.derived("letter", y, lambda w: w[:1])
    maybe = np.flatnonzero((out == -2) & (initial_x == initial_y) & (gap >= 1) & (gap <= 5))
    words = c.words
    for row in maybe.tolist():
        if gendered_pair(words[x[row]], words[y[row]]):
            out[row] = 6
    is_initials = lambda w: all(len(p) == 1 for p in w.split())  # noqa: E731
    ix, iy = c.derived("is_initials", x, is_initials), c.derived("is_initials", y, is_initials)
    flags = np.asarray(c._derived["is_initials"][1], dtype=bool)
    initials = (out == -2) & (flags[ix] | flags[iy])
    same_initials = c.derived("initials", x, _initials) == c.derived("initials", y, _initials)
    out[initials] = np.where(same_initials[initials], 2, 0)
    rest = np.flatnonzero(out == -2)
    if not len(rest):
        return out
    level = name_levels(c, x[rest], y[rest])
    first_x = c.derived("first_word", x[rest], lambda w: w.split()[0])
    first_y = c.derived("first_word", y[rest], lambda w: w.split()[0])
    result = np.where(level == 1, 1, 0).astype(np.int8)
    letter_x = c.derived("letter", x[rest], lambda w: w[:1])
    letter_y = c.derived("letter", y[rest], lambda w: w[:1])
    sound = (level == 1) & (letter_x == letter_y)
    close = np.isin(level, (2, 3))
    result[close] = level[close] + 1
    other = ~sound & ~close
    word_rule = other & (first_x == first_y)
    result[word_rule] = 3
    left = np.flatnonzero(other & ~word_rule)
    if len(left):
        mx = c.word_matrix("words", x[rest][left], str.split)
        my = c.word_matrix("words", y[rest][left], str.split)
        counts_x, counts_y = (mx >= 0).sum(axis=1), (my >= 0).sum(axis=1)
        subset = (counts_x != counts_y) & (_within(mx, my) | _within(my, mx))
        fx, fy = c.texts("first_word", first_x[left]), c.texts("first_word", first_y[left])
        common = _pairwise(Prefix.similarity, fx, fy)
        shortest = np.minimum(
            np.fromiter(map(len, fx), dtype=np.int64, count=len(fx)),
            np.fromiter(map(len, fy), dtype=np.int64, count=len(fy)),
        )
        short_form = (shortest >= 3) & (common == shortest)
        result[left[subset | short_form]] = 3
    out[rest] = result
    return out


def street_levels(c: Columns, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`street_level` for arrays of codes (both present), vectorised."""
    out = np.zeros(len(x), dtype=np.int8)
    out[x == y] = 3
    rest = np.flatnonzero(x != y)
    if len(rest):
        jw = _pairwise(
            JaroWinkler.normalized_similarity,
            c.strings(x[rest]),
            c.strings(y[rest]),
            dtype=np.float64,
        )
        nx = c.derived("number", x[rest], street_number)
        ny = c.derived("number", y[rest], street_number)
        empty = c._derived["number"][0].get("", -1)
        level = np.where(jw >= 0.9, 2, np.where((nx == ny) & (nx != empty), 1, 0))
        out[rest] = level
    return out


def email_typos(c: Columns, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`_email_typo` for arrays of codes (different addresses), vectorised."""
    typo = _pairwise(
        DamerauLevenshtein.distance,
        c.strings(x),
        c.strings(y),
        score_cutoff=1,
    )
    digits = lambda w: _DIGITS.sub("", w)  # noqa: E731
    same_digits = c.derived("digits", x, digits) == c.derived("digits", y, digits)
    return np.asarray((typo <= 1) & same_digits, dtype=np.int8)


def one_typos(c: Columns, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """`_one_typo` for arrays of codes, vectorised."""
    typo = _pairwise(
        DamerauLevenshtein.distance,
        c.strings(x),
        c.strings(y),
        score_cutoff=1,
    )
    return (typo <= 1).astype(np.int8)


def compare_many(columns: Columns, ia: np.ndarray, ib: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Levels (pairs x FIELDS) and swapped flags for index pairs, the same as `compare`."""
    c = columns
    levels = np.empty((len(ia), len(FIELDS)), dtype=np.int8)
    organisation = c.organisation[ia] | c.organisation[ib]
    first = c.on_pairs(c.first[ia], c.first[ib], first_levels, vectorised=True)
    first[organisation] = MISSING
    last = c.on_pairs(c.last[ia], c.last[ib], name_levels, vectorised=True)
    last[c.organisation[ia] != c.organisation[ib]] = MISSING
    for x, y in ((c.birth_name[ia], c.last[ib]), (c.last[ia], c.birth_name[ib])):
        alternative = c.on_pairs(x, y, name_levels, vectorised=True)
        last = np.where((alternative > last) & ~organisation & (last != MISSING), alternative, last)
    swapped = np.zeros(len(ia), dtype=bool)
    check = ~organisation & (np.isin(first, (0, 1)) | np.isin(last, (0, 1)))
    if check.any():
        rows = np.flatnonzero(check)
        cross_first = c.on_pairs(c.first[ia[rows]], c.last[ib[rows]], first_levels, vectorised=True)
        cross_last = c.on_pairs(c.last[ia[rows]], c.first[ib[rows]], name_levels, vectorised=True)
        rank = np.asarray(_FIRST_RANK + (0,), dtype=np.int8)
        better = (
            np.isin(cross_first, (3, 4, 5))
            & (cross_last >= 2)
            & (
                rank[cross_first] + np.maximum(cross_last, 0)
                > rank[first[rows]] + np.maximum(last[rows], 0)
            )
        )
        chosen = rows[better]
        first[chosen], last[chosen], swapped[chosen] = cross_first[better], cross_last[better], True
    levels[:, 0], levels[:, 1] = first, last
    levels[:, 2] = _birth_levels(c.birth[ia], c.birth[ib])
    levels[:, 3] = _exact_or(c, c.email[ia], c.email[ib], email_typos)
    levels[:, 4] = _exact_or(c, c.phone[ia], c.phone[ib], one_typos)
    levels[:, 5] = _place_levels(c, ia, ib)
    street = c.on_pairs(c.street[ia], c.street[ib], street_levels, vectorised=True)
    street[levels[:, 5] < 2] = MISSING  # the same street line in another town says nothing
    levels[:, 6] = street
    levels[:, 7] = _gender_levels(c, ia, ib)
    sa, sb = c.siren[ia], c.siren[ib]
    levels[:, 8] = np.where((sa == 0) | (sb == 0), MISSING, (sa == sb).astype(np.int8))
    return levels, swapped


def _one_typo(x: str, y: str) -> int:
    return 1 if DamerauLevenshtein.distance(x, y, score_cutoff=1) <= 1 else 0


def _exact_or(
    c: Columns,
    x: np.ndarray,
    y: np.ndarray,
    close: Callable[[Columns, np.ndarray, np.ndarray], np.ndarray],
) -> np.ndarray:
    out = np.full(len(x), MISSING, dtype=np.int8)
    present = (x != 0) & (y != 0)
    out[present & (x == y)] = 2
    differ = present & (x != y)
    if differ.any():
        out[differ] = c.on_pairs(x[differ], y[differ], close, vectorised=True)
    return out


def _birth_levels(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    out = np.full(len(x), MISSING, dtype=np.int8)
    present = (x != 0) & (y != 0)
    out[present] = 0
    year_month = present & (x // 100 == y // 100)
    out[year_month] = 1
    day_month = (
        present
        & (x // 10_000 == y // 10_000)
        & ((x // 100) % 100 == y % 100)
        & (x % 100 == (y // 100) % 100)
    )
    out[day_month] = 2
    digits_x = (x[:, None] // 10 ** np.arange(8)) % 10
    digits_y = (y[:, None] // 10 ** np.arange(8)) % 10
    differ = digits_x != digits_y
    one_digit = differ.sum(axis=1) == 1
    adjacent = (differ.sum(axis=1) == 2) & (
        (
            differ[:, :-1]
            & differ[:, 1:]
            & (digits_x[:, :-1] == digits_y[:, 1:])
            & (digits_x[:, 1:] == digits_y[:, :-1])
        ).any(axis=1)
    )
    close_years = np.abs(x // 10_000 - y // 10_000) <= 10
    out[present & (one_digit | adjacent) & close_years] = 3
    out[present & (x == y)] = 4
    return out


def _place_levels(c: Columns, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    pa, pb, ca, cb = c.postcode[ia], c.postcode[ib], c.city[ia], c.city[ib]
    da, db = c.department[ia], c.department[ib]
    out = np.full(len(ia), MISSING, dtype=np.int8)
    postcodes = (pa != 0) & (pb != 0)
    cities = (ca != 0) & (cb != 0)
    out[cities & ~postcodes] = np.where(ca == cb, 2, 0)[cities & ~postcodes]
    level = np.where(pa == pb, 3, np.where(cities & (ca == cb), 2, np.where(da == db, 1, 0)))
    out[postcodes] = level[postcodes]
    return out


def _gender_levels(c: Columns, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    ga, gb = c.gender[ia], c.gender[ib]
    out = np.where((ga == 0) | (gb == 0), MISSING, (ga == gb).astype(np.int8)).astype(np.int8)
    out[c.organisation[ia] != c.organisation[ib]] = 2
    return out
