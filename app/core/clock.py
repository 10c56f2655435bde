"""An injectable clock, so tests never patch time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


class Clock(Protocol):
    """Something that tells the current time."""

    def now(self) -> datetime:
        """Current time, UTC-aware."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Current time, UTC-aware."""
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that says what the test wants (and can be moved)."""

    current: datetime

    def now(self) -> datetime:
        """The fixed time."""
        return self.current


def today(clock: Clock) -> date:
    """The current date in France (what the user thinks "today" is)."""
    return clock.now().astimezone(PARIS).date()
