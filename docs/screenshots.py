"""Make the README's screenshots (SVG) of the table (the cursor on a deal to answer) and the composer:
python docs/screenshots.py"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from textual.widgets import OptionList, Select, SelectionList

from negotiate.bots import default_lineup
from negotiate.content import load_content
from negotiate.engine import Game
from negotiate.tui.app import NegotiateApp
from negotiate.tui.session import Session

HERE = Path(__file__).parent


async def main() -> None:
    os.environ.setdefault("NEGOTIATE_SAVES", tempfile.mkdtemp())
    content = load_content()
    lineup = default_lineup(Game(content, "crisis-2015").table)
    seating = {s: None if s == "brandholm" else spec for s, spec in lineup.items()}
    session = Session.new(content, "crisis-2015", 4, seating)
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(130, 36)) as pilot:
        while session.game.state.round < 1 or session.game.current_seat != "brandholm":
            if session.game.current_seat == "brandholm":
                await pilot.press("p")
            await pilot.pause(0.02)
        moves = app.screen.query_one("#moves", OptionList)
        answers = [
            i for i in range(moves.option_count) if str(moves.get_option_at_index(i).prompt).startswith("Accept")
        ]
        await pilot.press(*["down"] * answers[0])  # a deal to answer, foreseen beside the moves
        await pilot.pause(0.2)
        app.save_screenshot(str(HERE / "table.svg"))
        await pilot.press("n")
        await pilot.pause(0.1)
        composer = app.screen
        composer.query_one("#parties", SelectionList).select("surannah")
        composer.query_one("#term", Select).value = "skill_partnership"
        await pilot.pause(0.1)
        composer.query_one("#giver", Select).value = "brandholm"
        composer.query_one("#receiver", Select).value = "surannah"
        composer.query_one("#add").press()
        await pilot.pause(0.2)
        app.save_screenshot(str(HERE / "composer.svg"))


if __name__ == "__main__":
    asyncio.run(main())
