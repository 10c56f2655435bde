"""Imports that refuse what they cannot read and never lose a row or a person (#14, #20.4).

Fixtures imitate other tools' exports (Excel cp1252, Google Sheets, HelloAsso, old Mac Excel,
DOS, LibreOffice ODS) and the messiest spreadsheet we could think of.
"""

from __future__ import annotations

import contextlib
import re
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from sqlalchemy import select

from app.cli import run_cli
from app.core.dates import parse_optional_date
from app.core.dedupe.suggestions import suggested_pairs
from app.core.demo import generate_demo
from app.core.gdpr.requests import log_request
from app.core.gdpr.subject_export import write_export
from app.core.importing.commit import commit, file_sha256, undo_import, write_rejected
from app.core.importing.countries import country_code
from app.core.importing.plan import FOLDED, INVALID, NEW, UNCHANGED, UPDATE
from app.core.importing.readers import read_table
from app.core.importing.service import prepare
from app.core.infrastructure.database import Database
from app.core.money import parse_eur
from app.core.quality import quality_report
from app.errors import Conflict, ValidationError
from app.models import Contact, ContactPhone, PostalAddress
from app.models.enums import RightsRequestKind
from app.reports.subject_pdf import render_subject_pdf

TODAY = date(2026, 3, 15)
ROOT = Path(__file__).resolve().parents[2]
NAMES = "Civilité;Nom;Prénom;Ville\nMme;Lefèvre;Hélène;Besançon\nM.;Noël;Zoé;Évian-les-Bains\n"


def _write(tmp_path: Path, name: str, data: str | bytes, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode(encoding) if isinstance(data, str) else data)
    return path


def _plan(database: Database, path: Path, kind: str = "contacts"):  # type: ignore[no-untyped-def]
    with database.read() as session:
        return prepare(session, path, kind, today=TODAY)


def _import(database: Database, path: Path, kind: str = "contacts"):  # type: ignore[no-untyped-def]
    with database.write() as session:
        plan = prepare(session, path, kind, today=TODAY)
        return plan, commit(
            session, plan, file_name=path.name, sha256=file_sha256(path), today=TODAY
        )


# --- #14.4 encodings, quotes ----------------------------------------------------------


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be", "mac_roman", "cp850", "cp1252", "utf-8-sig"]
)
def test_every_usual_encoding_is_read_correctly(tmp_path: Path, encoding: str) -> None:
    table = read_table(_write(tmp_path, "c.csv", NAMES, encoding))
    assert table.rows == [
        ["Mme", "Lefèvre", "Hélène", "Besançon"],
        ["M.", "Noël", "Zoé", "Évian-les-Bains"],
    ]


def test_mixed_encodings_are_refused_with_the_lines(tmp_path: Path) -> None:
    data = NAMES.encode("utf-8") + "Mme;Müller;Élodie;Sète\n".encode("cp1252")
    with pytest.raises(ValidationError, match=r"encodages mélangés.*ligne 1 est en UTF-8.*ligne 4"):
        read_table(_write(tmp_path, "mixed.csv", data))


@pytest.mark.parametrize(
    "text",
    [
        'Nom;Prénom\nDupont;"Jean\nMartin;Paul\nDurand;Ana\n',  # never closed
        'Nom;Prénom\nDupont;"Jean\nMartin;Paul\nDurand;Ana"\nPetit;Luc\n',  # closed rows later
    ],
)
def test_an_unbalanced_quote_is_refused_with_its_row(tmp_path: Path, text: str) -> None:
    with pytest.raises(ValidationError, match=r"ligne 2 : guillemet"):
        read_table(_write(tmp_path, "q.csv", text))


def test_a_quoted_multiline_cell_is_still_read(tmp_path: Path) -> None:
    table = read_table(
        _write(tmp_path, "q.csv", 'Nom;Notes\nDupont;"ligne 1\nligne 2"\nMartin;x\n')
    )
    assert table.rows == [["Dupont", "ligne 1\nligne 2"], ["Martin", "x"]]


# --- #14.17 clear refusals -------------------------------------------------------------


