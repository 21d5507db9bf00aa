"""Saves keep every game, survive whatever lies in the saves folder and an upgrade, and a resumed
game goes on exactly as an uninterrupted one, bots' memory included."""

from __future__ import annotations

import json
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
from tests.conftest import drive

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def saves_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "saves"
    monkeypatch.setenv("NEGOTIATE_SAVES", str(folder))
    return folder


@pytest.fixture
def begun(monkeypatch: pytest.MonkeyPatch) -> list[Session]:
    """The sessions the start screen begins, recorded instead of played."""
    from negotiate.tui.app import NegotiateApp

    sessions: list[Session] = []
    monkeypatch.setattr(NegotiateApp, "begin", lambda app, session: sessions.append(session))
    return sessions


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
    for seed in range(1, 40):  # the first game in which a bot returns a favour for a side payment
        whole = play_game(content, "crisis-2015", seed, bots)
        favours = [a for a in whole.log if a.reason and " paid it " in a.reason]
        if favours:
            break
    assert favours, "no game returned a favour for a side payment"
    at = whole.log.index(favours[0]) + 1
    resumed = cut_and_resume(content, "crisis-2015", seed, bots, at, tmp_path / "after-favour.json")
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


# --- every game is kept ------------------------------------------------------------------------------


def test_five_games_started_in_a_row_from_the_command_line_are_all_kept(content, monkeypatch, capsys):
    from negotiate.cli import main
    from negotiate.tui.app import NegotiateApp

    started: list = []
    monkeypatch.setattr(NegotiateApp, "run", lambda app, **kw: started.append(app.first_session))
    for seed in range(5):
        assert main(["play", "--scenario", "classroom", "--seat", "zanoka", "--seed", str(seed)]) == 0
    files = {session.autosave for session in started}
    assert len(files) == 5, "each game has a file of its own"
    for session in started:
        assert "classroom" in session.autosave.name and "zanoka" in session.autosave.name
        assert saves.load(content, session.autosave).game.seed == session.game.seed
    assert {info.path for info in saves.saves()} == files


def test_five_games_started_in_a_row_from_the_start_screen_are_all_kept(content, begun):
    from negotiate.tui.start import StartScreen

    async def script(app, keys) -> None:
        for _ in range(5):
            await keys("n")
            await keys("s")
            assert isinstance(app.screen, StartScreen)

    drive(content, script, size=(80, 24))
    assert len({session.autosave for session in begun}) == 5
    for session in begun:
        assert digest(saves.load(content, session.autosave).game) == digest(session.game)


def test_continue_resumes_the_most_recently_played_game_still_going(content):
    import os
    import time

    table = Table(content, content.scenario("classroom"))
    seating = {seat: None for seat in table.order}
    older = Session.new(content, "classroom", 1, seating, autosave=saves.new_game_path(table, ["zanoka"]))
    newer = Session.new(content, "classroom", 2, seating, autosave=saves.new_game_path(table, ["zanoka"]))
    now = time.time()
    os.utime(newer.autosave, (now - 60, now - 60))
    os.utime(older.autosave, (now, now))  # played last
    assert saves.latest().path == older.autosave  # type: ignore[union-attr]
    over = play_game(content, "classroom", 3, parse_lineup("random", table))
    finished = saves.folder() / "finished.json"
    Session(over, {seat: None for seat in table.order}).save_now(finished)
    os.utime(finished, (now + 60, now + 60))
    assert saves.latest().path == older.autosave, "a finished game is not one to continue"  # type: ignore[union-attr]


# --- any file in the saves folder is survivable -----------------------------------------------------


def hostile_folder(folder: Path) -> dict[str, Path]:
    """A saves folder with one good game and every kind of thing that is not a save."""
    folder.mkdir(parents=True, exist_ok=True)
    made = {
        "dangling": folder / "dangling.json",
        "folder": folder / "x.json",
        "deep": folder / "deep.json",
        "text": folder / "notes.json",
        "huge": folder / "huge.json",
        "list": folder / "list.json",
        "binary": folder / "binary.json",
    }
    made["dangling"].symlink_to(folder / "nowhere.json")
    made["folder"].mkdir()
    made["deep"].write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    made["text"].write_text("a shopping list, not a save", encoding="utf-8")
    with made["huge"].open("w", encoding="utf-8") as big:
        big.write('{"pad": "')
        big.write("x" * (50 * 2**20))
        big.write('"}')
    made["list"].write_text("[1, 2, 3]", encoding="utf-8")
    made["binary"].write_bytes(b"\xff\xfe\x00garbage")
    return made


