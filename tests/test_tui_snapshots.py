"""Snapshots of the terminal game at 80x24: the start screen, the table, the composer and the
end screen. A change to what players see shows up here; after checking it by eye, accept it with
`pytest tests/test_tui_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select, SelectionList

from negotiate.bots import default_lineup
from negotiate.content import Content
from negotiate.engine import Game
from negotiate.sim import play_game
from negotiate.tui.app import NegotiateApp
from negotiate.tui.session import Session

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def saves_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NEGOTIATE_SAVES", str(tmp_path / "saves"))


def solo(content: Content, scenario: str = "crisis-2015", seat: str = "brandholm") -> Session:
    lineup = default_lineup(Game(content, scenario).table)
    return Session.new(content, scenario, 4, {s: None if s == seat else spec for s, spec in lineup.items()})


async def settle(pilot) -> None:
    """Wait until the person is to act and nothing moves (bots done, no cursor blinking)."""
    screen = pilot.app.screen
    for _ in range(500):
        session = screen.session
        if session.game.current_seat in session.humans and screen.viewer == session.game.current_seat:
            break
        await pilot.pause(0.01)
    await still(pilot)


async def still(pilot) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause(0.05)


def test_start_screen(snap_compare, content):
    assert snap_compare(NegotiateApp(content), terminal_size=SIZE)


def test_table(snap_compare, content):
    assert snap_compare(NegotiateApp(content, solo(content), bot_delay=0), terminal_size=SIZE, run_before=settle)


def test_composer(snap_compare, content):
    async def compose_a_deal(pilot) -> None:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause(0.05)
        composer = pilot.app.screen
        composer.query_one("#parties", SelectionList).select("surannah")
        composer.query_one("#term", Select).value = "skill_partnership"
        await pilot.pause(0.05)
        composer.query_one("#giver", Select).value = "brandholm"
        composer.query_one("#receiver", Select).value = "surannah"
        composer.query_one("#add").press()
        await still(pilot)

    app = NegotiateApp(content, solo(content), bot_delay=0)
    assert snap_compare(app, terminal_size=SIZE, run_before=compose_a_deal)


def test_end_screen(snap_compare, content):
    table = Game(content, "classroom").table
    lineup = default_lineup(table)
    game = play_game(content, "classroom", 2, lineup)
    session = Session(game, {s: None if s == "aldermark" else spec for s, spec in lineup.items()})

    async def finish(pilot) -> None:
        pilot.app.finish(session)
        await still(pilot)

    app = NegotiateApp(content, None)
    assert snap_compare(app, terminal_size=SIZE, run_before=finish)
