"""The shapes of content files: seats, scenarios, decks of cards and the term catalogue.

Every model is frozen and forbids unknown keys, and every number has a range (`Within`): no
.nan, no .inf, nothing a game cannot count with. Cross references between files (a scenario
naming a seat type, an effect naming a track) are checked by `negotiate.content.check`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import CoreSchema, core_schema


@dataclass(frozen=True)
class Within:
    """The range of a number field, bounds included; a number must also be finite. A value out
    of range, or not a number, is refused with a message that names the range."""

    low: int | float
    high: int | float

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        number: CoreSchema
        if source is int:
            number, kind = core_schema.int_schema(ge=int(self.low), le=int(self.high)), "a whole number"
        else:
            number, kind = core_schema.float_schema(ge=self.low, le=self.high, allow_inf_nan=False), "a number"

        def check(value: Any, inner: core_schema.ValidatorFunctionWrapHandler) -> Any:
            try:
                return inner(value)
            except ValidationError:
                shown = repr(value)
                shown = shown if len(shown) <= 24 else f"{shown[:20]}..."
                raise ValueError(f"expected {kind} from {self.low} to {self.high}, not {shown}") from None

        return core_schema.no_info_wrap_validator_function(check, number)


LIMIT = 1000
"""The largest size of any amount in content: a track, a change, a score, a driver of flows."""

Amount = Annotated[int, Within(-LIMIT, LIMIT)]  # a track's value or bound, a score, a driver of flows
Rate = Annotated[float, Within(-LIMIT, LIMIT)]  # a change per unit, a weight
Count = Annotated[int, Within(0, LIMIT)]  # how many, how much (never below zero)
Positive = Annotated[int, Within(1, LIMIT)]  # how many, at least one
Share = Annotated[float, Within(0, 1)]  # a probability or a fraction
Year = Annotated[int, Within(1, 9999)]
Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", description="a lower-case identifier")]
Forum = Literal["bilateral", "regional", "global"]
Power = Literal["propose", "side_payment", "endorse", "campaign", "publish_evidence", "audit"]
GLOBAL_TRACKS = ("governance", "welfare", "crisis", "trafficking")
GOVERNANCE_LEVELS = ("none", "patchwork", "regional", "global compact", "binding convention")
Level = Annotated[int, Within(0, len(GOVERNANCE_LEVELS) - 1)]  # a governance level, by its index


class Model(BaseModel):
    """Base of every content model: frozen, strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- tracks and effects ------------------------------------------------------------------


class TrackSpec(Model):
    """A numbered track: where it starts and the bounds it never leaves."""

    label: str = Field(description="the name players read")
    start: Amount
    min: Amount = 0
    max: Amount

    @model_validator(mode="after")
    def _start_within_bounds(self) -> TrackSpec:
        if not self.min <= self.start <= self.max:
            raise ValueError(f"start {self.start} must lie within min {self.min} and max {self.max}")
        return self


class Effect(Model):
    """A change of a track: `delta` (times a deal parameter when `times` is set), rounded half
    away from zero.

    `who` names whose track moves. Which selectors are allowed depends on where the effect
    stands: `global` (a global track), `all` (every seat that has the track), `type:<seat type>`,
    `target` (the seat a shock strikes), `giver`, `receiver`, `parties` (in a deal term).
    """

    who: str
    track: str
    delta: Rate
    times: str | None = Field(None, description="a parameter of the term that multiplies delta")
    note: str | None = Field(None, description="a short reason shown in the log")


class Uncertainty(Model):
    """A term's effect whose true size is hidden until evidence is published.

    At setup the game draws a hidden offset in [-spread, spread] per uncertain effect; it adds
    to the nominal per-round effect (times the parameter when `times` is set)."""

    who: str
    track: str
    spread: Positive
    times: str | None = None


CorridorRole = str  # giver | receiver | party | target | any


class CorridorMatch(Model):
    """Which corridors an effect touches, by the role of their origin, destination and transit."""

    origin: CorridorRole = "any"
    destination: CorridorRole = "any"
    transit: CorridorRole = "any"
    both_ways: bool = Field(False, description="also match with origin and destination swapped")


class CorridorEffect(Model):
    """A change of the drivers of matching corridors (from a shock or a trend card)."""

    match: CorridorMatch = CorridorMatch()
    surge: Amount = Field(0, description="a passing push that halves every round")
    drift: Amount = Field(0, description="a lasting change of push")
    threshold: Amount = Field(0, description="a lasting change of the irregular flow that raises crisis")


class TermCorridor(Model):
    """What a term in force does to the flows of the corridors it matches, per round."""

    match: CorridorMatch
    capacity: Rate = Field(0, description="regular places opened (times the parameter)")
    enforcement: Rate = Field(0, description="irregular crossings stopped (times the parameter)")
    protection: Rate = Field(0, description="irregular arrivals whose harm to cohesion is absorbed")
    times: str | None = None


