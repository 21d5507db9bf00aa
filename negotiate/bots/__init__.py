"""Bots: seats played by the computer, from the seat's own view and legal actions only."""

from negotiate.bots.asking import Answer
from negotiate.bots.lineup import (
    Bot,
    BotSpec,
    LineupError,
    default_lineup,
    make_bot,
    parse_lineup,
    seat_bot,
    seat_bot_problem,
)
from negotiate.bots.personality import LEVELS, PERSONALITIES
from negotiate.bots.random_bot import RandomBot
from negotiate.bots.resume import resumed_bots
from negotiate.bots.scripted import ScriptedBot

__all__ = [
    "Answer",
    "LEVELS",
    "PERSONALITIES",
    "Bot",
    "BotSpec",
    "LineupError",
    "RandomBot",
    "ScriptedBot",
    "default_lineup",
    "make_bot",
    "parse_lineup",
    "resumed_bots",
    "seat_bot",
    "seat_bot_problem",
]
