"""Content is data: a seat type written in YAML alone is played by bots, and a scenario's `bot:`
that cannot play its seat is reported where it is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from negotiate.bots import PERSONALITIES, BotSpec, ScriptedBot, make_bot, parse_lineup
from negotiate.bots.personality import DEFAULTS
from negotiate.cli import main
from negotiate.content import load_content
from negotiate.engine.table import Table
from negotiate.sim import play_game
from tests.conftest import edit

ISLAND_AGENDAS = """\
deck: island-agendas
kind: agenda
cards:
  - id: island_harbour
    name: A harbour of its own
    text: End with money in the bank.
    seat_type: island
    scoring:
      - {kind: track, track: budget, weight: 0.5, label: Budget}
"""


def island_folder(folder: Path) -> Path:
    """The shipped content plus a seat type no bot names (a copy of the transit state), which
    plays Corvessa in the classroom scenario."""
    transit = (folder / "rules/seats/transit.yaml").read_text(encoding="utf-8")
    (folder / "rules/seats/island.yaml").write_text(
        transit.replace("id: transit", "id: island").replace("name: Transit state", "name: Island state"),
        encoding="utf-8",
    )
    (folder / "decks/island-agendas.yaml").write_text(ISLAND_AGENDAS, encoding="utf-8")
    scenario = "rules/scenarios/classroom.yaml"
    edit(folder, scenario, "    type: transit\n", "    type: island\n")
    edit(folder, scenario, "  agendas: [core-agendas]", "  agendas: [core-agendas, island-agendas]")
    return folder


def test_a_seat_type_no_bot_names_is_played_by_bots(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    island_folder(folder)
    assert main(["validate", str(folder)]) == 0, capsys.readouterr()
    content = load_content(folder)
    table = Table(content, content.scenario("classroom"))
    assert table.seats["corvessa"].type == "island"
    assert parse_lineup("default", table)["corvessa"] == BotSpec("pragmatist")
    assert isinstance(make_bot(table, "corvessa", BotSpec("pragmatist"), 1), ScriptedBot)
    moves = set()
    for lineup in ("default", "random"):
        for seed in range(1, 6):
            game = play_game(content, "classroom", seed, parse_lineup(lineup, table))
            assert game.is_over and "corvessa" in game.state.scores
            if lineup == "default":
                moves |= {action.type for action in game.log if getattr(action, "seat", None) == "corvessa"}
    assert moves - {"pass"}, f"the island's bot only ever passed: {moves}"
    assert main(["--content", str(folder), "simulate", "--scenario", "classroom", "--games", "2"]) == 0


def test_pragmatist_and_random_fit_any_seat_type_and_defaults_fit_their_seats() -> None:
    for name in ("pragmatist", "random"):
        assert "island" in PERSONALITIES[name].seats
    for kind, name in DEFAULTS.items():
        assert kind in PERSONALITIES[name].seats, (kind, name)
    assert "island" not in PERSONALITIES["hardliner"].seats


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("hardliner", "surannah is a sending seat; a hardliner plays only receiving seats"),
        ("saint", "unknown personality 'saint'"),
        ("broker:expert", "unknown level 'expert'"),
    ],
)
def test_validate_names_the_line_of_a_bot_that_cannot_play_its_seat(
    folder: Path, capsys: pytest.CaptureFixture[str], spec: str, words: str
) -> None:
    rel = "rules/scenarios/crisis-2015.yaml"
    line = edit(folder, rel, "    bot: broker\n", f"    bot: {spec}\n")
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and out[0].startswith(f"{rel}:{line}: seats[3].bot: ") and words in out[0], out
