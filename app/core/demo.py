"""A realistic, deterministic French demo dataset (contacts, gifts, consents, duplicates).

Rows are generated in memory per chunk and written with bulk INSERTs, so 100,000 contacts
and their ~400,000 gifts take well under two minutes. Bulk rows bypass the per-field
journal; one journal event records the generation itself.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from app.core.contacts.fields import first_name_initials, search_text_for, sort_name_for
from app.core.infrastructure.journal import record_event
from app.core.infrastructure.sequences import sync_sequences
from app.core.progress import NULL_PROGRESS, CancelToken, Progress
from app.db import refresh_statistics
from app.models import (
    Campaign,
    ConsentEvent,
    Contact,
    ContactEmail,
    ContactPhone,
    Gift,
    Membership,
    MembershipType,
    OrganisationSettings,
    PostalAddress,
    RegularGiftPlan,
    SepaMandate,
    Tag,
    contact_tags,
)
from app.models.enums import (
    ContactKind,
    ContactStatus,
    MandateStatus,
    MembershipKind,
    MembershipPeriod,
    PaymentMethod,
    PlanFrequency,
    PlanStatus,
)
from app.resources import read_text

CHUNK = 2_000
Details = tuple[str, str, dict[str, Any] | None]  # a contact's e-mail, phone and address
DUPLICATE_RATE = 0.03
# a planted duplicate keeps its original's e-mail, phone (when it has one) and address this
# often: a donor typed twice (docs/matching.md, "the demo database")
SAME_EMAIL_RATE = 0.5
SAME_PHONE_RATE = 0.4
MOVED_RATE = 0.15
ORGANISATION_RATE = 0.06
NPAI_RATE = 0.02
LEGAL_FORMS = ("SARL", "SAS", "SA", "EURL", "SARL", "SAS", "SASU")  # shops and firms
ORG_WORDS = (
    "Boulangerie",
    "Garage",
    "Pharmacie",
    "Cabinet",
    "Imprimerie",
    "Transports",
    "Menuiserie",
    "Librairie",
    "Domaine",
    "Fromagerie",
    "Hôtel",
    "Atelier",
    "Brasserie",
    "Électricité",
)
EMAIL_DOMAINS = (
    "orange.fr",
    "free.fr",
    "gmail.com",
    "laposte.net",
    "sfr.fr",
    "wanadoo.fr",
    "hotmail.fr",
    "yahoo.fr",
    "outlook.fr",
)
TAGS = ("Bénévole", "Adhérent", "Grand donateur", "Legs", "Presse", "Partenaire")
PAYMENT_MIX = (("cheque", 40), ("card", 22), ("transfer", 15), ("cash", 8), ("direct_debit", 15))
AMOUNTS_EUR = (
    10,
    15,
    20,
    25,
    30,
    40,
    50,
    50,
    60,
    75,
    80,
    100,
    100,
    120,
    150,
    200,
    250,
    300,
    500,
    1000,
)
MONTH_WEIGHTS = (6, 5, 5, 5, 6, 9, 5, 4, 6, 7, 12, 30)  # December peak, June appeal


@dataclass
class DemoReport:
    """What was generated."""

    contacts: int = 0
    organisations: int = 0
    gifts: int = 0
    consents: int = 0
    planted_duplicates: list[tuple[int, int]] = field(default_factory=list)
    memberships: int = 0
    mandates: int = 0
    plans: int = 0


@cache
def _lines(name: str) -> tuple[str, ...]:
    text = read_text("demo", name)
    return tuple(line for line in text.splitlines() if line.strip())


def _cities() -> tuple[tuple[str, str], ...]:
    return tuple(tuple(line.split("\t", 1)) for line in _lines("cities.tsv"))  # type: ignore[misc]


def _ascii_login(text: str) -> str:
    from app.core.text import fold

    return fold(text).replace(" ", "")


class _Generator:
    """Holds the random state and the id counters of one generation run."""

    def __init__(self, session: Session, seed: int, today: date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.next_ids = {
            table: (session.scalar(select(func.max(model.id))) or 0) + 1
            for table, model in (
                ("contact", Contact),
                ("email", ContactEmail),
                ("phone", ContactPhone),
                ("address", PostalAddress),
                ("gift", Gift),
                ("consent", ConsentEvent),
            )
        }
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.rows.setdefault(table, []).append(row)

    # --- people and organisations ----------------------------------------------------

    def person(self) -> dict[str, Any]:
        rng = self.rng
        female = rng.random() < 0.55
        first = rng.choice(_lines("first_names_f.txt" if female else "first_names_m.txt"))
        last = rng.choice(_lines("last_names.txt"))
        birth = None
        if rng.random() < 0.35:
            birth = date(rng.randint(1935, 2002), rng.randint(1, 12), rng.randint(1, 28))
        birth_name = rng.choice(_lines("last_names.txt")) if female and rng.random() < 0.2 else ""
        return {
            "kind": "person",
            "civility": "Mme" if female else "M.",
            "first_name": first,
            "last_name": last,
            "birth_name": birth_name,
            "organisation_name": "",
            "legal_form": "",
            "siren": "",
            "birth_date": birth,
            "receipt_mode": "",
        }

    def organisation(self) -> dict[str, Any]:
        rng = self.rng
        name = f"{rng.choice(ORG_WORDS)} {rng.choice(_lines('last_names.txt'))}"
        siren = "".join(str(rng.randint(0, 9)) for _ in range(8))
        siren += str(_luhn_check_digit(siren))
        return {
            "kind": "organisation",
            "civility": "",
            "first_name": "",
            "last_name": "",
            "birth_name": "",
            "organisation_name": name,
            "legal_form": rng.choice(LEGAL_FORMS),
            "siren": siren,
            "birth_date": None,
            # companies often want a receipt per gift for their accounts (no draw: the
            # random stream, hence every other demo value, stays the same)
            "receipt_mode": "per_gift" if siren[-1] in "02468" else "",
        }

    def email_for(self, identity: dict[str, Any]) -> str:
        rng = self.rng
        if identity["kind"] == "organisation":
            return f"contact@{_ascii_login(identity['organisation_name'])}.fr"
        first, last = _ascii_login(identity["first_name"]), _ascii_login(identity["last_name"])
        pattern = rng.choice(
            (
                f"{first}.{last}",
                f"{first[0]}{last}",
                f"{last}.{first}",
                f"{first}{rng.randint(1, 99)}",
            )
        )
        return f"{pattern}@{rng.choice(EMAIL_DOMAINS)}"

    def phone(self) -> str:
        """A valid French number (the generator retries the rare invalid draws)."""
        while True:
            prefix = self.rng.choice(("+336", "+337", "+331", "+332", "+333", "+334", "+335"))
            number = prefix + "".join(str(self.rng.randint(0, 9)) for _ in range(8))
            if _valid_phone(number):
                return number

    def address(self) -> dict[str, Any]:
        rng = self.rng
        postcode, city = rng.choice(_cities())
        street = f"{rng.randint(1, 180)} {rng.choice(_lines('streets.txt'))}"[:38]
        line2 = rng.choice(
            (
                "",
                "",
                "",
                "",
                f"Appartement {rng.randint(1, 60)}",
                f"Chez {rng.choice(_lines('last_names.txt'))}",
            )
        )
        line3 = rng.choice(
            ("", "", "", "", "", f"Résidence Les {rng.choice(('Pins', 'Tilleuls', 'Acacias'))}")
        )
        return {
            "line2": line2[:38],
            "line3": line3[:38],
            "line4": street,
            "line5": "",
            "postcode": postcode,
            "city": city,
            "country": "FR",
        }


def _valid_phone(number: str) -> bool:
    import phonenumbers

    return phonenumbers.is_valid_number(phonenumbers.parse(number, "FR"))


def _luhn_check_digit(digits: str) -> int:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def _misspell(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randint(1, len(text) - 2)
    kind = rng.random()
    if kind < 0.4:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind < 0.7:
        return text[:i] + text[i + 1 :]
    return text[:i] + text[i] + text[i:]


def _duplicate_of(rng: random.Random, identity: dict[str, Any]) -> dict[str, Any]:
    """A second record of the same donor typed differently."""
    dup = dict(identity)
    if dup["kind"] == "organisation":
        dup["organisation_name"] = _misspell(rng, dup["organisation_name"])
        return dup
    variant = rng.random()
    if variant < 0.35:
        dup["last_name"] = _misspell(rng, dup["last_name"])
    elif variant < 0.6 and "-" in dup["first_name"]:
        dup["first_name"] = "-".join(p[0] + "." for p in dup["first_name"].split("-"))
    elif variant < 0.8:
        dup["last_name"] = dup["last_name"].upper()
        dup["first_name"] = _misspell(rng, dup["first_name"])
    else:
        dup["first_name"], dup["last_name"] = dup["last_name"], dup["first_name"]
    return dup


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _gift_dates(g: _Generator, years: int) -> Iterator[date]:
    rng = g.rng
    first_year = g.today.year - years + 1
    count = min(int(rng.expovariate(1 / 3.2)) + 1, 25)
    for _ in range(count):
        year = rng.randint(first_year, g.today.year)
        month = rng.choices(range(1, 13), weights=MONTH_WEIGHTS)[0]
        day = rng.randint(1, 28)
        candidate = date(year, month, day)
        if candidate <= g.today:
            yield candidate


def _add_gifts(
    g: _Generator, contact_id: int, campaigns: list[int], years: int, is_organisation: bool
) -> int:
    rng = g.rng
    now = datetime.now(UTC)
    added = 0
    monthly = not is_organisation and rng.random() < 0.08
    dates = sorted(_gift_dates(g, years))
    if monthly and dates:
        start = dates[0].replace(day=5)
        dates = [d for d in (start + timedelta(days=31 * i) for i in range(60)) if d <= g.today]
        dates = [d.replace(day=5) for d in dates]
    for received in dates:
        method = "direct_debit" if monthly else _weighted(rng, PAYMENT_MIX[:-1])
        euros = rng.choice((10, 15, 20, 30)) if monthly else rng.choice(AMOUNTS_EUR)
        if is_organisation:
            euros *= rng.choice((5, 10, 20))
        g.add(
            "gift",
            {
                "id": g.new_id("gift"),
                "contact_id": contact_id,
                "received_on": received,
                "amount_cents": euros * 100,
                "payment_method": method,
                "nature": "cash",
                "in_kind_description": "",
                "in_kind_valuation": "",
                "campaign_id": rng.choice(campaigns) if rng.random() < 0.7 else None,
                "cheque_number": str(rng.randint(1000000, 9999999)) if method == "cheque" else "",
                "deposit_slip": f"B{received:%Y%m}-{rng.randint(1, 4)}"
                if method in ("cheque", "cash")
                else "",
                "bank_reference": "",
                "receiptable": True,
                "is_membership_fee": False,
                "counterpart_cents": 0,
                "notes": "",
                "receipt_id": None,
                "import_batch_id": None,
                "created_at": now,
                "updated_at": now,
            },
        )
        added += 1
    return added


def _add_consents(g: _Generator, contact_id: int, has_email: bool, has_phone: bool) -> int:
    rng = g.rng
    added = 0
    channels = ["post"] + (["email"] if has_email else []) + (["phone", "sms"] if has_phone else [])
    for channel in channels:
        if channel != "post" and rng.random() < 0.35:
            continue
        when = datetime.combine(g.today - timedelta(days=rng.randint(30, 1800)), time(10), UTC)
        source = rng.choice(("Bulletin papier", "Formulaire web", "Appel téléphonique", "Salon"))
        events = [("granted", when)]
        if rng.random() < 0.08:
            events.append(("withdrawn", when + timedelta(days=rng.randint(10, 300))))
        for status, at in events:
            g.add(
                "consent",
                {
                    "id": g.new_id("consent"),
                    "contact_id": contact_id,
                    "channel": channel,
                    "purpose": "solicitation",
                    "status": status,
                    "occurred_at": at,
                    "source": source,
                    "proof_text": "Case cochée : « J'accepte de recevoir "
                    "des nouvelles de l'association »"
                    if status == "granted"
                    else "Demande du donateur",
                    "recorded_by": "demo",
                    "recorded_at": at,
                },
            )
            added += 1
    return added


def _add_contact(
    g: _Generator,
    identity: dict[str, Any],
    campaigns: list[int],
    years: int,
    report: DemoReport,
    *,
    with_gifts: bool = True,
    like: Details | None = None,
) -> tuple[int, Details]:
    """Add a contact; `like`: the e-mail, phone and address of the record a planted duplicate
    copies. Returns its id and its own."""
    rng = g.rng
    now = datetime.now(UTC)
    contact_id = g.new_id("contact")
    if like is None:
        email = g.email_for(identity) if rng.random() < 0.65 else ""
        phone = g.phone() if rng.random() < 0.5 else ""
        address = g.address() if rng.random() < 0.93 else None
    else:
        email, phone, address = _typed_again(g, identity, like)
    parts = [
        identity["first_name"],
        identity["last_name"],
        identity["birth_name"],
        identity["organisation_name"],
        first_name_initials(identity["first_name"]),
        email,
        phone,
        phone.replace("+33", "0"),
    ]
    if address:
        parts += [address["postcode"], address["city"]]
    g.add(
        "contact",
        {
            **identity,
            "id": contact_id,
            "notes": "",
            "status": "active",
            "restricted": False,
            "restricted_reason": "",
            "deceased_on": None,
            "merged_into_id": None,
            "anonymised_at": None,
            "import_batch_id": None,
            "created_at": now,
            "updated_at": now,
            "search_text": search_text_for(parts),
            "sort_name": sort_name_for(
                kind=identity["kind"],
                last_name=identity["last_name"],
                first_name=identity["first_name"],
                organisation_name=identity["organisation_name"],
            ),
        },
    )
    if email:
        g.add(
            "email",
            {
                "id": g.new_id("email"),
                "contact_id": contact_id,
                "email": email,
                "label": "",
                "position": 0,
            },
        )
    if phone:
        g.add(
            "phone",
            {
                "id": g.new_id("phone"),
                "contact_id": contact_id,
                "number": phone,
                "label": "",
                "position": 0,
            },
        )
    if address:
        npai = rng.random() < NPAI_RATE
        g.add(
            "address",
            {
                **address,
                "id": g.new_id("address"),
                "contact_id": contact_id,
                "is_primary": True,
                "npai": npai,
                "npai_on": g.today - timedelta(days=rng.randint(5, 400)) if npai else None,
                "npai_campaign_id": None,
                "created_at": now,
                "updated_at": now,
            },
        )
    if rng.random() < 0.05:
        g.add("tag", {"contact_id": contact_id, "tag_id": rng.randint(1, len(TAGS))})
    report.contacts += 1
    report.organisations += identity["kind"] == "organisation"
    if with_gifts and rng.random() < 0.85:
        report.gifts += _add_gifts(
            g, contact_id, campaigns, years, identity["kind"] == "organisation"
        )
    report.consents += _add_consents(g, contact_id, bool(email), bool(phone))
    return contact_id, (email, phone, address)


def _typed_again(g: _Generator, identity: dict[str, Any], like: Details) -> Details:
    """What a donor's second record holds: typed again from a new cheque or form, so mostly
    the same letterbox (a few moved), often the same e-mail or phone; a value typed anew
    otherwise (as for any contact)."""
    rng = g.rng
    email, phone, address = like
    if not email or rng.random() >= SAME_EMAIL_RATE:
        email = g.email_for(identity) if rng.random() < 0.65 else ""
    if not phone or rng.random() >= SAME_PHONE_RATE:
        phone = g.phone() if rng.random() < 0.5 else ""
    if address is None or rng.random() < MOVED_RATE:
        address = g.address() if rng.random() < 0.93 else None
    return email, phone, address


TABLES: dict[str, Table] = {
    "contact": Contact.__table__,  # type: ignore[dict-item]
    "email": ContactEmail.__table__,  # type: ignore[dict-item]
    "phone": ContactPhone.__table__,  # type: ignore[dict-item]
    "address": PostalAddress.__table__,  # type: ignore[dict-item]
    "gift": Gift.__table__,  # type: ignore[dict-item]
    "consent": ConsentEvent.__table__,  # type: ignore[dict-item]
    "tag": contact_tags,
}


def _flush_rows(session: Session, g: _Generator) -> None:
    for name, table in TABLES.items():
        rows = g.rows.pop(name, [])
        if rows:
            session.execute(insert(table), rows)


def _ensure_reference_data(session: Session, today: date) -> list[int]:
    if session.scalar(select(func.count()).select_from(Tag)) == 0:
        session.add_all(Tag(name=name) for name in TAGS)
    if session.scalar(select(func.count()).select_from(Campaign)) == 0:
        for year in range(today.year - 4, today.year + 1):
            session.add(
                Campaign(
                    code=f"NOEL{year}",
                    name=f"Appel de fin d'année {year}",
                    starts_on=date(year, 11, 1),
                    ends_on=date(year, 12, 31),
                )
            )
            session.add(
                Campaign(
                    code=f"PRINT{year}",
                    name=f"Appel de printemps {year}",
                    fund="Restauration de la chapelle",
                    starts_on=date(year, 4, 1),
                    ends_on=date(year, 6, 30),
                )
            )
    if session.get(OrganisationSettings, 1) is None:
        session.add(demo_organisation())
    session.flush()
    return list(session.scalars(select(Campaign.id)))


def specimen_signature() -> bytes:
    """The demo association's signature: a drawn scribble marked "SPECIMEN", so demo
    receipts show where the signature goes (LEGAL_FR.md 0.1) and can never pass for real."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (600, 240), "white")
    draw = ImageDraw.Draw(image)
    points = [(40 + x * 5, 150 - int(45 * ((x * 7) % 11 - 5) / 5)) for x in range(0, 100, 3)]
    draw.line(points, fill=(20, 30, 110), width=5, joint="curve")
    draw.line([(60, 190), (540, 175)], fill=(20, 30, 110), width=4)
    font = ImageFont.load_default(size=64)
    draw.text((300, 120), "SPECIMEN", fill=(200, 0, 0), font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def demo_organisation() -> OrganisationSettings:
    """The fictitious association the demo dataset belongs to."""
    return OrganisationSettings(
        id=1,
        name="Les Amis du Patrimoine de Bourgogne",
        rna="W212004567",
        siren="",
        address_line="12 rue des Forges",
        postcode="21000",
        city="Dijon",
        purpose="Sauvegarde et mise en valeur du patrimoine culturel bourguignon "
        "(caractère culturel, concourant à la mise en valeur du patrimoine artistique)",
        receipt_category="interet_general_association_1901",
        signatory_name="Claire Moreau",
        signatory_title="Trésorière",
        signature_image=specimen_signature(),
        email="contact@amis-patrimoine-bourgogne.fr",
        dpo_name="Paul Girard",
        dpo_contact="rgpd@amis-patrimoine-bourgogne.fr",
    )


def ensure_demo_allowed(session: Session) -> None:
    """Refuse demo data unless the acting user is an admin and the database is empty.

    Fake donors and gifts mixed into real data would end up in the next receipts batch
    and cannot be told apart afterwards.
    """
    from app.core.infrastructure.permissions import Permission, require
    from app.errors import Conflict
    from app.i18n import _ as translate
    from app.models import Contact, Gift, Receipt

    require(session, Permission.SETTINGS_WRITE)
    for model in (Contact, Gift, Receipt):
        if session.scalar(select(model.id).limit(1)) is not None:
            raise Conflict(
                translate(
                    "Les données de démonstration ne vont que dans une base neuve et vide : "
                    "cette base contient déjà des contacts, des dons ou des reçus. Créez "
                    "une autre base (obole init --db AUTRE_FICHIER --demo N)."
                )
            )


def generate_demo(
    session: Session,
    *,
    contacts: int,
    seed: int = 1,
    years: int = 5,
    today: date | None = None,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> DemoReport:
    """Add `contacts` demo contacts (plus ~3% planted duplicates) in the caller's transaction.

    Only an administrator, and only into an empty database (`ensure_demo_allowed`).
    """
    ensure_demo_allowed(session)
    today = today or date.today()
    campaigns = _ensure_reference_data(session, today)
    g = _Generator(session, seed, today)
    report = DemoReport()
    from app.i18n import N_
    from app.i18n import _ as translate

    progress.start(contacts, translate(N_("Génération des données de démonstration")))
    originals = max(1, round(contacts / (1 + DUPLICATE_RATE)))
    for index in range(contacts):
        if index < originals or not report.contacts:
            identity = g.organisation() if g.rng.random() < ORGANISATION_RATE else g.person()
            details = _add_contact(g, identity, campaigns, years, report)[1]
            g.rows.setdefault("_identities", []).append(
                {"id": g.next_ids["contact"] - 1, **identity, "_details": details}
            )
        else:
            source = g.rng.choice(g.rows["_identities"]) if g.rows.get("_identities") else None
            if source is None:
                continue
            dup_id = _add_contact(
                g,
                _duplicate_of(g.rng, _identity(source)),
                campaigns,
                years,
                report,
                with_gifts=g.rng.random() < 0.5,
                like=source["_details"],
            )[0]
            report.planted_duplicates.append((source["id"], dup_id))
        if (index + 1) % CHUNK == 0:
            _flush_chunk(session, g, progress, cancel)
    _flush_chunk(session, g, progress, cancel)
    report.memberships = _add_memberships(session, g.rng, today)
    report.mandates, report.plans = _add_regular_gifts(session, g.rng, today)
    sync_sequences(session)  # the rows above chose their ids (PostgreSQL sequences lag)
    refresh_statistics(session.connection())
    record_event(
        session,
        entity="database",
        entity_id=None,
        note=f"Données de démonstration générées : {report.contacts} contacts, "
        f"{report.gifts} dons (graine {seed})",
    )
    return report


MEMBERSHIP_RATE = 0.3  # share of contacts who are (or were) members
DEMO_TYPES = (
    # name, kind, fee in cents
    ("Adhésion individuelle", MembershipKind.INDIVIDUAL, 2500),
    ("Adhésion famille", MembershipKind.FAMILY, 4000),
    ("Adhésion personne morale", MembershipKind.ORGANISATION, 10000),
)


def _add_memberships(session: Session, rng: random.Random, today: date) -> int:
    """Three membership types and the members' calendar years, so the members' screen has
    members up to date, to renew and lapsed (they join one to four years ago, some stop)."""
    types = [
        MembershipType(name=name, kind=kind, fee_cents=fee, period=MembershipPeriod.CALENDAR_YEAR)
        for name, kind, fee in DEMO_TYPES
    ]
    session.add_all(types)
    session.flush()
    individual, family, organisation = types
    methods = (PaymentMethod.CHEQUE, PaymentMethod.TRANSFER, PaymentMethod.CARD, PaymentMethod.CASH)
    rows: list[dict[str, Any]] = []
    for contact_id, kind in session.execute(select(Contact.id, Contact.kind).order_by(Contact.id)):
        if rng.random() >= MEMBERSHIP_RATE:
            continue
        chosen = (
            organisation
            if kind == ContactKind.ORGANISATION
            else family
            if rng.random() < 0.25
            else individual
        )
        first = today.year - rng.randint(0, 3)
        last = min(today.year, first + rng.randint(0, 3))
        for year in range(first, last + 1):
            paid = date(year, rng.randint(1, 6), rng.randint(1, 28))
            if paid > today:
                break
            rows.append(
                {
                    "contact_id": contact_id,
                    "type_id": chosen.id,
                    "starts_on": date(year, 1, 1),
                    "ends_on": date(year, 12, 31),
                    "paid_on": paid,
                    "amount_cents": chosen.fee_cents,
                    "payment_method": rng.choice(methods),
                }
            )
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(Membership), rows[start : start + CHUNK])
    return len(rows)


REGULAR_GIVER_RATE = 0.02  # share of people who signed a SEPA mandate for a regular gift
DEMO_BANKS = (  # bank and branch codes of French banks (the BIC follows from them)
    "3000600001",
    "3000400000",
    "2004101005",
    "1027800000",
    "1310600005",
)
DEMO_CREDITOR_IBAN = "FR7630006000011234567890189"
DEMO_CREDITOR_ID = "FR72ZZZ123456"  # a test ICS, valid check digits
PLAN_CHOICES = (  # frequency, amounts in cents, weight
    (PlanFrequency.MONTHLY, (1000, 1500, 2000, 3000), 85),
    (PlanFrequency.QUARTERLY, (3000, 5000), 10),
    (PlanFrequency.YEARLY, (10000, 12000), 5),
)


def _add_regular_gifts(session: Session, rng: random.Random, today: date) -> tuple[int, int]:
    """The association as a SEPA creditor, and regular givers who signed a mandate in the
    last two months: their plans start on the 5th of next month (nothing collected yet), so
    the regular-giving screen has a first collection to prepare."""
    from app.core.sepa.creditor import CreditorSettings, save_creditor

    save_creditor(
        session,
        CreditorSettings(
            name=demo_organisation().name,
            creditor_id=DEMO_CREDITOR_ID,
            iban=DEMO_CREDITOR_IBAN,
        ),
    )
    import schwifty

    first_day = (today.replace(day=1) + timedelta(days=32)).replace(day=5)
    people = session.execute(
        select(Contact.id, Contact.first_name, Contact.last_name)
        .where(Contact.kind == ContactKind.PERSON, Contact.status == ContactStatus.ACTIVE)
        .order_by(Contact.id)
    ).all()
    mandates: list[dict[str, Any]] = []
    plans: list[dict[str, Any]] = []
    next_id = (session.scalar(select(func.max(SepaMandate.id))) or 0) + 1
    for contact_id, first, last in people:
        if rng.random() >= REGULAR_GIVER_RATE:
            continue
        iban = schwifty.IBAN.generate(
            "FR", bank_code=rng.choice(DEMO_BANKS), account_code=f"{rng.randrange(10**11):011d}"
        )
        mandates.append(
            {
                "id": next_id,
                "contact_id": contact_id,
                "rum": f"OBOLE-{contact_id:07d}-1",
                "iban": str(iban.compact),
                "bic": str(iban.bic.compact) if iban.bic is not None else "",
                "holder": f"{first or ''} {last or ''}".strip()[:70],
                "signed_on": today - timedelta(days=rng.randint(1, 60)),
                "status": MandateStatus.ACTIVE,
            }
        )
        frequency, amounts, _weight = rng.choices(
            PLAN_CHOICES, weights=[c[2] for c in PLAN_CHOICES]
        )[0]
        plans.append(
            {
                "contact_id": contact_id,
                "mandate_id": next_id,
                "amount_cents": rng.choice(amounts),
                "frequency": frequency,
                "day_of_month": 5,
                "starts_on": first_day,
                "status": PlanStatus.ACTIVE,
                "consecutive_rejects": 0,
                "notified_amount_cents": 0,
            }
        )
        next_id += 1
    for table, rows in ((SepaMandate, mandates), (RegularGiftPlan, plans)):
        for start in range(0, len(rows), CHUNK):
            session.execute(insert(table), rows[start : start + CHUNK])
    return len(mandates), len(plans)


def _identity(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "id" and not k.startswith("_")}


def _flush_chunk(
    session: Session, g: _Generator, progress: Progress, cancel: CancelToken | None
) -> None:
    identities = g.rows.pop("_identities", [])
    _flush_rows(session, g)
    # Keep a bounded pool of identities to copy from, so memory stays flat.
    g.rows["_identities"] = identities[-5000:]
    progress.advance(CHUNK)
    if cancel is not None:
        cancel.raise_if_cancelled()