def test_cr_only_line_endings(tmp_path: Path) -> None:
    table = read_table(_write(tmp_path, "mac.csv", NAMES.replace("\n", "\r"), "mac_roman"))
    assert len(table.rows) == 2 and table.rows[1][2] == "Zoé"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: _write(p, "b.csv", bytes(range(1, 256)) * 40), "pas un fichier texte"),
        (lambda p: p, "c'est un dossier"),
        (lambda p: _write(p, "z.xlsx", b"PK\x03\x04garbage"), "XLSX illisible"),
    ],
)
def test_unreadable_inputs_are_refused_clearly(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match=message):
        read_table(make(tmp_path))


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "sNaN", "1e400", "1e17", "-inf", "1e3"])
def test_non_numbers_are_refused_with_row_and_column(
    db: Database, tmp_path: Path, amount: str
) -> None:
    _import(db, _write(tmp_path, "c.csv", "Nom;Courriel\nDupont;d@exemple.fr\n"))
    gifts = f"Courriel;Date du don;Montant;Mode de paiement\nd@exemple.fr;01/02/2026;{amount};CB\n"
    plan = _plan(db, _write(tmp_path, "g.csv", gifts), "gifts")
    assert plan.rows[0].status == INVALID
    assert "ligne 2, colonne « Montant »" in plan.rows[0].reasons[0]


@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_parse_eur_only_fails_with_a_user_error(text: str) -> None:
    try:
        cents = parse_eur(text)
    except ValidationError:
        return
    assert abs(cents) <= 10**11


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_parse_eur_round_trips_french_amounts(value) -> None:  # type: ignore[no-untyped-def]
    french = f"{value:,.2f}".replace(",", " ").replace(".", ",") + " €"
    assert parse_eur(french) == int(value * 100)


@given(
    st.sampled_from(["utf-8", "utf-16", "cp1252", "mac_roman", "cp850"]),
    st.lists(
        st.text(alphabet="abcdeéèàçôûÉÀ -'", min_size=1, max_size=12).filter(str.strip),
        min_size=1,
        max_size=5,
    ),
)
@settings(max_examples=60, deadline=None)
def test_names_survive_any_usual_encoding(
    tmp_path_factory, encoding: str, names: list[str]
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("enc") / "n.csv"
    names = [n.strip() for n in names]
    # Detection is statistical: a real file has some ordinary French text around the names.
    context = "Lefèvre;Sète\nHélène Bérénice;Besançon\n"
    path.write_bytes(
        ("Nom;Ville\n" + context + "".join(f"{n};Sète\n" for n in names)).encode(encoding)
    )
    assert [r[0] for r in read_table(path).rows[2:]] == names


def test_export_to_a_missing_folder_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "a.sqlite3"
    assert run_cli(["init", "--db", str(db)]) == 0
    target = tmp_path / "nowhere" / "x.csv"
    assert run_cli(["export", "contacts", str(target), "--db", str(db)]) == 1
    assert "nowhere" in capsys.readouterr().err and not target.parent.exists()


@given(st.text(max_size=20))
def test_parse_date_only_fails_with_a_user_error(text: str) -> None:
    with contextlib.suppress(ValidationError):
        parse_optional_date(text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)))
def test_parse_date_reads_french_and_iso_forms(day: date) -> None:
    assert parse_optional_date(day.strftime("%d/%m/%Y")) == day
    assert parse_optional_date(day.isoformat()) == day


# --- #14.20 implausible values, #14.8 long cells -----------------------------------------


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        ("Dupont;Jean;01/01/1800;", "Date de naissance", "invraisemblable"),
        ("Dupont;Jean;0001-01-01;", "Date de naissance", "invraisemblable"),
        ("Dup\x00ont;Jean;;", "Nom", "caractère de contrôle"),
        ("Dupont;Je\x07an;;", "Prénom", "caractère de contrôle"),
    ],
)
def test_implausible_contact_values(
    db: Database, tmp_path: Path, row: str, column: str, reason: str
) -> None:
    path = _write(tmp_path, "c.csv", f"Nom;Prénom;Date de naissance;Ville\n{row}\n")
    plan = _plan(db, path)
    assert plan.rows[0].status == INVALID
    text = " ".join(plan.rows[0].reasons)
    assert f"colonne « {column} »" in text and reason in text


