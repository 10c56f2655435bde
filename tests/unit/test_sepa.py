"""SEPA direct debit: accounts, mandates, plans, collection file, pre-notices, bank returns."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import xmlschema
from sqlalchemy import select

from app.core.clock import FixedClock
from app.core.gdpr.anonymise import anonymise
from app.core.infrastructure.database import Database
from app.core.receipts.eligibility import plan_receipts
from app.core.sepa.accounts import (
    masked_iban,
    validate_bic,
    validate_creditor_id,
    validate_iban,
)
from app.core.sepa.creditor import CreditorSettings
from app.core.sepa.mandates import MandateDraft
from app.core.sepa.plans import PlanDraft, instalment_in_period
from app.errors import Conflict, ValidationError
from app.models import Contact, Gift, RegularGiftPlan, SepaDebit, SepaMandate
from app.models.enums import (
    MandateStatus,
    PaymentMethod,
    PlanFrequency,
    PlanStatus,
    ReceiptKind,
    ReceiptMode,
)
from app.operations import sepa as ops
from app.operations.base import OperationContext
from tests.factories import make_contact

SCHEMA = Path(__file__).resolve().parents[2] / "resources" / "sepa" / "pain.008.001.02.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}

# Published example IBANs (ECBS / national banking associations), one per country.
VALID_IBANS = {
    "FR": "FR14 2004 1010 0505 0001 3M02 606",
    "DE": "DE89 3704 0044 0532 0130 00",
    "BE": "BE68 5390 0754 7034",
    "NL": "NL91 ABNA 0417 1643 00",
    "ES": "ES91 2100 0418 4502 0005 1332",
    "IT": "IT60 X054 2811 1010 0000 0123 456",
    "GB": "GB29 NWBK 6016 1331 9268 19",
    "CH": "CH93 0076 2011 6238 5295 7",
    "LU": "LU28 0019 4006 4475 0000",
    "PT": "PT50 0002 0123 1234 5678 9015 4",
    "MC": "MC58 1122 2000 0101 2345 6789 030",
    "AT": "AT61 1904 3002 3457 3201",
}


@pytest.mark.parametrize("country", sorted(VALID_IBANS))
def test_published_ibans_of_sepa_countries_are_accepted(country: str) -> None:
    compact = validate_iban(VALID_IBANS[country])
    assert compact == VALID_IBANS[country].replace(" ", "")


@pytest.mark.parametrize(
    ("iban", "expected"),
    [
        ("FR14 2004 1010 0505 0001 3M02 607", "clé"),  # one digit typed wrong
        ("DE89 3704 0044 0532 0130", "caractères"),  # too short
        ("BR15 0000 0000 0000 1093 2840 814 P2", "zone SEPA"),  # valid IBAN, not SEPA
        ("", "manquant"),
    ],
)
def test_wrong_ibans_are_refused_in_french(iban: str, expected: str) -> None:
    with pytest.raises(ValidationError, match=expected) as caught:
        validate_iban(iban)
    assert caught.value.field == "iban"


def test_bic_is_checked_or_derived_from_a_french_iban() -> None:
    assert validate_bic("bnpa fr pp") == "BNPAFRPP"
    assert validate_bic("", iban="FR1420041010050500013M02606") == "PSSTFRPP"
    with pytest.raises(ValidationError, match="BIC invalide"):
        validate_bic("BNP")


def test_creditor_identifier_uses_the_epc_check_digits() -> None:
    assert validate_creditor_id("fr72 zzz 123456") == "FR72ZZZ123456"
    with pytest.raises(ValidationError, match="ICS"):
        validate_creditor_id("FR73ZZZ123456")


def test_iban_masked_except_for_treasurer_and_admin(db: Database) -> None:
    ctx = _ctx(db)
    _setup_plan(db)
    for role, visible in (
        ("volunteer", False),
        ("dpo", False),
        ("treasurer", True),
        ("admin", True),
    ):
        db.role = role
        row = ops.list_mandates(ctx)[0]
        assert ("3M02 606" in row.iban) == visible
        assert row.iban.endswith("2606") or row.iban.endswith("606")
    assert masked_iban("FR1420041010050500013M02606") == "FR14 •••• •••• 2606"


# --- helpers --------------------------------------------------------------------------------


CREDITOR = CreditorSettings(
    name="Les Amis du Parc", creditor_id="FR72ZZZ123456", iban="FR7630006000011234567890189"
)


def _ctx(db: Database) -> OperationContext:
    return OperationContext(db)


def _person(db: Database, last: str = "Durand", first: str = "Claire") -> int:
    with db.write() as session:
        contact = make_contact(
            session,
            last,
            first_name=first,
            civility="Mme",
            line4="3 rue des Lilas",
            postcode="75011",
            city="Paris",
        )
        return contact.id


def _setup_plan(
    db: Database,
    *,
    iban: str = VALID_IBANS["FR"],
    amount: int = 1500,
    frequency: PlanFrequency = PlanFrequency.MONTHLY,
    last: str = "Durand",
) -> tuple[int, int, int]:
    ctx = _ctx(db)
    ops.save_creditor(ctx, CREDITOR)
    contact = _person(db, last)
    mandate = ops.add_mandate(
        ctx, MandateDraft(contact_id=contact, iban=iban, signed_on=date(2026, 3, 1))
    ).result
    plan = ops.add_plan(
        ctx,
        PlanDraft(
            mandate_id=mandate.mandate_id,
            amount_cents=amount,
            frequency=frequency,
            starts_on=date(2026, 3, 1),
            day_of_month=5,
        ),
    ).result
    return contact, mandate.mandate_id, plan.plan_id


def _move(clock: FixedClock, day: date) -> None:
    clock.current = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def _notify_and_wait(db: Database, clock: FixedClock, tmp_path: Path, debit_on: date) -> None:
    _move(clock, debit_on - timedelta(days=20))
    ops.prenotify(_ctx(db), debit_on, tmp_path / f"notices-{debit_on}.pdf")
    _move(clock, debit_on - timedelta(days=2))


def _file(tmp_path: Path, name: str) -> Path:
    return tmp_path / name


# --- plans ----------------------------------------------------------------------------------


def test_instalment_dates_monthly_quarterly_yearly() -> None:
    plan = RegularGiftPlan(
        frequency=PlanFrequency.QUARTERLY, day_of_month=10, starts_on=date(2026, 1, 15)
    )
    assert instalment_in_period(plan, date(2026, 1, 31)) is None  # first is 10 February
    assert instalment_in_period(plan, date(2026, 2, 10)) == date(2026, 2, 10)
    assert instalment_in_period(plan, date(2026, 4, 30)) == date(2026, 2, 10)
    assert instalment_in_period(plan, date(2026, 5, 9)) is None  # next quarter, not yet due
    assert instalment_in_period(plan, date(2026, 5, 10)) == date(2026, 5, 10)
    plan.frequency, plan.ends_on = PlanFrequency.YEARLY, date(2027, 1, 1)
    assert instalment_in_period(plan, date(2026, 12, 31)) == date(2026, 2, 10)
    assert instalment_in_period(plan, date(2027, 3, 1)) is None  # after the end
    plan.frequency, plan.ends_on = PlanFrequency.MONTHLY, None
    assert instalment_in_period(plan, date(2027, 1, 9)) is None
    assert instalment_in_period(plan, date(2027, 1, 10)) == date(2027, 1, 10)


def test_plan_refuses_a_day_that_some_months_lack(db: Database) -> None:
    _contact, mandate, _plan = _setup_plan(db)
    with pytest.raises(ValidationError, match="entre 1 et 28"):
        ops.add_plan(
            _ctx(db),
            PlanDraft(
                mandate_id=mandate,
                amount_cents=1000,
                frequency=PlanFrequency.MONTHLY,
                starts_on=date(2026, 3, 1),
                day_of_month=31,
            ),
        )


# --- collection -----------------------------------------------------------------------------


def _debits(xml: bytes) -> list[dict[str, str]]:
    root = ET.fromstring(xml)
    out = []
    for info in root.iterfind(".//p:PmtInf", NS):
        sequence = info.findtext(".//p:SeqTp", namespaces=NS) or ""
        for tx in info.iterfind("p:DrctDbtTxInf", NS):
            out.append(
                {
                    "seq": sequence,
                    "e2e": tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS) or "",
                    "amount": tx.findtext("p:InstdAmt", namespaces=NS) or "",
                    "rum": tx.findtext(".//p:MndtId", namespaces=NS) or "",
                    "iban": tx.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) or "",
                }
            )
    return out


def test_first_debit_is_frst_then_rcur_and_the_file_is_valid_pain008(
    any_db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    contact, mandate, plan = _setup_plan(any_db)
    _setup_plan(any_db, iban=VALID_IBANS["DE"], amount=2050, last="Martin")
    april = date(2026, 4, 5)
    _notify_and_wait(any_db, clock, tmp_path, april)
    first = ops.collect(_ctx(any_db), april, tmp_path / "avril.xml").result
    xml = (tmp_path / "avril.xml").read_bytes()
    xmlschema.XMLSchema(str(SCHEMA)).validate(xml.decode())  # the ISO 20022 schema itself
    debits = _debits(xml)
    assert [d["seq"] for d in debits] == ["FRST", "FRST"]
    assert sorted(d["amount"] for d in debits) == ["15.00", "20.50"]
    assert first.count == 2 and first.total_cents == 3550 and first.first == 2
    root = ET.fromstring(xml)
    assert root.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=NS) == "2"
    assert root.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "35.50"
    assert root.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS) == first.message_id
    assert (
        root.findtext(".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS)
        == "FR72ZZZ123456"
    )
    with any_db.read() as session:
        gifts = {
            d.end_to_end_id: session.get(Gift, d.gift_id)
            for d in session.scalars(select(SepaDebit))
        }
    for debit in debits:  # the end-to-end id names the gift recorded for it
        gift = gifts[debit["e2e"]]
        assert gift is not None and gift.received_on == april
        assert gift.payment_method == PaymentMethod.DIRECT_DEBIT
        assert f"{gift.amount_cents / 100:.2f}" == debit["amount"]
    _move(clock, date(2026, 5, 3))
    second = ops.collect(_ctx(any_db), date(2026, 5, 5), tmp_path / "mai.xml").result
    assert [d["seq"] for d in _debits((tmp_path / "mai.xml").read_bytes())] == ["RCUR", "RCUR"]
    assert second.recurring == 2 and second.first == 0


def test_a_second_run_for_the_same_period_collects_nothing_twice(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    _setup_plan(db)
    april = date(2026, 4, 5)
    _notify_and_wait(db, clock, tmp_path, april)
    ops.collect(_ctx(db), april, tmp_path / "a.xml")
    with pytest.raises(Conflict, match="Aucun prélèvement"):
        ops.collect(_ctx(db), date(2026, 4, 20), tmp_path / "b.xml")
    assert not (tmp_path / "b.xml").exists()


def test_without_a_prenotification_in_time_the_plan_is_left_out(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    contact, _mandate, plan = _setup_plan(db)
    _move(clock, date(2026, 3, 30))
    preview = ops.preview_collection(_ctx(db), date(2026, 4, 5))
    assert preview.debits == ()
    assert [(e.plan_id, e.reason) for e in preview.excluded] == [(plan, "not_notified")]
    ops.prenotify(_ctx(db), date(2026, 4, 5), tmp_path / "n.pdf")  # 6 days before: too late
    assert ops.preview_collection(_ctx(db), date(2026, 4, 5)).excluded[0].reason == "not_notified"
    assert ops.preview_collection(_ctx(db), date(2026, 4, 13)).debits  # 14 days after the letter


def test_a_new_amount_needs_a_new_notice(db: Database, clock: FixedClock, tmp_path: Path) -> None:
    from app.core.sepa.plans import change_plan

    _contact, _mandate, plan = _setup_plan(db)
    _notify_and_wait(db, clock, tmp_path, date(2026, 4, 5))
    ops.collect(_ctx(db), date(2026, 4, 5), tmp_path / "a.xml")
    with db.write() as session:
        change_plan(session, plan, amount_cents=2500)
    _move(clock, date(2026, 5, 1))
    assert ops.preview_collection(_ctx(db), date(2026, 5, 5)).excluded[0].reason == "not_notified"
    notices = ops.prenotify(_ctx(db), date(2026, 5, 20), tmp_path / "n.pdf").result
    assert [n.amount_cents for n in notices] == [2500]
    assert "25,00" in _pdf_text(tmp_path / "n.pdf")


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_notice_letter_names_amount_date_rum_and_ics(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    _setup_plan(db)
    _move(clock, date(2026, 3, 20))
    ops.prenotify(_ctx(db), date(2026, 4, 5), tmp_path / "n.pdf")
    text = _pdf_text(tmp_path / "n.pdf")
    for expected in ("15,00", "05/04/2026", "OBOLE-", "FR72ZZZ123456", "2606", "75011 PARIS"):
        assert expected in text
    assert "3M02 606" not in text  # never the whole account number on paper


@pytest.mark.parametrize("state", ["suspended", "restricted", "revoked"])
def test_exclusions_suspended_mandate_restricted_contact_revoked_mandate(
    db: Database, clock: FixedClock, tmp_path: Path, state: str
) -> None:
    contact, mandate, plan = _setup_plan(db)
    _notify_and_wait(db, clock, tmp_path, date(2026, 4, 5))
    if state == "restricted":
        with db.write() as session:
            session.get(Contact, contact).restricted = True  # type: ignore[union-attr]
    else:
        status = MandateStatus.SUSPENDED if state == "suspended" else MandateStatus.REVOKED
        ops.set_mandate_status(_ctx(db), str(mandate), status)
    preview = ops.preview_collection(_ctx(db), date(2026, 4, 5))
    assert preview.debits == ()
    expected = {"suspended": ["mandate_inactive"], "restricted": ["contact_unavailable"]}
    assert [e.reason for e in preview.excluded] == expected.get(state, [])  # revoked: plan ended
    if state == "revoked":
        with db.read() as session:
            assert session.get(RegularGiftPlan, plan).status == PlanStatus.ENDED  # type: ignore[union-attr]


def test_collection_refuses_a_past_date_and_an_incomplete_creditor(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    _setup_plan(db)
    with pytest.raises(ValidationError, match="est passée"):
        ops.collect(_ctx(db), date(2026, 3, 1), tmp_path / "x.xml")
    ops.save_creditor(_ctx(db), replace(CREDITOR, name="A"))
    with db.write() as session:
        from app.models import Setting

        session.get(Setting, "sepa").value = {}  # type: ignore[union-attr]
    _notify_and_wait(db, clock, tmp_path, date(2026, 4, 5))
    with pytest.raises(ValidationError, match="créancier SEPA"):
        ops.collect(_ctx(db), date(2026, 4, 5), tmp_path / "x.xml")
    assert not (tmp_path / "x.xml").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".obole-")] == []


# --- returns --------------------------------------------------------------------------------


def _collected_gift(db: Database, clock: FixedClock, tmp_path: Path, day: date) -> int:
    ops.collect(_ctx(db), day, tmp_path / f"{day}.xml")
    with db.read() as session:
        return session.scalars(select(SepaDebit.gift_id).where(SepaDebit.due_on == day)).one()  # type: ignore[return-value]


def test_rejects_mark_the_gift_failed_and_suspend_after_the_limit(
    any_db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    contact, mandate, plan = _setup_plan(any_db)
    _notify_and_wait(any_db, clock, tmp_path, date(2026, 4, 5))
    april = _collected_gift(any_db, clock, tmp_path, date(2026, 4, 5))
    first = ops.reject(_ctx(any_db), reason="am04", gift_id=april).result
    assert first.reason == "AM04 provision insuffisante" and not first.plan_suspended
    with any_db.read() as session:
        gift = session.get(Gift, april)
        assert gift is not None and gift.failed_on is not None and gift.receiptable is False
        # the returned FRST leaves the mandate never collected: the next debit is FRST again
        assert session.get(SepaMandate, mandate).first_collected_on is None  # type: ignore[union-attr]
    _move(clock, date(2026, 5, 4))
    may = _collected_gift(any_db, clock, tmp_path, date(2026, 5, 5))
    assert [d["seq"] for d in _debits((tmp_path / "2026-05-05.xml").read_bytes())] == ["FRST"]
    second = ops.reject(_ctx(any_db), reason="AM04", gift_id=may).result
    assert second.plan_suspended
    assert ops.donors_to_call(_ctx(any_db)) == [(contact, "DURAND Claire", 2)]
    again = ops.reject(_ctx(any_db), reason="AM04", gift_id=may).result
    assert again.already_recorded
    _move(clock, date(2026, 6, 1))
    assert ops.preview_collection(_ctx(any_db), date(2026, 6, 5)).debits == ()  # suspended


def test_failed_gifts_never_reach_a_receipt_collected_ones_do(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    _setup_plan(db)
    _notify_and_wait(db, clock, tmp_path, date(2026, 4, 5))
    april = _collected_gift(db, clock, tmp_path, date(2026, 4, 5))
    _move(clock, date(2026, 5, 4))
    may = _collected_gift(db, clock, tmp_path, date(2026, 5, 5))
    ops.reject(_ctx(db), reason="MS02", gift_id=may)
    with db.read() as session:
        # previewed after the year's end: annual receipts wait for it (issue #15, point 2)
        preview = plan_receipts(
            session, year=2026, mode=ReceiptMode.ANNUAL, issued_on=date(2027, 1, 15)
        )
    gift_ids = {g for planned in preview.receipts for g in planned.gift_ids}
    assert april in gift_ids and may not in gift_ids


def test_a_receipted_gift_cannot_be_rejected_silently(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    _setup_plan(db)
    _notify_and_wait(db, clock, tmp_path, date(2026, 4, 5))
    gift = _collected_gift(db, clock, tmp_path, date(2026, 4, 5))
    with db.write() as session:
        from app.models import Receipt

        receipt = Receipt(
            number="2026-00001",
            year=2026,
            contact_id=session.get(Gift, gift).contact_id,  # type: ignore[union-attr]
            kind=ReceiptKind.INDIVIDUAL,
            mode=ReceiptMode.PER_GIFT,
            sequence=1,
            period_start=date(2026, 4, 5),
            period_end=date(2026, 4, 5),
            total_cents=1500,
            snapshot={},
            pdf_sha256="0" * 64,
        )
        session.add(receipt)
        session.flush()
        session.get(Gift, gift).receipt_id = receipt.id  # type: ignore[union-attr]
    with pytest.raises(Conflict, match="2026-00001"):
        ops.reject(_ctx(db), reason="AM04", gift_id=gift)


CAMT054 = """<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">
 <BkToCstmrDbtCdtNtfctn><Ntfctn><Ntry>
  <Amt Ccy="EUR">15.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
  <BookgDt><Dt>2026-04-09</Dt></BookgDt>
  <NtryDtls><TxDtls>
   <Refs><EndToEndId>{e2e}</EndToEndId><MndtId>X</MndtId></Refs>
   <RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>
  </TxDtls></NtryDtls>
 </Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn>
