"""Runs whole games with bots in every seat, in one process or many, and sums them up."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager

from negotiate.bots import BotSpec, make_bot, parse_lineup
from negotiate.content import Content
from negotiate.engine import Game
from negotiate.engine.table import Table
from negotiate.sim.facts import is_convention, result_of, side
from negotiate.sim.report import SimReport
from negotiate.sim.result import GameResult, SeatInfo

MAX_ACTIONS = 20_000
CHUNKS_PER_JOB = 8
"""Seeds are sent to workers in about this many chunks per job, for a smooth progress bar."""

GC_YOUNG = 10_000
"""Container allocations between the garbage collector's youngest passes while a bot game is
played (Python's default is 700). A game makes many short-lived containers and few cycles: at
the default pace the collector took some 7% of a crisis-2015 game's time, at this one some 4%."""

Lineup = dict[str, BotSpec]


def play_game(
    content: Content, scenario: str | None, seed: int, lineup: Lineup | None = None, rounds: int | None = None
) -> Game:
    """One whole game with a bot in every seat (`lineup`: seat -> bot spec; None: random bots),
    of the scenario's first `rounds` rounds (None: all)."""
    game = Game(content, scenario, seed, rounds)
    specs = lineup or {seat: BotSpec("random") for seat in game.table.order}
    players = {seat: make_bot(game.table, seat, specs[seat], seed) for seat in game.table.order}
    with _fewer_collections():
        for _ in range(MAX_ACTIONS):
            seat = game.current_seat
            if seat is None:
                break
            game.apply(players[seat].decide(game.view(seat), game.legal_actions(seat)))
    if not game.is_over:
        raise RuntimeError(f"game with seed {seed} did not end within {MAX_ACTIONS} actions")
    return game


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the youngest garbage collections at the `GC_YOUNG` pace, then restore the old one."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], GC_YOUNG), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def play_seeds(content: Content, scenario: str, lineup: Lineup, seeds: Sequence[int]) -> list[GameResult]:
    """Play one game per seed and keep their results."""
    return [result_of(play_game(content, scenario, seed, lineup)) for seed in seeds]


_contents: dict[str, Content] = {}
CONTENTS = 4
"""Contents a process that plays chunks keeps for the chunks to come (the last ones to come first)."""


def play_chunk(content: Content, scenario: str, lineup: Lineup, seeds: Sequence[int]) -> list[GameResult]:
    """Play a chunk of seeds sent to a worker. A content equal to one that came with an earlier
    chunk (the same digest) is played as that one, so the tables and caches built for it serve
    every chunk."""
    known = _contents.setdefault(content.digest, content)
    if len(_contents) > CONTENTS:
        _contents.pop(next(iter(_contents)))
    return play_seeds(known, scenario, lineup, seeds)


def _chunks(seeds: Sequence[int], jobs: int) -> list[Sequence[int]]:
    size = max(1, len(seeds) // (jobs * CHUNKS_PER_JOB))
    return [seeds[i : i + size] for i in range(0, len(seeds), size)]


def _play_on(
    executor: Executor,
    content: Content,
    scenario: str,
    lineup: Lineup,
    seeds: Sequence[int],
    jobs: int,
    done: Callable[[int], None],
) -> list[GameResult]:
    """Play the seeds in chunks on an executor, each chunk with the content and lineup it needs
    (any executor can carry them, and a worker needs nothing set up before). Results come back
    in seed order; if one chunk fails, the chunks not yet started are cancelled."""
    results: list[GameResult] = []
    pending: set[Future[list[GameResult]]] = {
        executor.submit(play_chunk, content, scenario, lineup, chunk) for chunk in _chunks(seeds, jobs)
    }
    try:
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                results += future.result()
                done(len(future.result()))
    finally:
        for future in pending:
            future.cancel()
    return sorted(results, key=lambda r: r.seed)


def simulate(
    content: Content,
    scenario: str | None,
    games: int,
    seed: int,
    bots: str = "default",
    jobs: int = 1,
    on_progress: Callable[[int], None] | None = None,
    executor: Executor | None = None,
) -> SimReport:
    """Play `games` games with seeds seed, seed+1, ... and report on them.

    `bots` is a lineup (`default`, `random` or `SEAT=PERSONALITY[:LEVEL],...`; a bad one raises
    LineupError). `executor` plays the games in chunks (any `concurrent.futures.Executor`: a
    process pool, a Dask cluster's) and `jobs` says how many games it plays at once; without
    one, `jobs` above 1 spreads the games over that many processes. Every way gives the same
    report. `on_progress` is called with the number of games just finished. Fewer than one
    game or job raises ValueError.
    """
    if games < 1 or jobs < 1:
        raise ValueError(f"games and jobs must be 1 or more, not {games} and {jobs}")
    table = Table(content, content.scenario(scenario))
    lineup = parse_lineup(bots, table)
    done = on_progress or (lambda n: None)
    seeds = range(seed, seed + games)
    if executor is not None:
        results = _play_on(executor, content, table.scenario.id, lineup, seeds, jobs, done)
    elif jobs > 1 and games > 1:
        with ProcessPoolExecutor(jobs) as pool:
            results = _play_on(pool, content, table.scenario.id, lineup, seeds, jobs, done)
    else:
        results = []
        for game_seed in seeds:
            results += play_seeds(content, table.scenario.id, lineup, [game_seed])
            done(1)
    return SimReport(
        scenario=table.scenario.id,
        name=table.scenario.name,
        seed=seed,
        bots=bots,
        seats={s: SeatInfo(table.name(s), table.seats[s].type, str(lineup[s]), side(table, s)) for s in table.order},
        terms=tuple(table.terms),
        conventions=tuple(t for t, term in table.terms.items() if is_convention(term)),
        results=results,
    )
