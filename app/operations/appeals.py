"""Appeal actions: create, prepare, print letters (the send), labels, results, thank-yous."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from app.core.appeals import emailing, results, sending, thanks
from app.core.appeals import letters as templates
from app.core.appeals.preparation import AppealPlan, Recipient
from app.core.appeals.pressure import (
    PressureCaps,
    contact_pressure,
    load_caps,
    save_caps,
    set_own_limit,
)
from app.core.clock import today
from app.core.contacts.segments import SEGMENTS
from app.core.infrastructure.permissions import Permission
from app.core.organisation import OrganisationIdentity, load_identity
from app.core.receipts.mailing import Connector, connect
from app.core.saved_filters import list_filters
from app.errors import ValidationError
from app.i18n import _
from app.models import Appeal
from app.models.enums import Channel
from app.operations.base import Change, OperationContext, Outcome, check_permission
from app.operations.files import write_atomically
from app.reports.labels_pdf import ENVELOPES, SHEETS, render_envelopes, render_labels
from app.reports.letters_pdf import Letter, render_letters
from app.reports.reminder_pdf import sender_of
from app.reports.table_export import write_table


@dataclass(frozen=True)
class AppealView:
    """An appeal as listed."""

    appeal_id: int
    name: str
    channel: str
    target_kind: str
    target: str
    send_on: date
    cost_cents: int
    sent: bool


@dataclass(frozen=True)
class PrintResult:
    """A PDF written for an appeal (letters, labels, envelopes) or for thank-yous."""

    count: int
    path: Path
    pages: int


def _folder(out: Path) -> None:
    if not out.parent.is_dir():
        raise ValidationError(
            _("Dossier introuvable : {folder}.").format(folder=out.parent), field="out"
        )


def create(ctx: OperationContext, draft: sending.AppealDraft) -> Outcome[AppealView]:
    """Record an appeal and its campaign."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    with ctx.database.write() as session:
        appeal = sending.create_appeal(session, draft, today=today(ctx.database.clock))
        view = _view(appeal)
    return Outcome(view, frozenset({Change.APPEALS, Change.CAMPAIGNS}))


def _view(appeal: Appeal) -> AppealView:
    return AppealView(
        appeal.id,
        appeal.name,
        appeal.channel.value,
        appeal.target_kind,
        appeal.target,
        appeal.send_on,
        appeal.cost_cents,
        appeal.sent_at is not None,
    )


def prepare(ctx: OperationContext, appeal_id: int) -> AppealPlan:
    """Recipients and exclusions by reason (the frozen list once sent)."""
    with ctx.database.read() as session:
        return sending.recipients(session, sending.get_appeal(session, appeal_id))


def _letters(
    recipients: Sequence[Recipient],
    template: templates.Template,
    identity: OrganisationIdentity,
    on: date,
) -> list[Letter]:
    letters = []
    for r in recipients:
        values = templates.values_for(
            salutation=r.salutation,
            civility=r.civility,
            first_name=r.first_name,
            last_name=r.last_name,
            association=identity.name,
            last_gift_cents=r.last_gift_cents,
            last_gift_on=r.last_gift_on,
            year_total_cents=r.year_total_cents,
            amount_asked_cents=r.amount_asked_cents,
        )
        body = templates.merge(template.body, values).split("\n")
        letters.append(
            Letter(
                address_lines=r.address_lines,
                date_line=_("Le {date}").format(date=f"{on:%d/%m/%Y}"),
                subject=templates.merge(template.subject, values),
                paragraphs=tuple(body),
            )
        )
    return letters


