"""What the handouts say, worked out from content alone: each seat's brief (its public face: role,
objective, powers, starting tracks, corridors) and the facilitator's run sheet (timings, the
shocks to inject and when, the debrief questions).

No secret goes in: a seat's agenda is dealt when a game starts, so a handout made before the game
cannot know it, and no agenda card's title or text is ever read here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from negotiate.content import Content
from negotiate.content.schema import (
    GOVERNANCE_LEVELS,
    ActionPower,
    DealScore,
    GovernanceScore,
    Scenario,
    ScoreRule,
    SeatType,
    StatScore,
    ThresholdScore,
    TrackScore,
)
from negotiate.engine.machine import PHASES
from negotiate.engine.table import Table

POWER_WORDS: dict[str, tuple[str, str]] = {
    "propose": ("Propose", "table a deal (or counter one you are party to); at most {max_open} of yours open at once"),
    "side_payment": ("Side payment", "give any amount of your budget to another seat, at once, with no strings"),
    "endorse": ("Endorse", "back a proposal you are not party to: it eases the price at home for its parties"),
    "campaign": ("Campaign", "move one state's public cohesion by {strength}, up or down"),
    "publish_evidence": ("Publish evidence", "reveal the true effects of one uncertain term"),
    "audit": ("Audit", "check a non-binding deal in force: a quiet lapse found costs its state"),
}

STAT_WORDS: dict[str, str] = {
    "regular_in": "regular arrival",
    "irregular_in": "irregular arrival",
    "regular_out": "regular departure",
    "irregular_out": "irregular departure",
    "deals_signed": "deal signed",
    "deals_proposed": "deal proposed",
    "evidence_published": "evidence published",
    "campaigns": "campaign",
    "audits": "audit",
    "lapses_found": "lapse found",
    "ratified": "ratification",
    "refused": "ratification refused",
    "suspended": "suspension",
}

PHASE_WORDS: dict[str, tuple[str, str]] = {
    "trend": ("automatic", "a trend card moves the slow drivers (demography, climate, economy): read it out"),
    "shock": ("automatic", "a shock may strike (likelier as crisis pressure rises), and may open a window"),
    "negotiation": ("players", "propose, counter, accept, vote, pay, endorse, campaign; talk freely"),
    "ratification": ("states", "binding deals face each state's public; each ratifier pays its price"),
    "implementation": ("players", "deals enter into force; suspensions and audits"),
    "resolution": ("automatic", "deals act and people move along the corridors"),
    "scoring": ("automatic", "deals expire, public scores update, collapse is checked"),
}

DEBRIEF_QUESTIONS = (
    "Which shock opened a window, and who used it? Which deal would not have been sold at home without it?",
    "Which deal failed at home, at ratification, and why: a restless public, too little political capital?",
    "Did a forum where sending states hold the majority adopt something that no receiving state ratified?",
    "Who paid whom to hold a flow? Was containment for payment worth its price to each side?",
    "Where did enforcement go without legal pathways, and what happened to trafficking and migrant welfare?",
    "Which promise lapsed quietly, and did an audit find it? What did that cost the state that broke it?",
    "What did the seats with no vote (the NGO, the cosmopolitans) change, and how?",
    "What did evidence reveal about a deal's true effects, and did it change anyone's mind?",
    "How close did the table come to collapse? What would a table that never dealt have faced?",
    "Now reveal the secret agendas: which one pulled a seat against its public face, and did anyone guess it?",
    "What would you do differently if the same shocks struck again? What is worth agreeing before they come?",
)

AGENDA_REMINDER = (
    "Your secret agenda is one card from the deck for your kind of seat. It scores at the end, on top of "
    "your public objective and in the same ways (tracks, tallies, deals), and it is revealed only when the "
    "game ends. Keep it to yourself: say what you want, not why."
)


@dataclass(frozen=True)
class Track:
    label: str
    start: int
    low: int
    high: int


@dataclass(frozen=True)
class Power:
    name: str
    what: str
    cost: str  # "free", or "2 funds"
    gain: str  # "", or "+1 credibility"


@dataclass(frozen=True)
class Route:
    path: str  # "Zanoka → Corvessa → Aldermark"
    role: str  # "you are its origin"
    base: int
    threshold: int


@dataclass(frozen=True)
class SeatBrief:
    seat: str
    name: str
    role: str
    blurb: str
    summary: str
    leverage: str
    objective: str
    scoring: tuple[str, ...]
    powers: tuple[Power, ...]
    gives: tuple[str, ...]  # the terms this seat may give in a deal
    receives: tuple[str, ...]  # the terms it may receive
    tracks: tuple[Track, ...]
    facts: tuple[str, ...]  # votes, tier, glass house, regions, sponsor
    corridors: tuple[Route, ...]


@dataclass(frozen=True)
class Timing:
    rounds: int
    years: str  # "2024–2030"
    minutes: int
    per_round: int
    briefing: int
    debrief: int
    full: bool


@dataclass(frozen=True)
class Phase:
    name: str
    who: str
    what: str
    minutes: int | None  # None: an automatic phase, over at once (its reading out is counted apart)


@dataclass(frozen=True)
class Shock:
    name: str
    strikes: str
    window: bool
    severity: int
    gist: str  # the card's first sentence: the console shows the whole card before it is injected


@dataclass(frozen=True)
class RunSheet:
    scenario: str
    title: str
    summary: str
    seats: tuple[str, ...]
    timings: tuple[Timing, ...]
    phases: tuple[Phase, ...]
    reading: int  # minutes a round to read out the trend, the shock and the results
    beats: int
    when_to_inject: tuple[str, ...]
    shocks: tuple[Shock, ...]
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Handouts:
    scenario: str
    title: str
    briefs: tuple[SeatBrief, ...]
    run_sheet: RunSheet


def handouts(content: Content, scenario_id: str) -> Handouts:
    """Every seat's brief and the run sheet for a scenario (KeyError for an unknown one)."""
    if scenario_id not in content.scenarios:
        raise KeyError(scenario_id)
    scenario = content.scenarios[scenario_id]
    table = Table(content, scenario)
    briefs = tuple(seat_brief(table, seat) for seat in table.order)
    return Handouts(scenario.id, scenario.name, briefs, run_sheet(table))


