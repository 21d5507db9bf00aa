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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import is_
from typing import TypeVar
from weakref import WeakKeyDictionary

from negotiate.content.schema import DealScore, Forum, GovernanceScore, ScoreRule, StatScore, ThresholdScore, TrackScore
from negotiate.engine import SeatView
from negotiate.engine.deals import full_params, level_of, term_roles
from negotiate.engine.events import Quiet
from negotiate.engine.flows import (
    Flow,
    Levers,
    drivers,
    flow_stats,
    global_moves,
    owned,
    people_moves,
    prepare,
    pressure_of,
    split,
    term_levers,
    term_moves,
    totals,
)
from negotiate.engine.scoring import advocated, counts_for, deal_points, scorer, signed, value_points
from negotiate.engine.state import CorridorState, Deal, GameState, SeatState, Secret, TermOffer, build, clone
from negotiate.engine.table import Table

Key = tuple[str, str]
"""What a change moves: (seat id, track), (seat id, "stat:<tally>"), or ("global", track)."""
V = TypeVar("V")


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
    return build(  # every field given: defaults would cost more than the rest
        GameState,
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
        struck=view.struck,
        trend=view.trend,
        global_tracks=dict(view.global_tracks),
        seats=view.seats,
        corridors=view.corridors,
        deals=view.deals,
        messages=view.messages,
        payments=view.payments,
        revealed=list(view.evidence),
        secrets={view.seat: build(Secret, agenda=view.agenda, hand=list(view.hand))},
        hidden=dict(view.evidence),
        lapses={},
        shock_pile=[],
        trend_pile=[],
        history=[],
        scores=dict(view.scores),
        winners=[],
    )


Measured = TrackScore | ThresholdScore | StatScore


@dataclass(frozen=True, eq=False)
class Valued:
    """Score rules that measure one track or tally, and the bounds of its value."""

    key: Key
    rules: tuple[Measured, ...]
    low: float
    high: float
    scorers: tuple[Callable[[float], float], ...]  # each rule's points for a value (see `scorer`)


@dataclass(frozen=True)
class Bundle:
    """What a package's terms add up to whatever the flows (see `Lens.package`): treat it as
    read-only."""

    level: int
    changes: dict[Key, float]
    spread: dict[Key, float]
    extra: dict[int, list[float]]


@dataclass(frozen=True)
class Terms:
    """What a package's terms do whatever the state: direct changes, unmeasured spread, and
    the levers they pull on each corridor (by corridor index)."""

    changes: tuple[tuple[Key, float], ...]
    spread: tuple[tuple[Key, float], ...]
    levers: tuple[tuple[int, float, float, float], ...]


class Reader:
    """A seat's reading of the rules, made once per game: who scores what. What terms and flows
    do is the table's `Lens`, shared by every bot at the table."""

    def __init__(self, table: Table, seat: str, agenda: str):
        self.table = table
        self.seat = seat
        self.lens = lens(table)
        rules = {s: list(table.types[s].objective.scoring) for s in table.order}
        rules[seat] += table.content.agendas[agenda].scoring
        self.valued = {s: self._valued(s, r) for s, r in rules.items()}
        self.deal_rules = {s: [r for r in rules[s] if isinstance(r, DealScore)] for s in table.order}
        self.governance_rules = {s: [r for r in rules[s] if isinstance(r, GovernanceScore)] for s in table.order}

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
            out.append(Valued(key, tuple(measured), *bounds, tuple(scorer(rule) for rule in measured)))
        return out


PICTURES = 16
"""Pictures of flows a lens keeps (the newest): a round's seats and phases share one or two."""
READINGS = 4096
"""Readings of terms a lens keeps (the newest)."""


