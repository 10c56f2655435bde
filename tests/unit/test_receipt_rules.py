"""The receipt rules of issue #15 (audit against the corrected LEGAL_FR.md), one test per rule,
reading the PDFs' text where the rule is about the page."""

from __future__ import annotations

import io
import json
import re
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.cli import run_cli
from app.core.contacts.editing import AddressDraft, ContactDraft, create_contact
from app.core.contacts.postal import MAX_LINE_LENGTH, address_block
from app.core.demo import demo_organisation
from app.core.infrastructure.database import Database
from app.core.organisation import image_readable
from app.core.receipts import audit, lifecycle
from app.core.receipts.categories import CATEGORIES, SEVENTY_FIVE_PERCENT
from app.core.receipts.eligibility import plan_receipts, receipted_amount
from app.core.receipts.issuing import issue
from app.core.receipts.mailing import SmtpSettings, save_settings, send_receipts
from app.core.receipts.output import write_pdfs, write_print_file
from app.core.receipts.settings import ReceiptSettings, record_waiver, save_receipt_settings
from app.errors import Conflict
from app.models import Contact, OrganisationSettings, Receipt
from app.models.enums import GiftNature, PaymentMethod, ReceiptMode, ReceiptStatus
from app.reports.receipt_pdf import COMPANY_FORM
from tests.unit.receipts_helpers import donor, gift, ready_association

AFTER_2025 = date(2026, 3, 15)  # the tests' clock


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _issue(
    database: Database, *, year: int = 2025, mode: ReceiptMode = ReceiptMode.ANNUAL
) -> list[Receipt]:
    with database.write() as session:
        plan = plan_receipts(session, year=year, mode=mode, issued_on=AFTER_2025)
        ids = issue(session, plan, clock=database.clock).receipt_ids
    with database.read() as session:
        return [session.get(Receipt, i) for i in ids]  # type: ignore[misc]


def _pdf(database: Database, receipt: Receipt) -> str:
    with database.read() as session:
        return _text(lifecycle.original_pdf(session, session.get(Receipt, receipt.id)))


def _receipt_settings(database: Database, **values: object) -> None:
    with database.write() as session:
        save_receipt_settings(session, ReceiptSettings(**values))  # type: ignore[arg-type]


# 1. Signature ------------------------------------------------------------------------------


