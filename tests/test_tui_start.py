"""The start screens, driven by keys at 80×24: new game, continue, load and the rulebook."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, MarkdownViewer, OptionList, RadioButton, RadioSet, Select, Static

from negotiate.bots import BotSpec, default_lineup
from negotiate.engine import Game
from negotiate.tui import saves
from negotiate.tui.app import NegotiateApp
from negotiate.tui.rulebook import RulebookScreen
from negotiate.tui.session import Session
from negotiate.tui.start import LENGTHS, LoadScreen, NewGameScreen, StartScreen, preset_rounds, presets

Script = Callable[[NegotiateApp, Pilot], Awaitable[None]]


@pytest.fixture
def begun(monkeypatch, tmp_path) -> list[Session]:
    """Saves go to a temporary folder; the sessions the app begins are recorded, not played."""
    monkeypatch.setenv("NEGOTIATE_SAVES", str(tmp_path))
    sessions: list[Session] = []
    monkeypatch.setattr(NegotiateApp, "begin", lambda app, session: sessions.append(session))
    return sessions


def run(content, script: Script, size: tuple[int, int] = (80, 24)) -> None:
    async def main() -> None:
        app = NegotiateApp(content, bot_delay=0)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await script(app, pilot)

    asyncio.run(main())


def text(app: NegotiateApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def painted(widget: Widget) -> list[str]:
    """The characters a widget paints, row by row, without colour: what a monochrome terminal shows."""
    return [strip.text for strip in widget.render_lines(Region(0, 0, *widget.outer_size))]


async def new_game(app: NegotiateApp, pilot: Pilot) -> NewGameScreen:
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, NewGameScreen)
    return app.screen


def test_enter_on_the_menu_opens_the_highlighted_entry(content, begun):
    async def script(app, pilot):
        await pilot.press("enter")  # New game is highlighted when there is no game to continue
        await pilot.pause()
        assert isinstance(app.screen, NewGameScreen)
        await pilot.press("escape", "down", "enter")  # Continue is disabled: down skips to Load a save
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)

    run(content, script)


def test_new_game_with_defaults_seats_a_person_first_and_default_bots(content, begun):
    async def script(app, pilot):
        screen = await new_game(app, pilot)
        seed = screen.seed
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        [session] = begun
        table = session.table
        assert session.game.seed == seed and table.scenario.id == content.scenario(None).id
        assert session.humans == [table.order[0]]
        assert {seat: session.seating[seat] for seat in table.order[1:]} == {
            seat: spec for seat, spec in default_lineup(table).items() if seat != table.order[0]
        }
        assert session.autosave is not None and session.autosave.exists()
        assert session.autosave.parent == saves.folder() and table.scenario.id in session.autosave.name

    run(content, script)


def test_a_bot_in_the_first_seat_and_a_person_in_another(content, begun):
    async def script(app, pilot):
        screen = await new_game(app, pilot)
        first, second = list(screen.players)[:2]
        screen.players[first].value = "broker:hard"
        screen.players[second].value = "human"
        await pilot.click("#start")
        await pilot.pause()
        [session] = begun
        assert session.seating[first] == BotSpec("broker", "hard")
        assert session.humans == [second]

    run(content, script)


def test_all_bots_is_refused_in_place(content, begun):
    async def script(app, pilot):
        screen = await new_game(app, pilot)
        screen.players[next(iter(screen.players))].value = "pragmatist:easy"
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is screen and not begun
        assert "bots only? use `negotiate simulate`" in text(app, "#problem")

    run(content, script)


def test_a_bad_seed_is_refused_in_place(content, begun):
    async def script(app, pilot):
        await new_game(app, pilot)
        app.screen.query_one("#seed", Input).focus()
        await pilot.press("ctrl+a", "minus", "3", "enter")
        await pilot.pause()
        assert isinstance(app.screen, NewGameScreen) and not begun
        assert "whole number" in text(app, "#seed-problem")
        assert "whole number" in text(app, "#problem")

    run(content, script)


def test_length_presets_play_the_right_rounds(content, begun):
    assert [preset_rounds(7, p) for p in ("full", "short", "quick")] == [7, 5, 4]
    assert [preset_rounds(4, p) for p in ("full", "short", "quick")] == [4, 3, 3]

    async def script(app, pilot):
        screen = await new_game(app, pilot)
        assert "quick: 4 rounds, 2018–2024" in str(screen.query_one("#quick", RadioButton).label)
        screen.query_one("#quick", RadioButton).value = True
        await pilot.press("s")
        await pilot.pause()
        [session] = begun
        assert session.game.rounds == 4 and session.table.scenario.years == [2018, 2020, 2022, 2024]

    run(content, script)


def test_the_description_follows_the_chosen_length(content, begun):
    """Rounds, years and minutes (in fives) of the length chosen: 5 of 7 rounds of 150 minutes."""

    async def script(app, pilot):
        screen = await new_game(app, pilot)
        assert "7 rounds, 2018–2030 · about 150 minutes" in text(app, "#about")
        screen.query_one("#short", RadioButton).value = True
        await pilot.pause()
        assert "5 rounds, 2018–2026 · about 105 minutes" in text(app, "#about")

    run(content, script)


def test_only_lengths_that_differ_are_offered(content, begun):
    """A preset that would play as many rounds as a longer one is not offered (classroom: short
    and quick were both 3 rounds); quick chosen before, the classroom plays it as short."""
    for years in range(1, 16):
        offered = presets(years)
        assert len(set(offered.values())) == len(offered), offered
        assert offered["full"] == years
    assert presets(4) == {"full": 4, "short": 3}

    async def script(app, pilot):
        screen = await new_game(app, pilot)
        screen.query_one("#quick", RadioButton).value = True
        await pilot.pause()
        screen.query_one("#scenario", Select).value = "classroom"
        await pilot.pause()
        assert [button.id for button in screen.query(RadioButton) if button.display] == ["full", "short"]
        assert screen.query_one("#length", RadioSet).pressed_button is screen.query_one("#short")
        assert "3 rounds, 2024–2028 · about 35 minutes" in text(app, "#about")
        await pilot.press("s")
        await pilot.pause()
        assert begun[0].game.rounds == 3

    run(content, script)


def test_the_chosen_length_reads_without_colour(content, begun):
    """The chosen length preset is marked by a character, not by colour alone."""

    async def script(app, pilot):
        screen = await new_game(app, pilot)

        def marks() -> dict[str, str]:
            """What each preset's row shows before its label."""
            out = {}
            for preset in LENGTHS:
                button = screen.query_one(f"#{preset}", RadioButton)
                [row] = painted(button)
                out[preset] = row[: row.index(str(button.label))]
            return out

        chosen, other = marks()["full"], marks()["short"]
        assert chosen.strip() != other.strip(), f"{chosen!r} and {other!r} differ only in colour"
        assert len(chosen) == len(other)
        assert marks() == {"full": chosen, "short": other, "quick": other}
        screen.query_one("#length").focus()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert marks() == {"full": other, "short": other, "quick": chosen}
        await pilot.press("s")
        await pilot.pause()
        assert begun[0].game.rounds == 4

    run(content, script)