# --- scoring -------------------------------------------------------------------------------


class TrackScore(Model):
    """Points per unit of a track at the end (`from_start`: per unit gained since setup)."""

    kind: Literal["track"]
    track: str
    scope: Literal["self", "global"] = "self"
    weight: Rate
    from_start: bool = False
    label: str


class ThresholdScore(Model):
    """Flat points when a track ends at or above `at_least` (or at or below `at_most`)."""

    kind: Literal["threshold"]
    track: str
    scope: Literal["self", "global"] = "self"
    at_least: Amount | None = None
    at_most: Amount | None = None
    points: Amount
    label: str

    @model_validator(mode="after")
    def _one_bound(self) -> ThresholdScore:
        if (self.at_least is None) == (self.at_most is None):
            raise ValueError("give exactly one of at_least or at_most")
        return self


class StatScore(Model):
    """Points per unit of a running tally of the seat (arrivals, deals signed, audits...)."""

    kind: Literal["stat"]
    stat: str
    weight: Rate
    label: str


class DealScore(Model):
    """Points per deal that entered into force with this seat in a role, optionally one term."""

    kind: Literal["deals"]
    term: str | None = None
    role: Literal["giver", "receiver", "party"] = "party"
    points: Amount
    label: str


class GovernanceScore(Model):
    """Flat points when the governance level reached is at least `at_least`."""

    kind: Literal["governance"]
    at_least: Level
    points: Amount
    label: str


ScoreRule = Annotated[
    TrackScore | ThresholdScore | StatScore | DealScore | GovernanceScore,
    Field(discriminator="kind"),
]

STATS = (
    "regular_in",
    "irregular_in",
    "regular_out",
    "irregular_out",
    "deals_signed",
    "deals_proposed",
    "evidence_published",
    "campaigns",
    "audits",
    "lapses_found",
    "ratified",
    "refused",
    "suspended",
)


# --- seats ---------------------------------------------------------------------------------


class ActionPower(Model):
    """An action a seat type may take, what it costs and how strong it is."""

    cost: dict[str, Count] = Field(default_factory=dict, description="track: amount paid")
    gain: dict[str, Count] = Field(default_factory=dict, description="track: amount gained on use")
    strength: Count = Field(1, description="for campaign: cohesion moved")


class FlowEffects(Model):
    """Per-unit effects of people moving, on a seat at one end of a corridor."""

    regular: list[Effect] = Field(default_factory=list)
    irregular: list[Effect] = Field(default_factory=list)


class FlowRole(Model):
    """How a seat type drives flows and how flows move its tracks."""

    push: str | None = Field(None, description="track that pushes people out (as origin)")
    pull: str | None = Field(None, description="track that pulls people in (as destination)")
    departures: FlowEffects = FlowEffects()
    arrivals: FlowEffects = FlowEffects()
    crossings: FlowEffects = FlowEffects()


class Objective(Model):
    """A public objective: what the seat wants, and how it scores."""

    text: str
    scoring: list[ScoreRule] = Field(min_length=1)


class SeatType(Model):
    """A kind of seat (receiving state, NGO, ...): tracks, powers, flows, objective."""

    id: Id
    name: str
    summary: str
    leverage: str | None = Field(
        None, description="the seat's leverage, said to its player in a sentence or two (shown at the table)"
    )
    state: bool = Field(description="a state: votes in the global forum and ratifies deals")
    tier: str | None = Field(None, description="development tier, for reciprocal mobility")
    needs_sponsor: bool = Field(False, description="its proposals wait for a state's endorsement")
    tracks: dict[Id, TrackSpec] = Field(min_length=1)
    per_round: list[Effect] = Field(default_factory=list, description="slow drift every round")
    actions: dict[Power, ActionPower] = Field(default_factory=dict)
    flow: FlowRole = FlowRole()
    objective: Objective


# --- cards ---------------------------------------------------------------------------------


class Card(Model):
    """What every card has: an id, a name and the text players read."""

    id: Id
    name: str
    text: str
    source: str | None = Field(None, description="the fact from the seeds this card rests on")


class ShockCard(Card):
    """A shock: strikes a seat of one type (or everyone), may open a window for deals."""

    strikes: str = Field(description="the seat type struck, or 'all' for a shock without target")
    window: bool = False
    severity: Annotated[int, Within(1, 3)] = 1
    effects: list[Effect] = Field(default_factory=list)
    corridors: list[CorridorEffect] = Field(default_factory=list)


