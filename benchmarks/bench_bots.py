"""Bot speed: full bot-vs-bot games per minute on one core for each shipped scenario, the time
of one bot decision (median and 99th percentile, by level), and peak memory. Prints figures;
asserts nothing. Run: python benchmarks/bench_bots.py [GAMES]"""

from __future__ import annotations

import statistics
import sys
import time
import timeit
import tracemalloc

from negotiate.bots import BotSpec, default_lineup, make_bot
from negotiate.content import load_content
from negotiate.engine import Game
from negotiate.sim import play_game


def games_per_minute(games: int) -> None:
    content = load_content()
    print(f"{'scenario':<14} {'seats':>5} {'games/min':>10} {'actions/game':>13}")
    for scenario in sorted(content.scenarios):
        game = Game(content, scenario)
        lineup = default_lineup(game.table)
        started = time.perf_counter()
        actions = sum(len(play_game(content, scenario, seed, lineup).log) for seed in range(games))
        took = time.perf_counter() - started
        print(f"{scenario:<14} {len(lineup):>5} {games / took * 60:>10.0f} {actions / games:>13.1f}")


def decision_times(scenario: str, level: str, games: int) -> list[float]:
    """Seconds per bot decision (the bot's own work: view and legal actions are not counted)."""
    content = load_content()
    times = []
    for seed in range(games):
        game = Game(content, scenario, seed)
        specs = {s: BotSpec(spec.personality, level) for s, spec in default_lineup(game.table).items()}
        bots = {s: make_bot(game.table, s, specs[s], seed) for s in game.table.order}
        while game.current_seat is not None:
            seat = game.current_seat
            seat_view, legal = game.view(seat), game.legal_actions(seat)
            started = time.perf_counter()
            action = bots[seat].decide(seat_view, legal)
            times.append(time.perf_counter() - started)
            game.apply(action)
    return sorted(times)


def machine_reference() -> None:
    """A figure to compare machines by: the best time of `sum(range(1000))`, as `python -m
    timeit` reports it (about 8 us on a current desktop CPU)."""
    best = min(timeit.repeat("sum(range(1000))", number=10_000, repeat=5)) / 10_000
    print(f"machine reference: sum(range(1000)) takes {best * 1e6:.1f} us\n")


def main(games: int = 50) -> None:
    machine_reference()
    games_per_minute(games)
    print(f"\none bot decision, crisis-2015 ({max(5, games // 5)} games a level)")
    for level in ("easy", "normal", "hard"):
        times = decision_times("crisis-2015", level, max(5, games // 5))
        median = statistics.median(times) * 1e6
        p99 = times[int(len(times) * 0.99)] * 1e6
        print(f"  {level:<7} median {median:>6.0f} us   p99 {p99:>6.0f} us   max {times[-1] * 1e3:>5.1f} ms")
    content = load_content()
    game = Game(content, "crisis-2015")
    tracemalloc.start()
    play_game(content, "crisis-2015", 1, default_lineup(game.table))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"\npeak memory of one crisis-2015 bot game (tracemalloc): {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
