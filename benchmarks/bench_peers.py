"""Speed against peers, in one run on this machine: a crisis-2015 default-bot game of negotiate,
a NegMAS SAO negotiation and an OpenSpiel tic-tac-toe random playout, with the ratios between
them. Each figure is the best of several repeats (as `timeit` reports it), the repeats of all
of them interleaved so that machine noise hits each alike; the garbage collector stays on, as
in real play. Prints figures; asserts nothing. The peers come from the `peers` extra
(`pip install -e '.[peers]'`); without it, negotiate is timed alone.
Run: python benchmarks/bench_peers.py [REPEATS]"""

from __future__ import annotations

import random
import sys
import time
import timeit
from collections.abc import Callable
from importlib.metadata import version

from negotiate.bots import parse_lineup
from negotiate.content import load_content
from negotiate.engine import Game
from negotiate.sim import play_game

SCENARIO = "crisis-2015"
SEEDS = range(8)
NEGOTIATIONS = 10
PLAYOUTS = 1000
ISSUES, VALUES, RESERVED, STEPS = 3, 10, 0.3, 100
ISSUE_GAME_MS, ISSUE_NEGOTIATION_MS, ISSUE_REFERENCE_US = 47, 20.5, 9.7
"""The issue's reference: a crisis-2015 game took 47 ms and one such NegMAS negotiation 20.5 ms,
on a machine where sum(range(1000)) took 9.7 us."""
TARGET_RATIO = 2.3
"""A game should take at most this many times one such NegMAS negotiation (47 / 20.5)."""


def machine_reference() -> float:
    """Seconds for `sum(range(1000))`, as `python -m timeit` times it (and bench_bots.py)."""
    return timeit.timeit("sum(range(1000))", number=10_000) / 10_000


def negotiate_games() -> Callable[[], float]:
    """Seconds per crisis-2015 game with the default bots, over SEEDS: all of `play_game`
    (making the game and its bots, under 1% of it, then every decision and rule)."""
    content = load_content()
    lineup = parse_lineup("default", Game(content, SCENARIO).table)

    def once() -> float:
        started = time.perf_counter()
        for seed in SEEDS:
            play_game(content, SCENARIO, seed, lineup)
        return (time.perf_counter() - started) / len(SEEDS)

    return once


def negmas_negotiations(outcomes: set[str]) -> Callable[[], float]:
    """Seconds per NegMAS SAO negotiation: two AspirationNegotiators on 3 issues of 10 values,
    one preferring high values, the other low. Only `run()` is timed, on a negotiation set up
    afresh each time with every generator NegMAS uses seeded; each one's outcome is added to
    `outcomes`."""
    from negmas import AspirationNegotiator, SAOMechanism, make_issue, seed_all
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import AffineFun, LinearFun

    def negotiation() -> SAOMechanism:
        seed_all(0)
        issues = [make_issue(VALUES, f"issue{i}") for i in range(ISSUES)]
        mechanism = SAOMechanism(issues=issues, n_steps=STEPS)
        top = VALUES - 1
        for name, value in (("high", LinearFun(1 / top)), ("low", AffineFun(-1 / top, 1.0))):
            utility = LinearAdditiveUtilityFunction(
                [value] * ISSUES, weights=[1 / ISSUES] * ISSUES, issues=issues, reserved_value=RESERVED
            )
            mechanism.add(AspirationNegotiator(name=name), ufun=utility)
        return mechanism

    def once() -> float:
        took = 0.0
        for _ in range(NEGOTIATIONS):
            mechanism = negotiation()
            started = time.perf_counter()
            state = mechanism.run()
            took += time.perf_counter() - started
            end = f"agreement {state.agreement}" if state.agreement is not None else "no agreement"
            outcomes.add(f"{end} after {state.step} of {STEPS} steps{', timed out' if state.timedout else ''}")
        return took / NEGOTIATIONS

    return once


