"""Hand-made results of simulated games, for the simulator's tests."""

from __future__ import annotations

from typing import Any

from negotiate.sim import GameResult


def game_result(seed: int, **facts: Any) -> GameResult:
    """Test shortcut: a simulated game's result, of a game that did nothing but what `facts` say."""
    defaults: dict[str, Any] = {
        "rounds": 4,
        "actions": 10,
        "collapsed": False,
        "scores": {},
        "winners": (),
        "governance": 1,
        "cards": (),
        "terms_signed": {},
        "window_rounds": (),
        "deals": (),
        "solved": False,
        "tallies": {},
    }
    return GameResult(seed=seed, **(defaults | facts))
