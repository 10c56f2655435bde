"""SEPA direct-debit actions: creditor settings, mandates, plans, collection runs, returns."""

from __future__ import annotations

import contextlib
import hashlib
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.clock import today
from app.core.infrastructure.journal import JournalEvent, record_events
from app.core.infrastructure.permissions import Permission
from app.core.money import format_eur
from app.core.receipts.mailing import Connector, connect
from app.core.receipts.mailing import load_settings as load_smtp_settings
from app.core.sepa import creditor as creditor_settings
from app.core.sepa import mandates, notices, plans, returns
from app.core.sepa.accounts import iban_for_role
from app.core.sepa.collection import (
    CollectionPlan,
    Excluded,
    needs_notice,
    plan_collection,
    record_collection,
)
from app.core.sepa.creditor import CreditorSettings
from app.errors import ValidationError, raise_first
from app.i18n import _
from app.models import RegularGiftPlan, SepaCollection, SepaMandate
from app.models.enums import MandateStatus, PlanStatus
from app.operations.base import Change, OperationContext, Outcome, check_permission, risky
from app.operations.files import write_atomically
from app.reports.sepa_notice_pdf import render_notice_email, render_notices
from app.reports.sepa_xml import render_pain008


@dataclass(frozen=True)
class MandateResult:
    """A recorded mandate."""

    mandate_id: int
    contact_id: int
    rum: str
    sequence_type: str


@dataclass(frozen=True)
class PlanResult:
    """A recorded regular gift."""

    plan_id: int
    contact_id: int
    mandate_id: int
    amount_cents: int
    frequency: str


@dataclass(frozen=True)
class CollectionResult:
    """A collection run written to the bank file."""

    collection_id: int
    message_id: str
    count: int
    total_cents: int
    path: Path
    sha256: str
    first: int
    recurring: int
    excluded: tuple[Excluded, ...] = ()


def save_creditor(ctx: OperationContext, settings: CreditorSettings) -> Outcome[CreditorSettings]:
    """Check and store the association's creditor settings (ICS, account, rules)."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        saved = creditor_settings.save_creditor(session, settings)
    return Outcome(saved, frozenset({Change.SETTINGS}))


def load_creditor(ctx: OperationContext) -> CreditorSettings:
    """The creditor settings (read)."""
    with ctx.database.read() as session:
        return creditor_settings.load_creditor(session)


def add_mandate(ctx: OperationContext, draft: mandates.MandateDraft) -> Outcome[MandateResult]:
    """Record a signed mandate."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        mandate = mandates.add_mandate(session, draft, today=today(ctx.database.clock))
        result = MandateResult(
            mandate.id, mandate.contact_id, mandate.rum, mandates.sequence_type(mandate)
        )
    return Outcome(result, frozenset({Change.SEPA, Change.CONTACTS}))