class TrendCard(Card):
    """A trend: moves the slow drivers (demography, climate, economy) for good."""

    effects: list[Effect] = Field(default_factory=list)
    corridors: list[CorridorEffect] = Field(default_factory=list)


class AgendaCard(Card):
    """A secret agenda for one seat type, revealed and scored at the end."""

    seat_type: Id
    scoring: list[ScoreRule] = Field(min_length=1)


class ParamSpec(Model):
    """A numeric parameter of a term (a quota, an amount)."""

    label: str
    min: Count
    max: Count
    default: Count

    @model_validator(mode="after")
    def _default_within(self) -> ParamSpec:
        if not self.min <= self.default <= self.max:
            raise ValueError(f"default {self.default} must lie within {self.min}..{self.max}")
        return self


class Requirement(Model):
    """A condition on a track of the seats in one role of a term: reciprocal mobility, say, only
    between states short of workers."""

    who: Literal["giver", "receiver", "parties"]
    track: str
    at_least: Amount
    label: str = Field(description="the condition in words, e.g. 'short of workers'")


class Term(Model):
    """A term of the catalogue: who may offer it, its effects per round, how uncertain they are."""

    id: Id
    name: str
    text: str
    source: str | None = None
    scope: Literal["offer", "all_parties"] = Field(
        "offer", description="offer: one giver to one receiver; all_parties: shared by all"
    )
    givers: list[Id] = Field(default_factory=list, description="seat types that may give it")
    receivers: list[Id] = Field(default_factory=list, description="seat types that may receive it")
    forums: list[Forum] = Field(min_length=1)
    binding: Literal["any", "binding", "non_binding"] = "any"
    same_tier: bool = Field(False, description="giver and receiver must share a development tier")
    params: dict[Id, ParamSpec] = Field(default_factory=dict)
    transfer: str | None = Field(None, description="parameter moved each round from giver's budget")
    effects: list[Effect] = Field(default_factory=list)
    corridors: list[TermCorridor] = Field(default_factory=list)
    uncertain: list[Uncertainty] = Field(default_factory=list)
    requires: list[Requirement] = Field(
        default_factory=list, description="what the giver, receiver or every party must have to agree it"
    )
    strain: dict[Literal["giver", "receiver", "party", "destination", "origin"], Amount] = Field(
        default_factory=dict,
        description=(
            "what adopting it costs at home, by role (giver, receiver, party), plus for a party people move "
            "to (destination) or from (origin)"
        ),
    )
    governance: Level = 0
    reveals: bool = Field(False, description="in force, publishes the evidence on its deal's terms")

    @model_validator(mode="after")
    def _scope_roles(self) -> Term:
        if self.scope == "offer" and not (self.givers and self.receivers):
            raise ValueError("a term offered by one seat to another needs givers and receivers")
        if self.scope == "all_parties" and (self.givers or self.receivers or self.transfer):
            raise ValueError("a term shared by all parties has no givers, receivers or transfer")
        if self.transfer and self.transfer not in self.params:
            raise ValueError(f"transfer names '{self.transfer}', which is not a parameter")
        return self


def is_convention(term: Term) -> bool:
    """A binding convention: a term that exists only as a binding deal, at the highest governance level."""
    return term.binding == "binding" and term.governance >= len(GOVERNANCE_LEVELS) - 1


def opens_pathway(term: Term) -> bool:
    """A legal pathway: its corridor effects open regular places."""
    return any(corridor.capacity > 0 for corridor in term.corridors)


def holds_flows(term: Term) -> bool:
    """Enforcement or returns: its corridor effects stop irregular crossings."""
    return any(corridor.enforcement > 0 for corridor in term.corridors)


class ShockDeck(Model):
    """A deck file of shock cards."""

    deck: Id
    kind: Literal["shock"]
    cards: list[ShockCard] = Field(min_length=1)


class TrendDeck(Model):
    """A deck file of trend cards."""

    deck: Id
    kind: Literal["trend"]
    cards: list[TrendCard] = Field(min_length=1)


class AgendaDeck(Model):
    """A deck file of secret agenda cards."""

    deck: Id
    kind: Literal["agenda"]
    cards: list[AgendaCard] = Field(min_length=1)


class TermCatalogue(Model):
    """A deck file of deal terms."""

    deck: Id
    kind: Literal["term"]
    cards: list[Term] = Field(min_length=1)


DeckFile = Annotated[ShockDeck | TrendDeck | AgendaDeck | TermCatalogue, Field(discriminator="kind")]


# --- scenarios -----------------------------------------------------------------------------


