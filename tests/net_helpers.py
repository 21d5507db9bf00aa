"""Helpers for the table server's tests: a server in the test's own event loop on an ephemeral
port, the facilitator's HTTP calls, and a raw WebSocket seat client that keeps every message.

Nothing here decides what a test asserts; the helpers only fail loudly (with what they saw) when
an expected message does not come in time.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from negotiate.bots import BotSpec, make_bot
from negotiate.content import Content
from negotiate.engine.table import table_for
from negotiate.net.host import Host
from negotiate.net.server import Server
from negotiate.net.store import SqliteStore

TOKEN = "facilitator-token-for-tests"
WAIT = 10.0
"""Seconds a helper waits for an expected message before it fails the test."""


def free_port() -> int:
    """A TCP port nobody listens on now (for a server in another process)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- a server in this event loop -------------------------------------------------------------------


@dataclass
class Running:
    """A table server running in the test's event loop, and a facilitator's HTTP session."""

    server: Server
    url: str
    store_path: Path
    http: aiohttp.ClientSession
    token: str = TOKEN

    async def api(
        self, method: str, path: str, body: Any = None, token: str | None = None, raw: bytes | None = None
    ) -> tuple[int, Any]:
        """A facilitator's request: (HTTP status, JSON body)."""
        headers = {} if token == "" else {"Authorization": f"Bearer {token or self.token}"}
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        async with self.http.request(method, self.url + path, data=data, headers=headers) as response:
            text = await response.text()
            try:
                return response.status, json.loads(text)
            except json.JSONDecodeError:
                return response.status, text

    async def ok(self, method: str, path: str, body: Any = None) -> Any:
        status, data = await self.api(method, path, body)
        assert status == 200, f"{method} {path} -> {status}: {data}"
        return data

    async def new_class(self, scenario: str = "classroom", tables: int = 1, rounds: int | None = 1, **more: Any):
        return await self.ok("POST", "/api/classes", {"scenario": scenario, "tables": tables, "rounds": rounds, **more})

    async def start(self, table: str) -> None:
        assert (await self.ok("POST", "/api/start", {"table": table}))["started"] == [table]

    async def act(self, table: str, action: dict[str, Any], action_id: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"action": action}
        if action_id is not None:
            body["id"] = action_id
        return await self.ok("POST", f"/api/tables/{table}/act", body)

    async def status(self, table: str) -> dict[str, Any]:
        tables = (await self.ok("GET", "/api/status"))["tables"]
        return next(t for t in tables if t["table"] == table)

    def host(self, table: str) -> Host:
        return self.server.hosts[table]

    async def settled(self, table: str, timeout: float = WAIT) -> Host:
        """The table once its writer has nothing left to do (bots included)."""
        host = self.host(table)
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            await asyncio.sleep(0.02)
            seq = host.seq
            await asyncio.sleep(0.05)
            if host.queue.empty() and host.seq == seq and (host.game.is_over or not _bot_to_play(host)):
                return host
            assert loop.time() < end, f"table {table} never settled (seq {host.seq})"


def _bot_to_play(host: Host) -> bool:
    seat = host.game.current_seat
    return host.started and not host.game.state.paused and seat is not None and seat in host.bots


@asynccontextmanager
async def serving(folder: Path, content: Content, token: str = TOKEN) -> AsyncIterator[Running]:
    """A server on an ephemeral port of 127.0.0.1, its store in `folder` (opened again if there)."""
    store_path = folder / "server.sqlite3"
    server = Server(SqliteStore(store_path), content, token)
    site = TestServer(server.app(), host="127.0.0.1", port=0)
    await site.start_server()
    http = aiohttp.ClientSession()
    try:
        yield Running(server, str(site.make_url("")).rstrip("/"), store_path, http, token)
    finally:
        await http.close()
        await site.close()


def seat_codes(made: dict[str, Any], number: int = 0) -> dict[str, str]:
    """The join codes of a class's table (the first by default), by seat."""
    return dict(made["tables"][number]["seats"])


# --- a raw seat client -----------------------------------------------------------------------------


