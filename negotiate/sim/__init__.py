"""Headless self-play: many games with bots in every seat, and the report of what happened."""

from negotiate.sim.runner import GameResult, SimReport, play_game, simulate

__all__ = ["GameResult", "SimReport", "play_game", "simulate"]
