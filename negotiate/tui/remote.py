"""A seat at a table on a server: the same screens as local play, fed by the seat's link.

The remote session holds only what the server sends the seat (its view, its moves, its story and
score). Its moves go to the server, which answers with an update for every seat; bots play on
the server, so nothing here thinks for another seat, asks for a PIN, or autosaves.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeGuard

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from negotiate.bots import Answer, BotSpec
from negotiate.bots.outlook import belief
from negotiate.content import Content
from negotiate.engine import ActionModel, Event, IllegalAction, SeatView
from negotiate.engine.actions import malformed
from negotiate.engine.legal import reason
from negotiate.engine.scoring import ScoreLine
from negotiate.engine.state import clone
from negotiate.engine.table import Table
from negotiate.net.client import SeatLink
from negotiate.net.facilitator import JoinError
from negotiate.net.host import WAITING
from negotiate.tui.session import HUMAN, Asked, Board


class RemoteBoard:
    """The game as one seat knows it from the server (a `Board`)."""

    def __init__(self, link: SeatLink):
        self.link = link

    @property
    def table(self) -> Table:
        assert self.link.table is not None
        return self.link.table

    @property
    def current_seat(self) -> str | None:
        seen = self.link.seen
        return None if seen.view.paused or not seen.started else seen.view.turn

    @property
    def is_over(self) -> bool:
        return self.link.seen.view.phase == "game_over"

    def view(self, seat: str) -> SeatView:
        """The seat's own view (the only one it is sent)."""
        return self.link.seen.view

    def legal_actions(self, seat: str) -> list[ActionModel]:
        return list(self.link.seen.legal) if seat == self.link.seat else []

    def check(self, action: ActionModel) -> str | None:
        """Why the rules would refuse an action, judged on the state as the seat knows it (the
        server judges again on the whole state, and has the last word)."""
        problem = malformed(action)
        if problem is not None:
            return problem
        seen = self.link.seen
        if not seen.started:
            return "the table has not started: it waits for its seats or the facilitator"
        view, table = seen.view, self.table
        turn = table.order.index(view.turn) if view.turn in table.index else 0
        known = clone(belief(table, view), turn=turn, beats=table.scenario.rules.beats - view.beats_left)
        return reason(table, known, action)

    def score(self, seat: str) -> list[ScoreLine]:
        return [ScoreLine(item.source, item.label, item.points) for item in self.link.score(seat)]

    def events_for(self, seat: str | None) -> list[Event]:
        events = self.link.events
        return events if seat == self.link.seat else [e for e in events if e.to is None]


class RemoteSession:
    """A seat's session at a server's table: the screens' `Session`, over the network."""

    remote = True
    lock = None
    autosave = None

    def __init__(self, link: SeatLink):
        self.link = link
        self.board: Board = RemoteBoard(link)
        self.answers: list[Asked] = []
        self._changed: Callable[[], None] | None = None
        self._refused: Callable[[str], None] | None = None
        self._sending: set[asyncio.Task[None]] = set()
        link.on_change = lambda _: self._changed() if self._changed else None
        link.on_reject = lambda why: self._refused(why) if self._refused else None

    def watch(self, changed: Callable[[], None], refused: Callable[[str], None]) -> None:
        """Call `changed` when the table moves on, `refused` with the reason the server refused a move."""
        self._changed, self._refused = changed, refused

    @property
    def table(self) -> Table:
        return self.board.table

    @property
    def seq(self) -> int:
        return self.link.seq or 0

    @property
    def seating(self) -> dict[str, BotSpec | None]:
        """The server's bots by seat; None for a person's seat, or one nobody plays yet."""
        labels = self.link.seen.seating
        return {
            seat: None if labels.get(seat) in (HUMAN, WAITING) else BotSpec.parse(labels[seat])
            for seat in self.table.order
        }

    @property
    def humans(self) -> list[str]:
        return [self.link.seat]

    def is_human(self, seat: str | None) -> TypeGuard[str]:
        """Whether this device plays the seat (the others play elsewhere: people or the server's bots)."""
        return seat == self.link.seat

    def timer(self) -> tuple[int, float] | None:
        """The facilitator's phase timer: minutes a phase, and seconds left as the server last said."""
        timer = self.link.seen.timer
        return None if timer is None else (timer.minutes, timer.left)

    def moved(self) -> set[str]:
        return set()

    def bot_to_move(self) -> str | None:
        return None

    def apply(self, action: ActionModel) -> list[Event]:
        """Send a move; the server's update (or its refusal, through `watch`) follows."""
        problem = self.board.check(action)
        if problem is not None:
            raise IllegalAction(problem)
        task = asyncio.get_running_loop().create_task(self._send(action))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)
        return []

    async def _send(self, action: ActionModel) -> None:
        await self.link.act(action)

    def take_back(self) -> int:
        raise IllegalAction("at a class table only the facilitator can undo")

    def decide(self, seat: str) -> ActionModel:
        raise IllegalAction("bots play on the server")

    def catch_up(self) -> None:
        """Nothing to catch up: the server sends every change."""

    def ask(self, seat: str, asker: str) -> Answer:
        raise IllegalAction("asking a bot is for solo play, where the bots play on this computer")

    def answers_to(self, asker: str) -> list[Asked]:
        return []

    def unlocks(self, pin: str) -> bool:
        return False

    def save_now(self, path: object = None) -> None:
        """The server keeps the game: `negotiate class export` writes it as a save."""


class JoinScreen(Screen[None]):
    """Type the seat's join code (a browser tab cannot carry it in its address)."""

    def __init__(self, url: str, code: str | None):
        super().__init__()
        self.url, self.code = url, code

    def compose(self) -> ComposeResult:
        with Vertical(id="join", classes="dialog wide"):
            yield Static(f"[b]Join a table[/b] at {self.url}\nType the join code on your seat card.", id="join-title")
            yield Input(value=self.code or "", placeholder="XXXXX-XXXXX", id="code", max_length=40)
            yield Button("Join", id="go", variant="primary")
            yield Static("", id="join-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#code", Input).focus()
        if self.code:
            self.join()

    @on(Input.Submitted)
    @on(Button.Pressed, "#go")
    def join(self) -> None:
        code = self.query_one("#code", Input).value.strip()
        if not code:
            self.query_one("#join-error", Static).update("✗ type the code on your seat card")
            return
        self.query_one("#join-error", Static).update("joining…")
        self.run_worker(self._open(code), exclusive=True)

    async def _open(self, code: str) -> None:
        content: Content = self.app.content  # type: ignore[attr-defined]
        link = SeatLink(self.url, code, content)
        try:
            await link.open()
        except JoinError as exc:
            self.query_one("#join-error", Static).update(f"✗ {exc}")
            return
        self.app.link = link  # type: ignore[attr-defined]
        self.app.begin(RemoteSession(link))  # type: ignore[attr-defined]


def join_app(content: Content, url: str, code: str | None) -> int:
    """Run the terminal game for the seat with this code at the server at `url`."""
    from negotiate.tui.app import NegotiateApp

    app = NegotiateApp(content, join=(url, code))
    app.run()
    return 0