def add_plan(ctx: OperationContext, draft: plans.PlanDraft) -> Outcome[PlanResult]:
    """Record a regular gift on a mandate."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        plan = plans.add_plan(session, draft)
        result = _plan_result(plan)
    return Outcome(result, frozenset({Change.SEPA}))


def change_plan(
    ctx: OperationContext,
    plan_id: int,
    *,
    amount_cents: int | None = None,
    day_of_month: int | None = None,
    ends_on: date | None = None,
    open_ended: bool = False,
    status: PlanStatus | None = None,
) -> Outcome[PlanResult]:
    """Change a regular gift (amount, day, end, status); journaled field by field.

    A new amount is collected only once announced (pre-notification) in time.
    """
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        plan = plans.change_plan(
            session,
            plan_id,
            amount_cents=amount_cents,
            day_of_month=day_of_month,
            ends_on=ends_on,
            open_ended=open_ended,
            status=status,
        )
        result = _plan_result(plan)
    return Outcome(result, frozenset({Change.SEPA}))


@dataclass(frozen=True)
class PlanRow:
    """A regular gift as listed."""

    plan_id: int
    contact_id: int
    holder: str
    rum: str
    amount_cents: int
    frequency: str
    day_of_month: int
    starts_on: date
    ends_on: date | None
    status: str
    consecutive_rejects: int
    needs_notice: bool


def list_plans(ctx: OperationContext, *, contact_id: int | None = None) -> list[PlanRow]:
    """Regular gifts with their mandate's holder and RUM, active ones first."""
    with ctx.database.read() as session:
        query = (
            select(RegularGiftPlan, SepaMandate.holder, SepaMandate.rum)
            .join(SepaMandate, SepaMandate.id == RegularGiftPlan.mandate_id)
            .order_by(RegularGiftPlan.status, SepaMandate.holder, RegularGiftPlan.id)
        )
        if contact_id is not None:
            query = query.where(RegularGiftPlan.contact_id == contact_id)
        return [
            PlanRow(
                p.id,
                p.contact_id,
                holder,
                rum,
                p.amount_cents,
                p.frequency.value,
                p.day_of_month,
                p.starts_on,
                p.ends_on,
                p.status.value,
                p.consecutive_rejects,
                needs_notice(p),
            )
            for p, holder, rum in session.execute(query)
        ]


def _plan_result(plan: RegularGiftPlan) -> PlanResult:
    return PlanResult(
        plan.id, plan.contact_id, plan.mandate_id, plan.amount_cents, plan.frequency.value
    )


def preview_collection(ctx: OperationContext, collection_date: date) -> CollectionPlan:
    """What a run for `collection_date` would collect and leave out (nothing written)."""
    with ctx.database.read() as session:
        settings = creditor_settings.load_creditor(session)
        return plan_collection(session, collection_date, prenotice_days=settings.prenotice_days)


def collect(ctx: OperationContext, collection_date: date, out: Path) -> Outcome[CollectionResult]:
    """Run the collection: gifts and debits recorded, the pain.008 file written atomically.

    The plan is computed again inside the write transaction (a run made meanwhile by someone
    else is not collected twice); the file is written before the commit and removed if the
    commit fails, so a recorded run always has its file and a file always its record.
    """
    check_permission(ctx, Permission.GIFTS_WRITE)
    day = today(ctx.database.clock)
    if collection_date < day:
        raise ValidationError(
            _(
                "La date de prélèvement ({date}) est passée : choisissez aujourd'hui ou plus tard."
            ).format(date=f"{collection_date:%d/%m/%Y}"),
            field="date",
        )
    if not out.parent.is_dir():
        raise ValidationError(
            _("Dossier introuvable : {folder}.").format(folder=out.parent), field="out"
        )
    risky(ctx, "sepa")
    written: Path | None = None
    try:
        with ctx.database.write() as session:
            settings = creditor_settings.load_creditor(session)
            plan = plan_collection(session, collection_date, prenotice_days=settings.prenotice_days)
            data = record_collection(
                session,
                plan,
                creditor=settings,
                made_at=ctx.database.clock.now(),
                user=ctx.database.user,
            )
            xml = render_pain008(data)
            digest = hashlib.sha256(xml).hexdigest()
            collection = session.get(SepaCollection, data.collection_id)
            assert collection is not None
            collection.file_sha256 = digest
            written = write_atomically(out, xml)
    except BaseException:
        if written is not None:
            written.unlink(missing_ok=True)
        raise
    first = sum(1 for d in data.debits if d.sequence_type == mandates.FIRST)
    result = CollectionResult(
        data.collection_id,
        data.message_id,
        len(data.debits),
        data.total_cents,
        out,
        digest,
        first,
        len(data.debits) - first,
        tuple(plan.excluded),
    )
    return Outcome(result, frozenset({Change.SEPA, Change.GIFTS}))