PROBLEMS = {
    "dangling": "link to a file that is not there",
    "folder": "a folder",
    "deep": "nested too deeply",
    "text": "not a save file",
    "huge": "far larger than any save",
    "list": "expected a JSON object",
    "binary": "cannot be read",
}


def test_whatever_lies_in_the_saves_folder_is_listed_with_its_problem(content, saves_folder):
    made = hostile_folder(saves_folder)
    table = Table(content, content.scenario("classroom"))
    good = Session.new(content, "classroom", 1, {s: None for s in table.order}, autosave=saves.folder() / "good.json")
    listed = {info.path: info for info in saves.saves()}
    assert listed[good.autosave].problem is None
    for kind, path in made.items():
        assert PROBLEMS[kind] in (listed[path].problem or ""), (kind, listed[path].problem)
    assert saves.latest().path == good.autosave  # type: ignore[union-attr]


def test_the_start_screen_and_load_list_survive_a_hostile_folder_and_continue_works(content, saves_folder, begun):
    from negotiate.tui.start import LoadScreen, StartScreen

    made = hostile_folder(saves_folder)
    table = Table(content, content.scenario("classroom"))
    good = Session.new(content, "classroom", 1, {s: None for s in table.order}, autosave=saves.folder() / "good.json")

    async def script(app, keys) -> None:
        await keys("l")
        assert isinstance(app.screen, LoadScreen)
        listed = app.screen.query_one("#saves")
        shown = "\n".join(str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count))
        for kind, path in made.items():
            assert path.stem in shown and PROBLEMS[kind] in shown, kind
        await keys("escape")
        assert isinstance(app.screen, StartScreen)
        await keys("c")

    drive(content, script, size=(100, 40))
    assert [session.autosave for session in begun] == [good.autosave]


def test_replay_of_a_deeply_nested_file_says_so(saves_folder, capsys):
    from negotiate.cli import main

    made = hostile_folder(saves_folder)
    for kind in ("deep", "huge", "folder", "dangling"):
        assert main(["replay", str(made[kind])]) == 1
        out, err = capsys.readouterr()
        assert PROBLEMS[kind] in err and "Traceback" not in err, (kind, err)


# --- a save goes away only when a person deletes it, after a confirmation ---------------------------


def test_a_save_is_deleted_from_the_load_list_only_after_a_yes(content, saves_folder):
    from negotiate.tui.dialogs import Confirm

    table = Table(content, content.scenario("classroom"))
    for name in ("monday", "tuesday"):
        Session.new(content, "classroom", 1, {s: None for s in table.order}, autosave=saves.folder() / f"{name}.json")
    (saves_folder / "x.json").mkdir()

    async def delete(app, keys, name: str, answer: str) -> None:
        listed = app.screen.query_one("#saves")
        listed.highlighted = listed.get_option_index(str(saves_folder / name))
        await keys("d")
        assert isinstance(app.screen, Confirm) and name.removesuffix(".json") in str(app.screen.question)
        await keys(answer)

    async def script(app, keys) -> None:
        await keys("l")
        await delete(app, keys, "monday.json", "n")
        assert (saves_folder / "monday.json").exists()
        await delete(app, keys, "monday.json", "y")
        assert not (saves_folder / "monday.json").exists()
        assert app.screen.query_one("#saves").option_count == 2  # tuesday, and the folder (never deleted)
        await delete(app, keys, "x.json", "y")
        assert (saves_folder / "x.json").is_dir()
        assert "a folder" in str(app.screen.query_one("#problem").render())

    drive(content, script)
    assert (saves_folder / "tuesday.json").exists()


# --- a save outlives an upgrade ----------------------------------------------------------------------


def copy_of_shipped(folder: Path) -> Path:
    import shutil

    from negotiate.content import shipped_root

    for part in ("decks", "rules"):
        shutil.copytree(shipped_root() / part, folder / part)
    return folder


def test_a_save_resumes_with_the_content_it_began_with_after_the_content_changes(content, tmp_path):
    from negotiate.content import load_content

    folder = copy_of_shipped(tmp_path / "content")
    before = load_content(folder)
    table = Table(before, before.scenario("crisis-2015"))
    session = Session(Game(before, "crisis-2015", 4), parse_lineup("default", table), tmp_path / "lesson.json")
    play_on(session, 60)
    session.save_now()
    # next week: a new version tunes the cards and the scenario
    shocks = folder / "decks" / "shocks.yaml"
    shocks.write_text(shocks.read_text(encoding="utf-8").replace("severity: 2", "severity: 3"), encoding="utf-8")
    scenario = folder / "rules" / "scenarios" / "crisis-2015.yaml"
    text = scenario.read_text(encoding="utf-8")
    assert "escalation: 0.15" in text
    scenario.write_text(text.replace("escalation: 0.15", "escalation: 0.3"), encoding="utf-8")
    after = load_content(folder)
    bots = parse_lineup("default", table)
    assert digest(play_game(after, "crisis-2015", 4, bots)) != digest(play_game(before, "crisis-2015", 4, bots))
    resumed = saves.resume(after, tmp_path / "lesson.json")
    assert digest(resumed.game) == digest(session.game)
    assert resumed.table.content.digest == before.digest
    play_on(resumed)
    play_on(session)
    assert digest(resumed.game) == digest(session.game), "it goes on as it would have before the change"


