"""The end screen: the outcome, every seat's score and revealed agenda, the breakdowns, the
timeline, the charts, saving under a name, and the keys that leave it."""

from __future__ import annotations

import asyncio
import io
import sys
import types
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Select, Static
from textual_plotext import PlotextPlot

from negotiate.bots import BotSpec, default_lineup
from negotiate.content import Content
from negotiate.engine import Game, read_save
from negotiate.sim import play_game
from negotiate.tui.end import WORLD, EndScreen, series
from negotiate.tui.session import Session

SCENARIO = "classroom"
WON, COLLAPSED = 3, 5
"""Seeds: default bots play seed 3 to Aldermark's win; random bots collapse on seed 5 (in 2028,
with a deal that failed and one suspended)."""


@pytest.fixture(scope="module")
def won(content: Content) -> Session:
    """A finished game that Aldermark wins; a person played Aldermark, bots the rest."""
    table = Game(content, SCENARIO).table
    lineup = default_lineup(table)
    game = play_game(content, SCENARIO, WON, lineup)
    assert not game.state.collapsed and game.state.winners
    return Session(game, {seat: None if seat == table.order[0] else lineup[seat] for seat in table.order})


@pytest.fixture(scope="module")
def collapsed(content: Content) -> Session:
    table = Game(content, SCENARIO).table
    lineup = {seat: BotSpec("random") for seat in table.order}
    game = play_game(content, SCENARIO, COLLAPSED, lineup)
    assert game.state.collapsed and game.state.round < table.rounds - 1
    return Session(game, lineup)


class _App(App[None]):
    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def on_mount(self) -> None:
        self.push_screen(EndScreen(self.session))


def run(
    session: Session, check: Callable[[Pilot, EndScreen], Awaitable[None]], size: tuple[int, int] = (80, 24)
) -> None:
    """Open the end screen of a session and run `check` on it."""

    async def main() -> None:
        app = _App(session)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, EndScreen)
            await check(pilot, app.screen)

    asyncio.run(main())


def plain(renderable: object) -> str:
    """What a rich renderable reads as, in plain text."""
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(renderable)
    return console.export_text()


def cells(screen: EndScreen) -> dict[str, str]:
    """Each seat's row of the scores table, as one line of plain text."""
    grid = screen.query_one("#end-scores", DataTable)
    return {str(key.value): " ".join(plain(cell).replace("\n", " ") for cell in grid.get_row(key)) for key in grid.rows}


def drawn(screen: EndScreen) -> Any:
    """What the chart holds: plotext's lines (labels, x and y values)."""
    return screen.query_one("#end-chart", PlotextPlot).plt._active.monitor


def test_the_winner_every_score_and_every_agenda_are_shown(won: Session) -> None:
    state = won.game.state
    winner = state.winners[0]

    async def check(pilot: Pilot, screen: EndScreen) -> None:
        headline = plain(screen.query_one("#end-outcome", Static).content)
        assert "WINNER" in headline and f"{won.table.name(winner)} wins with {state.scores[winner]:g}" in headline
        rows = cells(screen)
        assert list(rows) == sorted(won.table.order, key=lambda seat: -state.scores[seat])
        for seat, row in rows.items():
            assert won.table.name(seat) in row
            assert f"{state.scores[seat]:.1f}" in row
            assert won.table.content.agendas[state.secrets[seat].agenda].name.split()[0] in row
            assert ("WIN" in row) == (seat == winner)
            assert ("person" in row) == (won.seating[seat] is None)
        assert str(won.seating[won.table.order[1]]) in rows[won.table.order[1]]

    run(won, check)


def test_a_collapse_is_explained_and_nobody_wins(collapsed: Session) -> None:
    async def check(pilot: Pilot, screen: EndScreen) -> None:
        headline = plain(screen.query_one("#end-outcome", Static).content)
        assert "COLLAPSE" in headline and "nobody wins" in headline and "25%" in headline
        assert "2028" in headline
        rows = cells(screen)
        assert not any("WIN" in row for row in rows.values())
        grid = screen.query_one("#end-scores", DataTable)
        assert "Lost" in [str(column.label) for column in grid.columns.values()]

    run(collapsed, check)


