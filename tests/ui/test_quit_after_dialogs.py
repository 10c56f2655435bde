"""Quitting after any dialog ends cleanly (it ended in a segmentation fault after the
contact form, 2 runs of 3). Each run is a real start in a subprocess, so a crash is a
failure of this test, not of the test run; the probe also fails when widgets outlive the
GUI, which is what made the crash depend on luck."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.opening import open_database
from app.models import Contact

ROOT = Path(__file__).resolve().parents[2]
DIALOGS = ["contact", "new_contact", "gift", "slip", "import", "imports", "users"]


@pytest.fixture
def one_contact_db(db_path: Path) -> Path:
    database = open_database(str(db_path), user="test")
    with database.write() as session:
        session.add(
            Contact(last_name="Moreau", first_name="Anne", sort_name="moreau", search_text="anne")
        )
    database.dispose()
    return db_path


@pytest.mark.parametrize("dialog", DIALOGS)
def test_quit_after_opening_a_dialog_exits_cleanly(one_contact_db: Path, dialog: str) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "tests.ui.quit_probe", str(one_contact_db), dialog],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, f"exit code {run.returncode}: {run.stderr[-2000:]}"
    assert "shared QObject was deleted directly" not in run.stderr
