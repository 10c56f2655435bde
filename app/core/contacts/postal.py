"""French postal addresses (AFNOR NF Z10-011): the printed block and its checks.

Rules (LEGAL_FR.md part E, La Poste): at most 6 lines (7 abroad, the last one the
country), 38 characters per line spaces included, blank lines dropped, lines 4 to 6 without
punctuation, the last line "POSTCODE CITY" in capitals without accents, block aligned
left. Line 1 is the recipient (civility, first name, NAME or the organisation).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from app.core.text import strip_accents
from app.i18n import _

MAX_LINES = 6
MAX_LINE_LENGTH = 38
CIVILITIES = frozenset({"M.", "M", "Mme", "Mlle", "MM.", "Mmes", "Dr", "Me", "Pr"})
FRANCE_CODES = frozenset({"FR", "MC", ""})
_PUNCTUATION = re.compile(r"[^0-9A-Za-zÀ-ÿŒœÆæ' ]")
FR_POSTCODE = re.compile(r"^\d{5}$")
_NOT_TOWN = re.compile(r"[^0-9A-Z ]")
COUNTRY_NAMES = {
    "BE": "BELGIQUE",
    "CH": "SUISSE",
    "LU": "LUXEMBOURG",
    "DE": "ALLEMAGNE",
    "ES": "ESPAGNE",
    "IT": "ITALIE",
    "GB": "ROYAUME-UNI",
    "US": "ETATS-UNIS",
    "CA": "CANADA",
    "PT": "PORTUGAL",
    "NL": "PAYS-BAS",
    "MC": "MONACO",
}


@dataclass(frozen=True)
class AddressParts:
    """The stored parts of an address plus the recipient line (plain data)."""

    recipient: str
    line2: str = ""
    line3: str = ""
    line4: str = ""
    line5: str = ""
    postcode: str = ""
    city: str = ""
    country: str = "FR"


@dataclass(frozen=True)
class AddressProblem:
    """One reason an address does not fit the standard, naming the field concerned."""

    field: str
    message: str


def recipient_line(
    *, civility: str, first_name: str, last_name: str, organisation_name: str = ""
) -> str:
    """Line 1: "Mme Hélène DUPONT" or the organisation's name."""
    if organisation_name:
        return " ".join(organisation_name.split())
    return " ".join(f"{civility} {first_name} {last_name.upper()}".split())


def label_recipient(recipient: str) -> str:
    """Line 1 shortened to 38 characters for labels and envelopes only.

    LEGAL_FR.md 0.9 and E: the 38-character rule is postal; the stored name and the tax
    receipt keep the full identity. First names become initials ("Françoise-Éléonore" ->
    "F-É"), then the civility goes, then the line is cut.
    """
    line = " ".join(recipient.split())  # str.split() splits where \s+ would
    if len(line) <= MAX_LINE_LENGTH:
        return line
    words = line.split(" ")
    if words[0] not in CIVILITIES:  # an organisation: cut, keeping whole words
        return line[: MAX_LINE_LENGTH + 1].rsplit(" ", 1)[0][:MAX_LINE_LENGTH]
    shortened = [
        w if index == 0 or w.isupper() else "-".join(p[:1] for p in w.split("-") if p)
        for index, w in enumerate(words)
    ]
    for candidate in (" ".join(shortened), " ".join(shortened[1:])):
        if len(candidate) <= MAX_LINE_LENGTH:
            return candidate
    return " ".join(shortened[1:])[:MAX_LINE_LENGTH].rstrip()


def city_line(postcode: str, city: str) -> str:
    """Line 6: postcode then city in capitals without accents nor punctuation."""
    return f"{postcode.strip()} {_town(city)}".strip()


@functools.lru_cache(maxsize=8192)  # a mailing repeats the same towns thousands of times
def _town(city: str) -> str:
    plain = city if city.isascii() else strip_accents(city)  # ASCII has nothing to strip
    cleaned = plain.upper().replace("-", " ").replace("'", " ")
    return " ".join(_NOT_TOWN.sub(" ", cleaned).split())


def _no_punctuation(line: str) -> str:
    return " ".join(_PUNCTUATION.sub(" ", line).split()) if line else ""


def address_block(parts: AddressParts) -> list[str]:
    """The lines to print, blank lines removed (country line added abroad)."""
    lines = [
        label_recipient(parts.recipient),
        parts.line2.strip(),
        parts.line3.strip(),
        _no_punctuation(parts.line4),
        _no_punctuation(parts.line5).upper(),
        city_line(parts.postcode, parts.city),
    ]
    block = [line for line in lines if line]
    country = (parts.country or "FR").upper()
    if country not in FRANCE_CODES:
        block.append(COUNTRY_NAMES.get(country, country))
    return block


def address_problems(parts: AddressParts) -> list[AddressProblem]:
    """Every way the address breaks NF Z10-011 or is unusable for mail (empty: fine)."""
    problems: list[AddressProblem] = []
    for name in ("line2", "line3", "line4", "line5"):
        value = getattr(parts, name).strip()
        if len(value) > MAX_LINE_LENGTH:
            problems.append(
                AddressProblem(
                    name,
                    _(
                        "Ligne d'adresse de {n} caractères : {max} au plus (norme NF Z10-011)."
                    ).format(n=len(value), max=MAX_LINE_LENGTH),
                )
            )
    # The recipient line is not checked: labels shorten it (label_recipient), and the full
    # name stays on tax receipts (LEGAL_FR.md 0.9).
    if not parts.line4.strip() and not parts.line5.strip():
        problems.append(
            AddressProblem(
                "line4", _("Adresse incomplète : numéro et voie (ou lieu-dit) manquants.")
            )
        )
    if not parts.city.strip():
        problems.append(AddressProblem("city", _("Adresse incomplète : commune manquante.")))
    france = (parts.country or "FR").upper() in FRANCE_CODES
    if france and not FR_POSTCODE.match(parts.postcode.strip()):
        problems.append(
            AddressProblem(
                "postcode",
                _("Code postal « {value} » : 5 chiffres attendus.").format(value=parts.postcode),
            )
        )
    if len(city_line(parts.postcode, parts.city)) > MAX_LINE_LENGTH:
        problems.append(
            AddressProblem(
                "city",
                _(
                    "Ligne « code postal et commune » trop longue : {max} caractères au plus."
                ).format(max=MAX_LINE_LENGTH),
            )
        )
    if len(address_block(parts)) > (MAX_LINES if france else MAX_LINES + 1):
        problems.append(
            AddressProblem("line2", _("Adresse de plus de 6 lignes : regroupez les compléments."))
        )
    return problems
