"""The state of a game in progress: seats, corridors, deals, the decks' order and the hidden truths.

Models validate at the edges (a loaded save); the rules update them in place without
re-validation. `GameState.fork` copies a state cheaply for a look-ahead.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from negotiate.content.schema import Forum

Phase = Literal[
    "setup", "trend", "shock", "negotiation", "ratification", "implementation", "resolution", "scoring", "game_over"
]
DealStatus = Literal[
    "draft",  # waiting for a state sponsor
    "open",  # on the table
    "agreed",  # every party accepted (or the global vote passed)
    "ratified",  # every ratification needed is in
    "in_force",
    "rejected",
    "withdrawn",
    "countered",
    "lapsed",  # not agreed by the end of the negotiation
    "failed",  # refused at ratification
    "suspended",  # ended by a party's suspension
    "expired",
]
FACILITATOR = "facilitator"
SETTLED = frozenset({"rejected", "withdrawn", "countered", "lapsed", "failed", "suspended", "expired"})
"""Statuses from which a deal never changes again (so copies of a state may share it)."""


class StateModel(BaseModel):
    """Base of state models: strict on load, free to mutate in place."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class FrozenModel(StateModel):
    """A state model that never changes once made, so copies of a state can share it safely."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TermOffer(FrozenModel):
    """One term of a deal: which term, who gives and who receives it, and its parameters."""

    model_config = ConfigDict(extra="forbid", frozen=True, revalidate_instances="always")

    term: str
    giver: str | None = None
    receiver: str | None = None
    params: dict[str, int] = Field(default_factory=dict)


class Deal(StateModel):
    """A proposal and, if it is agreed, a deal: its parties, forum, terms and progress."""

    id: int
    proposer: str
    forum: Forum
    region: str | None = None
    parties: list[str]
    terms: list[TermOffer]
    binding: bool
    duration: int
    status: DealStatus
    round: int
    accepted: list[str] = Field(default_factory=list)
    rejected: list[str] = Field(default_factory=list)
    endorsers: list[str] = Field(default_factory=list)
    sponsor: str | None = None
    ratified: list[str] = Field(default_factory=list)
    refused: list[str] = Field(default_factory=list)
    counter_of: int | None = None
    starts: int | None = None
    ends: int | None = None
    audited_by: list[str] = Field(default_factory=list)


class SeatState(StateModel):
    """A seat's public position: its tracks and running tallies."""

    id: str
    tracks: dict[str, int]
    stats: dict[str, int] = Field(default_factory=dict)
    glass_house: int = 0


class Forecast(FrozenModel):
    """A card in a seat's hand: the trend its analysts foresee for a coming round."""

    round: int
    card: str


class Secret(StateModel):
    """What only its own seat may see: its agenda card and its hand."""

    agenda: str
    hand: list[Forecast] = Field(default_factory=list)


class CorridorState(StateModel):
    """A corridor's drivers and last round's flows."""

    origin: str
    destination: str
    transit: str | None = None
    base: int
    threshold: int
    drift: int = 0
    surge: int = 0
    pressure: int = 0
    regular: int = 0
    irregular: int = 0
    stopped: int = 0


class Message(FrozenModel):
    """A message from one seat to another seat, or to all (`to` is None)."""

    round: int
    sender: str
    to: str | None
    text: str


class Payment(FrozenModel):
    """A side payment, public once made: who paid whom how much, in which round."""

    round: int
    sender: str
    to: str
    amount: int


