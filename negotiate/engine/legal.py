"""Legality: whose turn it is, why an action is refused, and the actions a seat may take now."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, TypeVar

from negotiate.content.schema import Forum, Power
from negotiate.engine.actions import (
    Accept,
    ActionModel,
    Announce,
    Audit,
    Campaign,
    Counter,
    DealSpec,
    EndGame,
    Endorse,
    EndPhase,
    HandOver,
    InjectShock,
    Pass,
    Pause,
    Propose,
    PublishEvidence,
    Ratify,
    Refuse,
    Reject,
    Resume,
    SeatAction,
    SendMessage,
    SetTimer,
    SidePayment,
    Suspend,
    Withdraw,
)
from negotiate.engine.deals import (
    OPEN,
    burden,
    capital,
    check_spec,
    describe_offer,
    eased,
    held,
    holding,
    lead_cost,
    pending_ratification,
    price,
    price_of,
    right_actors,
    unmet,
)
from negotiate.engine.events import possessive
from negotiate.engine.state import FACILITATOR, Deal, GameState, TermOffer, build, clone
from negotiate.engine.table import Table

PLAYER_PHASES = ("negotiation", "ratification", "implementation")
PHASE_ACTIONS: dict[str, tuple[type[SeatAction], ...]] = {
    "negotiation": (
        Propose,
        Counter,
        Accept,
        Reject,
        Withdraw,
        SidePayment,
        Endorse,
        Campaign,
        PublishEvidence,
        SendMessage,
        Pass,
    ),
    "ratification": (Ratify, Refuse, SendMessage),
    "implementation": (Suspend, Audit, PublishEvidence, SendMessage, Pass),
}
SIDE_PAYMENTS = (1, 2, 3, 5)
DealAction = TypeVar("DealAction", Accept, Reject, Withdraw, Endorse, Ratify, Refuse, Suspend, Audit)


def current_seat(table: Table, state: GameState) -> str | None:
    """The seat whose turn it is, or None when no seat is to act."""
    if state.phase in ("negotiation", "implementation"):
        return table.order[state.turn]
    if state.phase == "ratification":
        for seat in table.order:
            if pending_ratification(table, state, seat):
                return seat
    return None


def can_pay(table: Table, state: GameState, seat: str, power: Power) -> bool:
    """Whether a seat has a power and the tracks to pay for using it once."""
    spec = table.types[seat].actions.get(power)
    if spec is None:
        return False
    tracks = state.seats[table.index[seat]].tracks
    return all(tracks.get(track, 0) >= cost for track, cost in spec.cost.items())


def reason(table: Table, state: GameState, action: ActionModel) -> str | None:
    """Why an action is refused now, in words a player understands; None if it is legal."""
    if state.phase == "game_over":
        return "the game is over"
    if not isinstance(action, SeatAction):
        return _facilitator_reason(table, state, action)
    seat = action.seat
    if seat not in table.seats:
        return f"unknown seat {seat!r} (expected one of {', '.join(table.order)})"
    if state.paused:
        return "the facilitator has paused the game"
    turn = current_seat(table, state)
    if turn != seat:
        if turn is None:
            return f"no seat acts in the {state.phase} phase"
        return f"it is {possessive(table.name(turn))} turn, not {possessive(table.name(seat))}"
    if not isinstance(action, PHASE_ACTIONS.get(state.phase, ())):
        return f"{action.type.replace('_', ' ')} is not possible in the {state.phase} phase"  # type: ignore[attr-defined]
    return _seat_reason(table, state, action)


def _facilitator_reason(table: Table, state: GameState, action: ActionModel) -> str | None:
    if isinstance(action, (Announce, SetTimer, EndGame)):
        return None
    if isinstance(action, HandOver):
        return None if action.seat in table.seats else f"unknown seat {action.seat!r}"
    if isinstance(action, Pause):
        return "the game is already paused" if state.paused else None
    if isinstance(action, Resume):
        return None if state.paused else "the game is not paused"
    if isinstance(action, EndPhase):
        if state.paused:
            return "the game is paused: resume it before ending a phase"
        return None if state.phase in PLAYER_PHASES else f"the {state.phase} phase ends by itself"
    if isinstance(action, InjectShock):
        card = table.content.shocks.get(action.card)
        if card is None or action.card not in shock_cards(table):
            return f"unknown shock card {action.card!r} in this scenario's decks"
        if action.target is not None:
            if action.target not in table.seats:
                return f"unknown seat {action.target!r}"
            if card.strikes != "all" and table.seats[action.target].type != card.strikes:
                return f"{card.name} strikes a {card.strikes} seat, and {table.name(action.target)} is not one"
            if card.strikes == "all":
                return f"{card.name} strikes everyone; it takes no target"
        elif card.strikes != "all" and not _of_type(table, card.strikes):
            return f"no {card.strikes} seat at this table for {card.name} to strike"
        return None
    return "the log decides what can be undone"  # Undo is the Game's to judge


def shock_cards(table: Table) -> list[str]:
    """The shock cards of this scenario's decks."""
    return table.content.cards(table.scenario.decks.shocks)


