"""What cooperation was worth: the same scenario, seed and length replayed with every seat
passing (no deal at all), each seat's score in it being its no-deal alternative played out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from negotiate.engine import Game
from negotiate.engine.actions import ActionModel, Pass, Refuse
from negotiate.engine.scoring import breakdown, total
from negotiate.engine.state import Phase

PHASES: tuple[str, ...] = get_args(Phase)
MAX_ACTIONS = 5_000


@dataclass(frozen=True)
class Baseline:
    """The no-deal game and each seat's score in it, at the point the debrief compares."""

    game: Game
    scores: dict[str, float]
    secret: bool
    """Whether the scores count the secret agendas (only once the played game is over)."""

    def shocks(self) -> list[tuple[int, str]]:
        """The shocks that struck the no-deal game: (round, card id)."""
        return [(e.round, e.card) for e in self.game.events if e.kind == "shock" and e.card is not None]


def passing(legal: list[ActionModel]) -> ActionModel:
    """The always-pass choice: Pass if legal, else refusing (nothing to ratify when no deal is
    made), else the first legal action."""
    for kind in (Pass, Refuse):
        for action in legal:
            if isinstance(action, kind):
                return action
    return legal[0]


def _point(game: Game) -> tuple[int, int]:
    return game.state.round, PHASES.index(game.state.phase)


def no_deal(game: Game) -> Baseline:
    """The played game's no-deal baseline: played to the end if the game is over, else to the
    same year and phase (scores then leave the secret agendas out). Deterministic: the same
    game gives the same baseline."""
    table = game.table
    base = game.rewound()
    stop = _point(game)
    for _ in range(MAX_ACTIONS):
        seat = base.current_seat
        if seat is None or (not game.is_over and _point(base) >= stop):
            break
        base.apply(passing(base.legal_actions(seat)))
    secret = game.is_over
    scores = {seat: total(breakdown(base.table, base.state, seat, agenda=secret)) for seat in table.order}
    return Baseline(base, scores, secret)
