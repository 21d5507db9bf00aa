"""What a seat expects deals to do, worked out from its own view only.

An Outlook is one seat's forecast for the current round. It rebuilds a belief state from the
view (public tracks, deals and evidence, and its own agenda; nothing of other seats' secrets),
works out the corridors' flows as they stand, and for any package of terms says how each
track would move per round if it were in force. Effects no evidence has measured count at their
expected size (nominal), with their spread kept apart as risk. The engine's own pieces do the
work (flow split, corridor matching, scoring rules), so bots and rules never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from negotiate.content.schema import DealScore, Forum, GovernanceScore, ScoreRule, StatScore, ThresholdScore, TrackScore
from negotiate.engine import SeatView
from negotiate.engine.deals import full_params, level_of, matches, term_roles
from negotiate.engine.effects import who
from negotiate.engine.flows import Flow, Levers, consequences, corridor_levers, ends, flow_stats, pressure, split
from negotiate.engine.scoring import advocate, counts_for, value_points
from negotiate.engine.state import CorridorState, GameState, Secret, TermOffer
from negotiate.engine.table import Table

Key = tuple[str, str]
"""What a change moves: (seat id, track), (seat id, "stat:<tally>"), or ("global", track)."""


@dataclass
class Forecast:
    """How a package would move tracks each round it is in force, and what it stands for."""

    parties: tuple[str, ...]
    terms: tuple[TermOffer, ...]
    level: int
    changes: dict[Key, float] = field(default_factory=lambda: defaultdict(float))
    spread: dict[Key, float] = field(default_factory=lambda: defaultdict(float))


def belief(table: Table, view: SeatView) -> GameState:
    """The state as the seat knows it: public parts from its view, its own agenda, and no
    hidden truths (unmeasured effects, other agendas, lapses, the decks' order are unknown)."""
    return GameState.model_construct(  # every field given: defaults would cost more than the rest
        scenario=view.scenario,
        seed=0,
        rng=0,
        round=view.round,
        phase=view.phase,
        turn=0,
        passes=0,
        beats=0,
        messages_this_turn=0,
        paused=view.paused,
        window=view.window,
        collapsed=False,
        shock=view.shock,
        shock_targets=view.shock_targets,
        trend=view.trend,
        global_tracks=dict(view.global_tracks),
        seats=view.seats,
        corridors=view.corridors,
        deals=view.deals,
        messages=view.messages,
        revealed=list(view.evidence),
        secrets={view.seat: Secret.model_construct(agenda=view.agenda, hand=list(view.hand))},
        hidden=dict(view.evidence),
        lapses={},
        shock_pile=[],
        trend_pile=[],
        history=[],
        scores=dict(view.scores),
        winners=[],
    )


Measured = TrackScore | ThresholdScore | StatScore


@dataclass(frozen=True)
class Valued:
    """Score rules that measure one track or tally, and the bounds of its value."""

    key: Key
    rules: tuple[Measured, ...]
    low: float
    high: float


@dataclass(frozen=True)
class Terms:
    """What a package's terms do whatever the state: direct changes, unmeasured spread, and
    the levers they pull on each corridor (by corridor index)."""

    changes: tuple[tuple[Key, float], ...]
    spread: tuple[tuple[Key, float], ...]
    levers: tuple[tuple[int, float, float, float], ...]


class Reader:
    """A seat's reading of the rules, made once per game: who scores what, what each term
    does, what each corridor's people do to its seats. Outlooks use it round after round."""

    def __init__(self, table: Table, seat: str, agenda: str):
        self.table = table
        self.seat = seat
        rules = {s: list(table.types[s].objective.scoring) for s in table.order}
        rules[seat] += table.content.agendas[agenda].scoring
        self.valued = {s: self._valued(s, r) for s, r in rules.items()}
        self.deal_rules = {s: [r for r in rules[s] if isinstance(r, DealScore)] for s in table.order}
        self.governance_rules = {s: [r for r in rules[s] if isinstance(r, GovernanceScore)] for s in table.order}
        self._terms: dict[tuple, Terms] = {}

    def _valued(self, seat: str, rules: Sequence[ScoreRule]) -> list[Valued]:
        """The seat's track and tally rules, grouped by what they measure, with its bounds."""
        grouped: dict[Key, list[Measured]] = defaultdict(list)
        for rule in rules:
            if isinstance(rule, StatScore):
                grouped[(seat, f"stat:{rule.stat}")].append(rule)
            elif isinstance(rule, (TrackScore, ThresholdScore)):
                grouped[("global", rule.track) if rule.scope == "global" else (seat, rule.track)].append(rule)
        out = []
        for key, measured in grouped.items():
            owner, name = key
            if name.startswith("stat:"):
                bounds = (float("-inf"), float("inf"))
            else:
                spec = (
                    self.table.scenario.global_tracks[name]
                    if owner == "global"
                    else self.table.types[owner].tracks[name]
                )
                bounds = (spec.min, spec.max)
            out.append(Valued(key, tuple(measured), *bounds))
        return out

    def terms(self, offer: TermOffer, parties: tuple[str, ...], evidence: Mapping[str, list[int]]) -> Terms:
        """What one term does in a deal with these parties, given the evidence published."""
        key = (offer.term, offer.giver, offer.receiver, tuple(offer.params.items()), parties, offer.term in evidence)
        known = self._terms.get(key)
        if known is None:
            known = self._terms[key] = self._read(offer, parties, evidence.get(offer.term))
        return known

    def _read(self, offer: TermOffer, parties: tuple[str, ...], measured: list[int] | None) -> Terms:
        table = self.table
        term = table.terms[offer.term]
        params = full_params(term, offer)
        roles = term_roles(offer, parties)
        changes: dict[Key, float] = defaultdict(float)
        spread: dict[Key, float] = defaultdict(float)
        if term.transfer and offer.giver and offer.receiver:
            changes[(offer.giver, "budget")] -= params[term.transfer]
            changes[(offer.receiver, "budget")] += params[term.transfer]
        for effect in term.effects:
            times = params.get(effect.times, 0) if effect.times else 1
            self._add(changes, effect.who, effect.track, effect.delta * times, roles)
        for k, unc in enumerate(term.uncertain):
            times = params.get(unc.times, 0) if unc.times else 1
            if measured:
                self._add(changes, unc.who, unc.track, measured[k] * times, roles)
            else:
                self._add(spread, unc.who, unc.track, unc.spread * times, roles)
        levers = []
        for route in term.corridors:
            scale = params.get(route.times, 0) if route.times else 1
            for i, corridor in enumerate(self._corridors):
                if matches(route.match, corridor, roles):
                    levers.append((i, route.capacity * scale, route.enforcement * scale, route.protection * scale))
        return Terms(tuple(changes.items()), tuple(spread.items()), tuple(levers))

    def _add(self, changes: dict[Key, float], selector: str, track: str, value: float, roles: Mapping) -> None:
        if selector == "global":
            changes[("global", track)] += value
        else:
            for seat in who(self.table, selector, track, roles):
                changes[(seat, track)] += value

    @cached_property
    def _corridors(self) -> list[CorridorState]:
        return [CorridorState(**c.model_dump()) for c in self.table.scenario.corridors]

    def people(self, corridor: CorridorState, before: Flow, after: Flow) -> list[tuple[Key, float]]:
        """How a change in one corridor's flows moves its seats' tracks and tallies."""
        out: list[tuple[Key, float]] = []
        for old, new in zip(ends(self.table, corridor, before), ends(self.table, corridor, after)):
            seat, effects = new[0], new[1]
            tracks = self.table.types[seat].tracks
            for effects_list, count in ((effects.regular, new[3] - old[3]), (effects.irregular, new[4] - old[4])):
                if count:
                    out += [((seat, e.track), e.delta * count) for e in effects_list if e.track in tracks]
        for (seat, stat, n_old), (_, _, n_new) in zip(flow_stats(corridor, before), flow_stats(corridor, after)):
            if n_new != n_old:
                out.append(((seat, f"stat:{stat}"), n_new - n_old))
        return out


class Outlook:
    """One seat's forecast of the current round: flows as they stand, and what packages change."""

    def __init__(self, reader: Reader, view: SeatView):
        table = self.table = reader.table
        self.reader = reader
        self.seat = view.seat
        self.view = view
        self.state = belief(table, view)
        self.rounds_left = max(1, view.rounds - view.round)
        self.levers = corridor_levers(table, self.state)
        self.pressures = [pressure(table, self.state, c)[0] for c in self.state.corridors]
        self.flows = [
            split(p, lever, c.threshold) for p, lever, c in zip(self.pressures, self.levers, self.state.corridors)
        ]
        self.drift = _by_track(consequences(table, self.flows))
        self._advocates: dict[tuple[str, int], bool] = {}
        self._now: dict[Key, float] = {}

    # --- forecasts -----------------------------------------------------------------------

    def forecast(self, forum: Forum, parties: Sequence[str], terms: Sequence[TermOffer]) -> Forecast:
        """Per-round changes if this package were in force this round."""
        parties = tuple(parties)
        result = Forecast(parties, tuple(terms), level_of(self.table, forum, terms, parties))
        changes, spread = result.changes, result.spread
        extra: dict[int, list[float]] = {}
        for offer in terms:
            known = self.reader.terms(offer, parties, self.view.evidence)
            for key, value in known.changes:
                changes[key] += value
            for key, value in known.spread:
                spread[key] += value
            for i, capacity, enforcement, protection in known.levers:
                more = extra.setdefault(i, [0.0, 0.0, 0.0])
                more[0] += capacity
                more[1] += enforcement
                more[2] += protection
        if extra:
            self._flow_changes(changes, extra)
        return result

    def _flow_changes(self, changes: dict[Key, float], extra: Mapping[int, list[float]]) -> None:
        """Add how the corridors' flows change when the levers move by `extra`."""
        flows = list(self.flows)
        for i, (capacity, enforcement, protection) in extra.items():
            corridor, lever, before = self.state.corridors[i], self.levers[i], self.flows[i]
            moved = Levers(lever.capacity + capacity, lever.enforcement + enforcement, lever.protection + protection)
            after = flows[i] = split(self.pressures[i], moved, corridor.threshold)
            if after != before:
                for key, value in self.reader.people(corridor, before, after):
                    changes[key] += value
        moved_globals = _by_track(consequences(self.table, flows))
        for track in moved_globals.keys() | self.drift.keys():
            change = moved_globals.get(track, 0.0) - self.drift.get(track, 0.0)
            if change:
                changes[("global", track)] += change

    # --- values --------------------------------------------------------------------------

    def current(self, key: Key) -> float:
        """A track's or tally's value now, as the seat sees it."""
        known = self._now.get(key)
        if known is not None:
            return known
        owner, name = key
        if owner == "global":
            value = self.state.global_tracks[name]
        else:
            seat = self.state.seats[self.table.index[owner]]
            value = seat.stats.get(name[5:], 0) if name.startswith("stat:") else seat.tracks.get(name, 0)
        self._now[key] = value
        return value

    def gain(self, seat: str, forecast: Forecast, rounds: int, role_in_deal: bool = True) -> float:
        """What a package is worth to a seat's score over `rounds` rounds in force: its public
        objective (and, for the seat itself, its agenda), milestones, and the danger of collapse."""
        changes = forecast.changes
        total = 0.0
        for valued in self.reader.valued[seat]:
            change = changes.get(valued.key)
            if change:
                now = self.current(valued.key)
                new = min(valued.high, max(valued.low, now + change * rounds))
                for rule in valued.rules:
                    total += value_points(rule, new) - value_points(rule, now)
        for deal_rule in self.reader.deal_rules[seat]:
            total += deal_rule.points * counts_for(deal_rule, seat, forecast.parties, forecast.terms)
        governance = self.state.global_tracks["governance"]
        if forecast.level > governance:
            for milestone in self.reader.governance_rules[seat]:
                total += value_points(milestone, forecast.level) - value_points(milestone, governance)
            if role_in_deal:
                for level, bonus in self.table.scenario.rules.milestones.items():
                    if forecast.level >= level and not self._advocate(seat, level):
                        total += bonus
        crisis = changes.get(("global", "crisis"))
        return total + self.collapse_value(seat, crisis * rounds) if crisis else total

    def _advocate(self, seat: str, level: int) -> bool:
        key = (seat, level)
        if key not in self._advocates:
            self._advocates[key] = advocate(self.table, self.state, seat, level)
        return self._advocates[key]

    def collapse_value(self, seat: str, crisis_change: float) -> float:
        """What a change in crisis pressure is worth to a seat: collapse takes most of its gains,
        and the nearer the crisis heads to its maximum, the more each point matters."""
        if not crisis_change:
            return 0.0
        spec = self.table.scenario.global_tracks["crisis"]
        heading = self.state.global_tracks["crisis"] + self.drift.get("crisis", 0.0) * min(2, self.rounds_left)
        stake = max(15.0, self.view.scores.get(seat, 0.0)) * (1 - self.table.scenario.rules.collapse_keep)
        return -stake * (_danger(heading + crisis_change, spec.max) - _danger(heading, spec.max))

    def spread_cost(self, seat: str, forecast: Forecast, rounds: int) -> float:
        """How much unmeasured effects could cost the seat, at worst, over `rounds` rounds."""
        total = 0.0
        for valued in self.reader.valued[seat]:
            spread = forecast.spread.get(valued.key)
            if spread:
                now = self.current(valued.key)
                down = min(valued.high, max(valued.low, now - spread * rounds))
                up = min(valued.high, max(valued.low, now + spread * rounds))
                total += abs(sum(value_points(r, up) - value_points(r, down) for r in valued.rules)) / 2
        return total


def _by_track(moves: Sequence[tuple[str, float, str]]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for track, change, _ in moves:
        out[track] += change
    return out


def _danger(crisis: float, maximum: int) -> float:
    """A rough chance that crisis heading to this level ends in collapse."""
    return min(1.0, max(0.0, (crisis - (maximum - 12)) / 12))