def _of_type(table: Table, seat_type: str) -> list[str]:
    return [s for s in table.order if table.seats[s].type == seat_type]


def _open_deal(state: GameState, deal_id: int) -> tuple[Deal | None, str | None]:
    deal = state.deal(deal_id)
    if deal is None:
        return None, f"there is no deal #{deal_id}"
    return deal, None


def _seat_reason(table: Table, state: GameState, action: SeatAction) -> str | None:
    seat = action.seat
    name = table.name(seat)
    rules = table.scenario.rules
    if isinstance(action, SendMessage):
        if action.to is not None and (action.to not in table.seats or action.to == seat):
            return "a message goes to another seat at the table, or to all"
        if state.messages_this_turn >= rules.messages_per_turn:
            return f"at most {rules.messages_per_turn} messages a turn"
        return None
    if isinstance(action, Pass):
        return None
    if isinstance(action, DealSpec):
        if isinstance(action, Counter):
            deal, problem = _open_deal(state, action.deal)
            if deal is None:
                return problem
            if deal.status != "open" or seat not in deal.parties or seat == deal.proposer:
                return f"{name} can counter only an open proposal it is party to and did not make"
        elif _open_count(state, seat) >= rules.max_open:
            return f"{name} already has {rules.max_open} proposals on the table"
        return check_spec(table, state, action)
    if isinstance(action, SidePayment):
        if "side_payment" not in table.types[seat].actions:
            return f"{name} cannot make side payments"
        if action.to == seat or action.to not in table.seats or "budget" not in table.types[action.to].tracks:
            return "a side payment goes to another seat that holds a budget"
        if state.seats[table.index[seat]].tracks.get("budget", 0) < action.amount:
            return f"{name} has less than {action.amount} in its budget"
        return None
    if isinstance(action, Campaign):
        if not can_pay(table, state, seat, "campaign"):
            return f"{name} cannot campaign (no such power, or not enough to pay for it)"
        if action.target not in table.states:
            return "a campaign targets a state's public"
        return None
    if isinstance(action, PublishEvidence):
        if not can_pay(table, state, seat, "publish_evidence"):
            return f"{name} cannot publish evidence (no such power, or not enough to pay for it)"
        if action.term not in state.hidden:
            return f"{action.term!r} is not a term with uncertain effects"
        if action.term in state.revealed:
            return "that evidence is already published"
        return None
    deal, problem = _open_deal(state, action.deal)  # type: ignore[attr-defined]
    if deal is None:
        return problem
    return _deal_reason(table, state, action, deal)


