"""Columns to fields: French and English header names, HelloAsso and Obole profiles,
saved mappings."""

from __future__ import annotations

import json
from pathlib import Path

from app.core.text import fold
from app.errors import ValidationError
from app.i18n import N_, _

CONTACT_FIELDS = {
    "obole_id": N_("N° Obole"),
    "civility": N_("Civilité"),
    "first_name": N_("Prénom"),
    "last_name": N_("Nom"),
    "birth_name": N_("Nom de naissance"),
    "organisation_name": N_("Raison sociale"),
    "legal_form": N_("Forme juridique"),
    "siren": N_("SIREN"),
    "line2": N_("Adresse 2 (complément)"),
    "line3": N_("Adresse 3 (bâtiment)"),
    "line4": N_("Adresse 1 (n° et voie)"),
    "line5": N_("Lieu-dit, BP"),
    "postcode": N_("Code postal"),
    "city": N_("Ville"),
    "country": N_("Pays"),
    "email": N_("Courriel"),
    "phone": N_("Téléphone"),
    "phone2": N_("Portable"),
    "birth_date": N_("Date de naissance"),
    "notes": N_("Notes"),
    "tags": N_("Étiquettes"),
    "receipt_mode": N_("Reçus fiscaux"),
}
GIFT_FIELDS = {
    "contact_id": N_("N° donateur"),
    "obole_id": N_("N° Obole"),
    "email": N_("Courriel"),
    "first_name": N_("Prénom"),
    "last_name": N_("Nom"),
    "organisation_name": N_("Raison sociale"),
    "postcode": N_("Code postal"),
    "received_on": N_("Date du don"),
    "amount": N_("Montant"),
    "payment_method": N_("Mode de paiement"),
    "campaign": N_("Campagne"),
    "cheque_number": N_("N° de chèque"),
    "reference": N_("Référence"),
}
ALIASES = {
    "civility": ["civilite", "titre", "civility", "title", "genre"],
    "first_name": [
        "prenom",
        "first name",
        "firstname",
        "given name",
        "prenom payeur",
        "prenom adherent",
    ],
    "last_name": [
        "nom",
        "nom de famille",
        "last name",
        "lastname",
        "surname",
        "family name",
        "nom payeur",
        "nom adherent",
    ],
    "birth_name": ["nom de naissance", "nom de jeune fille", "birth name", "maiden name"],
    "organisation_name": [
        "raison sociale",
        "societe",
        "organisation",
        "organization",
        "entreprise",
        "company",
        "structure",
        "denomination",
    ],
    "legal_form": ["forme juridique", "legal form"],
    "siren": ["siren", "siret", "n siren"],
    "line4": [
        "adresse",
        "adresse 1",
        "adresse1",
        "address",
        "address 1",
        "address line 1",
        "rue",
        "numero et voie",
        "adresse payeur",
    ],
    "line2": [
        "adresse 2",
        "adresse2",
        "complement",
        "complement d adresse",
        "address 2",
        "address line 2",
    ],
    "line3": ["adresse 3", "adresse3", "batiment", "residence", "address 3"],
    "line5": ["lieu dit", "boite postale", "bp"],
    "postcode": [
        "code postal",
        "cp",
        "postcode",
        "zip",
        "zip code",
        "postal code",
        "code postal payeur",
    ],
    "city": ["ville", "commune", "city", "town", "localite", "ville payeur"],
    "country": ["pays", "country", "pays payeur"],
    "email": [
        "email",
        "e mail",
        "courriel",
        "mail",
        "adresse email",
        "adresse mail",
        "email payeur",
        "e-mail",
    ],
    "phone": ["telephone", "tel", "phone", "telephone fixe", "fixe"],
    "phone2": ["portable", "mobile", "telephone portable", "cell"],
    "birth_date": ["date de naissance", "naissance", "birth date", "birthdate", "date of birth"],
    "notes": ["notes", "note", "commentaire", "commentaires", "remarques", "comments"],
    "receipt_mode": [
        "recus fiscaux",
        "recu fiscal",
        "mode de recu",
        "receipt mode",
        "receipt_mode",
    ],
    "tags": ["etiquettes", "tags", "categories"],
    "obole_id": ["n obole", "id obole", "obole id", "identifiant obole"],
    "contact_id": [
        "n donateur",
        "id contact",
        "contact id",
        "donor id",
        "numero donateur",
        "code donateur",
    ],
    "received_on": [
        "date du don",
        "date",
        "date de paiement",
        "date du paiement",
        "gift date",
        "date de la commande",
        "date reception",
        "date de reception",
        "payment date",
    ],
    "amount": [
        "montant",
        "montant du don",
        "amount",
        "somme",
        "montant tarif",
        "don",
        "montant en euros",
    ],
    "payment_method": [
        "mode de paiement",
        "moyen de paiement",
        "payment method",
        "mode de reglement",
        "reglement",
        "moyen de reglement",
    ],
    "campaign": ["campagne", "campaign", "appel", "operation"],
    "cheque_number": ["n de cheque", "numero de cheque", "cheque number", "n cheque", "cheque"],
    "reference": [
        "reference",
        "reference commande",
        "numero de transaction",
        "id transaction",
        "transaction id",
        "reference paiement",
        "ref",
    ],
}
_LOOKUP = {fold(alias): field for field, aliases in ALIASES.items() for alias in aliases}
# Obole's own export uses the field labels as headers: they always map back.
_LOOKUP.update(
    {
        fold(label): field
        for table in (CONTACT_FIELDS, GIFT_FIELDS)
        for field, label in table.items()
    }
)


def fields_for(kind: str) -> dict[str, str]:
    """The target fields of an import kind (contacts or gifts)."""
    return CONTACT_FIELDS if kind == "contacts" else GIFT_FIELDS


def auto_map(header: list[str], kind: str) -> dict[int, str]:
    """Column index -> field for the headers recognised (each field used once)."""
    allowed = fields_for(kind)
    mapping: dict[int, str] = {}
    for index, name in enumerate(header):
        field = _LOOKUP.get(fold(name))
        if field in allowed and field not in mapping.values():
            mapping[index] = field
    return mapping


def detect_profile(header: list[str]) -> str:
    """'helloasso', 'obole' or '' from characteristic column names."""
    folded = {fold(h) for h in header}
    if {"reference commande", "moyen de paiement"} & folded and "date de la commande" in folded:
        return "helloasso"
    if "n obole" in folded:
        return "obole"
    return ""


def load_mapping(path: Path, header: list[str]) -> dict[int, str]:
    """A saved mapping ({"Column header": "field"}) applied to this file's header."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValidationError(
            _("Correspondance {file} illisible : {error}").format(file=path, error=exc),
            field="mapping",
        ) from None
    positions = {h: i for i, h in enumerate(header)}
    missing = [column for column in saved if column not in positions]
    if missing:
        raise ValidationError(
            _("Correspondance {file} : colonnes absentes du fichier : {columns}").format(
                file=path.name, columns=", ".join(missing)
            ),
            field="mapping",
        )
    return {positions[column]: field for column, field in saved.items() if field}


def save_mapping(path: Path, header: list[str], mapping: dict[int, str]) -> None:
    """Save a mapping for reuse with the next file of the same shape."""
    path.write_text(
        json.dumps(
            {header[i]: f for i, f in sorted(mapping.items())}, ensure_ascii=False, indent=2
        ),
        encoding="utf-8",
    )
