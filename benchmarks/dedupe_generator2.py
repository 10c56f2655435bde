"""A second labelled generator, independent of app/core/dedupe/synthetic.py: names from a
public package (Faker's lists: fr_FR's 400 most common surnames for 15 % of people, rarer
ones from neighbouring locales for the others, fr_FR's 88 + 131 first names) and another
corruption model (OCR-like errors, phonetic misspellings, nicknames, married names, swapped
fields, missing fields, typo'd birth dates, moved people), and hard negatives (namesakes
with other birth dates, parent and child of one name at one address).

`stress=True` gives the first version of this generator, kept for comparison: 73 surnames
and 79 first names of its own (every person has 2.5 namesakes on average, about 60 times
a French file of that size) and e-mail addresses that collide between unrelated people
(`jboucher.97@` drawn from 90 numbers). No rule can reach F1 0.99 on it: the same name
with no identifier is as often two people as one (benchmarks/dedupe_diagnose.py prints the
ceiling). docs/matching.md says why the default changed.

Used by benchmarks/dedupe_peers.py; never by the application. Needs `pip install .[bench]`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from app.core.dedupe.normalise import normalise_row
from app.core.dedupe.synthetic import LabelledData

FEMALE = [
    "Anne",
    "Brigitte",
    "Camille",
    "Chantal",
    "Christine",
    "Claire",
    "Delphine",
    "Élise",
    "Émilie",
    "Françoise",
    "Geneviève",
    "Hélène",
    "Isabelle",
    "Jacqueline",
    "Josette",
    "Julie",
    "Laetitia",
    "Laure",
    "Léa",
    "Lucie",
    "Madeleine",
    "Manon",
    "Marie",
    "Martine",
    "Mathilde",
    "Monique",
    "Nathalie",
    "Nicole",
    "Océane",
    "Pascale",
    "Sandrine",
    "Solène",
    "Suzanne",
    "Sylvie",
    "Thérèse",
    "Valérie",
    "Véronique",
    "Yvette",
    "Zoé",
]
MALE = [
    "Alain",
    "André",
    "Antoine",
    "Arnaud",
    "Benoît",
    "Bernard",
    "Christophe",
    "Claude",
    "Daniel",
    "Denis",
    "Didier",
    "Éric",
    "François",
    "Gérard",
    "Guillaume",
    "Henri",
    "Hugo",
    "Jacques",
    "Jean",
    "Jérôme",
    "Joël",
    "Julien",
    "Laurent",
    "Louis",
    "Luc",
    "Marc",
    "Martin",
    "Mathieu",
    "Michel",
    "Nicolas",
    "Olivier",
    "Pascal",
    "Patrick",
    "Philippe",
    "Pierre",
    "Raymond",
    "Robert",
    "Sébastien",
    "Thierry",
    "Yves",
]
SURNAMES = [
    "Abgrall",
    "Arnaud",
    "Barbe",
    "Baudry",
    "Bellec",
    "Bertrand",
    "Blanchard",
    "Bonnet",
    "Boucher",
    "Bouvier",
    "Brunet",
    "Carré",
    "Chauvin",
    "Chevalier",
    "Colin",
    "Cousin",
    "Daniel",
    "Delmas",
    "Dumas",
    "Dupuy",
    "Even",
    "Fabre",
    "Faure",
    "Ferrand",
    "Fournier",
    "Gaillard",
    "Garnier",
    "Gauthier",
    "Germain",
    "Giraud",
    "Guillou",
    "Hamon",
    "Hervé",
    "Huet",
    "Jacob",
    "Jolly",
    "Kerboul",
    "Labbé",
    "Lacroix",
    "Laine",
    "Le Gall",
    "Le Goff",
    "Lebon",
    "Leclerc",
    "Lemoine",
    "Le Roux",
    "Leroy",
    "Lopez",
    "Marchand",
    "Mallet",
    "Masson",
    "Menard",
    "Millet",
    "Morel",
    "Néel",
    "Noël",
    "Pasquier",
    "Perrin",
    "Picard",
    "Poulain",
    "Prévost",
    "Quéré",
    "Rolland",
    "Roussel",
    "Royer",
    "Salaün",
    "Schmitt",
    "Tanguy",
    "Tessier",
    "Thomas",
    "Vallée",
    "Vidal",
    "Weber",
]
STREETS = [
    "rue de Brest",
    "rue Jean Jaurès",
    "avenue de la Gare",
    "chemin du Moulin",
    "place de la Mairie",
    "rue des Écoles",
    "impasse des Tilleuls",
    "boulevard Victor Hugo",
    "rue du Port",
    "allée des Pins",
]
TOWNS = (
    ("29200", "Brest"),
    ("29000", "Quimper"),
    ("35000", "Rennes"),
    ("56100", "Lorient"),
    ("22000", "Saint-Brieuc"),
    ("44000", "Nantes"),
    ("49000", "Angers"),
    ("72000", "Le Mans"),
    ("69003", "Lyon"),
    ("13005", "Marseille"),
    ("31400", "Toulouse"),
    ("59000", "Lille"),
)
NICKNAMES = {
    "Jacqueline": "Jacquie",
    "Christophe": "Chris",
    "Nicolas": "Nico",
    "Guillaume": "Guil",
    "Mathilde": "Mathy",
    "Sébastien": "Seb",
    "Véronique": "Véro",
    "Dominique": "Dom",
    "Alexandre": "Alex",
    "Philippe": "Phil",
    "Françoise": "Fanfan",
    "Frédéric": "Fred",
    "Madeleine": "Mado",
    "Catherine": "Cathy",
    "Joël": "Jo",
    "Valérie": "Val",
}
OCR = {"m": "rn", "l": "1", "o": "0", "e": "c", "i": "l", "n": "h", "u": "v", "b": "h"}
PHONETIC = (
    ("ph", "f"),
    ("qu", "k"),
    ("au", "o"),
    ("ai", "é"),
    ("ll", "l"),
    ("ss", "s"),
    ("é", "er"),
    ("y", "i"),
    ("c", "k"),
    ("an", "en"),
    ("in", "ain"),
)


@dataclass
class World:
    """Where people are drawn from: name lists, and the mailboxes already given."""

    female: list[str]
    male: list[str]
    surnames: list[str]  # the most common ones
    unique_mailboxes: bool
    rarer_surnames: list[str] = field(default_factory=list)
    common_share: float = 1.0  # share of people bearing one of `surnames`
    mailboxes: set[str] = field(default_factory=set)

    def surname(self, rng: random.Random) -> str:
        """A last name: one of the most common with `common_share`, else a rarer one."""
        if not self.rarer_surnames or rng.random() < self.common_share:
            return rng.choice(self.surnames)
        return rng.choice(self.rarer_surnames)


# Surnames in France: about 1,000 very frequent names are borne by a quarter of the
# population and some 800,000 rarer ones by the rest (planet.fr, after France Télécom and
# INSEE counts); so the 400 most common (Faker's fr_FR list) are drawn for about 15 % of
# people, and the others from Faker's lists of French-speaking neighbours and of the
# countries most French surnames of foreign origin come from (a few thousand names: still
# about 2.5 times more shared surnames than a national file, as a regional association has).
RARER_FROM = ("fr_BE", "fr_CH", "fr_CA", "de_DE", "it_IT", "es_ES", "pt_PT", "nl_BE")
COMMON_SURNAME_SHARE = 0.15


def _world(stress: bool) -> World:
    if stress:
        return World(FEMALE, MALE, SURNAMES, unique_mailboxes=False)
    import importlib

    from faker.providers.person.fr_FR import Provider

    common = list(Provider.last_names)
    rarer: set[str] = set()
    for locale in RARER_FROM:
        names = importlib.import_module(f"faker.providers.person.{locale}").Provider.last_names
        rarer |= set(names) - set(common)
    return World(
        list(Provider.first_names_female),
        list(Provider.first_names_male),
        common,
        unique_mailboxes=True,
        rarer_surnames=sorted(rarer),
        common_share=COMMON_SURNAME_SHARE,
    )


DOMAINS = ("orange.fr", "free.fr", "gmail.com", "laposte.net", "wanadoo.fr", "sfr.fr")


def _mailbox(rng: random.Random, world: World, first: str, last: str) -> str:
    """An e-mail address; in the realistic world one mailbox belongs to one person."""
    if not world.unique_mailboxes:
        return f"{first[0]}{last}.{rng.randint(10, 99)}@courriel.fr".lower().replace(" ", "")
    for attempt in range(100):
        local = rng.choice((f"{first}.{last}", f"{first[0]}{last}", f"{last}.{first}"))
        suffix = "" if attempt == 0 and rng.random() < 0.3 else str(rng.randint(1, 999))
        address = f"{local}{suffix}@{rng.choice(DOMAINS)}".lower().replace(" ", "")
        if address not in world.mailboxes:
            world.mailboxes.add(address)
            return address
    raise RuntimeError("no free mailbox")


CORRUPTIONS = ("ocr", "phonetic", "nickname", "married", "swap", "missing", "birth", "moved")


def _ocr(rng: random.Random, text: str) -> str:
    spots = [i for i, c in enumerate(text) if c.lower() in OCR]
    if not spots:
        return text
    i = rng.choice(spots)
    return text[:i] + OCR[text[i].lower()] + text[i + 1 :]


def _phonetic(rng: random.Random, text: str) -> str:
    found = [(a, b) for a, b in PHONETIC if a in text.lower()]
    if not found:
        return text[:-1] + text[-1] * 2 if len(text) > 3 else text
    a, b = rng.choice(found)
    i = text.lower().index(a)
    return text[:i] + b + text[i + len(a) :]


def _birth_typo(rng: random.Random, born: date) -> date:
    if born.day <= 12 and born.day != born.month and rng.random() < 0.4:
        return date(born.year, born.day, born.month)  # day and month swapped
    for _ in range(10):
        text = born.strftime("%Y%m%d")
        i = rng.choice((3, 5, 6, 7))
        changed = text[:i] + str((int(text[i]) + rng.choice((1, 9))) % 10) + text[i + 1 :]
        try:
            return date(int(changed[:4]), int(changed[4:6]), int(changed[6:]))
        except ValueError:
            continue
    return born + timedelta(days=1)


def _person(rng: random.Random, world: World, pid: int) -> dict:  # type: ignore[type-arg]
    female = rng.random() < 0.52
    names = world.female if female else world.male
    first = rng.choice(names)
    if rng.random() < 0.1:
        first = f"{first}-{rng.choice(names)}"
    last = world.surname(rng)
    postcode, town = rng.choice(TOWNS)
    born = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 75))
    return {
        "id": pid,
        "kind": "person",
        "civility": ("Mme" if female else "M.") if rng.random() < 0.8 else "",
        "first_name": first,
        "last_name": last,
        "birth_name": "",
        "organisation_name": "",
        "siren": "",
        "birth_date": born if rng.random() < 0.6 else None,
        "email": _mailbox(rng, world, first, last) if rng.random() < 0.55 else "",
        "phone": f"0{rng.choice('1234567')}{rng.randint(10_000_000, 99_999_999)}"
        if rng.random() < 0.5
        else "",
        "postcode": postcode,
        "city": town,
        "street": f"{rng.randint(1, 200)} {rng.choice(STREETS)}",
    }


def _corrupt(
    rng: random.Random,
    world: World,
    row: dict[str, Any],
    pid: int,
    applied: list[str] | None = None,
) -> dict[str, Any]:
    dup = {**row, "id": pid}
    for kind in rng.sample(CORRUPTIONS, rng.choice((1, 1, 2))):
        before = dict(dup)
        if kind == "ocr":
            field = rng.choice(("first_name", "last_name"))
            dup[field] = _ocr(rng, dup[field])
        elif kind == "phonetic":
            dup["last_name"] = _phonetic(rng, dup["last_name"])
        elif kind == "nickname":
            base = dup["first_name"].split("-")[0]
            dup["first_name"] = NICKNAMES.get(base, base)
        elif kind == "married" and row["civility"] == "Mme":
            dup["birth_name"], dup["last_name"] = row["last_name"], world.surname(rng)
        elif kind == "swap":
            dup["first_name"], dup["last_name"] = dup["last_name"], dup["first_name"]
        elif kind == "missing":
            for field in rng.sample(("email", "phone", "birth_date", "street", "civility"), 2):
                dup[field] = None if field == "birth_date" else ""
        elif kind == "birth" and dup["birth_date"]:
            dup["birth_date"] = _birth_typo(rng, dup["birth_date"])
        elif kind == "moved":
            dup["postcode"], dup["city"] = rng.choice(TOWNS)
            dup["street"] = f"{rng.randint(1, 200)} {rng.choice(STREETS)}"
            dup["email"] = dup["email"] if rng.random() < 0.5 else ""
        if applied is not None and dup != before:
            applied.append(kind)
    return dup


def _namesake(
    rng: random.Random, world: World, row: dict[str, Any], pid: int
) -> dict[str, Any] | None:
    """A different person of the same name (a parent and child at one address 40 % of the
    time). In the realistic world a hard negative is one a careful reviewer can tell apart:
    both records carry one identifier (birth date, phone or e-mail) that differs; a person
    with none gets no namesake. (The first version made namesakes with nothing to tell
    them from a copy: about 3 % of its pairs had no true label a reviewer or a tool could
    find, and capped any method's F1 at 0.97.)"""
    other = _person(rng, world, pid)
    other["first_name"], other["last_name"] = row["first_name"], row["last_name"]
    other["civility"] = row["civility"]
    if rng.random() < 0.4:  # parent and child at the same address
        other["postcode"], other["city"], other["street"] = (
            row["postcode"],
            row["city"],
            row["street"],
        )
        other["birth_date"] = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 75))
    if not world.unique_mailboxes:  # the first version's namesakes
        return other
    held = [name for name in ("birth_date", "phone", "email") if row[name]]
    if not held:
        return None
    telling = rng.choice(held)
    while not other[telling] or other[telling] == row[telling]:
        if telling == "birth_date":
            other["birth_date"] = date(1930, 1, 1) + timedelta(days=rng.randrange(0, 365 * 75))
        elif telling == "phone":
            other["phone"] = f"0{rng.choice('1234567')}{rng.randint(10_000_000, 99_999_999)}"
        else:
            other["email"] = _mailbox(rng, world, other["first_name"], other["last_name"])
    return other


