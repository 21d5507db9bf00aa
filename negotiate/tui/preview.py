"""What a deal would do, as a seat can foresee it from its own view: the bots' outlook (the
engine's own flow and scoring rules on the seat's belief) turned into lines a player reads.
Effects that no published evidence has measured come with their spread."""

from __future__ import annotations

from dataclasses import dataclass

from negotiate.bots.outlook import Outlook, Reader, belief
from negotiate.engine import SeatView
from negotiate.engine.actions import DealSpec
from negotiate.engine.deals import price
from negotiate.engine.state import Deal
from negotiate.engine.table import Table
from negotiate.tui.words import counted, figure


@dataclass(frozen=True)
class Effect:
    """One track a deal would move each round: by how much, give or take `spread`."""

    label: str
    change: float
    spread: float


@dataclass(frozen=True)
class Preview:
    """A deal's foreseen effects on the seat's own tracks and the world's, and on its score."""

    mine: list[Effect]
    world: list[Effect]
    score: float
    rounds: int
    price: int = 0
    """Political capital the seat would spend adopting it at home (see the rulebook's Ratification)."""


def preview(table: Table, view: SeatView, deal: DealSpec | Deal) -> Preview:
    """Foresee a proposal, or a deal on the table, from the seat's view over the rounds it
    would be in force."""
    outlook = Outlook(Reader(table, view.seat, view.agenda), view)
    forecast = outlook.forecast(deal.forum, deal.parties, deal.terms)
    rounds = min(deal.duration, outlook.rounds_left)
    mine, world = [], []
    for (owner, track), change in sorted(forecast.changes.items()):
        spread = forecast.spread.get((owner, track), 0.0)
        if abs(change) < 0.05 and spread < 0.05:
            continue
        if owner == view.seat and track in table.types[owner].tracks:
            mine.append(Effect(table.types[owner].tracks[track].label, change, spread))
        elif owner == "global":
            world.append(Effect(table.scenario.global_tracks[track].label, change, spread))
    cost = price(table, belief(table, view), deal, view.seat) if view.seat in deal.parties else 0
    return Preview(mine, world, outlook.gain(view.seat, forecast, rounds), rounds, cost)


def foresight(foreseen: Preview) -> str:
    """A preview in a few lines: the score over the rounds, then each round's effects on the
    seat's tracks and the world's (the largest first), and what ± means when an effect has a
    spread."""
    lines = [f"Over {counted(foreseen.rounds, 'round')}, your score {figure(foreseen.score, '+.1f')}"]
    if foreseen.price:
        lines[0] += f"; adopting it at home costs you {foreseen.price} political capital"
    for who, effects in (("You", foreseen.mine), ("World", foreseen.world)):
        if effects:
            largest = sorted(effects, key=lambda e: -abs(e.change))
            lines.append(f"{who}, a round: " + ", ".join(effect_text(e) for e in largest))
    if any(e.spread >= 0.05 for e in foreseen.mine + foreseen.world):
        lines.append("± marks effects no evidence has measured yet")
    return "\n".join(lines)


def effect_text(effect: Effect) -> str:
    """E.g. "cohesion -1.5 ±2"."""
    spread = f" ±{effect.spread:.1g}" if effect.spread >= 0.05 else ""
    return f"{effect.label.lower()} {figure(effect.change, '+.1f')}{spread}"
