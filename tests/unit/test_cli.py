"""The `obole` command line: init, info, JSON output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import run_cli
from app.paths import app_paths

ROOT = Path(__file__).resolve().parents[2]


def test_init_with_demo_then_info_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "asso.sqlite3"
    assert run_cli(["init", "--db", str(target), "--demo", "150", "--seed", "3", "--json"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["demo"]["contacts"] == 150
    assert run_cli(["info", "--db", str(target), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["contacts"] == 150 and info["schema_version"] and info["engine"] == "sqlite"
    assert info["database"] == str(target)


def test_info_human_output_is_french(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "asso.sqlite3"
    run_cli(["init", "--db", str(target)])
    capsys.readouterr()
    assert run_cli(["info", "--db", str(target)]) == 0
    out = capsys.readouterr().out
    assert "Contacts" in out and "Schéma" in out


def test_default_database_is_in_the_user_data_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["init", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["database"] == str(app_paths().default_db_file)


def test_obole_db_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "env.sqlite3"
    monkeypatch.setenv("OBOLE_DB", str(target))
    assert run_cli(["init", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["database"] == str(target)


def test_missing_database_is_a_user_error_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere.sqlite3"
    assert run_cli(["info", "--db", str(missing)]) == 1
    assert str(missing) in capsys.readouterr().err
    assert not missing.exists()


def test_negative_demo_count_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["init", "--db", str(tmp_path / "x.sqlite3"), "--demo", "-5"]) == 1


def test_usage_errors_exit_with_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        run_cli(["no-such-command"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        run_cli(["init", "--demo", "many"])
    assert exc.value.code == 2
    assert run_cli([]) == 2


def test_console_entry_point_and_main_py(tmp_path: Path) -> None:
    target = tmp_path / "m.sqlite3"
    result = subprocess.run(
        [sys.executable, "main.py", "init", "--db", str(target), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["contacts"] == 0
    help_text = subprocess.run(
        [sys.executable, "main.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert help_text.returncode == 0 and "init" in help_text.stdout and "info" in help_text.stdout
