"""Sending receipts by e-mail through the association's SMTP server, with a send log and retry.

Every attempt is a ReceiptDelivery row (recipient, ok, error), so the treasurer sees who got
their receipt and can retry the failures. The PDF sent is exactly the one issued (checked
against its SHA-256). The SMTP password never goes into the database (every settings change
is journaled): it comes from $OBOLE_SMTP_PASSWORD, else the system keyring (Windows
Credential Manager, macOS Keychain, Secret Service), else, where no keyring is available, a
private file in the user's config folder.
"""

from __future__ import annotations

import contextlib
import os
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from pathlib import Path

import keyring
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.core.clock import Clock
from app.core.infrastructure.permissions import Permission, require
from app.core.progress import NULL_PROGRESS, CancelToken, Progress
from app.core.receipts.lifecycle import ensure_signed, original_pdf
from app.errors import StorageError, ValidationError, raise_first
from app.i18n import _
from app.models import (
    Contact,
    ContactEmail,
    OrganisationSettings,
    Receipt,
    ReceiptDelivery,
    Setting,
)
from app.models.enums import ReceiptStatus
from app.paths import app_paths

SETTING_KEY = "smtp"
SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the association's mail server."""

    host: str = ""
    port: int = 587
    security: str = "starttls"
    username: str = ""
    password: str = ""
    sender: str = ""
    subject: str = "Votre reçu fiscal {number}"
    body: str = (
        "Bonjour,\n\nVeuillez trouver ci-joint votre reçu fiscal n° {number}. Merci pour votre "
        "générosité !\n\n{organisation}"
    )

    def problems(self) -> list[ValidationError]:
        """What is missing or wrong."""
        found = []
        if not self.host.strip():
            found.append(ValidationError(_("Serveur SMTP : champ obligatoire."), field="host"))
        if not 0 < self.port < 65536:
            found.append(
                ValidationError(_("Port : nombre entre 1 et 65535 attendu."), field="port")
            )
        if self.security not in SECURITY:
            found.append(
                ValidationError(_("Sécurité : starttls, ssl ou none attendu."), field="security")
            )
        if "@" not in self.sender:
            found.append(
                ValidationError(_("Expéditeur : adresse électronique attendue."), field="sender")
            )
        return found


PASSWORD_ENV_VAR = "OBOLE_SMTP_PASSWORD"
PASSWORD_FILE = "smtp-password"


def _password_file() -> Path:
    return app_paths().config_dir / PASSWORD_FILE


KEYRING_SERVICE = "Obole SMTP"
KEYRING_USER = "smtp"


def load_password() -> str:
    """The SMTP password: $OBOLE_SMTP_PASSWORD, else the keyring, else the private file."""
    if os.environ.get(PASSWORD_ENV_VAR):
        return os.environ[PASSWORD_ENV_VAR]
    try:
        stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
    except Exception:  # noqa: BLE001 - no backend, locked or broken keyring: use the file
        stored = None
    if stored:
        return stored
    path = _password_file()
    return path.read_text(encoding="utf-8") if path.exists() else ""


def save_password(password: str) -> str:
    """Keep the password out of the database (the journal records every settings change).

    Returns where it went: "keyring", or "file" when the system has no usable keyring.
    """
    try:
        keyring.set_password(KEYRING_SERVICE, KEYRING_USER, password)
    except Exception:  # noqa: BLE001 - keyring.errors.* or a backend's own error
        _write_private_file(password)
        return "file"
    _password_file().unlink(missing_ok=True)  # an older copy must not outlive the keyring's
    return "keyring"


def _write_private_file(password: str) -> None:
    """The fallback: a file readable by its owner only (created so on POSIX systems)."""
    path = _password_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{path.name}.{os.getpid()}.new")
    temporary.unlink(missing_ok=True)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(password)
    os.replace(temporary, path)


def load_settings(session: Session) -> SmtpSettings:
    """Stored settings (defaults when never set), with the password from outside the database."""
    setting = session.get(Setting, SETTING_KEY)
    values = {k: v for k, v in (setting.value if setting else {}).items() if k != "password"}
    return SmtpSettings(**values, password=load_password())


def save_settings(session: Session, settings: SmtpSettings) -> None:
    """Validate and store; the password goes to the keyring (or a private file), never to
    the database."""
    require(session, Permission.SETTINGS_WRITE)
    raise_first(settings.problems())
    setting = session.get(Setting, SETTING_KEY) or Setting(key=SETTING_KEY, value={})
    setting.value = {k: v for k, v in asdict(settings).items() if k != "password"}
    session.add(setting)
    session.flush()
    if settings.password:
        save_password(settings.password)


