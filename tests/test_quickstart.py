"""The README's quick start: bare `negotiate` sets up and plays a game, and says what happened."""

from __future__ import annotations

import re
from pathlib import Path

from negotiate.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_bare_negotiate_plays_a_whole_game(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "Global Compact to 2030" in out
    assert "Winner:" in out or "collapsed" in out


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", readme, re.S)
    assert block, "README has a quick start"
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[0].rstrip().endswith("negotiate")
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
