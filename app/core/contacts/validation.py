"""Checks of contact details: e-mail addresses and phone numbers (French by default)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from app.i18n import N_, _

DEFAULT_REGION = "FR"


@dataclass(frozen=True)
class Checked:
    """A normalised value, or the reason it was refused (exactly one is set)."""

    value: str | None
    error: str | None

    @property
    def ok(self) -> bool:
        """True when the value was accepted."""
        return self.error is None


# Plain ASCII addresses that email-validator always accepts unchanged (domain lowercased):
# checking them with a regular expression is ten times faster on large imports.
_PLAIN_EMAIL = re.compile(
    r"^[A-Za-z0-9](?:[A-Za-z0-9_%+-]|\.(?!\.))*[A-Za-z0-9_%+-]?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$"
)


@lru_cache(maxsize=262_144)
def check_email(text: str) -> Checked:
    """Syntax check (no network): returns the normalised address or a French message."""
    text = text.strip()
    if len(text) <= 254 and _PLAIN_EMAIL.match(text) and len(text.split("@")[0]) <= 64:
        local, domain = text.split("@")
        special = any(
            domain.lower() == name or domain.lower().endswith("." + name)
            for name in SPECIAL_USE_DOMAIN_NAMES
        )
        if not local.endswith(".") and not special:
            return Checked(f"{local}@{domain.lower()}", None)
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        return Checked(
            None,
            _("Adresse électronique « {value} » invalide : {reason}").format(
                value=text, reason=french_email_reason(str(exc))
            ),
        )
    return Checked(result.normalized, None)


_EMAIL_REASONS = (  # email-validator's English messages, by their beginning
    ("There must be something after the @-sign", N_("rien après le @")),
    ("There must be something before the @-sign", N_("rien avant le @")),
    ("An email address must have an @-sign", N_("le @ manque")),
    ("An email address cannot have two periods in a row", N_("deux points qui se suivent")),
    ("An email address cannot have a period and a hyphen", N_("un point et un tiret côte à côte")),
    (
        "The part after the @-sign is not valid. It should have a period",
        N_("le domaine après le @ doit contenir un point (ex. exemple.fr)"),
    ),
    (
        "The part after the @-sign is not valid. It is not within a valid top-level",
        N_("le domaine après le @ ne se termine pas par une extension connue (.fr, .com…)"),
    ),
    (
        "The part after the @-sign is a special-use or reserved name",
        N_("ce domaine est réservé et ne reçoit pas de courriel"),
    ),
    ("The part after the @-sign", N_("caractères non permis après le @")),
    (
        "The email address contains invalid characters before the @-sign",
        N_("caractères non permis avant le @"),
    ),
    ("The email address is too long", N_("adresse trop longue")),
    ("There can't be anything after the email address", N_("du texte suit l'adresse")),
    ("A display name and angle brackets", N_("nom et chevrons < > non permis : l'adresse seule")),
    ('The email address has the "small commercial at"', N_("le @ n'est pas le bon caractère")),
)


def french_email_reason(message: str) -> str:
    """A French reason for an email-validator message (never the English text)."""
    for english, french in _EMAIL_REASONS:
        if message.startswith(english):
            return _(french)
    return _("forme nom@domaine.fr attendue")


_SEPARATORS = re.compile(r"[\s.\-]")
_FR_NATIONAL = re.compile(r"^0[1-79]\d{8}$")  # 08 (special rates) has irregular sub-ranges
_PREFIX_SAMPLES = (
    0,
    1,
    99_999,
    123_456,
    250_000,
    333_333,
    500_000,
    654_321,
    777_777,
    888_888,
    999_998,
    999_999,
)


@lru_cache(maxsize=1024)
def _prefix_always_valid(prefix: str) -> bool:
    """True when every sampled number of a 4-digit French prefix ("0612") is valid."""
    return all(
        phonenumbers.is_valid_number(phonenumbers.parse(f"{prefix}{n:06d}", DEFAULT_REGION))
        for n in _PREFIX_SAMPLES
    )


def _fast_french(text: str) -> str | None:
    """E.164 of a plain French number of a well-known range, without a full parse."""
    digits = _SEPARATORS.sub("", text)
    if digits.startswith("+33") and len(digits) == 12:
        digits = "0" + digits[3:]
    if _FR_NATIONAL.match(digits) and _prefix_always_valid(digits[:4]):
        return "+33" + digits[1:]
    return None


@lru_cache(maxsize=262_144)
def check_phone(text: str, *, region: str = DEFAULT_REGION) -> Checked:
    """Parse a phone number ("06 12 34 56 78", "+33 6...") into E.164, or say why not."""
    text = text.strip()
    if region == DEFAULT_REGION and (fast := _fast_french(text)):
        return Checked(fast, None)
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        return Checked(
            None,
            _(
                "Numéro de téléphone « {value} » invalide : 10 chiffres attendus "
                "(ex. 06 12 34 56 78) ou format international (+33…)."
            ).format(value=text),
        )
    return Checked(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), None)


def format_phone(e164: str) -> str:
    """E.164 to the national French display ("+33612345678" -> "06 12 34 56 78")."""
    try:
        number = phonenumbers.parse(e164, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == DEFAULT_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)
