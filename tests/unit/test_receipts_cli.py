"""`obole receipts ...`: year-end issue with files and print file, declaration, lifecycle."""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.cli import run_cli
from app.core.opening import open_database
from app.core.receipts.output import write_pdfs, write_print_file
from app.errors import Conflict
from app.models import Contact, Receipt
from app.reports import receipt_batch
from tests.unit.receipts_helpers import donor, gift, ready_association


@pytest.fixture
def asso(tmp_path: Path) -> Path:
    """A database with three donors for 2025 (one company) and one without an address."""
    path = tmp_path / "asso.sqlite3"
    database = open_database(str(path))
    with database.write() as session:
        ready_association(session)
        for name in ("Alpha", "Bravo"):
            contact = donor(session, name)
            gift(session, contact, date(2025, 3, 1), 5000)
            gift(session, contact, date(2025, 11, 2), 2500)
        gift(session, donor(session, "Forge", company=True), date(2025, 6, 1), 100_000)
        gift(session, donor(session, "Sansadresse", address=False), date(2025, 6, 1), 1000)
    database.dispose()
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = run_cli([*args, "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def test_year_end_issue_writes_checked_files_and_one_print_file(
    asso: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, preview = _run(
        capsys, "receipts", "issue", "--year", "2025", "--dry-run", "--db", str(asso)
    )
    assert code == 0 and preview["receipts"] == 3 and preview["issued"] == 0
    assert preview["excluded"][0]["donor"] == "SANSADRESSE Hélène"
    out, merged = tmp_path / "recus", tmp_path / "impression.pdf"
    code, data = _run(
        capsys, "receipts", "issue", "--year", "2025", "--mode", "annual",
        "--out", str(out), "--merged", str(merged), "--db", str(asso),
    )  # fmt: skip
    assert code == 0 and data["issued"] == 3
    assert data["numbers"] == ["2025-00001", "2025-00002", "2025-00003"]
    database = open_database(str(asso))
    with database.read() as session:
        recorded = dict(session.execute(select(Receipt.number, Receipt.pdf_sha256)).all())
    database.dispose()
    for number, digest in recorded.items():
        assert hashlib.sha256((out / f"recu-{number}.pdf").read_bytes()).hexdigest() == digest
    pages = PdfReader(io.BytesIO(merged.read_bytes())).pages
    assert len(pages) == 3
    text = " ".join(page.extract_text() for page in pages)
    assert all(number in text for number in recorded) and "16216" in text
    assert str(merged) in data["files"]

    code, figures = _run(capsys, "receipts", "declaration", "--year", "2025", "--db", str(asso))
    assert code == 0
    assert (figures["receipts"], figures["total_cents"]) == (3, 115_000)
    assert (figures["individual"], figures["company"], figures["gaps"]) == (2, 1, [])


def test_replace_then_log_and_verify(
    asso: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _run(capsys, "receipts", "issue", "--year", "2025", "--db", str(asso))
    code, data = _run(
        capsys, "receipts", "replace", "2025-00001", "--reason", "adresse corrigée",
        "--out", str(tmp_path / "new"), "--db", str(asso),
    )  # fmt: skip
    assert code == 0 and data["number"] == "2025-00004"
    assert (tmp_path / "new" / "recu-2025-00004.pdf").exists()
    code, _ = _run(
        capsys, "receipts", "reprint", "2025-00001", "--out", str(tmp_path / "dup.pdf"),
        "--db", str(asso),
    )  # fmt: skip
    assert "ANNULÉ" in PdfReader(str(tmp_path / "dup.pdf")).pages[0].extract_text()
    code, log = _run(
        capsys, "receipts", "log", "--year", "2025", "--out", str(tmp_path / "log.csv"),
        "--db", str(asso),
    )  # fmt: skip
    assert code == 0 and log["lines"] == 4
    code, verified = _run(capsys, "receipts", "verify", "2025-00004", "--db", str(asso))
    assert code == 0 and verified["valid"] is True


def test_missing_mentions_refuse_the_issue_and_say_which(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bare.sqlite3"
    database = open_database(str(path))
    with database.write() as session:
        gift(session, donor(session), date(2025, 1, 5), 5000)
    database.dispose()
    code = run_cli(["receipts", "issue", "--year", "2025", "--db", str(path)])
    captured = capsys.readouterr()
    assert code != 0
    message = captured.err + captured.out
    assert "mentions obligatoires manquantes" in message and "Catégorie" in message


def test_files_that_no_longer_match_their_issue_are_refused(
    asso: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _run(capsys, "receipts", "issue", "--year", "2025", "--db", str(asso))
    database = open_database(str(asso))
    with database.write() as session:  # someone edits a stored snapshot behind Obole's back
        receipt = session.scalars(select(Receipt).where(Receipt.number == "2025-00002")).one()
        receipt.snapshot = {**receipt.snapshot, "donor": {**receipt.snapshot["donor"], "name": "X"}}
    monkeypatch.setattr(receipt_batch, "PARALLEL_FROM", 1)  # the check also holds in workers
    with database.read() as session:
        ids = list(session.scalars(select(Receipt.id)))
        with pytest.raises(Conflict, match="2025-00002"):
            write_pdfs(session, ids, tmp_path / "out")
        assert list((tmp_path / "out").iterdir()) == []  # no file is left half-trusted
        with pytest.raises(Conflict, match="2025-00002"):
            write_print_file(session, ids, tmp_path / "print.pdf")
        assert not (tmp_path / "print.pdf").exists()
    database.dispose()


def test_during_the_year_only_donors_who_asked_get_a_receipt_per_gift(
    asso: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = open_database(str(asso))
    with database.write() as session:
        firm = session.scalars(
            select(Contact).where(Contact.organisation_name == "Forge SARL")
        ).one()
        firm.receipt_mode = "per_gift"
    database.dispose()
    code, data = _run(
        capsys, "receipts", "issue", "--year", "2025", "--mode", "per_gift", "--requested-only",
        "--db", str(asso),
    )  # fmt: skip
    assert code == 0 and data["issued"] == 1 and data["excluded"] == []  # the others wait
    code, data = _run(capsys, "receipts", "issue", "--year", "2025", "--db", str(asso))
    assert code == 0 and data["issued"] == 2  # Alpha and Bravo: one annual receipt each
    assert (
        run_cli(["receipts", "issue", "--year", "2025", "--requested-only", "--db", str(asso)]) == 2
    )
