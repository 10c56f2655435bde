"""The beneficiary categories of Cerfa 11580*05 (the box ticked on the receipt)."""

from __future__ import annotations

from app.i18n import N_

CATEGORIES: dict[str, str] = {
    "interet_general_association_1901": N_(
        "Œuvre ou organisme d'intérêt général — Association loi 1901"
    ),
    "rup": N_("Association ou fondation reconnue d'utilité publique"),
    "fondation_universitaire": N_("Fondation universitaire ou fondation partenariale"),
    "fondation_entreprise": N_("Fondation d'entreprise"),
    "musee_de_france": N_("Musée de France"),
    "aide_personnes_difficulte": N_(
        "Organisme sans but lucratif fournissant gratuitement une aide alimentaire ou des soins "
        "médicaux à des personnes en difficulté ou favorisant leur logement"
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
    "recherche": N_(
        "Établissement de recherche public ou privé, d'intérêt général, à but non lucratif"
    ),
    "spectacle_vivant": N_(
        "Organisme ayant pour activité principale la présentation au public d'œuvres "
        "dramatiques, lyriques, musicales, chorégraphiques, cinématographiques et de cirque"
    ),
    "insertion": N_(
        "Entreprise d'insertion, association intermédiaire, atelier et chantier d'insertion "
        "ou entreprise adaptée"
    ),
    "organisme_ue": N_(
        "Organisme établi dans un État membre de l'Union européenne ou de l'Espace "
        "économique européen, agréé, poursuivant des objectifs similaires"
    ),
    "autre": N_("Autre organisme d'intérêt général"),
}
# Categories whose gifts get the 75 % "Coluche" reduction (art. 200-1 ter).
SEVENTY_FIVE_PERCENT = frozenset({"aide_personnes_difficulte"})
