"""The table server: every table of every class, seats joining by code over WebSocket, and the
facilitator's commands over HTTP behind a token.

    GET  /ws                           a seat's WebSocket (see `protocol`)
    POST /api/classes                  make a class: {scenario, tables, seed?, bots?, rounds?}
    POST /api/start                    start a class's tables or one table: {class} or {table}
    GET  /api/status                   every table: round, phase, turn, devices, digest
    GET  /api/classes/{id}/export      every table of a class as save data
    GET  /api/tables/{id}/controls     what the facilitator may do at a table now
    POST /api/tables/{id}/act          a facilitator's action at a table: {action}

Several processes may serve one store (PostgreSQL): each table is owned by one of them at a time
(the store's advisory lock), which claims it with its address. A seat that reaches another process
is passed on to the owner, message by message; the facilitator's commands are asked of every
owner and their answers put together (`?here=1` / `"here": true`: this process's tables only).
Every few seconds each process lets go of the tables it lost and takes those nobody owns (their
process died), so their bots play on and their seats can join again.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import logging
import os
import secrets
import socket
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import WSMsgType, web

from negotiate.bots import LineupError, parse_lineup
from negotiate.content import Content, ContentError, load_sources, shipped_root
from negotiate.engine import Game
from negotiate.net.host import PUBLIC, Device, Host
from negotiate.net.protocol import ID_LIMIT, MAX_MESSAGE, Act, Error, Hello, ProtocolError, Watch, read_client
from negotiate.net.store import Store, TableRecord

log = logging.getLogger("negotiate.server")

WRONG_CODES = 5
"""Wrong join codes one address may try in a minute."""
WRONG_CODES_HERE = 100
"""The same from this machine, where every browser seat's process joins from (a typo in one tab
must not lock out the class; a code's 50 bits stand against guessing at this pace too)."""
HELLO_WITHIN = 30.0
"""Seconds a new connection has to say hello."""
BAD_MESSAGES = 20
"""Messages a device may get wrong before it is dropped."""
SEND_WITHIN = 10.0
"""Seconds a device has to take one message before it counts as not reading."""
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
CODE_LENGTH = 10
"""Characters in a join code: 50 bits."""
MAX_TABLES = 50
MAX_SEED = 2**63 - 1
WATCH = 5.0
"""Seconds between a process's looks for tables it lost, or that nobody owns."""


