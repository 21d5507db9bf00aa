"""Clients of the table server: a seat's link (WebSocket, reconnecting by itself), a bot that
plays a seat through it, and the facilitator's commands (HTTP, with the token).

A link keeps what its seat may know: the view, what it may do, its story and score. It never
has more: the server sends nothing else.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import random
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import aiohttp

from negotiate.content import Content
from negotiate.engine import ActionModel, Event
from negotiate.engine.game import table_of
from negotiate.engine.table import Table
from negotiate.net.facilitator import JoinError
from negotiate.net.protocol import (
    Ack,
    Act,
    Error,
    Hello,
    ProtocolError,
    Reject,
    ScoreItem,
    Snapshot,
    Update,
    Watch,
    dump,
    read_server,
)

log = logging.getLogger("negotiate.client")

BACKOFF = (0.2, 0.5, 1.0, 2.0, 5.0)
"""Seconds between tries to reconnect (the last one repeats)."""
TIMING = "NEGOTIATE_TIMING"
"""An environment variable: a folder where each seat's link notes, one JSON line per event in
TABLE-SEAT.jsonl, when it sends an action and when an answer or update arrives (wall clock in
nanoseconds, comparable across processes on one machine). For benchmarks/bench_class.py."""

# --- a seat ----------------------------------------------------------------------------------


class SeatLink:
    """A seat's connection to its table. After `open`, it follows the table by itself: it
    reconnects when the connection drops and catches up from the last sequence number it saw.
    `on_change` is called after each snapshot or update, `on_reject` with a refused action's reason."""

    def __init__(
        self,
        url: str,
        code: str,
        content: Content,
        on_change: Callable[[SeatLink], None] | None = None,
        on_reject: Callable[[str], None] | None = None,
        watch: tuple[str, str] | None = None,
    ):
        """`watch`: (table, the facilitator's token) to follow a table's public view, with no seat
        (for the room's screen); `code` is then unused."""
        self.url = url.rstrip("/")
        self.code = code
        self.watch = watch
        self.content = content
        self.on_change = on_change
        self.on_reject = on_reject
        self.seq: int | None = None
        self.snapshot: Snapshot | None = None
        self.table: Table | None = None
        self.events: list[Event] = []
        self.last: Snapshot | Update | None = None
        self.connected = False
        self.pending: dict[str, asyncio.Future[Ack | Reject]] = {}
        self._unsent: dict[str, Act] = {}
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._first: asyncio.Future[None] | None = None
        self.closed = False
        self._timing: TextIO | None = None

    # --- what the seat knows ---------------------------------------------------------------

    @property
    def seat(self) -> str:
        assert self.snapshot is not None
        return self.snapshot.seat

    @property
    def seen(self) -> Snapshot | Update:
        assert self.last is not None
        return self.last

    def score(self, seat: str) -> list[ScoreItem]:
        return self.seen.score.get(seat, [])

    # --- connecting ------------------------------------------------------------------------

    async def open(self) -> None:
        """Connect and join; JoinError says why not (a wrong code, no server, other content)."""
        self._session = aiohttp.ClientSession()
        self._first = asyncio.get_running_loop().create_future()
        self._task = asyncio.get_running_loop().create_task(self._follow())
        try:
            await self._first
        except BaseException:
            await self.close()
            raise

    async def close(self) -> None:
        self.closed = True
        if self._timing is not None:
            self._timing.close()
            self._timing = None
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):
                pass
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()

    async def _follow(self) -> None:
        tries = 0
        while not self.closed:
            try:
                await self._connect()
                tries = 0
            except JoinError as exc:
                if self._first is not None and not self._first.done():
                    self._first.set_exception(exc)
                return
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                if self._first is not None and not self._first.done():
                    self._first.set_exception(JoinError(f"cannot reach the server at {self.url}: {exc}"))
                    return
                log.info("connection to %s lost (%s); trying again", self.url, exc)
            self.connected = False
            self._changed()
            await asyncio.sleep(BACKOFF[min(tries, len(BACKOFF) - 1)] * (0.5 + random.random()))
            tries += 1

    async def _connect(self) -> None:
        assert self._session is not None
        ws_url = self.url.replace("http://", "ws://").replace("https://", "wss://") + "/ws"
        async with self._session.ws_connect(ws_url, heartbeat=20, max_msg_size=0) as ws:
            self._ws = ws
            if self.watch is not None:
                table, token = self.watch
                await ws.send_str(dump(Watch(table=table, token=token, since=self.seq)))
            else:
                await ws.send_str(dump(Hello(code=self.code, since=self.seq)))
            async for message in ws:
                arrived = time.time_ns()
                if message.type != aiohttp.WSMsgType.TEXT:
                    break
                try:
                    taken = read_server(message.data)
                    self._take(taken)
                except ProtocolError as exc:
                    log.warning("a message from the server cannot be read: %s", exc)
                else:
                    if isinstance(taken, (Snapshot, Update)):
                        self._note("update", seq=taken.seq, t=arrived)
                    elif isinstance(taken, (Ack, Reject)):
                        self._note(taken.type, id=taken.id, seq=getattr(taken, "seq", None), t=arrived)
                if not self.connected and self.snapshot is not None:
                    self.connected = True
                    for act in list(self._unsent.values()):  # sent before the drop: the same ids, answered once
                        await ws.send_str(dump(act))
            self._ws = None

    def _take(self, message: Snapshot | Update | Ack | Reject | Error) -> None:
        if isinstance(message, Error):
            if message.fatal and self.snapshot is None:
                raise JoinError(message.reason)
            log.warning("the server says: %s", message.reason)
            return
        if isinstance(message, (Ack, Reject)):
            self._unsent.pop(message.id, None)
            waiting = self.pending.pop(message.id, None)
            if waiting is not None and not waiting.done():
                waiting.set_result(message)
            if isinstance(message, Reject) and self.on_reject is not None:
                self.on_reject(message.reason)
            return
        if isinstance(message, Snapshot):
            if self.snapshot is None:
                self._check_content(message)
            self.snapshot = message
        if message.reset:
            self.events = list(message.events)
        else:
            self.events.extend(message.events)
        self.seq, self.last = message.seq, message
        if self._first is not None and not self._first.done():
            self._first.set_result(None)
        self._changed()

    def _changed(self) -> None:
        """Tell `on_change`; its failure is logged, and never stops the link."""
        if self.on_change is not None:
            try:
                self.on_change(self)
            except Exception:
                log.exception("a change at the table could not be shown")

    def _check_content(self, snapshot: Snapshot) -> None:
        if snapshot.content != self.content.digest:
            raise JoinError(
                f"the table plays with other content than this installation's (digest {snapshot.content}, "
                f"here {self.content.digest}): install the server's version of negotiate and its content"
            )
        self.table = table_of(self.content, snapshot.scenario, snapshot.rounds)

    def _note(self, kind: str, **fields: Any) -> None:
        """With $NEGOTIATE_TIMING set to a folder, note an event there (see TIMING)."""
        folder = os.environ.get(TIMING)
        if not folder or self.snapshot is None:
            return
        if self._timing is None:
            path = Path(folder) / f"{self.snapshot.table}-{self.snapshot.seat}.jsonl"
            self._timing = path.open("a", encoding="utf-8", buffering=1)
        self._timing.write(json.dumps({"kind": kind, **fields}) + "\n")

    # --- acting ----------------------------------------------------------------------------

    async def act(self, action: ActionModel) -> Ack | Reject:
        """Send an action and wait for the server's answer (sent again after a reconnect, under
        the same id, so it is applied once)."""
        act = Act(id=secrets.token_hex(8), action=action.model_dump(mode="json"))
        answer: asyncio.Future[Ack | Reject] = asyncio.get_running_loop().create_future()
        self.pending[act.id] = answer
        self._unsent[act.id] = act
        self._note("send", id=act.id, seq_before=self.seq, t=time.time_ns())
        if self._ws is not None and self.connected:
            try:
                await self._ws.send_str(dump(act))
            except (ConnectionError, RuntimeError):
                pass  # sent again on reconnecting
        return await answer


async def play_bot(url: str, code: str, spec: str, content: Content, seed: int = 0) -> Snapshot | Update:
    """Play a seat to the game's end with a bot from this side, from the seat's view only;
    returns what the seat saw last."""
    from negotiate.bots import BotSpec, make_bot

    changed = asyncio.Event()
    link = SeatLink(url, code, content, on_change=lambda _: changed.set())
    await link.open()
    try:
        assert link.table is not None
        bot = make_bot(link.table, link.seat, BotSpec.parse(spec), seed)
        while True:
            seen = link.seen
            if seen.view.phase == "game_over":
                return seen
            if seen.view.turn == link.seat and seen.legal and not seen.view.paused:
                action = await asyncio.to_thread(bot.decide, seen.view, seen.legal)
                answer = await link.act(action)
                if isinstance(answer, Reject):
                    log.warning("%s: %s refused: %s", link.seat, action.type, answer.reason)  # type: ignore[attr-defined]
                    bot = make_bot(link.table, link.seat, BotSpec.parse(spec), seed)
            if link.seen is seen:
                changed.clear()
                await changed.wait()
    finally:
        await link.close()
