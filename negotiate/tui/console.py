"""The facilitator's console (`negotiate teach`): every table at the server, with its alerts, and
the facilitator's controls for one table or for all. Each control is the engine's facilitator
action, sent to the table's log (so it replays, and the debrief shows it)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from negotiate.bots import default_lineup
from negotiate.content import Content
from negotiate.engine import ActionModel
from negotiate.engine.actions import PERSON, TEXT_LIMIT, parse_action
from negotiate.engine.game import table_of
from negotiate.engine.save import SaveError, from_save
from negotiate.engine.table import Table
from negotiate.net.facilitator import JoinError, call
from negotiate.tui.words import PHASES

POLL = 1.0
"""Seconds between looks at the tables."""
IDLE = 120
"""Seconds a started table may stand still before it is flagged."""
TIMERS = (3, 5, 8, 12)
"""The phase timers the console offers, in minutes."""
NEAR = 3
"""Crisis within this much of its maximum is flagged: collapse is near."""


def alerts(status: dict[str, Any]) -> list[str]:
    """What needs the facilitator's eye at a table, in words."""
    if status["finished"]:
        return []
    found = []
    if status["started"] and not status["paused"] and status["idle"] > IDLE:
        found.append(f"idle {status['idle'] // 60} min")
    empty = [
        seat
        for seat, who in status["seating"].items()
        if seat not in status["connected"] and (who == "human" or (who == "waiting" and status["started"]))
    ]
    if empty:
        found.append(f"no device: {', '.join(empty)}")
    if status["crisis"] >= status["crisis_max"] - NEAR:
        found.append("collapse near")
    return found


def clock(timer: dict[str, Any] | None) -> Text | str:
    """A table's phase timer: the time left of its minutes, red once time is up."""
    if not timer:
        return "-"
    left = max(0, int(timer["left"]))
    return Text(f"{left // 60:02d}:{left % 60:02d} of {timer['minutes']}:00", style="bold red" if left == 0 else "")