def _deal_reason(table: Table, state: GameState, action: SeatAction, deal: Deal) -> str | None:
    seat = action.seat
    name = table.name(seat)
    if isinstance(action, (Accept, Reject)):
        if deal.status != "open":
            return f"deal #{deal.id} is not open for answers ({deal.status})"
        if seat not in deal.parties:
            return f"{name} is not a party to deal #{deal.id}"
        if seat in deal.accepted or seat in deal.rejected:
            return f"{name} has already answered deal #{deal.id}"
        if isinstance(action, Accept):
            held_by = holding(state, deal)
            if held_by is not None:
                return f"deal #{held_by[0].id} already holds {describe_offer(table, held_by[1])} between these parties"
            if not deal.binding:
                cost, have = price(table, state, deal, seat), capital(table, state, seat)
                if cost > have:
                    return f"signing deal #{deal.id} would cost {name} {cost} political capital at home; it has {have}"
        return None
    if isinstance(action, Withdraw):
        if deal.proposer != seat or deal.status not in OPEN:
            return f"{name} can withdraw only its own proposals still on the table"
        return None
    if isinstance(action, Endorse):
        if not can_pay(table, state, seat, "endorse"):
            return f"{name} cannot endorse deals"
        if deal.status not in OPEN:
            return f"deal #{deal.id} is no longer on the table"
        if seat in deal.endorsers or (seat in deal.parties and deal.status != "draft"):
            return f"{name} already stands behind deal #{deal.id}"
        if deal.status == "draft" and table.types[seat].state:
            lead = lead_cost(table, state, seat) if deal.forum == "global" else 0
            cost = price(table, state, deal, seat) if seat in deal.parties and not deal.binding else 0
            if lead + cost > capital(table, state, seat):
                return (
                    f"sponsoring deal #{deal.id} would cost {name} {lead + cost} political capital "
                    f"(leading it, glass house, and signing it at home)"
                )
        return None
    if isinstance(action, (Ratify, Refuse)):
        if deal not in pending_ratification(table, state, seat):
            return f"deal #{deal.id} does not wait for {possessive(name)} ratification"
        if isinstance(action, Ratify):
            need, have = price(table, state, deal, seat), capital(table, state, seat)
            if need > have:
                return f"{possessive(name)} public would reject deal #{deal.id}: ratifying needs {need} political capital, it has {have}"
        return None
    if isinstance(action, Suspend):
        if deal.status != "in_force" or deal.binding or seat not in deal.parties:
            return f"{name} can suspend only a non-binding deal in force that it is party to"
        cost = table.scenario.rules.suspend_cost
        if state.seats[table.index[seat]].tracks.get("political_capital", 0) < cost:
            return f"suspending costs {cost} political capital, which {name} lacks"
        return None
    if isinstance(action, Audit):
        if not can_pay(table, state, seat, "audit"):
            return f"{name} cannot audit (no such power, or not enough to pay for it)"
        if deal.status != "in_force" or deal.binding:
            return "only a non-binding deal in force can be audited"
        if seat in deal.audited_by:
            return f"{name} has already audited deal #{deal.id} this round"
        return None
    return f"unknown action {action!r}"


def _open_count(state: GameState, seat: str) -> int:
    return sum(1 for d in state.deals if d.proposer == seat and d.status in OPEN)


# --- enumeration ---------------------------------------------------------------------------


def legal_actions(table: Table, state: GameState, seat: str) -> list[ActionModel]:
    """Every legal action of the seat now. Free-text messages are legal too but not listed;
    proposals are listed as one standard deal per term, partner and forum, and any other
    well-formed package can be checked with `reason`."""
    if seat == FACILITATOR:
        return _facilitator_actions(table, state)
    if state.paused or state.phase == "game_over" or current_seat(table, state) != seat:
        return []
    if state.phase == "ratification":
        out: list[ActionModel] = []
        for deal in pending_ratification(table, state, seat):
            ratify = _on_deal(Ratify, seat, deal.id)
            if _seat_reason(table, state, ratify) is None:
                out.append(ratify)
            out.append(_on_deal(Refuse, seat, deal.id))
        return out
    out = [_pass(seat)]
    if state.phase == "implementation":
        return out + implementation_options(table, state, seat)
    return out + _negotiation_options(table, state, seat)


