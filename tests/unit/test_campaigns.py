"""Campaign rules and the `obole campaign` command."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.cli import run_cli
from app.core.gifts import campaigns
from app.core.infrastructure.database import Database
from app.errors import ValidationError


def test_codes_are_unique_and_import_names_become_campaigns(db: Database) -> None:
    with db.write() as session:
        campaigns.create_campaign(session, campaigns.CampaignDraft("NOEL", "Appel de Noël"))
        with pytest.raises(ValidationError, match="déjà utilisé"):
            campaigns.create_campaign(session, campaigns.CampaignDraft("noel", "Autre"))
        created = campaigns.create_missing(
            session, ["Appel de Noël", "Printemps 2026", "printemps 2026", "", "NOEL"]
        )
    assert [(c.code, c.name) for c in created] == [("Printemps 2026", "Printemps 2026")]
    assert campaigns.code_for("Fête de l'été 2026 — buvette", {"fete-de-l-ete-2026-buvet"}) == (
        "FETE-DE-L-ETE-2026-BUVET-2"
    )


def test_the_campaign_command(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(db_path)
    assert run_cli(["campaign", "add", "NOEL", "Appel de Noël", "--cost", "350", "--db", db]) == 0
    assert run_cli(["campaign", "close", "1", "--db", db]) == 0
    assert run_cli(["campaign", "list", "--db", db]) == 0
    assert "NOEL" in capsys.readouterr().out.splitlines()[-1]
