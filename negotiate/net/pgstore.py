"""The PostgreSQL store (psycopg 3): the same classes, tables, seats and logs as `SqliteStore`, for
when one server process is not enough, plus what several processes on one database need.

    PostgresStore("postgresql://user@host:5432/db")              tables in the schema `negotiate`
    PostgresStore("postgresql://user@host:5432/db?schema=room7")  tables in the schema `room7`
    PostgresStore(url, schema="room7")                            the same (the argument wins)

The schema and its tables are created if missing. `schema` is this store's own query parameter: it
is taken out of the address before psycopg sees it; every other parameter goes to libpq as usual.

Several processes, one database:

- `own(table)` takes the table's session-level advisory lock on a connection held for the store's
  life: at most one process owns a table; its lock goes when the process closes the store, dies or
  loses its connection, and another may then take it.
  `held()` asks the database which tables this process still owns; `owns(table)` says what it
  believes without asking; `disown(table)` lets one go.
- `claim(table, address)` records where the owner serves it; `owner(table)` (and `owners()`, for
  every table) tells any process that address, while the claimant still holds the lock (a dead
  owner's claim reads as None).
- `append` also sends a NOTIFY carrying only "table_id:seq", delivered at commit; `listen(callback)`
  hears them on a connection of its own (psycopg #340), in a thread. A notification is a hint, not
  the data: listeners read what they missed from `log`, and notifications sent while a listener was
  reconnecting are lost.

Each call commits before it returns (the main connection is in autocommit mode; `add_class` and
`append` run in a transaction of their own). A dropped connection is opened again on the next call.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql

from negotiate.net.store import Logged, TableRecord

log = logging.getLogger("negotiate.server")

DEFAULT_SCHEMA = "negotiate"
CONNECT_TIMEOUT = 10
"""Seconds to wait for the database when connecting (unless the address sets connect_timeout)."""
LISTEN_POLL = 0.5
"""Seconds between a listener's checks that it should stop."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (id TEXT PRIMARY KEY, made DOUBLE PRECISION NOT NULL, content JSON NOT NULL);
CREATE TABLE IF NOT EXISTS tables (
    id TEXT PRIMARY KEY, class_id TEXT NOT NULL REFERENCES classes(id), number INTEGER NOT NULL,
    scenario TEXT NOT NULL, seed BIGINT NOT NULL, rounds INTEGER, bots JSON NOT NULL,
    pos BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE);
CREATE TABLE IF NOT EXISTS seats (code_hash TEXT PRIMARY KEY, table_id TEXT NOT NULL REFERENCES tables(id), seat TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    table_id TEXT NOT NULL REFERENCES tables(id), seq INTEGER NOT NULL, ts DOUBLE PRECISION NOT NULL,
    actor TEXT NOT NULL, action_id TEXT, action JSON NOT NULL, PRIMARY KEY (table_id, seq));
CREATE TABLE IF NOT EXISTS marks (table_id TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (table_id, key));
CREATE TABLE IF NOT EXISTS owners (
    table_id TEXT PRIMARY KEY, address TEXT NOT NULL, pid INTEGER NOT NULL, lock_key BIGINT NOT NULL,
    updated DOUBLE PRECISION NOT NULL);
