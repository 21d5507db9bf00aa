"""Deal rules: what makes a proposal valid, who plays which role, and what ratifying costs."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

from negotiate.content.schema import CorridorMatch, Forum, Term
from negotiate.engine.actions import DealSpec
from negotiate.engine.state import CorridorState, Deal, GameState, TermOffer
from negotiate.engine.table import Table

OPEN = ("draft", "open")
FORUM_LEVEL = {"bilateral": 1, "regional": 2, "global": 2}


def check_spec(table: Table, state: GameState, spec: DealSpec) -> str | None:
    """Why a proposal cannot be tabled as it stands, or None if it can."""
    rules = table.scenario.rules
    seat, parties = spec.seat, spec.parties
    name = table.name(seat)
    if "propose" not in table.types[seat].actions:
        return f"{name} cannot propose deals"
    unknown = [p for p in parties if p not in table.seats]
    if unknown:
        return f"unknown seat {unknown[0]!r} among the parties"
    if len(set(parties)) != len(parties):
        return "a party is named twice"
    if len(parties) < 2:
        return "a deal needs at least two parties"
    if seat not in parties and not table.types[seat].needs_sponsor:
        return f"{name} must be a party to its own proposal"
    if not 1 <= spec.duration <= rules.max_duration:
        return f"duration must be 1 to {rules.max_duration} rounds"
    if len(spec.terms) > rules.max_terms:
        return f"a deal holds at most {rules.max_terms} terms"
    problem = _check_forum(table, spec)
    if problem:
        return problem
    givers_receivers: set[str | None] = set()
    seen = set()
    for offer in spec.terms:
        problem = check_offer(table, state, spec, offer)
        if problem:
            return problem
        key = (offer.term, offer.giver, offer.receiver)
        if key in seen:
            return f"the term {table.terms[offer.term].name} appears twice with the same roles"
        seen.add(key)
        givers_receivers.update((offer.giver, offer.receiver))
    for party in parties:
        if not table.types[party].state and party not in givers_receivers:
            return f"{table.name(party)} is not a state: it can be party only as giver or receiver of a term"
    held = holding(state, spec)
    if held is not None:
        deal, offer = held
        return f"{describe_offer(table, offer)} already holds between these parties (deal #{deal.id})"
    lead = lead_cost(table, state, seat) if spec.forum == "global" and table.types[seat].state else 0
    have = capital(table, state, seat)
    if lead > have:
        return f"leading a global proposal costs {name} {lead} political capital (glass house), which it lacks"
    cost = price(table, state, spec, seat) if not spec.binding and seat in parties else 0
    if lead + cost > have:
        led = f" after the {lead} it costs to lead" if lead else ""
        return f"signing it would cost {name} {cost} political capital at home{led}; it has {have}"
    return None


def _check_forum(table: Table, spec: DealSpec) -> str | None:
    parties = spec.parties
    if spec.forum == "bilateral":
        if len(parties) != 2:
            return "a bilateral deal has exactly two parties"
    elif spec.forum == "regional":
        if spec.region is None:
            return "a regional deal names its region"
        members = table.regions.get(spec.region)
        if members is None:
            return f"unknown region {spec.region!r} (expected one of {', '.join(sorted(table.regions))})"
        outside = [p for p in parties if p not in members]
        if outside:
            return f"{table.name(outside[0])} is not in the region {spec.region}"
        if len(parties) < 3:
            return "a regional deal has at least three parties (two make a bilateral deal)"
    elif set(parties) != set(table.states):
        return "a global proposal goes to every state at the table, and only to states"
    if spec.forum != "regional" and spec.region is not None:
        return "only a regional deal names a region"
    return None


def check_offer(table: Table, state: GameState, spec: DealSpec, offer: TermOffer) -> str | None:
    """Why one term cannot stand in this proposal, or None."""
    term = table.terms.get(offer.term)
    if term is None:
        return f"unknown term {offer.term!r} (expected one of {', '.join(sorted(table.terms))})"
    if spec.forum not in term.forums:
        return f"{term.name} is negotiated in the {' or '.join(term.forums)} forum, not {spec.forum}"
    if term.binding == "binding" and not spec.binding:
        return f"{term.name} only exists as a binding deal"
    if term.binding == "non_binding" and spec.binding:
        return f"{term.name} cannot be binding"
    for key, value in offer.params.items():
        param = term.params.get(key)
        if param is None:
            return f"{term.name} has no parameter {key!r}"
        if not param.min <= value <= param.max:
            return f"{term.name}: {param.label.lower()} must be {param.min} to {param.max}"
    if term.scope == "all_parties":
        if offer.giver is not None or offer.receiver is not None:
            return f"{term.name} binds all parties alike: it has no giver or receiver"
        return None
    if offer.giver not in spec.parties or offer.receiver not in spec.parties:
        return f"{term.name} needs a giver and a receiver among the parties"
    if offer.giver == offer.receiver:
        return f"{term.name}: the giver and the receiver must differ"
    if table.seats[offer.giver].type not in term.givers:
        return f"{table.name(offer.giver)} cannot give {term.name}"
    if table.seats[offer.receiver].type not in term.receivers:
        return f"{table.name(offer.receiver)} cannot receive {term.name}"
    if term.same_tier and table.tier(offer.giver) != table.tier(offer.receiver):
        return f"{term.name} needs states of the same development tier"
    return unmet(table, state, term, offer, spec.parties)


def unmet(table: Table, state: GameState, term: Term, offer: TermOffer, parties: Sequence[str]) -> str | None:
    """Which of a term's requirements a seat in it does not meet now (see `Requirement`), or None."""
    for need in term.requires:
        seats = parties if need.who == "parties" else [offer.giver if need.who == "giver" else offer.receiver]
        for seat in seats:
            value = state.seats[table.index[seat]].tracks.get(need.track) if seat else None
            if value is None or value < need.at_least:
                return f"{term.name} needs {table.name(seat or '')} {need.label}"
    return None


