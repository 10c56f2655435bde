"""Imports: French formats, dry run, nothing doubled, undo, reconciliation, bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import func, select

from app.core.clock import FixedClock
from app.core.dates import parse_date
from app.core.demo import generate_demo
from app.core.importing import values
from app.core.importing.commit import commit, file_sha256, undo_import, write_rejected
from app.core.importing.mapping import auto_map, detect_profile
from app.core.importing.obole_format import export_contacts, export_gifts
from app.core.importing.plan import FOLDED, INVALID, NEW, UNCHANGED, UPDATE
from app.core.importing.readers import read_table, sniff_delimiter
from app.core.importing.service import prepare
from app.core.infrastructure.database import Database
from app.core.opening import open_database
from app.core.progress import CancelToken
from app.errors import Conflict, OperationCancelled, ValidationError
from app.models import AuditEvent, Contact, ContactEmail, Gift, ImportBatch, PostalAddress
from app.models.enums import PaymentMethod
from app.reports.table_export import write_table

TODAY = date(2026, 3, 15)
CONTACTS = (
    "Civilité;Nom;Prénom;Adresse 1;Code postal;Ville;Courriel;Portable;Date de naissance\n"
    "Mme;Lefèvre;Hélène;3 rue de l'Église;21000;Dijon;helene@exemple.fr;06 12 34 56 78;31/12/60\n"
    "M.;Dupont;Jean-Pierre;1 rue Haute;75001;Paris;jp@exemple.fr;;\n"
)
GIFTS = (
    "Courriel;Date du don;Montant;Mode de paiement;N° de chèque\n"
    "helene@exemple.fr;15/03/2025;1 234,56 €;Chèque;1234567\n"
    "jp@exemple.fr;2025-12-31;50;CB;\n"
)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "cp1252") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _import(database: Database, path: Path, kind: str):  # type: ignore[no-untyped-def]
    with database.write() as session:
        plan = prepare(session, path, kind, today=TODAY)
        return plan, commit(
            session, plan, file_name=path.name, sha256=file_sha256(path), today=TODAY
        )


def _count(database: Database, model) -> int:  # type: ignore[no-untyped-def]
    with database.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig", "latin-1"])
def test_french_excel_csv_in_any_encoding(tmp_path: Path, encoding: str) -> None:
    table = read_table(_write(tmp_path, "c.csv", CONTACTS.replace("€", "EUR"), encoding))
    assert table.delimiter == ";" and table.header[0] == "Civilité" and table.rows[0][2] == "Hélène"


def test_delimiters() -> None:
    assert sniff_delimiter("a,b,c\n1,2,3") == "," and sniff_delimiter("a\tb\n1\t2") == "\t"
    assert sniff_delimiter("a;b\n1;2,5") == ";"


def test_headers_map_from_french_and_english_and_helloasso() -> None:
    assert set(
        auto_map(["Nom", "Prénom", "E-mail", "Code Postal", "Town"], "contacts").values()
    ) == {"last_name", "first_name", "email", "postcode", "city"}
    header = [
        "Référence commande",
        "Date de la commande",
        "Montant",
        "Nom",
        "Prénom",
        "Email",
        "Moyen de paiement",
    ]
    assert detect_profile(header) == "helloasso"
    assert set(auto_map(header, "gifts").values()) == {
        "reference",
        "received_on",
        "amount",
        "last_name",
        "first_name",
        "email",
        "payment_method",
    }


@given(st.sampled_from(["31/12/2025", "31/12/25", "2025-12-31", "31.12.2025"]))
def test_date_formats(text: str) -> None:
    assert parse_date(text) == date(2025, 12, 31)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_round_trip(day: date) -> None:
    assert parse_date(day.strftime("%d/%m/%Y")) == day == parse_date(day.isoformat())


def test_civility_and_method_variants() -> None:
    assert [values.civility(v) for v in ("Monsieur", "MME", "Mlle", "M et Mme", "")] == [
        "M.",
        "Mme",
        "Mme",
        "M. et Mme",
        "",
    ]
    assert values.civility("Sa Majesté") is None
    assert [
        values.payment_method(v)
        for v in ("CHQ", "Espèces", "Virement bancaire", "CB", "Prélèvement SEPA")
    ] == [
        PaymentMethod.CHEQUE,
        PaymentMethod.CASH,
        PaymentMethod.TRANSFER,
        PaymentMethod.CARD,
        PaymentMethod.DIRECT_DEBIT,
    ]


def test_import_twice_doubles_nothing_and_undo_restores(db: Database, tmp_path: Path) -> None:
    contacts, gifts = _write(tmp_path, "c.csv", CONTACTS), _write(tmp_path, "g.csv", GIFTS)
    plan, report = _import(db, contacts, "contacts")
    assert (report.created, report.rejected) == (2, 0)
    plan, report = _import(db, contacts, "contacts")
    assert (report.created, report.unchanged) == (0, 2)
    plan, report = _import(db, gifts, "gifts")
    assert (
        report.created == 2 and report.amount_read_cents == report.amount_imported_cents == 128456
    )
    plan, report = _import(db, gifts, "gifts")
    assert (report.created, report.unchanged) == (0, 2)
    assert (_count(db, Contact), _count(db, Gift)) == (2, 2)
    with db.read() as session:
        batches = list(session.scalars(select(ImportBatch.id).order_by(ImportBatch.id)))
    with db.write() as session:
        undo_import(session, batches[2])
        undo_import(session, batches[0])
    assert (_count(db, Contact), _count(db, Gift)) == (0, 0)
    assert (_count(db, ContactEmail), _count(db, PostalAddress)) == (0, 0)  # nothing orphaned


def test_undo_refuses_contacts_that_absorbed_a_merge_since(db: Database, tmp_path: Path) -> None:
    from app.core.dedupe.merge import merge

    _plan, report = _import(db, _write(tmp_path, "c.csv", CONTACTS), "contacts")
    with db.write() as session:
        imported = session.scalars(select(Contact.id)).first()
        other = Contact(last_name="Doublon")
        session.add(other)
        session.flush()
        merge(session, imported, [other.id])  # type: ignore[arg-type]
    with pytest.raises(Conflict, match="fusions"), db.write() as session:
        undo_import(session, report.batch_id)
    assert _count(db, Contact) == 3  # nothing removed


def test_update_of_an_existing_contact_and_its_undo(db: Database, tmp_path: Path) -> None:
    _import(db, _write(tmp_path, "c.csv", CONTACTS), "contacts")
    changed = CONTACTS.replace(
        "1 rue Haute;75001;Paris;jp@exemple.fr;;",
        "1 rue Haute;75001;Paris;jp@exemple.fr;0611223344;",
    )
    changed = changed.replace("Jean-Pierre;", "Jean-Pierre;", 1).replace("M.;Dupont", "M.;Dupont")
    plan, report = _import(db, _write(tmp_path, "c2.csv", changed), "contacts")
    assert [r.status for r in plan.rows] == [UNCHANGED, UPDATE] and report.updated == 1
    with db.read() as session:
        jp = session.scalar(select(Contact).where(Contact.last_name == "Dupont"))
        assert [p.number for p in jp.phones] == ["+33611223344"]  # type: ignore[union-attr]
        batch = session.scalars(select(ImportBatch.id).order_by(ImportBatch.id.desc())).first()
    with db.write() as session:
        undo_import(session, batch)  # type: ignore[arg-type]
    with db.read() as session:
        jp = session.scalar(select(Contact).where(Contact.last_name == "Dupont"))
        assert jp.phones == []  # type: ignore[union-attr]


def test_round_trip_of_obole_export(db: Database, tmp_path: Path) -> None:
    with db.write() as session:
        generate_demo(session, contacts=120, seed=8, today=TODAY)
    with db.read() as session:
        export_contacts(session, tmp_path / "a.csv", write=write_table)
        export_gifts(session, tmp_path / "g.csv", write=write_table)
    other = open_database(str(tmp_path / "other.sqlite3"))
    with other.write() as session:
        plan = prepare(session, tmp_path / "a.csv", "contacts", today=TODAY)
        assert plan.count(INVALID) == 0, [r.reasons for r in plan.rows if r.status == INVALID][:3]
        commit(session, plan, file_name="a.csv", sha256="x", today=TODAY)
    with other.read() as session:
        export_contacts(session, tmp_path / "b.csv", write=write_table)

    def strip_id(path: Path) -> list[str]:
        return [line.split(";", 1)[1] for line in path.read_text(encoding="utf-8-sig").splitlines()]

    assert strip_id(tmp_path / "a.csv") == strip_id(tmp_path / "b.csv")
    other.dispose()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "vide"),
        ("header.csv", "Nom;Prénom\n".encode("cp1252"), "en-têtes"),
        ("binary.csv", b"\x00\x01\x02\x03" * 100, "texte"),
        ("unknown.csv", b"foo;bar\n1;2\n", "aucune colonne"),
        ("bad.xlsx", b"PK\x03\x04garbage", "XLSX"),
    ],
)
def test_unreadable_files_are_refused_with_a_message(
    db: Database, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message), db.read() as session:
        prepare(session, path, "contacts", today=TODAY)
    assert _count(db, Contact) == 0


def test_bad_rows_are_rejected_one_by_one(db: Database, tmp_path: Path) -> None:
    huge = "x" * 10_000_000
    text = (
        CONTACTS
        + "M.;Durand;Paul;1 rue;21000;Dijon;paul@;;31/02/2025;trop;de;cellules\n"
        + f"M.;{huge};Ana;1 rue;21000;Dijon;ana@exemple.fr;;\n"
        + CONTACTS.splitlines()[1]
        + "\n"
    )
    path = _write(tmp_path, "bad.csv", text, "utf-8")
    with db.read() as session:
        plan = prepare(session, path, "contacts", today=TODAY)
    statuses = [r.status for r in plan.rows]
    # #20.4: a repeated row is listed as folded into the earlier one, not "unchanged"
    assert statuses == [NEW, NEW, INVALID, INVALID, FOLDED]
    reasons = " ".join(plan.rows[2].reasons)
    assert (
        "ligne 4" in reasons
        and "Courriel" in reasons
        and "31/02/2025" in reasons
        and "décalée" in reasons
    )
    # #14.8: the oversized cell rejects its row, named with row and column, never cut silently
    assert plan.table.notes and "10000000 caractères" in plan.table.notes[0]
    assert "ligne 5, colonne « Nom »" in " ".join(plan.rows[3].reasons)
    assert write_rejected(plan, tmp_path / "rejets.csv") == 2
    assert "Motif du rejet" in (tmp_path / "rejets.csv").read_text(encoding="utf-8-sig")
    assert _count(db, Contact) == 0  # a dry run writes nothing


def test_xlsx_and_negative_amounts(db: Database, tmp_path: Path) -> None:
    _import(db, _write(tmp_path, "c.csv", CONTACTS), "contacts")
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Email", "Date", "Amount", "Payment method"])
    sheet.append(["helene@exemple.fr", date(2025, 6, 1), 40, "Card"])
    sheet.append(["helene@exemple.fr", date(2025, 6, 2), -40, "Card"])
    workbook.save(tmp_path / "g.xlsx")
    with db.read() as session:
        plan = prepare(session, tmp_path / "g.xlsx", "gifts", today=TODAY)
    assert [r.status for r in plan.rows] == [NEW, INVALID] and "négatif" in plan.rows[1].reasons[0]


def test_cancel_changes_nothing(db: Database, tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    path = _write(tmp_path, "c.csv", CONTACTS)
    with pytest.raises(OperationCancelled), db.write() as session:
        plan = prepare(session, path, "contacts", today=TODAY)
        commit(session, plan, file_name="c.csv", sha256="x", today=TODAY, cancel=token)
    assert _count(db, Contact) == 0 and _count(db, ImportBatch) == 0


def test_bulk_import_then_normal_inserts_on_both_engines(any_db: Database, tmp_path: Path) -> None:
    _import(any_db, _write(tmp_path, "c.csv", CONTACTS), "contacts")
    with any_db.write() as session:  # the id sequence was moved past the imported rows
        session.add(Contact(last_name="Après"))
    assert _count(any_db, Contact) == 3


def test_a_typo_with_the_same_phone_matches_through_the_duplicate_engine(
    db: Database, tmp_path: Path
) -> None:
    _import(db, _write(tmp_path, "c.csv", CONTACTS), "contacts")
    typo = CONTACTS.replace(
        "Mme;Lefèvre;Hélène;3 rue de l'Église;21000;Dijon;helene@exemple.fr",
        "Mme;Lefevbre;Hélène;3 rue de l'Église;21000;Dijon;autre@exemple.fr",
    )
    with db.read() as session:
        plan = prepare(session, _write(tmp_path, "c2.csv", typo), "contacts", today=TODAY)
    assert plan.rows[0].status in (UPDATE, UNCHANGED) and plan.rows[0].contact_id is not None


def test_a_receipt_preference_column_is_read_and_checked(db: Database, tmp_path: Path) -> None:
    text = (
        "Nom;Prénom;Adresse;Code postal;Ville;Reçus fiscaux\n"
        "Durand;Paul;1 rue Haute;21000;Dijon;par don\n"
        "Martin;Anne;2 rue Haute;21000;Dijon;Annuel\n"
        "Petit;Léa;3 rue Haute;21000;Dijon;\n"
        "Roux;Jean;4 rue Haute;21000;Dijon;tous les mois\n"
    )
    path = _write(tmp_path, "prefs.csv", text)
    with db.write() as session:
        plan = prepare(session, path, "contacts", today=TODAY)
        assert [r.status for r in plan.rows] == [NEW, NEW, NEW, INVALID]
        assert "tous les mois" in " ".join(plan.rows[3].reasons)
        commit(session, plan, file_name="prefs.csv", sha256="x", today=TODAY)
    with db.read() as session:
        modes = dict(session.execute(select(Contact.last_name, Contact.receipt_mode)).all())
    assert modes == {"Durand": "per_gift", "Martin": "annual", "Petit": ""}


def test_an_import_and_its_undo_are_journaled_as_batches_on_the_clock(
    db: Database, tmp_path: Path, clock: FixedClock
) -> None:
    """One event per import and per undo (no field rows for the imported contacts), each
    stamped by the database clock, as are the contacts' creation times."""
    _plan, report = _import(db, _write(tmp_path, "c.csv", CONTACTS), "contacts")
    assert report.batch_id is not None
    clock.current += timedelta(hours=2)
    with db.write() as session:
        undo_import(session, report.batch_id)
    with db.read() as session:
        events = list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.entity != "processing_activity")
                .order_by(AuditEvent.id)
            )
        )
    start = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)
    assert [(e.entity, e.entity_id, e.at) for e in events] == [
        ("import", report.batch_id, start),
        ("import", report.batch_id, start + timedelta(hours=2)),
    ]
