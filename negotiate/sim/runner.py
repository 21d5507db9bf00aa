"""Runs whole games with bots in every seat, in one process or many, and sums them up."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager

from negotiate.bots import BotSpec, make_bot, parse_lineup
from negotiate.content import Content
from negotiate.engine import Game
from negotiate.engine.table import Table
from negotiate.sim.report import GameResult, SeatInfo, SimReport

MAX_ACTIONS = 20_000
CHUNKS_PER_JOB = 8
"""Seeds are sent to worker processes in about this many chunks per job, for a smooth progress bar."""

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


def result_of(game: Game) -> GameResult:
    """The facts of a finished game that the report needs."""
    state = game.state
    shocks = game.table.content.shocks
    drawn = [(e.kind, e.card, e.round) for e in game.events if e.card is not None and e.kind in ("shock", "trend")]
    terms = Counter(term for d in state.deals if d.starts is not None for term in {o.term for o in d.terms})
    return GameResult(
        seed=game.seed,
        rounds=state.round + 1,
        actions=len(game.log),
        collapsed=state.collapsed,
        scores=dict(state.scores),
        winners=tuple(state.winners),
        governance=state.global_tracks["governance"],
        cards=tuple(dict.fromkeys((kind, card) for kind, card, _ in drawn)),
        terms_signed=terms,
        window_rounds=tuple(sorted({r for kind, card, r in drawn if kind == "shock" and shocks[card].window})),
        multilateral=tuple(d.starts for d in state.deals if d.starts is not None and d.forum != "bilateral"),
    )


def play_seeds(content: Content, scenario: str, lineup: Lineup, seeds: Sequence[int]) -> list[GameResult]:
    """Play one game per seed and keep their results."""
    return [result_of(play_game(content, scenario, seed, lineup)) for seed in seeds]


_worker: tuple[Content, str, Lineup] | None = None


def _start_worker(content: Content, scenario: str, lineup: Lineup) -> None:
    """Worker process initializer: keep the content and lineup for every chunk it plays."""
    global _worker
    _worker = (content, scenario, lineup)


def _play_chunk(seeds: Sequence[int]) -> list[GameResult]:
    assert _worker is not None, "the worker was not initialised"
    return play_seeds(*_worker, seeds)


def _chunks(seeds: Sequence[int], jobs: int) -> list[Sequence[int]]:
    size = max(1, len(seeds) // (jobs * CHUNKS_PER_JOB))
    return [seeds[i : i + size] for i in range(0, len(seeds), size)]


def _play_in_pool(
    content: Content, scenario: str, lineup: Lineup, seeds: Sequence[int], jobs: int, done: Callable[[int], None]
) -> list[GameResult]:
    """Play the seeds in chunks across `jobs` processes; results come back in seed order."""
    results: list[GameResult] = []
    pool = ProcessPoolExecutor(jobs, initializer=_start_worker, initargs=(content, scenario, lineup))
    try:
        pending: set[Future[list[GameResult]]] = {pool.submit(_play_chunk, chunk) for chunk in _chunks(seeds, jobs)}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                results += future.result()
                done(len(future.result()))
    finally:
        pool.shutdown(cancel_futures=True)
    return sorted(results, key=lambda r: r.seed)


def simulate(
    content: Content,
    scenario: str | None,
    games: int,
    seed: int,
    bots: str = "default",
    jobs: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> SimReport:
    """Play `games` games with seeds seed, seed+1, ... and report on them.

    `bots` is a lineup (`default`, `random` or `SEAT=PERSONALITY[:LEVEL],...`; a bad one raises
    LineupError). `jobs` above 1 spreads the games over that many processes, with the same
    report. `on_progress` is called with the number of games just finished.
    """
    table = Table(content, content.scenario(scenario))
    lineup = parse_lineup(bots, table)
    done = on_progress or (lambda n: None)
    seeds = range(seed, seed + games)
    if jobs > 1 and games > 1:
        results = _play_in_pool(content, table.scenario.id, lineup, seeds, jobs, done)
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
        seats={s: SeatInfo(table.name(s), table.seats[s].type, str(lineup[s])) for s in table.order},
        terms=tuple(table.terms),
        results=results,
    )