def narrow(deal: Deal, members: Sequence[str]) -> None:
    """Keep only these parties, and only the terms whose giver and receiver are among them."""
    deal.parties = [p for p in deal.parties if p in members]
    deal.terms = [
        o
        for o in deal.terms
        if (o.giver is None or o.giver in members) and (o.receiver is None or o.receiver in members)
    ]


def lead_cost(table: Table, state: GameState, seat: str) -> int:
    """Political capital a state pays to lead a global proposal: more for a glass house."""
    return table.scenario.rules.lead_cost + state.seats[table.index[seat]].glass_house


def full_params(term: Term, offer: TermOffer) -> dict[str, int]:
    """An offer's parameters with the term's defaults filled in."""
    return {key: offer.params.get(key, spec.default) for key, spec in term.params.items()}


def roles_of(table: Table, deal: Deal, seat: str) -> list[str]:
    """The roles a seat plays in a deal's terms: giver, receiver or party."""
    roles = []
    for offer in deal.terms:
        if table.terms[offer.term].scope == "all_parties":
            roles.append("party")
        elif offer.giver == seat:
            roles.append("giver")
        elif offer.receiver == seat:
            roles.append("receiver")
    return roles


def burden(table: Table, deal: Deal | DealSpec, seat: str) -> int:
    """What a deal's terms weigh at home for one party, before any help: their strain for the
    roles the seat plays, and more for a seat people move to or from, where a term says so."""
    total = 0
    role: Literal["giver", "receiver", "party"]
    for offer in deal.terms:
        term = table.terms[offer.term]
        if term.scope == "all_parties":
            role = "party"
        elif offer.giver == seat:
            role = "giver"
        elif offer.receiver == seat:
            role = "receiver"
        else:
            continue
        total += term.strain.get(role, 0)
        if seat in table.receivers:
            total += term.strain.get("destination", 0)
        if seat in table.senders:
            total += term.strain.get("origin", 0)
    return total


def strain(table: Table, state: GameState, deal: Deal | DealSpec, seat: str) -> int:
    """How hard a deal is to sell at home for one party: its burden (see `burden`), less one for
    each backer outside the deal (two at most) and the window's discount where it applies."""
    backers = sum(1 for e in getattr(deal, "endorsers", ()) if e not in deal.parties)
    return eased(table, state, burden(table, deal, seat), backers, right_actors(table, deal.parties))


def eased(table: Table, state: GameState, load: int, backers: int, right: bool) -> int:
    """A burden less its backers' help (two at most) and, with the `right` actors in a window
    round, the window's discount; never below 0."""
    if load <= 0:
        return 0
    load -= min(2, backers)
    if state.window and right:
        load -= table.scenario.rules.window_discount
    return max(0, load)


def right_actors(table: Table, parties: Sequence[str]) -> bool:
    """Whether a deal's parties are the ones a shock's window favours: a receiving state, and a
    state people come from or cross."""
    return _right_actors(table, tuple(parties))


@lru_cache(maxsize=4096)
def _right_actors(table: Table, parties: tuple[str, ...]) -> bool:
    return not table.receivers.isdisjoint(parties) and any(
        p in table.states and p not in table.receivers for p in parties
    )


def window_applies(table: Table, state: GameState, deal: Deal | DealSpec) -> bool:
    """Whether a shock's window eases this deal at home this round (see `right_actors`)."""
    return state.window and right_actors(table, deal.parties)


def price(table: Table, state: GameState, deal: Deal | DealSpec, seat: str) -> int:
    """Political capital a state spends to adopt a deal at home (to ratify a binding one, or to
    sign a non-binding one): see `price_of`."""
    if seat not in table.states:
        return 0
    cohesion = state.seats[table.index[seat]].tracks.get("cohesion", 0)
    return price_of(table, strain(table, state, deal, seat), cohesion)