def test_no_signature_image_and_no_hand_signing_refuses_the_batch(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        session.get(OrganisationSettings, 1).signature_image = None  # type: ignore[union-attr]
        gift(session, donor(session), date(2025, 3, 2), 5000)
    with db.write() as session:
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
        assert any("Je signe les reçus à la main" in p for p in plan.organisation_problems)
        with pytest.raises(Conflict, match="Signature"):
            issue(session, plan, clock=db.clock)


def test_hand_signed_receipts_print_with_room_and_never_leave_as_files(
    db: Database, tmp_path: Path
) -> None:
    with db.write() as session:
        ready_association(session)
        session.get(OrganisationSettings, 1).signature_image = None  # type: ignore[union-attr]
        person = donor(session)
        gift(session, person, date(2025, 3, 2), 5000)
        save_settings(session, SmtpSettings(host="127.0.0.1", sender="tresorier@asso.fr"))
    _receipt_settings(db, hand_signature=True)
    (receipt,) = _issue(db)
    assert "Signature manuscrite" in _pdf(db, receipt)
    with db.read() as session:
        assert write_print_file(session, [receipt.id], tmp_path / "print.pdf") == 1
        with pytest.raises(Conflict, match="Je signe les reçus à la main"):
            write_pdfs(session, [receipt.id], tmp_path / "files")
    assert not (tmp_path / "files").exists() or not list((tmp_path / "files").iterdir())
    with pytest.raises(Conflict, match="Je signe les reçus à la main"), db.write() as session:
        send_receipts(
            session,
            [receipt.id],
            clock=db.clock,
            connector=lambda _s: pytest.fail("no connection for unsigned receipts"),
        )


def test_demo_association_ships_a_specimen_signature() -> None:
    image = demo_organisation().signature_image
    assert image and image_readable(image)
    from app.core.demo import specimen_signature

    assert specimen_signature() == image  # the same drawing, marked SPECIMEN


# 2. Dates ----------------------------------------------------------------------------------


def test_gift_dated_after_the_receipt_date_is_excluded_with_its_reason(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        person = donor(session)
        gift(session, person, date(2025, 12, 3), 5000)
        late = gift(session, person, date(2025, 12, 5), 7000)
        plan = plan_receipts(
            session, year=2025, mode=ReceiptMode.PER_GIFT, issued_on=date(2025, 12, 4)
        )
    assert len(plan.receipts) == 1
    (excluded,) = plan.excluded
    assert excluded.gift_ids == (late.id,)
    assert (
        "05/12/2025" in excluded.reason and "après la date du reçu (04/12/2025)" in excluded.reason
    )


def test_annual_receipts_for_a_year_not_ended_are_refused(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.write() as session:
        ready_association(session)
        gift(session, donor(session), date(2026, 2, 1), 5000)
        plan = plan_receipts(session, year=2026, mode=ReceiptMode.ANNUAL, issued_on=AFTER_2025)
        assert plan.receipts == [] and "l'année n'est pas terminée" in plan.refused
        with pytest.raises(Conflict, match="pas terminée"):
            issue(session, plan, clock=db.clock)
        per_gift = plan_receipts(
            session, year=2026, mode=ReceiptMode.PER_GIFT, issued_on=AFTER_2025
        )
        assert len(per_gift.receipts) == 1  # per-gift receipts remain possible
    db_file = str(db.file)
    db.dispose()
    code = run_cli(["receipts", "issue", "--year", "2099", "--db", db_file])
    assert code == 1
    assert "l'année n'est pas terminée" in capsys.readouterr().err


# 3. IFI (art. 978) -------------------------------------------------------------------------


def test_ifi_box_only_for_cash_and_listed_shares(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        person = donor(session)
        gift(session, person, date(2025, 3, 2), 50000)
        gift(
            session,
            person,
            date(2025, 4, 2),
            20000,
            method=PaymentMethod.IN_KIND,
            nature=GiftNature.IN_KIND,
            description="Un piano droit",
        )
    _receipt_settings(db, ifi_eligible=True)
    cash, in_kind = _issue(db)
    cash_text, kind_text = _pdf(db, cash), _pdf(db, in_kind)
    assert cash.total_cents == 50000 and in_kind.total_cents == 20000
    assert "☒ 978 du CGI" in cash_text
    assert "☐ 978 du CGI" in kind_text and "Un piano droit" in kind_text


# 4. Categories -----------------------------------------------------------------------------


def test_rup_prints_decree_and_journal_dates_which_are_required(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        session.get(OrganisationSettings, 1).receipt_category = "rup"  # type: ignore[union-attr]
        gift(session, donor(session), date(2025, 3, 2), 5000)
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
        assert any("décret" in p for p in plan.organisation_problems)
    _receipt_settings(db, rup_decree_on="12/03/1990", rup_jo_on="20/03/1990")
    (receipt,) = _issue(db)
    text = " ".join(_pdf(db, receipt).split())
    assert (
        "reconnue d'utilité publique par décret en date du 12/03/1990 publié au Journal officiel "
        "du 20/03/1990" in text
    )


def test_category_list_is_complete_and_autre_prints_its_wording(db: Database) -> None:
    assert "aide_victimes_violences" in SEVENTY_FIVE_PERCENT
    for key in ("fonds_de_dotation", "geiq", "anr", "musee_de_france", "gestion_forestiere"):
        assert key in CATEGORIES
    with db.write() as session:
        ready_association(session)
        session.get(OrganisationSettings, 1).receipt_category = "autre"  # type: ignore[union-attr]
        gift(session, donor(session), date(2025, 3, 2), 5000)
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
        assert any("Autres" in p for p in plan.organisation_problems)
    _receipt_settings(db, other_wording="Société de secours minière")
    (receipt,) = _issue(db)
    assert "Autres (précisez) : Société de secours minière" in _pdf(db, receipt)


# 5. Companies (16216) ----------------------------------------------------------------------


def test_company_receipt_is_cut_at_the_financial_year_end(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        session.get(OrganisationSettings, 1).applies_75_percent = True  # type: ignore[union-attr]
        company = donor(session, "Forge", company=True)
        company.fiscal_year_end = "06-30"
        gift(session, company, date(2025, 3, 1), 10000)
        gift(session, company, date(2025, 9, 1), 20000)
        gift(session, company, date(2025, 11, 1), 30000)
    first, second = _issue(db)
    assert (first.period_start, first.period_end) == (date(2025, 3, 1), date(2025, 3, 1))
    assert (second.period_start, second.period_end) == (date(2025, 9, 1), date(2025, 11, 1))
    text = _pdf(db, second)
    assert f"Cerfa n° {COMPANY_FORM}" in text and COMPANY_FORM == "16216*02"
    assert "Exercice de l'entreprise donatrice : du 01/07/2025 au 30/06/2026" in text
    assert "14/10/2025" not in text  # the individuals' split line, never on a 16216
    flat = " ".join(text.split())
    for note in ("(1) Dons en nature", "(2) Les dons en nature refusés", "(3) La description",
                 "(4) Plusieurs cases", "ne peut pas chevaucher deux exercices"):  # fmt: skip
        assert note in flat, note


# 6. Counterparts ---------------------------------------------------------------------------


def test_counterpart_cap_counts_the_whole_year_across_per_gift_receipts(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        person = donor(session)
        gift(session, person, date(2025, 2, 1), 15000, counterpart=3000)
        gift(session, person, date(2025, 3, 1), 15000, counterpart=3000)
    assert len(_issue(db, mode=ReceiptMode.PER_GIFT)) == 2  # 60 EUR: admissible
    with db.write() as session:
        person = session.scalars(select(Contact)).one()
        third = gift(session, person, date(2025, 4, 1), 15000, counterpart=3000)
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.PER_GIFT, issued_on=AFTER_2025)
    assert plan.receipts == []
    (excluded,) = plan.excluded
    assert excluded.gift_ids == (third.id,)
    assert "DUPONT Hélène" in excluded.reason and "90,00\u00a0€" in excluded.reason


def test_receipted_amount_is_the_whole_gift_when_the_counterpart_is_admissible(
    db: Database,
) -> None:
    with db.write() as session:
        ready_association(session)
        item = gift(session, donor(session), date(2025, 2, 1), 10000, counterpart=2000)
        assert receipted_amount(item) == 10000
    (receipt,) = _issue(db)
    assert receipt.total_cents == 10000 and "***100,00***" in _pdf(db, receipt)


# 7. Identity -------------------------------------------------------------------------------


def test_long_name_is_saved_and_printed_in_full_labels_only_are_shortened(
    db: Database,
) -> None:
    draft = ContactDraft(
        civility="Mme",
        first_name="Françoise-Éléonore",
        last_name="D'Aubigné-Lœuillet",
        address=AddressDraft(line4="14 avenue des Tilleuls", postcode="21000", city="Dijon"),
    )
    with db.write() as session:
        ready_association(session)
        contact = create_contact(session, draft, today=AFTER_2025)
        gift(session, contact, date(2025, 5, 1), 5000)
    label = address_block(draft.address_parts())
    assert all(len(line) <= MAX_LINE_LENGTH for line in label)
    assert label[0] == "Mme F-É D'AUBIGNÉ-LŒUILLET"
    (receipt,) = _issue(db)
    text = _pdf(db, receipt)
    assert "Mme Françoise-Éléonore D'AUBIGNÉ-LŒUILLET" in text
    assert "14 avenue des Tilleuls" in text


# 8. Gifts in kind and waived expenses ------------------------------------------------------


def test_in_kind_description_follows_autres(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        gift(session, donor(session), date(2025, 5, 1), 30000, method=PaymentMethod.IN_KIND,
             nature=GiftNature.IN_KIND, description="3 tableaux de Jean Dubois")  # fmt: skip
    (receipt,) = _issue(db)
    text = " ".join(_pdf(db, receipt).split())
    assert "☒ Autres (4)" in text
    assert "Autres, précisez : 3 tableaux de Jean Dubois" in text


def test_waived_expenses_need_the_written_waiver(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        expense = gift(session, donor(session), date(2025, 5, 1), 8000,
                       method=PaymentMethod.CASH, nature=GiftNature.WAIVED_EXPENSES)  # fmt: skip
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
    assert plan.receipts == [] and "renonciation" in plan.excluded[0].reason
    with db.write() as session:
        record_waiver(session, expense.id, signed_on=date(2025, 5, 3), reference="Lettre n° 12")
    (receipt,) = _issue(db)
    assert "☒ Frais engagés par les bénévoles" in _pdf(db, receipt)


# 9. Layout ---------------------------------------------------------------------------------


def _words(pdf: bytes, tmp_path: Path) -> list[tuple[int, float, float, float, str]]:
    """(page, xMin, xMax, yMin, word) of every word, from pdftotext -bbox."""
    source = tmp_path / "r.pdf"
    source.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(source), "-"], capture_output=True, text=True, check=True
    ).stdout
    words, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*)</word>', line
        )
        if found:
            x0, y0, x1, word = found.groups()
            words.append((page, float(x0), float(x1), float(y0), word))
    return words


def test_large_amounts_do_not_overlap_and_pages_are_numbered(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        ready_association(session)
        person = donor(session)
        for index in range(240):
            cents = 123_456_700 if index % 2 else 150
            gift(session, person, date(2025, 1, 1 + index % 28), cents)
    (receipt,) = _issue(db)
    with db.read() as session:
        pdf = lifecycle.original_pdf(session, session.get(Receipt, receipt.id))
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pages >= 2
    text = _text(pdf)
    for number in range(1, pages + 1):
        assert re.search(rf"page {number}/\s*{pages}\b", text), number
    words = _words(pdf, tmp_path)
    for i, (page, x0, x1, y0, _w) in enumerate(words):
        for other in words[i + 1 :]:
            if other[0] == page and abs(other[3] - y0) < 1:
                assert other[1] >= x1 - 0.5 or other[2] <= x0 + 0.5, (_w, other[4])
    created = PdfReader(io.BytesIO(pdf)).metadata.creation_date
    assert created is not None and created.date() == date(2026, 3, 15)


def test_duplicate_and_cancelled_copies_say_when(db: Database, clock) -> None:  # type: ignore[no-untyped-def]
    with db.write() as session:
        ready_association(session)
        gift(session, donor(session), date(2025, 5, 1), 5000)
    (receipt,) = _issue(db)
    clock.current = datetime(2026, 4, 2, 9, 0, tzinfo=UTC)
    with db.write() as session:
        duplicate = _text(lifecycle.reprint(session, receipt.id, clock=clock))
        lifecycle.cancel(session, receipt.id, reason="erreur de montant", clock=clock)
    with db.write() as session:
        cancelled = _text(lifecycle.reprint(session, receipt.id, clock=clock))
    assert "DUPLICATA imprimé le 02/04/2026 (original émis le 15/03/2026)" in duplicate
    assert "ANNULÉ le 02/04/2026 — motif : erreur de montant" in cancelled


# 10. Cancel then issue = replacement -------------------------------------------------------


def test_cancel_then_issue_is_recorded_as_a_replacement(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        gift(session, donor(session), date(2025, 5, 1), 5000)
    (old,) = _issue(db)
    with db.write() as session:
        lifecycle.cancel(session, old.id, reason="adresse erronée", clock=db.clock)
    (new,) = _issue(db)
    assert new.replaces_id == old.id
    assert f"Ce reçu remplace le reçu n° {old.number}, annulé." in _pdf(db, new)
    with db.read() as session:
        log = {line.number: line for line in audit.number_log(session, 2025)}
        assert session.get(Receipt, old.id).status == ReceiptStatus.CANCELLED  # type: ignore[union-attr]
    assert log[old.number].replaced_by == new.number and log[new.number].replaces == old.number


# 11. Membership fees -----------------------------------------------------------------------


def test_membership_fees_only_with_the_setting(db: Database) -> None:
    with db.write() as session:
        ready_association(session)
        fee = gift(session, donor(session), date(2025, 1, 5), 3000)
        fee.is_membership_fee = True
        assert plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL).receipts == []
    _receipt_settings(db, membership_fees=True)
    with db.read() as session:
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
    assert [r.gift_ids for r in plan.receipts] == [(fee.id,)]


# 12. Art. 222 bis --------------------------------------------------------------------------


def test_declaration_states_its_basis_and_offers_both_figures(
    db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.write() as session:
        ready_association(session)
        gift(session, donor(session), date(2025, 5, 1), 5000)
    _issue(db)  # gifts of 2025, receipt delivered on 15/03/2026
    with db.read() as session:
        for_2025, for_2026 = audit.declaration(session, 2025), audit.declaration(session, 2026)
    assert (for_2025.receipts, for_2025.total_cents) == (1, 5000)
    assert (for_2025.delivered_receipts, for_2025.delivered_total_cents) == (0, 0)
    assert (for_2026.receipts, for_2026.delivered_receipts) == (0, 1)
    assert "dons reçus au cours de l'année 2025" in for_2025.basis_received
    assert "reçus délivrés au cours de l'année 2026" in for_2026.basis_delivered
    db_file = str(db.file)
    db.dispose()
    assert run_cli(["receipts", "declaration", "--year", "2025", "--db", db_file, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["basis"].startswith("dons reçus") and data["delivered"]["receipts"] == 0