def print_letters(ctx: OperationContext, appeal_id: int, out: Path) -> Outcome[PrintResult]:
    """Print a postal appeal: the first print sends it (the list is frozen), later ones reprint."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    _folder(out)
    with ctx.database.write() as session:
        appeal = sending.get_appeal(session, appeal_id)
        if appeal.channel != Channel.POST:
            raise ValidationError(
                _("L'appel « {name} » est un envoi par e-mail : utilisez « Envoyer ».").format(
                    name=appeal.name
                )
            )
        plan = sending.recipients(session, appeal)
        template = templates.load_template(session, "appeal")
        identity = load_identity(session)
        letters = _letters(plan.recipients, template, identity, appeal.send_on)
        pdf = render_letters(letters, sender=sender_of(identity), title=appeal.name)
        if appeal.sent_at is None:
            sending.record_send(
                session, appeal, plan, at=ctx.database.clock.now(), what=template.subject
            )
        write_atomically(out, pdf)
    return Outcome(
        PrintResult(len(letters), out, len(letters)), frozenset({Change.APPEALS, Change.CONTACTS})
    )


def print_labels(
    ctx: OperationContext, appeal_id: int, out: Path, *, layout: str = "3x8"
) -> Outcome[PrintResult]:
    """Labels (A4 sheets) or envelopes (DL, C5, C4) for the appeal's recipients, by postcode."""
    _folder(out)
    if layout not in SHEETS and layout not in ENVELOPES:
        raise ValidationError(
            _("Format inconnu : {layout} (attendu : {known}).").format(
                layout=layout, known=", ".join([*SHEETS, *ENVELOPES])
            ),
            field="format",
        )
    with ctx.database.read() as session:
        appeal = sending.get_appeal(session, appeal_id)
        plan = sending.recipients(session, appeal)
        identity = load_identity(session)
    blocks = [
        r.address_lines
        for r in sorted(plan.recipients, key=lambda r: (r.postcode, r.name))
        if r.address_lines
    ]
    if layout in SHEETS:
        pdf = render_labels(blocks, sheet=layout)
        per_page = SHEETS[layout].columns * SHEETS[layout].rows
        pages = max(1, -(-len(blocks) // per_page))
    else:
        sender = " — ".join(
            p for p in (identity.name, identity.address_line, identity.postcode, identity.city) if p
        )
        pdf = render_envelopes(blocks, size=layout, sender=sender)
        pages = len(blocks)
    write_atomically(out, pdf)
    return Outcome(PrintResult(len(blocks), out, pages))


def appeal_results(ctx: OperationContext, appeal_id: int) -> results.AppealResults:
    """What the appeal brought."""
    with ctx.database.read() as session:
        return results.appeal_results(session, sending.get_appeal(session, appeal_id))


def list_appeals(ctx: OperationContext) -> list[AppealView]:
    """Every appeal, newest first."""
    with ctx.database.read() as session:
        return [
            _view(a)
            for a in session.scalars(
                select(Appeal).order_by(Appeal.send_on.desc(), Appeal.id.desc())
            )
        ]


def thank_letters(
    ctx: OperationContext, out: Path, *, since: date | None = None
) -> Outcome[PrintResult]:
    """Thank-you letters for every gift not thanked yet; the gifts are marked thanked."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    _folder(out)
    day = today(ctx.database.clock)
    with ctx.database.write() as session:
        gifts = [g for g in thanks.gifts_to_thank(session, since=since) if g.address_lines]
        template = templates.load_template(session, "thanks")
        identity = load_identity(session)
        letters = []
        for g in gifts:
            values = templates.values_for(
                salutation=g.salutation,
                civility=g.civility,
                first_name=g.first_name,
                last_name=g.last_name,
                association=identity.name,
                gift_cents=g.amount_cents,
                gift_on=g.received_on,
            )
            letters.append(
                Letter(
                    address_lines=g.address_lines,
                    date_line=_("Le {date}").format(date=f"{day:%d/%m/%Y}"),
                    subject=templates.merge(template.subject, values),
                    paragraphs=tuple(templates.merge(template.body, values).split("\n")),
                )
            )
        if letters:
            write_atomically(
                out, render_letters(letters, sender=sender_of(identity), title=_("Remerciements"))
            )
            thanks.mark_thanked(session, [g.gift_id for g in gifts], on=day)
    return Outcome(PrintResult(len(letters), out, len(letters)), frozenset({Change.GIFTS}))


def pressure_caps(ctx: OperationContext) -> PressureCaps:
    """The association's solicitation caps."""
    with ctx.database.read() as session:
        return load_caps(session)


def set_pressure_caps(ctx: OperationContext, caps: PressureCaps) -> Outcome[PressureCaps]:
    """Change the caps (administrator)."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        save_caps(session, caps)
    return Outcome(caps, frozenset({Change.SETTINGS}))


def set_appeals_limit(
    ctx: OperationContext, contact_id: int, per_year: int | None
) -> Outcome[int | None]:
    """The donor asked for fewer appeals ("one appeal a year"); None lifts the limit."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    with ctx.database.write() as session:
        set_own_limit(session, contact_id, per_year)
    return Outcome(per_year, frozenset({Change.CONTACTS}))


def solicitations_of(ctx: OperationContext, contact_id: int) -> int:
    """How many times the contact was asked in the last 12 months (contact form)."""
    with ctx.database.read() as session:
        return contact_pressure(session, contact_id, on=today(ctx.database.clock)).total


def send_emails(
    ctx: OperationContext,
    appeal_id: int,
    *,
    per_minute: int = 60,
    connector: Connector = connect,
    sleep: Callable[[float], None] = time.sleep,
) -> Outcome[emailing.SendReport]:
    """Send an e-mail appeal (the first run freezes the list); run again to resume."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    with ctx.database.write() as session:
        appeal = sending.get_appeal(session, appeal_id)
        if appeal.channel != Channel.EMAIL:
            raise ValidationError(
                _("L'appel « {name} » est un envoi postal : imprimez les lettres.").format(
                    name=appeal.name
                )
            )
        plan = sending.recipients(session, appeal)
        if appeal.sent_at is None:
            emailing.freeze(session, appeal, plan, at=ctx.database.clock.now())
            plan = sending.recipients(session, appeal)
    with ctx.database.write() as session:
        appeal = sending.get_appeal(session, appeal_id)
        report = emailing.send(
            session,
            appeal,
            plan,
            clock=ctx.database.clock,
            connector=connector,
            per_minute=per_minute,
            progress=ctx.progress,
            cancel=ctx.cancel,
            sleep=sleep,
        )
    return Outcome(report, frozenset({Change.APPEALS, Change.CONTACTS}))


def record_unsubscribe(ctx: OperationContext, appeal_id: int, contact_id: int) -> Outcome[None]:
    """A donor answered STOP: the e-mail consent is withdrawn, with the appeal as proof."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    with ctx.database.write() as session:
        appeal = sending.get_appeal(session, appeal_id)
        emailing.record_unsubscribe(session, contact_id, appeal, at=ctx.database.clock.now())
    return Outcome(None, frozenset({Change.CONSENTS, Change.CONTACTS}))


def record_bounce(
    ctx: OperationContext, appeal_id: int, address: str, *, reason: str = ""
) -> Outcome[int]:
    """A message came back undelivered: logged, and the contact's address marked invalid."""
    check_permission(ctx, Permission.CONTACTS_WRITE)
    with ctx.database.write() as session:
        appeal = sending.get_appeal(session, appeal_id)
        count = emailing.record_bounce(
            session, appeal, address, on=today(ctx.database.clock), reason=reason
        )
    return Outcome(count, frozenset({Change.APPEALS, Change.CONTACTS}))


def export_left_out(ctx: OperationContext, appeal_id: int, out: Path) -> Outcome[int]:
    """The people an appeal leaves out, with the reason, as CSV or XLSX."""
    _folder(out)
    plan = prepare(ctx, appeal_id)
    rows = [(left.contact_id, left.name, left.reason_text) for left in plan.left_out]
    write_table(out, [_("N°"), _("Nom"), _("Motif")], rows)
    return Outcome(len(rows))


def targets(ctx: OperationContext) -> tuple[list[str], dict[str, str]]:
    """Saved contact filters and RFM segments an appeal can aim at."""
    with ctx.database.read() as session:
        filters = [name for name, _spec in list_filters(session, "contacts")]
    return filters, {key: _(label) for key, label in SEGMENTS.items()}


def load_template(ctx: OperationContext, kind: str) -> templates.Template:
    """The letter template in use for `kind`."""
    with ctx.database.read() as session:
        return templates.load_template(session, kind)


def save_template(ctx: OperationContext, template: templates.Template) -> Outcome[None]:
    """Check and store an edited template."""
    check_permission(ctx, Permission.SETTINGS_WRITE)
    with ctx.database.write() as session:
        templates.save_template(session, template)
    return Outcome(None, frozenset({Change.SETTINGS}))


def gifts_to_thank_count(ctx: OperationContext) -> int:
    """How many gifts wait for a thank-you."""
    with ctx.database.read() as session:
        return thanks.count_to_thank(session)