def test_scenarios_with_eight_and_four_seats_both_set_up(content, begun):
    async def script(app, pilot):
        screen = await new_game(app, pilot)
        assert len(screen.players) == 8
        screen.query_one("#scenario", Select).value = "classroom"
        await pilot.pause()
        assert len(screen.players) == 4
        assert "45 minutes" in text(app, "#about")
        await pilot.press("s")
        await pilot.pause()
        assert begun[0].table.scenario.id == "classroom"

    run(content, script)


def test_escape_goes_back_from_new_game_without_a_session(content, begun):
    async def script(app, pilot):
        await new_game(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen) and not begun

    run(content, script)


def test_continue_shows_and_loads_the_latest_game(content, begun, tmp_path):
    seats = Game(content, "crisis-2015").table.order
    seating = {seat: None if seat == seats[1] else BotSpec("random") for seat in seats}
    table = Game(content, "crisis-2015").table
    path = saves.new_game_path(table, [seats[1]])
    Session.new(content, "crisis-2015", 7, seating, autosave=path)

    async def script(app, pilot):
        menu = app.screen.query_one("#menu", OptionList)
        assert "Vellara · The Crisis of 2015 · 2015" in str(menu.get_option("resume").prompt)
        await pilot.press("c")
        await pilot.pause()
        [session] = begun
        assert session.game.seed == 7 and session.humans == [seats[1]]
        assert session.autosave == path

    run(content, script)


