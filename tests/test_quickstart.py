"""The README's quick start: bare `negotiate` opens the terminal game's start screen."""

from __future__ import annotations

import re
from pathlib import Path

from negotiate.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_bare_negotiate_opens_the_start_screen(monkeypatch):
    from negotiate.tui.app import NegotiateApp
    from negotiate.tui.start import StartScreen

    started = []
    monkeypatch.setattr(NegotiateApp, "run", lambda app, **kw: started.append(app))
    assert main([]) == 0
    assert started and started[0].first_session is None, "no game yet: the start screen comes first"

    async def first_screen():
        async with NegotiateApp(started[0].content).run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            return pilot.app.screen

    import asyncio

    assert isinstance(asyncio.run(first_screen()), StartScreen)


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", readme, re.S)
    assert block, "README has a quick start"
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[0].rstrip().endswith("negotiate")
    assert commands[1] in (ROOT / ".ci" / "run").read_text()
