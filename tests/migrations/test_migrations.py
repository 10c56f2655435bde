"""Schema migrations: every saved schema upgrades, newer schemas are refused untouched."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from app import db as dbmod
from app.core.infrastructure.database import Database
from app.core.opening import open_database
from app.errors import SchemaTooNew
from app.models import Base, Contact, Gift

SCHEMAS = sorted(
    (Path(__file__).resolve().parents[1] / "fixtures" / "schemas").glob("schema_*.sqlite3")
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_there_is_a_fixture_for_every_revision_but_the_newest_may_be_missing() -> None:
    assert SCHEMAS, "tests/fixtures/schemas must hold at least the first schema"


@pytest.mark.parametrize("fixture", SCHEMAS, ids=lambda p: p.stem)
def test_saved_database_of_each_schema_upgrades_and_keeps_its_data(
    fixture: Path, tmp_path: Path
) -> None:
    copy = tmp_path / fixture.name
    shutil.copyfile(fixture, copy)
    with sqlite3.connect(copy) as raw:
        contacts_before = raw.execute("SELECT count(*) FROM contact").fetchone()[0]
        gifts_before = raw.execute("SELECT count(*), sum(amount_cents) FROM gift").fetchone()
    database = open_database(str(copy), backup_dir=tmp_path / "backups")
    assert dbmod.current_revision(database.engine) == dbmod.head_revision()
    with database.read() as session:
        assert session.scalar(select(func.count()).select_from(Contact)) == contacts_before
        assert (
            tuple(session.execute(select(func.count(), func.sum(Gift.amount_cents))).one())
            == gifts_before
        )
    database.dispose()
    older = fixture.stem.removeprefix("schema_") != dbmod.head_revision()
    assert bool(list((tmp_path / "backups").glob("*.sqlite3"))) == older


def test_an_older_database_is_backed_up_then_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    scripts = tmp_path / "migrations"
    shutil.copytree(dbmod.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = dbmod.head_revision()
    (scripts / "versions" / "9999_test.py").write_text(
        "import sqlalchemy as sa\nfrom alembic import op\n"
        f"revision = '9999'\ndown_revision = {head!r}\nbranch_labels = None\ndepends_on = None\n"
        "def upgrade():\n    op.create_table('test_extra', sa.Column('id', sa.Integer, "
        "primary_key=True))\n"
        "def downgrade():\n    op.drop_table('test_extra')\n"
    )
    monkeypatch.setattr(dbmod, "MIGRATIONS_DIR", scripts)
    with sqlite3.connect(db_path) as raw:
        raw.execute(
            "INSERT INTO contact (kind, civility, first_name, last_name, birth_name, "
            "organisation_name, legal_form, siren, notes, status, restricted, "
            "restricted_reason, search_text, sort_name, created_at, updated_at) VALUES "
            "('person', '', 'Anne', 'Old', '', '', '', '', '', 'active', 0, '', '', '', "
            "'2025-01-01 00:00:00', '2025-01-01 00:00:00')"
        )
    database = open_database(str(db_path), backup_dir=tmp_path / "backups")
    assert dbmod.current_revision(database.engine) == "9999"
    with database.read() as session:
        assert session.scalars(select(Contact.last_name)).all() == ["Old"]
    database.dispose()
    (backup,) = (tmp_path / "backups").glob("*migration.sqlite3")
    with sqlite3.connect(backup) as raw:
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
        assert raw.execute("SELECT last_name FROM contact").fetchall() == [("Old",)]


def test_a_newer_database_is_refused_and_left_untouched(db_path: Path, tmp_path: Path) -> None:
    with sqlite3.connect(db_path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = 'zz_future'")
    before = _sha(db_path)
    with pytest.raises(SchemaTooNew, match="plus récente"):
        open_database(str(db_path), backup_dir=tmp_path / "backups")
    assert _sha(db_path) == before
    assert not (tmp_path / "backups").exists()


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as raw:
        raw.execute("CREATE TABLE clients (id INTEGER)")
    with pytest.raises(Exception, match="pas une base Obole"):
        open_database(str(other))


def test_migrations_match_the_models(any_db: Database) -> None:
    with any_db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_receipts_issued_before_get_the_digest_of_their_snapshot(tmp_path: Path) -> None:
    from app.core.receipts.document import snapshot_digest
    from app.models import Receipt

    copy = tmp_path / "schema_0004.sqlite3"
    shutil.copyfile(
        Path(__file__).resolve().parents[1] / "fixtures/schemas/schema_0004.sqlite3", copy
    )
    snapshot = {"number": "2025-00001", "donor": {"name": "Mme Hélène DUPONT"}, "gifts": [1, 2]}
    with sqlite3.connect(copy) as raw:
        contact_id = raw.execute("SELECT min(id) FROM contact").fetchone()[0]
        raw.execute(
            "INSERT INTO receipt (number, year, sequence, kind, mode, contact_id, issued_at, "
            "issued_by, period_start, period_end, total_cents, status, cancel_reason, snapshot, "
            "pdf_sha256) VALUES ('2025-00001', 2025, 1, 'individual', 'annual', ?, "
            "'2026-01-15 10:00:00.000000', 'claire', '2025-03-01', '2025-03-01', 5000, 'issued', "
            "'', ?, 'x')",
            (contact_id, __import__("json").dumps(snapshot, ensure_ascii=False)),
        )
    database = open_database(str(copy), backup_dir=tmp_path / "backups")
    with database.read() as session:
        receipt = session.scalars(select(Receipt)).one()
        assert receipt.snapshot_sha256 == snapshot_digest(snapshot)
    database.dispose()
