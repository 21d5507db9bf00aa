"""The stores: SQLite and PostgreSQL keep the same classes, tables, seats and logs the same way; on
PostgreSQL, one process at a time owns a table; and a class plays to its end on a real PostgreSQL.

The PostgreSQL tests use $NEGOTIATE_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test),
each in a schema of its own, dropped after; they are skipped when no server answers within 2 s.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from negotiate.net.store import Logged, SqliteStore, Store, TableRecord, open_store

POSTGRES = os.environ.get("NEGOTIATE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _reach() -> str | None:
    """Why PostgreSQL cannot be used here, or None if it can."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'negotiate[postgres]')"
    try:
        with psycopg.connect(POSTGRES, connect_timeout=2) as db:
            db.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"no PostgreSQL at {POSTGRES} ({str(exc).strip().splitlines()[0]}); set NEGOTIATE_TEST_POSTGRES"
    return None


_UNREACHABLE: list[str | None] = []


def need_postgres() -> None:
    if not _UNREACHABLE:
        _UNREACHABLE.append(_reach())
    if _UNREACHABLE[0] is not None:
        pytest.skip(_UNREACHABLE[0])


@pytest.fixture
def schema() -> Iterator[str]:
    """A fresh schema name, dropped (with all in it) after the test."""
    need_postgres()
    import psycopg
    from psycopg import sql

    name = f"negotiate_test_{secrets.token_hex(6)}"
    yield name
    with psycopg.connect(POSTGRES, autocommit=True, connect_timeout=2) as db:
        db.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


@pytest.fixture(params=["sqlite", "postgres"])
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """Opens the store under test: each call a new connection to the same data."""
    opened: list[Store] = []
    if request.param == "sqlite":

        def make() -> Store:
            opened.append(SqliteStore(tmp_path / "server.sqlite3"))
            return opened[-1]

    else:
        schema = request.getfixturevalue("schema")

        def make() -> Store:
            opened.append(open_store(f"{POSTGRES}?schema={schema}"))
            return opened[-1]

    yield make
    for store in opened:
        store.close()


def _class(class_id: str, tables: int = 2) -> tuple[dict[str, Any], list[TableRecord], dict[str, tuple[str, str]]]:
    content = {"digest": f"d-{class_id}", "files": {"z.yaml": "zé: 1\n", "a.yaml": "a: [1, 2]\n"}}
    records = [
        TableRecord(
            f"{class_id}-{n}",
            class_id,
            n,
            "classroom",
            2**40 + n,
            None if n % 2 else 3,
            {"opec": "hawk:2"} if n == 1 else {},
        )
        for n in range(1, tables + 1)
    ]
    codes = {f"h-{r.id}-{seat}": (r.id, seat) for r in records for seat in ("opec", "eu")}
    return content, records, codes


ACTION = {"type": "offer", "seat": "eu", "terms": [{"track": "carbon", "value": 2.5}], "note": "ünïcode ✓"}


# --- the Store protocol, on both ----------------------------------------------------------------


def test_an_empty_store_has_nothing(make_store: Callable[[], Store]) -> None:
    store = make_store()
    assert store.tables() == []
    assert store.log("nope") == []
    assert store.marks("nope") == {}
    assert store.seat_of("nope") is None
    assert isinstance(store.where, str) and store.where


def test_a_class_keeps_its_content_tables_and_seats(make_store: Callable[[], Store]) -> None:
    store = make_store()
    content, records, codes = _class("c1")
    store.add_class("c1", content, records, codes)
    later, more, more_codes = _class("b0", tables=1)
    store.add_class("b0", later, more, more_codes)
    assert store.content("c1") == content
    assert list(store.content("c1")["files"]) == ["z.yaml", "a.yaml"]  # key order kept
    assert store.tables() == records + more  # in the order they were added
    assert store.seat_of("h-c1-2-eu") == ("c1-2", "eu")
    assert store.seat_of("h-b0-1-opec") == ("b0-1", "opec")


def test_a_failed_class_leaves_nothing(make_store: Callable[[], Store]) -> None:
    store = make_store()
    content, records, codes = _class("c1")
    store.add_class("c1", content, records, codes)
    other, others, other_codes = _class("c2")
    other_codes["h-c1-1-eu"] = ("c2-1", "eu")  # a code hash already taken
    with pytest.raises(Exception):  # noqa: B017 - sqlite3.IntegrityError or psycopg's UniqueViolation
        store.add_class("c2", other, others, other_codes)
    assert store.tables() == records
    assert store.seat_of("h-c2-1-opec") is None
    assert store.seat_of("h-c1-1-eu") == ("c1-1", "eu")
    store.add_class("c2", other, others, {k: v for k, v in other_codes.items() if k != "h-c1-1-eu"})  # still usable
    assert store.tables() == records + others