class Lens:
    """What terms and flows do at one table, whoever asks: readings of terms, the levers of
    deals in force, and pictures of the corridors' flows with the forecasts made against each.
    Every input is public, so the bots at a table share one lens (see `lens`)."""

    def __init__(self, table: Table):
        self.table = table
        self.corridors = [CorridorState(**c.model_dump()) for c in table.scenario.corridors]
        self.drivers = [drivers(table, c) for c in self.corridors]
        self.driven: dict[tuple[str, str], list[int]] = {}
        """The corridors each push or pull track drives, by (seat, track)."""
        for i, ends in enumerate(self.drivers):
            for d in ends:
                if d:
                    self.driven.setdefault(d, []).append(i)
        self.bounds = {
            d: (table.types[d[0]].tracks[d[1]].min, table.types[d[0]].tracks[d[1]].max)
            for ends in self.drivers
            for d in ends
            if d
        }
        self._terms: dict[tuple, Terms] = {}
        self._bundles: dict[tuple, Bundle] = {}
        self._pictures: dict[tuple, Picture] = {}
        self._projections: dict[tuple, tuple[tuple[int, ...], ...]] = {}
        self._people: dict[tuple, list[tuple[Key, float]]] = {}
        self._last_levers: tuple[list[Deal], list[Levers]] | None = None
        self._last_picture: tuple[list[SeatState], list[CorridorState], list[Deal], float, Picture] | None = None

    def picture(self, state: GameState) -> Picture:
        """The corridors' flows this round's resolution would make from a (belief) state, shared
        with every state of the same flows: the deals in force and the seats' drift applied
        first (`prepare`), as resolution does, then people move."""
        in_force = [d for d in state.deals if d.status == "in_force"]
        escalation = self.table.escalation(state.round)
        last = self._last_picture
        if (
            last is not None
            and same(last[0], state.seats)
            and same(last[1], state.corridors)
            and same(last[2], in_force)
            and last[3] == escalation
        ):
            return last[4]  # views share their copies of unchanged parts: the same parts, the same flows
        levers = self._deal_levers(in_force)
        values = self._drivers_then(state, in_force)
        corridors = tuple(state.corridors)
        pressures = tuple(pressure_of(self.table, c, *v)[0] for c, v in zip(corridors, values))
        thresholds = tuple(c.threshold for c in corridors)
        offsets = tuple(c.drift + c.surge for c in corridors)
        lever_key = tuple((lv.capacity, lv.enforcement, lv.protection) for lv in levers)
        key = (pressures, thresholds, lever_key, escalation, values, offsets)
        known = self._pictures.get(key)
        if known is None:
            picture = Picture(self, corridors, values, pressures, levers, escalation)
            known = _keep(self._pictures, key, picture, PICTURES)
        self._last_picture = (state.seats, state.corridors, in_force, escalation, known)
        return known

    def _drivers_then(self, state: GameState, in_force: list[Deal]) -> tuple[tuple[int, ...], ...]:
        """The corridors' push and pull track values as people will move this round: the state
        after the deals in force and every seat's drift (`prepare`), worked out once for the same
        tracks, deals in force and published evidence (a lens serves every game at its table)."""
        key = (
            tuple(tuple(seat.tracks.values()) for seat in state.seats),
            tuple(state.global_tracks.values()),
            tuple((tuple(d.parties), tuple(offer_key(o) for o in d.terms)) for d in in_force),
            tuple((term, tuple(values)) for term, values in state.hidden.items()),
        )
        known = self._projections.get(key)
        if known is None:
            projected = clone(  # prepare moves only tracks: copies of them are all it needs
                state,
                seats=[clone(seat, tracks=dict(seat.tracks)) for seat in state.seats],
                global_tracks=dict(state.global_tracks),
            )
            prepare(self.table, projected, Quiet(projected))
            known = tuple(
                tuple(projected.seats[self.table.index[d[0]]].tracks[d[1]] if d else 0 for d in ends)
                for ends in self.drivers
            )
            _keep(self._projections, key, known, PICTURES)
        return known

    def _deal_levers(self, in_force: list[Deal]) -> list[Levers]:
        """The corridors' levers from the deals in force, summed from the readings of their terms
        as `corridor_levers` sums them (a belief knows of no lapses)."""
        last = self._last_levers
        if last is not None and same(last[0], in_force):
            return last[1]  # views share their copies of unchanged deals: the same deals, the same levers
        levers = [Levers() for _ in self.corridors]
        for deal in in_force:
            parties = tuple(deal.parties)
            for offer in deal.terms:
                for i, capacity, enforcement, protection in self._term(offer, offer_key(offer), parties, None).levers:
                    lever = levers[i]
                    lever.capacity += capacity
                    lever.enforcement += enforcement
                    lever.protection += protection
        self._last_levers = (in_force, levers)
        return levers

    def bundle(
        self, forum: Forum, parties: tuple[str, ...], terms: Sequence[TermOffer], keys: tuple, measured: tuple
    ) -> Bundle:
        """What a package's terms do by themselves, whatever the flows: its governance level,
        the changes and spread its terms add up to, and the levers they pull on each corridor.
        `keys` are the terms' `offer_key`s and `measured` their published evidence (or None)."""
        key = (forum, parties, keys, measured)
        known = self._bundles.get(key)
        if known is None:
            known = _keep(self._bundles, key, self._sum(forum, parties, terms, keys, measured), READINGS)
        return known

    def _sum(
        self, forum: Forum, parties: tuple[str, ...], terms: Sequence[TermOffer], keys: tuple, measured: tuple
    ) -> Bundle:
        changes: dict[Key, float] = defaultdict(float)
        spread: dict[Key, float] = defaultdict(float)
        extra: dict[int, list[float]] = {}
        for offer, offer_key, evidence in zip(terms, keys, measured):
            known = self._term(offer, offer_key, parties, evidence)
            for key, value in known.changes:
                changes[key] += value
            for key, value in known.spread:
                spread[key] += value
            for i, capacity, enforcement, protection in known.levers:
                more = extra.setdefault(i, [0.0, 0.0, 0.0])
                more[0] += capacity
                more[1] += enforcement
                more[2] += protection
        return Bundle(level_of(self.table, forum, terms, parties), changes, spread, extra)

    def _term(self, offer: TermOffer, offer_key: tuple, parties: tuple[str, ...], measured: tuple | None) -> Terms:
        """What one term does in a deal with these parties, given its published evidence."""
        key = (offer_key, parties, measured or None)
        known = self._terms.get(key)
        if known is None:
            known = _keep(self._terms, key, self._read(offer, parties, measured), READINGS)
        return known

    def _read(self, offer: TermOffer, parties: tuple[str, ...], measured: Sequence[int] | None) -> Terms:
        """One term read as the rules apply it (`term_moves`, `term_levers`): its changes each
        round, the spread of its effects no evidence has measured, and its corridor levers."""
        table = self.table
        term = table.terms[offer.term]
        roles = term_roles(offer, parties)
        changes: dict[Key, float] = defaultdict(float)
        for owner, track, change, _ in term_moves(table, offer, roles, truths=measured):
            changes[(owner, track)] += change
        spread: dict[Key, float] = defaultdict(float)
        if not measured:
            params = full_params(term, offer)
            for unc in term.uncertain:
                times = params.get(unc.times, 0) if unc.times else 1
                for owner, track, size, _ in owned(table, unc.who, unc.track, unc.spread * times, "", roles):
                    spread[(owner, track)] += size
        levers = tuple(term_levers(table, self.corridors, offer, roles))
        return Terms(tuple(changes.items()), tuple(spread.items()), levers)

    def people(self, i: int, before: Flow, after: Flow) -> list[tuple[Key, float]]:
        """How a change in one corridor's flows moves its seats' tracks and tallies: worked out
        once per corridor and its regular, irregular and harmful numbers before and after (all
        that `people_moves` and `flow_stats` count, each rounded as applied), whatever the picture."""
        key = (i, before.regular, before.irregular, before.harmful, after.regular, after.irregular, after.harmful)
        known = self._people.get(key)
        if known is None:
            known = _keep(self._people, key, self._moved(self.corridors[i], before, after), READINGS)
        return known

    def _moved(self, corridor: CorridorState, before: Flow, after: Flow) -> list[tuple[Key, float]]:
        """What the rules move (`people_moves`, `flow_stats`) with the flows after, less before."""
        moved: dict[Key, float] = defaultdict(float)
        for sign, flow in ((-1, before), (1, after)):
            for seat, track, change, _ in people_moves(self.table, corridor, flow, told=False):
                moved[(seat, track)] += sign * change
            for seat, stat, n in flow_stats(corridor, flow):
                moved[(seat, f"stat:{stat}")] += sign * n
        return [(key, value) for key, value in moved.items() if value]


