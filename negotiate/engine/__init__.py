"""The engine: a pure, deterministic game of negotiation. No UI, no I/O but save files, no clock.

game = Game(load_content(), "compact-2030", seed=7)
seat = game.current_seat
game.apply(game.legal_actions(seat)[0])
game.view(seat)
"""

from negotiate.engine.actions import ACTION_ADAPTER, Action, ActionModel
from negotiate.engine.events import Event
from negotiate.engine.game import Game, IllegalAction
from negotiate.engine.machine import mermaid
from negotiate.engine.save import SaveError, digest, from_save, read_save, to_save, write_save
from negotiate.engine.state import FACILITATOR, GameState
from negotiate.engine.view import SeatView

__all__ = [
    "ACTION_ADAPTER",
    "FACILITATOR",
    "Action",
    "ActionModel",
    "Event",
    "Game",
    "GameState",
    "IllegalAction",
    "SaveError",
    "SeatView",
    "digest",
    "from_save",
    "mermaid",
    "read_save",
    "to_save",
    "write_save",
]
