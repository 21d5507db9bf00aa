"""Cross references between content files: every name a file uses must exist somewhere."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from negotiate.content.loader import Loc, Problem, SourceFile
from negotiate.content.schema import (
    GLOBAL_TRACKS,
    GOVERNANCE_LEVELS,
    STATS,
    AgendaCard,
    CorridorEffect,
    CorridorMatch,
    DealScore,
    Effect,
    Scenario,
    ScenarioSeat,
    ScoreRule,
    SeatType,
    ShockCard,
    StatScore,
    Term,
    ThresholdScore,
    TrackScore,
    TrendCard,
)

SeatCheck = Callable[[ScenarioSeat], "str | None"]
"""A check of a scenario's seat made outside content (whether its bot can play it): what is
wrong, or None."""


class Checker:
    """Collects problems while walking the validated content and its source files."""

    def __init__(self, seat_types: dict[str, SeatType], broken: set[str], seat_check: SeatCheck | None = None):
        self.seat_types = seat_types
        self.broken = broken
        self.seat_check = seat_check
        self.problems: list[Problem] = []

    def missing(self, name: str, known: Iterable[str]) -> bool:
        """Whether a name is unknown and not the fault of a broken file (reported already)."""
        return name not in known and name not in self.broken

    def add(self, source: SourceFile, loc: Loc, message: str) -> None:
        self.problems.append(source.problem(loc, message))

    # --- names ------------------------------------------------------------------------

    def seat_type(self, source: SourceFile, loc: Loc, name: str) -> SeatType | None:
        seat = self.seat_types.get(name)
        if seat is None and name not in self.broken:
            self.add(source, loc, f"unknown seat type '{name}' (expected one of {_list(self.seat_types)})")
        return seat

    def owners(self, who: str, context: dict[str, list[str]]) -> list[str] | None:
        """The seat types whose track an effect moves; None when `who` is not allowed here."""
        if who == "all":
            return list(self.seat_types)
        if who.startswith("type:"):
            name = who.removeprefix("type:")
            return [name] if name in self.seat_types else ([] if name in self.broken else None)
        return context.get(who)

    def effects(
        self,
        source: SourceFile,
        loc: Loc,
        effects: Iterable[Effect],
        context: dict[str, list[str]],
        params: Iterable[str] = (),
    ) -> None:
        """Check each effect's `who`, `track` and `times` against what this place allows."""
        allowed = [w for w in context if w != "global"] + ["global"]
        for i, effect in enumerate(effects):
            here = (*loc, i)
            self.track_of(source, here, effect.who, effect.track, context, allowed)
            if effect.times is not None and effect.times not in params:
                self.add(
                    source,
                    (*here, "times"),
                    f"unknown parameter '{effect.times}' (expected one of {_list(params) or 'none: this card has no parameters'})",
                )

    def track_of(
        self, source: SourceFile, loc: Loc, who: str, track: str, context: dict[str, list[str]], allowed: list[str]
    ) -> None:
        if who == "global":
            if track not in GLOBAL_TRACKS:
                self.add(
                    source,
                    (*loc, "track"),
                    f"unknown global track '{track}' (expected one of {', '.join(GLOBAL_TRACKS)})",
                )
            return
        owners = self.owners(who, context)
        if owners is None:
            self.add(source, (*loc, "who"), f"'{who}' cannot be used here (expected one of {', '.join(allowed)})")
            return
        owners = [o for o in owners if o in self.seat_types]
        if not owners:
            return  # the seat types named are unknown, and that is reported where they are named
        having = [o for o in owners if track in self.seat_types[o].tracks]
        need_all = who not in ("all", "parties")
        if (need_all and len(having) < len(owners)) or not having:
            lacking = [o for o in owners if o not in having]
            self.add(source, (*loc, "track"), f"seat type {', '.join(lacking)} has no track '{track}'")

    def corridor_match(self, source: SourceFile, loc: Loc, match: CorridorMatch, roles: tuple[str, ...]) -> None:
        for end in ("origin", "destination", "transit"):
            role = getattr(match, end)
            if role not in roles:
                self.add(source, (*loc, "match", end), f"unknown role '{role}' (expected one of {', '.join(roles)})")

    def corridor_effects(
        self, source: SourceFile, loc: Loc, effects: Iterable[CorridorEffect], roles: tuple[str, ...]
    ) -> None:
        for i, effect in enumerate(effects):
            self.corridor_match(source, (*loc, i), effect.match, roles)

    def scoring(
        self, source: SourceFile, loc: Loc, rules: Iterable[ScoreRule], seat: SeatType | None, terms: dict[str, Term]
    ) -> None:
        for i, rule in enumerate(rules):
            here = (*loc, i)
            if isinstance(rule, StatScore):
                if rule.stat not in STATS:
                    self.add(source, (*here, "stat"), f"unknown stat '{rule.stat}' (expected one of {_list(STATS)})")
            elif isinstance(rule, DealScore):
                if rule.term is not None and self.missing(rule.term, terms):
                    self.add(source, (*here, "term"), f"unknown term '{rule.term}' (expected one of {_list(terms)})")
            elif isinstance(rule, (TrackScore, ThresholdScore)):
                if rule.scope == "global":
                    if rule.track not in GLOBAL_TRACKS:
                        self.add(
                            source,
                            (*here, "track"),
                            f"unknown global track '{rule.track}' (expected one of {', '.join(GLOBAL_TRACKS)})",
                        )
                elif seat is not None and rule.track not in seat.tracks:
                    self.add(
                        source,
                        (*here, "track"),
                        f"seat type {seat.id} has no track '{rule.track}' (expected one of {_list(seat.tracks)})",
                    )