def test_a_log_keeps_its_actions_in_order(make_store: Callable[[], Store]) -> None:
    store = make_store()
    store.add_class(*(("c1",) + _class("c1")))
    entries = [Logged(1, "eu", "a1", ACTION), Logged(2, "opec", None, {"type": "pass", "seat": "opec"})]
    for entry in entries:
        store.append("c1-1", entry)
    store.append("c1-2", Logged(1, "facilitator", "f", {"type": "pause"}))
    assert store.log("c1-1") == entries
    assert store.log("c1-2") == [Logged(1, "facilitator", "f", {"type": "pause"})]
    with pytest.raises(Exception):  # noqa: B017 - one sequence number, one action
        store.append("c1-1", Logged(2, "eu", "again", ACTION))
    assert store.log("c1-1") == entries
    store.append("c1-1", Logged(3, "eu", "a3", ACTION))  # the store goes on after a refused append
    assert [e.seq for e in store.log("c1-1")] == [1, 2, 3]


def test_marks_are_per_table_and_the_last_one_holds(make_store: Callable[[], Store]) -> None:
    store = make_store()
    store.add_class(*(("c1",) + _class("c1")))
    store.mark("c1-1", "joined:eu", "1")
    store.mark("c1-1", "started", "1")
    store.mark("c1-1", "started", "2")
    store.mark("c1-2", "joined:opec", "1")
    assert store.marks("c1-1") == {"joined:eu": "1", "started": "2"}
    assert store.marks("c1-2") == {"joined:opec": "1"}


def test_what_is_written_is_committed_and_outlives_the_store(make_store: Callable[[], Store]) -> None:
    first = make_store()
    content, records, codes = _class("c1")
    first.add_class("c1", content, records, codes)
    first.append("c1-1", Logged(1, "eu", "a1", ACTION))
    first.mark("c1-1", "started", "1")
    other = make_store()  # another connection sees each write as soon as it returns
    assert other.log("c1-1") == [Logged(1, "eu", "a1", ACTION)]
    assert other.marks("c1-1") == {"started": "1"}
    first.append("c1-1", Logged(2, "eu", "a2", ACTION))
    assert len(other.log("c1-1")) == 2
    first.close()
    other.close()
    again = make_store()
    assert again.tables() == records
    assert again.content("c1") == content
    assert again.seat_of("h-c1-1-opec") == ("c1-1", "opec")
    assert [e.action_id for e in again.log("c1-1")] == ["a1", "a2"]


# --- PostgreSQL only ------------------------------------------------------------------------------


@pytest.fixture
def pg(schema: str) -> Iterator[Callable[[], Any]]:
    from negotiate.net.pgstore import PostgresStore

    opened: list[PostgresStore] = []

    def make() -> PostgresStore:
        opened.append(PostgresStore(POSTGRES, schema=schema))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


def test_the_schema_comes_from_the_argument_or_the_address(schema: str) -> None:
    from negotiate.net.pgstore import DEFAULT_SCHEMA, PostgresStore, shown, split_address

    assert split_address("postgresql://u@h:5/db?sslmode=disable&schema=x") == (
        "postgresql://u@h:5/db?sslmode=disable",
        "x",
    )
    assert split_address("postgresql://u@h/db") == ("postgresql://u@h/db", None)
    assert shown("postgresql://u:secret@h:5/db") == "postgresql://u:***@h:5/db"
    store = open_store(f"{POSTGRES}?schema={schema}")
    try:
        assert isinstance(store, PostgresStore) and store.schema == schema
        assert schema in store.where
        store.add_class(*(("c1",) + _class("c1")))
    finally:
        store.close()
    named = PostgresStore(f"{POSTGRES}?schema=elsewhere", schema=schema)  # the argument wins
    try:
        assert named.schema == schema and [t.id for t in named.tables()] == ["c1-1", "c1-2"]
    finally:
        named.close()
    assert DEFAULT_SCHEMA == "negotiate"


