"""The end screen: the debrief. Who won and why, every seat's score with its secret agenda
revealed, the story year by year, and the tracks over the rounds as charts."""

from __future__ import annotations

import re

from rich.console import Group
from rich.table import Table as Grid
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Select, Static, TabbedContent, TabPane
from textual_plotext import PlotextPlot

from negotiate.content.schema import GOVERNANCE_LEVELS
from negotiate.engine import Event, SeatView
from negotiate.engine.scoring import ScoreLine
from negotiate.tui import saves
from negotiate.tui.session import Sitting
from negotiate.tui.words import counted, deal_line, figure

SOURCES = ("objective", "agenda", "milestone", "collapse")
"""Where points come from, in the order the scores table shows them."""

SHORT = {"objective": "Obj.", "agenda": "Agenda", "milestone": "Miles.", "collapse": "Lost"}
"""The point columns' names on a narrow screen."""

WIDE = 110
"""From this width on, the scores table has room for long names on one line."""

WORLD = "world"
"""The chart of the global tracks (every other chart is a seat track, by its id)."""


# --- the debrief in words: pure functions of the session -------------------------------------


def final(session: Sitting) -> SeatView:
    """The game's end as a person's seat sees it (the first seat's at a table of bots): every
    agenda is revealed by then, so any seat's view has all the debrief shows."""
    return session.board.view((session.humans or session.table.order)[0])


def ranking(session: Sitting) -> list[tuple[int, str]]:
    """(rank, seat) from the highest final score down; equal scores share a rank."""
    scores = final(session).scores
    seats = sorted(session.table.order, key=lambda seat: -scores[seat])
    return [(1 + sum(scores[other] > scores[seat] for other in seats), seat) for seat in seats]


def player(session: Sitting, seat: str) -> str:
    """Who played a seat: "person", or the bot's personality:level."""
    spec = session.seating[seat]
    return "person" if spec is None else str(spec)


def by_source(lines: list[ScoreLine]) -> dict[str, float]:
    """A breakdown's points summed by source (objective, agenda, milestone, collapse)."""
    return {source: sum(line.points for line in lines if line.source == source) for source in SOURCES}


def outcome(session: Sitting) -> Text:
    """The result in one line, then the world it ended in: crisis by year, governance, deals."""
    table, view = session.table, final(session)
    crisis = table.scenario.global_tracks["crisis"]
    text = Text()
    if view.collapsed:
        keep = table.scenario.rules.collapse_keep
        text.append(" COLLAPSE ", style="bold reverse red")
        text.append(
            f" In {view.year} {crisis.label.lower()} hit its maximum, {crisis.max}: nobody wins,"
            f" and every seat kept only {keep:.0%} of its gains.",
            style="bold",
        )
    else:
        scores, winners = view.scores, view.winners
        names = " and ".join(table.name(w) for w in winners)
        text.append(" WINNER ", style="bold reverse green")
        text.append(
            f" {names} {'share the win' if len(winners) > 1 else 'wins'} with {figure(scores[winners[0]])}",
            style="bold",
        )
        runner = next((seat for _, seat in ranking(session) if seat not in winners), None)
        if runner is not None:
            text.append(
                f", {figure(scores[winners[0]] - scores[runner], '.1f')} ahead of {table.name(runner)}", style="bold"
            )
        text.append(".", style="bold")
    path = " → ".join(str(row["global.crisis"]) for row in view.history)
    level = view.global_tracks["governance"]
    in_force = sum(1 for deal in view.deals if deal.starts is not None)
    text.append(f"\n Played to {view.year} · {crisis.label.lower()} {path} (collapse at {crisis.max})", style="dim")
    text.append(f" · governance: {GOVERNANCE_LEVELS[level]} ({level}/{len(GOVERNANCE_LEVELS) - 1})", style="dim")
    text.append(f" · {counted(in_force, 'deal')} came into force", style="dim")
    return text