@lru_cache(maxsize=4096)
def _on_deal(kind: type[DealAction], seat: str, deal: int) -> DealAction:
    """A seat's action on a deal. Actions are immutable, so one made once serves every listing."""
    return build(kind, seat=seat, deal=deal, reason=None, type=kind.model_fields["type"].default)


@lru_cache(maxsize=256)
def _pass(seat: str) -> Pass:
    return build(Pass, seat=seat, reason=None, type="pass")


def implementation_options(table: Table, state: GameState, seat: str) -> list[ActionModel]:
    """What a seat may do in the implementation phase besides passing."""
    out: list[ActionModel] = []
    audit = can_pay(table, state, seat, "audit")
    for deal in state.deals:
        if deal.status != "in_force" or deal.binding:
            continue
        suspend = _on_deal(Suspend, seat, deal.id)
        if seat in deal.parties and _deal_reason(table, state, suspend, deal) is None:
            out.append(suspend)
        if audit and seat not in deal.audited_by:
            out.append(_on_deal(Audit, seat, deal.id))
    out += _evidence_options(table, state, seat)
    return out


def _evidence_options(table: Table, state: GameState, seat: str) -> list[ActionModel]:
    if not can_pay(table, state, seat, "publish_evidence"):
        return []
    return [_publish(seat, term) for term in state.hidden if term not in state.revealed]


@lru_cache(maxsize=1024)
def _publish(seat: str, term: str) -> PublishEvidence:
    return build(PublishEvidence, type="publish_evidence", reason=None, seat=seat, term=term)


def _negotiation_options(table: Table, state: GameState, seat: str) -> list[ActionModel]:
    out: list[ActionModel] = []
    powers = table.types[seat].actions
    for deal in state.deals:
        if deal.status not in OPEN:
            continue
        if deal.status == "open" and seat in deal.parties and seat not in deal.accepted and seat not in deal.rejected:
            accept = _on_deal(Accept, seat, deal.id)
            if _deal_reason(table, state, accept, deal) is None:  # it can pay the price at home, it adds something
                out.append(accept)
            out.append(_on_deal(Reject, seat, deal.id))
            if seat != deal.proposer:
                out += _counters(table, state, seat, deal)
        if deal.proposer == seat:
            out.append(_on_deal(Withdraw, seat, deal.id))
        if "endorse" in powers:
            endorse = _on_deal(Endorse, seat, deal.id)
            if _deal_reason(table, state, endorse, deal) is None:
                out.append(endorse)
    tracks = state.seats[table.index[seat]].tracks
    if "side_payment" in powers:
        budget = tracks.get("budget", 0)
        out += [p for p in _side_payments(table, seat) if p.amount <= budget]
    if can_pay(table, state, seat, "campaign"):
        out += _campaigns(table, seat)
    out += _evidence_options(table, state, seat)
    if "propose" in powers and _open_count(state, seat) < table.scenario.rules.max_open:
        out += _open_proposals(table, state, seat)
    return out


