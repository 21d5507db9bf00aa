"""Headless self-play: many games with bots in every seat, and the report of what happened."""

from negotiate.sim.report import GameResult, SimReport, format_report, mean_interval, wilson
from negotiate.sim.runner import play_game, simulate

__all__ = ["GameResult", "SimReport", "format_report", "mean_interval", "play_game", "simulate", "wilson"]
