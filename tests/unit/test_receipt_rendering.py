"""Receipt rendering: stable font subsets, one text block, parallel digests, CLI progress."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.clicommands.progress import StderrProgress
from app.core.infrastructure.database import Database
from app.core.receipts import lifecycle
from app.core.receipts.document import Beneficiary, Donor, GiftLine, ReceiptDocument
from app.core.receipts.eligibility import plan_receipts
from app.core.receipts.issuing import issue
from app.models import Receipt
from app.models.enums import ReceiptMode
from app.reports import receipt_batch
from app.reports.receipt_batch import ReceiptRenderer, digest
from app.reports.receipt_pdf import render_receipt
from tests.unit.receipts_helpers import donor, gift, ready_association


def _doc(number: int, name: str = "Mme Hélène DUPONT") -> ReceiptDocument:
    return ReceiptDocument(
        number=f"2025-{number:05d}",
        kind="individual",
        mode="annual",
        issued_on=date(2026, 1, 15),
        period_start=date(2025, 3, 2),
        period_end=date(2025, 11, 20),
        beneficiary=Beneficiary(
            name="Les Amis du Moulin",
            siren="",
            rna="W212004567",
            address_lines=("2 rue du Moulin", "21000 Dijon"),
            purpose="Sauvegarde du moulin",
            category_key="interet_general_association_1901",
            category_label="Œuvre ou organisme d'intérêt général",
            signatory_name="Anne Petit",
            signatory_title="Présidente",
            city="Dijon",
        ),
        donor=Donor(1, False, name, "", "", ("3 rue de l'Église", "21000 DIJON")),
        gifts=(
            GiftLine(1, date(2025, 3, 2), 15000, "cheque", "cash"),
            GiftLine(2, date(2025, 11, 20), 7100 + number, "transfer", "cash"),
        ),
    )


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_rendering_is_the_same_whatever_was_rendered_before() -> None:
    first = render_receipt(_doc(1))
    render_receipt(_doc(2, "M. Łukasz WAŁĘSA-NGUYỄN"))  # characters outside the fixed set
    render_receipt(_doc(3), mark="DUPLICATA")
    assert render_receipt(_doc(1)) == first


def test_names_in_any_script_are_embedded_and_extractable() -> None:
    name = "M. Łukasz WAŁĘSA-NGUYỄN Ørsted Ğ"
    text = _text(render_receipt(_doc(4, name)))
    assert name in text
    assert "Hélène" not in text
    assert "Œuvre ou organisme d'intérêt général" in text
    assert "deux cent vingt et un euros et quatre centimes" in text  # 150 € + 71,04 €


def test_every_line_is_drawn_once_in_one_text_object() -> None:
    pdf = render_receipt(_doc(5))
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    content = page.get_contents()
    assert content is not None
    data = content.get_data()
    assert data.count(b"BT") == data.count(b"ET") == 1
    assert "Numéro d'ordre du reçu : 2025-00005" in page.extract_text()


def test_digests_from_worker_processes_equal_digests_made_here() -> None:
    docs = [_doc(n) for n in range(1, 7)] + [_doc(7, "Zoë Ćosić")]
    with ReceiptRenderer(expected=len(docs), workers=2) as renderer:
        assert renderer.workers == 2
        parallel = renderer.submit(docs, None, None).result()
    assert parallel == [digest(doc, None, None) for doc in docs]


@pytest.mark.allow_log_warnings
def test_a_dead_worker_pool_does_not_stop_the_batch() -> None:
    docs = [_doc(n) for n in range(1, 5)]
    expected = [digest(doc, None, None) for doc in docs]
    with ReceiptRenderer(expected=len(docs), workers=2) as renderer:
        assert renderer.submit(docs[:2], None, None).result() == expected[:2]  # workers are up
        pool = renderer._pool
        assert pool is not None
        for process in list(pool._processes.values()):  # the system kills them
            process.kill()
            process.join()
        assert renderer.submit(docs, None, None).result() == expected


def test_a_large_batch_issued_in_parallel_verifies(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(receipt_batch, "PARALLEL_FROM", 2)
    monkeypatch.setattr(receipt_batch, "usable_cores", lambda: 2)
    with db.write() as session:
        ready_association(session)
        for index in range(5):
            contact = donor(session, f"Donatrice{index}")
            gift(session, contact, date(2025, 2, 1 + index), 1000 + index)
            gift(session, contact, date(2025, 12, 1 + index), 2000 + index)
    with db.write() as session:
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
        numbers = issue(session, plan, clock=db.clock).numbers
    assert len(numbers) == 5
    with db.read() as session:
        receipts = session.scalars(select(Receipt)).all()
        assert all(
            lifecycle.verify(session, receipt) == lifecycle.Reproduction.IDENTICAL
            for receipt in receipts
        )
        assert all(len(receipt.lines) == 2 for receipt in receipts)
        locked = {line.gift_id for receipt in receipts for line in receipt.lines}
        assert len(locked) == 10


def test_duplicate_mark_changes_only_the_mark() -> None:
    doc = _doc(8)
    original, duplicate = render_receipt(doc), render_receipt(doc, mark="DUPLICATA")
    assert original != duplicate
    assert "DUPLICATA" in _text(duplicate)
    assert "DUPLICATA" not in _text(original)
    assert render_receipt(replace(doc, number="2025-00009")) != original


def test_command_line_progress_writes_a_line_every_ten_percent() -> None:
    stream = io.StringIO()
    progress = StderrProgress(stream)
    progress.start(1022, "Émission des reçus fiscaux")
    for _ in range(6):
        progress.advance(200)
    assert stream.getvalue().splitlines() == [
        "Émission des reçus fiscaux…",
        " 19 %",
        " 39 %",
        " 58 %",
        " 78 %",
        " 97 %",
        "100 %",
    ]


def test_a_long_list_of_gifts_continues_on_a_second_page() -> None:
    start = date(2025, 1, 1)
    gifts = tuple(
        GiftLine(n, date.fromordinal(start.toordinal() + n), 500 + n, "direct_debit", "cash")
        for n in range(200)
    )
    doc = replace(_doc(10), gifts=gifts, period_end=gifts[-1].received_on)
    pdf = render_receipt(doc, mark="DUPLICATA")
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) == 2
    first, second = (page.extract_text() for page in pages)
    assert "(1) Pour les dons en nature" in first  # the notes stay on the first page
    assert "Reçu n° 2025-00010 — Mme Hélène DUPONT (suite)" in second
    assert "Date et signature" in second and "Anne Petit, Présidente" in second
    assert "DUPLICATA" in first and "DUPLICATA" in second
    text = first + second
    for line in gifts:
        assert line.received_on.strftime("%d/%m/%Y") in text


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_during_a_batch_issues_nothing_and_leaves_no_gap(db: Database, workers: int) -> None:
    from app.core.progress import CancelToken, RecordingProgress
    from app.core.receipts import issuing
    from app.errors import OperationCancelled
    from app.models import ReceiptSequence

    with db.write() as session:
        ready_association(session)
        for index in range(450):  # three chunks of 200
            gift(session, donor(session, f"D{index:03d}"), date(2025, 6, 1), 1000 + index)
    token = CancelToken()

    class CancelAfterFirstChunk(RecordingProgress):
        def advance(self, steps: int = 1) -> None:
            super().advance(steps)
            token.cancel()  # the user clicks "Annuler" once the first chunk is stored

    with pytest.raises(OperationCancelled), db.write() as session:
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
        issuing.issue(
            session,
            plan,
            clock=db.clock,
            progress=CancelAfterFirstChunk(),
            cancel=token,
            workers=workers,
        )
    with db.read() as session:
        assert session.scalars(select(Receipt)).all() == []
        assert session.scalars(select(ReceiptSequence)).all() == []  # no number was used
    with db.write() as session:  # the next batch starts at 1
        plan = plan_receipts(session, year=2025, mode=ReceiptMode.ANNUAL)
        assert issuing.issue(session, plan, clock=db.clock).numbers[0] == "2025-00001"
