"""Resolution: deals in force take effect, tracks drift, and people move along each corridor.

Pressure = base + push at the origin + pull at the destination + drift + surge. Legal pathways
admit up to their capacity as regular flow; enforcement stops part of the rest; what is left
crosses irregularly. Every number moved is told in the log with its reason.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from negotiate.content.schema import FlowEffects, Term
from negotiate.engine.deals import matches, term_roles
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
    for deal in state.deals:
        if deal.status == "in_force":
            apply_deal(table, state, deal, story)
    for seat in table.order:
        apply_effects(table, state, table.types[seat].per_round, {"self": (seat,)}, story, "every round")
    levers = corridor_levers(table, state)
    flows = [move_people(table, state, corridor, lever, story) for corridor, lever in zip(state.corridors, levers)]
    rules = table.scenario.rules.flow
    for corridor in state.corridors:
        corridor.surge = int(corridor.surge * rules.surge_decay)  # toward 0, so every surge dies out
    for track, change, why in global_moves(table, *totals(flows), table.escalation(state.round)):
        move_global(table, state, track, amount(change), why, story)


def totals(flows: Sequence[Flow]) -> tuple[int, int, int]:
    """What the global tracks feel of flows: irregular crossings, people stopped with no legal
    pathway open, and irregular arrivals over thresholds, summed over corridors."""
    return sum(f.irregular for f in flows), sum(f.unprotected for f in flows), sum(f.excess for f in flows)


def global_moves(
    table: Table, irregular: int, unprotected: int, excess: int, escalation: float
) -> list[tuple[str, float, str]]:
    """How the flows' totals (see `totals`) move the global tracks in a round of this
    `escalation` (see `Table.escalation`): (track, change, why), changes not yet rounded."""
    rules = table.scenario.rules.flow
    out: list[tuple[str, float, str]] = []
    if irregular:
        why = f"{irregular} irregular crossings in all"
        out.append(("welfare", -rules.welfare_per_irregular * irregular, why))
        out.append(("trafficking", rules.trafficking_per_irregular * irregular, why))
    if unprotected:
        why = f"{unprotected} people stopped where no legal pathway exists turn to smugglers"
        out.append(("trafficking", rules.trafficking_per_deterred * unprotected, why))
    if excess:
        why = f"{excess} irregular arrivals over corridor thresholds"
        if escalation != 1:
            why += f", weighing {escalation:g} times as much as the crisis years build"
        out.append(("crisis", rules.crisis_per_excess * excess * escalation, why))
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


def apply_deal(table: Table, state: GameState, deal: Deal, story: Story) -> None:
    """One round of a deal in force: transfers, effects, and the hidden true effects."""
    for offer, term, roles, share in delivered(table, state, deal):
        why = f"deal #{deal.id}, {term.name.lower()}"
        if term.transfer and offer.giver and offer.receiver:
            due = offer.params[term.transfer]
            paid = -move_seat(table, state, offer.giver, "budget", -due, f"{why}: payment", story)
            if paid < due:
                story.add("deal", f"{table.name(offer.giver)} can pay only {paid} of {due} due under deal #{deal.id}")
            move_seat(table, state, offer.receiver, "budget", paid, f"{why}: payment", story)
        apply_effects(table, state, term.effects, roles, story, why, offer.params, scale=share)
        truth = "measured effect" if offer.term in state.revealed else "effects not yet measured"
        for unc, offset in zip(term.uncertain, state.hidden.get(offer.term, ())):
            change = offset * (offer.params.get(unc.times, 0) if unc.times else 1)
            if change == 0:
                continue
            if unc.who == "global":
                move_global(table, state, unc.track, change, f"{why}: {truth}", story)
            else:
                for seat in who(table, unc.who, unc.track, roles):
                    move_seat(table, state, seat, unc.track, change, f"{why}: {truth}", story)


def corridor_levers(table: Table, state: GameState) -> list[Levers]:
    """Capacity, enforcement and protection on each corridor from the deals in force."""
    levers = [Levers() for _ in state.corridors]
    for deal in state.deals:
        if deal.status != "in_force":
            continue
        for offer, term, roles, _ in delivered(table, state, deal):
            for effect in term.corridors:
                scale = offer.params.get(effect.times, 0) if effect.times else 1
                for corridor, lever in zip(state.corridors, levers):
                    if matches(effect.match, corridor, roles):
                        lever.capacity += effect.capacity * scale
                        lever.enforcement += effect.enforcement * scale
                        lever.protection += effect.protection * scale
    return levers


def pressure(table: Table, state: GameState, corridor: CorridorState) -> tuple[int, int, int]:
    """A corridor's pressure to move, with the push and pull parts of it."""
    rules = table.scenario.rules.flow
    push_track = table.types[corridor.origin].flow.push
    pull_track = table.types[corridor.destination].flow.pull
    push = state.seats[table.index[corridor.origin]].tracks[push_track] * rules.push_weight if push_track else 0.0
    pull = state.seats[table.index[corridor.destination]].tracks[pull_track] * rules.pull_weight if pull_track else 0.0
    total = max(0, amount(corridor.base + push + pull + corridor.drift + corridor.surge))
    return total, amount(push), amount(pull)


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


def move_people(table: Table, state: GameState, corridor: CorridorState, lever: Levers, story: Story) -> Flow:
    """One corridor's flows and their effects on its seats."""
    total, push, pull = pressure(table, state, corridor)
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
    for seat, effects, what, regular_count, irregular_count in ends(table, corridor, flow):
        roles = {"self": (seat,)}
        if regular_count:
            apply_effects(
                table, state, effects.regular, roles, story, f"{regular_count} regular {what}", scale=regular_count
            )
        if irregular_count:
            apply_effects(
                table,
                state,
                effects.irregular,
                roles,
                story,
                f"{irregular_count} irregular {what}",
                scale=irregular_count,
            )
    for seat, stat, n in flow_stats(corridor, flow):
        state.seats[table.index[seat]].stats[stat] += n
    return flow


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