class GameState(StateModel):
    """Everything about one game at one moment. Secrets are kept apart from public parts."""

    scenario: str
    seed: int
    rng: int
    round: int = 0
    phase: Phase = "setup"
    turn: int = 0
    passes: int = 0
    beats: int = 0
    messages_this_turn: int = 0
    paused: bool = False
    window: bool = False
    collapsed: bool = False
    shock: str | None = None
    shock_targets: list[str] = Field(default_factory=list)
    struck: list[int] = Field(default_factory=list, description="the rounds in which a shock struck")
    trend: str | None = None
    global_tracks: dict[str, int]
    seats: list[SeatState]
    corridors: list[CorridorState]
    deals: list[Deal] = Field(default_factory=list)
    messages: list[Message] = Field(default_factory=list)
    payments: list[Payment] = Field(default_factory=list)
    revealed: list[str] = Field(default_factory=list, description="terms whose evidence is published")
    secrets: dict[str, Secret]
    hidden: dict[str, list[int]] = Field(default_factory=dict, description="true offsets, by term")
    lapses: dict[int, list[str]] = Field(default_factory=dict, description="hidden: deal id to lapsed parties")
    shock_pile: list[str] = Field(default_factory=list)
    trend_pile: list[str] = Field(default_factory=list)
    history: list[dict[str, int]] = Field(
        default_factory=list,
        description="tracks (`global.crisis`, `seat.budget`) and corridor flows (`corridors.0.regular`) at each round's end",
    )
    scores: dict[str, float] = Field(default_factory=dict)
    winners: list[str] = Field(default_factory=list)

    def seat(self, seat_id: str) -> SeatState:
        """The seat with this id."""
        for seat in self.seats:
            if seat.id == seat_id:
                return seat
        raise KeyError(seat_id)

    def deal(self, deal_id: int) -> Deal | None:
        """The deal with this id, if there is one."""
        if 0 < deal_id <= len(self.deals):
            return self.deals[deal_id - 1]
        return None

    def fork(self) -> GameState:
        """A copy to try things on: nested containers are copied, immutable values shared."""
        return clone(
            self,
            global_tracks=dict(self.global_tracks),
            seats=[clone(s, tracks=dict(s.tracks), stats=dict(s.stats)) for s in self.seats],
            corridors=[clone(c) for c in self.corridors],
            deals=[d if d.status in SETTLED else copy_deal(d) for d in self.deals],
            messages=list(self.messages),
            payments=list(self.payments),
            revealed=list(self.revealed),
            shock_targets=list(self.shock_targets),
            struck=list(self.struck),
            lapses={k: list(v) for k, v in self.lapses.items()},
            shock_pile=list(self.shock_pile),
            trend_pile=list(self.trend_pile),
            history=list(self.history),
            scores=dict(self.scores),
            winners=list(self.winners),
        )


def copy_deal(deal: Deal) -> Deal:
    """A copy of a deal that shares nothing mutable with it."""
    return clone(
        deal,
        terms=list(deal.terms),
        parties=list(deal.parties),
        accepted=list(deal.accepted),
        rejected=list(deal.rejected),
        endorsers=list(deal.endorsers),
        ratified=list(deal.ratified),
        refused=list(deal.refused),
        audited_by=list(deal.audited_by),
    )


M = TypeVar("M", bound=BaseModel)


def clone(model: M, **changes: Any) -> M:
    """A shallow copy of a model with some fields replaced: what `model_copy(update=...)` does,
    without its overhead (a look-ahead copies many small models)."""
    fields = dict(model.__dict__)
    fields.update(changes)
    return _assemble(type(model), fields, model.__pydantic_fields_set__)


def build(kind: type[M], /, **fields: Any) -> M:
    """A model from valid values, every field given: what `model_construct` does, without its
    overhead (views and listings build many models from a state already valid). Fields keep
    the model's order, as they would after validation."""
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(kind.model_fields)
    given = set(fields)
    if tuple(fields) != names:
        fields = {name: fields[name] for name in names}
    return _assemble(kind, fields, given)


_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {}
"""Each model's field names, in order (reading `model_fields` has a cost)."""


def _assemble(kind: type[M], fields: dict[str, Any], fields_set: set[str]) -> M:
    model = object.__new__(kind)
    object.__setattr__(model, "__dict__", fields)
    object.__setattr__(model, "__pydantic_fields_set__", fields_set)
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model
