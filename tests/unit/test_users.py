"""Users: argon2id hashes, admin-only management, last admin kept, CLI login."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import run_cli
from app.core.access import users
from app.core.infrastructure.database import Database
from app.errors import Conflict, PermissionDenied
from app.models.user import User


def test_password_is_hashed_with_argon2id(db: Database) -> None:
    with db.write() as session:
        users.create_user(session, "marie", role="admin", password="secret-123")
        stored = session.scalar(select(User.password_hash))
    assert stored is not None and stored.startswith("$argon2id$")
    with db.read() as session:
        assert users.authenticate(session, "marie", "secret-123").role == "admin"
        with pytest.raises(PermissionDenied):
            users.authenticate(session, "marie", "wrong-pass")


def test_only_admins_manage_users_and_the_last_admin_stays(db: Database) -> None:
    with db.write() as session:
        users.create_user(session, "admin", role="admin", password="secret-123")
        users.create_user(session, "paul", role="volunteer", password="secret-123")
    with db.write() as session, pytest.raises(Conflict, match="dernier administrateur"):
        users.deactivate_user(session, "admin")
    with db.write() as session, pytest.raises(Conflict):
        users.update_user(session, "admin", role="dpo")
    db.role = "treasurer"
    with db.write() as session, pytest.raises(PermissionDenied):
        users.create_user(session, "x", role="admin", password="secret-123")


def test_cli_requires_login_when_several_users(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = str(tmp_path / "a.sqlite3")
    monkeypatch.setenv("OBOLE_NEW_PASSWORD", "secret-123")
    assert run_cli(["init", "--db", target]) == 0
    assert run_cli(["user", "add", "chef", "--role", "admin", "--db", target]) == 0
    assert run_cli(["user", "add", "paul", "--role", "volunteer", "--db", target]) == 0
    capsys.readouterr()
    assert run_cli(["user", "list", "--db", target]) == 1
    assert "--user" in capsys.readouterr().err
    monkeypatch.setenv("OBOLE_PASSWORD", "secret-123")
    assert run_cli(["user", "add", "eve", "--db", target, "--user", "paul"]) == 1
    assert "rôle (Bénévole)" in capsys.readouterr().err
    assert run_cli(["user", "list", "--db", target, "--user", "chef", "--json"]) == 0
    assert [u["username"] for u in json.loads(capsys.readouterr().out)] == ["chef", "paul"]
    monkeypatch.setenv("OBOLE_PASSWORD", "bad-password")
    assert run_cli(["info", "--db", target, "--user", "chef"]) == 1
    assert "mot de passe incorrect" in capsys.readouterr().err


def test_the_journal_names_the_logged_in_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.core.opening import open_database
    from app.models.audit import AuditEvent

    target = str(tmp_path / "a.sqlite3")
    monkeypatch.setenv("OBOLE_NEW_PASSWORD", "secret-123")
    run_cli(["init", "--db", target])
    run_cli(["user", "add", "chef", "--role", "admin", "--db", target])
    run_cli(["user", "add", "paul", "--db", target])
    monkeypatch.setenv("OBOLE_PASSWORD", "secret-123")
    assert run_cli(["user", "add", "lea", "--db", target, "--user", "chef"]) == 0
    database = open_database(target)
    with database.read() as session:
        who = session.scalars(
            select(AuditEvent.user).where(AuditEvent.entity == "user", AuditEvent.entity_id == 3)
        ).all()
    database.dispose()
    assert who and set(who) == {"chef"}
