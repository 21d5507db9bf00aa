"""What a proposal would do, as a seat can foresee it from its own view: the bots' outlook
(the engine's own flow and scoring rules on the seat's belief) turned into lines a player reads.
Effects that no published evidence has measured come with their spread."""

from __future__ import annotations

from dataclasses import dataclass

from negotiate.bots.outlook import Outlook, Reader
from negotiate.engine import SeatView
from negotiate.engine.actions import DealSpec
from negotiate.engine.table import Table
from negotiate.tui.words import figure


@dataclass(frozen=True)
class Effect:
    """One track a deal would move each round: by how much, give or take `spread`."""

    label: str
    change: float
    spread: float


@dataclass(frozen=True)
class Preview:
    """A proposal's foreseen effects on the seat's own tracks and the world's, and on its score."""

    mine: list[Effect]
    world: list[Effect]
    score: float
    rounds: int


def preview(table: Table, view: SeatView, spec: DealSpec) -> Preview:
    """Foresee a proposal from the seat's view, over the rounds it would be in force."""
    outlook = Outlook(Reader(table, view.seat, view.agenda), view)
    forecast = outlook.forecast(spec.forum, spec.parties, spec.terms)
    rounds = min(spec.duration, outlook.rounds_left)
    mine, world = [], []
    for (owner, track), change in sorted(forecast.changes.items()):
        spread = forecast.spread.get((owner, track), 0.0)
        if abs(change) < 0.05 and spread < 0.05:
            continue
        if owner == view.seat and track in table.types[owner].tracks:
            mine.append(Effect(table.types[owner].tracks[track].label, change, spread))
        elif owner == "global":
            world.append(Effect(table.scenario.global_tracks[track].label, change, spread))
    return Preview(mine, world, outlook.gain(view.seat, forecast, rounds), rounds)


def effect_text(effect: Effect) -> str:
    """E.g. "Cohesion -1.5 ±2 a round"."""
    spread = f" ±{effect.spread:.1g}" if effect.spread >= 0.05 else ""
    return f"{effect.label} {figure(effect.change, '+.1f')}{spread} a round"
