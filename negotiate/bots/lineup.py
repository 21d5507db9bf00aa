"""Who plays each seat: bot specs ("broker:hard"), the scenario's defaults, and making the bots."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from negotiate.bots.asking import Answer
from negotiate.bots.personality import DEFAULTS, FALLBACK, LEVELS, PERSONALITIES
from negotiate.bots.random_bot import RandomBot
from negotiate.bots.scripted import ScriptedBot
from negotiate.engine import ActionModel, SeatView
from negotiate.engine.table import Table

if TYPE_CHECKING:
    from negotiate.content.schema import ScenarioSeat


class Bot(Protocol):
    """A seat played by the computer: it decides from the seat's view and legal actions only."""

    seat: str
    personality: str
    level: str

    def decide(self, view: SeatView, legal: Sequence[ActionModel]) -> ActionModel: ...

    def what_would_you_accept(self, view: SeatView, asker: str) -> Answer:
        """Advice to `asker` from the seat's view (see `negotiate.bots.asking`): not a move."""
        ...


class LineupError(ValueError):
    """A bot spec that names an unknown seat, personality or level, or a personality that does
    not fit the seat."""


@dataclass(frozen=True)
class BotSpec:
    """A personality at a level, written personality[:level]."""

    personality: str
    level: str = "normal"

    def __str__(self) -> str:
        return f"{self.personality}:{self.level}"

    @classmethod
    def parse(cls, text: str) -> BotSpec:
        """Read "personality" or "personality:level" (errors say what is expected)."""
        name, _, level = text.strip().partition(":")
        level = level or "normal"
        if name not in PERSONALITIES:
            raise LineupError(f"unknown personality {name!r} (expected one of {', '.join(PERSONALITIES)})")
        if level not in LEVELS:
            raise LineupError(f"unknown level {level!r} (expected one of {', '.join(LEVELS)})")
        return cls(name, level)


def seat_bot(seat: ScenarioSeat) -> BotSpec:
    """The bot that plays a scenario's seat by default: the one its `bot:` names, else its seat
    type's usual personality (a pragmatist for a type no personality names). LineupError says
    why a named bot cannot play the seat."""
    spec = BotSpec.parse(seat.bot) if seat.bot else BotSpec(DEFAULTS.get(seat.type, FALLBACK))
    _check_fit(seat.id, seat.type, spec)
    return spec


def seat_bot_problem(seat: ScenarioSeat) -> str | None:
    """Why the bot a scenario's seat names cannot play it, if it cannot: what `negotiate
    validate` checks for every seat."""
    try:
        seat_bot(seat)
    except LineupError as exc:
        return str(exc)
    return None


def default_lineup(table: Table) -> dict[str, BotSpec]:
    """Each seat's default bot (`seat_bot`)."""
    lineup = {}
    for seat in table.order:
        try:
            lineup[seat] = seat_bot(table.seats[seat])
        except LineupError as exc:
            raise LineupError(f"scenario {table.scenario.id}, seat {seat}: bot: {exc}") from None
    return lineup


def parse_lineup(text: str, table: Table) -> dict[str, BotSpec]:
    """Read `default`, `random`, or `SEAT=PERSONALITY[:LEVEL],...` (seats not named keep their
    default). `random` puts the random baseline in every seat."""
    lineup = default_lineup(table)
    text = text.strip()
    if text in ("", "default"):
        return lineup
    if text == "random":
        return {seat: BotSpec("random") for seat in table.order}
    for part in text.split(","):
        seat, equals, spec = part.partition("=")
        seat = seat.strip()
        if not equals:
            raise LineupError(f"{part.strip()!r}: expected SEAT=PERSONALITY[:LEVEL], or default, or random")
        if seat not in table.seats:
            raise LineupError(f"unknown seat {seat!r} (expected one of {', '.join(table.order)})")
        try:
            lineup[seat] = BotSpec.parse(spec)
        except LineupError as exc:
            raise LineupError(f"{seat}: {exc}") from None
        _check_fit(seat, table.seats[seat].type, lineup[seat])
    return lineup


def _check_fit(seat: str, kind: str, spec: BotSpec) -> None:
    fits = PERSONALITIES[spec.personality].seats
    if isinstance(fits, tuple) and kind not in fits:
        raise LineupError(f"{seat} is a {kind} seat; a {spec.personality} plays only {', '.join(fits)} seats")


def make_bot(table: Table, seat: str, spec: BotSpec, seed: int) -> Bot:
    """The bot for one seat of a game, deterministic from the game's seed."""
    if spec.personality == "random":
        return RandomBot(seat, seed)
    return ScriptedBot(table, seat, PERSONALITIES[spec.personality], LEVELS[spec.level], seed)