def test_a_save_whose_content_this_version_cannot_read_says_what_to_do_and_is_kept(content, tmp_path):
    from negotiate.content.cache import digest as content_digest
    from negotiate.engine import SaveError

    table = Table(content, content.scenario("classroom"))
    session = Session(Game(content, "classroom", 4), parse_lineup("default", table), tmp_path / "old.json")
    play_on(session, 10)
    session.save_now()
    data = json.loads((tmp_path / "old.json").read_text(encoding="utf-8"))
    files = data["content"]["files"]
    files["decks/shocks.yaml"] = files["decks/shocks.yaml"].replace("severity:", "magnitude:", 1)  # a future key
    data["content"]["digest"] = content_digest(files)
    data["made_by"] = "negotiate 9.0.0"
    written = json.dumps(data)
    (tmp_path / "old.json").write_text(written, encoding="utf-8")
    with pytest.raises(SaveError) as refused:
        saves.resume(content, tmp_path / "old.json")
    said = str(refused.value)
    assert "cannot read the content the game was saved with" in said and "magnitude" in said
    assert "negotiate==9.0.0" in said and "kept" in said
    assert (tmp_path / "old.json").read_text(encoding="utf-8") == written


def test_a_save_whose_rules_changed_since_says_which_version_to_finish_it_with(content, tmp_path, monkeypatch):
    from negotiate.engine import SaveError
    from negotiate.engine import save as save_module

    table = Table(content, content.scenario("classroom"))
    session = Session(Game(content, "classroom", 4), parse_lineup("default", table), tmp_path / "old.json")
    play_on(session, 30)
    monkeypatch.setattr(save_module, "MADE_BY", "negotiate 0.0.9")
    session.save_now()
    monkeypatch.undo()
    data = json.loads((tmp_path / "old.json").read_text(encoding="utf-8"))
    data["digest"] = "0" * 16  # as if the old rules had played the log to another position
    (tmp_path / "old.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(SaveError) as refused:
        saves.resume(content, tmp_path / "old.json")
    said = str(refused.value)
    assert "saved by negotiate 0.0.9, whose rules differ" in said
    assert "pip install 'negotiate==0.0.9'" in said and "kept" in said


def test_a_save_of_format_1_still_loads(content, tmp_path):
    """Saves written before saves carried their content: no content, a digest of the state alone."""
    from negotiate.engine import digest as fingerprint

    game = play_game(content, "classroom", 4, parse_lineup("default", Table(content, content.scenario("classroom"))))
    old = {
        "format": 1,
        "game": "negotiate",
        "scenario": "classroom",
        "seed": 4,
        "year": 2024,
        "phase": "game_over",
        "actions": [action.model_dump(mode="json", exclude_none=True) for action in game.log],
        "digest": fingerprint(game, 1),
    }
    (tmp_path / "v1.json").write_text(json.dumps(old), encoding="utf-8")
    assert digest(saves.load(content, tmp_path / "v1.json").game) == digest(game)


def test_replay_says_it_played_the_save_with_its_own_content(content, tmp_path, capsys):
    from negotiate.cli import main
    from negotiate.content import load_content

    folder = copy_of_shipped(tmp_path / "content")
    before = load_content(folder)
    game = play_game(before, "classroom", 4, parse_lineup("default", Table(before, before.scenario("classroom"))))
    Session(game, {seat: None for seat in game.table.order}).save_now(tmp_path / "game.json")
    assert main(["--content", str(folder), "replay", str(tmp_path / "game.json")]) == 0
    assert "played with the content saved in it" not in capsys.readouterr().out
    terms = folder / "decks" / "terms.yaml"
    terms.write_text(terms.read_text(encoding="utf-8") + "\n# tuned\n", encoding="utf-8")
    assert main(["--content", str(folder), "replay", str(tmp_path / "game.json")]) == 0
    out = capsys.readouterr().out
    assert "verified" in out and "played with the content saved in it" in out
