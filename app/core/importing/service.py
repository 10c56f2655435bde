"""One entry point for the CLI and the wizard: read, map, plan, commit (with backup)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from app.core.importing.mapping import auto_map, load_mapping
from app.core.importing.plan import FuzzyMatcher, ImportPlan, plan_contacts, plan_gifts
from app.core.importing.readers import read_table
from app.errors import ValidationError
from app.i18n import _


def prepare(
    session: Session,
    path: Path,
    kind: str,
    *,
    today: date,
    mapping_file: Path | None = None,
    mapping: dict[int, str] | None = None,
) -> ImportPlan:
    """Read `path` and dry-run it (nothing is written)."""
    if kind not in ("contacts", "gifts"):
        raise ValidationError(
            _("Type d'import inconnu : {kind} (contacts ou gifts attendu).").format(kind=kind)
        )
    table = read_table(path)
    if mapping is None:
        mapping = (
            load_mapping(mapping_file, table.header)
            if mapping_file
            else auto_map(table.header, kind)
        )
    if not mapping:
        raise ValidationError(
            _(
                "Fichier {file} : aucune colonne reconnue (en-têtes lus : {header}). Fournissez "
                "une "
                "correspondance avec --mapping."
            ).format(file=path.name, header=", ".join(table.header)),
            field="mapping",
        )
    if kind == "gifts":
        return plan_gifts(session, table, mapping, today=today)
    return plan_contacts(session, table, mapping, today=today, matcher=FuzzyMatcher(session))
