"""One error path: what the user is told for each kind of failure (French, no SQL)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from app.core.infrastructure.database import Database
from app.errors import PermissionDenied, StorageError
from app.models import RightsRequest
from app.models.enums import RightsRequestKind
from app.ui.shell.errors import explain, show_error


def _foreign_key_violation(db: Database) -> IntegrityError:
    from datetime import date

    try:
        with db.write() as session:
            session.add(
                RightsRequest(
                    kind=RightsRequestKind.ACCESS,
                    received_on=date(2026, 1, 1),
                    due_on=date(2026, 2, 1),
                    requester="x",
                    contact_id=999,
                )
            )
    except IntegrityError as exc:
        return exc
    raise AssertionError("no foreign key violation")


def test_a_constraint_failure_is_explained_without_sql(db: Database, shown) -> None:  # type: ignore[no-untyped-def]
    exc = _foreign_key_violation(db)
    explanation = explain(exc)
    assert explanation is not None
    assert "n'existe pas" in explanation.what and explanation.todo
    show_error(None, exc)
    assert shown.kinds() == ["warning"]
    text = shown.texts()[0]
    assert "INSERT" not in text and "FOREIGN KEY" not in text.upper() and "sqlite" not in text


def test_storage_failures_are_explained_by_their_code(tmp_path: Path, shown) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "ro.sqlite3"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(sqlite3.Error) as caught:
        sqlite3.connect(f"file:{path}?mode=ro", uri=True).execute("INSERT INTO t VALUES (1)")
    show_error(None, caught.value)
    assert shown.kinds() == ["warning"] and "lecture seule" in shown.texts()[0]


@pytest.mark.allow_log_warnings
def test_user_errors_say_what_to_do_and_bugs_open_the_crash_dialog(shown) -> None:  # type: ignore[no-untyped-def]
    show_error(None, PermissionDenied("Votre rôle (Bénévole) ne permet pas de restaurer."))
    show_error(None, StorageError("Le disque est plein."))
    show_error(None, ZeroDivisionError("a bug"))
    assert shown.kinds() == ["warning", "warning", "crash"]
    assert "administrateur" in shown.texts()[0]
    assert "ZeroDivisionError" in shown.texts()[2]