@dataclass
class Raw:
    """A seat's WebSocket with no client library: it sends what the test says and keeps every
    message it receives, parsed, in `got`."""

    ws: aiohttp.ClientWebSocketResponse
    session: aiohttp.ClientSession
    got: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False

    @classmethod
    async def connect(cls, url: str) -> Raw:
        session = aiohttp.ClientSession()
        ws = await session.ws_connect(url + "/ws", max_msg_size=0)
        return cls(ws, session)

    @classmethod
    async def join(cls, url: str, code: str, since: int | None = None) -> Raw:
        raw = await cls.connect(url)
        first = await raw.hello(code, since)
        assert first["type"] == "snapshot", f"joining with {code}: {first}"
        return raw

    async def hello(self, code: str, since: int | None = None) -> dict[str, Any]:
        await self.send({"type": "hello", "version": 1, "code": code, "since": since})
        return await self.next()

    async def send(self, message: dict[str, Any] | str) -> None:
        await self.ws.send_str(message if isinstance(message, str) else json.dumps(message))

    async def next(self, timeout: float = WAIT) -> dict[str, Any]:
        """The next message; a closed socket gives {"type": "closed", "code": ...}."""
        message = await self.ws.receive(timeout=timeout)
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED):
            self.closed = True
            return {"type": "closed", "code": self.ws.close_code}
        if message.type == aiohttp.WSMsgType.ERROR:
            self.closed = True
            return {"type": "closed", "code": self.ws.close_code, "error": str(message.data)}
        assert message.type == aiohttp.WSMsgType.TEXT, message
        data = json.loads(message.data)
        self.got.append(data)
        return data

    async def until(
        self, wanted: Callable[[dict[str, Any]], bool], timeout: float = WAIT, received: bool = False
    ) -> dict[str, Any]:
        """Read until a message that `wanted` accepts (the messages before it are kept in `got`);
        with `received`, the first such message already received will do."""
        if received:
            old = next((m for m in self.got if wanted(m)), None)
            if old is not None:
                return old
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while True:
            left = end - loop.time()
            assert left > 0, f"no wanted message in {timeout} s; the last ones: {self.summary()}"
            try:
                message = await self.next(left)
            except TimeoutError:
                raise AssertionError(f"no wanted message in {timeout} s; the last ones: {self.summary()}") from None
            if wanted(message):
                return message
            assert message["type"] != "closed", f"closed while waiting; the last ones: {self.summary()}"

    async def act(self, action: dict[str, Any], action_id: str | None = None) -> dict[str, Any]:
        """Send an action and read until its answer (ack or reject)."""
        action_id = action_id or secrets.token_hex(6)
        await self.send({"type": "act", "version": 1, "id": action_id, "action": action})
        return await self.answer(action_id)

    async def answer(self, action_id: str) -> dict[str, Any]:
        return await self.until(lambda m: m["type"] in ("ack", "reject") and m["id"] == action_id)

    async def seq_at_least(self, seq: int) -> dict[str, Any]:
        """The first snapshot or update of at least this sequence number, received or to come."""

        return await self.until(lambda m: m["type"] in ("snapshot", "update") and m["seq"] >= seq, received=True)

    def summary(self, count: int = 4) -> list[str]:
        """The last messages in short: type, sequence number or id, reason; whose turn."""
        out = []
        for m in self.got[-count:]:
            view = m.get("view") or {}
            said = m.get("reason") or m.get("id") or ""
            out.append(f"{m['type']} {m.get('seq', '')} {said} {view.get('phase', '')} turn={view.get('turn')}")
        return out

    @property
    def last(self) -> dict[str, Any]:
        """The last snapshot or update."""
        return next(m for m in reversed(self.got) if m["type"] in ("snapshot", "update"))

    async def close(self) -> None:
        await self.ws.close()
        await self.session.close()


async def play_raw(raw: Raw, content: Content, spec: str = "pragmatist", seed: int = 0) -> dict[str, Any]:
    """Play a raw seat with a bot (deciding from the messages' view and legal actions only) until
    the game is over; returns the last snapshot or update."""
    from negotiate.engine.actions import ACTION_ADAPTER
    from negotiate.engine.game import _shortened
    from negotiate.engine.view import SeatView

    first = next(m for m in raw.got if m["type"] == "snapshot")
    seat = first["seat"]
    table = table_for(content, _shortened(content.scenario(first["scenario"]), first["rounds"]))
    bot = make_bot(table, seat, BotSpec.parse(spec), seed)
    pending: str | None = None
    while True:
        seen = raw.last
        if seen["view"]["phase"] == "game_over":
            return seen
        mine = seen["view"]["turn"] == seat and seen["legal"] and not seen["view"]["paused"]
        if mine and pending is None:
            view = SeatView.model_validate(seen["view"])
            legal = [ACTION_ADAPTER.validate_python(a) for a in seen["legal"]]
            action = bot.decide(view, legal)
            pending = secrets.token_hex(6)
            await raw.send({"type": "act", "version": 1, "id": pending, "action": action.model_dump(mode="json")})
        message = await raw.next()
        assert message["type"] != "closed", f"{seat}: the server closed the socket; the last: {raw.summary()}"
        if message["type"] in ("ack", "reject") and message["id"] == pending:
            if message["type"] == "reject":  # another device of the seat acted first, or an undo
                bot = make_bot(table, seat, BotSpec.parse(spec), seed)
            pending = None
