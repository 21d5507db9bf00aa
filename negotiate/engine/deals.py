"""Deal rules: what makes a proposal valid, who plays which role, and what ratifying costs."""

from __future__ import annotations

from collections.abc import Sequence

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
        problem = check_offer(table, spec, offer)
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
    if spec.forum == "global" and table.types[seat].state:
        cost = lead_cost(table, state, seat)
        if state.seats[table.index[seat]].tracks.get("political_capital", 0) < cost:
            return f"leading a global proposal costs {name} {cost} political capital (glass house), which it lacks"
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


def check_offer(table: Table, spec: DealSpec, offer: TermOffer) -> str | None:
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


def strain(table: Table, state: GameState, deal: Deal, seat: str) -> int:
    """How hard a deal is to sell at home for one party, after endorsements and any window."""
    total = 0
    for offer in deal.terms:
        term = table.terms[offer.term]
        if term.scope == "all_parties":
            total += term.strain.get("party", 0)
        elif offer.giver == seat:
            total += term.strain.get("giver", 0)
        elif offer.receiver == seat:
            total += term.strain.get("receiver", 0)
    if total <= 0:
        return 0
    backers = [e for e in deal.endorsers if e not in deal.parties]
    total -= min(2, len(backers))
    if window_applies(table, state, deal):
        total -= table.scenario.rules.window_discount
    return max(0, total)


def window_applies(table: Table, state: GameState, deal: Deal) -> bool:
    """A shock's window: multilateral deals with a receiving and a sending state are cheaper."""
    return (
        state.window
        and deal.forum != "bilateral"
        and not table.receivers.isdisjoint(deal.parties)
        and not table.senders.isdisjoint(deal.parties)
    )


def shortfall(table: Table, state: GameState, deal: Deal, seat: str) -> int:
    """Political capital needed to ratify: how far cohesion minus strain falls below the floor."""
    load = strain(table, state, deal, seat)
    if load == 0:
        return 0
    cohesion = state.seats[table.index[seat]].tracks.get("cohesion", 0)
    return max(0, table.scenario.rules.ratification_floor - (cohesion - load))


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


def describe(table: Table, deal: Deal) -> str:
    """A deal in one line: forum, binding, duration and each term with its roles."""
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