def new_code() -> str:
    """A join code a student can type: 10 characters of Crockford's base 32 (50 bits), as XXXXX-XXXXX."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def code_hash(code: str) -> str:
    """How a code is kept: hashed, after the forgiving reading people type it with."""
    plain = code.upper().replace("-", "").replace(" ", "").replace("O", "0").replace("I", "1").replace("L", "1")
    return hashlib.sha256(plain.encode()).hexdigest()


class Server:
    """Every table in the store, with their hosts, and the ways in."""

    def __init__(self, store: Store, content: Content, token: str, address: str | None = None):
        self.store = store
        self.address = address
        """Where the other processes send this one's seats and commands (None: nowhere)."""
        self._running = False
        self._watch: asyncio.Task[None] | None = None
        self.content = content
        self.token = token
        self.hosts: dict[str, Host] = {}
        self.url: str | None = None
        """The address others reach this server at, as `run` found it."""
        self.web: str | None = None
        """The address where browsers play, if they do."""
        self.wrong: dict[str, deque[float]] = defaultdict(deque)
        self.wrong_codes_here = WRONG_CODES_HERE
        for record in store.tables():
            self._adopt(record)

    def _adopt(self, record: TableRecord) -> Host | None:
        """Serve a table here, unless another process owns it: own it, say where, load its game."""
        host = self.hosts.get(record.id)
        if host is not None or not self.store.own(record.id):
            return host
        if self.address is not None:
            self.store.claim(record.id, self.address)
        host = self.hosts[record.id] = Host(record, self._content_of(record.class_id), self.store)
        if self._running:
            host.run()
        log.info("table %s: served here", record.id)
        return host

    def _local(self, table_id: str) -> Host | None:
        """The table's host if this process serves it, or takes it now (nobody else owns it)."""
        host = self.hosts.get(table_id)
        if host is None and table_id not in self.store.owners():
            record = next((r for r in self.store.tables() if r.id == table_id), None)
            host = self._adopt(record) if record is not None else None
        return host

    def _content_of(self, class_id: str) -> Content:
        saved = self.store.content(class_id)
        if saved["digest"] == self.content.digest:
            return self.content
        try:
            return load_sources(saved["files"], f"class {class_id} (its content)")
        except ContentError as exc:
            raise ContentError(exc.problems) from None

    def app(self) -> web.Application:
        app = web.Application(client_max_size=MAX_MESSAGE)
        app.router.add_get("/", self.home)
        app.router.add_get("/ws", self.seat_socket)
        app.router.add_post("/api/classes", self._facilitator(self.new_class))
        app.router.add_post("/api/start", self._facilitator(self.start))
        app.router.add_get("/api/status", self._facilitator(self.status))
        app.router.add_get("/api/classes/{id}/export", self._facilitator(self.export))
        app.router.add_post("/api/tables/{id}/act", self._facilitator(self.act))
        app.router.add_get("/api/tables/{id}/controls", self._facilitator(self.controls))
        app.on_startup.append(self._run_tables)
        app.on_shutdown.append(self._stop_tables)
        return app

    async def _run_tables(self, _: web.Application) -> None:
        self._running = True
        for host in self.hosts.values():
            host.run()
        self._watch = asyncio.get_running_loop().create_task(self._watch_tables(), name="watch tables")

    async def _stop_tables(self, _: web.Application) -> None:
        if self._watch is not None:
            self._watch.cancel()
        for host in self.hosts.values():
            await host.stop()
        self.store.close()

    async def _watch_tables(self) -> None:
        """Let go of the tables this process lost (its hold on the database went: another may own
        them now), and take those nobody owns, so that their bots play on."""
        while True:
            await asyncio.sleep(WATCH)
            try:
                held = self.store.held()
                for table_id in [t for t in self.hosts if t not in held]:
                    log.warning("table %s: lost to another process; its seats will join there", table_id)
                    await self.hosts.pop(table_id).stop()
                owned = self.store.owners()
                for record in self.store.tables():
                    if record.id not in self.hosts and record.id not in owned:
                        self._adopt(record)
            except Exception:  # the database may be away for a while: look again later
                log.exception("could not check which tables this process owns")

    async def home(self, _: web.Request) -> web.Response:
        return web.Response(
            text=f"negotiate table server: {len(self.hosts)} table(s). Join with: negotiate join URL CODE\n"
        )

    # --- seats -----------------------------------------------------------------------------

    async def seat_socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=20, max_msg_size=MAX_MESSAGE)
        await ws.prepare(request)
        address = request.remote or "?"
        device, host = await self._hello(ws, address)
        if device is None or host is None:
            await ws.close()
            return ws
        sender = asyncio.get_running_loop().create_task(self._send(ws, device, request))
        try:
            await self._receive(ws, device, host)
        finally:
            host.leave(device)
            device.end()
            await sender
        return ws

    async def _hello(self, ws: web.WebSocketResponse, address: str) -> tuple[Device | None, Host | None]:
        """The first message must be a hello with a seat's code."""
        try:
            message = await ws.receive(timeout=HELLO_WITHIN)
        except TimeoutError:
            await self._refuse(ws, address, f"no hello within {HELLO_WITHIN:.0f} seconds")
            return None, None
        if message.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED):
            log.info("a connection from %s closed before its hello", address)
            return None, None
        if message.type == WSMsgType.ERROR:
            await self._refuse(ws, address, f"its hello cannot be read: {ws.exception()}")
            return None, None
        if message.type != WSMsgType.TEXT:
            await self._refuse(ws, address, "expected a hello message (JSON text)")
            return None, None
        try:
            hello = read_client(message.data)
        except ProtocolError as exc:
            await self._refuse(ws, address, str(exc))
            return None, None
        if isinstance(hello, Watch):
            return await self._screen(ws, address, hello)
        if not isinstance(hello, Hello):
            await self._refuse(ws, address, "say hello with your join code first")
            return None, None
        if self._too_many_wrong(address):
            await self._refuse(ws, address, f"too many wrong codes from {address}: wait a minute")
            return None, None
        found = self.store.seat_of(code_hash(hello.code))
        if found is None:
            self.wrong[address].append(time.monotonic())
            await self._refuse(ws, address, f"no seat has the code {hello.code!r}: check it with your teacher")
            return None, None
        host = self._local(found[0])
        if host is None:
            where = self.store.owners().get(found[0])
            if where is None or where == self.address:  # owned, not claimed yet: the client tries again
                await self._refuse(ws, address, f"table {found[0]} is moving to another server: wait", fatal=False)
            else:
                await self._proxy(ws, message.data, where, found[0])
            return None, None
        device = Device(found[1], address)
        host.join(device, hello.since)
        log.info("table %s: %s joins from %s", host.id, device.seat, address)
        return device, host

    async def _screen(self, ws: web.WebSocketResponse, address: str, watch: Watch) -> tuple[Device | None, Host | None]:
        """The room's screen: a table's public view, behind the facilitator's token."""
        if not hmac.compare_digest(watch.token.encode(), self.token.encode()):
            await self._refuse(ws, address, "watching a table needs the facilitator's token")
            return None, None
        host = self._local(watch.table)
        if host is None:
            where = self.store.owners().get(watch.table)
            if where is None or where == self.address:
                await self._refuse(ws, address, f"no table {watch.table!r} here")
            else:
                await self._proxy(ws, watch.model_dump_json(), where, watch.table)
            return None, None
        device = Device(PUBLIC, address)
        host.watch(device, watch.since)
        log.info("table %s: watched from %s", host.id, address)
        return device, host

    def _too_many_wrong(self, address: str) -> bool:
        tries = self.wrong[address]
        while tries and tries[0] < time.monotonic() - 60:
            tries.popleft()
        return len(tries) >= (self.wrong_codes_here if _here(address) else WRONG_CODES)

    async def _refuse(self, ws: web.WebSocketResponse, address: str, reason: str, fatal: bool = True) -> None:
        """Say why, and close: fatal, the client gives up; not, it tries again."""
        log.warning("refused a connection from %s: %s", address, reason)
        try:
            await ws.send_str(Error(reason=reason, fatal=fatal).model_dump_json())
        except ConnectionError:
            pass

    async def _proxy(self, ws: web.WebSocketResponse, hello: str, where: str, table_id: str) -> None:
        """A seat at a table another process owns: pass its messages on, both ways, as they come.
        When either side closes, so does the other; the client reconnects, to whoever owns it then."""
        url = where.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/ws"
        log.info("table %s: a seat's connection goes on to %s", table_id, where)
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.ws_connect(url, heartbeat=20, max_msg_size=MAX_MESSAGE) as upstream,
            ):
                await upstream.send_str(hello)

                async def down() -> None:
                    async for message in upstream:
                        if message.type != WSMsgType.TEXT:
                            break
                        await ws.send_str(message.data)
                    await ws.close()

                downstream = asyncio.get_running_loop().create_task(down())
                try:
                    async for message in ws:
                        if message.type != WSMsgType.TEXT or downstream.done():
                            break
                        await upstream.send_str(message.data)
                finally:
                    downstream.cancel()
                    await asyncio.gather(downstream, return_exceptions=True)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            if not ws.closed:
                await self._refuse(ws, "?", f"table {table_id}'s server at {where} cannot be reached ({exc})", False)

    async def _receive(self, ws: web.WebSocketResponse, device: Device, host: Host) -> None:
        bad = 0
        async for message in ws:
            if device.dropped:
                return
            if message.type == WSMsgType.TEXT:
                try:
                    act = read_client(message.data)
                except ProtocolError as exc:
                    problem = str(exc)
                else:
                    if isinstance(act, Act) and device.seat != PUBLIC:
                        host.submit(device, act.id, act.action)
                        continue
                    problem = (
                        "a screen that watches cannot act"
                        if device.seat == PUBLIC
                        else "already joined: send act messages"
                    )
            elif message.type == WSMsgType.ERROR:
                log.warning("table %s: %s at %s: %s", host.id, device.seat, device.address, ws.exception())
                return
            else:
                problem = "expected JSON text"
            bad += 1
            log.warning("table %s: %s at %s sent a bad message: %s", host.id, device.seat, device.address, problem)
            device.send(Error(reason=problem, fatal=bad >= BAD_MESSAGES))
            if bad >= BAD_MESSAGES:
                device.end()
                return

    async def _send(self, ws: web.WebSocketResponse, device: Device, request: web.Request) -> None:
        """Send a device its messages in order; one that stops reading is dropped, not waited for."""
        while (message := await device.outbox.get()) is not None:
            try:
                await asyncio.wait_for(ws.send_str(message), SEND_WITHIN)
            except TimeoutError:
                log.warning("dropping %s at %s: it does not read its messages", device.seat, device.address)
                device.dropped = True
                if request.transport is not None:
                    request.transport.abort()
                return
            except (ConnectionError, RuntimeError):  # it left while a message was on its way
                log.info("%s at %s has gone", device.seat, device.address)
                device.dropped = True
                return
        if not ws.closed:
            try:
                await asyncio.wait_for(ws.close(), SEND_WITHIN)
            except (TimeoutError, ConnectionError):
                if request.transport is not None:
                    request.transport.abort()

    # --- the facilitator -------------------------------------------------------------------

    def _facilitator(
        self, handler: Callable[[web.Request], Awaitable[dict[str, Any]]]
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def guarded(request: web.Request) -> web.Response:
            given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                log.warning("refused a facilitator's command from %s: wrong token", request.remote)
                return _error(401, "the facilitator's token is missing or wrong")
            try:
                return web.json_response(await handler(request))
            except Refused as exc:
                return _error(exc.status, exc.reason)

        return guarded

    async def _body(self, request: web.Request) -> dict[str, Any]:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise Refused(400, f"the request's body is not JSON: {exc}") from None
        if not isinstance(body, dict):
            raise Refused(400, "the request's body must be a JSON object")
        return body

    async def new_class(self, request: web.Request) -> dict[str, Any]:
        body = await self._body(request)
        scenario = body.get("scenario")
        if scenario is None:
            scenario = self.content.scenario().id
        if not isinstance(scenario, str) or scenario not in self.content.scenarios:
            raise Refused(400, f"unknown scenario {scenario!r} (expected one of {', '.join(self.content.scenarios)})")
        tables, seed, rounds = body.get("tables", 1), body.get("seed"), body.get("rounds")
        if not _whole(tables) or not 1 <= tables <= MAX_TABLES:
            raise Refused(400, f"tables: expected a whole number from 1 to {MAX_TABLES}, not {tables!r}")
        if seed is not None and (not _whole(seed) or seed < 0):
            raise Refused(400, f"seed: expected a whole number from 0, not {seed!r}")
        if seed is not None and seed > MAX_SEED:
            raise Refused(400, f"seed: expected a whole number from 0 to {MAX_SEED}, not {seed}")
        years = len(self.content.scenarios[scenario].years)
        if rounds is not None and (not _whole(rounds) or not 1 <= rounds <= years):
            raise Refused(400, f"rounds: rounds must be from 1 to {years} for {scenario}, not {rounds!r}")
        table = Game(self.content, scenario, 0, rounds).table
        bots_text = body.get("bots", "default")
        if not isinstance(bots_text, str):
            raise Refused(
                400, f"bots: expected default, random, none or SEAT=PERSONALITY[:LEVEL],..., not {bots_text!r}"
            )
        try:
            bots = {} if bots_text == "none" else {s: str(b) for s, b in parse_lineup(bots_text, table).items()}
        except LineupError as exc:
            raise Refused(400, f"bots: {exc}") from None
        class_id = secrets.token_hex(3)
        base = seed if seed is not None else secrets.randbelow(2**31)
        records, codes, out = [], {}, []
        for number in range(1, tables + 1):
            record = TableRecord(f"{class_id}-{number}", class_id, number, scenario, base + number - 1, rounds, bots)
            seats = {seat: new_code() for seat in table.order}
            codes.update({code_hash(code): (record.id, seat) for seat, code in seats.items()})
            records.append(record)
            out.append({"table": record.id, "number": number, "seats": seats})
        self.store.add_class(class_id, {"digest": self.content.digest, "files": self.content.sources}, records, codes)
        for record in records:
            self._adopt(record)
        log.info("class %s: %d table(s) of %s", class_id, tables, scenario)
        return {
            "class": class_id,
            "scenario": scenario,
            "title": table.scenario.name,
            "seats": {s: {"name": table.name(s), "role": table.types[s].name} for s in table.order},
            "tables": out,
            "url": self.url or f"http://{request.host}",
            "web": self.web,
        }

    async def start(self, request: web.Request) -> dict[str, Any]:
        body = await self._body(request)
        hosts, elsewhere = self._chosen(body.get("class"), body.get("table"), here=bool(body.get("here")))
        for host in hosts:
            host.start()
        started = [host.id for host in hosts]
        for where in elsewhere:
            started += (await self._ask(where, "POST", "/api/start", {**body, "here": True}))["started"]
        return {"started": started}

    def _chosen(self, class_id: object, table_id: object, here: bool = False) -> tuple[list[Host], set[str]]:
        """The chosen tables this process serves (taking those nobody owns), and the addresses of
        the processes that serve the others (none if `here`)."""
        records = [
            r
            for r in self.store.tables()
            if (table_id is None or r.id == table_id) and (class_id is None or r.class_id == class_id)
        ]
        if not records and (table_id is not None or class_id is not None):
            raise Refused(404, f"no table {table_id!r}" if table_id is not None else f"no class {class_id!r}")
        hosts, elsewhere, owners = [], set(), self.store.owners()
        for record in records:
            host = self.hosts.get(record.id) or (None if record.id in owners else self._adopt(record))
            if host is not None:
                hosts.append(host)
            elif not here and owners.get(record.id) not in (None, self.address):
                elsewhere.add(owners[record.id])
        return hosts, elsewhere

    async def _ask(self, where: str, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """A facilitator's command, asked of the process at `where` (the processes share the token)."""
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session,
                session.request(
                    method, where + path, json=body, headers={"Authorization": f"Bearer {self.token}"}
                ) as response,
            ):
                answer = await response.json()
        except (aiohttp.ClientError, OSError, TimeoutError, json.JSONDecodeError) as exc:
            raise Refused(502, f"the server at {where} does not answer ({exc}): try again in a few seconds") from None
        if response.status != 200:
            raise Refused(response.status, f"the server at {where}: {answer.get('error', response.reason)}")
        return answer  # type: ignore[no-any-return]

    async def status(self, request: web.Request) -> dict[str, Any]:
        klass = request.query.get("class")
        hosts, elsewhere = self._chosen(klass, None, here=bool(request.query.get("here")))
        path = "/api/status" + (f"?class={klass}" if klass else "")
        found = [self._status(host) for host in hosts]
        for where in elsewhere:
            found += (await self._ask(where, "GET", path + ("&" if klass else "?") + "here=1"))["tables"]
        return {"tables": self._in_order(found)}

    def _in_order(self, tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Tables from every process, in the order they were made."""
        order = {r.id: n for n, r in enumerate(self.store.tables())}
        return sorted(tables, key=lambda t: order.get(t["table"], len(order)))

    def _status(self, host: Host) -> dict[str, Any]:
        game = host.game
        return {
            "table": host.id,
            "class": host.record.class_id,
            "number": host.record.number,
            "scenario": host.record.scenario,
            "round": game.state.round,
            "year": game.table.year(game.state.round),
            "phase": game.state.phase,
            "turn": game.current_seat,
            "rounds": host.record.rounds,
            "paused": game.state.paused,
            "crisis": game.state.global_tracks["crisis"],
            "crisis_max": game.table.scenario.global_tracks["crisis"].max,
            "governance": game.state.global_tracks["governance"],
            "idle": round(time.monotonic() - host.moved_at),
            "timer": timer.model_dump() if (timer := host.timer()) else None,
            "started": host.started,
            "seating": host.seating(),
            "connected": host.connected(),
            "finished": game.is_over,
            "digest": host.digest(),
        }

    async def export(self, request: web.Request) -> dict[str, Any]:
        klass = request.match_info["id"]
        hosts, elsewhere = self._chosen(klass, None, here=bool(request.query.get("here")))
        found = [{"table": h.id, "number": h.record.number, "save": h.save()} for h in hosts]
        for where in elsewhere:
            found += (await self._ask(where, "GET", f"/api/classes/{klass}/export?here=1"))["tables"]
        return {"tables": self._in_order(found)}

    async def controls(self, request: web.Request) -> dict[str, Any]:
        """What the facilitator may do at a table now (its engine's legal actions)."""
        table_id = request.match_info["id"]
        hosts, elsewhere = self._chosen(None, table_id)
        if not hosts:
            if not elsewhere:
                raise Refused(503, f"table {table_id} is moving to another server: try again in a few seconds")
            return await self._ask(elsewhere.pop(), "GET", f"/api/tables/{table_id}/controls")
        game = hosts[0].game
        return {"actions": [action.model_dump(mode="json") for action in game.legal_actions("facilitator")]}

    async def act(self, request: web.Request) -> dict[str, Any]:
        table_id = request.match_info["id"]
        hosts, elsewhere = self._chosen(None, table_id)
        body = await self._body(request)
        if not hosts:
            if not elsewhere:
                raise Refused(503, f"table {table_id} is moving to another server: try again in a few seconds")
            return await self._ask(elsewhere.pop(), "POST", f"/api/tables/{table_id}/act", body)
        host = hosts[0]
        action, action_id = body.get("action"), body.get("id")
        if not isinstance(action, dict):
            raise Refused(400, "action: expected a JSON object with a type")
        if action_id is not None and (not isinstance(action_id, str) or not 0 < len(action_id) <= ID_LIMIT):
            raise Refused(400, f"id: expected a text of 1 to {ID_LIMIT} characters, not {action_id!r}")
        answer = await host.submit(None, body.get("id") or secrets.token_hex(8), action)
        return answer.model_dump()


def _whole(value: object) -> bool:
    """A whole number in JSON (true and false are not)."""
    return isinstance(value, int) and not isinstance(value, bool)


def _here(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        self.status, self.reason = status, reason
        super().__init__(reason)


def _error(status: int, reason: str) -> web.Response:
    return web.json_response({"error": reason}, status=status)


def facilitator_token() -> tuple[str, str]:
    """The facilitator's token, and where it comes from: $NEGOTIATE_TOKEN, or the one in the
    token file (kept from the last start, so a restart changes nothing for the facilitator), or
    a new one written there, in a file only its owner can read."""
    from negotiate.net.facilitator import token_file

    token = os.environ.get("NEGOTIATE_TOKEN")
    if token:
        return token, "the NEGOTIATE_TOKEN variable"
    path = token_file()
    try:
        kept = path.read_text(encoding="utf-8").strip()
    except OSError:
        kept = ""
    if kept:
        return kept, str(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    tmp = path.with_name(path.name + ".tmp")
    tmp.touch(mode=0o600)
    tmp.write_text(token + "\n", encoding="utf-8")
    tmp.replace(path)
    return token, str(path)


async def run(
    host: str,
    port: int,
    store: Store,
    content: Content,
    say: Callable[[str], None],
    web_port: int | None = None,
    advertise: str | None = None,
) -> None:
    """Serve until cancelled; with `web_port`, browsers get the terminal game there too. Other
    processes on the same store send this one's seats to `advertise` (default: its own address)."""
    token, where = facilitator_token()
    seen_as = _reachable(host)
    url = f"http://{seen_as}:{port}"
    server = Server(store, content, token, (advertise or url).rstrip("/"))
    server.url = url
    runners = [web.AppRunner(server.app(), access_log=None)]
    ports = [port]
    if web_port is not None:
        server.web = browsers = f"http://{seen_as}:{web_port}"
        console = f"http://{seen_as}:{web_port + 1}"
        for at, public, args in (
            (web_port, browsers, ["join", url]),
            (web_port + 1, console, ["teach", url, "--ask-token"]),
        ):
            runners.append(web.AppRunner(await _in_browsers(args, host, at, public, content), access_log=None))
            ports.append(at)
    for runner, at in zip(runners, ports):
        await runner.setup()
        await web.TCPSite(runner, host, at).start()
    say(f"negotiate table server at {url}  ({len(server.hosts)} table(s), store: {store.where})")
    if server.web:
        say(f"browsers play at {server.web}  (students open it and type their join code)")
        say(f"the facilitator's console in a browser: {console}  (it asks for the token)")
    say(f"the facilitator's token: {where}")
    try:
        await asyncio.Event().wait()
    finally:
        for runner in reversed(runners):
            await runner.cleanup()


def _reachable(host: str) -> str:
    """The address others reach a server at that listens on `host`: for every interface, this
    machine's address on its network (found without sending anything)."""
    if host not in ("0.0.0.0", "::", ""):
        return host
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))  # a datagram socket sends nothing on connect
            return str(probe.getsockname()[0])
        except OSError:
            return "127.0.0.1"


async def _in_browsers(args: list[str], host: str, port: int, public: str, content: Content) -> web.Application:
    """textual-serve's app: each browser tab runs `negotiate ARGS...` (`join URL`: the student
    types the code, since a tab cannot pass it in its address; `teach URL --ask-token`: the
    facilitator types the token)."""
    import shlex
    import sys

    from textual_serve.server import Server as TextualServer

    folder = ["--content", str(content.root)] if Path(content.root) != Path(shipped_root()) else []
    command = "exec " + shlex.join([sys.executable, "-m", "negotiate", *folder, *args])  # no shell between
    served = TextualServer(command, host=host, port=port, title="negotiate", public_url=public)
    app = await served._make_app()  # its own `serve` runs a loop of its own; this one serves beside ours
    app.on_startup.clear()  # where it prints its banner: `run` says where browsers play
    return app