_lenses: WeakKeyDictionary[Table, Lens] = WeakKeyDictionary()


def lens(table: Table) -> Lens:
    """The table's lens, made by the first bot that needs it."""
    known = _lenses.get(table)
    if known is None:
        known = _lenses[table] = Lens(table)
    return known


class Picture:
    """The corridors' flows this round's resolution would make (their pressures from the values
    of their push and pull tracks as people move, thresholds, and levers from deals in force),
    and forecasts of packages against them, each worked out once."""

    def __init__(
        self,
        lens: Lens,
        corridors: tuple[CorridorState, ...],
        values: tuple[tuple[int, ...], ...],
        pressures: tuple[int, ...],
        levers: list[Levers],
        escalation: float,
    ):
        self.lens = lens
        self.escalation = escalation
        self.corridors = corridors
        self.values = values
        self.pressures = pressures
        self.thresholds = tuple(c.threshold for c in corridors)
        self.levers = levers
        self.flows = [split(p, lever, t) for p, lever, t in zip(pressures, levers, self.thresholds)]
        self.totals = totals(self.flows)
        self.drift = _by_track(global_moves(lens.table, *self.totals, escalation))
        self._forecasts: dict[tuple, Forecast] = {}
        self._corridors: dict[tuple, tuple[list[tuple[Key, float]], tuple[int, int, int]]] = {}
        self._globals: dict[tuple[int, int, int], list[tuple[Key, float]]] = {}

    def forecast(
        self,
        forum: Forum,
        parties: tuple[str, ...],
        terms: Sequence[TermOffer],
        evidence: Mapping[str, tuple],
        keys: tuple | None = None,
    ) -> Forecast:
        """Per-round changes if this package were in force this round (treat it as read-only).
        `evidence` is the published evidence, by term; `keys`, the terms' `offer_key`s if known."""
        keys = keys or tuple(offer_key(o) for o in terms)
        measured = tuple(evidence.get(o.term) for o in terms) if evidence else (None,) * len(keys)
        key = (forum, parties, keys, measured)
        known = self._forecasts.get(key)
        if known is None:
            package = self.lens.bundle(forum, parties, terms, keys, measured)
            known = Forecast(parties, tuple(terms), package.level)
            known.changes.update(package.changes)
            known.spread.update(package.spread)
            shifts = self._shifts(package.changes) if package.changes else {}
            if package.extra or shifts:
                self._flow_changes(known.changes, package.extra, shifts)
            self._forecasts[key] = known
        return known

    def _shifts(self, changes: Mapping[Key, float]) -> dict[int, int]:
        """The corridors whose pressure a package's changes move (through the push or pull track
        that drives them), with their new pressure."""
        shifts: dict[int, int] = {}
        driven = self.lens.driven
        touched = {i for key in changes if key in driven for i in driven[key]}
        for i in sorted(touched):
            ends = self.lens.drivers[i]
            moved = [changes.get(d, 0.0) if d else 0.0 for d in ends]
            values = [
                _clamp(value + change, *self.lens.bounds[d]) if d else value
                for d, value, change in zip(ends, self.values[i], moved)
            ]
            new = pressure_of(self.lens.table, self.corridors[i], *values)[0]
            if new != self.pressures[i]:
                shifts[i] = new
        return shifts

    def _flow_changes(
        self, changes: dict[Key, float], extra: Mapping[int, list[float]], shifts: Mapping[int, int]
    ) -> None:
        """Add how the corridors' flows change when the levers move by `extra` and the pressures
        shift to `shifts`."""
        irregular, unprotected, excess = self.totals
        for i in sorted(extra.keys() | shifts.keys()):
            capacity, enforcement, protection = extra.get(i, (0.0, 0.0, 0.0))
            moved, more = self._corridor_change(i, capacity, enforcement, protection, shifts.get(i, self.pressures[i]))
            for key, value in moved:
                changes[key] += value
            irregular += more[0]
            unprotected += more[1]
            excess += more[2]
        for key, value in self._global_changes(irregular, unprotected, excess):
            changes[key] += value

    def _corridor_change(
        self, i: int, capacity: float, enforcement: float, protection: float, pressure: int
    ) -> tuple[list[tuple[Key, float]], tuple[int, int, int]]:
        """How one corridor's seats and flow totals move when its levers move and its pressure
        becomes `pressure`: worked out once per change, for every package that makes it."""
        key = (i, capacity, enforcement, protection, pressure)
        known = self._corridors.get(key)
        if known is None:
            lever, before = self.levers[i], self.flows[i]
            moved = Levers(lever.capacity + capacity, lever.enforcement + enforcement, lever.protection + protection)
            after = split(pressure, moved, self.thresholds[i])
            if after == before:
                known = ([], (0, 0, 0))
            else:
                known = (
                    self.lens.people(i, before, after),
                    (
                        after.irregular - before.irregular,
                        after.unprotected - before.unprotected,
                        after.excess - before.excess,
                    ),
                )
            self._corridors[key] = known
        return known

    def _global_changes(self, irregular: int, unprotected: int, excess: int) -> list[tuple[Key, float]]:
        """How the global tracks move against the drift when the flows' totals become these."""
        key = (irregular, unprotected, excess)
        known = self._globals.get(key)
        if known is None:
            moved = _by_track(global_moves(self.lens.table, irregular, unprotected, excess, self.escalation))
            known = self._globals[key] = [
                (("global", track), change)
                for track in moved.keys() | self.drift.keys()
                if (change := moved.get(track, 0.0) - self.drift.get(track, 0.0))
            ]
        return known