Connector = Callable[[SmtpSettings], smtplib.SMTP]


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """An authenticated SMTP connection (StorageError with a clear message on failure)."""
    try:
        if settings.security == "ssl":
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=20, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=20)
            if settings.security == "starttls":
                server.starttls(context=ssl.create_default_context())
        if settings.username:
            server.login(settings.username, settings.password)
    except (OSError, smtplib.SMTPException) as exc:
        raise StorageError(
            _("Connexion au serveur {host}:{port} impossible : {error}").format(
                host=settings.host, port=settings.port, error=exc
            )
        ) from exc
    return server


def check_connection(settings: SmtpSettings, *, connector: Connector = connect) -> None:
    """Connect and log in, then leave: raises with the reason when it does not work."""
    server = connector(settings)
    server.quit()


def _recipient(session: Session, contact_id: int) -> str:
    return (
        session.scalar(
            select(ContactEmail.email)
            .where(ContactEmail.contact_id == contact_id)
            .order_by(ContactEmail.position, ContactEmail.id)
            .limit(1)
        )
        or ""
    )


def _message(
    settings: SmtpSettings, receipt: Receipt, recipient: str, organisation: str, pdf: bytes
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = recipient
    message["Subject"] = settings.subject.format(number=receipt.number, organisation=organisation)
    message.set_content(settings.body.format(number=receipt.number, organisation=organisation))
    message.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=f"recu-{receipt.number}.pdf"
    )
    return message


def send_receipts(
    session: Session,
    receipt_ids: list[int],
    *,
    clock: Clock,
    connector: Connector = connect,
    progress: Progress = NULL_PROGRESS,
    cancel: CancelToken | None = None,
) -> tuple[int, int]:
    """E-mail each valid receipt to its donor; log every attempt. Returns (sent, failed)."""
    require(session, Permission.RECEIPTS_ISSUE)
    settings = load_settings(session)
    raise_first(settings.problems())
    organisation = (session.get(OrganisationSettings, 1) or OrganisationSettings(name="")).name
    receipts = list(
        session.scalars(
            select(Receipt)
            .where(Receipt.id.in_(receipt_ids), Receipt.status == ReceiptStatus.ISSUED)
            .order_by(Receipt.sequence)
        )
    )
    ensure_signed(receipts)  # an e-mailed PDF carries the signature image (LEGAL_FR.md 0.1)
    progress.start(len(receipts), _("Envoi des reçus par courriel"))
    server = connector(settings)
    sent = failed = 0
    try:
        for receipt in receipts:
            recipient = _recipient(session, receipt.contact_id)
            error = "" if recipient else _("pas d'adresse électronique")
            if recipient:
                try:
                    message = _message(
                        settings, receipt, recipient, organisation, original_pdf(session, receipt)
                    )
                    server.send_message(message)
                except (smtplib.SMTPException, OSError) as exc:
                    error = str(exc)
            session.add(
                ReceiptDelivery(
                    receipt_id=receipt.id,
                    recipient=recipient,
                    ok=not error,
                    error=error,
                    attempted_at=clock.now(),
                )
            )
            sent, failed = sent + (not error), failed + bool(error)
            progress.advance()
            if cancel is not None and cancel.cancelled:
                break  # what was sent is sent: the log keeps it, the rest can be retried
    finally:
        with contextlib.suppress(smtplib.SMTPException, OSError):
            server.quit()
    session.flush()
    return sent, failed


def to_retry(session: Session, *, year: int | None = None) -> list[int]:
    """Valid receipts whose latest send attempt failed."""
    latest = (
        select(ReceiptDelivery.receipt_id, func.max(ReceiptDelivery.id).label("last"))
        .group_by(ReceiptDelivery.receipt_id)
        .subquery()
    )
    query = (
        select(Receipt.id)
        .join(latest, latest.c.receipt_id == Receipt.id)
        .join(ReceiptDelivery, ReceiptDelivery.id == latest.c.last)
        .where(ReceiptDelivery.ok.is_(False), Receipt.status == ReceiptStatus.ISSUED)
    )
    if year is not None:
        query = query.where(Receipt.year == year)
    return list(session.scalars(query))


def never_sent(session: Session, *, year: int) -> list[int]:
    """Valid receipts of `year` never e-mailed, whose donor has an e-mail address."""
    attempted = select(ReceiptDelivery.receipt_id)
    has_email = select(ContactEmail.contact_id)
    return list(
        session.scalars(
            select(Receipt.id)
            .join(Contact, Contact.id == Receipt.contact_id)
            .where(
                Receipt.year == year,
                Receipt.status == ReceiptStatus.ISSUED,
                Receipt.id.not_in(attempted),
                Receipt.contact_id.in_(has_email),
            )
            .order_by(Receipt.sequence)
        )
    )
