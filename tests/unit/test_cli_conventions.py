"""CLI conventions: common options anywhere, argparse in French, JSON errors with --json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import ARGPARSE_MESSAGES, run_cli
from app.i18n import load_catalogue, set_language


@pytest.fixture
def base(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    target = tmp_path / "asso.sqlite3"
    assert run_cli(["init", "--db", str(target)]) == 0
    capsys.readouterr()
    return target


@pytest.mark.parametrize(
    "argv",
    [
        ["--db", "{db}", "--json", "info"],
        ["info", "--db", "{db}", "--json"],
        ["--json", "info", "--db", "{db}"],
        ["--db", "{db}", "receipts", "list", "--year", "2025", "--json"],
    ],
)
def test_common_options_before_or_after_the_command(
    base: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert run_cli([a.replace("{db}", str(base)) for a in argv]) == 0
    json.loads(capsys.readouterr().out)  # --json was seen wherever it stood


def test_an_option_after_the_command_wins(
    base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.sqlite3"
    assert run_cli(["--db", str(base), "info", "--db", str(missing)]) == 1
    assert str(missing) in capsys.readouterr().err


def test_errors_are_json_on_stdout_with_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.sqlite3"
    assert run_cli(["--json", "info", "--db", str(missing)]) == 1
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["kind"] == "NotFound" and str(missing) in error["message"]
    assert error["exit_code"] == 1


def test_usage_errors_are_json_too_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        run_cli(["--json", "receipts", "issue"])
    assert exit_.value.code == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["kind"] == "usage" and "--year" in error["message"]


def test_argparse_speaks_french(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run_cli(["receipts", "issue", "--year", "deux-mille"])
    err = capsys.readouterr().err
    assert "utilisation : obole receipts issue" in err
    assert "valeur int invalide" in err and "erreur :" in err
    with pytest.raises(SystemExit):
        run_cli(["info", "--bogus"])
    assert "arguments non reconnus : --bogus" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        run_cli(["--help"])
    out = capsys.readouterr().out
    assert "afficher cette aide et quitter" in out and "arguments positionnels" in out


def test_argparse_strings_are_in_the_english_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    english = load_catalogue("en")
    assert all(french in english for french in ARGPARSE_MESSAGES.values())
    set_language("en")
    try:
        with pytest.raises(SystemExit):
            run_cli(["info", "--bogus"])
        assert "unrecognized arguments: --bogus" in capsys.readouterr().err
    finally:
        set_language("fr")