"""
"""JSON columns are `json`, not `jsonb`: they keep the text as written (key order included)."""

LIVE_OWNERS = (
    "SELECT o.table_id, o.address FROM owners o JOIN pg_locks l ON l.pid = o.pid"
    " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
    " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    " AND l.classid::text::bigint = o.lock_key >> 32 AND l.objid::text::bigint = o.lock_key & 4294967295"
)
"""The claims whose claimant still holds the table's advisory lock (a bigint key shows in pg_locks
as classid: its high 32 bits, objid: its low 32 bits, objsubid 1)."""


def split_address(url: str) -> tuple[str, str | None]:
    """A `postgresql://` address without its `schema` parameter, and that parameter (or None)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((value for key, value in query if key == "schema"), None)
    rest = urlencode([(key, value) for key, value in query if key != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema or None


def shown(url: str) -> str:
    """An address fit to print: its password, if any, hidden."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user, _, host = parts.netloc.rpartition("@")
    return urlunsplit(parts._replace(netloc=f"{user.split(':', 1)[0]}:***@{host}"))


def _key(name: str) -> int:
    """A stable 63-bit advisory lock key for a name (the same in every process)."""
    digest = hashlib.sha256(f"negotiate\0{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big") & 0x7FFF_FFFF_FFFF_FFFF


class PostgresStore:
    """Classes, tables, seats and logs in a PostgreSQL schema; advisory locks say who owns a table."""

    def __init__(self, url: str, schema: str | None = None, connect_timeout: float | None = None):
        address, in_url = split_address(url)
        self.schema = schema or in_url or DEFAULT_SCHEMA
        self.where = f"{shown(address)} (schema {self.schema})"
        self._address = address
        self._timeout = None if "connect_timeout" in urlsplit(address).query else (connect_timeout or CONNECT_TIMEOUT)
        self._closed = False
        self._owned: set[str] = set()
        self._locks: psycopg.Connection[Any] | None = None
        self._listeners: list[tuple[threading.Thread, threading.Event]] = []
        self.channel = f"negotiate:{self.schema}"
        """The NOTIFY channel of this schema's appends (a channel's name is at most 63 bytes)."""
        if len(self.channel.encode()) > 63:
            self.channel = "negotiate:" + hashlib.sha256(self.schema.encode()).hexdigest()[:40]
        self.db = self._connect()
        with self.db.transaction():
            # one process at a time creates the schema: CREATE ... IF NOT EXISTS can race
            self.db.execute("SELECT pg_advisory_xact_lock(%s)", (_key(f"schema\0{self.schema}"),))
            self.db.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
            for statement in filter(str.strip, SCHEMA.split(";")):
                self.db.execute(statement)

    def _connect(self, **options: Any) -> psycopg.Connection[Any]:
        if self._timeout is not None:
            options["connect_timeout"] = max(1, round(self._timeout))
        db = psycopg.connect(self._address, autocommit=True, **options)
        db.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(self.schema)))
        return db

    def _db(self) -> psycopg.Connection[Any]:
        """The main connection, opened again if it was lost."""
        if self._closed:
            raise RuntimeError("the store is closed")
        if self.db.closed or self.db.broken:
            log.warning("the connection to %s was lost: connecting again", self.where)
            self.db.close()
            self.db = self._connect()
        return self.db

    def key(self, table_id: str) -> int:
        """The table's advisory lock key: stable, non-negative, 63 bits, of this schema's tables only."""
        return _key(f"table\0{self.schema}\0{table_id}")

    # --- the Store protocol ---------------------------------------------------------------

    def add_class(
        self, class_id: str, content: dict[str, Any], tables: list[TableRecord], codes: dict[str, tuple[str, str]]
    ) -> None:
        db = self._db()
        with db.transaction(), db.cursor() as cur:
            cur.execute("INSERT INTO classes VALUES (%s, %s, %s)", (class_id, time.time(), json.dumps(content)))
            cur.executemany(
                "INSERT INTO tables (id, class_id, number, scenario, seed, rounds, bots)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(t.id, t.class_id, t.number, t.scenario, t.seed, t.rounds, json.dumps(t.bots)) for t in tables],
            )
            cur.executemany("INSERT INTO seats VALUES (%s, %s, %s)", [(h, t, s) for h, (t, s) in codes.items()])

    def content(self, class_id: str) -> dict[str, Any]:
        row = self._db().execute("SELECT content::text FROM classes WHERE id = %s", (class_id,)).fetchone()
        if row is None:
            raise KeyError(f"no class {class_id!r}")
        return json.loads(row[0])  # type: ignore[no-any-return]

    def tables(self) -> list[TableRecord]:
        rows = (
            self._db()
            .execute("SELECT id, class_id, number, scenario, seed, rounds, bots::text FROM tables ORDER BY pos")
            .fetchall()
        )
        return [TableRecord(i, c, n, s, seed, r, json.loads(b)) for i, c, n, s, seed, r, b in rows]

    def seat_of(self, code_hash: str) -> tuple[str, str] | None:
        row = self._db().execute("SELECT table_id, seat FROM seats WHERE code_hash = %s", (code_hash,)).fetchone()
        return (row[0], row[1]) if row else None

    def log(self, table_id: str) -> list[Logged]:
        rows = (
            self._db()
            .execute(
                "SELECT seq, actor, action_id, action::text FROM events WHERE table_id = %s ORDER BY seq", (table_id,)
            )
            .fetchall()
        )
        return [Logged(seq, who, action_id, json.loads(action)) for seq, who, action_id, action in rows]

    def append(self, table_id: str, entry: Logged) -> None:
        """Add an action to a table's log and announce it ("table_id:seq"), committed on return.
        Two processes cannot both append one sequence number: the second fails."""
        db = self._db()
        with db.transaction():
            db.execute(
                "INSERT INTO events VALUES (%s, %s, %s, %s, %s, %s)",
                (table_id, entry.seq, time.time(), entry.actor, entry.action_id, json.dumps(entry.action)),
            )
            db.execute("SELECT pg_notify(%s, %s)", (self.channel, f"{table_id}:{entry.seq}"))

    def mark(self, table_id: str, key: str, value: str) -> None:
        self._db().execute(
            "INSERT INTO marks VALUES (%s, %s, %s) ON CONFLICT (table_id, key) DO UPDATE SET value = EXCLUDED.value",
            (table_id, key, value),
        )

    def marks(self, table_id: str) -> dict[str, str]:
        rows = self._db().execute("SELECT key, value FROM marks WHERE table_id = %s", (table_id,)).fetchall()
        return {key: value for key, value in rows}

    def close(self) -> None:
        """Close the connections: this process's tables (their locks and claims) are let go."""
        if self._closed:
            return
        for _, stop in self._listeners:
            stop.set()
        for thread, _ in self._listeners:
            thread.join(LISTEN_POLL * 4)
        self._listeners.clear()
        if self._owned and self._locks is not None and not (self._locks.closed or self._locks.broken):
            try:  # let go now, not when the server notices the connection closed
                self._locks.execute(
                    "DELETE FROM owners WHERE table_id = ANY(%s) AND pid = pg_backend_pid()", (list(self._owned),)
                )
                self._locks.execute("SELECT pg_advisory_unlock_all()")
            except psycopg.Error:
                log.warning("could not let go of this process's tables at %s", self.where, exc_info=True)
        if self._locks is not None:
            self._locks.close()
        self._owned.clear()
        self._closed = True
        self.db.close()

    # --- several processes ----------------------------------------------------------------

    def _lock_connection(self) -> psycopg.Connection[Any]:
        """The connection that holds this process's advisory locks, for the store's life. If it was
        lost, so were the locks: the tables are no longer owned."""
        if self._closed:
            raise RuntimeError("the store is closed")
        if self._locks is None or self._locks.closed or self._locks.broken:
            if self._locks is not None:
                log.warning("lost the connection that owned %s: they are not owned any more", sorted(self._owned))
                self._locks.close()
                self._owned.clear()
            self._locks = self._connect(keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=3)
        return self._locks

    def held(self) -> set[str]:
        """The tables this process still owns, asking the database: a lock connection found lost
        loses them all (another process may own them by now). Blocks for a round trip."""
        if self._closed or self._locks is None:
            return set()
        if not (self._locks.closed or self._locks.broken):
            try:
                self._locks.execute("SELECT 1")
            except psycopg.OperationalError:
                pass  # now broken: the next line lets the tables go
        self._lock_connection()
        return set(self._owned)

    def own(self, table_id: str) -> bool:
        """Try to own a table (without waiting): True if this process owns it now, false if another
        does. Owning lasts until `disown`, `close`, or this process's lock connection is lost."""
        locks = self._lock_connection()
        if table_id in self._owned:
            return True
        row = locks.execute("SELECT pg_try_advisory_lock(%s)", (self.key(table_id),)).fetchone()
        if row is not None and row[0]:
            self._owned.add(table_id)
            return True
        return False

    def owns(self, table_id: str) -> bool:
        """Whether this process owns the table, as far as it knows (without asking the database)."""
        return table_id in self._owned and self._locks is not None and not self._locks.broken

    def disown(self, table_id: str) -> None:
        """Let a table go: remove this process's claim and release its lock."""
        if table_id not in self._owned:
            return
        locks = self._lock_connection()
        if table_id in self._owned:
            locks.execute("DELETE FROM owners WHERE table_id = %s AND pid = pg_backend_pid()", (table_id,))
            locks.execute("SELECT pg_advisory_unlock(%s)", (self.key(table_id),))
            self._owned.discard(table_id)

    def claim(self, table_id: str, address: str) -> None:
        """Record where this process serves a table it owns (e.g. "http://10.0.0.5:8765"), so the
        others can send its clients there. Raises ValueError for a table it does not own."""
        if not self.own(table_id):
            raise ValueError(f"table {table_id!r} is owned by another process: it cannot be claimed here")
        self._lock_connection().execute(
            "INSERT INTO owners VALUES (%s, %s, pg_backend_pid(), %s, %s) ON CONFLICT (table_id) DO UPDATE"
            " SET address = EXCLUDED.address, pid = EXCLUDED.pid, lock_key = EXCLUDED.lock_key,"
            " updated = EXCLUDED.updated",
            (table_id, address, self.key(table_id), time.time()),
        )

    def owner(self, table_id: str) -> str | None:
        """The address claimed by the process that owns the table now; None if nobody owns it, or
        its owner has not claimed it (a claim outlives a dead owner's lock, and is ignored then)."""
        row = self._db().execute(LIVE_OWNERS + " AND o.table_id = %s", (table_id,)).fetchone()
        return row[1] if row else None

    def owners(self) -> dict[str, str]:
        """`owner` of every table that has one: table id -> the address its owner claimed."""
        return {table_id: address for table_id, address in self._db().execute(LIVE_OWNERS).fetchall()}

    def notify(self, table_id: str, seq: int) -> None:
        """Tell the listeners that a table changed ("table_id:seq"); `append` does it itself."""
        self._db().execute("SELECT pg_notify(%s, %s)", (self.channel, f"{table_id}:{seq}"))

    def listen(self, callback: Callable[[str, int], None]) -> Callable[[], None]:
        """Call `callback(table_id, seq)` for each table change announced in this schema (by any
        process, this one too), from a thread of its own with a connection of its own. Returns a
        function that stops listening (`close` stops every listener). The listener is listening
        when this returns."""
        connection = self._connect()
        connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
        stop = threading.Event()
        thread = threading.Thread(
            target=self._hear, args=(connection, callback, stop), name=f"listen {self.channel}", daemon=True
        )
        self._listeners.append((thread, stop))
        thread.start()

        def stop_listening() -> None:
            stop.set()
            thread.join(LISTEN_POLL * 4)

        return stop_listening

    def _hear(
        self, connection: psycopg.Connection[Any], callback: Callable[[str, int], None], stop: threading.Event
    ) -> None:
        try:
            while not stop.is_set():
                try:
                    for note in connection.notifies(timeout=LISTEN_POLL):
                        table_id, _, seq = note.payload.rpartition(":")
                        try:
                            callback(table_id, int(seq))
                        except Exception:
                            log.exception("a listener failed on %r", note.payload)
                        if stop.is_set():
                            break
                except psycopg.OperationalError:
                    if stop.is_set():
                        return
                    log.warning("the listening connection to %s was lost: connecting again", self.where)
                    connection.close()
                    stop.wait(1.0)
                    try:
                        connection = self._connect()
                        connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                    except psycopg.OperationalError:
                        continue
        finally:
            connection.close()
