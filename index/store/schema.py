"""The tables of a store: created, completed and upgraded when a store is opened.

Several processes may open one PostgreSQL database at the same moment (replicas
starting together); a transaction-level advisory lock lets one of them create
the tables while the others wait and then find them.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, delete, insert, inspect, select

import index.store.knowledge_tables  # noqa: F401  (registers the knowledge tables for create_all)
from index.store.locks import lock_schema
from index.store.tables import Base, Document, PendingVectors, State


def prepare_schema(conn: Connection) -> None:
    """Inside the opening transaction: every table, index and first row the store needs."""
    lock_schema(conn)  # N replicas starting at once: one creates, the others wait
    Base.metadata.create_all(conn)
    _add_missing_indexes(conn)
    _move_pending_list(conn)
    _first_generation(conn)


def _add_missing_indexes(conn: Connection) -> None:
    """Indexes declared after a store was made: ``create_all`` adds missing tables only.

    One catalogue read per table (``checkfirst`` per index took 14 ms per open).
    """
    catalogue = inspect(conn)
    for table in Base.metadata.sorted_tables:
        if table.indexes:
            have = {ix["name"] for ix in catalogue.get_indexes(table.name)}
            for ix in table.indexes:
                if ix.name not in have:
                    ix.create(conn)


def _first_generation(conn: Connection) -> None:
    """The generation row exists from the start, so every bump is one UPDATE."""
    if conn.execute(select(State.value).where(State.key == "generation")).scalar() is None:
        conn.execute(insert(State).values(key="generation", value="0"))


def _move_pending_list(conn: Connection) -> None:
    """Stores made before the pending table kept pending documents as a JSON list."""
    old = conn.execute(select(State.value).where(State.key == "sentences_pending")).scalar()
    if old is None:
        return
    known = set(conn.execute(select(Document.id)).scalars())
    wanted = sorted(set(json.loads(old) or []) & known)
    if wanted:
        conn.execute(insert(PendingVectors), [{"document_id": d} for d in wanted])
    conn.execute(delete(State).where(State.key == "sentences_pending"))