def test_a_seats_breakdown_lists_every_line_and_sums_to_its_score(won: Session) -> None:
    state = won.game.state

    async def check(pilot: Pilot, screen: EndScreen) -> None:
        order = list(cells(screen))
        for number, seat in enumerate(order):
            if number:
                await pilot.press("down")
                await pilot.pause()
            lines = won.game.score(seat)
            assert round(sum(line.points for line in lines), 1) == state.scores[seat]
            shown = plain(screen.query_one("#end-breakdown-text", Static).content)
            assert won.table.name(seat) in shown
            assert won.table.content.agendas[state.secrets[seat].agenda].text[:40] in shown
            assert all(line.label in shown for line in lines)
            assert f"{state.scores[seat]:.1f}  total" in " ".join(shown.split("\n"))

    run(won, check)


def test_the_timeline_tells_each_year_its_shocks_and_deals(collapsed: Session) -> None:
    game, table = collapsed.game, collapsed.table
    shocks = [table.content.shocks[e.card].name for e in game.events if e.kind == "shock" and e.card]
    trends = [table.content.trends[e.card].name for e in game.events if e.kind == "trend" and e.card]
    deals = {deal.status: deal.id for deal in game.state.deals}

    async def check(pilot: Pilot, screen: EndScreen) -> None:
        await pilot.press("2")
        await pilot.pause()
        text = plain(screen.query_one("#end-timeline Static", Static).content)
        assert shocks and all(name in text for name in shocks)
        assert all(name in text for name in trends)
        assert all(str(table.year(rnd)) in text for rnd in range(game.state.round + 1))
        assert f"Failed #{deals['failed']} " in " ".join(text.split())
        assert "Suspended" in text and f"deal #{deals['suspended']}" in text
        assert "the system collapsed" in text

    run(collapsed, check)


def test_charts_plot_every_round_and_switch_to_seat_tracks(won: Session) -> None:
    rounds = len(won.game.state.history)

    async def check(pilot: Pilot, screen: EndScreen) -> None:
        await pilot.press("3")
        await pilot.pause()
        monitor = drawn(screen)
        assert monitor.label == list(series(won, WORLD)) and len(monitor.y) == 5
        assert all(len(points) == rounds for points in monitor.y)
        assert monitor.y[-1] == [won.table.scenario.global_tracks["crisis"].max] * rounds
        await pilot.press("t")
        await pilot.pause()
        chart = str(screen.query_one("#end-chart-select", Select).value)
        having = [won.table.name(s) for s in won.table.order if chart in won.table.types[s].tracks]
        monitor = drawn(screen)
        assert chart != WORLD and monitor.label == having  # one line per seat with that track
        assert monitor.y[0] == [row[f"{won.table.order[0]}.{chart}"] for row in won.game.state.history]

    run(won, check)


def test_a_finished_game_saves_under_a_name_and_loads(
    won: Session, content: Content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEGOTIATE_SAVES", str(tmp_path))

    async def check(pilot: Pilot, screen: EndScreen) -> None:
        await pilot.press("s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "needs a name" in str(screen.query_one("#end-save-status", Static).content)
        assert not list(tmp_path.iterdir())
        await pilot.press(*"monday class", "enter")
        await pilot.pause()
        assert not screen.has_class("saving")

    run(won, check)
    loaded = read_save(content, tmp_path / "monday-class.json")
    assert loaded.is_over and loaded.state.scores == won.game.state.scores


@pytest.mark.parametrize("under_start", [True, False])
def test_n_returns_to_the_start_screen(won: Session, monkeypatch: pytest.MonkeyPatch, under_start: bool) -> None:
    class StartScreen(Screen[None]):
        pass

    monkeypatch.setitem(sys.modules, "negotiate.tui.start", types.SimpleNamespace(StartScreen=StartScreen))
    start = StartScreen()

    class Played(App[None]):
        def on_mount(self) -> None:
            if under_start:
                self.push_screen(start)
            self.push_screen(EndScreen(won))

    async def main() -> None:
        app = Played()
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("n")
            await pilot.pause()
            assert isinstance(app.screen, StartScreen) and len(app.screen_stack) == 2
            assert (app.screen is start) == under_start

    asyncio.run(main())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_scores_table_fits_without_scrolling_sideways(
    won: Session, collapsed: Session, size: tuple[int, int]
) -> None:
    async def check(pilot: Pilot, screen: EndScreen) -> None:
        grid = screen.query_one("#end-scores", DataTable)
        assert grid.virtual_size.width <= grid.scrollable_content_region.width

    run(won, check, size)
    run(collapsed, check, size)


def test_q_quits(won: Session) -> None:
    async def check(pilot: Pilot, screen: EndScreen) -> None:
        await pilot.press("q")
        await pilot.pause()
        assert not pilot.app.is_running

    run(won, check)