def _list(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


def check_all(
    seats: list[tuple[SourceFile, SeatType]],
    scenarios: list[tuple[SourceFile, Scenario]],
    decks: list[tuple[SourceFile, Any]],
    broken: set[str] | None = None,
    seat_check: SeatCheck | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """Index every card by kind and check every cross reference; returns (index, problems).
    Names in `broken` belong to files that failed validation: references to them are not blamed.
    `seat_check` is made on every scenario seat of a known seat type; its problems stand at the
    seat's `bot`."""
    seat_types = {seat.id: seat for _, seat in seats}
    check = Checker(seat_types, broken or set(), seat_check)
    index: dict[str, Any] = {"shock": {}, "trend": {}, "agenda": {}, "term": {}, "decks": {}}
    sources: dict[tuple[str, str], tuple[SourceFile, int]] = {}
    seen_seat: dict[str, SourceFile] = {}
    for source, seat in seats:
        if seat.id in seen_seat:
            check.add(source, ("id",), f"seat type '{seat.id}' is also defined in {seen_seat[seat.id].path}")
        seen_seat[seat.id] = source
    for source, deck in decks:
        if deck.deck in index["decks"]:
            check.add(source, ("deck",), f"deck id '{deck.deck}' is used by another deck file too")
        index["decks"][deck.deck] = (deck.kind, [c.id for c in deck.cards])
        for i, card in enumerate(deck.cards):
            if card.id in index[deck.kind]:
                other, _ = sources[(deck.kind, card.id)]
                check.add(
                    source, ("cards", i, "id"), f"{deck.kind} '{card.id}' is defined twice (also in {other.path})"
                )
            index[deck.kind][card.id] = card
            sources[(deck.kind, card.id)] = (source, i)
    terms: dict[str, Term] = index["term"]

    for (kind, card_id), (source, i) in sources.items():
        card = index[kind][card_id]
        loc: Loc = ("cards", i)
        if isinstance(card, ShockCard):
            _check_shock(check, source, loc, card)
        elif isinstance(card, TrendCard):
            check.effects(source, (*loc, "effects"), card.effects, {"global": []})
            check.corridor_effects(source, (*loc, "corridors"), card.corridors, ("any",))
        elif isinstance(card, AgendaCard):
            check.scoring(
                source,
                (*loc, "scoring"),
                card.scoring,
                check.seat_type(source, (*loc, "seat_type"), card.seat_type),
                terms,
            )
        elif isinstance(card, Term):
            _check_term(check, source, loc, card)

    for source, seat in seats:
        context = {"self": [seat.id], "global": []}
        check.effects(source, ("per_round",), seat.per_round, context)
        for end in ("departures", "arrivals", "crossings"):
            flows = getattr(seat.flow, end)
            for kind in ("regular", "irregular"):
                check.effects(source, ("flow", end, kind), getattr(flows, kind), context)
        for name in ("push", "pull"):
            track = getattr(seat.flow, name)
            if track is not None and track not in seat.tracks:
                check.add(
                    source,
                    ("flow", name),
                    f"no track '{track}' on this seat type (expected one of {_list(seat.tracks)})",
                )
        for action, power in seat.actions.items():
            for field in ("cost", "gain"):
                for track in getattr(power, field):
                    if track not in seat.tracks:
                        check.add(source, ("actions", action, field, track), f"no track '{track}' on this seat type")
        check.scoring(source, ("objective", "scoring"), seat.objective.scoring, seat, terms)

    for source, scenario in scenarios:
        _check_scenario(check, source, scenario, index)
    return index, check.problems


def _check_shock(check: Checker, source: SourceFile, loc: Loc, card: ShockCard) -> None:
    context: dict[str, list[str]] = {"global": []}
    roles: tuple[str, ...] = ("any",)
    if card.strikes != "all":
        if check.seat_type(source, (*loc, "strikes"), card.strikes) is None:
            return
        context["target"] = [card.strikes]
        roles = ("target", "any")
    check.effects(source, (*loc, "effects"), card.effects, context)
    check.corridor_effects(source, (*loc, "corridors"), card.corridors, roles)


def _check_term(check: Checker, source: SourceFile, loc: Loc, term: Term) -> None:
    for field in ("givers", "receivers"):
        for j, name in enumerate(getattr(term, field)):
            check.seat_type(source, (*loc, field, j), name)
    context: dict[str, list[str]] = {"global": [], "parties": list(check.seat_types)}
    roles: tuple[str, ...] = ("party", "any")
    if term.scope == "offer":
        context["giver"] = [g for g in term.givers if g in check.seat_types]
        context["receiver"] = [r for r in term.receivers if r in check.seat_types]
        roles = ("giver", "receiver", "party", "any")
    check.effects(source, (*loc, "effects"), term.effects, context, term.params)
    for i, unc in enumerate(term.uncertain):
        here = (*loc, "uncertain", i)
        check.track_of(source, here, unc.who, unc.track, context, list(context))
        if unc.times is not None and unc.times not in term.params:
            check.add(
                source,
                (*here, "times"),
                f"unknown parameter '{unc.times}' (expected one of {_list(term.params) or 'none'})",
            )
    for i, corridor in enumerate(term.corridors):
        here = (*loc, "corridors", i)
        check.corridor_match(source, here, corridor.match, roles)
        if corridor.times is not None and corridor.times not in term.params:
            check.add(
                source,
                (*here, "times"),
                f"unknown parameter '{corridor.times}' (expected one of {_list(term.params) or 'none'})",
            )
    for i, requirement in enumerate(term.requires):
        here = (*loc, "requires", i)
        if requirement.who != "parties" and term.scope != "offer":
            check.add(source, (*here, "who"), f"a term shared by all parties has no {requirement.who}: use parties")
            continue
        check.track_of(source, here, requirement.who, requirement.track, context, ["giver", "receiver", "parties"])
    if term.transfer:
        for j, giver in enumerate(term.givers):
            seat = check.seat_types.get(giver)
            if seat is not None and "budget" not in seat.tracks:
                check.add(source, (*loc, "givers", j), f"seat type {giver} has no budget to pay a transfer from")
    if term.scope == "offer" and "strain" in term.model_fields_set and "party" in term.strain:
        check.add(
            source, (*loc, "strain", "party"), "a term offered by one seat to another has giver and receiver strain"
        )


def _check_scenario(check: Checker, source: SourceFile, scenario: Scenario, index: dict[str, Any]) -> None:
    seats = {seat.id: seat for seat in scenario.seats}
    for i, seat in enumerate(scenario.seats):
        seat_type = check.seat_type(source, ("seats", i, "type"), seat.type)
        if seat_type is None:
            continue
        if check.seat_check is not None and (wrong := check.seat_check(seat)):
            check.add(source, ("seats", i, "bot"), wrong)
        if seat.votes != 1 and not seat_type.state:
            check.add(
                source, ("seats", i, "votes"), f"only states vote in the global forum, and {seat.type} is not a state"
            )
        for track, value in seat.tracks.items():
            spec = seat_type.tracks.get(track)
            if spec is None:
                check.add(
                    source,
                    ("seats", i, "tracks", track),
                    f"seat type {seat.type} has no track '{track}' (expected one of {_list(seat_type.tracks)})",
                )
            elif not spec.min <= value <= spec.max:
                check.add(source, ("seats", i, "tracks", track), f"{value} is outside {spec.min}..{spec.max}")
    states = [s for s in scenario.seats if s.type in check.seat_types and check.seat_types[s.type].state]
    if len(states) < 2 and all(s.type in check.seat_types for s in scenario.seats):
        check.add(source, ("seats",), "a scenario needs at least two states to negotiate")
    for i, corridor in enumerate(scenario.corridors):
        ends = [("origin", corridor.origin), ("destination", corridor.destination)]
        if corridor.transit is not None:
            ends.append(("transit", corridor.transit))
        for end, seat_id in ends:
            if seat_id not in seats:
                check.add(source, ("corridors", i, end), f"unknown seat '{seat_id}' (expected one of {_list(seats)})")
            elif seats[seat_id].type in check.seat_types and not check.seat_types[seats[seat_id].type].state:
                check.add(source, ("corridors", i, end), f"'{seat_id}' is not a state; corridors run between states")
        if len({seat_id for _, seat_id in ends}) < len(ends):
            check.add(source, ("corridors", i), "origin, destination and transit must be different seats")
    governance = scenario.global_tracks.get("governance")
    if governance is not None and governance.max != len(GOVERNANCE_LEVELS) - 1:
        check.add(
            source,
            ("global_tracks", "governance", "max"),
            f"governance has {len(GOVERNANCE_LEVELS)} levels, so its max must be {len(GOVERNANCE_LEVELS) - 1}",
        )
    expected = {"shocks": "shock", "trends": "trend", "agendas": "agenda", "terms": "term"}
    for field, kind in expected.items():
        for j, deck_id in enumerate(getattr(scenario.decks, field)):
            deck = index["decks"].get(deck_id)
            if deck is None and deck_id in check.broken:
                continue
            if deck is None:
                known = [d for d, (k, _) in index["decks"].items() if k == kind]
                check.add(
                    source,
                    ("decks", field, j),
                    f"unknown {kind} deck '{deck_id}' (expected one of {_list(known) or 'none found'})",
                )
            elif deck[0] != kind:
                check.add(source, ("decks", field, j), f"deck '{deck_id}' holds {deck[0]} cards, not {kind} cards")
    for j, term_id in enumerate(scenario.decks.exclude_terms):
        if check.missing(term_id, index["term"]):
            check.add(source, ("decks", "exclude_terms", j), f"unknown term '{term_id}'")
    agenda_types = {
        index["agenda"][card].seat_type
        for deck_id in scenario.decks.agendas
        if deck_id in index["decks"]
        for card in index["decks"][deck_id][1]
        if card in index["agenda"]
    }
    agendas_complete = not any(d in check.broken for d in scenario.decks.agendas)
    for i, seat in enumerate(scenario.seats):
        if agendas_complete and seat.type in check.seat_types and seat.type not in agenda_types:
            check.add(
                source, ("seats", i, "type"), f"the scenario's agenda decks hold no agenda for seat type {seat.type}"
            )