def breakdown(session: Sitting, seat: str) -> Group:
    """A seat's full score: who played it, its objective and agenda, and every line of points."""
    table, view = session.table, final(session)
    kind = table.types[seat]
    agenda = table.content.agendas[view.agendas[seat]]
    head = Text()
    head.append(table.name(seat), style="bold")
    head.append(f" — {kind.name}, played by {player(session, seat)}")
    if seat in view.winners:
        head.append("  WINNER", style="bold green")
    head.append("\nObjective: ", style="bold")
    head.append(kind.objective.text)
    head.append(f"\nSecret agenda, revealed: {agenda.name}. ", style="bold")
    head.append(agenda.text)
    grid = Grid(box=None, padding=(0, 1), show_edge=False, pad_edge=False, header_style="bold")
    grid.add_column("Points", justify="right")
    grid.add_column("Why")
    grid.add_column("From")
    for line in session.board.score(seat):
        grid.add_row(figure(line.points, "+.1f"), line.label, line.source, style="" if line.points else "dim")
    grid.add_row(figure(view.scores[seat], ".1f"), "total", "", style="bold")
    return Group(grid, Text(""), head)


def timeline(session: Sitting) -> Grid:
    """Year by year: the trend and shock that struck, and the deals that came into force, failed
    at ratification or were suspended. Marks and words, not colour alone, tell them apart."""
    table, view = session.table, final(session)
    events = session.board.events_for(None)
    grid = Grid(box=None, padding=(0, 1), show_edge=False, pad_edge=False, show_header=False)
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    for rnd in range(len(view.history)):
        rows: list[tuple[str, str, str]] = []
        for event in events:
            if event.round == rnd and event.kind in ("trend", "shock"):
                mark = ("! Shock" if event.kind == "shock" else "~ Trend") if event.card else ""
                said = _sentence(event.text).removeprefix(f"{event.kind.capitalize()}: ")
                rows.append((mark, "bold red" if mark == "! Shock" else "", said))
        for deal in view.deals:
            if deal.starts == rnd:
                until = table.year(deal.ends if deal.ends is not None else rnd)
                rows.append(("✓ In force", "green", f"{deal_line(table, deal)} (until {until})"))
            if deal.status == "failed" and deal.round == rnd:
                names = ", ".join(table.name(seat) for seat in deal.refused)
                why = f"refused by {names}" if names else "too few ratifications"
                rows.append(("✗ Failed", "red", f"{deal_line(table, deal)} ({why})"))
            if deal.status == "suspended" and (news := _last_news(events, deal.id)).round == rnd:
                rows.append(("‖ Suspended", "yellow", news.text))
        if rnd == len(view.history) - 1:
            rows.append(("■ End", "bold", next((e.text for e in events if e.kind == "end"), "The game ends")))
        for number, (mark, style, text) in enumerate(rows):
            grid.add_row(str(table.year(rnd)) if number == 0 else "", Text(mark, style=style), text)
        grid.add_row("", "", "")
    return grid


def _sentence(text: str) -> str:
    """An event's first sentence: "Shock: Coup in the Capital strikes Zanoka"."""
    return re.split(r"(?<=[a-z0-9)])\. ", text, maxsplit=1)[0].rstrip(".")


def _last_news(events: list[Event], deal_id: int) -> Event:
    """The last public deal event naming a deal: for a suspended deal, its suspension."""
    named = re.compile(rf"#{deal_id}\b")
    return [e for e in events if e.kind == "deal" and named.search(e.text)][-1]


def charts(session: Sitting) -> list[tuple[str, str]]:
    """The charts to choose from, as (title, key): the world, then each seat track in play."""
    table = session.table
    tracks: dict[str, str] = {}
    for seat in table.order:
        for track, spec in table.types[seat].tracks.items():
            tracks.setdefault(track, spec.label)
    return [("World: the global tracks", WORLD)] + [(f"Seats: {label}", track) for track, label in tracks.items()]


def series(session: Sitting, chart: str) -> dict[str, list[int]]:
    """A chart's lines, by label: one value per round played, at the round's end. The world
    chart has a line where crisis pressure collapses the system."""
    table, history = session.table, final(session).history
    tracks = table.scenario.global_tracks
    if chart == WORLD:
        lines = {spec.label: [row[f"global.{track}"] for row in history] for track, spec in tracks.items()}
        lines[f"Collapse at {tracks['crisis'].max}"] = [tracks["crisis"].max] * len(history)
        return lines
    return {
        table.name(seat): [row[f"{seat}.{chart}"] for row in history]
        for seat in table.order
        if chart in table.types[seat].tracks
    }