def tic_tac_toe_playouts(moves: list[float]) -> Callable[[], float]:
    """Seconds per OpenSpiel `python_tic_tac_toe` playout, uniformly random legal actions from
    `new_initial_state()` to the end (the same seeded playouts each repeat); the mean number of
    moves of each repeat is added to `moves`."""
    import pyspiel
    from open_spiel.python.games import tic_tac_toe  # noqa: F401 (registers python_tic_tac_toe)

    game = pyspiel.load_game("python_tic_tac_toe")

    def playout(rng: random.Random) -> int:
        state = game.new_initial_state()
        while not state.is_terminal():
            state.apply_action(rng.choice(state.legal_actions()))
        return state.move_number()

    def once() -> float:
        rng = random.Random(0)
        started = time.perf_counter()
        played = sum(playout(rng) for _ in range(PLAYOUTS))
        took = time.perf_counter() - started
        moves.append(played / PLAYOUTS)
        return took / PLAYOUTS

    return once


def best_of(benches: dict[str, Callable[[], float]], repeats: int) -> dict[str, float]:
    """The best time of each bench over `repeats` rounds, one repeat of each per round."""
    times: dict[str, list[float]] = {name: [] for name in benches}
    for _ in range(repeats):
        for name, once in benches.items():
            times[name].append(once())
    return {name: min(took) for name, took in times.items()}


def row(peer: str, what: str, seconds: float, covers: str) -> None:
    """One line of the table: who, what ran, its time per run and what the time covers."""
    took = f"{seconds * 1e3:.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:.1f} us"
    print(f"  {peer:<18} {what:<26} {took:>10}   {covers}")


def main(repeats: int = 5) -> None:
    outcomes: set[str] = set()
    moves: list[float] = []
    try:
        peers = {"negmas": negmas_negotiations(outcomes), "open_spiel": tic_tac_toe_playouts(moves)}
    except ImportError as missing:
        print(
            f"NegMAS and OpenSpiel are not installed ({missing}): pip install -e '.[peers]'; timing negotiate alone\n"
        )
        peers = {}
    best = best_of({"reference": machine_reference, "negotiate": negotiate_games()} | peers, repeats)

    reference = best.pop("reference")
    print(f"machine reference: sum(range(1000)) takes {reference * 1e6:.1f} us (the issue's: {ISSUE_REFERENCE_US} us)")
    print(f"best of {repeats} interleaved repeats, time per run:")
    game = best["negotiate"]
    seeds = f"seeds {SEEDS.start}-{SEEDS.stop - 1}"
    row(f"negotiate {version('negotiate')}", f"{SCENARIO} default bots", game, f"all of play_game, mean over {seeds}")
    if not peers:
        return
    negotiation, playout = best["negmas"], best["open_spiel"]
    row(f"negmas {version('negmas')}", "SAO negotiation", negotiation, "run() only, no import or setup")
    same = f"the same in all {repeats * NEGOTIATIONS} runs" if len(outcomes) == 1 else "NOT the same in every run"
    print(f"{'':<21}{' | '.join(sorted(outcomes))}: {same}")
    row(
        f"open_spiel {version('open_spiel')}",
        "tic-tac-toe random playout",
        playout,
        f"start to end, {moves[0]:.1f} moves a playout",
    )
    ratio = game / negotiation
    holds = "holds" if ratio <= TARGET_RATIO else "does not hold"
    scale = reference * 1e6 / ISSUE_REFERENCE_US
    print(f"\nnegotiate game / NegMAS negotiation:  {ratio:.2f}   target at most {TARGET_RATIO}: {holds}")
    print(
        f"  (the issue: {ISSUE_GAME_MS} ms / {ISSUE_NEGOTIATION_MS} ms; scaled to this machine's reference: "
        f"{ISSUE_GAME_MS * scale:.0f} ms / {ISSUE_NEGOTIATION_MS * scale:.1f} ms)"
    )
    print(f"negotiate game / tic-tac-toe playout: {game / playout:.0f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
