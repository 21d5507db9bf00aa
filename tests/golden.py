"""The golden games: a fixed set of bot games whose digests are kept in `golden.json`.

An exact refactor leaves every digest as it was; a deliberate change of play changes them, and
the new file is reviewed with the change. After such a change, write the file anew with

    .venv/bin/python -m tests.golden
"""

from __future__ import annotations

import json
from pathlib import Path

from negotiate.bots import BotSpec, parse_lineup
from negotiate.content import Content, load_content
from negotiate.engine import digest
from negotiate.engine.table import Table
from negotiate.sim import play_game

FILE = Path(__file__).with_name("golden.json")
LINEUPS = ("default", "easy", "hard", "random")
SEEDS = (1, 2, 3)


def lineup(content: Content, scenario: str, name: str) -> dict[str, BotSpec]:
    """The scenario's default bots, the same personalities at another level, or random bots."""
    table = Table(content, content.scenario(scenario))
    if name in ("default", "random"):
        return parse_lineup(name, table)
    return {seat: BotSpec(spec.personality, name) for seat, spec in parse_lineup("default", table).items()}


def digests(content: Content) -> dict[str, str]:
    """Each golden game's digest, keyed `scenario/lineup/seed`."""
    return {
        f"{scenario}/{name}/{seed}": digest(play_game(content, scenario, seed, lineup(content, scenario, name)))
        for scenario in sorted(content.scenarios)
        for name in LINEUPS
        for seed in SEEDS
    }


def main() -> None:
    FILE.write_text(json.dumps(digests(load_content()), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {FILE}")


if __name__ == "__main__":
    main()
