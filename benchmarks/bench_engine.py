"""Engine speed: random self-play games per minute per scenario, the cost of one step, and
peak memory. Prints figures; it asserts nothing. Run: python benchmarks/bench_engine.py [GAMES]"""

from __future__ import annotations

import statistics
import sys
import time
import tracemalloc

from negotiate.content import load_content
from negotiate.sim import play_game


def main(games: int = 100) -> None:
    content = load_content()
    print(f"{'scenario':<14} {'games/min':>10} {'actions/game':>13} {'us/action':>10}")
    for scenario in sorted(content.scenarios):
        started = time.perf_counter()
        actions = 0
        for seed in range(games):
            actions += len(play_game(content, scenario, seed).log)
        took = time.perf_counter() - started
        print(f"{scenario:<14} {games / took * 60:>10.0f} {actions / games:>13.1f} {took / actions * 1e6:>10.1f}")

    game = play_game(content, None, 0)
    steps = []
    from negotiate.engine import Game

    replay = Game(content, None, 0)
    for action in game.log:
        seat = replay.current_seat
        t0 = time.perf_counter()
        legal = replay.legal_actions(seat) if seat else []
        replay.view(seat) if seat else None
        replay.apply(action)
        steps.append(time.perf_counter() - t0)
        assert legal is not None
    steps.sort()
    print(
        f"\none step (legal actions + view + apply), default scenario: median {statistics.median(steps) * 1e6:.0f} us, "
        f"p99 {steps[int(len(steps) * 0.99)] * 1e6:.0f} us"
    )
    fork_started = time.perf_counter()
    for _ in range(1000):
        replay.state.fork()
    print(f"fork of a finished game's state: {(time.perf_counter() - fork_started) * 1e3:.0f} us")

    tracemalloc.start()
    play_game(content, None, 1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak memory of one game (tracemalloc): {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
