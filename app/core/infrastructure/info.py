"""Summary of an open database: where it is, its schema, how many records it holds."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import __version__, db
from app.core.infrastructure.database import Database
from app.models import ConsentEvent, Contact, Gift, Receipt, User
from app.models.enums import ContactStatus


@dataclass(frozen=True)
class DatabaseInfo:
    """What `obole info` prints."""

    database: str
    engine: str
    schema_version: str | None
    app_version: str
    contacts: int
    gifts: int
    gifts_total_cents: int
    receipts: int
    consent_events: int
    users: int

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for JSON output."""
        return asdict(self)


def _count(session: Session, model: Any, *where: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def database_info(database: Database) -> DatabaseInfo:
    """Gather the figures of `database`."""
    with database.read() as session:
        return DatabaseInfo(
            database=database.engine.url.render_as_string(hide_password=True)
            if not database.is_sqlite
            else str(database.file or database.target),
            engine=database.engine.dialect.name,
            schema_version=db.current_revision(database.engine),
            app_version=__version__,
            contacts=_count(session, Contact, Contact.status != ContactStatus.MERGED),
            gifts=_count(session, Gift),
            gifts_total_cents=int(
                session.scalar(select(func.coalesce(func.sum(Gift.amount_cents), 0))) or 0
            ),
            receipts=_count(session, Receipt),
            consent_events=_count(session, ConsentEvent),
            users=_count(session, User),
        )
