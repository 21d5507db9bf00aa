"""Headless self-play: many games with bots in every seat, and the report of what happened."""

from negotiate.sim.facts import result_of
from negotiate.sim.report import SimReport, format_report
from negotiate.sim.result import GameResult, SeatInfo
from negotiate.sim.runner import play_game, simulate
from negotiate.sim.stats import mean_interval, wilson

__all__ = [
    "GameResult",
    "SeatInfo",
    "SimReport",
    "format_report",
    "mean_interval",
    "play_game",
    "result_of",
    "simulate",
    "wilson",
]
