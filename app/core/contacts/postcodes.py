"""Offline check of French postcodes against their city.

Obole bundles the list of départements (resources/departments.tsv) and a list of known
(postcode, city) pairs (resources/demo/cities.tsv, the main cities). A postcode whose
département does not exist is refused; when the postcode is a known one, the typed city is
compared with the known city names (accent- and case-insensitive). The full La Poste base
(about 39,000 pairs) is not bundled: for other postcodes only the département is checked.
"""

from __future__ import annotations

from functools import cache

from app.core.contacts.postal import FR_POSTCODE, FRANCE_CODES
from app.core.text import fold
from app.i18n import _
from app.resources import read_text


@cache
def departments() -> dict[str, str]:
    """Département code -> name."""
    lines = read_text("departments.tsv").splitlines()
    return dict(line.split("\t", 1) for line in lines if line.strip())


@cache
def known_cities() -> dict[str, set[str]]:
    """Postcode -> folded city names known for it."""
    known: dict[str, set[str]] = {}
    for line in read_text("demo", "cities.tsv").splitlines():
        if line.strip():
            postcode, city = line.split("\t", 1)
            known.setdefault(postcode, set()).add(fold(city))
    return known


def department_of(postcode: str) -> str | None:
    """The département code of a French postcode ("97400" -> "974", "20000" -> "20")."""
    if not FR_POSTCODE.match(postcode):
        return None
    for length in (3, 2):
        code = postcode[:length]
        if code in departments():
            return code
    return None


def postcode_city_hint(postcode: str, city: str, country: str = "FR") -> str | None:
    """A warning when the postcode cannot be right for the city, else None."""
    postcode = postcode.strip()
    if (country or "FR").upper() not in FRANCE_CODES or not FR_POSTCODE.match(postcode):
        return None
    department = department_of(postcode)
    if department is None:
        return _("Le code postal {postcode} ne correspond à aucun département français.").format(
            postcode=postcode
        )
    cities = known_cities().get(postcode)
    if cities and city.strip() and fold(city) not in cities:
        return _(
            "Le code postal {postcode} est celui de {cities}, pas de « {city} » : vérifiez."
        ).format(postcode=postcode, cities=", ".join(sorted(c.upper() for c in cities)), city=city)
    return None
