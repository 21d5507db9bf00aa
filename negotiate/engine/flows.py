"""Resolution: deals in force take effect, tracks drift, and people move along each corridor.

Pressure = base + push at the origin + pull at the destination + drift + surge. Legal pathways
admit up to their capacity as regular flow; enforcement stops part of the rest; what is left
crosses irregularly. Every number moved is told in the log with its reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from negotiate.content.schema import FlowEffects, Term
from negotiate.engine.deals import full_params, matches, term_roles
from negotiate.engine.effects import amount, apply_effects, move_global, move_seat, who
from negotiate.engine.events import Story
from negotiate.engine.state import CorridorState, Deal, GameState, TermOffer
from negotiate.engine.table import Table


@dataclass
class Levers:
    """What the deals in force do to one corridor this round."""

    capacity: float = 0.0
    enforcement: float = 0.0
    protection: float = 0.0


def resolve(table: Table, state: GameState, story: Story) -> None:
    """The whole resolution phase: deal effects, drift, then flows and their consequences."""
    prepare(table, state, story)
    levers = corridor_levers(table, state)
    pressures = [pressure(table, state, corridor) for corridor in state.corridors]  # all at once, then people move
    flows = [move_people(table, state, *moving, story) for moving in zip(state.corridors, levers, pressures)]
    rules = table.scenario.rules.flow
    for corridor in state.corridors:
        corridor.surge = int(corridor.surge * rules.surge_decay)  # toward 0, so every surge dies out
    for track, change, why in global_moves(table, *totals(flows), table.escalation(state.round)):
        move_global(table, state, track, change, why, story)


def prepare(table: Table, state: GameState, story: Story) -> None:
    """What resolution does before people move: the deals in force take effect, and every seat
    drifts as its type does each round. Flows then start from the state this leaves."""
    for deal in state.deals:
        if deal.status == "in_force":
            apply_deal(table, state, deal, story)
    for seat in table.order:
        apply_effects(table, state, table.types[seat].per_round, {"self": (seat,)}, story, "every round")


def totals(flows: Sequence[Flow]) -> tuple[int, int, int]:
    """What the global tracks feel of flows: irregular crossings, people stopped with no legal
    pathway open, and irregular arrivals over thresholds, summed over corridors."""
    return sum(f.irregular for f in flows), sum(f.unprotected for f in flows), sum(f.excess for f in flows)


def global_moves(
    table: Table, irregular: int, unprotected: int, excess: int, escalation: float
) -> list[tuple[str, int, str]]:
    """How the flows' totals (see `totals`) move the global tracks in a round of this
    `escalation` (see `Table.escalation`): (track, change, why), each change rounded as applied."""
    rules = table.scenario.rules.flow
    out: list[tuple[str, int, str]] = []
    if irregular:
        why = f"{irregular} irregular crossings in all"
        out.append(("welfare", amount(-rules.welfare_per_irregular * irregular), why))
        out.append(("trafficking", amount(rules.trafficking_per_irregular * irregular), why))
    if unprotected:
        why = f"{unprotected} people stopped where no legal pathway exists turn to smugglers"
        out.append(("trafficking", amount(rules.trafficking_per_deterred * unprotected), why))
    if excess:
        why = f"{excess} irregular arrivals over corridor thresholds"
        if escalation != 1:
            why += f", weighing {escalation:g} times as much as the crisis years build"
        out.append(("crisis", amount(rules.crisis_per_excess * excess * escalation), why))
    else:
        out.append(("crisis", -rules.crisis_relief, "no corridor over its threshold"))
    return out


def delivered(
    table: Table, state: GameState, deal: Deal
) -> Iterator[tuple[TermOffer, Term, dict[str, Sequence[str]], float]]:
    """The terms of a deal delivered this round, each with its roles (lapsed parties left out)
    and the share of its parties that kept their word."""
    lapsed = state.lapses.get(deal.id, ())
    active = [p for p in deal.parties if p not in lapsed]
    for offer in deal.terms:
        if offer.giver is not None and offer.giver in lapsed:
            continue
        term = table.terms[offer.term]
        share = len(active) / len(deal.parties) if term.scope == "all_parties" else 1.0
        yield offer, term, term_roles(offer, active), share


Move = tuple[str, str, int, str]
"""A change of one track: its owner (a seat, or "global"), the track, the change, and why."""


def term_moves(
    table: Table,
    offer: TermOffer,
    roles: Mapping[str, Sequence[str]],
    share: float = 1.0,
    truths: Sequence[int] | None = None,
) -> list[Move]:
    """What one term of a deal in force moves each round, before bounds: its transfer (first,
    giver then receiver), its effects (times their parameter and the `share` of parties keeping
    their word, each rounded as applied), and, if given, the true sizes of its uncertain effects.
    Resolution applies these; bots forecast with them."""
    term = table.terms[offer.term]
    params = full_params(term, offer)
    out: list[Move] = []
    if term.transfer and offer.giver and offer.receiver:
        due = params[term.transfer]
        out += [(offer.giver, "budget", -due, "payment"), (offer.receiver, "budget", due, "payment")]
    for effect in term.effects:
        change = amount(effect.delta * share * (params.get(effect.times, 0) if effect.times else 1))
        if change:
            out += owned(table, effect.who, effect.track, change, effect.note or "", roles)
    for unc, offset in zip(term.uncertain, truths or ()):
        change = offset * (params.get(unc.times, 0) if unc.times else 1)
        if change:
            out += owned(table, unc.who, unc.track, change, "", roles)
    return out


def owned(table: Table, selector: str, track: str, change: int, why: str, roles: Mapping) -> list[Move]:
    """A change of a track as moves of the seats an effect's `who` selects (or of the world's track)."""
    if selector == "global":
        return [("global", track, change, why)]
    return [(seat, track, change, why) for seat in who(table, selector, track, roles)]


def term_levers(
    table: Table, corridors: Sequence[CorridorState], offer: TermOffer, roles: Mapping[str, Sequence[str]]
) -> list[tuple[int, float, float, float]]:
    """What one term of a deal in force does to the corridors it matches, each round: (corridor
    index, capacity, enforcement, protection)."""
    term = table.terms[offer.term]
    params = full_params(term, offer)
    out = []
    for route in term.corridors:
        scale = params.get(route.times, 0) if route.times else 1
        for i, corridor in enumerate(corridors):
            if matches(route.match, corridor, roles):  # type: ignore[arg-type]
                out.append((i, route.capacity * scale, route.enforcement * scale, route.protection * scale))
    return out


def apply_deal(table: Table, state: GameState, deal: Deal, story: Story) -> None:
    """One round of a deal in force: transfers (paid as far as the giver's budget goes), effects,
    and the hidden true effects."""
    for offer, term, roles, share in delivered(table, state, deal):
        why = f"deal #{deal.id}, {term.name.lower()}"
        truth = "measured effect" if offer.term in state.revealed else "effects not yet measured"
        moves = term_moves(table, offer, roles, share, state.hidden.get(offer.term))
        if term.transfer and offer.giver and offer.receiver:
            (payer, _, due, _), (payee, _, _, _) = moves[0], moves[1]
            paid = -move_seat(table, state, payer, "budget", due, f"{why}: payment", story)
            if paid < -due:
                story.add("deal", f"{table.name(payer)} can pay only {paid} of {-due} due under deal #{deal.id}")
            move_seat(table, state, payee, "budget", paid, f"{why}: payment", story)
            moves = moves[2:]
        for owner, track, change, note in moves:
            apply_move(table, state, (owner, track, change, f"{why}: {note or truth}"), story)


def apply_move(table: Table, state: GameState, move: Move, story: Story) -> int:
    """Apply one move within its track's bounds; returns the change that happened."""
    owner, track, change, why = move
    if owner == "global":
        return move_global(table, state, track, change, why, story)
    return move_seat(table, state, owner, track, change, why, story)


def corridor_levers(table: Table, state: GameState) -> list[Levers]:
    """Capacity, enforcement and protection on each corridor from the deals in force."""
    levers = [Levers() for _ in state.corridors]
    for deal in state.deals:
        if deal.status != "in_force":
            continue
        for offer, _, roles, _ in delivered(table, state, deal):
            for i, capacity, enforcement, protection in term_levers(table, state.corridors, offer, roles):
                lever = levers[i]
                lever.capacity += capacity
                lever.enforcement += enforcement
                lever.protection += protection
    return levers


def drivers(table: Table, corridor: CorridorState) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """The tracks that drive a corridor: its origin's push and its destination's pull, as
    (seat, track), or None where the seat's type has none."""
    push = table.types[corridor.origin].flow.push
    pull = table.types[corridor.destination].flow.pull
    return (corridor.origin, push) if push else None, (corridor.destination, pull) if pull else None


def pressure(table: Table, state: GameState, corridor: CorridorState) -> tuple[int, int, int]:
    """A corridor's pressure to move, with the push and pull parts of it."""
    values = [state.seats[table.index[d[0]]].tracks[d[1]] if d else 0 for d in drivers(table, corridor)]
    return pressure_of(table, corridor, *values)


def pressure_of(table: Table, corridor: CorridorState, push: float, pull: float) -> tuple[int, int, int]:
    """A corridor's pressure when its push and pull tracks stand at these values, with the push
    and pull parts of it."""
    rules = table.scenario.rules.flow
    push_part, pull_part = push * rules.push_weight, pull * rules.pull_weight
    total = max(0, amount(corridor.base + push_part + pull_part + corridor.drift + corridor.surge))
    return total, amount(push_part), amount(pull_part)


@dataclass(frozen=True)
class Flow:
    """One corridor's flows in a round: how many came legally, were stopped, or crossed
    irregularly, and how those numbers land on the corridor's seats and the crisis."""

    pressure: int
    regular: int
    stopped: int
    irregular: int
    harmful: int  # irregular arrivals that no protection shields
    excess: int  # irregular arrivals over the corridor's threshold

    @property
    def unprotected(self) -> int:
        """People stopped where no legal pathway is open: they turn to smugglers."""
        return self.stopped if not self.regular else 0


def split(total: int, lever: Levers, threshold: int) -> Flow:
    """Share a corridor's pressure out: legal pathways admit up to their capacity, enforcement
    stops part of the rest, the remainder crosses irregularly."""
    regular = min(total, amount(lever.capacity))
    stopped = min(total - regular, amount(lever.enforcement))
    irregular = total - regular - stopped
    harmful = max(0, irregular - amount(lever.protection))
    return Flow(total, regular, stopped, irregular, harmful, max(0, irregular - threshold))


def ends(table: Table, corridor: CorridorState, flow: Flow) -> list[tuple[str, FlowEffects, str, int, int]]:
    """Each seat a flow touches: its per-person effects, what the flow is to it (departures,
    arrivals, crossings), and how many regular and irregular people count there."""
    out = [(corridor.origin, table.types[corridor.origin].flow.departures, "departures", flow.regular, flow.irregular)]
    arrivals = table.types[corridor.destination].flow.arrivals
    out.append((corridor.destination, arrivals, "arrivals", flow.regular, flow.harmful))
    if corridor.transit is not None:
        crossings = table.types[corridor.transit].flow.crossings
        out.append((corridor.transit, crossings, "crossings", flow.regular, flow.irregular))
    return out


def move_people(
    table: Table,
    state: GameState,
    corridor: CorridorState,
    lever: Levers,
    pushed: tuple[int, int, int],
    story: Story,
) -> Flow:
    """One corridor's flows, from its pressure (with the push and pull parts of it, see
    `pressure`) and levers, and their effects on its seats."""
    total, push, pull = pushed
    flow = split(total, lever, corridor.threshold)
    regular, irregular = flow.regular, flow.irregular
    corridor.pressure, corridor.regular, corridor.irregular, corridor.stopped = total, regular, irregular, flow.stopped
    route = route_name(table, corridor)
    extra = f", drift {corridor.drift:+d}" if corridor.drift else ""
    extra += f", surge {corridor.surge:+d}" if corridor.surge else ""
    story.add(
        "flow",
        f"{route}: pressure {total} (base {corridor.base}, push {push}, pull {pull}{extra}): "
        f"{regular} regular, {irregular} irregular, {flow.stopped} stopped"
        + (f", {flow.excess} over its threshold" if flow.excess else ""),
    )
    for move in people_moves(table, corridor, flow):
        apply_move(table, state, move, story)
    for seat, stat, n in flow_stats(corridor, flow):
        state.seats[table.index[seat]].stats[stat] += n
    return flow


def people_moves(table: Table, corridor: CorridorState, flow: Flow, told: bool = True) -> list[Move]:
    """How a corridor's flows move the tracks of the seats at its ends, before bounds: for each
    seat and track, the per-person effects of its regular and irregular people summed, then
    rounded once (so that one more visa never moves a track the wrong way by rounding alone).
    Unless `told`, the moves come without their reasons (a look-ahead needs none)."""
    out: list[Move] = []
    for seat, effects, what, regular, irregular in ends(table, corridor, flow):
        sums: dict[tuple[str, str], float] = {}
        notes: dict[tuple[str, str], list[str]] = {}
        for people, listed in ((regular, effects.regular), (irregular, effects.irregular)):
            for effect in listed if people else ():
                key = (effect.who, effect.track)
                sums[key] = sums.get(key, 0.0) + effect.delta * people
                if told and effect.note:
                    notes.setdefault(key, []).append(effect.note)
        counted = (
            " and ".join(f"{n} {kind}" for n, kind in ((regular, "regular"), (irregular, "irregular")) if n)
            if told
            else ""
        )
        roles = {"self": (seat,)}
        for (selector, track), total in sums.items():
            change = amount(total)
            if change:
                why = f"{counted} {what}" if told else ""
                if (selector, track) in notes:
                    why += f": {'; '.join(notes[(selector, track)])}"
                out += owned(table, selector, track, change, why, roles)
    return out


def flow_stats(corridor: CorridorState, flow: Flow) -> tuple[tuple[str, str, int], ...]:
    """The running tallies a flow adds to: (seat, stat, people)."""
    return (
        (corridor.origin, "regular_out", flow.regular),
        (corridor.origin, "irregular_out", flow.irregular),
        (corridor.destination, "regular_in", flow.regular),
        (corridor.destination, "irregular_in", flow.irregular),
    )


def route_name(table: Table, corridor: CorridorState) -> str:
    """A corridor as players name it: origin to destination (via transit)."""
    via = f" via {table.name(corridor.transit)}" if corridor.transit else ""
    return f"{table.name(corridor.origin)} to {table.name(corridor.destination)}{via}"