def seat_brief(table: Table, seat_id: str) -> SeatBrief:
    """The public brief of one seat: nothing in it is secret."""
    seat, kind = table.seats[seat_id], table.types[seat_id]
    rules = table.scenario.rules
    labels = track_labels(table, kind)
    tracks = tuple(
        Track(spec.label, seat.tracks.get(name, spec.start), spec.min, spec.max) for name, spec in kind.tracks.items()
    )
    facts: list[str] = []
    if kind.state:
        total = sum(table.seats[state].votes for state in table.states)
        facts.append(f"A state: you vote in the global forum ({seat.votes} of its {total} votes) and ratify deals.")
        lead = rules.lead_cost + seat.glass_house
        facts.append(f"Glass house {seat.glass_house}: leading a global proposal costs you {lead} political capital.")
    else:
        facts.append("Not a state: you have no vote in the global forum and ratify nothing.")
    tier = table.tier(seat_id)
    if tier:
        facts.append(f"Development tier: {tier}.")
    if seat.regions:
        facts.append("Regions: " + ", ".join(region.replace("_", " ") for region in seat.regions) + ".")
    if kind.needs_sponsor:
        facts.append("Your proposals are drafts until a state endorses (sponsors) them.")
    gives = tuple(term.name for term in table.terms.values() if kind.id in term.givers)
    receives = tuple(term.name for term in table.terms.values() if kind.id in term.receivers)
    return SeatBrief(
        seat=seat_id,
        name=seat.name,
        role=kind.name,
        blurb=seat.blurb,
        summary=kind.summary,
        leverage=kind.leverage or "",
        objective=kind.objective.text,
        scoring=tuple(rule_words(rule, labels) for rule in kind.objective.scoring),
        powers=tuple(power_of(name, spec, kind, rules.max_open) for name, spec in kind.actions.items()),
        gives=gives,
        receives=receives,
        tracks=tracks,
        facts=tuple(facts),
        corridors=routes(table, seat_id),
    )


def track_labels(table: Table, kind: SeatType) -> dict[str, str]:
    """A track's name as players read it: the seat's own, then the world's."""
    labels = {name: spec.label for name, spec in table.scenario.global_tracks.items()}
    labels.update({name: spec.label for name, spec in kind.tracks.items()})
    return labels


def _number(value: float) -> str:
    return f"{value:g}"


def _signed(value: float) -> str:
    return f"{value:+g}".replace("-", "−")