def reject(
    ctx: OperationContext,
    *,
    reason: str,
    on: date | None = None,
    gift_id: int | None = None,
    end_to_end_id: str | None = None,
) -> Outcome[returns.RejectResult]:
    """Record one bank return typed by hand."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        limit = creditor_settings.load_creditor(session).reject_limit
        result = returns.reject_debit(
            session,
            reason=reason,
            on=on or today(ctx.database.clock),
            reject_limit=limit,
            gift_id=gift_id,
            end_to_end_id=end_to_end_id,
        )
    return Outcome(result, frozenset({Change.SEPA, Change.GIFTS}))


def reject_file(ctx: OperationContext, path: Path) -> Outcome[tuple[returns.RejectResult, ...]]:
    """Record every return of a bank file, all or nothing (the file names each bad line)."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    lines = returns.read_returns(path)
    day = today(ctx.database.clock)
    results = []
    with ctx.database.write() as session:
        limit = creditor_settings.load_creditor(session).reject_limit
        for line in lines:
            try:
                results.append(
                    returns.reject_debit(
                        session,
                        reason=line.reason,
                        on=line.on or day,
                        reject_limit=limit,
                        end_to_end_id=line.end_to_end_id,
                    )
                )
            except ValidationError as exc:
                raise ValidationError(
                    _("{file}, ligne {row} : {reason}").format(
                        file=path.name, row=line.row, reason=exc
                    ),
                    field=exc.field,
                ) from exc
    return Outcome(tuple(results), frozenset({Change.SEPA, Change.GIFTS}))


def donors_to_call(ctx: OperationContext) -> list[tuple[int, str, int]]:
    """Donors whose regular gift was suspended after bank returns."""
    with ctx.database.read() as session:
        return returns.donors_to_call(session)


def prenotify(
    ctx: OperationContext, collection_date: date, out: Path
) -> Outcome[tuple[notices.Notice, ...]]:
    """Write the pre-notification letters for a run and record them as sent today.

    Each letter announces the amount, the date and the mandate reference; the run for
    `collection_date` collects these plans only if the letters left `prenotice_days` before.
    """
    check_permission(ctx, Permission.GIFTS_WRITE)
    if not out.parent.is_dir():
        raise ValidationError(
            _("Dossier introuvable : {folder}.").format(folder=out.parent), field="out"
        )
    day = today(ctx.database.clock)
    written: Path | None = None
    try:
        with ctx.database.write() as session:
            settings = creditor_settings.load_creditor(session)
            due = tuple(notices.notices_due(session, collection_date))
            if not due:
                return Outcome(due)
            pdf = render_notices(due, creditor=settings, written_on=day)
            notices.mark_notified(session, due, on=day)
            _journal_notices(
                session, due, _("Pré-notification de prélèvement envoyée par courrier")
            )
            written = write_atomically(out, pdf)
    except BaseException:
        if written is not None:
            written.unlink(missing_ok=True)
        raise
    return Outcome(due, frozenset({Change.SEPA}))


def _journal_notices(session: Session, sent: Sequence[notices.Notice], what: str) -> None:
    record_events(
        session,
        [
            JournalEvent(
                "regular_gift_plan",
                n.plan_id,
                f"{what} ({format_eur(n.amount_cents)}, {n.first_due:%d/%m/%Y})",
                contact_id=n.contact_id,
            )
            for n in sent
        ],
    )


@dataclass(frozen=True)
class EmailedNotices:
    """Pre-notifications sent by e-mail; those without an address wait for a letter."""

    sent: tuple[notices.Notice, ...]
    failed: tuple[tuple[notices.Notice, str], ...]
    without_email: int


