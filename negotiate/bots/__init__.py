"""Bots: seats played by the computer, from the seat's own view and legal actions only."""

from negotiate.bots.random_bot import RandomBot

__all__ = ["RandomBot"]
