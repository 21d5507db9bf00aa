"""The room's screen: one table's public view, large enough to read from the back of a room.

It follows the table through a link that watches (the facilitator's token), and holds nothing
secret: the server sends it the public view only, with no seat's agenda, hand or private mail.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Digits, Footer, Static

from negotiate.content import Content
from negotiate.net.client import SeatLink
from negotiate.tui import panels
from negotiate.tui.words import PHASES

LATEST_LINES = 8
"""The latest events shown."""
NEWS = ("trend", "shock", "deal", "audit", "evidence", "end", "facilitator")
"""The kinds of event the room's screen shows (not every track's move, pass or reason)."""


class ClassScreen(Screen[None]):
    """Every table of a class side by side, for the room: year, phase, world tracks, deals in
    force and the latest news of each (public views only)."""

    BINDINGS = [("q", "app.quit", "Quit")]

    def __init__(self, links: list[SeatLink]):
        super().__init__()
        self.links = links

    def compose(self) -> ComposeResult:
        with Horizontal(id="class-tables"):
            for n, _ in enumerate(self.links):
                yield VerticalScroll(Static(id=f"class-table-{n}"), classes="class-table")
        yield Footer()

    def on_mount(self) -> None:
        for n, link in enumerate(self.links):
            assert link.watch is not None
            self.query_one(f"#class-table-{n}").parent.border_title = link.watch[0]  # type: ignore[union-attr]
            link.on_change = lambda _, n=n: self.draw(n) if self.is_attached else None  # type: ignore[misc]
            self.draw(n)

    def draw(self, n: int) -> None:
        link = self.links[n]
        assert link.table is not None
        table, view = link.table, link.seen.view
        text = Text()
        text.append(f"{view.year}\n", style="bold reverse")
        if view.phase == "game_over":
            text.append("The game is over\n", style="bold")
        else:
            text.append(f"round {view.round + 1} of {view.rounds} · {PHASES.get(view.phase, view.phase)}\n")
        if view.paused:
            text.append("PAUSED\n", style="bold yellow")
        if view.window:
            text.append("WINDOW\n", style="bold cyan")
        in_force = [d for d in view.deals if d.status == "in_force"]
        text.append(f"deals in force: {len(in_force)}\n", style="bold")
        news = Text()
        for event in [e for e in link.events if e.kind in NEWS][-3:]:
            news.append(f"\n{table.year(event.round)} {event.text}", style="dim")
        self.query_one(f"#class-table-{n}", Static).update(Group(text, panels.global_tracks(table, view), news))


class ProjectorScreen(Screen[None]):
    """A table's year, world, deals in force and latest events, for the room."""

    BINDINGS = [("q", "app.quit", "Quit")]

    def __init__(self, link: SeatLink):
        super().__init__()
        self.link = link

    def compose(self) -> ComposeResult:
        with Horizontal(id="projector-top"):
            yield Digits(id="projector-year")
            yield Static(id="projector-status")
        with Horizontal(id="projector-middle"):
            yield VerticalScroll(Static(id="projector-world"))
            yield VerticalScroll(Static(id="projector-deals"), id="projector-side")
        yield Static(id="projector-latest")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#projector-side").border_title = "Deals in force"
        self.query_one("#projector-latest").border_title = "Latest"
        self.link.on_change = lambda _: self.refresh_view() if self.is_attached else None
        self.refresh_view()

    def refresh_view(self) -> None:
        assert self.link.table is not None
        table, seen = self.link.table, self.link.seen
        view = seen.view
        self.query_one("#projector-year", Digits).update(str(view.year))
        status = Text()
        status.append(f"{table.scenario.name}\n", style="bold")
        if view.phase != "game_over":
            status.append(f"Round {view.round + 1} of {view.rounds} · {PHASES.get(view.phase, view.phase)}\n")
        if view.phase == "game_over":
            status.append("The game is over\n", style="bold")
        elif view.paused:
            status.append("PAUSED\n", style="bold yellow")
        elif view.turn is not None:
            status.append(f"{table.name(view.turn)} to play\n", style="bold green")
        if view.window:
            status.append("WINDOW: ratifying is easier\n", style="bold cyan")
        if not self.link.connected:
            status.append("reconnecting…\n", style="bold red")
        self.query_one("#projector-status", Static).update(status)
        self.query_one("#projector-world", Static).update(panels.world(table, view))
        in_force = [panels.deal_card(table, view, deal) for deal in view.deals if deal.status == "in_force"]
        self.query_one("#projector-deals", Static).update(
            Text("\n").join(in_force) if in_force else Text("No deal in force yet.", style="italic")
        )
        latest = [e for e in self.link.events if e.kind in NEWS][-LATEST_LINES:]
        lines = Text("\n").join(Text(f"{table.year(e.round)}  {e.text}") for e in latest)
        self.query_one("#projector-latest", Static).update(lines)


def watch_app(content: Content, url: str, table: str, token: str) -> int:
    """Run the room's screen for a table at the server at `url`."""
    from negotiate.tui.app import NegotiateApp

    NegotiateApp(content, watch=(url, table, token)).run()
    return 0