class ScenarioSeat(Model):
    """A seat at the table: a named country or group of a seat type."""

    id: Id
    name: str
    type: Id
    blurb: str = ""
    tracks: dict[Id, Amount] = Field(default_factory=dict, description="starting values that differ")
    tier: str | None = None
    glass_house: Count = Field(0, description="extra political capital to lead a global proposal")
    votes: Positive = Field(1, description="votes in the global forum (a seat may speak for a bloc)")
    regions: list[Id] = Field(default_factory=list)
    bot: str | None = Field(
        None, description="the bot that plays this seat by default: personality[:level], e.g. hardliner:normal"
    )


class ScenarioCorridor(Model):
    """A route people take from an origin to a destination, perhaps through a transit seat."""

    origin: Id
    destination: Id
    transit: Id | None = None
    base: Count = Field(description="pressure to move before push and pull")
    threshold: Positive = Field(description="irregular arrivals above this raise crisis")


class ScenarioDecks(Model):
    """The decks a scenario plays with (deck ids) and the terms it allows (empty: all)."""

    shocks: list[Id] = Field(min_length=1)
    trends: list[Id] = Field(min_length=1)
    agendas: list[Id] = Field(min_length=1)
    terms: list[Id] = Field(min_length=1)
    exclude_terms: list[Id] = Field(default_factory=list)


class FlowRules(Model):
    """How corridor pressure is made, and how flows move the global tracks."""

    push_weight: Rate = Field(0.5, description="pressure per point of the origin's push track")
    pull_weight: Rate = Field(0.5, description="pressure per point of the destination's pull track")
    crisis_per_excess: Rate = Field(0.5, description="crisis per irregular arrival over a threshold")
    crisis_relief: Amount = Field(1, description="crisis falls by this when no corridor is over")
    welfare_per_irregular: Rate = Field(0.1, description="welfare lost per irregular crossing")
    trafficking_per_deterred: Rate = Field(
        0.25, description="trafficking per crossing stopped on a corridor without pathways"
    )
    trafficking_per_irregular: Rate = Field(0.1, description="trafficking per irregular crossing")
    surge_decay: Share = Field(0.5, description="share of a surge left after a round")


class ScenarioRules(Model):
    """The numbers that tune a scenario."""

    beats: Annotated[int, Within(1, 200)] = Field(36, description="most negotiation actions in a round")
    messages_per_turn: Count = 3
    shock_base: Share = 0.35
    shock_per_crisis: Share = 0.03
    escalation: Annotated[float, Within(0, 10)] = Field(
        0, description="how much harder a shock strikes for each round played: x(1 + escalation x round)"
    )
    ratification_floor: Amount = Field(4, description="cohesion left after strain that needs no capital")
    window_discount: Count = 3
    compliance_floor: Amount = Field(6, description="below this cohesion a party may lapse")
    lapse_chance: Share = 0.35
    suspend_cost: Count = Field(2, description="political capital lost to suspend")
    lapse_penalty: Count = Field(2, description="political capital lost when a lapse is found")
    collapse_keep: Share = Field(0.25, description="share of score kept on collapse")
    convention_min_ratifiers: Positive = 3
    global_vote: Annotated[float, Within(0.01, 1)] = Field(0.5, description="share of the global forum's votes needed")
    max_duration: Positive = 4
    max_open: Positive = Field(3, description="most proposals a seat may have on the table")
    max_terms: Positive = Field(6, description="most terms in one deal")
    lead_cost: Count = Field(1, description="political capital to lead a global proposal")
    milestones: dict[Level, Amount] = Field(
        default_factory=lambda: {3: 5, 4: 8},
        description="governance level: points to each seat that signed or championed it",
    )
    hand_forecasts: Count = Field(1, description="future trend cards each seat foresees")
    flow: FlowRules = FlowRules()


class Scenario(Model):
    """A whole game's setup: seats, corridors, decks, rounds and thresholds."""

    id: Id
    name: str
    summary: str
    minutes: Positive = Field(description="how long a table needs, roughly")
    default: bool = False
    years: list[Year] = Field(min_length=1)
    seats: list[ScenarioSeat] = Field(min_length=2)
    corridors: list[ScenarioCorridor] = Field(min_length=1)
    global_tracks: dict[Literal[GLOBAL_TRACKS], TrackSpec]  # type: ignore[valid-type]
    decks: ScenarioDecks
    rules: ScenarioRules = ScenarioRules()

    @field_validator("years")
    @classmethod
    def _increasing(cls, years: list[int]) -> list[int]:
        if any(b <= a for a, b in zip(years, years[1:])):
            raise ValueError("years must increase")
        return years

    @model_validator(mode="after")
    def _complete(self) -> Scenario:
        missing = set(GLOBAL_TRACKS) - set(self.global_tracks)
        if missing:
            raise ValueError(f"global_tracks lacks {', '.join(sorted(missing))}")
        ids = [s.id for s in self.seats]
        if len(set(ids)) != len(ids):
            raise ValueError("seat ids must be unique")
        return self
