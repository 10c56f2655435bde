"""The beneficiary categories of Cerfa 11580*05 (the box ticked on the receipt).

LEGAL_FR.md A.1 (category list on 11580*05) and 0.10: an association may print only the box
that applies to it, with the dates or wording that box asks for. Keys already stored in
databases never change; new categories only add keys.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from app.i18n import N_, _

CATEGORIES: dict[str, str] = {
    "interet_general_association_1901": N_(
        "Œuvre ou organisme d'intérêt général — Association loi 1901"
    ),
    # LEGAL_FR.md 0.10: the dates are part of the mention.
    "rup": N_("Association ou fondation reconnue d'utilité publique"),
    "alsace_moselle_rup": N_(
        "Association d'Alsace-Moselle dont la mission a été reconnue d'utilité publique"
    ),
    "fondation_universitaire": N_("Fondation universitaire ou fondation partenariale"),
    "fondation_entreprise": N_("Fondation d'entreprise"),
    "musee_de_france": N_("Musée de France"),
    "aide_personnes_difficulte": N_(
        "Organisme sans but lucratif fournissant gratuitement une aide alimentaire ou des soins "
        "médicaux à des personnes en difficulté ou favorisant leur logement"
    ),
    # LEGAL_FR.md 0.6 and A.6: 75 % since the 2025 finance law (art. 200-1 ter CGI).
    "aide_victimes_violences": N_(
        "Organisme sans but lucratif apportant gratuitement une aide aux victimes de "
        "violences domestiques (art. 200-1 ter du CGI)"
    ),
    "gestion_forestiere": N_(
        "Commune, syndicat intercommunal ou mixte de gestion forestière, groupement syndical "
        "forestier (f ter du 1 de l'article 200 du CGI)"
    ),
    "association_cultuelle": N_(
        "Association cultuelle ou de bienfaisance et établissement public des "
        "cultes reconnus d'Alsace-Moselle"
    ),
    "fonds_de_dotation": N_("Fonds de dotation"),
    "pluralisme_presse": N_("Association d'intérêt général — pluralisme de la presse"),
    "enseignement_superieur": N_(
        "Établissement d'enseignement supérieur ou artistique public ou privé, "
        "d'intérêt général, à but non lucratif"
    ),
    "enseignement_consulaire": N_(
        "Établissement d'enseignement supérieur consulaire (article L. 711-17 du code de commerce)"
    ),
    "aide_pme": N_(
        "Organisme agréé ayant pour objet exclusif de verser des aides financières ou "
        "d'accompagner les petites et moyennes entreprises"
    ),
    "spectacle_vivant": N_(
        "Organisme ayant pour activité principale la présentation au public d'œuvres "
        "dramatiques, lyriques, musicales, chorégraphiques, cinématographiques et de cirque"
    ),
    "fondation_patrimoine": N_(
        "Fondation du patrimoine, ou fondation ou association reconnue d'utilité publique, "
        "subventionnant des travaux sur des monuments historiques (articles L. 143-2-1 et "
        "L. 143-15 du code du patrimoine)"
    ),
    "biens_culturels_conflit": N_(
        "Organisme de sauvegarde des biens culturels contre les effets d'un conflit armé "
        "(Convention du 14 mai 1954)"
    ),
    "recherche": N_(
        "Établissement de recherche public ou privé, d'intérêt général, à but non lucratif"
    ),
    "insertion": N_(
        "Entreprise d'insertion, association intermédiaire, atelier et chantier d'insertion "
        "ou entreprise adaptée"
    ),
    "anr": N_("Agence nationale de la recherche"),
    "geiq": N_(
        "Groupement d'employeurs pour l'insertion et la qualification (article L. 1253-1 du "
        "code du travail)"
    ),
    "arup_creation_entreprise": N_(
        "Association reconnue d'utilité publique de financement et d'accompagnement de la "
        "création et de la reprise d'entreprises"
    ),
    "organisme_ue": N_(
        "Organisme établi dans un État membre de l'Union européenne ou de l'Espace "
        "économique européen, agréé, poursuivant des objectifs similaires"
    ),
    # "Autres (précisez)": the wording is required and printed (issue #15, point 4).
    "autre": N_("Autre organisme d'intérêt général"),
}
# Categories whose gifts get the 75 % reduction (art. 200-1 ter CGI, LEGAL_FR.md A.6, 0.6).
SEVENTY_FIVE_PERCENT = frozenset({"aide_personnes_difficulte", "aide_victimes_violences"})

# What each box asks for, stored in OrganisationSettings.category_details.
RUP_DECREE, RUP_JOURNAL, AGREEMENT, OTHER_WORDING = (
    "rup_decree_on",
    "rup_jo_on",
    "agreement_on",
    "other_wording",
)
REQUIRED_DETAILS: dict[str, tuple[str, ...]] = {
    "rup": (RUP_DECREE, RUP_JOURNAL),
    "alsace_moselle_rup": (RUP_DECREE,),
    "fondation_patrimoine": (AGREEMENT,),
    "organisme_ue": (AGREEMENT,),
    "autre": (OTHER_WORDING,),
}
DETAIL_LABELS = {
    RUP_DECREE: N_("Date du décret (ou de l'arrêté) de reconnaissance d'utilité publique"),
    RUP_JOURNAL: N_("Date de publication au Journal officiel"),
    AGREEMENT: N_("Date de l'agrément"),
    OTHER_WORDING: N_("Catégorie « Autres » : précisez"),
}


def _date_text(value: Any) -> str:
    try:
        return date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return ""


def category_problems(key: str, details: dict[str, Any]) -> list[str]:
    """What the chosen box still needs (empty: ready), each naming the setting."""
    missing = []
    for name in REQUIRED_DETAILS.get(key, ()):
        value = details.get(name, "")
        ok = bool(str(value).strip()) if name == OTHER_WORDING else bool(_date_text(value))
        if not ok:
            missing.append(
                _("{label} : obligatoire pour la catégorie « {category} » (paramètres).").format(
                    label=_(DETAIL_LABELS[name]), category=_(CATEGORIES[key])
                )
            )
    return missing


def category_text(key: str, details: dict[str, Any]) -> str:
    """The category box as printed, with its dates or wording (LEGAL_FR.md A.1, 0.10)."""
    label = _(CATEGORIES.get(key, key))
    if key == "rup":
        return _(
            "{label} par décret en date du {decree} publié au Journal officiel du {jo}"
        ).format(
            label=label,
            decree=_date_text(details.get(RUP_DECREE)),
            jo=_date_text(details.get(RUP_JOURNAL)),
        )
    if key == "alsace_moselle_rup":
        return _("{label} par arrêté en date du {decree}").format(
            label=label, decree=_date_text(details.get(RUP_DECREE))
        )
    if key in ("fondation_patrimoine", "organisme_ue"):
        return _("{label} — agrément du {day}").format(
            label=label, day=_date_text(details.get(AGREEMENT))
        )
    if key == "autre":
        return _("Autres (précisez) : {wording}").format(
            wording=str(details.get(OTHER_WORDING, "")).strip()
        )
    return label