def test_continue_is_disabled_with_no_game_in_progress(content, begun):
    async def script(app, pilot):
        assert app.screen.query_one("#menu", OptionList).get_option("resume").disabled
        await pilot.press("c")
        await pilot.pause()
        assert not begun and "no game in progress" in text(app, "#problem")

    run(content, script)


def test_a_game_that_cannot_be_continued_is_explained_and_kept(content, begun):
    seats = Game(content, "classroom").table.order
    path = saves.folder() / "edited.json"
    Session.new(content, "classroom", 3, {seat: None for seat in seats}, autosave=path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["seed"] = 4  # edited by hand: the log no longer gives the saved game
    damaged = json.dumps(data)
    path.write_text(damaged, encoding="utf-8")

    async def script(app, pilot):
        await pilot.press("c")
        await pilot.pause()
        assert not begun and isinstance(app.screen, StartScreen)
        shown = text(app, "#problem")
        assert "Cannot continue" in shown and "edited.json" in shown and "kept" in shown

    run(content, script)
    assert path.read_text(encoding="utf-8") == damaged


def test_load_lists_saves_and_loads_one(content, begun, tmp_path):
    seats = Game(content, "classroom").table.order
    Session.new(content, "classroom", 3, {seat: None for seat in seats}).save_now(tmp_path / "lesson.json")
    (tmp_path / "broken.json").write_text("not json", encoding="utf-8")

    async def script(app, pilot):
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LoadScreen)
        listed = app.screen.query_one("#saves", OptionList)
        prompts = {str(listed.get_option_at_index(i).id): listed.get_option_at_index(i) for i in range(2)}
        lesson, broken = prompts[str(tmp_path / "lesson.json")], prompts[str(tmp_path / "broken.json")]
        assert "One Route, Four Rounds" in str(lesson.prompt) and "2024" in str(lesson.prompt)
        assert "cannot be loaded" in str(broken.prompt)
        listed.highlighted = listed.get_option_index(str(tmp_path / "broken.json"))
        await pilot.press("enter")
        await pilot.pause()
        assert not begun and "Press d to delete it" in text(app, "#problem")
        listed.highlighted = listed.get_option_index(str(tmp_path / "lesson.json"))
        await pilot.press("enter")
        await pilot.pause()
        [session] = begun
        assert session.game.seed == 3 and session.autosave == tmp_path / "lesson.json"
        assert isinstance(app.screen, StartScreen)

    run(content, script)


def test_a_save_that_fails_to_load_says_why_in_place(content, begun, tmp_path):
    (tmp_path / "odd.json").write_text('{"scenario": "nowhere", "actions": []}', encoding="utf-8")

    async def script(app, pilot):
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert not begun and isinstance(app.screen, LoadScreen)
        assert "odd.json" in text(app, "#problem")

    run(content, script)


def test_an_empty_save_folder_says_where_saves_live(content, begun, tmp_path):
    async def script(app, pilot):
        await pilot.press("l")
        await pilot.pause()
        assert str(tmp_path) in text(app, "#where") and "No saves yet" in text(app, "#empty")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)

    run(content, script)


def test_the_rulebook_opens_and_escape_returns(content, begun):
    async def script(app, pilot):
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RulebookScreen)
        viewer = app.screen.query_one(MarkdownViewer)
        assert viewer.show_table_of_contents
        await pilot.press("t")
        assert not viewer.show_table_of_contents
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)

    run(content, script)
