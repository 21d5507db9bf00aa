"""Where the server keeps classes, tables, seats' hashed join codes and every table's log.

A table is its scenario, seed and length, the content it plays with, and its events: the actions
applied, in order. The game is rebuilt by replaying them (the log is the game). Each append is
committed before the server acknowledges the action or shows its effect to anyone.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class TableRecord:
    id: str
    class_id: str
    number: int
    scenario: str
    seed: int
    rounds: int | None
    bots: dict[str, str]
    """The bots that take the seats nobody joined when the table starts (seat -> personality:level)."""


@dataclass(frozen=True)
class Logged:
    """One action in a table's log."""

    seq: int
    actor: str
    action_id: str | None
    action: dict[str, Any]


class Store(Protocol):
    """What the server needs of a store (SQLite or PostgreSQL)."""

    where: str

    def add_class(
        self, class_id: str, content: dict[str, Any], tables: list[TableRecord], codes: dict[str, tuple[str, str]]
    ) -> None: ...
    def content(self, class_id: str) -> dict[str, Any]: ...
    def tables(self) -> list[TableRecord]: ...
    def seat_of(self, code_hash: str) -> tuple[str, str] | None: ...
    def log(self, table_id: str) -> list[Logged]: ...
    def append(self, table_id: str, entry: Logged) -> None: ...
    def mark(self, table_id: str, key: str, value: str) -> None: ...
    def marks(self, table_id: str) -> dict[str, str]: ...
    def close(self) -> None: ...

    # several processes on one store: each table is owned by one of them
    def own(self, table_id: str) -> bool: ...
    def held(self) -> set[str]: ...
    def claim(self, table_id: str, address: str) -> None: ...
    def owners(self) -> dict[str, str]: ...


SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (id TEXT PRIMARY KEY, made REAL NOT NULL, content TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tables (
    id TEXT PRIMARY KEY, class_id TEXT NOT NULL REFERENCES classes(id), number INTEGER NOT NULL,
    scenario TEXT NOT NULL, seed INTEGER NOT NULL, rounds INTEGER, bots TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seats (code_hash TEXT PRIMARY KEY, table_id TEXT NOT NULL REFERENCES tables(id), seat TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    table_id TEXT NOT NULL REFERENCES tables(id), seq INTEGER NOT NULL, ts REAL NOT NULL, actor TEXT NOT NULL,
    action_id TEXT, action TEXT NOT NULL, PRIMARY KEY (table_id, seq));
CREATE TABLE IF NOT EXISTS marks (table_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (table_id, key));
"""


class SqliteStore:
    """The default store: one SQLite file, in WAL mode, every commit synchronous."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.where = str(path)
        self.db = sqlite3.connect(path, isolation_level=None, timeout=10)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)
        self.owned: set[str] = set()

    def add_class(
        self, class_id: str, content: dict[str, Any], tables: list[TableRecord], codes: dict[str, tuple[str, str]]
    ) -> None:
        db = self.db
        db.execute("BEGIN")
        try:
            db.execute("INSERT INTO classes VALUES (?, ?, ?)", (class_id, time.time(), json.dumps(content)))
            db.executemany(
                "INSERT INTO tables VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(t.id, t.class_id, t.number, t.scenario, t.seed, t.rounds, json.dumps(t.bots)) for t in tables],
            )
            db.executemany("INSERT INTO seats VALUES (?, ?, ?)", [(h, t, s) for h, (t, s) in codes.items()])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def content(self, class_id: str) -> dict[str, Any]:
        row = self.db.execute("SELECT content FROM classes WHERE id = ?", (class_id,)).fetchone()
        return json.loads(row[0])

    def tables(self) -> list[TableRecord]:
        rows = self.db.execute(
            "SELECT id, class_id, number, scenario, seed, rounds, bots FROM tables ORDER BY rowid"
        ).fetchall()
        return [TableRecord(i, c, n, s, seed, r, json.loads(b)) for i, c, n, s, seed, r, b in rows]

    def seat_of(self, code_hash: str) -> tuple[str, str] | None:
        row = self.db.execute("SELECT table_id, seat FROM seats WHERE code_hash = ?", (code_hash,)).fetchone()
        return (row[0], row[1]) if row else None

    def log(self, table_id: str) -> list[Logged]:
        rows = self.db.execute(
            "SELECT seq, actor, action_id, action FROM events WHERE table_id = ? ORDER BY seq", (table_id,)
        ).fetchall()
        return [Logged(seq, who, action_id, json.loads(action)) for seq, who, action_id, action in rows]

    def append(self, table_id: str, entry: Logged) -> None:
        self.db.execute(
            "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?)",
            (table_id, entry.seq, time.time(), entry.actor, entry.action_id, json.dumps(entry.action)),
        )

    def mark(self, table_id: str, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO marks VALUES (?, ?, ?)", (table_id, key, value))

    def marks(self, table_id: str) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM marks WHERE table_id = ?", (table_id,)).fetchall())

    def close(self) -> None:
        self.db.close()

    # One process serves a SQLite store: it owns every table, and no other process serves any.

    def own(self, table_id: str) -> bool:
        self.owned.add(table_id)
        return True

    def held(self) -> set[str]:
        return set(self.owned)

    def claim(self, table_id: str, address: str) -> None:
        pass

    def owners(self) -> dict[str, str]:
        return {}


def open_store(where: str) -> Store:
    """The store at a path (SQLite) or a `postgresql://` address."""
    if where.startswith(("postgresql://", "postgres://")):
        from negotiate.net.pgstore import PostgresStore

        return PostgresStore(where)
    return SqliteStore(Path(where))