</Document>"""


def test_returns_read_from_a_camt054_file_and_a_csv(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    _setup_plan(db)
    _setup_plan(db, iban=VALID_IBANS["BE"], last="Lefebvre")
    _notify_and_wait(db, clock, tmp_path, date(2026, 4, 5))
    ops.collect(_ctx(db), date(2026, 4, 5), tmp_path / "a.xml")
    with db.read() as session:
        e2e = list(session.scalars(select(SepaDebit.end_to_end_id).order_by(SepaDebit.id)))
    camt = tmp_path / "retours.xml"
    camt.write_text(CAMT054.format(e2e=e2e[0]), encoding="utf-8")
    results = ops.reject_file(_ctx(db), camt).result
    assert [(r.reason, r.plan_suspended) for r in results] == [("AC04 compte clôturé", True)]
    csv = tmp_path / "retours.csv"
    csv.write_text(f"reference;motif;date\n{e2e[1]};MD06;08/04/2026\n", encoding="cp1252")
    assert ops.reject_file(_ctx(db), csv).result[0].reason.startswith("MD06")
    with db.read() as session:
        assert session.scalars(select(SepaDebit.rejected_on)).all() == [
            date(2026, 4, 9),
            date(2026, 4, 8),
        ]
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{e2e[1]};XX\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="bad.csv, ligne 1"):
        ops.reject_file(_ctx(db), bad)


def test_erasure_takes_the_account_number_with_the_person(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    contact, mandate, plan = _setup_plan(db)
    with db.write() as session:
        anonymise(session, contact, clock=clock)
    with db.read() as session:
        erased = session.get(SepaMandate, mandate)
        assert erased is not None and erased.iban == "" and erased.status == MandateStatus.REVOKED
        assert session.get(RegularGiftPlan, plan).status == PlanStatus.ENDED  # type: ignore[union-attr]


def test_volunteer_cannot_add_a_mandate(db: Database) -> None:
    from app.errors import PermissionDenied

    contact = _person(db)
    db.role = "volunteer"
    with pytest.raises(PermissionDenied):
        ops.add_mandate(
            _ctx(db),
            MandateDraft(contact_id=contact, iban=VALID_IBANS["FR"], signed_on=date(2026, 3, 1)),
        )


def test_collect_file_is_written_atomically_with_odd_folder_names(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    folder = tmp_path / "Asso #2 %25 é"
    folder.mkdir()
    _setup_plan(db)
    _notify_and_wait(db, clock, tmp_path, date(2026, 4, 5))
    result = ops.collect(_ctx(db), date(2026, 4, 5), folder / "prélèvements avril.xml").result
    assert result.path.exists() and os.listdir(folder) == ["prélèvements avril.xml"]


def test_cli_from_mandate_to_bank_file_and_reject(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from app.cli import run_cli
    from app.core.opening import open_database

    database = open_database(str(db_path))
    with database.write() as session:
        session.add(Contact(first_name="Jean", last_name="Martin"))
    database.dispose()

    def run(*args: str) -> tuple[int, str]:
        code = run_cli([*args, "--db", str(db_path)])
        return code, capsys.readouterr().out

    day = date.today()
    debit = day + timedelta(days=20)
    assert run("sepa", "creditor", "--name", "Amis", "--ics", "FR72ZZZ123456",
               "--iban", "FR7630006000011234567890189")[0] == 0  # fmt: skip
    code, out = run("sepa", "mandate", "add", "1", "--iban", VALID_IBANS["FR"],
                    "--signed", day.isoformat(), "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["sequence_type"] == "FRST"
    assert run("sepa", "plan", "add", "1", "--amount", "12,50", "--day", str(min(debit.day, 28)),
               "--start", day.isoformat())[0] == 0  # fmt: skip
    code, out = run("sepa", "collect", "--date", debit.isoformat(), "--json")
    assert json.loads(out)["excluded"][0]["reason"] == "not_notified"
    assert (
        run("sepa", "notify", "--date", debit.isoformat(), "--out", str(tmp_path / "n.pdf"))[0] == 0
    )
    code, out = run("sepa", "collect", "--date", debit.isoformat(), "--out",
                    str(tmp_path / "f.xml"), "--json")  # fmt: skip
    result = json.loads(out)
    assert (result["count"], result["first"], result["total_cents"]) == (1, 1, 1250)
    xmlschema.XMLSchema(str(SCHEMA)).validate((tmp_path / "f.xml").read_text(encoding="utf-8"))
    with open_database(str(db_path)).read() as session:
        gift = session.scalars(select(SepaDebit.gift_id)).one()
    code, out = run("sepa", "reject", "--gift", str(gift), "--reason", "AM04")
    assert code == 0 and "provision insuffisante" in out
    code, out = run("sepa", "mandate", "list")
    assert "•••• ••••" not in out  # no users: the administrator sees the whole IBAN
    code, out = run("sepa", "plan", "change", "1", "--amount", "15", "--end",
                    (day + timedelta(days=400)).isoformat(), "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["amount_cents"] == 1500
    code, out = run("sepa", "plan", "list", "--json")
    (listed,) = json.loads(out)
    assert listed["amount_cents"] == 1500 and listed["needs_notice"]  # a new amount to announce
    assert listed["ends_on"] == (day + timedelta(days=400)).isoformat()
    assert run("sepa", "plan", "change", "1", "--no-end", "--status", "suspended")[0] == 0
    code, out = run("sepa", "plan", "list")
    assert "suspendu" in out and "pré-notification à envoyer" in out
    code, out = run("sepa", "plan", "list", "--json")
    assert json.loads(out)[0]["ends_on"] is None


def test_plan_changes_keep_their_history_and_failed_gifts_leave_the_dashboard(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    from app.core.sepa.plans import change_plan
    from app.core.stats import dashboard
    from app.models import AuditEvent

    _contact, _mandate, plan = _setup_plan(db)
    with db.write() as session:
        change_plan(session, plan, amount_cents=2000, day_of_month=10)
    with db.read() as session:
        history = {
            (e.field, e.old, e.new)
            for e in session.scalars(
                select(AuditEvent).where(
                    AuditEvent.entity == "regular_gift_plan", AuditEvent.entity_id == plan
                )
            )
        }
    assert {("amount_cents", "1500", "2000"), ("day_of_month", "5", "10")} <= history
    _notify_and_wait(db, clock, tmp_path, date(2026, 4, 10))
    gift = _collected_gift(db, clock, tmp_path, date(2026, 4, 10))
    with db.read() as session:
        assert dashboard(session, 2026, today=date(2026, 4, 12)).current.amount_cents == 2000
    ops.reject(_ctx(db), reason="AM04", gift_id=gift)
    with db.read() as session:
        assert dashboard(session, 2026, today=date(2026, 4, 12)).current.amount_cents == 0


def test_creditor_settings_report_every_wrong_field_at_once() -> None:
    from app.core.sepa.creditor import checked

    _clean, problems = checked(
        CreditorSettings(
            name=" ",
            creditor_id="FR73ZZZ123456",
            iban="FR7630006000011234567890180",
            bic="XX",
            prenotice_days=90,
            reject_limit=0,
        )
    )
    assert [p.field for p in problems] == [
        "name",
        "creditor_id",
        "iban",
        "bic",
        "prenotice_days",
        "reject_limit",
    ]
    clean, problems = checked(
        CreditorSettings(
            name="Amis du Parc",
            creditor_id="fr72 zzz 123456",
            iban="FR76 3000 6000 0112 3456 7890 189",
        )
    )
    assert problems == []
    assert (clean.creditor_id, clean.iban, clean.complete) == (
        "FR72ZZZ123456",
        "FR7630006000011234567890189",
        True,
    )


def test_collected_debits_reach_the_annual_receipt_as_prelevement_on_their_date(
    any_db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    import io

    from pypdf import PdfReader

    from app.core.receipts import lifecycle
    from app.core.receipts.issuing import issue
    from app.models import Receipt
    from tests.unit.receipts_helpers import ready_association

    _setup_plan(any_db)
    _notify_and_wait(any_db, clock, tmp_path, date(2026, 4, 5))
    _collected_gift(any_db, clock, tmp_path, date(2026, 4, 5))
    _move(clock, date(2026, 5, 4))
    may = _collected_gift(any_db, clock, tmp_path, date(2026, 5, 5))
    ops.reject(_ctx(any_db), reason="AM04", gift_id=may)
    _move(clock, date(2026, 6, 4))
    _collected_gift(any_db, clock, tmp_path, date(2026, 6, 5))
    _move(clock, date(2027, 1, 15))
    with any_db.write() as session:
        ready_association(session)
        plan = plan_receipts(
            session, year=2026, mode=ReceiptMode.ANNUAL, issued_on=date(2027, 1, 15)
        )
        issue(session, plan, clock=any_db.clock)
    with any_db.read() as session:
        receipt = session.scalars(select(Receipt)).one()
        text = " ".join(
            page.extract_text()
            for page in PdfReader(io.BytesIO(lifecycle.original_pdf(session, receipt))).pages
        )
    assert receipt.total_cents == 3000  # April and June; May was returned
    assert "05/04/2026" in text and "05/06/2026" in text and "05/05/2026" not in text
    assert "☒ Virement, prélèvement, carte bancaire" in text
    assert "☐ Chèque" in text and "☐ Remise d'espèces" in text


def test_access_export_lists_mandates_plans_memberships_iban_whole_only_for_admin(
    db: Database, tmp_path: Path
) -> None:
    import io
    import zipfile

    from pypdf import PdfReader

    from app.core.gdpr.subject_export import write_export
    from app.reports.subject_pdf import render_subject_pdf

    contact, _mandate, _plan = _setup_plan(db)
    exported = {}
    for role in ("dpo", "admin"):
        db.role = role
        with db.write() as session:
            path = write_export(session, contact, tmp_path / role, render_pdf=render_subject_pdf)
        with zipfile.ZipFile(path) as archive:
            data = json.loads(archive.read("donnees.json"))
            assert "mandates.csv" in archive.namelist()
            pdf = archive.read("donnees.pdf")
        exported[role] = data
        (tmp_path / f"{role}.pdf").write_bytes(pdf)
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        assert "Vos adhésions et dons réguliers" in text and "chaque mois, le 5" in text
    assert exported["dpo"]["mandates"][0]["iban"] == "FR14 •••• •••• 2606"
    assert exported["admin"]["mandates"][0]["iban"] == "FR14 2004 1010 0505 0001 3M02 606"
    assert exported["admin"]["regular_gifts"][0]["amount_cents"] == 1500
    assert exported["admin"]["mandates"][0]["rum"].startswith("OBOLE")
    if os.environ.get("OBOLE_SCREENSHOT_DIR"):
        (Path(os.environ["OBOLE_SCREENSHOT_DIR"]) / "subject.pdf").write_bytes(
            (tmp_path / "dpo.pdf").read_bytes()
        )


def test_prenotifications_by_email_then_letters_for_the_others(
    db: Database, clock: FixedClock, tmp_path: Path
) -> None:
    from email import message_from_bytes, policy

    from aiosmtpd.controller import Controller

    from app.core.receipts.mailing import SmtpSettings, save_settings
    from app.models import AuditEvent, ContactEmail
    from tests.unit.test_receipt_mailing import _free_port, _Inbox

    durand, _m, durand_plan = _setup_plan(db)
    martin, _m2, martin_plan = _setup_plan(db, iban=VALID_IBANS["DE"], last="Martin")
    petit, _m3, petit_plan = _setup_plan(db, iban=VALID_IBANS["BE"], last="Petit")
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        with db.write() as session:
            for contact, address in ((durand, "claire@exemple.fr"), (petit, "petit@exemple.fr")):
                session.add(ContactEmail(contact_id=contact, email=address))
            save_settings(
                session,
                SmtpSettings(
                    host="127.0.0.1",
                    port=controller.port,
                    security="none",
                    sender="asso@exemple.fr",
                ),
            )
        inbox.refuse.add("petit@exemple.fr")
        debit = date(2026, 4, 5)
        _move(clock, debit - timedelta(days=20))
        emailed = ops.email_notices(_ctx(db), debit).result
        assert [n.plan_id for n in emailed.sent] == [durand_plan]
        assert [n.plan_id for n, _error in emailed.failed] == [petit_plan]
        assert emailed.without_email == 1
        mail = message_from_bytes(inbox.messages[0], policy=policy.default)
        assert mail["To"] == "claire@exemple.fr" and "prélèvement SEPA" in mail["Subject"]
        body = mail.get_content()
        assert "15,00" in body and "05/04/2026" in body and "FR72ZZZ123456" in body
        letters = ops.prenotify(_ctx(db), debit, tmp_path / "lettres.pdf").result
        assert sorted(n.plan_id for n in letters) == sorted([martin_plan, petit_plan])
    finally:
        controller.stop()
    _move(clock, debit - timedelta(days=2))
    assert len(ops.preview_collection(_ctx(db), debit).debits) == 3
    with db.read() as session:
        notes = session.scalars(
            select(AuditEvent.note).where(AuditEvent.entity == "regular_gift_plan")
        ).all()
    assert (
        sum("par e-mail" in n for n in notes) == 1 and sum("par courrier" in n for n in notes) == 2
    )
