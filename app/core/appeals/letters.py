"""Letter templates with merge fields: built-in appeal, thank-you, reminder and membership
renewal reminder, editable (the same text goes out by letter or e-mail).

A template is a subject and a body in which {champ} is replaced per recipient. Unknown
fields are refused when the template is saved, naming the fields that exist, so a letter
never goes out with "{prenon}" in it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from app.core.infrastructure.permissions import Permission, require
from app.core.money import format_eur
from app.errors import ValidationError
from app.i18n import N_, _
from app.models import Setting

KINDS = {
    "appeal": N_("Appel aux dons"),
    "thanks": N_("Remerciement"),
    "reminder": N_("Relance"),
    "membership": N_("Relance d'adhésion"),
}
FIELDS = {
    "formule": N_("« Chère Madame Dupont, »"),
    "civilite": N_("M., Mme…"),
    "prenom": N_("prénom"),
    "nom": N_("nom"),
    "dernier_don": N_("montant du dernier don"),
    "date_dernier_don": N_("date du dernier don"),
    "total_annee": N_("total donné dans l'année"),
    "montant_demande": N_("montant demandé (règle de l'appel)"),
    "don": N_("montant du don remercié"),
    "date_don": N_("date du don remercié"),
    "association": N_("nom de l'association"),
    "adhesion": N_("type d'adhésion (relance d'adhésion)"),
    "fin_adhesion": N_("fin de l'adhésion (relance d'adhésion)"),
    "cotisation": N_("montant de la cotisation (relance d'adhésion)"),
}
BUILT_IN = {
    "appeal": (
        N_("Objet : nous avons besoin de vous"),
        N_(
            "{formule}\n\nVotre dernier don de {dernier_don} nous a permis d'agir. Cette année "
            "encore, nous comptons sur vous : un don de {montant_demande} nous aiderait "
            "beaucoup.\n\nVotre don ouvre droit à une réduction d'impôt ; vous recevrez un "
            "reçu fiscal.\n\nMerci de votre fidélité."
        ),
    ),
    "thanks": (
        N_("Objet : merci pour votre don"),
        N_(
            "{formule}\n\nNous avons bien reçu votre don de {don} du {date_don} et vous en "
            "remercions chaleureusement. Grâce à vous, {association} peut poursuivre son "
            "action."
        ),
    ),
    "reminder": (
        N_("Objet : il est encore temps"),
        N_(
            "{formule}\n\nIl y a quelques semaines, nous vous avons écrit pour vous demander "
            "votre soutien. Si vous l'avez déjà fait, merci ! Sinon, un don de "
            "{montant_demande} nous aiderait encore."
        ),
    ),
    "membership": (
        N_("Objet : renouvellement de votre adhésion"),
        N_(
            "{formule}\n\nVotre adhésion ({adhesion}) arrive à échéance le {fin_adhesion}. Pour "
            "continuer à faire vivre l'association avec nous, vous pouvez la renouveler dès "
            "maintenant : la cotisation est de {cotisation}."
        ),
    ),
}


@dataclass(frozen=True)
class Template:
    """A letter's subject and body with merge fields."""

    kind: str
    subject: str
    body: str


def _key(kind: str) -> str:
    return f"letter_template:{kind}"


def load_template(session: Session, kind: str) -> Template:
    """The association's version of a template, or the built-in one."""
    if kind not in KINDS:
        raise ValidationError(_("Modèle de lettre inconnu : {kind}.").format(kind=kind))
    setting = session.get(Setting, _key(kind))
    if setting is not None and setting.value:
        return Template(kind, str(setting.value["subject"]), str(setting.value["body"]))
    subject, body = BUILT_IN[kind]
    return Template(kind, _(subject), _(body))


def check_template(template: Template) -> None:
    """ValidationError naming an unknown or malformed merge field."""
    for name, text in (("subject", template.subject), ("body", template.body)):
        try:
            fields = [f for _l, f, _s, _c in string.Formatter().parse(text) if f is not None]
        except ValueError as exc:
            raise ValidationError(
                _("Accolade mal fermée dans le modèle ({reason}).").format(reason=exc), field=name
            ) from exc
        unknown = [f for f in fields if f not in FIELDS]
        if unknown:
            raise ValidationError(
                _("Champ inconnu : {{{field}}}. Champs possibles : {known}.").format(
                    field=unknown[0], known=", ".join("{" + f + "}" for f in FIELDS)
                ),
                field=name,
            )


def save_template(session: Session, template: Template) -> None:
    """Check and store the association's version of a template."""
    require(session, Permission.SETTINGS_WRITE)
    check_template(template)
    setting = session.get(Setting, _key(template.kind)) or Setting(
        key=_key(template.kind), value={}
    )
    setting.value = {"subject": template.subject, "body": template.body}
    session.add(setting)


def merge(text: str, values: dict[str, str]) -> str:
    """`text` with every {field} replaced (checked templates only have known fields)."""
    return text.format_map({name: values.get(name, "") for name in FIELDS})


def values_for(
    *,
    salutation: str,
    civility: str,
    first_name: str,
    last_name: str,
    association: str,
    last_gift_cents: int = 0,
    last_gift_on: date | None = None,
    year_total_cents: int = 0,
    amount_asked_cents: int = 0,
    gift_cents: int = 0,
    gift_on: date | None = None,
    membership: str = "",
    membership_ends_on: date | None = None,
    fee_cents: int = 0,
) -> dict[str, str]:
    """The merge values of one recipient, formatted the French way."""
    return {
        "formule": salutation,
        "civilite": civility,
        "prenom": first_name,
        "nom": last_name,
        "dernier_don": format_eur(last_gift_cents) if last_gift_cents else "",
        "date_dernier_don": f"{last_gift_on:%d/%m/%Y}" if last_gift_on else "",
        "total_annee": format_eur(year_total_cents),
        "montant_demande": format_eur(amount_asked_cents),
        "don": format_eur(gift_cents) if gift_cents else "",
        "date_don": f"{gift_on:%d/%m/%Y}" if gift_on else "",
        "association": association,
        "adhesion": membership,
        "fin_adhesion": f"{membership_ends_on:%d/%m/%Y}" if membership_ends_on else "",
        "cotisation": format_eur(fee_cents),
    }
