"""Listeners put once on a session factory (the journal, the GDPR restriction guard).

`sqlalchemy.event.contains(factory, ...)` cannot tell whether a listener is there: it looks the
target up by `id()`, and the Session subclass each sessionmaker makes is a new class whose id
can be that of an earlier, garbage-collected one. contains() then answers True for a factory
that has no listener, and every session of that database would go unjournaled and unguarded
(measured: the 10th of 12 factories made in a row, with a garbage collection between them).
So the factories that got a listener are remembered here, by the factory object itself.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

_installed: weakref.WeakKeyDictionary[sessionmaker[Session], set[tuple[str, Any]]] = (
    weakref.WeakKeyDictionary()
)


def listen_once(
    factory: sessionmaker[Session], identifier: str, listener: Callable[..., Any]
) -> None:
    """`event.listen(factory, identifier, listener)` unless this factory already has it."""
    done = _installed.setdefault(factory, set())
    if (identifier, listener) not in done:
        event.listen(factory, identifier, listener)
        done.add((identifier, listener))
