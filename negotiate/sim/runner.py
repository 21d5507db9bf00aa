"""Runs whole games with bots in every seat and sums them up into a report."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import fmean

from negotiate.bots import RandomBot
from negotiate.content import Content
from negotiate.engine import Game

BOTS: dict[str, Callable[[str, int], RandomBot]] = {"random": RandomBot}
MAX_ACTIONS = 20_000


@dataclass(frozen=True)
class GameResult:
    """The outcome of one game."""

    seed: int
    rounds: int
    actions: int
    collapsed: bool
    scores: dict[str, float]
    winners: list[str]
    governance: int


@dataclass
class SimReport:
    """What many games came to."""

    scenario: str
    name: str
    seed: int
    bots: str
    seats: dict[str, str]
    results: list[GameResult] = field(default_factory=list)

    @property
    def games(self) -> int:
        return len(self.results)

    def summary(self) -> dict[str, object]:
        """The report as plain data (rates are fractions from 0 to 1)."""
        results = self.results
        n = len(results) or 1
        return {
            "scenario": self.scenario,
            "games": len(results),
            "seed": self.seed,
            "bots": self.bots,
            "games_ended": len(results),
            "mean_rounds": round(fmean(r.rounds for r in results), 2) if results else 0,
            "mean_actions": round(fmean(r.actions for r in results), 1) if results else 0,
            "collapse_rate": round(sum(r.collapsed for r in results) / n, 4),
            "mean_governance": round(fmean(r.governance for r in results), 2) if results else 0,
            "seats": {
                seat: {
                    "type": kind,
                    "mean_score": round(fmean(r.scores[seat] for r in results), 2) if results else 0,
                    "win_rate": round(sum(seat in r.winners for r in results) / n, 4),
                }
                for seat, kind in self.seats.items()
            },
        }


def play_game(content: Content, scenario: str | None, seed: int, bots: str = "random") -> Game:
    """One whole game with the named bots in every seat."""
    game = Game(content, scenario, seed)
    players = {seat: BOTS[bots](seat, seed) for seat in game.table.order}
    for _ in range(MAX_ACTIONS):
        seat = game.current_seat
        if seat is None:
            break
        bot = players[seat]
        game.apply(bot.decide(game.view(seat), game.legal_actions(seat)))
    if not game.is_over:
        raise RuntimeError(f"game with seed {seed} did not end within {MAX_ACTIONS} actions")
    return game


def simulate(
    content: Content,
    scenario: str | None,
    games: int,
    seed: int,
    bots: str = "random",
    on_game: Callable[[Game], None] | None = None,
) -> SimReport:
    """Play `games` games with seeds seed, seed+1, ... and report on them."""
    table_scenario = content.scenario(scenario)
    report = SimReport(
        scenario=table_scenario.id,
        name=table_scenario.name,
        seed=seed,
        bots=bots,
        seats={s.id: s.type for s in table_scenario.seats},
    )
    for i in range(games):
        game = play_game(content, table_scenario.id, seed + i, bots)
        state = game.state
        report.results.append(
            GameResult(
                seed=seed + i,
                rounds=state.round + 1,
                actions=len(game.log),
                collapsed=state.collapsed,
                scores=dict(state.scores),
                winners=list(state.winners),
                governance=state.global_tracks["governance"],
            )
        )
        if on_game is not None:
            on_game(game)
    return report