def test_several_stores_make_one_schema_at_once(schema: str) -> None:
    from negotiate.net.pgstore import PostgresStore

    made: list[PostgresStore] = []
    failed: list[BaseException] = []

    def make() -> None:
        try:
            made.append(PostgresStore(POSTGRES, schema=schema))
        except BaseException as exc:  # reported below
            failed.append(exc)

    threads = [threading.Thread(target=make) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    try:
        assert not failed and len(made) == 4
        assert all(store.tables() == [] for store in made)
    finally:
        for store in made:
            store.close()


def test_one_process_at_a_time_owns_a_table(pg: Callable[[], Any]) -> None:
    first, second = pg(), pg()
    assert first.own("t1")
    assert first.own("t1")  # still: owning is not counted twice
    assert not second.own("t1")
    assert second.own("t2") and not first.own("t2")
    assert first.owns("t1") and not second.owns("t1")
    first.close()
    assert second.own("t1")
    third = pg()
    assert not third.own("t1")
    second.disown("t1")
    assert third.own("t1")
    assert not second.own("t1")


def test_the_owner_tells_where_it_serves_a_table(pg: Callable[[], Any]) -> None:
    first, second = pg(), pg()
    assert second.owner("t1") is None
    assert first.own("t1")
    assert second.owner("t1") is None  # owned, not claimed yet
    first.claim("t1", "http://10.0.0.5:8765")
    assert second.owner("t1") == first.owner("t1") == "http://10.0.0.5:8765"
    with pytest.raises(ValueError):
        second.claim("t1", "http://10.0.0.6:8765")
    first.claim("t1", "http://10.0.0.5:9000")
    assert second.owner("t1") == "http://10.0.0.5:9000"
    assert second.own("t2")
    second.claim("t2", "http://10.0.0.6:8765")
    assert first.owners() == {"t1": "http://10.0.0.5:9000", "t2": "http://10.0.0.6:8765"}
    second.disown("t2")
    assert first.owners() == {"t1": "http://10.0.0.5:9000"}
    first.close()
    assert second.owner("t1") is None  # its owner is gone
    assert second.own("t1")
    assert second.owner("t1") is None
    second.claim("t1", "http://10.0.0.6:8765")
    assert pg().owner("t1") == "http://10.0.0.6:8765"


def test_a_dead_owners_claim_is_not_believed(pg: Callable[[], Any]) -> None:
    first, second = pg(), pg()
    assert first.own("t1")
    first.claim("t1", "http://gone:1")
    first._locks.close()  # as if the process died: its lock goes (soon), its claim stays
    for _ in range(50):
        if second.owner("t1") is None:
            break
        time.sleep(0.05)
    assert second.owner("t1") is None
    assert second.own("t1")
    assert not first.own("t1")  # it knows it lost the table, and cannot take it back
    assert not first.owns("t1")


def test_a_lost_lock_connection_loses_the_tables(pg: Callable[[], Any]) -> None:
    first, second = pg(), pg()
    assert first.own("t1") and first.own("t2")
    assert first.held() == {"t1", "t2"}
    second.db.execute("SELECT pg_terminate_backend(%s, 5000)", (first._locks.info.backend_pid,))  # waits
    assert first.held() == set()
    assert second.own("t1")
    assert not first.own("t1") and first.own("t2")
    assert first.held() == {"t2"}


def test_appends_are_announced_to_listeners(pg: Callable[[], Any]) -> None:
    writer, reader = pg(), pg()
    writer.add_class(*(("c1",) + _class("c1")))
    heard: list[tuple[str, int]] = []
    got = threading.Event()

    def hear(table_id: str, seq: int) -> None:
        heard.append((table_id, seq))
        if len(heard) >= 3:
            got.set()

    stop = reader.listen(hear)
    writer.append("c1-1", Logged(1, "eu", "a1", ACTION))
    writer.append("c1-2", Logged(1, "eu", "a1", ACTION))
    writer.notify("c1-1", 7)
    assert got.wait(5), heard
    assert heard == [("c1-1", 1), ("c1-2", 1), ("c1-1", 7)]
    stop()
    writer.append("c1-1", Logged(2, "eu", "a2", ACTION))
    time.sleep(0.2)
    assert len(heard) == 3


# --- a class on a real PostgreSQL -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _negotiate(*args: str, env: dict[str, str], timeout: float = 20) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "negotiate", *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"negotiate {' '.join(args)}: {done.stderr}{done.stdout}"
    return done.stdout


def test_a_class_plays_to_its_end_on_postgresql(schema: str, tmp_path: Path) -> None:
    env = {**os.environ, "NEGOTIATE_DATA": str(tmp_path / "data"), "NEGOTIATE_TOKEN": "x"}
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "negotiate", "serve", "--port", str(port), "--store", f"{POSTGRES}?schema={schema}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seats: list[subprocess.Popen[str]] = []
    try:
        assert server.stdout is not None
        said = server.stdout.readline()
        assert f"table server at {url}" in said and schema in said, said
        threading.Thread(target=server.stdout.read, daemon=True).start()  # keep its pipe drained
        made = json.loads(
            _negotiate(
                *("class", "new", "--server", url, "--scenario", "classroom", "--tables", "1"),
                *("--rounds", "1", "--seed", "3", "--bots", "none", "--json", "--sheet", str(tmp_path / "sheet.html")),
                env=env,
            )
        )
        (table,) = made["tables"]
        assert len(table["seats"]) == 4
        seats = [
            subprocess.Popen(
                [sys.executable, "-m", "negotiate", "join", url, code, "--bot", "pragmatist"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for code in table["seats"].values()
        ]
        for seat in seats:
            out, err = seat.communicate(timeout=25)
            assert seat.returncode == 0, err
            assert "the game is over" in out
        (status,) = json.loads(_negotiate("class", "status", "--server", url, "--json", env=env))["tables"]
        assert status["finished"] and status["table"] == table["table"]
        _negotiate("class", "export", "--server", url, made["class"], str(tmp_path / "out"), env=env)
        replayed = _negotiate("replay", str(tmp_path / "out" / f"{table['table']}.json"), env=env)
        found = re.search(r"^digest (\S+)$", replayed, re.MULTILINE)
        assert found and found.group(1) == status["digest"]
    finally:
        for seat in seats:
            if seat.poll() is None:
                seat.kill()
                seat.wait()
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    from negotiate.net.pgstore import PostgresStore

    kept = PostgresStore(POSTGRES, schema=schema)  # the log is in the database, every action of it
    try:
        assert [t.id for t in kept.tables()] == [table["table"]]
        log = kept.log(table["table"])
        assert log and [e.seq for e in log] == list(range(1, len(log) + 1))
    finally:
        kept.close()


def _serve(port: int, store: str, env: dict[str, str]) -> subprocess.Popen[str]:
    """`negotiate serve` in a subprocess, once it listens (its output drained in a thread)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "negotiate", "serve", "--port", str(port), "--store", store],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert server.stdout is not None
    said = server.stdout.readline()
    assert f"table server at http://127.0.0.1:{port}" in said, said
    threading.Thread(target=server.stdout.read, daemon=True).start()
    return server


def test_two_processes_serve_a_class_and_one_goes_on_when_the_other_dies(schema: str, tmp_path: Path) -> None:
    from negotiate.net.facilitator import call

    env = {**os.environ, "NEGOTIATE_DATA": str(tmp_path / "data"), "NEGOTIATE_TOKEN": "x"}
    store = f"{POSTGRES}?schema={schema}"
    a_port, b_port = _free_port(), _free_port()
    a_url, b_url = f"http://127.0.0.1:{a_port}", f"http://127.0.0.1:{b_port}"
    a, b = _serve(a_port, store, env), _serve(b_port, store, env)
    seats: list[subprocess.Popen[str]] = []
    try:
        made = json.loads(
            _negotiate(
                *("class", "new", "--server", a_url, "--scenario", "classroom", "--tables", "2", "--seed", "3"),
                *("--bots", "none", "--json", "--sheet", str(tmp_path / "sheet.html")),
                env=env,
            )
        )
        tables = [t["table"] for t in made["tables"]]
        assert [t["table"] for t in call(b_url, "GET", "/api/status", token="x")["tables"]] == tables  # A's, from B
        seats = [  # every seat joins through B, which passes it on to A
            subprocess.Popen(
                [sys.executable, "-m", "negotiate", "join", b_url, code, "--bot", "pragmatist"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for t in made["tables"]
            for code in t["seats"].values()
        ]
        for _ in range(400):
            playing = call(b_url, "GET", "/api/status", token="x")["tables"]
            if all(t["started"] and len(t["connected"]) == 4 for t in playing):
                break
            time.sleep(0.05)
        else:
            raise AssertionError(f"the seats did not all join: {playing}")
        a.kill()  # mid-game: B takes A's tables over, and the seats join again, at B
        a.wait()
        assert not any(t["finished"] for t in playing)
        for seat in seats:
            out, err = seat.communicate(timeout=60)
            assert seat.returncode == 0, err
            assert "the game is over" in out
        status = call(b_url, "GET", "/api/status", token="x")["tables"]
        assert [t["table"] for t in status] == tables and all(t["finished"] for t in status)
        _negotiate("class", "export", "--server", b_url, made["class"], str(tmp_path / "out"), env=env)
        for t in status:
            replayed = _negotiate("replay", str(tmp_path / "out" / f"{t['table']}.json"), env=env)
            assert f"digest {t['digest']}" in replayed
    finally:
        for process in [*seats, a, b]:
            if process.poll() is None:
                process.kill()
                process.wait()