def _open_proposals(table: Table, state: GameState, seat: str) -> list[ActionModel]:
    """The seat's standard proposals it may table now, in their order: those it can pay for at
    home (with the cost of leading a global one), that hold no term already agreed or in force
    between their parties, and whose terms' requirements its parties meet (see `check_spec`)."""
    have = capital(table, state, seat)
    lead = lead_cost(table, state, seat) if seat in table.states else 0
    cohesion = state.seats[table.index[seat]].tracks.get("cohesion", 0)
    live = tuple(  # a deal's parties and terms only ever shrink, with its parties (see `narrow`, `_suspend`)
        (d.id, d.status, d.ends, len(d.parties)) for d in state.deals if d.status in ("agreed", "ratified", "in_force")
    )
    needs = tuple(state.seats[table.index[s]].tracks.get(t) for s, t in _requirement_tracks(table))
    signature = (have, lead, cohesion, state.window, state.round, live, needs)  # all the listing depends on
    last = _listed.get((table, seat))
    if last is not None and last[0] == signature:
        return last[1]
    holds = held(state)
    affordable: dict[tuple[bool, bool, int, bool], bool] = {}  # by what the cost depends on
    out: list[ActionModel] = []
    for proposal, cost_key, key, parties, requires in _standard_loads(table, seat):
        ok = affordable.get(cost_key)
        if ok is None:
            leads, signs, load, right = cost_key
            cost = (lead if leads else 0) + (
                price_of(table, eased(table, state, load, 0, right), cohesion) if signs else 0
            )
            ok = affordable[cost_key] = cost <= have
        if not ok:
            continue
        holding_deals = holds.get(key) if holds else None
        if holding_deals and any(parties <= set(d.parties) for d in holding_deals):
            continue
        if requires and unmet(table, state, table.terms[key[0]], proposal.terms[0], proposal.parties):
            continue
        out.append(proposal)
    _listed[(table, seat)] = (signature, out)
    return out


_listed: dict[tuple[Table, str], tuple[tuple, list[ActionModel]]] = {}
"""Each seat's last listing of open proposals, with the facts it depends on (see `_open_proposals`):
a seat's turns often come back to an unchanged listing."""


@lru_cache(maxsize=256)
def _requirement_tracks(table: Table) -> tuple[tuple[str, str], ...]:
    """Every (seat, track) that a term's requirements read (see `unmet`)."""
    tracks = {need.track for term in table.terms.values() for need in term.requires}
    return tuple((s, t) for s in table.order for t in sorted(tracks) if t in table.types[s].tracks)


Standard = tuple[Propose, tuple[bool, bool, int, bool], tuple[str, str | None, str | None], frozenset[str], bool]
"""A standard proposal, what its cost to the proposer depends on besides the state (whether it
leads it in the global forum, whether it signs it at home as it enters into force, its burden on
it, whether its parties are a window's right actors), its term key, its parties, and whether its
term has requirements to meet."""


@lru_cache(maxsize=256)
def _standard_loads(table: Table, seat: str) -> tuple[Standard, ...]:
    """The seat's standard proposals, each with what its legality depends on besides the state."""
    is_state = seat in table.states
    out = []
    for p in _standard_proposals(table, seat):
        offer = p.terms[0]
        signs = is_state and not p.binding and seat in p.parties
        cost_key = (is_state and p.forum == "global", signs, burden(table, p, seat), right_actors(table, p.parties))
        key = (offer.term, offer.giver, offer.receiver)
        out.append((p, cost_key, key, frozenset(p.parties), bool(table.terms[offer.term].requires)))
    return tuple(out)


@lru_cache(maxsize=1024)
def _side_payments(table: Table, seat: str) -> tuple[SidePayment, ...]:
    return tuple(
        build(SidePayment, seat=seat, to=other, amount=a, reason=None, type="side_payment")
        for other in table.order
        if other != seat and "budget" in table.types[other].tracks
        for a in SIDE_PAYMENTS
    )


@lru_cache(maxsize=1024)
def _campaigns(table: Table, seat: str) -> tuple[Campaign, ...]:
    return tuple(
        build(Campaign, seat=seat, target=target, direction=d, reason=None, type="campaign")
        for target in table.states
        for d in (1, -1)
    )


