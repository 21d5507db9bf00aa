"""The scripted bot (being written): placeholder that plays like the random bot."""

from __future__ import annotations

from collections.abc import Sequence

from negotiate.bots.personality import Level, Personality
from negotiate.bots.random_bot import RandomBot
from negotiate.engine import ActionModel, SeatView
from negotiate.engine.table import Table


class ScriptedBot:
    def __init__(self, table: Table, seat: str, personality: Personality, level: Level, seed: int):
        self.seat = seat
        self.personality = personality.name
        self.level = level.name
        self._random = RandomBot(seat, seed)

    def decide(self, view: SeatView, legal: Sequence[ActionModel]) -> ActionModel:
        return self._random.decide(view, legal)
