"""Saves keep every game, survive whatever lies in the saves folder and an upgrade, and a resumed
game goes on exactly as an uninterrupted one, bots' memory included."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from negotiate.bots import BotSpec, parse_lineup
from negotiate.content import Content
from negotiate.engine import Game, digest
from negotiate.engine.table import Table
from negotiate.sim import play_game
from negotiate.tui import saves
from negotiate.tui.session import Session

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def saves_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "saves"
    monkeypatch.setenv("NEGOTIATE_SAVES", str(folder))
    return folder


# --- a resumed game goes on exactly as an uninterrupted one ------------------------------------------


def lineup(content: Content, scenario: str, kind: str) -> dict[str, BotSpec]:
    """The default bots, or ("payers") the default bots with the first seat that can make side
    payments played at random: random bots pay, and scripted bots remember favours and prices."""
    table = Table(content, content.scenario(scenario))
    bots = parse_lineup("default", table)
    if kind == "payers":
        payer = next(seat for seat in table.order if "side_payment" in table.types[seat].actions)
        bots[payer] = BotSpec("random")
    return bots


def play_on(session: Session, actions: int | None = None) -> None:
    """Let the bots play `actions` more actions (None: to the end)."""
    count = 0
    while not session.game.is_over and (actions is None or count < actions):
        session.apply(session.decide(session.game.current_seat))  # type: ignore[arg-type]
        count += 1


def cut_and_resume(content: Content, scenario: str, seed: int, bots: dict[str, BotSpec], cut: int, file: Path) -> str:
    """Play `cut` actions, save, load the save into a new session, play to the end: the digest."""
    first = Session(Game(content, scenario, seed), bots)
    play_on(first, cut)
    first.save_now(file)
    resumed = saves.load(content, file)
    assert resumed.game.log == first.game.log
    play_on(resumed)
    return digest(resumed.game)


@pytest.mark.parametrize("kind", ["default", "payers"])
@pytest.mark.parametrize("scenario", ["classroom", "crisis-2015", "compact-2030"])
def test_a_resumed_game_goes_on_exactly_as_an_uninterrupted_one(content, tmp_path, scenario, kind):
    bots = lineup(content, scenario, kind)
    whole = play_game(content, scenario, 2, bots)
    length = len(whole.log)
    for cut in sorted({1, length // 7, length // 3, length // 2, 3 * length // 4, length - 2}):
        resumed = cut_and_resume(content, scenario, 2, bots, cut, tmp_path / f"cut-{cut}.json")
        assert resumed == digest(whole), f"{scenario} ({kind}) resumed after action {cut} of {length} differs"


def test_a_game_resumed_in_a_fresh_process_goes_on_exactly_as_an_uninterrupted_one(content, tmp_path):
    bots = lineup(content, "crisis-2015", "payers")
    whole = play_game(content, "crisis-2015", 5, bots)
    first = Session(Game(content, "crisis-2015", 5), bots)
    play_on(first, len(whole.log) // 2)
    file = tmp_path / "half.json"
    first.save_now(file)
    script = (
        "import sys\n"
        "from negotiate.content import load_content\n"
        "from negotiate.engine import digest\n"
        "from negotiate.tui import saves\n"
        "session = saves.load(load_content(), sys.argv[1])\n"
        "while not session.game.is_over:\n"
        "    session.apply(session.decide(session.game.current_seat))\n"
        "print(digest(session.game))\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(file)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == digest(whole)


def test_a_side_payment_buys_one_favour_even_across_a_save(content, tmp_path):
    """The bug a person met: after Continue, a bot had forgotten the favour it had returned, so
    one side payment bought a second one."""
    bots = lineup(content, "crisis-2015", "payers")
    whole = play_game(content, "crisis-2015", 6, bots)
    favours = [a for a in whole.log if a.reason and " paid it " in a.reason]
    assert favours, "this game should have a favour returned for a side payment"
    at = whole.log.index(favours[0]) + 1
    resumed = cut_and_resume(content, "crisis-2015", 6, bots, at, tmp_path / "after-favour.json")
    assert resumed == digest(whole)


def test_undo_leaves_the_bots_as_if_the_undone_action_never_happened(content):
    bots = lineup(content, "crisis-2015", "payers")
    session = Session(Game(content, "crisis-2015", 5), bots)
    play_on(session, 40)
    reference = Session(Game(content, "crisis-2015", 5), bots)
    play_on(reference, 40)
    play_on(session, 6)
    for _ in range(6):
        session.game.apply(session.game.legal_actions("facilitator")[-1])  # Undo: the last listed
    session.catch_up()
    assert session.game.effective_log() == reference.game.log
    play_on(session)
    play_on(reference)
    assert session.game.effective_log() == reference.game.log
