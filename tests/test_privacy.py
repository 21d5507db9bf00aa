"""Privacy and the facilitator at one keyboard: hot-seat games open behind the privacy screen,
and a PIN chosen at setup keeps players away from the facilitator's menu."""

from __future__ import annotations

import pytest

from negotiate.bots import BotSpec
from negotiate.engine.save import digest
from negotiate.engine.table import Table
from negotiate.sim import play_game
from negotiate.tui import saves
from negotiate.tui.app import NegotiateApp
from negotiate.tui.session import Session
from tests.conftest import drive


@pytest.fixture(autouse=True)
def saves_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NEGOTIATE_SAVES", str(tmp_path / "saves"))
    return tmp_path / "saves"


# --- privacy at one keyboard -------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["new game", "continue"])
def test_a_hot_seat_game_opens_on_the_privacy_screen(content, how):
    table = Table(content, content.scenario("classroom"))
    seating = {s: None if s in ("aldermark", "zanoka") else BotSpec("random") for s in table.order}
    session = Session.new(
        content, "classroom", 1, seating, autosave=saves.new_game_path(table, ["aldermark", "zanoka"])
    )
    if how == "continue":
        play_on_until_person(session)
        session = saves.resume(content, session.autosave)  # type: ignore[arg-type]
    seat = session.game.current_seat
    secret = content.agendas[session.game.state.secrets[seat].agenda].name  # type: ignore[index]

    async def script(app, keys) -> None:
        assert type(app.screen).__name__ == "PrivacyScreen"
        assert secret not in "".join(str(w.render()) for w in app.screen_stack[-2].query("Static"))
        await keys("enter")
        assert app.screen.viewer == seat

    drive(content, script, session)


def play_on_until_person(session: Session) -> None:
    """A person passes, then bots play until a person is to play again."""
    session.apply(next(a for a in session.game.legal_actions(session.game.current_seat) if a.type == "pass"))
    while not session.is_human(session.game.current_seat):
        session.apply(session.decide(session.game.current_seat))  # type: ignore[arg-type]


def test_a_pin_chosen_at_setup_locks_the_facilitators_menu_even_after_continue(content, monkeypatch):
    begun: list[Session] = []
    monkeypatch.setattr(NegotiateApp, "begin", lambda app, session: begun.append(session))

    async def set_up(app, keys) -> None:
        await keys("n")
        app.screen.query_one("#pin").value = "12"
        await keys("s")
        assert not begun and "at least 4" in str(app.screen.query_one("#problem").render())
        app.screen.query_one("#pin").value = "4321"
        await keys("enter")  # Enter in the PIN field starts, as in the seed's

    drive(content, set_up, size=(100, 40))
    [session] = begun
    assert session.lock and "4321" not in session.lock and "4321" not in session.autosave.read_text()
    resumed = saves.resume(content, session.autosave)
    assert resumed.lock == session.lock
    monkeypatch.undo()

    async def at_the_table(app, keys) -> None:
        await keys("f")
        assert type(app.screen).__name__ == "PinDialog"
        await keys("1", "2", "3", "4", "enter")
        assert type(app.screen).__name__ == "PinDialog"
        assert "not the PIN" in str(app.screen.query_one(".error").render())
        await keys("escape")
        assert type(app.screen).__name__ == "TableScreen"
        await keys("f")
        await keys("4", "3", "2", "1", "enter")
        assert type(app.screen).__name__ == "FacilitatorMenu"

    drive(content, at_the_table, resumed)


def test_without_a_pin_the_facilitators_menu_opens_at_once(content):
    table = Table(content, content.scenario("classroom"))
    session = Session.new(
        content, "classroom", 1, {s: None if s == "zanoka" else BotSpec("random") for s in table.order}
    )

    async def script(app, keys) -> None:
        await keys("f")
        assert type(app.screen).__name__ == "FacilitatorMenu"

    drive(content, script, session)


def test_play_pin_locks_a_game_started_from_the_command_line(content, monkeypatch):
    from negotiate.cli import main

    started: list = []
    monkeypatch.setattr(NegotiateApp, "run", lambda app, **kw: started.append(app.first_session))
    assert main(["play", "--scenario", "classroom", "--seat", "zanoka", "--pin", "2468"]) == 0
    assert started[0].unlocks("2468") and not started[0].unlocks("1357")


# --- what every seat's view shows of the world's past -------------------------------------------------


def test_every_seat_sees_the_public_history_and_a_collapse_and_its_copy_is_its_own(content):
    """The tracks and flows at each round's end are public: every seat's view has them as the
    game keeps them, and whether the world collapsed; changing a view's copy changes no game."""
    game = play_game(content, "classroom", 5)  # random bots collapse the world on seed 5
    for seat in game.table.order:
        seen = game.view(seat)
        assert seen.history == game.state.history and len(seen.history) == game.state.round + 1
        assert seen.collapsed and game.state.collapsed
    before = digest(game)
    seen.history[-1]["global.crisis"] = -1
    assert digest(game) == before
