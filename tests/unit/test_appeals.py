"""Appeals: exclusions reason by reason, pressure, the frozen send, letters, labels, results."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.core.appeals.letters import Template, check_template, save_template
from app.core.appeals.preparation import amount_asked, salutation
from app.core.appeals.pressure import PressureCaps
from app.core.appeals.sending import AppealDraft
from app.core.clock import FixedClock
from app.core.contacts.consents import record_consent
from app.core.infrastructure.database import Database
from app.errors import Conflict, NotFound, ValidationError
from app.models import ContactEmail, Gift, Solicitation
from app.models.enums import Channel, ConsentStatus, ContactStatus, PaymentMethod
from app.operations import appeals as ops
from app.operations.base import OperationContext
from tests.factories import make_contact, make_gift


def _ctx(db: Database) -> OperationContext:
    return OperationContext(db)


def _person(
    db: Database,
    last: str,
    *,
    npai: bool = False,
    address: bool = True,
    email: str = "",
    gift_cents: int = 0,
    civility: str = "Mme",
    **fields: object,
) -> int:
    with db.write() as session:
        contact = make_contact(
            session,
            last,
            first_name="Claire",
            civility=civility,
            address=address,
            line4="3 rue des Lilas",
            postcode=f"750{len(last):02d}",
            city="Paris",
            npai=npai,
            email=email,
            **fields,
        )
        if gift_cents:
            make_gift(session, contact, date(2025, 11, 2), gift_cents, cheque_number="1")
        return contact.id


def _consent(
    db: Database, contact_id: int, channel: Channel, status: ConsentStatus, on: date
) -> None:
    with db.write() as session:
        record_consent(
            session,
            contact_id=contact_id,
            channel=channel,
            status=status,
            occurred_at=datetime(on.year, on.month, on.day, 12, tzinfo=UTC),
            source="formulaire",
        )


def _appeal(db: Database, channel: Channel = Channel.POST, **kw: object) -> int:
    draft = AppealDraft(name="Appel de printemps", channel=channel, send_on=date(2026, 4, 1), **kw)  # type: ignore[arg-type]
    return ops.create(_ctx(db), draft).result.appeal_id


@pytest.mark.parametrize("chunk", [2000, 3])
def test_every_exclusion_reason_on_a_postal_appeal(
    db: Database, clock: FixedClock, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.core.appeals.targeting.CHUNK", chunk)  # ids read in several lists
    kept = _person(db, "Aubert", gift_cents=5000)
    _person(db, "Blanc", status=ContactStatus.DECEASED)
    _person(db, "Colin", restricted=True)
    objected = _person(db, "Dumas")
    _consent(db, objected, Channel.POST, ConsentStatus.OBJECTED, date(2026, 1, 10))
    later = _person(db, "Ebert")  # objects only after the send date: still asked
    _consent(db, later, Channel.POST, ConsentStatus.OBJECTED, date(2026, 4, 20))
    _person(db, "Fabre", npai=True)
    _person(db, "Girard", address=False)
    _person(db, "Hamon", status=ContactStatus.ANONYMISED)
    capped = _person(db, "Iung")
    limited = _person(db, "Jacob", appeals_per_year=1)
    with db.write() as session:
        for day in (date(2025, 6, 1), date(2025, 9, 1), date(2025, 12, 1), date(2026, 2, 1)):
            session.add(Solicitation(contact_id=capped, channel=Channel.POST, sent_on=day))
        session.add(
            Solicitation(contact_id=limited, channel=Channel.POST, sent_on=date(2025, 10, 1))
        )
        session.add(Solicitation(contact_id=kept, channel=Channel.POST, sent_on=date(2025, 3, 1)))
    plan = ops.prepare(_ctx(db), _appeal(db))
    reasons = {item.name: item.reason for item in plan.left_out}
    assert reasons == {
        "BLANC Claire": "deceased",
        "COLIN Claire": "restricted",
        "DUMAS Claire": "no_consent",
        "FABRE Claire": "npai",
        "GIRARD Claire": "no_address",
        "HAMON Claire": "erased",
        "IUNG Claire": "pressure",
        "JACOB Claire": "own_limit",
    }
    assert sorted(r.name for r in plan.recipients) == ["AUBERT Claire", "EBERT Claire"]
    aubert = next(r for r in plan.recipients if r.contact_id == kept)
    assert aubert.amount_asked_cents == 6000 and aubert.salutation == "Chère Madame Aubert,"
    assert plan.counts["pressure"] == 1 and sum(plan.counts.values()) == 8


def test_email_appeal_needs_a_granted_consent_and_an_address(db: Database) -> None:
    granted = _person(db, "Aubert", email="a@example.org")
    _consent(db, granted, Channel.EMAIL, ConsentStatus.GRANTED, date(2026, 1, 1))
    _person(db, "Blanc", email="b@example.org")  # never asked for consent
    no_email = _person(db, "Colin")
    _consent(db, no_email, Channel.EMAIL, ConsentStatus.GRANTED, date(2026, 1, 1))
    withdrawn = _person(db, "Dumas", email="d@example.org")
    _consent(db, withdrawn, Channel.EMAIL, ConsentStatus.GRANTED, date(2025, 1, 1))
    _consent(db, withdrawn, Channel.EMAIL, ConsentStatus.WITHDRAWN, date(2026, 3, 1))
    plan = ops.prepare(_ctx(db), _appeal(db, Channel.EMAIL))
    assert [r.email for r in plan.recipients] == ["a@example.org"]
    assert {i.name: i.reason for i in plan.left_out} == {
        "BLANC Claire": "no_consent",
        "COLIN Claire": "no_email",
        "DUMAS Claire": "no_consent",
    }


def test_printing_the_letters_sends_the_appeal_once_and_freezes_the_list(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    first = _person(db, "Aubert", gift_cents=2500)
    appeal = _appeal(db, cost_cents=12000)
    result = ops.print_letters(_ctx(db), appeal, tmp_path / "lettres.pdf").result
    assert result.count == 1
    text = PdfReader(tmp_path / "lettres.pdf").pages[0].extract_text()
    assert "Chère Madame Aubert" in text and "30,00" in text and "75006 PARIS" in text
    _person(db, "Blanc")  # joins the target after the send: not in the frozen list
    again = ops.print_letters(_ctx(db), appeal, tmp_path / "reprint.pdf").result
    assert again.count == 1
    with db.read() as session:
        rows = session.scalars(select(Solicitation).where(Solicitation.appeal_id == appeal)).all()
    assert [(s.contact_id, s.amount_asked_cents) for s in rows] == [(first, 3000)]
    assert ops.list_appeals(_ctx(db))[0].sent
    # the pressure counts it: with a cap of one letter a year, the next appeal leaves her out
    ops.set_pressure_caps(_ctx(db), PressureCaps(post=1, email=12, total=12))
    second = _appeal(db)
    assert ops.prepare(_ctx(db), second).left_out[0].reason == "pressure"
    clock.current = datetime(2026, 4, 2, 9, tzinfo=UTC)
    assert ops.solicitations_of(_ctx(db), first) == 1


def test_templates_refuse_unknown_fields_and_edited_ones_are_used(
    db: Database, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match=r"\{prenon\}"):
        check_template(Template("appeal", "Objet", "Bonjour {prenon}"))
    with pytest.raises(ValidationError, match="Accolade"):
        check_template(Template("appeal", "Objet {", "x"))
    with db.write() as session:
        save_template(
            session, Template("appeal", "Objet : {prenom}, merci", "{formule}\nÀ bientôt.")
        )
    _person(db, "Aubert")
    ops.print_letters(_ctx(db), _appeal(db), tmp_path / "l.pdf")
    text = PdfReader(tmp_path / "l.pdf").pages[0].extract_text()
    assert "Objet : Claire, merci" in text and "À bientôt." in text


def test_labels_and_envelopes_sorted_by_postcode(db: Database, tmp_path: Path) -> None:
    for name in ("Abcdefgh", "Abc", "Abcdef"):  # postcodes 75008, 75003, 75006
        _person(db, name)
    appeal = _appeal(db)
    result = ops.print_labels(_ctx(db), appeal, tmp_path / "e.pdf", layout="3x8").result
    assert (result.count, result.pages) == (3, 1)
    text = PdfReader(tmp_path / "e.pdf").pages[0].extract_text()
    assert text.index("75003") < text.index("75006") < text.index("75008")
    envelopes = ops.print_labels(_ctx(db), appeal, tmp_path / "dl.pdf", layout="DL").result
    assert envelopes.pages == 3
    page = PdfReader(tmp_path / "dl.pdf").pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == 220
    with pytest.raises(ValidationError, match="Format inconnu"):
        ops.print_labels(_ctx(db), appeal, tmp_path / "x.pdf", layout="4x9")


def test_results_match_sums_computed_independently(
    any_db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    people = [
        _person(any_db, name, gift_cents=1000) for name in ("Aubert", "Blanc", "Colin", "Dumas")
    ]
    appeal = _appeal(any_db, cost_cents=5000, response_days=30)
    ops.print_letters(_ctx(any_db), appeal, tmp_path / "l.pdf")
    with any_db.read() as session:
        from app.models import Appeal

        campaign_id = session.get(Appeal, appeal).campaign_id  # type: ignore[union-attr]
    gifts = [
        (people[0], date(2026, 4, 10), 4000, campaign_id),  # answers, credited to the appeal
        (people[0], date(2026, 4, 20), 1000, None),  # a second gift, no campaign: counts
        (people[1], date(2026, 4, 15), 2500, None),  # answers without naming the appeal
        (people[2], date(2026, 6, 1), 9900, campaign_id),  # after the 30-day window
        (people[3], date(2026, 3, 20), 5000, None),  # before the send
    ]
    with any_db.write() as session:
        for contact_id, day, cents, campaign in gifts:
            session.add(
                Gift(
                    contact_id=contact_id,
                    received_on=day,
                    amount_cents=cents,
                    payment_method=PaymentMethod.TRANSFER,
                    campaign_id=campaign,
                )
            )
    found = ops.appeal_results(_ctx(any_db), appeal)
    in_window = [g for g in gifts if date(2026, 4, 1) <= g[1] <= date(2026, 5, 1)]
    assert found.total.asked == 4
    assert found.total.respondents == len({g[0] for g in in_window})
    assert found.total.amount_cents == sum(g[2] for g in in_window)
    assert found.total.average_cents == round(sum(g[2] for g in in_window) / len(in_window))
    assert found.cost_per_euro_cents == round(5000 * 100 / sum(g[2] for g in in_window))
    assert found.total.response_rate == pytest.approx(0.5)


def test_thank_you_letters_mark_the_gifts_thanked(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    _person(db, "Aubert", gift_cents=4200)
    _person(db, "Blanc", address=False, gift_cents=1000)  # no address: waits
    result = ops.thank_letters(_ctx(db), tmp_path / "merci.pdf").result
    assert result.count == 1
    assert "42,00" in PdfReader(tmp_path / "merci.pdf").pages[0].extract_text()
    with db.read() as session:
        thanked = session.scalars(select(Gift.thanked_on).order_by(Gift.id)).all()
    assert thanked == [date(2026, 3, 15), None]
    assert ops.thank_letters(_ctx(db), tmp_path / "again.pdf").result.count == 0


def test_amount_rule_and_salutations() -> None:
    assert amount_asked(0) == 3000
    assert amount_asked(1000) == 1500  # floor
    assert amount_asked(4100) == 5000  # 49.20 rounded up to 5 EUR
    assert amount_asked(4100, {"factor": 1.0, "round_cents": 100}) == 4100
    assert salutation("person", "M.", "DUPONT") == "Cher Monsieur Dupont,"
    assert salutation("organisation", "", "") == "Madame, Monsieur,"


def test_a_sent_appeal_is_not_sent_twice_and_nobody_left_is_refused(
    db: Database, tmp_path: Path
) -> None:
    from app.core.appeals.sending import get_appeal, record_send

    _person(db, "Fabre", npai=True)
    appeal = _appeal(db)
    with pytest.raises(Conflict, match="Personne"):
        ops.print_letters(_ctx(db), appeal, tmp_path / "l.pdf")
    _person(db, "Aubert")
    ops.print_letters(_ctx(db), appeal, tmp_path / "l.pdf")
    with pytest.raises(Conflict, match="déjà été envoyé"), db.write() as session:
        record_send(
            session,
            get_appeal(session, appeal),
            ops.prepare(_ctx(db), appeal),
            at=datetime.now(UTC),
            what="",
        )


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_cli_create_prepare_letters_labels_results_thanks(
    engine: str,
    db_path: Path,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from app.cli import run_cli
    from app.core.opening import open_database

    target = str(db_path) if engine == "sqlite" else request.getfixturevalue("pg_url")
    database = open_database(target)
    if engine == "postgresql":
        from tests.conftest import _truncate_all

        _truncate_all(database)
    _person(database, "Aubert", gift_cents=2000)
    _person(database, "Fabre", npai=True)
    database.dispose()

    def run(*args: str) -> dict:  # type: ignore[type-arg]
        code = run_cli([*args, "--db", target, "--json"])
        assert code == 0
        return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]

    created = run("appeal", "create", "Noël", "--channel", "post", "--cost", "120")
    appeal = str(created["appeal_id"])
    prepared = run("appeal", "prepare", appeal)
    assert prepared["recipients"] == 1 and prepared["excluded"] == {"npai": 1}
    assert run("appeal", "letters", appeal, "--out", str(tmp_path / "l.pdf"))["letters"] == 1
    assert (
        run("appeal", "labels", appeal, "--format", "3x8", "--out", str(tmp_path / "e.pdf"))[
            "pages"
        ]
        == 1
    )
    results = run("appeal", "results", appeal)
    assert (results["asked"], results["respondents"], results["cost_cents"]) == (1, 0, 12000)
    assert run("thanks", "letters", "--out", str(tmp_path / "m.pdf"))["letters"] == 1
    assert run("appeal", "list")[0]["sent"] is True


class Inbox:
    """A local SMTP server's mailbox: what it received, the addresses it refuses."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.refuse: set[str] = set()
        self.port = 0

    async def handle_RCPT(self, server, session, envelope, address, options):  # type: ignore[no-untyped-def]  # noqa: N802, ANN001
        if address in self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802, ANN001
        self.messages.append(envelope.content)
        return "250 Message accepted"


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    """A local SMTP server (aiosmtpd) on a free port, for the test's duration."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Inbox()
    box.port = port
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def _smtp(db: Database, inbox: Inbox) -> None:
    from app.core.receipts.mailing import SmtpSettings, save_settings

    with db.write() as session:
        save_settings(
            session,
            SmtpSettings(
                host="127.0.0.1", port=inbox.port, security="none", sender="asso@example.org"
            ),
        )


def test_email_appeal_through_a_local_smtp_server_resumes_and_records_unsubscribes(
    db: Database, clock: FixedClock, inbox: Inbox
) -> None:
    from email import message_from_bytes
    from email.policy import default

    from app.core.contacts.consents import current_consents
    from app.core.progress import CancelToken
    from app.core.quality import quality_report
    from app.models import AuditEvent

    inbox.refuse = {"b@example.org"}
    people = {}
    for name, address in (
        ("Aubert", "a@example.org"),
        ("Blanc", "b@example.org"),
        ("Colin", "c@example.org"),
    ):
        people[name] = _person(db, name, email=address, gift_cents=2000)
        _consent(db, people[name], Channel.EMAIL, ConsentStatus.GRANTED, date(2026, 1, 1))
    _smtp(db, inbox)
    appeal = _appeal(db, Channel.EMAIL)
    cancel = CancelToken()
    pauses: list[float] = []

    def pause(seconds: float) -> None:  # the user pauses after the first message
        pauses.append(seconds)
        cancel.cancel()

    first = ops.send_emails(
        OperationContext(db, cancel=cancel), appeal, per_minute=120, sleep=pause
    ).result
    assert (first.sent, first.failed, first.remaining) == (1, 0, 2) and pauses == [0.5]
    second = ops.send_emails(_ctx(db), appeal, sleep=lambda _s: None).result
    assert (second.sent, second.failed) == (1, 1)  # Blanc's server refuses
    assert len(inbox.messages) == 2
    mail = message_from_bytes(inbox.messages[0], policy=default)
    plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Chère Madame Aubert" in plain and "STOP" in plain and "<p>" in html
    assert mail["Subject"] == "nous avons besoin de vous"
    with db.read() as session:
        log = dict(session.execute(select(Solicitation.email, Solicitation.delivery)).all())
    assert log == {"a@example.org": "sent", "b@example.org": "failed", "c@example.org": "sent"}
    ops.record_bounce(_ctx(db), appeal, "c@example.org")
    ops.record_unsubscribe(_ctx(db), appeal, people["Aubert"])
    with db.read() as session:
        states = {s.channel: s for s in current_consents(session, people["Aubert"])}
        assert states[Channel.EMAIL].status == ConsentStatus.WITHDRAWN
        assert (
            session.scalars(
                select(Solicitation.delivery).where(Solicitation.email == "c@example.org")
            ).one()
            == "bounced"
        )
        # the bounce is the contact's data: the address is marked invalid, with the date,
        # journaled in the contact's history and listed by the data quality report
        bounced = session.scalars(
            select(ContactEmail).where(ContactEmail.email == "c@example.org")
        ).one()
        assert (bounced.invalid_on, bounced.invalid_reason) == (
            date(2026, 3, 15),
            "retour de l'appel « Appel de printemps »",
        )
        history = session.execute(
            select(AuditEvent.field, AuditEvent.new, AuditEvent.note).where(
                AuditEvent.contact_id == people["Colin"]
            )
        ).all()
        assert ("invalid_on", "2026-03-15", "") in [tuple(h) for h in history]
        assert any("adresse marquée invalide" in (note or "") for _f, _v, note in history)
        invalid = {m.key: m for m in quality_report(session)}["invalid_email"]
        assert people["Colin"] in invalid.contact_ids
    clock.current = datetime(2026, 5, 1, 9, tzinfo=UTC)
    later = ops.create(_ctx(db), AppealDraft("Été", Channel.EMAIL, send_on=date(2026, 5, 2))).result
    assert {x.name: x.reason for x in ops.prepare(_ctx(db), later.appeal_id).left_out} == {
        "AUBERT Claire": "no_consent",
        "COLIN Claire": "no_email",  # the bounced address is no longer used
    }


def _member(db: Database, last: str, **kw: object) -> int:
    """A person whose calendar-year membership (paid 01/02/2026) is due on 10/12/2026."""
    from app.core.memberships.service import MembershipDraft
    from app.operations import memberships as member_ops

    contact_id = _person(db, last, **kw)  # type: ignore[arg-type]
    types = member_ops.list_types(_ctx(db))
    type_id = types[0].type_id if types else _membership_type(db)
    member_ops.join(
        _ctx(db), MembershipDraft(contact_id, type_id, date(2026, 2, 1), PaymentMethod.CASH)
    )
    return contact_id


def _membership_type(db: Database) -> int:
    from app.models.enums import MembershipKind, MembershipPeriod
    from app.operations import memberships as member_ops

    return member_ops.add_type(
        _ctx(db),
        name="Individuelle",
        kind=MembershipKind.INDIVIDUAL,
        fee_cents=2500,
        period=MembershipPeriod.CALENDAR_YEAR,
    ).result.type_id


def test_reminders_and_appeals_count_against_the_same_pressure_caps(
    any_db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    from app.operations import memberships as member_ops

    ops.set_pressure_caps(_ctx(any_db), PressureCaps(post=1, email=12, total=12))
    reminded = _member(any_db, "Aubert")
    asked = _member(any_db, "Blanc")
    with any_db.write() as session:  # Blanc had a letter appeal in June
        session.add(Solicitation(contact_id=asked, channel=Channel.POST, sent_on=date(2026, 6, 1)))
    on = date(2026, 12, 10)
    result = member_ops.send_reminders(_ctx(any_db), out=tmp_path / "r.pdf", on=on).result
    assert result.written == 1  # Aubert only: Blanc is at the cap because of the appeal
    assert result.counts == {"pressure": 1} and set(result.excluded) == {asked}
    with any_db.read() as session:
        kinds = session.execute(
            select(Solicitation.contact_id, Solicitation.kind, Solicitation.sent_on).order_by(
                Solicitation.id
            )
        ).all()
    assert kinds[-1] == (reminded, "reminder", on)
    # and the other way round: the reminder counts against the next letter appeal
    appeal = ops.create(
        _ctx(any_db), AppealDraft("Noël", Channel.POST, send_on=date(2026, 12, 15))
    ).result.appeal_id
    plan = ops.prepare(_ctx(any_db), appeal)
    assert {left.contact_id: left.reason for left in plan.left_out} == {
        reminded: "pressure",
        asked: "pressure",
    }
    # a reminder is not an appeal: the donor's own "one appeal a year" ignores it
    ops.set_pressure_caps(_ctx(any_db), PressureCaps(post=4, email=12, total=12))
    ops.set_appeals_limit(_ctx(any_db), reminded, 1)
    assert ops.prepare(_ctx(any_db), appeal).counts == {}


def test_reminder_emails_go_through_the_appeals_mailing_with_unsubscribe_and_log(
    db: Database, clock: FixedClock, inbox: Inbox, tmp_path: Path
) -> None:
    from email import message_from_bytes
    from email.policy import default

    from app.core.progress import CancelToken
    from app.operations import memberships as member_ops

    people = {}
    for name in ("Aubert", "Blanc", "Colin", "Dumas"):
        people[name] = _member(db, name, email=f"{name.lower()}@example.org")
        if name != "Dumas":  # Dumas never agreed to e-mails
            _consent(db, people[name], Channel.EMAIL, ConsentStatus.GRANTED, date(2026, 1, 1))
    inbox.refuse = {"blanc@example.org"}
    _smtp(db, inbox)
    on = date(2026, 12, 10)
    cancel = CancelToken()

    def pause(_seconds: float) -> None:  # the user cancels after the first message
        cancel.cancel()

    first = member_ops.send_reminders(
        OperationContext(db, cancel=cancel), channel=Channel.EMAIL, on=on, sleep=pause
    ).result
    assert first.written == 3 and first.counts == {"no_consent": 1}
    assert first.emails is not None and (first.emails.sent, first.emails.remaining) == (1, 2)
    again = member_ops.send_reminders(
        _ctx(db), channel=Channel.EMAIL, on=on, sleep=lambda _s: None
    ).result
    # nobody is reminded twice: the second run only finishes the first one's pending e-mails
    assert again.written == 0 and again.counts == {"reminded": 3, "no_consent": 1}
    assert again.emails is not None
    assert (again.emails.sent, again.emails.failed) == (1, 1)
    assert len(inbox.messages) == 2
    mail = message_from_bytes(inbox.messages[0], policy=default)
    plain = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert mail["Subject"] == "renouvellement de votre adhésion"
    assert "Chère Madame Aubert" in plain and "31/12/2026" in plain and "25,00" in plain
    assert "STOP" in plain  # the unsubscribe sentence, as in every appeal e-mail
    with db.read() as session:
        log = dict(
            session.execute(
                select(Solicitation.email, Solicitation.delivery).where(
                    Solicitation.kind == "reminder"
                )
            ).all()
        )
    assert log == {
        "aubert@example.org": "sent",
        "blanc@example.org": "failed",
        "colin@example.org": "sent",
    }
    # a reminder that comes back marks the member's address invalid, like an appeal's
    assert member_ops.record_reminder_bounce(_ctx(db), "colin@example.org").result == 1
    with db.read() as session:
        colin = session.scalars(
            select(ContactEmail).where(ContactEmail.contact_id == people["Colin"])
        ).one()
        assert colin.invalid_reason == "retour d'une relance d'adhésion"
    with pytest.raises(NotFound, match="Aucune relance"):
        member_ops.record_reminder_bounce(_ctx(db), "nobody@example.org")


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_one_appeal_a_year_end_to_end_with_exclusions_counted_and_exported(
    engine: str,
    db_path: Path,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The donor's wish recorded from the CLI, respected by the next appeal within 12 months
    (not by one after), the reason counted before and after the send, and exported."""
    import csv
    import json

    from app.cli import run_cli
    from app.core.opening import open_database
    from app.models import AuditEvent

    target = str(db_path) if engine == "sqlite" else request.getfixturevalue("pg_url")
    database = open_database(target)
    if engine == "postgresql":
        from tests.conftest import _truncate_all

        _truncate_all(database)
    aubert = _person(database, "Aubert", gift_cents=2000)
    _person(database, "Blanc", gift_cents=3000)

    def run(*args: str) -> dict:  # type: ignore[type-arg]
        code = run_cli([*args, "--db", target, "--json"])
        assert code == 0
        return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]

    assert run("appeal", "limit", str(aubert), "--per-year", "1")["appeals_per_year"] == 1
    spring = run("appeal", "create", "Printemps", "--channel", "post", "--date", "2026-04-01")
    assert (
        run("appeal", "letters", str(spring["appeal_id"]), "--out", str(tmp_path / "p.pdf"))[
            "letters"
        ]
        == 2
    )
    christmas = str(
        run("appeal", "create", "Noël", "--channel", "post", "--date", "2026-12-01")["appeal_id"]
    )
    out = tmp_path / "ecartes.csv"
    prepared = run("appeal", "prepare", christmas, "--excluded", str(out))
    assert prepared["recipients"] == 1 and prepared["excluded"] == {"own_limit": 1}
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle, delimiter=";"))
    assert rows[1][:2] == [str(aubert), "AUBERT Claire"]
    assert "moins d'appels" in rows[1][2]
    run("appeal", "letters", christmas, "--out", str(tmp_path / "n.pdf"))
    sent = run("appeal", "prepare", christmas)  # once sent: the same reasons, kept
    assert sent["recipients"] == 1 and sent["excluded"] == {"own_limit": 1}
    assert sent["excluded_contacts"][0]["contact_id"] == aubert
    later = run("appeal", "create", "Printemps 2027", "--channel", "post", "--date", "2027-04-02")
    assert run("appeal", "prepare", str(later["appeal_id"]))["excluded"] == {}
    with database.read() as session:
        journal = session.execute(
            select(AuditEvent.field, AuditEvent.new).where(AuditEvent.contact_id == aubert)
        ).all()
    assert ("appeals_per_year", "1") in [tuple(row) for row in journal]
    database.dispose()


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_cli_member_reminders_by_post_and_email_refused_without_smtp(
    engine: str,
    db_path: Path,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    clock: FixedClock,
) -> None:
    import json

    from app.cli import run_cli
    from app.core.opening import open_database

    target = str(db_path) if engine == "sqlite" else request.getfixturevalue("pg_url")
    database = open_database(target, clock=clock)
    if engine == "postgresql":
        from tests.conftest import _truncate_all

        _truncate_all(database)
    member = _member(database, "Aubert", email="aubert@example.org")
    _member(database, "Blanc", npai=True)
    database.dispose()
    base = ["member", "reminders", "--on", "2026-12-10", "--db", target, "--json"]
    assert run_cli([*base, "--channel", "email"]) == 1  # no SMTP server set: nothing recorded
    assert "Serveur SMTP" in json.loads(capsys.readouterr().out)["error"]["message"]
    assert run_cli([*base, "--channel", "post", "--out", str(tmp_path / "r.pdf")]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["written"], result["counts"]) == (1, {"npai": 1})
    assert result["channel"] == "post" and (tmp_path / "r.pdf").stat().st_size > 0
    again = run_cli([*base, "--channel", "post", "--out", str(tmp_path / "r2.pdf")])
    assert again == 0 and json.loads(capsys.readouterr().out)["counts"] == {
        "reminded": 1,
        "npai": 1,
    }
    database = open_database(target)
    with database.read() as session:
        kinds = session.execute(select(Solicitation.contact_id, Solicitation.kind)).all()
    database.dispose()
    assert [tuple(k) for k in kinds] == [(member, "reminder")]
