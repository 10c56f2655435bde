"""IBAN, BIC and creditor identifier (ICS) checks, and the masked IBAN shown to most roles.

Validation is schwifty's (country formats, national check digits, IBAN checksum) and
python-stdnum's for the SEPA creditor identifier (EPC AT-02). Only accounts of the SEPA
scheme's countries and territories can be debited.
"""

from __future__ import annotations

import re

import schwifty
from stdnum.eu import at_02

from app.errors import ValidationError
from app.i18n import N_, _
from app.models.enums import Role

# Who sees and exports whole account numbers (issue: "shown masked except to the treasurer
# and admin"); the DPO answers access requests with the masked form plus the bank's name.
BANK_DETAILS_ROLES = frozenset({Role.TREASURER, Role.ADMIN})

# EPC list of countries and territories in the SEPA schemes' geographical scope (EEA,
# Switzerland, the United Kingdom, Monaco, San Marino, Andorra, Vatican City, Albania,
# Montenegro, North Macedonia, Moldova, and the French, Portuguese, Spanish territories
# that have their own ISO code).
SEPA_COUNTRIES = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "IS",
        "LI",
        "NO",
        "CH",
        "GB",
        "MC",
        "SM",
        "AD",
        "VA",
        "AL",
        "ME",
        "MK",
        "MD",
        "GI",
        "GF",
        "GP",
        "MQ",
        "YT",
        "RE",
        "PM",
        "BL",
        "MF",
        "AX",
        "",
    }
)


# schwifty's exceptions, said in French (by class name: stable across its versions).
IBAN_PROBLEMS = {
    "InvalidChecksumDigits": N_("clé de contrôle fausse (une faute de frappe ?)"),
    "InvalidBBANChecksum": N_("clé RIB fausse (une faute de frappe ?)"),
    "InvalidLength": N_("nombre de caractères incorrect pour ce pays"),
    "InvalidStructure": N_("format incorrect pour ce pays"),
    "InvalidCountryCode": N_("code pays inconnu (2 lettres attendues, ex. FR)"),
    "InvalidBankCode": N_("code banque inconnu"),
    "InvalidBranchCode": N_("code guichet inconnu"),
    "InvalidAccountCode": N_("numéro de compte incorrect"),
    "default": N_("format ou clé de contrôle incorrects"),
}


def normalise_iban(text: str) -> str:
    """The IBAN without spaces, upper-case (as typed on a mandate: groups of four)."""
    return re.sub(r"\s+", "", text).upper()


def validate_iban(text: str, *, field: str = "iban") -> str:
    """The compact IBAN, or ValidationError saying what is wrong with it."""
    compact = normalise_iban(text)
    if not compact:
        raise ValidationError(_("IBAN manquant."), field=field)
    try:
        iban = schwifty.IBAN(compact)
    except ValueError as exc:
        reason = _(IBAN_PROBLEMS.get(type(exc).__name__, IBAN_PROBLEMS["default"]))
        raise ValidationError(
            _("IBAN invalide ({iban}) : {reason}.").format(iban=text.strip(), reason=reason),
            field=field,
        ) from exc
    if iban.country_code not in SEPA_COUNTRIES:
        raise ValidationError(
            _("Le pays de l'IBAN ({country}) ne fait pas partie de la zone SEPA.").format(
                country=iban.country_code
            ),
            field=field,
        )
    return str(iban.compact)


def validate_bic(text: str, *, iban: str = "", field: str = "bic") -> str:
    """The BIC (8 or 11 characters), derived from the IBAN when left empty and known."""
    compact = re.sub(r"\s+", "", text).upper()
    if not compact:
        derived = schwifty.IBAN(iban).bic if iban else None
        return str(derived) if derived is not None else ""
    try:
        bic = schwifty.BIC(compact)
    except ValueError as exc:
        raise ValidationError(
            _("BIC invalide ({bic}) : 8 ou 11 caractères attendus (ex. BNPAFRPP).").format(
                bic=text.strip()
            ),
            field=field,
        ) from exc
    return str(bic.compact)


def validate_creditor_id(text: str, *, field: str = "ics") -> str:
    """The SEPA creditor identifier (ICS in France, e.g. FR72ZZZ123456)."""
    compact = re.sub(r"\s+", "", text).upper()
    if not at_02.is_valid(compact):
        raise ValidationError(
            _(
                "Identifiant créancier SEPA (ICS) invalide : « {ics} » (attendu : 2 lettres "
                "de pays, 2 chiffres de contrôle, 3 caractères puis l'identifiant national, "
                "ex. FR72ZZZ123456)."
            ).format(ics=text.strip()),
            field=field,
        )
    return compact


def masked_iban(iban: str) -> str:
    """The IBAN as most roles see it: country, check digits and the last four characters."""
    if len(iban) < 8:
        return "•" * len(iban)
    return f"{iban[:4]} •••• •••• {iban[-4:]}"


def grouped_iban(iban: str) -> str:
    """The IBAN in groups of four, as printed."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def iban_for_role(iban: str, role: str) -> str:
    """The full IBAN for the treasurer and the administrator, masked for everyone else."""
    if sees_bank_details(role):
        return grouped_iban(iban)
    return masked_iban(iban)


def sees_bank_details(role: str) -> bool:
    """True for the roles that see and export whole IBANs."""
    return role in BANK_DETAILS_ROLES
