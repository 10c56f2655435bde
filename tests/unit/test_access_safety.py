"""Who acts, what the journal keeps, demo guard, erasure residue, receipt PDFs (#14).

Categories (for the issue's table): roles, journal, erasure, receipts PDFs.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import run_cli
from app.core.access import session_login, users
from app.core.clock import FixedClock
from app.core.demo import generate_demo
from app.core.gdpr import anonymise, requests
from app.core.infrastructure import backup as bk
from app.core.infrastructure.database import Database
from app.core.opening import open_database
from app.errors import Conflict, PermissionDenied
from app.models import Receipt, RightsRequest
from app.models.audit import AuditEvent
from app.models.enums import RightsRequestKind
from app.paths import atomic_write_bytes
from tests.unit.receipts_helpers import donor, gift, ready_association


def _journal(target: str) -> list[AuditEvent]:
    database = open_database(target)
    with database.read() as session:
        rows = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    database.dispose()
    return rows


@pytest.fixture
def two_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    target = str(tmp_path / "a.sqlite3")
    monkeypatch.setenv("OBOLE_NEW_PASSWORD", "secret-123")
    assert run_cli(["init", "--db", target]) == 0
    assert run_cli(["user", "add", "chef", "--role", "admin", "--db", target]) == 0
    assert run_cli(["user", "add", "paul", "--role", "volunteer", "--db", target]) == 0
    monkeypatch.delenv("OBOLE_NEW_PASSWORD")
    return target


# --- roles: identity --------------------------------------------------------------------------- -


def test_without_login_the_journal_names_the_os_user_and_unknown_names_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = str(tmp_path / "a.sqlite3")
    monkeypatch.setenv("OBOLE_NEW_PASSWORD", "secret-123")
    assert run_cli(["init", "--db", target]) == 0
    assert run_cli(["user", "add", "marie", "--role", "admin", "--db", target]) == 0
    who = {row.user for row in _journal(target) if row.entity == "user"}
    assert who == {f"os:{getpass.getuser()}"}
    capsys.readouterr()
    assert run_cli(["info", "--db", target, "--user", "inconnu"]) == 1
    assert "Utilisateur inconnu" in capsys.readouterr().err
    monkeypatch.setenv("OBOLE_PASSWORD", "secret-123")
    assert run_cli(["user", "add", "lea", "--db", target, "--user", "marie"]) == 0
    assert _journal(target)[-1].user == "marie"
    monkeypatch.setenv("OBOLE_PASSWORD", "mauvais-mdp")
    assert run_cli(["info", "--db", target, "--user", "marie"]) == 1  # a name is always checked


def test_missing_password_without_a_terminal_is_a_clear_message(
    two_users: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OBOLE_PASSWORD", raising=False)
    capsys.readouterr()
    assert run_cli(["info", "--db", two_users, "--user", "chef"]) == 1  # stdin is not a tty
    err = capsys.readouterr().err
    assert "OBOLE_PASSWORD" in err and "Traceback" not in err and "EOFError" not in err


def test_failed_passwords_are_journaled_and_slowed_down(db: Database, clock: FixedClock) -> None:
    with db.write() as session:
        users.create_user(session, "chef", role="admin", password="secret-123")
        users.create_user(session, "paul", role="volunteer", password="secret-123")
    waits = []
    for _attempt in range(5):
        with pytest.raises(PermissionDenied, match="incorrect"):
            session_login.log_in(db, "chef", "wrong-password")
        try:
            with db.read() as session:
                failures, _last = session_login.recent_failures(session, "chef", now=clock.now())
            if session_login.delay_after(failures) == 0:
                waits.append(0)
                continue
            session_login.log_in(db, "chef", "secret-123")
            pytest.fail("a login right after repeated failures must be refused")
        except PermissionDenied as refused:  # too soon: the password is not even checked
            assert "réessayez dans" in str(refused)
            waits.append(int(str(refused).split("dans ")[1].split(" ")[0]))
            clock.current += timedelta(seconds=waits[-1])
    assert waits == [0, 0, 1, 2, 4]
    assert session_login.log_in(db, "chef", "secret-123").username == "chef"
    with db.read() as session:
        failed = session.scalars(
            select(AuditEvent).where(AuditEvent.field == session_login.FAILED_FIELD)
        ).all()
    assert len(failed) == 5 and all(row.new == "chef" for row in failed)
    db.user = "x"
    with pytest.raises(PermissionDenied, match="incorrect"):  # counter reset by the success
        session_login.log_in(db, "chef", "wrong-password")
    assert session_login.delay_after(20) == session_login.MAX_DELAY_SECONDS


def test_user_passwd_is_journaled(two_users: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OBOLE_PASSWORD", "secret-123")
    monkeypatch.setenv("OBOLE_NEW_PASSWORD", "nouveau-secret")
    assert run_cli(["user", "passwd", "paul", "--db", two_users, "--user", "chef"]) == 0
    row = _journal(two_users)[-1]
    assert (row.entity, row.user) == ("user", "chef") and "Mot de passe de paul" in row.note
    assert "nouveau-secret" not in json.dumps([r.new for r in _journal(two_users)])


# --- roles: changes made outside Obole --------------------------------------------------------- -


def test_a_role_changed_in_the_file_is_reported_at_login(
    two_users: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("OBOLE_PASSWORD", "secret-123")
    capsys.readouterr()
    assert run_cli(["info", "--db", two_users, "--user", "paul"]) == 0
    assert "hors d'Obole" not in capsys.readouterr().err
    connection = sqlite3.connect(two_users)
    connection.execute("UPDATE app_user SET role = 'admin' WHERE username = 'paul'")
    connection.commit()
    connection.close()
    assert run_cli(["info", "--db", two_users, "--user", "paul"]) == 0
    err = capsys.readouterr().err
    assert "paul" in err and "hors d'Obole" in err and "volunteer" in err


def test_readme_and_users_dialog_say_what_roles_cannot_do() -> None:
    root = Path(__file__).resolve().parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "cannot hold" in readme and "opens the SQLite file" in readme
    dialog = (root / "app" / "ui" / "protect_dialogs.py").read_text(encoding="utf-8")
    assert "pas contre" in dialog and "ouvre directement le fichier" in dialog


# --- demo guard ----------------------------------------------------------------------------------


def test_demo_data_only_into_an_empty_database_by_an_admin(
    db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db.role = "volunteer"
    with db.write() as session, pytest.raises(PermissionDenied):
        generate_demo(session, contacts=3)
    db.role = "admin"
    with db.write() as session:
        generate_demo(session, contacts=3)
    with db.write() as session, pytest.raises(Conflict, match="base neuve et vide"):
        generate_demo(session, contacts=3)
    target = str(tmp_path / "prod.sqlite3")
    assert run_cli(["init", "--db", target, "--demo", "4"]) == 0
    capsys.readouterr()
    assert run_cli(["init", "--db", target, "--demo", "200"]) == 1
    assert "base neuve et vide" in capsys.readouterr().err
    monkeypatch.setenv("OBOLE_NEW_PASSWORD", "secret-123")
    empty = str(tmp_path / "vide.sqlite3")
    assert run_cli(["init", "--db", empty]) == 0
    for name, role in (("chef", "admin"), ("paul", "volunteer")):
        assert run_cli(["user", "add", name, "--role", role, "--db", empty]) == 0
    monkeypatch.setenv("OBOLE_PASSWORD", "secret-123")
    capsys.readouterr()
    assert run_cli(["init", "--db", empty, "--demo", "5", "--user", "paul"]) == 1
    assert "rôle" in capsys.readouterr().err


# --- journal across a restore --------------------------------------------------------------------


def test_restore_keeps_the_journal_and_records_itself(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "b"
    with db.write() as session:
        ready_association(session)
        donor(session, "Avant")
    saved = bk.automatic_backup(db.engine, folder, reason="manual")
    assert saved is not None
    with db.write() as session:
        donor(session, "Après")
    with db.read() as session:
        before = [(r.entity, r.note, r.new) for r in session.scalars(select(AuditEvent))]
    file = db.file
    assert file is not None
    db.dispose()
    bk.restore_sqlite(saved.path, file, folder, user="chef")
    rows = _journal(str(file))
    assert [(r.entity, r.note, r.new) for r in rows[: len(before)]] == before
    last = rows[-1]
    assert (last.entity, last.field, last.user) == ("database", "restore", "chef")
    assert str(saved.path.resolve()) in last.note and last.new == str(saved.path.resolve())
    assert any("Après" in (r.new or "") for r in rows)  # the newer events were carried over


# --- erasure -------------------------------------------------------------------------------------


def test_erasure_preview_names_the_backups_and_closed_requests_are_pseudonymised(
    db: Database,
) -> None:
    with db.write() as session:
        ready_association(session)
        person = donor(session, "Dupont")
        preview = anonymise.preview_erasure(session, person.id)
        assert any("sauvegardes" in what for what, _why in preview.kept)
        request = requests.log_request(
            session,
            kind=RightsRequestKind.ERASURE,
            received_on=date(2026, 3, 1),
            requester="Jeanne Dupont",
            contact_id=person.id,
            identity_check="Carte d'identité n° 123456",
            details="Jeanne Dupont demande l'effacement",
        )
        anonymise.anonymise(session, person.id, clock=db.clock)
        requests.close(session, request.id, closed_on=date(2026, 3, 2), response="Effacé")
    with db.read() as session:
        kept = session.get(RightsRequest, request.id)
        assert kept is not None and "pseudonymisé" in kept.requester
        assert "Jeanne" not in kept.details and "123456" not in kept.identity_check
        journal = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "rights_request")
        ).all()
        text = json.dumps([(r.old, r.new, r.note) for r in journal], ensure_ascii=False)
    assert "Jeanne" not in text and "123456" not in text
    assert (kept.kind, kept.received_on, kept.response) == (
        RightsRequestKind.ERASURE,
        date(2026, 3, 1),
        "Effacé",
    )


# --- receipts PDFs -------------------------------------------------------------------------------


def test_an_interrupted_write_never_leaves_a_truncated_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "recu.pdf"
    target.write_bytes(b"%PDF old complete file")

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # stands for the kill between write and rename

    monkeypatch.setattr("app.paths.os.replace", killed)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"%PDF new")
    assert target.read_bytes() == b"%PDF old complete file"
    assert [p.name for p in tmp_path.iterdir()] == ["recu.pdf"]


def test_receipts_pdf_rewrites_the_originals_checked_against_their_digests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "asso.sqlite3"
    database = open_database(str(target))
    with database.write() as session:
        ready_association(session)
        for name in ("Alpha", "Bravo"):
            gift(session, donor(session, name), date(2025, 3, 1), 5000)
    database.dispose()
    assert run_cli(["receipts", "issue", "--year", "2025", "--db", str(target)]) == 0
    out = tmp_path / "recus"
    out.mkdir()
    (out / "recu-2025-00001.pdf").write_bytes(b"")  # what a kill -9 left
    capsys.readouterr()
    code = run_cli(["receipts", "pdf", "--year", "2025", "--out", str(out), "--db", str(target)])
    assert code == 0
    database = open_database(str(target))
    with database.read() as session:
        recorded = dict(session.execute(select(Receipt.number, Receipt.pdf_sha256)).all())
    database.dispose()
    assert len(recorded) == 2
    for number, digest in recorded.items():
        data = (out / f"recu-{number}.pdf").read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest and b"DUPLICATA" not in data
    assert sorted(p.name for p in out.iterdir()) == sorted(f"recu-{n}.pdf" for n in recorded)
