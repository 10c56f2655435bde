"""The association as a SEPA creditor (Settings): ICS, account, and the collection rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, replace

from sqlalchemy.orm import Session

from app.core.infrastructure.permissions import Permission, require
from app.core.sepa.accounts import validate_bic, validate_creditor_id, validate_iban
from app.errors import ValidationError, raise_first
from app.i18n import _
from app.models import Setting

SETTING_KEY = "sepa"
DEFAULT_PRENOTICE_DAYS = 14  # SEPA Core rulebook default, unless the mandate agreed otherwise
DEFAULT_REJECT_LIMIT = 2  # consecutive bank rejects before a plan is suspended


@dataclass(frozen=True)
class CreditorSettings:
    """Who collects: name on the bank file, creditor identifier, account, and the rules."""

    name: str = ""
    creditor_id: str = ""  # ICS (identifiant créancier SEPA)
    iban: str = ""
    bic: str = ""
    prenotice_days: int = DEFAULT_PRENOTICE_DAYS
    reject_limit: int = DEFAULT_REJECT_LIMIT

    @property
    def complete(self) -> bool:
        """True when a collection file can be written."""
        return bool(self.name and self.creditor_id and self.iban and self.bic)


def load_creditor(session: Session) -> CreditorSettings:
    """The stored settings (defaults when none were saved)."""
    setting = session.get(Setting, SETTING_KEY)
    stored = dict(setting.value) if setting is not None and setting.value else {}
    known = {k: v for k, v in stored.items() if k in CreditorSettings.__dataclass_fields__}
    return CreditorSettings(**known)


def checked(settings: CreditorSettings) -> tuple[CreditorSettings, list[ValidationError]]:
    """The settings normalised, and every field that is wrong (named like the attribute)."""
    problems: list[ValidationError] = []

    def check(validate: Callable[[], str], fallback: str) -> str:
        try:
            return validate()
        except ValidationError as problem:
            problems.append(problem)
            return fallback

    name = settings.name.strip()
    if not name:
        problems.append(ValidationError(_("Le nom du créancier est obligatoire."), field="name"))
    creditor_id = check(
        lambda: validate_creditor_id(settings.creditor_id, field="creditor_id"),
        settings.creditor_id,
    )
    iban = check(lambda: validate_iban(settings.iban), "")
    bic = check(lambda: validate_bic(settings.bic, iban=iban), settings.bic)
    if iban and not bic and not any(p.field == "bic" for p in problems):
        problems.append(
            ValidationError(
                _("BIC de la banque introuvable pour cet IBAN : saisissez-le (ex. BNPAFRPP)."),
                field="bic",
            )
        )
    if not 0 <= settings.prenotice_days <= 60:
        problems.append(
            ValidationError(
                _("Délai de pré-notification : entre 0 et 60 jours."), field="prenotice_days"
            )
        )
    if not 1 <= settings.reject_limit <= 12:
        problems.append(
            ValidationError(
                _("Rejets consécutifs avant suspension : entre 1 et 12."), field="reject_limit"
            )
        )
    clean = replace(
        settings, name=name[:70], creditor_id=creditor_id, iban=iban or settings.iban, bic=bic
    )
    return clean, problems


def validated(settings: CreditorSettings) -> CreditorSettings:
    """The settings with IBAN, BIC and ICS checked and normalised (the first error raised)."""
    clean, problems = checked(settings)
    raise_first(problems)
    return clean


def save_creditor(session: Session, settings: CreditorSettings) -> CreditorSettings:
    """Check and store the settings (administrator only)."""
    require(session, Permission.SETTINGS_WRITE)
    clean = validated(settings)
    setting = session.get(Setting, SETTING_KEY) or Setting(key=SETTING_KEY, value={})
    setting.value = asdict(clean)
    session.add(setting)
    return clean