def price_of(table: Table, load: int, cohesion: int) -> int:
    """The price at home of a deal of this strain: the strain, and one more for each point by
    which the state's public cohesion, less that strain, falls short of the ratification floor."""
    return load + max(0, table.scenario.rules.ratification_floor - (cohesion - load)) if load else 0


def capital(table: Table, state: GameState, seat: str) -> int:
    """A seat's political capital now."""
    return state.seats[table.index[seat]].tracks.get("political_capital", 0)


def holding(state: GameState, spec: DealSpec | Deal) -> tuple[Deal, TermOffer] | None:
    """A deal already holding one of the proposal's terms between the proposal's parties, and
    that term: signing it again adds nothing (see `held`)."""
    known = held(state)
    parties = set(spec.parties)
    for offer in spec.terms:
        for deal in known.get((offer.term, offer.giver, offer.receiver), ()):
            if parties <= set(deal.parties):
                return deal, offer
    return None


def held(state: GameState) -> dict[tuple[str, str | None, str | None], list[Deal]]:
    """The deals that hold each term (with its giver and receiver): agreed, ratified, or in force
    beyond this round (a deal ending this round may be renewed)."""
    out: dict[tuple[str, str | None, str | None], list[Deal]] = {}
    for deal in state.deals:
        if deal.status in ("agreed", "ratified") or (deal.status == "in_force" and (deal.ends or 0) > state.round):
            for offer in deal.terms:
                out.setdefault((offer.term, offer.giver, offer.receiver), []).append(deal)
    return out


def governance_level(table: Table, deal: Deal) -> int:
    """The governance level a deal in force stands for."""
    return level_of(table, deal.forum, deal.terms, deal.parties)


def level_of(table: Table, forum: Forum, terms: Sequence[TermOffer], parties: Sequence[str]) -> int:
    """The governance level of a package of terms in a forum. A term's own level (a compact, a
    convention) counts only when it binds both a receiving and a sending state: migration is
    not governed by one side alone."""
    level = FORUM_LEVEL[forum]
    if not table.receivers.isdisjoint(parties) and not table.senders.isdisjoint(parties):
        for offer in terms:
            level = max(level, table.terms[offer.term].governance)
    return level


def matches(match: CorridorMatch, corridor: CorridorState, roles: dict[str, Sequence[str]]) -> bool:
    """Whether a corridor matches, given which seats play each role (both ways if asked)."""
    if _ends_match(match, corridor.origin, corridor.destination, corridor.transit, roles):
        return True
    return match.both_ways and _ends_match(match, corridor.destination, corridor.origin, corridor.transit, roles)


def _ends_match(
    match: CorridorMatch, origin: str, destination: str, transit: str | None, roles: dict[str, Sequence[str]]
) -> bool:
    for role, seat in ((match.origin, origin), (match.destination, destination), (match.transit, transit)):
        if role == "any":
            continue
        if seat is None or seat not in roles.get(role, ()):
            return False
    return True


def term_roles(offer: TermOffer, parties: Sequence[str]) -> dict[str, Sequence[str]]:
    """The seats in each role of one term of a deal."""
    return {
        "giver": (offer.giver,) if offer.giver else (),
        "receiver": (offer.receiver,) if offer.receiver else (),
        "parties": parties,
        "party": parties,
    }


def pending_ratification(table: Table, state: GameState, seat: str) -> list[Deal]:
    """Agreed binding deals that wait for this seat's ratification."""
    return [
        d
        for d in state.deals
        if d.status == "agreed"
        and d.binding
        and seat in d.parties
        and table.types[seat].state
        and seat not in d.ratified
        and seat not in d.refused
    ]


def describe(table: Table, deal: Deal | DealSpec) -> str:
    """A deal (or a proposal not yet tabled) in one line: forum, binding, duration and each term
    with its roles."""
    kind = "binding" if deal.binding else "non-binding"
    forum = f"regional ({deal.region})" if deal.forum == "regional" else deal.forum
    terms = "; ".join(describe_offer(table, offer) for offer in deal.terms)
    parties = ", ".join(table.name(p) for p in deal.parties) if deal.forum != "global" else "every state"
    return f"{forum}, {kind}, {deal.duration} round{'s' if deal.duration != 1 else ''}, {parties}: {terms}"


def describe_offer(table: Table, offer: TermOffer) -> str:
    """One term of a deal in words."""
    term = table.terms[offer.term]
    params = full_params(term, offer)
    detail = ", ".join(f"{term.params[k].label.lower()} {v}" for k, v in params.items())
    text = term.name.lower() if not term.name.isupper() else term.name
    if offer.giver:
        text = f"{table.name(offer.giver)} gives {table.name(offer.receiver or '')} {text}"
    return f"{text} ({detail})" if detail else text