def rule_words(rule: ScoreRule, labels: dict[str, str]) -> str:
    """A scoring rule in words: '+1 a point of Public cohesion at the end'."""
    if isinstance(rule, TrackScore):
        track = labels.get(rule.track, rule.track).lower()
        where = " (the world's)" if rule.scope == "global" else ""
        when = "gained since the start" if rule.from_start else "at the end"
        return f"{rule.label}: {_signed(rule.weight)} a point of {track}{where} {when}"
    if isinstance(rule, ThresholdScore):
        track = labels.get(rule.track, rule.track).lower()
        bound = f"at least {rule.at_least}" if rule.at_least is not None else f"at most {rule.at_most}"
        return f"{rule.label}: {_signed(rule.points)} if {track} ends at {bound}"
    if isinstance(rule, StatScore):
        return f"{rule.label}: {_signed(rule.weight)} for each {STAT_WORDS.get(rule.stat, rule.stat)}"
    if isinstance(rule, DealScore):
        role = {"giver": "you give", "receiver": "you receive", "party": "you are party to"}[rule.role]
        return f"{rule.label}: {_signed(rule.points)} for the first distinct deal in force {role}, less for each next"
    assert isinstance(rule, GovernanceScore)
    level = GOVERNANCE_LEVELS[rule.at_least]
    return f"{rule.label}: {_signed(rule.points)} if governance reaches {level} ({rule.at_least})"


def power_of(name: str, spec: ActionPower, kind: SeatType, max_open: int) -> Power:
    """One move a seat type may make, with what it costs and earns."""
    title, what = POWER_WORDS.get(name, (name.replace("_", " ").capitalize(), ""))
    what = what.format(max_open=max_open, strength=spec.strength)
    if name == "propose" and kind.needs_sponsor:
        what += "; it is a draft until a state sponsors it"
    label = {track: value.label.lower() for track, value in kind.tracks.items()}
    cost = ", ".join(f"{n} {label.get(t, t)}" for t, n in spec.cost.items()) or "free"
    gain = ", ".join(f"+{n} {label.get(t, t)}" for t, n in spec.gain.items())
    return Power(title, what, cost, gain)


def routes(table: Table, seat_id: str) -> tuple[Route, ...]:
    """The corridors a seat is on, and at which end."""
    out = []
    for corridor in table.scenario.corridors:
        stops = [corridor.origin, *([corridor.transit] if corridor.transit else []), corridor.destination]
        if seat_id not in stops:
            continue
        if seat_id == corridor.origin:
            role = "people leave you"
        elif seat_id == corridor.destination:
            role = "people come to you"
        else:
            role = "people cross you"
        path = " → ".join(table.name(stop) for stop in stops)
        out.append(Route(path, role, corridor.base, corridor.threshold))
    return tuple(out)


def _years(scenario: Scenario, rounds: int) -> str:
    years = scenario.years[:rounds]
    return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])