def _counters(table: Table, state: GameState, seat: str, deal: Deal) -> list[ActionModel]:
    """Counter-proposals one step from a deal: each parameter moved by one, or a term dropped."""
    out: list[ActionModel] = []
    base: dict[str, Any] = {
        "seat": seat,
        "deal": deal.id,
        "forum": deal.forum,
        "parties": deal.parties,
        "binding": deal.binding,
        "duration": deal.duration,
        "region": deal.region,
        "reason": None,
        "type": "counter",
    }
    # A parameter within its bounds never decides whether a package can be tabled: the deal's own
    # terms, checked once, answer for every counter that only moves a parameter.
    same_terms = check_spec(table, state, build(Counter, terms=deal.terms, **base)) is None
    for i, offer in enumerate(deal.terms):
        for key, spec in table.terms[offer.term].params.items() if same_terms else ():
            value = offer.params.get(key, spec.default)
            for step in (-1, 1):
                if spec.min <= value + step <= spec.max:
                    changed = clone(offer, params={**offer.params, key: value + step})
                    terms = deal.terms[:i] + [changed] + deal.terms[i + 1 :]
                    out.append(build(Counter, terms=terms, **base))
        if len(deal.terms) > 1:
            dropped = build(Counter, terms=deal.terms[:i] + deal.terms[i + 1 :], **base)
            if check_spec(table, state, dropped) is None:  # type: ignore[arg-type]
                out.append(dropped)
    return out


def standard_proposals(table: Table, seat: str) -> list[Propose]:
    """One standard proposal per term, partner and forum that this seat could table."""
    return list(_standard_proposals(table, seat))


@lru_cache(maxsize=256)
def _standard_proposals(table: Table, seat: str) -> tuple[Propose, ...]:
    kind = table.types[seat]
    out: list[Propose] = []

    def add(forum: Forum, parties: list[str], offer: TermOffer, binding: bool, region: str | None = None) -> None:
        out.append(
            build(
                Propose,
                seat=seat,
                forum=forum,
                parties=parties,
                terms=[offer],
                binding=binding,
                duration=2,
                region=region,
                reason=None,
                type="propose",
            )
        )

    for term_id, term in table.terms.items():
        bindings = [term.binding == "binding"] if term.binding != "any" else [False, True]
        if term.scope == "offer":
            if "bilateral" not in term.forums:
                continue
            for giver in table.order:
                for receiver in table.order:
                    if seat not in (giver, receiver) or giver == receiver:
                        continue
                    if table.seats[giver].type not in term.givers or table.seats[receiver].type not in term.receivers:
                        continue
                    if term.same_tier and table.tier(giver) != table.tier(receiver):
                        continue
                    for binding in bindings:
                        add(
                            "bilateral",
                            [s for s in table.order if s in (giver, receiver)],  # one venue, whoever gives
                            TermOffer(term=term_id, giver=giver, receiver=receiver),
                            binding,
                        )
            continue
        offer = TermOffer(term=term_id)
        if "global" in term.forums and (kind.state or kind.needs_sponsor):
            for binding in bindings:
                add("global", list(table.states), offer, binding)
        if "regional" in term.forums:
            for region, members in sorted(table.regions.items()):
                states = [s for s in members if table.types[s].state]
                if len(states) >= 3 and (seat in states or kind.needs_sponsor):
                    for binding in bindings:
                        add("regional", states, offer, binding, region)
        if "bilateral" in term.forums and kind.state:
            for other in table.states:
                if other != seat:
                    for binding in bindings:
                        add("bilateral", [seat, other], offer, binding)
    return tuple(out)


def _facilitator_actions(table: Table, state: GameState) -> list[ActionModel]:
    if state.phase == "game_over":
        return []
    out: list[ActionModel] = [Resume() if state.paused else Pause()]
    if state.phase in PLAYER_PHASES and not state.paused:
        out.append(EndPhase())
    out.append(EndGame())
    for card_id in shock_cards(table):
        card = table.content.shocks[card_id]
        targets: list[str | None] = [None] if card.strikes == "all" else [None, *_of_type(table, card.strikes)]
        for target in targets:
            inject = InjectShock(card=card_id, target=target)
            if _facilitator_reason(table, state, inject) is None:
                out.append(inject)
    return out
