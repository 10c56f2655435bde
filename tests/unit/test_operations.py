"""The operations layer: one function per user action, shared by the GUI and the CLI.

Each test pins a former difference between the two front ends (issue #13, point 1): both
now call the same operation, so the behaviour below holds from either.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.cli import run_cli
from app.core.gifts.recording import GiftDraft
from app.core.infrastructure import backup
from app.core.infrastructure.database import Database
from app.errors import PermissionDenied, ValidationError
from app.models import Contact, ImportBatch, Receipt, RightsRequest
from app.models.enums import PaymentMethod, ReceiptMode, RightsRequestKind
from app.operations import gdpr, gifts, imports, receipts
from app.operations.base import Change, OperationContext
from app.paths import app_paths
from tests.unit.receipts_helpers import donor, gift, ready_association


def _ctx(db: Database) -> OperationContext:
    return OperationContext(db)


def _backups(folder: Path | None, reason: str) -> list[Path]:
    assert folder is not None
    return [e.path for e in backup.list_backups(folder) if e.reason == reason]


def test_receipts_are_planned_again_inside_the_issuing_transaction(db: Database) -> None:
    """The GUI used to issue the preview computed earlier; a gift recorded between the
    preview and the click was left out. Now the plan is made inside the transaction."""
    with db.write() as session:
        ready_association(session)
        gift(session, donor(session, "Alpha"), date(2025, 5, 1), 5000)
    request = receipts.IssueRequest(year=2025, mode=ReceiptMode.ANNUAL)
    preview = receipts.preview(_ctx(db), request).result
    assert len(preview.receipts) == 1
    with db.write() as session:  # recorded after the preview
        gift(session, donor(session, "Beta"), date(2025, 6, 1), 7000)
    outcome = receipts.issue_receipts(_ctx(db), request)
    assert len(outcome.result.result.numbers) == 2
    assert Change.RECEIPTS in outcome.changes
    assert _backups(db.backup_dir, "receipts"), "issuing takes its automatic backup"


def test_refused_issue_takes_no_backup_and_issues_nothing(db: Database) -> None:
    with db.write() as session:
        gift(session, donor(session, "Alpha"), date(2025, 5, 1), 5000)
    db.role = "volunteer"
    with pytest.raises(PermissionDenied):
        receipts.issue_receipts(_ctx(db), receipts.IssueRequest(year=2025))
    assert not (db.backup_dir and db.backup_dir.exists() and _backups(db.backup_dir, "receipts"))


def _contacts_file(tmp_path: Path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text(
        "Civilité;Nom;Prénom;Adresse 1;Code postal;Ville;Courriel\n"
        "Mme;Lefèvre;Hélène;3 rue de l'Église;21000;Dijon;helene@exemple.fr\n",
        encoding="utf-8",
    )
    return path


def test_import_undo_takes_a_backup_from_the_operation(db: Database, tmp_path: Path) -> None:
    """The CLI's `import undo` took no backup, the GUI's did: both call undo_import now."""
    request = imports.ImportRequest(_contacts_file(tmp_path), "contacts")
    imported = imports.import_file(_ctx(db), request).result
    assert imported.report.created == 1 and imported.report.batch_id is not None
    before = len(_backups(db.backup_dir, "import"))
    imports.undo_import(_ctx(db), imported.report.batch_id)
    assert len(_backups(db.backup_dir, "import")) == before + 1
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_cli_import_undo_takes_a_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "asso.sqlite3"
    assert run_cli(["init", "--db", str(target)]) == 0
    file = _contacts_file(tmp_path)
    assert run_cli(["import", "contacts", str(file), "--db", str(target), "--json"]) == 0
    capsys.readouterr()
    folder = app_paths().backup_dir
    before = len(_backups(folder, "import"))
    assert run_cli(["--db", str(target), "--json", "import", "undo", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["contacts_removed"] == 1
    assert len(_backups(folder, "import")) == before + 1


def test_an_import_with_nothing_to_write_takes_no_backup(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "rejected.csv"
    path.write_text("Nom;Prénom;Courriel\n;;pas-un-courriel\n", encoding="utf-8")
    outcome = imports.import_file(_ctx(db), imports.ImportRequest(path, "contacts"))
    assert outcome.result.report.rejected == 1
    assert outcome.result.report.batch_id is None and not outcome.changes
    assert not (db.backup_dir and db.backup_dir.exists() and _backups(db.backup_dir, "import"))
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_erasure_backs_up_then_erases(db: Database) -> None:
    with db.write() as session:
        person = donor(session).id
    outcome = gdpr.erase_person(_ctx(db), person)
    assert Change.CONTACTS in outcome.changes
    assert _backups(db.backup_dir, "anonymisation")


def test_a_request_for_an_unknown_contact_is_refused_on_its_field(db: Database) -> None:
    """Was an SQL IntegrityError ("Erreur inattendue") from the GUI."""
    typed = gdpr.RequestInput(
        kind=RightsRequestKind.ACCESS,
        received_on=date(2026, 3, 1),
        requester="X",
        contact_id=999,
    )
    with pytest.raises(ValidationError) as caught:
        gdpr.log_request(_ctx(db), typed)
    assert caught.value.field == "contact_id" and "999" in str(caught.value)
    with db.read() as session:
        assert session.scalars(select(RightsRequest)).all() == []


def _draft(contact_id: int, **changes: object) -> GiftDraft:
    values: dict[str, object] = {
        "contact_id": contact_id,
        "received_on": date(2026, 3, 2),
        "amount_cents": 50000,
        "payment_method": PaymentMethod.CHEQUE,
        "cheque_number": "7654321",
    }
    values.update(changes)
    return GiftDraft(**values)  # type: ignore[arg-type]


def test_the_receipt_offer_rule_is_the_operations(db: Database) -> None:
    """The rule lived in the gift dialog; it is now part of saving a gift."""
    with db.write() as session:
        ready_association(session)
        asks = donor(session, "Forge")
        asks.receipt_mode = "per_gift"
        yearly = donor(session, "Annuel")
        ids = asks.id, yearly.id
    offered = gifts.save_gift(_ctx(db), _draft(ids[0])).result
    assert offered.created and offered.offer_receipt
    assert not gifts.save_gift(_ctx(db), _draft(ids[1])).result.offer_receipt
    fee = gifts.save_gift(_ctx(db), _draft(ids[0], is_membership_fee=True)).result
    assert not fee.offer_receipt
    again = gifts.save_gift(_ctx(db), _draft(ids[0]), gift_id=offered.gift_id).result
    assert not again.offer_receipt  # an edit is no new gift
    done = gifts.issue_receipt_now(
        _ctx(db),
        contact_id=ids[0],
        year=2026,
        gift_id=offered.gift_id,  # type: ignore[arg-type]
    ).result
    assert done.numbers and done.receipt_id is not None
    with db.read() as session:
        assert session.get(Receipt, done.receipt_id) is not None


def test_a_wrong_gift_saves_nothing_and_names_its_fields(db: Database) -> None:
    with db.write() as session:
        person = donor(session).id
    saved = gifts.save_gift(_ctx(db), _draft(person, amount_cents=0, cheque_number="")).result
    assert saved.gift_id is None
    assert {p.field for p in saved.problems} >= {"amount_cents", "cheque_number"}
