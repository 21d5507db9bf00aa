"""The debrief of a game or a class: what happened, why, and what cooperation was worth."""

from negotiate.debrief.baseline import Baseline, no_deal
from negotiate.debrief.render import GameDebrief, build, html, markdown

__all__ = ["Baseline", "GameDebrief", "build", "html", "markdown", "no_deal"]