@pytest.mark.parametrize(
    ("amount", "day", "reason"),
    [
        ("1000000000000000", "01/02/2026", "invraisemblable"),
        ("10", "01/02/1850", "invraisemblable"),
    ],
)
def test_implausible_gifts(
    db: Database, tmp_path: Path, amount: str, day: str, reason: str
) -> None:
    _import(db, _write(tmp_path, "c.csv", "Nom;Courriel\nDupont;d@exemple.fr\n"))
    gifts = f"Courriel;Date du don;Montant;Mode de paiement\nd@exemple.fr;{day};{amount};CB\n"
    plan = _plan(db, _write(tmp_path, "g.csv", gifts), "gifts")
    assert plan.rows[0].status == INVALID and reason in " ".join(plan.rows[0].reasons)


def test_an_oversized_cell_is_reported_in_the_normal_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "a.sqlite3"
    assert run_cli(["init", "--db", str(db)]) == 0
    capsys.readouterr()
    path = _write(tmp_path, "c.csv", f"Nom;Notes\nDupont;{'x' * 200_000}\nMartin;ok\n")
    assert run_cli(["import", "contacts", str(path), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Ligne 2, colonne « Notes » : cellule de 200000 caractères" in out
    assert "1 nouvelles" in out and "1 rejetées" in out


# --- #14.18 workbook memory ------------------------------------------------------------


def _bomb(path: Path, megabytes: int) -> Path:
    """A tiny XLSX whose shared strings inflate to `megabytes` MB."""
    workbook = Workbook()
    workbook.active.append(["Nom", "Ville"])
    workbook.active.append(["Dupont", "Dijon"])
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    big = "<si><t>" + "A" * 1_000_000 + "</t></si>"
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main">{big * megabytes}</sst>'
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def test_a_shared_strings_bomb_is_refused_before_loading(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.xlsx", 60)
    assert path.stat().st_size < 1_000_000
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError, match=r"sharedStrings.xml du classeur ferait 57 Mo"):
            read_table(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024


def test_a_forged_dimension_does_not_pad_rows(tmp_path: Path) -> None:
    path = tmp_path / "wide.xlsx"
    workbook = Workbook()
    workbook.active.append(["Nom", "Ville"])
    workbook.active.append(["Dupont", "Dijon"])
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', parts[sheet]
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert read_table(path).rows == [["Dupont", "Dijon"]]


# --- #14.15 one export writer ------------------------------------------------------------


def test_every_csv_and_xlsx_goes_through_the_table_export_writer() -> None:
    offenders = []
    for path in (ROOT / "app").rglob("*.py"):
        if path.name in ("table_export.py", "tabular.py"):
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"csv\.(writer|DictWriter)\(", source):
            offenders.append(f"{path}: csv writer")
        if "Workbook(" in source and "safe_row" not in source:
            offenders.append(f"{path}: openpyxl Workbook without safe_row")
    assert offenders == []


def test_rejected_rows_file_neutralises_formulas(db: Database, tmp_path: Path) -> None:
    path = _write(tmp_path, "c.csv", 'Nom;Courriel\n=HYPERLINK("http://x");pas-un-courriel\n')
    plan = _plan(db, path)
    assert plan.rows[0].status == INVALID
    write_rejected(plan, tmp_path / "rejets.csv")
    text = (tmp_path / "rejets.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text.replace(";=", "\n=")


def test_gdpr_identity_csv_neutralises_formulas(db: Database, tmp_path: Path) -> None:
    _import(db, _write(tmp_path, "c.csv", "Nom;Prénom;Courriel\n=1+1;@SUM(A1);a@exemple.fr\n"))
    with db.write() as session:
        contact_id = session.scalar(select(Contact.id))
        (tmp_path / "out").mkdir()
        target = write_export(session, contact_id, tmp_path / "out", render_pdf=render_subject_pdf)
    with zipfile.ZipFile(target) as archive:
        identity = archive.read("identite.csv").decode("utf-8")
    assert "'=1+1" in identity and "'@SUM" in identity


# --- #14.3 address changes ------------------------------------------------------------


def test_a_new_address_on_reimport_is_an_update_with_history(
    any_db: Database, tmp_path: Path
) -> None:
    header = "Nom;Prénom;Courriel;Adresse 1;Code postal;Ville\n"
    _import(
        any_db,
        _write(tmp_path, "a.csv", header + "Dupont;Jean;jd@exemple.fr;1 rue Haute;21000;Dijon\n"),
    )
    second = _write(
        tmp_path, "b.csv", header + "Dupont;Jean;jd@exemple.fr;5 place Darcy;21000;Dijon\n"
    )
    plan = _plan(any_db, second)
    assert plan.rows[0].status == UPDATE and plan.addresses_changed == 1
    assert "5 place Darcy" in plan.rows[0].changes["address"][1]
    _, report = _import(any_db, second)
    assert report.updated == 1 and report.addresses_changed == 1 and report.unchanged == 0
    with any_db.read() as session:
        addresses = {a.line4: a.is_primary for a in session.scalars(select(PostalAddress))}
    assert addresses == {"1 rue Haute": False, "5 place Darcy": True}
    assert _plan(any_db, second).rows[0].status == UNCHANGED
    with any_db.write() as session:
        undo_import(session, report.batch_id)
    with any_db.read() as session:
        addresses = {a.line4: a.is_primary for a in session.scalars(select(PostalAddress))}
    assert addresses == {"1 rue Haute": True}


# --- #20.4 never lose a row or a person ----------------------------------------------------

PARTIAL = (
    "Nom;Prénom;Adresse 1;Code postal;Ville;Pays\n"
    "Martin;Paul;3 rue Neuve;21000;;\n"  # no town
    "Bernard;Luc;;21000;Dijon;\n"  # postcode and town only
    "Petit;Ana;Résidence des Grands Chênes, bâtiment B, 12 avenue du Maréchal;21000;Dijon;\n"
    "De La Tour D'Auvergne-Lauraguais De Montmorency;Marie-Christine;1 rue;21000;Dijon;\n"
    "Keller;Hans;Bahnhofstrasse 1;8001;Zürich;\n"  # foreign postcode, no country
    "Smith;John;1 George St;2000;Sydney;Australie\n"
    ";;;;;\n"  # blank: skipped
    ";;12 rue;21000;Dijon;\n"  # nobody: rejected
)


def test_partial_addresses_are_kept_and_flagged(any_db: Database, tmp_path: Path) -> None:
    plan, report = _import(any_db, _write(tmp_path, "p.csv", PARTIAL))
    assert [r.status for r in plan.rows] == [NEW] * 6 + [INVALID]
    assert "rien n'identifie" in " ".join(plan.rows[-1].reasons)
    assert report.created == 6 and report.incomplete_addresses >= 4
    with any_db.read() as session:
        addresses = {a.line4 or a.city: a for a in session.scalars(select(PostalAddress))}
        assert addresses["Résidence des Grands Chênes, bâtiment B, 12 avenue du Maréchal"]
        assert (
            addresses["Bahnhofstrasse 1"].country == "" and addresses["1 George St"].country == "AU"
        )
        metric = next(m for m in quality_report(session) if m.key == "incomplete_address")
        keller = session.scalar(select(Contact.id).where(Contact.last_name == "Keller"))
        martin = session.scalar(select(Contact.id).where(Contact.last_name == "Martin"))
    assert {keller, martin} <= set(metric.contact_ids)
    assert any("non postable" in w for w in plan.rows[0].warnings)


def test_conflicting_identifiers_never_fold(any_db: Database, tmp_path: Path) -> None:
    header = "Nom;Prénom;Courriel;Date de naissance;Code postal;Ville\n"
    _import(
        any_db,
        _write(
            tmp_path, "a.csv", header + "Durand;Jean;famille@exemple.fr;01/02/1950;21000;Dijon\n"
        ),
    )
    rows = (
        "Durand;Jean;famille@exemple.fr;03/04/1980;21000;Dijon\n"  # son: same e-mail, other birth
        "Durand;Jean;;;21000;Dijon\n"  # namesake: name + postcode only
        "Durand;Marie;famille@exemple.fr;;21000;Dijon\n"  # wife: shared e-mail, other first name
    )
    plan, report = _import(any_db, _write(tmp_path, "b.csv", header + rows))
    assert [r.status for r in plan.rows] == [NEW, NEW, NEW]
    assert all(r.duplicate_of for r in plan.rows) and report.possible_duplicates == 3
    assert "date de naissance différent" in " ".join(plan.rows[0].warnings)
    with any_db.read() as session:
        assert session.scalar(select(Contact.first_name).where(Contact.id == 1)) == "Jean"
        assert len(list(session.scalars(select(Contact.id)))) == 4
        pairs = suggested_pairs(session)  # each one waits in the duplicates screen
    # the namesake resembles the son of the same file too (same name and postcode)
    assert set(pairs) == {(1, 2), (1, 3), (1, 4), (2, 3)} and "Import n°" in pairs[(1, 2)]


def test_rows_with_different_obole_numbers_stay_two_contacts(
    any_db: Database, tmp_path: Path
) -> None:
    """An Obole export holding a duplicate not merged yet (one e-mail, two numbers), imported
    into another database: both contacts come back and the pair waits in the duplicates
    screen (merged there field by field, undoably); one number twice is one contact."""
    header = "N° Obole;Nom;Prénom;Courriel\n"
    rows = (
        "812;Martin;Claire;claire.martin@exemple.fr\n"
        "940;MARTIN;Clarie;claire.martin@exemple.fr\n"  # the same donor typed twice there
        "812;Martin;Claire;claire.martin@exemple.fr\n"  # the same record twice in the file
    )
    plan, report = _import(any_db, _write(tmp_path, "export.csv", header + rows))
    assert [r.status for r in plan.rows] == [NEW, NEW, FOLDED]
    assert "même courriel que la ligne 2 mais n° Obole différent(s)" in plan.rows[1].warnings[0]
    assert report.folded == 1 and report.possible_duplicates == 1
    with any_db.read() as session:
        assert len(list(session.scalars(select(Contact.id)))) == 2
        assert len(suggested_pairs(session)) == 1


def test_a_strong_identifier_updates_and_keeps_the_differing_values(
    any_db: Database, tmp_path: Path
) -> None:
    header = "Nom;Prénom;Courriel;Téléphone;Adresse 1;Code postal;Ville\n"
    _import(
        any_db,
        _write(
            tmp_path, "a.csv", header + "Roux;Léa;lea@exemple.fr;0380112233;1 rue A;21000;Dijon\n"
        ),
    )
    rows = (
        "Roux;Léa;lea@exemple.fr;0612345678;;;\n"  # known: new phone kept as a second one
        "Blanc;Tom;tom@exemple.fr;;1 rue B;21000;Dijon\n"
        "Blanc;Tom;tom@exemple.fr;0698765432;9 rue C;75001;Paris\n"  # same file, same person
    )
    plan, report = _import(any_db, _write(tmp_path, "b.csv", header + rows))
    assert [r.status for r in plan.rows] == [UPDATE, NEW, FOLDED]
    assert "ligne 4 regroupée avec la ligne 3" in plan.rows[2].reasons[0]
    assert "0698765432" in plan.rows[2].reasons[0] and report.folded == 1
    with any_db.read() as session:
        lea = session.scalar(select(Contact).where(Contact.first_name == "Léa"))
        assert {p.number for p in lea.phones} == {"+33380112233", "+33612345678"}
        tom = session.scalar(select(Contact).where(Contact.first_name == "Tom"))
        assert {a.city: a.is_primary for a in tom.addresses} == {"Dijon": True, "Paris": False}
        assert [p.number for p in tom.phones] == ["+33698765432"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("FR", "FR"),
        ("France", "FR"),
        ("AU", "AU"),
        ("Australie", "AU"),
        ("Belgique", "BE"),
        ("BE", "BE"),
        ("Deutschland", "DE"),
        ("Royaume-Uni", "GB"),
        ("U.S.A.", "US"),
        ("Suisse", "CH"),
        ("españa", "ES"),
        ("Pays-Bas", "NL"),
        ("belgië", "BE"),
    ],
)
def test_country_in_any_common_form(text: str, code: str) -> None:
    assert country_code(text) == code


# --- #14.7 PostgreSQL sequences, #14.21 undo and GDPR -----------------------------------


def test_import_after_demo_works_on_both_engines(any_db: Database, tmp_path: Path) -> None:
    with any_db.write() as session:
        generate_demo(session, contacts=30, seed=2, today=TODAY)
    header = "Nom;Prénom;Courriel;Téléphone;Adresse 1;Code postal;Ville\n"
    _, report = _import(
        any_db,
        _write(
            tmp_path,
            "c.csv",
            header + "Nouveau;Ana;ana.n@exemple.fr;0611223344;1 rue;21000;Dijon\n",
        ),
    )
    assert report.created == 1
    with any_db.write() as session:  # ordinary inserts after both bulk inserts
        session.add(ContactPhone(contact_id=1, number="+33611000000", position=5))
        session.add(PostalAddress(contact_id=1, line4="2 rue", postcode="21000", city="Dijon"))


def test_undo_refuses_when_a_contact_has_a_gdpr_request(any_db: Database, tmp_path: Path) -> None:
    _, report = _import(any_db, _write(tmp_path, "c.csv", "Nom;Courriel\nDupont;d@exemple.fr\n"))
    with any_db.write() as session:
        contact_id = session.scalar(select(Contact.id))
        request = log_request(
            session,
            kind=RightsRequestKind.RESTRICTION,
            received_on=TODAY,
            requester="Dupont",
            contact_id=contact_id,
        )
        request_id = request.id
    refused = pytest.raises(Conflict, match=rf"demande RGPD n° {request_id} \(limitation")
    with refused, any_db.write() as session:
        undo_import(session, report.batch_id)
    with any_db.read() as session:
        assert session.get(Contact, contact_id) is not None


# --- other tools' exports and the messiest spreadsheet ----------------------------------


def test_excel_cp1252_semicolon_export(db: Database, tmp_path: Path) -> None:
    _import(db, _write(tmp_path, "c.csv", "Nom;Courriel\nLefèvre;h@exemple.fr\n", "cp1252"))
    gifts = (
        "Courriel;Date du don;Montant;Mode de paiement\r\n"
        "h@exemple.fr;15/03/2025;1 234,56 €;Chèque\r\n"
    )
    plan, report = _import(db, _write(tmp_path, "g.csv", gifts, "cp1252"), "gifts")
    assert report.created == 1 and report.amount_imported_cents == 123456


def test_google_sheets_utf8_comma_csv(db: Database, tmp_path: Path) -> None:
    text = 'First name,Last name,Email,Town,Country\nZoé,"O\'Neil, Jr",z@exemple.fr,Genève,Suisse\n'
    plan, report = _import(db, _write(tmp_path, "g.csv", text))
    assert report.created == 1
    assert (
        plan.rows[0].draft.last_name == "O'Neil, Jr" and plan.rows[0].draft.address.country == "CH"
    )


def test_helloasso_like_export(db: Database, tmp_path: Path) -> None:
    header = (
        "Référence commande;Date de la commande;Statut de la commande;Nom payeur;Prénom payeur;"
        "Email payeur;Moyen de paiement;Montant tarif;Code Postal payeur;Ville payeur;"
        "Pays payeur\n"
    )
    rows = (
        "12345;03/01/2026 10:12;Validé;Durand;Zoé;zoe@exemple.fr;Carte bancaire;50,00;69001;"
        "Lyon;France\n"
        "12346;04/01/2026 11:00;Validé;Weber;Max;max@exemple.de;Carte bancaire;20,00;10115;"
        "Berlin;Allemagne\n"
    )
    plan, report = _import(db, _write(tmp_path, "ha.csv", header + rows))
    assert report.created == 2 and plan.rows[1].draft.address.country == "DE"


def test_libreoffice_ods_streamed(db: Database, tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="Feuille1")
    rows = (["Nom", "Prénom", "Ville", "Date de naissance"], ["Lefèvre", "Hélène", "Dijon", "1960"])
    for values in rows:
        row = TableRow()
        for value in values:
            if value == "1960":
                cell = TableCell(valuetype="date", datevalue="1960-12-31")
                cell.addElement(P(text="31/12/60"))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    empty = TableRow(numberrowsrepeated=1_048_000)  # what LibreOffice writes after the data
    empty.addElement(TableCell(numbercolumnsrepeated=16_384))
    table.addElement(empty)
    document.spreadsheet.addElement(table)
    document.save(str(tmp_path / "c.ods"))
    tracemalloc.start()
    try:
        plan, report = _import(db, tmp_path / "c.ods")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert report.created == 1 and plan.rows[0].draft.birth_date == date(1960, 12, 31)
    assert peak < 50 * 1024 * 1024


MESSY = (
    "\ufeff  NOM ; prénom ;E-Mail;Tél.;Adresse;CP;Ville;Pays;Date de naissance;Notes\r\n"
    "  DUPONT ;jean;  JEAN@EXEMPLE.FR ;06 12 34 56 78;1 rue Haute;21000;Dijon;fr;31/12/60;\r\n"
    "\r\n"
    ";;;;;;;;;\r\n"
    'Müller;Günter;;;Hauptstraße 5;10115;Berlin;Deutschland;;"dit ""Gügü"""\r\n'
    "Nguyen;Thi;thi@exemple.fr;;;;;;;'=1+1\r\n"
    "Martin;;;;3 chemin des Vignes prolongé jusqu'au lavoir;;;;;\r\n"
    "dupont;Jean;jean@exemple.fr;;5 place Darcy;21000;Dijon;;31/12/1960;\r\n"
)


def test_the_messiest_spreadsheet(db: Database, tmp_path: Path) -> None:
    plan, report = _import(db, _write(tmp_path, "messy.csv", MESSY, "utf-8"))
    assert report.rows_read == 5
    assert [r.status for r in plan.rows] == [NEW, NEW, NEW, NEW, FOLDED]
    assert plan.rows[1].draft.notes == 'dit "Gügü"' and plan.rows[2].draft.notes == "=1+1"
    assert report.created + report.folded + report.rejected == report.rows_read


def test_a_gift_is_never_given_to_one_of_two_namesakes(db: Database, tmp_path: Path) -> None:
    people = "Nom;Prénom;Date de naissance;Code postal;Ville\n"
    people += "Durand;Jean;01/02/1950;21000;Dijon\nDurand;Jean;03/04/1980;21000;Dijon\n"
    plan, report = _import(db, _write(tmp_path, "c.csv", people))
    assert report.created == 2 and plan.rows[1].duplicate_of == []  # an earlier row, not stored
    gifts = "Nom;Prénom;Code postal;Date du don;Montant;Mode de paiement\n"
    gifts += "Durand;Jean;21000;01/02/2026;50;CB\n"
    plan = _plan(db, _write(tmp_path, "g.csv", gifts), "gifts")
    assert plan.rows[0].status == INVALID and "donateur introuvable" in plan.rows[0].reasons[0]


def test_import_list_says_the_counts_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`obole import list` printed the batch's counts as a Python dict."""
    db = tmp_path / "a.sqlite3"
    assert run_cli(["init", "--db", str(db)]) == 0
    path = _write(tmp_path, "c.csv", "Nom;Courriel\nDupont;d@exemple.fr\nMartin;pas-un-courriel\n")
    assert run_cli(["import", "contacts", str(path), "--db", str(db)]) == 0
    capsys.readouterr()
    assert run_cli(["import", "list", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "contacts" in out and "c.csv" in out and "{" not in out
    assert "2 lignes lues = 1 nouvelles + 0 mises à jour" in out and "1 rejetées" in out