class ConsoleScreen(Screen[None]):
    """Every table of the server; Enter opens the controls of the table under the cursor."""

    BINDINGS = [
        Binding("c", "controls", "Controls"),
        Binding("C", "controls_class", "Controls for the class"),
        Binding("m", "announce", "Message the table"),
        Binding("M", "announce_all", "Message all"),
        Binding("t", "timer", "Timer"),
        Binding("T", "timer_all", "Timer for all"),
        Binding("h", "hand_over", "Hand a seat over"),
        Binding("d", "debrief", "Debrief the class"),
        Binding("p", "pause_all", "Pause all"),
        Binding("r", "resume_all", "Resume all"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, url: str, token: str):
        super().__init__()
        self.url, self.token = url.rstrip("/"), token
        self.tables: list[dict[str, Any]] = []
        self._session: aiohttp.ClientSession | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"[b]Facilitator's console[/b] · {self.url}", id="console-title")
        yield DataTable(id="console-tables", cursor_type="row", zebra_stripes=True)
        yield Static("", id="console-note")
        yield Footer()

    async def on_mount(self) -> None:
        grid = self.query_one(DataTable)
        grid.add_columns(
            "table", "scenario", "year", "phase", "turn", "timer", "devices", "crisis", "governance", "alerts"
        )
        self._session = aiohttp.ClientSession(headers={"Authorization": f"Bearer {self.token}"})
        await self.look()
        self.set_interval(POLL, self.look)

    async def on_unmount(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        assert self._session is not None
        try:
            async with self._session.request(method, self.url + path, json=body) as response:
                answer = await response.json()
        except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
            raise ConsoleError(f"cannot reach the server at {self.url}: {exc}") from None
        if response.status != 200:
            raise ConsoleError(answer.get("error", response.reason) if isinstance(answer, dict) else response.reason)
        return answer

    async def look(self) -> None:
        """Read every table's status, and draw it."""
        try:
            self.tables = (await self._call("GET", "/api/status"))["tables"]
        except ConsoleError as exc:
            self.query_one("#console-note", Static).update(Text(f"✗ {exc}", style="bold red"))
            return
        grid = self.query_one(DataTable)
        row = grid.cursor_row
        grid.clear()
        for t in self.tables:
            humans = [s for s, who in t["seating"].items() if who in ("human", "waiting")]
            state = "over" if t["finished"] else PHASES.get(t["phase"], t["phase"])
            if t["paused"]:
                state = f"PAUSED · {state}"
            elif not t["started"]:
                state = "waiting to start"
            flagged = alerts(t)
            grid.add_row(
                t["table"],
                t["scenario"],
                f"{t['year']} (round {t['round'] + 1})",
                state,
                t["turn"] or "-",
                clock(t["timer"]),
                f"{len([s for s in humans if s in t['connected']])}/{len(humans)}",
                f"{t['crisis']}/{t['crisis_max']}",
                str(t["governance"]),
                Text(", ".join(flagged), style="bold red") if flagged else "",
            )
        if self.tables:
            grid.move_cursor(row=min(row, len(self.tables) - 1))
        self.query_one("#console-note", Static).update(
            f"{len(self.tables)} table(s) · Enter (or c): pause, undo, end the phase or the game, or inject a shock at the table under the cursor (C: at every table of its class); m: a message to it; h: hand a seat over; d: the class's debrief"
        )

    def _table(self, status: dict[str, Any]) -> Table:
        content: Content = self.app.content  # type: ignore[attr-defined]
        return table_of(content, status["scenario"], status["rounds"])

    async def on_data_table_row_selected(self, _: DataTable.RowSelected) -> None:
        await self.action_controls()

    async def action_controls_class(self) -> None:
        await self.action_controls(every=True)

    async def action_controls(self, every: bool = False) -> None:
        """The controls of the table under the cursor; `every`: the one chosen goes to every
        table of its class still playing (each table's rules judge it there)."""
        from negotiate.tui.dialogs import UNDO_ONE, FacilitatorMenu

        grid = self.query_one(DataTable)
        if not self.tables:
            return
        status = self.tables[grid.cursor_row]
        tables = [t["table"] for t in self.tables if every and t["class"] == status["class"] and not t["finished"]] or [
            status["table"]
        ]
        try:
            actions = [
                parse_action(a) for a in (await self._call("GET", f"/api/tables/{status['table']}/controls"))["actions"]
            ]
        except ConsoleError as exc:
            self.notify(str(exc), severity="error")
            return

        async def chosen(choice: ActionModel | int | None) -> None:
            for table in tables if isinstance(choice, ActionModel) else ():
                await self.send(table, choice)  # type: ignore[arg-type]

        self.app.push_screen(FacilitatorMenu(self._table(status), actions, None, UNDO_ONE), chosen)

    async def send(self, table: str, action: ActionModel) -> bool:
        """A facilitator's action at a table; the server's refusal is shown."""
        try:
            answer = await self._call("POST", f"/api/tables/{table}/act", {"action": action.model_dump(mode="json")})
        except ConsoleError as exc:
            self.notify(str(exc), title=table, severity="error")
            return False
        if answer["type"] == "reject":
            self.notify(answer["reason"], title=f"{table}: not done", severity="warning")
            return False
        self.notify(f"{action.type.replace('_', ' ')} at {table}", title="Done")  # type: ignore[attr-defined]
        await self.look()
        return True

    def action_announce(self) -> None:
        if self.tables:
            self._announce([self.tables[self.query_one(DataTable).cursor_row]["table"]])

    def action_announce_all(self) -> None:
        self._announce([t["table"] for t in self.tables if not t["finished"]])

    def _announce(self, tables: list[str]) -> None:
        """A message to everyone at these tables: it shows in their Messages and story."""

        async def written(text: str | None) -> None:
            for table in tables if text else ():
                await self.send(table, parse_action({"type": "announce", "text": text}))

        self.app.push_screen(AnnounceDialog(", ".join(tables)), written)

    def action_timer(self) -> None:
        if self.tables:
            self._timer([self.tables[self.query_one(DataTable).cursor_row]["table"]])

    def action_timer_all(self) -> None:
        self._timer([t["table"] for t in self.tables if not t["finished"]])

    def _timer(self, tables: list[str]) -> None:
        """A phase timer, on every seat's screen: at time up the phase ends, or all are warned."""
        choices = [
            (
                f"{minutes} minutes a phase, then it ends" if ends else f"{minutes} minutes a phase, then a warning",
                (minutes, ends),
            )
            for minutes in TIMERS
            for ends in (True, False)
        ] + [("No timer", (0, False))]

        async def chosen(choice: tuple[int, bool] | None) -> None:
            for table in tables if choice is not None else ():
                minutes, ends = choice  # type: ignore[misc]
                await self.send(table, parse_action({"type": "set_timer", "minutes": minutes, "ends_phase": ends}))

        self.app.push_screen(ChoiceDialog(f"A phase timer at {', '.join(tables)}", choices), chosen)

    async def action_debrief(self) -> None:
        """The debrief of the class of the table under the cursor (its games so far), written as
        HTML and Markdown in this folder; a game not over reveals no secret."""
        if not self.tables:
            return
        klass = self.tables[self.query_one(DataTable).cursor_row]["class"]
        try:
            tables = (await self._call("GET", f"/api/classes/{klass}/export"))["tables"]
        except ConsoleError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(f"Writing the debrief of class {klass}…")
        out = Path(f"class-{klass}-debrief")
        content: Content = self.app.content  # type: ignore[attr-defined]
        try:
            await asyncio.to_thread(write_debrief, content, tables, out)
        except (SaveError, OSError) as exc:
            self.notify(str(exc), title="No debrief", severity="error")
            return
        self.notify(f"{out}.html and {out}.md", title="Debrief written")

    def action_hand_over(self) -> None:
        """Hand a seat of the table under the cursor to a bot, or give a bot's seat back to a person."""
        if not self.tables:
            return
        status = self.tables[self.query_one(DataTable).cursor_row]
        table = self._table(status)
        bots = default_lineup(table)
        choices = []
        for seat, who in status["seating"].items():
            to = str(bots[seat]) if who in ("human", "waiting") else PERSON
            now = {"human": "a person", "waiting": "nobody yet"}.get(who, f"a bot ({who})")
            to_words = "a person" if to == PERSON else f"a bot ({to})"
            choices.append((f"{table.name(seat)}: played by {now} → {to_words}", (seat, to)))

        async def chosen(choice: tuple[str, str] | None) -> None:
            if choice is not None:
                seat, to = choice
                await self.send(status["table"], parse_action({"type": "hand_over", "seat": seat, "to": to}))

        self.app.push_screen(ChoiceDialog(f"Hand a seat over at {status['table']}", choices), chosen)

    async def _all(self, kind: str, wanted: bool) -> None:
        for t in self.tables:
            if not t["finished"] and t["started"] and t["paused"] != wanted:
                await self.send(t["table"], parse_action({"type": kind}))

    async def action_pause_all(self) -> None:
        await self._all("pause", True)

    async def action_resume_all(self) -> None:
        await self._all("resume", False)


def write_debrief(content: Content, tables: list[dict[str, Any]], out: Path) -> None:
    """A class's debrief from its exported saves, as OUT.html and OUT.md."""
    from negotiate.debrief.render import build, html, markdown

    debriefs = []
    for t in tables:
        game = from_save(content, t["save"], f"table {t['table']}")
        debriefs.append(build(game, t["save"].get("seating") or {}, t["table"]))
    out.with_suffix(".html").write_text(html(debriefs), encoding="utf-8")
    out.with_suffix(".md").write_text(markdown(debriefs), encoding="utf-8")


class AnnounceDialog(ModalScreen[str | None]):
    """Write a message to everyone at some tables (Enter sends, Escape does not)."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel")]

    def __init__(self, tables: str):
        super().__init__()
        self.tables = tables

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(f"A message to everyone at {self.tables}", classes="title")
            yield Input(placeholder="five minutes left in this round", max_length=TEXT_LIMIT, id="announce")

    @on(Input.Submitted, "#announce")
    def _send(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)


class ChoiceDialog(ModalScreen[Any]):
    """Choose one of some (words, value) options (Enter chooses, Escape does not)."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel")]

    def __init__(self, title: str, choices: list[tuple[str, Any]]):
        super().__init__()
        self.title_words, self.choices = title, choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(self.title_words, classes="title")
            yield OptionList(*(Option(words, id=str(n)) for n, (words, _) in enumerate(self.choices)), id="choices")

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id or 0)][1])


class ConsoleError(Exception):
    """The server could not be asked, or refused; the text says why."""


class TokenScreen(Screen[None]):
    """Type the facilitator's token (the console in a browser asks for it)."""

    def __init__(self, url: str):
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        with Vertical(id="join", classes="dialog wide"):
            yield Static(f"[b]The facilitator's console[/b] at {self.url}\nType the facilitator's token.")
            yield Input(password=True, id="token", max_length=200)
            yield Static("", id="token-error", classes="error")

    def on_mount(self) -> None:
        self.query_one("#token", Input).focus()

    @on(Input.Submitted, "#token")
    async def _open(self, event: Input.Submitted) -> None:
        token = event.value.strip()
        try:
            await asyncio.to_thread(call, self.url, "GET", "/api/status", None, token)
        except JoinError as exc:
            self.query_one("#token-error", Static).update(f"✗ {exc}")
            return
        self.app.switch_screen(ConsoleScreen(self.url, token))


def teach_app(content: Content, url: str, token: str | None) -> int:
    """Run the facilitator's console for the server at `url` (no token: it asks for one)."""
    from negotiate.tui.app import NegotiateApp

    NegotiateApp(content, teach=(url, token)).run()
    return 0
