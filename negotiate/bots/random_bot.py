"""The random bot: a baseline that picks any legal action, deterministic from its seed."""

from __future__ import annotations

import random
from collections.abc import Sequence

from negotiate.bots.asking import Answer, no_promise
from negotiate.engine import ActionModel, SeatView


class RandomBot:
    """Picks a kind of action at random, then one action of that kind: a fair baseline that
    does not drown in the many ways to propose a deal."""

    personality = "random"
    level = "normal"

    def __init__(self, seat: str, seed: int):
        self.seat = seat
        self.rng = random.Random(f"{seed}:{seat}")

    def decide(self, view: SeatView, legal: Sequence[ActionModel]) -> ActionModel:
        """Choose one of the legal actions (the view is not needed to choose at random)."""
        kinds: dict[str, list[ActionModel]] = {}
        for action in legal:
            kinds.setdefault(action.type, []).append(action)  # type: ignore[attr-defined]
        kind = self.rng.choice(sorted(kinds))
        return self.rng.choice(kinds[kind]).model_copy(
            update={"reason": f"random choice among {len(legal)} legal actions"}
        )

    def what_would_you_accept(self, view: SeatView, asker: str) -> Answer:
        """It promises nothing: it picks its moves at random."""
        return no_promise(self.seat, asker)
