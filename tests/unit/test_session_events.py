"""Every database opened in a process journals and guards its sessions, the hundredth too.

`sqlalchemy.event.contains` looked the factory's Session class up by id(); once an earlier
factory's class was garbage-collected, a new one could get its id and be taken for
"already listening": that database's changes went unjournaled and restricted contacts
unguarded (it showed as journal tests failing at random in the full suite).
"""

from __future__ import annotations

import gc

from sqlalchemy import Column, Integer, create_engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

from app.core.infrastructure.session_events import listen_once

Probe = declarative_base()


class _Row(Probe):
    __tablename__ = "row"
    id = Column(Integer, primary_key=True)


def test_each_new_factory_gets_its_listener_even_when_ids_are_reused() -> None:
    engine = create_engine("sqlite://")
    Probe.metadata.create_all(engine)
    heard: list[Session] = []

    def listener(session: Session, _context: object) -> None:
        heard.append(session)

    missed = 0
    for _ in range(60):
        factory: sessionmaker[Session] = sessionmaker(engine)
        listen_once(factory, "after_flush", listener)
        listen_once(factory, "after_flush", listener)  # idempotent: heard once per flush
        before = len(heard)
        with factory() as session:
            session.add(_Row())
            session.flush()
            session.rollback()
        missed += len(heard) - before != 1
        del factory
        gc.collect()  # frees the last factory's class: the next one may reuse its id
    assert missed == 0
