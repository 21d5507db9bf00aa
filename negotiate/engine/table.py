"""The fixed facts of one game: its scenario and content, indexed for the rules to look up fast."""

from __future__ import annotations

from dataclasses import dataclass, field

from negotiate.content import Content
from negotiate.content.schema import Scenario, ScenarioSeat, SeatType, Term


@dataclass(frozen=True, eq=False)
class Table:
    """A scenario laid out: seats in turn order, their types, the terms and cards in play."""

    content: Content
    scenario: Scenario
    order: tuple[str, ...] = field(init=False)
    seats: dict[str, ScenarioSeat] = field(init=False)
    types: dict[str, SeatType] = field(init=False)
    states: tuple[str, ...] = field(init=False)
    terms: dict[str, Term] = field(init=False)
    regions: dict[str, tuple[str, ...]] = field(init=False)
    index: dict[str, int] = field(init=False)
    receivers: frozenset[str] = field(init=False)  # seats that pull people in (a pull track)
    senders: frozenset[str] = field(init=False)  # seats that push people out (a push track)

    def __post_init__(self) -> None:
        seats = {s.id: s for s in self.scenario.seats}
        types = {s.id: self.content.seat_types[s.type] for s in self.scenario.seats}
        excluded = set(self.scenario.decks.exclude_terms)
        terms = {t: self.content.terms[t] for t in self.content.cards(self.scenario.decks.terms) if t not in excluded}
        regions: dict[str, list[str]] = {}
        for seat in self.scenario.seats:
            for region in seat.regions:
                regions.setdefault(region, []).append(seat.id)
        object.__setattr__(self, "order", tuple(seats))
        object.__setattr__(self, "index", {seat_id: i for i, seat_id in enumerate(seats)})
        object.__setattr__(self, "seats", seats)
        object.__setattr__(self, "types", types)
        object.__setattr__(self, "states", tuple(s for s in seats if types[s].state))
        object.__setattr__(self, "terms", terms)
        object.__setattr__(self, "regions", {r: tuple(ids) for r, ids in regions.items()})
        object.__setattr__(self, "receivers", frozenset(s for s in seats if types[s].flow.pull is not None))
        object.__setattr__(self, "senders", frozenset(s for s in seats if types[s].flow.push is not None))

    def name(self, seat_id: str) -> str:
        """A seat's display name (or the id, for the facilitator)."""
        seat = self.seats.get(seat_id)
        return seat.name if seat else seat_id

    def tier(self, seat_id: str) -> str | None:
        """A seat's development tier: its own, or its type's."""
        return self.seats[seat_id].tier or self.types[seat_id].tier

    def year(self, round_index: int) -> int:
        """The year a round stands for."""
        return self.scenario.years[min(round_index, len(self.scenario.years) - 1)]

    def escalation(self, round_index: int) -> float:
        """How hard the crisis weighs in a round: 1 in the first, then the scenario's
        `escalation` more each round. Shocks strike, and arrivals over thresholds raise crisis,
        this many times their printed numbers."""
        return 1.0 + self.scenario.rules.escalation * round_index

    @property
    def rounds(self) -> int:
        return len(self.scenario.years)


_tables: dict[tuple[int, int], Table] = {}
TABLES = 8
"""Tables kept for reuse (the newest), so that games of one scenario share one table."""


def table_for(content: Content, scenario: Scenario) -> Table:
    """The table of a scenario, shared by the games that play it (a table never changes, and
    what is worked out once per table, such as standard proposals, then serves them all)."""
    key = (id(content), id(scenario))
    table = _tables.get(key)
    if table is None or table.content is not content or table.scenario is not scenario:
        table = _tables[key] = Table(content, scenario)
        if len(_tables) > TABLES:
            _tables.pop(next(iter(_tables)), None)
    return table
