"""Terminal game speed: time from launch to the first screen, and from a key press to the
updated table with the 6-seat scenario. Prints figures; asserts nothing.
Run: python benchmarks/bench_tui.py [PRESSES]"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

LAUNCH = """
import asyncio, time
started = time.perf_counter()
from negotiate.content import load_content
from negotiate.tui.app import NegotiateApp
from negotiate.tui.start import StartScreen

async def main():
    app = NegotiateApp(load_content())
    async with app.run_test(size=(80, 24)) as pilot:
        while not isinstance(app.screen, StartScreen):
            await pilot.pause(0.001)
        print(time.perf_counter() - started)

asyncio.run(main())
"""


def launch_time(runs: int = 5) -> list[float]:
    """Seconds from a fresh interpreter's first import to the start screen on display."""
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", LAUNCH], capture_output=True, text=True, check=True).stdout
        times.append(float(out.strip().splitlines()[-1]))
    return times


async def key_to_table(presses: int) -> dict[str, list[float]]:
    """Seconds from a key press to the redrawn table (a tab switch, and a pass that redraws the
    whole table), on crisis-2015 with one person and five bots; and, to read them against, what
    the test harness itself takes for a key nothing is bound to and for a bare pause."""
    from negotiate.bots import default_lineup
    from negotiate.content import load_content
    from negotiate.engine import Game
    from negotiate.tui.app import NegotiateApp
    from negotiate.tui.session import Session

    content = load_content()
    lineup = default_lineup(Game(content, "crisis-2015").table)
    seating = {s: None if s == "brandholm" else spec for s, spec in lineup.items()}
    session = Session.new(content, "crisis-2015", 1, seating)
    app = NegotiateApp(content, session, bot_delay=0)
    app.animation_level = "none"  # time the work, not the tab underline's slide
    times: dict[str, list[float]] = {name: [] for name in TIMED}
    async with app.run_test(size=(120, 40)) as pilot:
        for i in range(presses):
            while session.game.current_seat != "brandholm" or app.screen.viewer != "brandholm":
                if session.game.is_over:
                    return times
                await pilot.pause(0.005)
            started = time.perf_counter()
            await pilot.press("z")  # bound to nothing
            await pilot.pause()
            times["the harness: a key bound to nothing"].append(time.perf_counter() - started)
            started = time.perf_counter()
            await pilot.pause()
            times["the harness: a bare pause"].append(time.perf_counter() - started)
            started = time.perf_counter()
            await pilot.press("12345"[i % 5])
            await pilot.pause()
            times["key press to a switched tab"].append(time.perf_counter() - started)
            started = time.perf_counter()
            app.screen.refresh_table()
            await pilot.pause()
            times["a move to the redrawn table"].append(time.perf_counter() - started)
            await foresee(pilot, session, times)
            await pilot.press("p")
    return times


async def foresee(pilot, session, times: dict[str, list[float]]) -> None:
    """Time ↓ onto each move on a deal (its effect foreseen beside the moves) and onto a move on
    no deal, and the preview of that deal from the seat's view (what the table's cache saves
    when the cursor comes back to a deal)."""
    from textual.widgets import OptionList

    from negotiate.tui.preview import preview

    moves = pilot.app.screen.query_one("#moves", OptionList)
    view = session.game.view("brandholm")
    for index in range(1, moves.option_count):
        on_deal = re.search(r"deal #(\d+)$", str(moves.get_option_at_index(index).prompt))
        moves.highlighted = index - 1
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("down")
        await pilot.pause()
        took = time.perf_counter() - started
        if on_deal is None:
            times["key press onto a move on no deal"].append(took)
            continue
        times["key press onto a move on a deal, foreseen"].append(took)
        deal = session.game.state.deal(int(on_deal[1]))
        started = time.perf_counter()
        preview(session.table, view, deal)
        times["a deal's preview, from the seat's view"].append(time.perf_counter() - started)


TIMED = (
    "the harness: a key bound to nothing",
    "the harness: a bare pause",
    "key press to a switched tab",
    "a move to the redrawn table",
    "key press onto a move on no deal",
    "key press onto a move on a deal, foreseen",
    "a deal's preview, from the seat's view",
)


def main(presses: int = 40) -> None:
    os.environ.setdefault("NEGOTIATE_SAVES", tempfile.mkdtemp())
    launch = launch_time()
    print(f"launch to the start screen: median {statistics.median(launch) * 1e3:.0f} ms (of {len(launch)} runs)")
    for name, times in asyncio.run(key_to_table(presses)).items():
        times.sort()
        print(
            f"{name}, crisis-2015: median {statistics.median(times) * 1e3:.1f} ms, "
            f"max {times[-1] * 1e3:.1f} ms (of {len(times)})"
        )
    print("(a key press and a redraw include the harness's own wait: compare them with its lines)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