# --- the screen ----------------------------------------------------------------------------


class EndScreen(Screen[None]):
    """The game is over: the debrief, in three tabs (scores, timeline, charts)."""

    DEFAULT_CSS = """
    EndScreen #end-outcome {
        height: auto;
        padding: 0 1;
        background: $boost;
    }
    EndScreen #end-tabs {
        height: 1fr;
    }
    EndScreen #end-scores {
        height: auto;
        max-height: 60%;
    }
    EndScreen #end-breakdown {
        height: 1fr;
        border-top: solid $secondary;
        border-title-style: bold;
        padding: 0 1;
    }
    EndScreen #end-timeline {
        padding: 0 1;
    }
    EndScreen #end-chart-bar {
        height: 3;
    }
    EndScreen #end-chart-select {
        width: 44;
    }
    EndScreen #end-chart-hint {
        padding: 1 1 0 1;
        color: $text-muted;
    }
    EndScreen #end-chart {
        height: 1fr;
    }
    EndScreen #end-save {
        display: none;
        height: auto;
        padding: 0 1;
        border-top: solid $accent;
        border-title-style: bold;
        background: $boost;
    }
    EndScreen.saving #end-save {
        display: block;
    }
    EndScreen #end-save-name {
        width: 1fr;
    }
    EndScreen #end-save-status {
        width: 1fr;
        height: auto;
        padding: 1 0 0 1;
    }
    EndScreen #end-save-status.error {
        color: $error;
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("1", "tab('scores')", "Scores", show=False),
        Binding("2", "tab('timeline')", "Timeline", show=False),
        Binding("3", "tab('charts')", "Charts", show=False),
        Binding("t", "next_chart", "Next chart"),
        Binding("s", "save", "Save"),
        Binding("n", "new_game", "New game"),
        Binding("q", "quit", "Quit"),
        Binding("escape", "close_save", "Close", show=False),
    ]

    def __init__(self, session: Sitting):
        super().__init__()
        self.session = session
        self.choices = charts(session)
        self._narrow: bool | None = None

    def compose(self) -> ComposeResult:
        yield Static(outcome(self.session), id="end-outcome")
        with TabbedContent(id="end-tabs"):
            with TabPane("1 Scores", id="scores"):
                yield DataTable(id="end-scores", cursor_type="row", zebra_stripes=True)
                yield VerticalScroll(Static(id="end-breakdown-text"), id="end-breakdown")
            with TabPane("2 Timeline", id="timeline"):
                yield VerticalScroll(Static(timeline(self.session)), id="end-timeline")
            with TabPane("3 Charts", id="charts"):
                with Horizontal(id="end-chart-bar"):
                    yield Select(self.choices, value=WORLD, allow_blank=False, id="end-chart-select")
                    yield Static("t: next chart", id="end-chart-hint")
                yield PlotextPlot(id="end-chart")
        with Horizontal(id="end-save") as bar:
            bar.border_title = "Save the finished game under a name"
            yield Input(placeholder="e.g. monday-class (Enter saves, Esc closes)", id="end-save-name")
            yield Static(id="end-save-status")
        yield Footer()

    def on_mount(self) -> None:
        self._fit_scores()
        self.show_breakdown(ranking(self.session)[0][1])
        self.draw_chart(WORLD)
        self.query_one("#end-scores", DataTable).focus()

    # --- scores ----------------------------------------------------------------------------

    def on_resize(self) -> None:
        self._fit_scores()

    def _fit_scores(self) -> None:
        """Build the scores table, again whenever the screen turns narrow or wide."""
        narrow = self.size.width < WIDE
        if narrow != self._narrow:
            self._narrow = narrow
            self._fill_scores()

    def _fill_scores(self) -> None:
        """The scores table: a row per seat (its name, then who played it), and a column per
        source of points that gave anyone points. On a narrow screen, long names wrap and the
        point columns have short names."""
        session, view = self.session, final(self.session)
        grid = self.query_one("#end-scores", DataTable)
        highlighted = grid.cursor_row
        grid.clear(columns=True)
        sums = {seat: by_source(session.board.score(seat)) for seat in session.table.order}
        shown = [source for source in SOURCES if any(points[source] for points in sums.values())]
        names = SHORT if self._narrow else {source: source.capitalize() for source in SOURCES}
        grid.add_column("Rank")
        grid.add_column("Seat", width=19 if self._narrow else None)
        grid.add_column("Score")
        grid.add_column("Secret agenda", width=14 if self._narrow else None)
        for source in shown:
            grid.add_column(names[source])
        for rank, seat in ranking(session):
            won = seat in view.winners
            grid.add_row(
                Text(f"{rank}\nWIN" if won else str(rank), style="bold" if won else ""),
                Text.assemble((session.table.name(seat), "bold" if won else ""), "\n", (player(session, seat), "dim")),
                Text(figure(view.scores[seat], ".1f"), style="bold", justify="right"),
                session.table.content.agendas[view.agendas[seat]].name,
                *(Text(figure(sums[seat][source], "+.1f"), justify="right") for source in shown),
                key=seat,
                height=None,
            )
        grid.move_cursor(row=highlighted)

    def show_breakdown(self, seat: str) -> None:
        """Show a seat's full score under the table."""
        self.query_one("#end-breakdown-text", Static).update(breakdown(self.session, seat))
        self.query_one("#end-breakdown").border_title = f"Why {self.session.table.name(seat)} scored what it did"

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.show_breakdown(event.row_key.value)

    # --- charts ----------------------------------------------------------------------------

    def draw_chart(self, chart: str) -> None:
        """Plot a chart's lines by year; the world chart marks where crisis collapses."""
        table = self.session.table
        plot = self.query_one("#end-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        lines = series(self.session, chart)
        years: list[float] = [table.year(rnd) for rnd in range(len(final(self.session).history))]
        for label, values in lines.items():
            if chart == WORLD and label.startswith("Collapse"):
                plt.plot(years, values, label=label, color="red", marker="─")
            else:
                plt.plot(years, values, label=label, marker="braille")
        if chart == WORLD:
            plt.ylim(0, max(spec.max for spec in table.scenario.global_tracks.values()))
        plt.xticks(years, [f"{year:.0f}" for year in years])
        plt.title(f"{next(title for title, key in self.choices if key == chart)}, at each year's end")
        plot.refresh()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "end-chart-select" and isinstance(event.value, str):
            self.draw_chart(event.value)

    def action_next_chart(self) -> None:
        self.action_tab("charts")
        select = self.query_one("#end-chart-select", Select)
        keys = [key for _, key in self.choices]
        select.value = keys[(keys.index(str(select.value)) + 1) % len(keys)]

    # --- keys ------------------------------------------------------------------------------

    def action_tab(self, tab: str) -> None:
        self.query_one("#end-tabs", TabbedContent).active = tab

    def on_tabbed_content_tab_activated(self) -> None:
        self._focus_tab()

    def _focus_tab(self) -> None:
        """Focus what the open tab's keys work on: the scores table, or the timeline to scroll."""
        tab = self.query_one("#end-tabs", TabbedContent).active
        focus = {"scores": "#end-scores", "timeline": "#end-timeline"}.get(tab)
        self.set_focus(self.query_one(focus) if focus else None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """At a server's table the server keeps the game, and a new game is local play's."""
        return not (self.session.remote and action in ("save", "new_game"))

    def action_save(self) -> None:
        self.add_class("saving")
        self.query_one("#end-save-name", Input).focus()

    def action_close_save(self) -> None:
        self.remove_class("saving")
        self._focus_tab()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        status = self.query_one("#end-save-status", Static)
        try:
            path = saves.save_path(event.value)
            self.session.save_now(path)
        except (ValueError, OSError) as exc:
            status.set_class(True, "error")
            status.update(f"Not saved: {exc}")
            return
        status.set_class(False, "error")
        status.update(f"Saved as {path}")
        self.action_close_save()
        self.notify(f"Saved as {path}", title="Game saved")

    def action_new_game(self) -> None:
        """Back to the start screen: the one underneath, or a new one."""
        from negotiate.tui.start import StartScreen

        if any(isinstance(screen, StartScreen) for screen in self.app.screen_stack):
            while not isinstance(self.app.screen_stack[-1], StartScreen):
                self.app.pop_screen()
        else:
            self.app.switch_screen(StartScreen())

    def action_quit(self) -> None:
        self.app.exit()