def email_notices(
    ctx: OperationContext, collection_date: date, *, connector: Connector = connect
) -> Outcome[EmailedNotices]:
    """E-mail the pre-notifications of a run to the donors who have an address.

    Sent notices count as given today (the run collects them after `prenotice_days`); a
    failed one stays due, and so do those without an address: the letters cover them.
    """
    check_permission(ctx, Permission.GIFTS_WRITE)
    day = today(ctx.database.clock)
    with ctx.database.write() as session:
        smtp = load_smtp_settings(session)
        raise_first(smtp.problems())
        creditor = creditor_settings.load_creditor(session)
        due = notices.notices_due(session, collection_date)
        with_email = [n for n in due if n.email]
        sent: list[notices.Notice] = []
        failed: list[tuple[notices.Notice, str]] = []
        if with_email:
            server = connector(smtp)
            try:
                for notice in with_email:
                    try:
                        server.send_message(
                            render_notice_email(notice, creditor=creditor, sender=smtp.sender)
                        )
                        sent.append(notice)
                    except (smtplib.SMTPException, OSError) as exc:
                        failed.append((notice, str(exc)))
            finally:
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    server.quit()
        notices.mark_notified(session, sent, on=day)
        _journal_notices(session, sent, _("Pré-notification de prélèvement envoyée par e-mail"))
    result = EmailedNotices(tuple(sent), tuple(failed), len(due) - len(with_email))
    return Outcome(result, frozenset({Change.SEPA}))


@dataclass(frozen=True)
class MandateRow:
    """A mandate as listed; the IBAN is masked unless the role sees bank details."""

    mandate_id: int
    contact_id: int
    holder: str
    rum: str
    iban: str
    bic: str
    signed_on: date
    status: str
    sequence_type: str


def list_mandates(ctx: OperationContext, *, contact_id: int | None = None) -> list[MandateRow]:
    """Mandates, whole IBANs only for the treasurer and the administrator."""
    role = ctx.database.role
    with ctx.database.read() as session:
        query = select(SepaMandate).order_by(SepaMandate.id)
        if contact_id is not None:
            query = query.where(SepaMandate.contact_id == contact_id)
        return [
            MandateRow(
                m.id,
                m.contact_id,
                m.holder,
                m.rum,
                iban_for_role(m.iban, role) if m.iban else "",
                m.bic,
                m.signed_on,
                m.status.value,
                mandates.sequence_type(m),
            )
            for m in session.scalars(query)
        ]


def set_mandate_status(
    ctx: OperationContext, reference: str, status: MandateStatus
) -> Outcome[MandateResult]:
    """Suspend, resume or revoke a mandate (revoking ends its regular gifts)."""
    check_permission(ctx, Permission.GIFTS_WRITE)
    with ctx.database.write() as session:
        mandate = mandates.find_mandate(session, reference)
        mandates.set_mandate_status(session, mandate.id, status, today=today(ctx.database.clock))
        result = MandateResult(
            mandate.id, mandate.contact_id, mandate.rum, mandates.sequence_type(mandate)
        )
    return Outcome(result, frozenset({Change.SEPA}))


def mandate_for(ctx: OperationContext, contact_id: int, reference: str | None) -> int:
    """The mandate a new plan goes on: the one named, or the contact's only active one."""
    with ctx.database.read() as session:
        if reference:
            mandate = mandates.find_mandate(session, reference)
            if mandate.contact_id != contact_id:
                raise ValidationError(
                    _("Le mandat {rum} n'appartient pas au contact n° {id}.").format(
                        rum=mandate.rum, id=contact_id
                    ),
                    field="mandate",
                )
            return mandate.id
        active = session.scalars(
            select(SepaMandate.id).where(
                SepaMandate.contact_id == contact_id, SepaMandate.status == MandateStatus.ACTIVE
            )
        ).all()
    if len(active) != 1:
        raise ValidationError(
            _(
                "Le contact n° {id} a {n} mandat(s) actif(s) : indiquez le mandat (--mandate)."
            ).format(id=contact_id, n=len(active))
            if active
            else _(
                "Le contact n° {id} n'a pas de mandat actif : enregistrez d'abord son mandat."
            ).format(id=contact_id),
            field="mandate",
        )
    return active[0]
