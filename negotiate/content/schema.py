"""The shapes of content files: seats, scenarios, decks of cards and the term catalogue.

Every model is frozen and forbids unknown keys. Cross references between files (a scenario
naming a seat type, an effect naming a track) are checked by `negotiate.content.check`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$", description="a lower-case identifier")]
Forum = Literal["bilateral", "regional", "global"]
Power = Literal["propose", "side_payment", "endorse", "campaign", "publish_evidence", "audit"]
GLOBAL_TRACKS = ("governance", "welfare", "crisis", "trafficking")
GOVERNANCE_LEVELS = ("none", "patchwork", "regional", "global compact", "binding convention")


class Model(BaseModel):
    """Base of every content model: frozen, strict about unknown keys."""

    model_config = ConfigDict(frozen=True, extra="forbid")


# --- tracks and effects ------------------------------------------------------------------


class TrackSpec(Model):
    """A numbered track: where it starts and the bounds it never leaves."""

    label: str = Field(description="the name players read")
    start: int
    min: int = 0
    max: int

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
    delta: float
    times: str | None = Field(None, description="a parameter of the term that multiplies delta")
    note: str | None = Field(None, description="a short reason shown in the log")


class Uncertainty(Model):
    """A term's effect whose true size is hidden until evidence is published.

    At setup the game draws a hidden offset in [-spread, spread] per uncertain effect; it adds
    to the nominal per-round effect (times the parameter when `times` is set)."""

    who: str
    track: str
    spread: int = Field(ge=1)
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
    surge: int = Field(0, description="a passing push that halves every round")
    drift: int = Field(0, description="a lasting change of push")
    threshold: int = Field(0, description="a lasting change of the irregular flow that raises crisis")


class TermCorridor(Model):
    """What a term in force does to the flows of the corridors it matches, per round."""

    match: CorridorMatch
    capacity: float = Field(0, description="regular places opened (times the parameter)")
    enforcement: float = Field(0, description="irregular crossings stopped (times the parameter)")
    protection: float = Field(0, description="irregular arrivals whose harm to cohesion is absorbed")
    times: str | None = None


# --- scoring -------------------------------------------------------------------------------


class TrackScore(Model):
    """Points per unit of a track at the end (`from_start`: per unit gained since setup)."""

    kind: Literal["track"]
    track: str
    scope: Literal["self", "global"] = "self"
    weight: float
    from_start: bool = False
    label: str


class ThresholdScore(Model):
    """Flat points when a track ends at or above `at_least` (or at or below `at_most`)."""

    kind: Literal["threshold"]
    track: str
    scope: Literal["self", "global"] = "self"
    at_least: int | None = None
    at_most: int | None = None
    points: int
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
    weight: float
    label: str


class DealScore(Model):
    """Points per deal that entered into force with this seat in a role, optionally one term."""

    kind: Literal["deals"]
    term: str | None = None
    role: Literal["giver", "receiver", "party"] = "party"
    points: int
    label: str


class GovernanceScore(Model):
    """Flat points when the governance level reached is at least `at_least`."""

    kind: Literal["governance"]
    at_least: int = Field(ge=0, le=len(GOVERNANCE_LEVELS) - 1)
    points: int
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

    cost: dict[str, int] = Field(default_factory=dict, description="track: amount paid")
    gain: dict[str, int] = Field(default_factory=dict, description="track: amount gained on use")
    strength: int = Field(1, ge=0, description="for campaign: cohesion moved")


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
    severity: int = Field(1, ge=1, le=3)
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
    min: int
    max: int
    default: int

    @model_validator(mode="after")
    def _default_within(self) -> ParamSpec:
        if not self.min <= self.default <= self.max:
            raise ValueError(f"default {self.default} must lie within {self.min}..{self.max}")
        return self


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
    strain: dict[Literal["giver", "receiver", "party"], int] = Field(
        default_factory=dict, description="ratification strain at home, by role"
    )
    governance: int = Field(0, ge=0, le=len(GOVERNANCE_LEVELS) - 1)
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
    tracks: dict[Id, int] = Field(default_factory=dict, description="starting values that differ")
    tier: str | None = None
    glass_house: int = Field(0, ge=0, description="extra political capital to lead a global proposal")
    votes: int = Field(1, ge=1, description="votes in the global forum (a seat may speak for a bloc)")
    regions: list[Id] = Field(default_factory=list)
    bot: str | None = Field(
        None, description="the bot that plays this seat by default: personality[:level], e.g. hardliner:normal"
    )


class ScenarioCorridor(Model):
    """A route people take from an origin to a destination, perhaps through a transit seat."""

    origin: Id
    destination: Id
    transit: Id | None = None
    base: int = Field(ge=0, description="pressure to move before push and pull")
    threshold: int = Field(ge=1, description="irregular arrivals above this raise crisis")


class ScenarioDecks(Model):
    """The decks a scenario plays with (deck ids) and the terms it allows (empty: all)."""

    shocks: list[Id] = Field(min_length=1)
    trends: list[Id] = Field(min_length=1)
    agendas: list[Id] = Field(min_length=1)
    terms: list[Id] = Field(min_length=1)
    exclude_terms: list[Id] = Field(default_factory=list)


class FlowRules(Model):
    """How corridor pressure is made, and how flows move the global tracks."""

    push_weight: float = Field(0.5, description="pressure per point of the origin's push track")
    pull_weight: float = Field(0.5, description="pressure per point of the destination's pull track")
    crisis_per_excess: float = Field(0.5, description="crisis per irregular arrival over a threshold")
    crisis_relief: int = Field(1, description="crisis falls by this when no corridor is over")
    welfare_per_irregular: float = Field(0.1, description="welfare lost per irregular crossing")
    trafficking_per_deterred: float = Field(
        0.25, description="trafficking per crossing stopped on a corridor without pathways"
    )
    trafficking_per_irregular: float = Field(0.1, description="trafficking per irregular crossing")
    surge_decay: float = Field(0.5, description="share of a surge left after a round")


class ScenarioRules(Model):
    """The numbers that tune a scenario."""

    beats: int = Field(36, ge=1, description="most negotiation actions in a round")
    messages_per_turn: int = Field(3, ge=0)
    shock_base: float = Field(0.35, ge=0, le=1)
    shock_per_crisis: float = Field(0.03, ge=0, le=1)
    escalation: float = Field(
        0, ge=0, description="how much harder a shock strikes for each round played: x(1 + escalation x round)"
    )
    ratification_floor: int = Field(4, description="cohesion left after strain that needs no capital")
    window_discount: int = Field(3, ge=0)
    compliance_floor: int = Field(6, description="below this cohesion a party may lapse")
    lapse_chance: float = Field(0.35, ge=0, le=1)
    suspend_cost: int = Field(2, ge=0, description="political capital lost to suspend")
    lapse_penalty: int = Field(2, ge=0, description="political capital lost when a lapse is found")
    collapse_keep: float = Field(0.25, ge=0, le=1, description="share of score kept on collapse")
    convention_min_ratifiers: int = Field(3, ge=1)
    global_vote: float = Field(0.5, gt=0, le=1, description="share of the global forum's votes needed")
    max_duration: int = Field(4, ge=1)
    max_open: int = Field(3, ge=1, description="most proposals a seat may have on the table")
    max_terms: int = Field(6, ge=1, description="most terms in one deal")
    lead_cost: int = Field(1, ge=0, description="political capital to lead a global proposal")
    milestones: dict[int, int] = Field(default_factory=lambda: {3: 5, 4: 8})
    hand_forecasts: int = Field(1, ge=0, description="future trend cards each seat foresees")
    flow: FlowRules = FlowRules()


class Scenario(Model):
    """A whole game's setup: seats, corridors, decks, rounds and thresholds."""

    id: Id
    name: str
    summary: str
    minutes: int = Field(ge=1, description="how long a table needs, roughly")
    default: bool = False
    years: list[int] = Field(min_length=1)
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
