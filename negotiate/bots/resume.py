"""Bots for a game in progress, with the memory they would have had playing it through.

A bot remembers what it saw and did: prices it named, favours it returned for side payments,
how far it has conceded this round. None of that is in the game's state, so bots joining a game
already under way (a loaded save, an undo, a decision thrown away) are made fresh and then
decide again at every turn their seats took, from the views those seats had then.
"""

from __future__ import annotations

from collections.abc import Mapping

from negotiate.bots.lineup import Bot, BotSpec, make_bot
from negotiate.engine import Game
from negotiate.engine.actions import actor


def resumed_bots(game: Game, lineup: Mapping[str, BotSpec]) -> dict[str, Bot]:
    """The bots of `lineup` (seat -> spec), caught up with `game` as it stands."""
    bots = {seat: make_bot(game.table, seat, spec, game.seed) for seat, spec in lineup.items()}
    played = game.effective_log()
    if not bots or not played:
        return bots
    again = game.rewound()
    for action in played:
        seat = actor(action)
        bot = bots.get(seat)
        if bot is not None:
            bot.decide(again.view(seat), again.legal_actions(seat))
        again.apply(action)
    return bots