class Outlook:
    """One seat's forecast of the current round: flows as they stand, and what packages change."""

    def __init__(self, reader: Reader, view: SeatView):
        self.table = reader.table
        self.reader = reader
        self.seat = view.seat
        self.view = view
        self.state = belief(self.table, view)
        self.rounds_left = max(1, view.rounds - view.round)
        self.picture = reader.lens.picture(self.state)
        self.drift = self.picture.drift
        self.evidence = {term: tuple(values) for term, values in view.evidence.items()}
        self._advocated: dict[str, int] = {}
        self._signed: dict[tuple[str, DealScore], set[frozenset]] = {}
        self._now: dict[Key, float] = {}
        self._points: dict[Valued, tuple[float, tuple[float, ...]]] = {}
        self._crisis_max = self.table.scenario.global_tracks["crisis"].max
        heading = self.state.global_tracks["crisis"] + self.drift.get("crisis", 0.0) * min(2, self.rounds_left)
        self._heading = (heading, _danger(heading, self._crisis_max))  # where crisis heads, and its danger

    # --- forecasts -----------------------------------------------------------------------

    def forecast(
        self, forum: Forum, parties: Sequence[str], terms: Sequence[TermOffer], keys: tuple | None = None
    ) -> Forecast:
        """Per-round changes if this package were in force this round (treat it as read-only).
        `keys` are the terms' `offer_key`s, if known."""
        return self.picture.forecast(forum, tuple(parties), terms, self.evidence, keys)

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
        if changes:
            known = self._points
            for valued in self.reader.valued[seat]:
                change = changes.get(valued.key)
                if change:
                    now, points = known.get(valued) or self._points_now(valued)
                    new = _clamp(now + change * rounds, valued.low, valued.high)
                    for score, before in zip(valued.scorers, points):
                        total += score(new) - before
        for deal_rule in self.reader.deal_rules[seat]:
            keys = counts_for(deal_rule, seat, forecast.parties, forecast.terms)
            if keys:
                total += self._deal_gain(seat, deal_rule, keys)
        if forecast.level > (governance := self.state.global_tracks["governance"]):
            for milestone in self.reader.governance_rules[seat]:
                total += value_points(milestone, forecast.level) - value_points(milestone, governance)
            if role_in_deal:
                for level, bonus in self.table.scenario.rules.milestones.items():
                    if forecast.level >= level > self._advocated_level(seat):
                        total += bonus
        crisis = changes.get(("global", "crisis"))
        return total + self.collapse_value(seat, crisis * rounds) if crisis else total

    def _deal_gain(self, seat: str, rule: DealScore, keys: frozenset) -> float:
        """What one more deal counting under a deals rule adds to a seat's score: nothing if the
        same deal was signed before, else the next step of the rule's diminishing returns."""
        known = self._signed.get((seat, rule))
        if known is None:
            known = self._signed[(seat, rule)] = signed(self.table, self.state, seat, rule)
        if keys in known:
            return 0.0
        return deal_points(rule, len(known) + 1) - deal_points(rule, len(known))

    def _points_now(self, valued: Valued) -> tuple[float, tuple[float, ...]]:
        """What the tracks or tally of these rules stand at now, and the points each rule gives
        for it (kept in `_points`, where `gain` looks first)."""
        now = self.current(valued.key)
        known = self._points[valued] = (now, tuple(score(now) for score in valued.scorers))
        return known

    def _advocated_level(self, seat: str) -> int:
        known = self._advocated.get(seat)
        if known is None:
            known = self._advocated[seat] = advocated(self.table, self.state, seat)
        return known

    def collapse_value(self, seat: str, crisis_change: float) -> float:
        """What a change in crisis pressure is worth to a seat: collapse takes most of its gains,
        and the nearer the crisis heads to its maximum, the more each point matters."""
        if not crisis_change:
            return 0.0
        heading, danger = self._heading
        stake = max(15.0, self.view.scores.get(seat, 0.0)) * (1 - self.table.scenario.rules.collapse_keep)
        return -stake * (_danger(heading + crisis_change, self._crisis_max) - danger)

    def spread_cost(self, seat: str, forecast: Forecast, rounds: int) -> float:
        """How much unmeasured effects could cost the seat, at worst, over `rounds` rounds."""
        total = 0.0
        if not forecast.spread:
            return total
        for valued in self.reader.valued[seat]:
            spread = forecast.spread.get(valued.key)
            if spread:
                now = self.current(valued.key)
                down = _clamp(now - spread * rounds, valued.low, valued.high)
                up = _clamp(now + spread * rounds, valued.low, valued.high)
                total += abs(sum(score(up) - score(down) for score in valued.scorers)) / 2
        return total


def _keep(cache: dict[tuple, V], key: tuple, value: V, limit: int) -> V:
    """Store a value in a cache that keeps only its newest `limit` entries."""
    cache[key] = value
    if len(cache) > limit:
        cache.pop(next(iter(cache)), None)
    return value


def same(these: Sequence[object], those: Sequence[object]) -> bool:
    """Whether two lists hold the very same objects."""
    return len(these) == len(those) and all(map(is_, these, those))


def offer_key(offer: TermOffer) -> tuple:
    """A term offer as a key: its term, giver, receiver and parameters."""
    return offer.term, offer.giver, offer.receiver, tuple(offer.params.items())


def _by_track(moves: Sequence[tuple[str, float, str]]) -> dict[str, float]:
    out: dict[str, float] = defaultdict(float)
    for track, change, _ in moves:
        out[track] += change
    return out


def _danger(crisis: float, maximum: int) -> float:
    """A rough chance that crisis heading to this level ends in collapse."""
    return _clamp((crisis - (maximum - 12)) / 12, 0.0, 1.0)


def _clamp(value: float, low: float, high: float) -> float:
    """`min(high, max(low, value))`, at a fraction of the cost of those two calls."""
    return high if value > high else low if value < low else value