def timings(scenario: Scenario) -> tuple[Timing, ...]:
    """Timings for the full game and for each shorter one (`class new --rounds N`): a briefing, the
    rounds, a debrief. The scenario's minutes are the full game's."""
    rounds = len(scenario.years)
    total = scenario.minutes
    briefing = 5 if total <= 60 else 10
    debrief = 10 if total <= 60 else (15 if total <= 120 else 20)
    per_round = max(5, (total - briefing - debrief) // rounds)
    out = [Timing(rounds, _years(scenario, rounds), total, per_round, briefing, debrief, True)]
    for shorter in range(rounds - 1, 1, -1):
        minutes = briefing + debrief + shorter * per_round
        out.append(Timing(shorter, _years(scenario, shorter), minutes, per_round, briefing, debrief, False))
    return tuple(out)


def round_minutes(per_round: int) -> dict[str, int]:
    """How a round's minutes divide: reading out what the automatic phases did, ratification,
    implementation, and the rest (the most) for negotiation."""
    reading = max(1, round(per_round * 0.1))
    ratification = max(1, round(per_round * 0.15))
    implementation = max(1, round(per_round * 0.1))
    negotiation = max(1, per_round - reading - ratification - implementation)
    return {
        "reading": reading,
        "negotiation": negotiation,
        "ratification": ratification,
        "implementation": implementation,
    }


def phases(per_round: int) -> tuple[Phase, ...]:
    """The phases of a round (the engine's, in order), with about how many minutes each player phase
    deserves."""
    minutes = round_minutes(per_round)
    out = []
    for name in PHASES:
        if name in PHASE_WORDS:
            who, what = PHASE_WORDS[name]
            out.append(Phase(name.capitalize(), who, what, minutes.get(name)))
    return tuple(out)


def shocks(table: Table) -> tuple[Shock, ...]:
    """The shock cards a facilitator may inject in this scenario: those of its decks that can strike a
    seat present (as the game deals them), windows first, then by severity."""
    content = table.content
    present = {kind.id: kind.name for kind in table.types.values()}
    cards = []
    for card_id in content.cards(table.scenario.decks.shocks):
        card = content.shocks[card_id]
        if card.strikes != "all" and card.strikes not in present:
            continue
        strikes = "Every seat" if card.strikes == "all" else present[card.strikes]
        cards.append(Shock(card.name, strikes, card.window, card.severity, first_sentence(card.text)))
    return tuple(sorted(cards, key=lambda shock: (not shock.window, -shock.severity)))


def first_sentence(text: str) -> str:
    """The first sentence of a card's text."""
    head, dot, _ = text.strip().partition(". ")
    return head + "." if dot else text.strip()


def run_sheet(table: Table) -> RunSheet:
    """The facilitator's run sheet for a scenario."""
    scenario = table.scenario
    rules = scenario.rules
    times = timings(scenario)
    crisis = scenario.global_tracks["crisis"]
    when = (
        "When no deal has been agreed for two rounds running: a shock with a window (below) makes the "
        "status quo costly for the receiving states, and every deal between a receiving state and a sending "
        f"or transit state costs {rules.window_discount} less strain for each of its parties until the next shock phase.",
        "When a negotiation has stalled on a deal's price at home: the window may be what lets it be ratified.",
        "When a state's public is restless, hold back shocks that strike it: it could sign nothing more.",
        f"Not when crisis pressure is near its maximum ({crisis.max}; it started at {crisis.start}): a severe shock "
        "then can end the game in collapse, and nobody wins.",
        "Inject when play waits for a seat, best as negotiation opens (the facilitator's menu, f): the shock "
        "strikes at once and opens its window at once. Read the card out.",
    )
    return RunSheet(
        scenario=scenario.id,
        title=scenario.name,
        summary=scenario.summary,
        seats=tuple(f"{table.name(seat)} ({table.types[seat].name})" for seat in table.order),
        timings=times,
        phases=phases(times[0].per_round),
        reading=round_minutes(times[0].per_round)["reading"],
        beats=rules.beats,
        when_to_inject=when,
        shocks=shocks(table),
        questions=DEBRIEF_QUESTIONS,
    )


class HandoutsError(Exception):
    """Input the handouts cannot be made from: the message says what and where."""


@dataclass(frozen=True)
class TableCodes:
    number: int  # 1-based, as people count tables
    table: str  # the table's id
    seats: dict[str, str]  # seat id: join code, in the scenario's seat order


@dataclass(frozen=True)
class ClassCodes:
    klass: str
    tables: tuple[TableCodes, ...]


def read_codes(path: str, text: str, scenario: Scenario) -> ClassCodes:
    """The join codes of a class from the JSON that `negotiate class new --json` printed (`text`,
    read from `path`): {"class": ID, "tables": [{"table": ID, "seats": {SEAT: CODE}}]}. Its seats
    must be the scenario's."""
    expected = 'the JSON printed by `negotiate class new --json`: {"class": ID, "tables": [{"table": ID, "seats": {SEAT: CODE}}]}'
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise HandoutsError(f"{path}: not JSON ({exc}); expected {expected}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("class"), str) or not isinstance(doc.get("tables"), list):
        raise HandoutsError(f"{path}: not a class's codes; expected {expected}")
    if not doc["tables"]:
        raise HandoutsError(f"{path}: the class has no tables")
    known = [seat.id for seat in scenario.seats]
    tables = []
    for number, entry in enumerate(doc["tables"], start=1):
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("table"), str)
            or not isinstance(entry.get("seats"), dict)
            or not all(isinstance(k, str) and isinstance(v, str) and v for k, v in entry["seats"].items())
        ):
            raise HandoutsError(f'{path}: table {number} is not {{"table": ID, "seats": {{SEAT: CODE}}}}')
        strangers = sorted(set(entry["seats"]) - set(known))
        if strangers:
            raise HandoutsError(
                f"{path}: table {number} has seats that scenario {scenario.id} does not: {', '.join(strangers)} "
                "(is it the class of another scenario?)"
            )
        seats = {seat: entry["seats"][seat] for seat in known if seat in entry["seats"]}
        tables.append(TableCodes(number, entry["table"], seats))
    return ClassCodes(doc["class"], tuple(tables))