def generate(
    count: int, *, seed: int = 1, duplicate_rate: float = 0.15, stress: bool = False
) -> LabelledData:
    """`count` people; about duplicate_rate of them typed again (sometimes twice)."""
    return generate_with_causes(count, seed=seed, duplicate_rate=duplicate_rate, stress=stress)[0]


def generate_with_causes(
    count: int, *, seed: int = 1, duplicate_rate: float = 0.15, stress: bool = False
) -> tuple[LabelledData, dict[tuple[int, int], str]]:
    """The data set and, for diagnosis only, what was done to each pair: the corruptions of
    a duplicate's copy ("ocr+moved"), or "namesake" / "namesake same address" for the hard
    negatives (benchmarks/dedupe_diagnose.py prints errors by cause)."""
    rng = random.Random(seed)
    world = _world(stress)
    causes: dict[tuple[int, int], str] = {}
    rows, pairs, next_id = [], set(), 1
    for _ in range(count):
        row = _person(rng, world, next_id)
        rows.append(row)
        next_id += 1
        if rng.random() < duplicate_rate:
            copies, kinds = [row["id"]], {}
            for _copy in range(1 if rng.random() < 0.85 else 2):
                applied: list[str] = []
                rows.append(_corrupt(rng, world, row, next_id, applied))
                kinds[next_id] = "+".join(sorted(applied)) or "unchanged"
                copies.append(next_id)
                next_id += 1
            pairs |= {(a, b) for a in copies for b in copies if a < b}
            for a in copies:
                for b in copies:
                    if a < b:
                        causes[(a, b)] = kinds[b] if a == row["id"] else f"{kinds[a]} / {kinds[b]}"
        elif rng.random() < 0.08:
            other = _namesake(rng, world, row, next_id)
            if other is None:
                continue
            same = other["street"] == row["street"] and other["postcode"] == row["postcode"]
            causes[(row["id"], next_id)] = "namesake same address" if same else "namesake"
            rows.append(other)
            next_id += 1
    return LabelledData([normalise_row(r) for r in rows], pairs), causes
