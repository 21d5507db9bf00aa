"""What each legal seat action does to the state. Legality is checked before (see `legal`)."""

from __future__ import annotations

from collections.abc import Callable

from negotiate.content.schema import Power
from negotiate.engine.actions import (
    Accept,
    Audit,
    Campaign,
    Counter,
    DealSpec,
    Endorse,
    Pass,
    Propose,
    PublishEvidence,
    Ratify,
    Refuse,
    Reject,
    SeatAction,
    SendMessage,
    SidePayment,
    Suspend,
    Withdraw,
)
from negotiate.engine.deals import describe, full_params, lead_cost, narrow, price
from negotiate.engine.effects import move_seat
from negotiate.engine.events import Story, possessive
from negotiate.engine.legal import implementation_options
from negotiate.engine.state import Deal, GameState, Message, Payment, build
from negotiate.engine.table import Table


def perform(table: Table, state: GameState, action: SeatAction, story: Story) -> None:
    """Carry out a legal seat action, then pass the turn on where the action ends it."""
    handler = HANDLERS[type(action)]
    handler(table, state, action, story)
    if isinstance(action, SendMessage):
        state.messages_this_turn += 1
    elif state.phase in ("negotiation", "implementation"):
        end_turn(table, state, passed=isinstance(action, Pass))
    else:  # a ratification decision: the next decider starts with a fresh allowance
        state.messages_this_turn = 0


def end_turn(table: Table, state: GameState, passed: bool) -> None:
    """Give the turn to the next seat with something to do; seats with nothing to do pass."""
    state.passes = state.passes + 1 if passed else 0
    if not passed:
        state.beats += 1
    state.messages_this_turn = 0
    seats = len(table.order)
    for _ in range(seats):
        if state.passes >= seats:
            return
        state.turn = (state.turn + 1) % seats
        if has_options(table, state, table.order[state.turn]):
            return
        state.passes += 1


def has_options(table: Table, state: GameState, seat: str) -> bool:
    """Whether a seat can do anything but pass (in negotiation, every seat can)."""
    if state.phase == "implementation":
        return bool(implementation_options(table, state, seat))
    return True


def _pay(table: Table, state: GameState, seat: str, power: Power, story: Story, why: str) -> None:
    spec = table.types[seat].actions[power]
    for track, cost in spec.cost.items():
        move_seat(table, state, seat, track, -cost, why, story)
    for track, gain in spec.gain.items():
        move_seat(table, state, seat, track, gain, why, story)


def _stat(table: Table, state: GameState, seat: str, stat: str, n: int = 1) -> None:
    stats = state.seats[table.index[seat]].stats
    stats[stat] = stats.get(stat, 0) + n


def _table_deal(table: Table, state: GameState, action: DealSpec, story: Story, counter_of: int | None = None) -> Deal:
    seat = action.seat
    terms = [o.model_copy(update={"params": full_params(table.terms[o.term], o)}) for o in action.terms]
    draft = table.types[seat].needs_sponsor
    deal = Deal(
        id=len(state.deals) + 1,
        proposer=seat,
        forum=action.forum,
        region=action.region,
        parties=list(action.parties),
        terms=terms,
        binding=action.binding,
        duration=action.duration,
        status="draft" if draft else "open",
        round=state.round,
        accepted=[seat] if seat in action.parties else [],
        counter_of=counter_of,
    )
    state.deals.append(deal)
    _stat(table, state, seat, "deals_proposed")
    verb = "drafts (needs a state sponsor)" if draft else ("counters with" if counter_of else "proposes")
    story.add("deal", f"{table.name(seat)} {verb} deal #{deal.id}: {describe(table, deal)}")
    if action.forum == "global" and not draft and table.types[seat].state:
        cost = lead_cost(table, state, seat)
        move_seat(
            table,
            state,
            seat,
            "political_capital",
            -cost,
            f"leads a global proposal (glass house {state.seats[table.index[seat]].glass_house})",
            story,
        )
    return deal


def _propose(table: Table, state: GameState, action: DealSpec, story: Story) -> None:
    _table_deal(table, state, action, story)


def _counter(table: Table, state: GameState, action: Counter, story: Story) -> None:
    old = state.deals[action.deal - 1]
    old.status = "countered"
    _table_deal(table, state, action, story, counter_of=old.id)


def _accept(table: Table, state: GameState, action: Accept, story: Story) -> None:
    deal = state.deals[action.deal - 1]
    deal.accepted.append(action.seat)
    word = "votes yes on" if deal.forum == "global" else "accepts"
    story.add("deal", f"{table.name(action.seat)} {word} deal #{deal.id}")
    if deal.forum != "global" and all(p in deal.accepted for p in deal.parties):
        deal.status = "agreed"
        story.add("deal", f"Deal #{deal.id} is agreed by all its parties")


def _reject(table: Table, state: GameState, action: Reject, story: Story) -> None:
    deal = state.deals[action.deal - 1]
    deal.rejected.append(action.seat)
    if deal.forum == "global":
        story.add("deal", f"{table.name(action.seat)} votes no on deal #{deal.id}")
    else:
        deal.status = "rejected"
        story.add("deal", f"{table.name(action.seat)} rejects deal #{deal.id}")


def _withdraw(table: Table, state: GameState, action: Withdraw, story: Story) -> None:
    deal = state.deals[action.deal - 1]
    deal.status = "withdrawn"
    story.add("deal", f"{table.name(action.seat)} withdraws deal #{deal.id}")


def _side_payment(table: Table, state: GameState, action: SidePayment, story: Story) -> None:
    why = f"side payment from {table.name(action.seat)} to {table.name(action.to)}"
    move_seat(table, state, action.seat, "budget", -action.amount, why, story)
    move_seat(table, state, action.to, "budget", action.amount, why, story)
    state.payments.append(build(Payment, round=state.round, sender=action.seat, to=action.to, amount=action.amount))


def _endorse(table: Table, state: GameState, action: Endorse, story: Story) -> None:
    seat = action.seat
    deal = state.deals[action.deal - 1]
    deal.endorsers.append(seat)
    _pay(table, state, seat, "endorse", story, f"endorses deal #{deal.id}")
    if deal.status == "draft" and table.types[seat].state:
        deal.status = "open"
        deal.sponsor = seat
        if seat in deal.parties:
            deal.accepted.append(seat)
        story.add("deal", f"{table.name(seat)} sponsors deal #{deal.id}: the draft is now on the table")
        if deal.forum == "global":
            move_seat(
                table,
                state,
                seat,
                "political_capital",
                -lead_cost(table, state, seat),
                "leads a global proposal",
                story,
            )
    else:
        story.add("deal", f"{table.name(seat)} endorses deal #{deal.id}")


def _campaign(table: Table, state: GameState, action: Campaign, story: Story) -> None:
    seat = action.seat
    strength = table.types[seat].actions["campaign"].strength
    aim = "for" if action.direction > 0 else "against"
    why = f"{table.name(seat)} campaigns {aim} openness in {table.name(action.target)}"
    _pay(table, state, seat, "campaign", story, why)
    move_seat(table, state, action.target, "cohesion", strength * action.direction, why, story)
    _stat(table, state, seat, "campaigns")


def _publish(table: Table, state: GameState, action: PublishEvidence, story: Story) -> None:
    term = table.terms[action.term]
    _pay(table, state, action.seat, "publish_evidence", story, f"publishes evidence on {term.name.lower()}")
    reveal(table, state, action.term, story, f"{table.name(action.seat)} publishes evidence")
    _stat(table, state, action.seat, "evidence_published")


def reveal(table: Table, state: GameState, term_id: str, story: Story, who: str) -> None:
    """Publish the true size of a term's uncertain effects."""
    if term_id in state.revealed:
        return
    state.revealed.append(term_id)
    term = table.terms[term_id]
    truths = []
    for unc, offset in zip(term.uncertain, state.hidden[term_id]):
        per = f" per {term.params[unc.times].label.lower()}" if unc.times else ""
        truths.append(f"{possessive(unc.who)} {unc.track.replace('_', ' ')} {offset:+d}{per} each round")
    story.add("evidence", f"{who}: {term.name} really moves {', '.join(truths)}")


def _ratify(table: Table, state: GameState, action: Ratify, story: Story) -> None:
    seat = action.seat
    deal = state.deals[action.deal - 1]
    pay_price(table, state, deal, seat, story)
    deal.ratified.append(seat)
    _stat(table, state, seat, "ratified")
    story.add("ratify", f"{table.name(seat)} ratifies deal #{deal.id}")
    settle_ratification(table, state, deal, story)


def pay_price(table: Table, state: GameState, deal: Deal, seat: str, story: Story) -> None:
    """A state adopts a deal at home: it spends the deal's price in political capital (as much as
    it has left)."""
    cost = price(table, state, deal, seat)
    if cost:
        move_seat(table, state, seat, "political_capital", -cost, f"adopts deal #{deal.id} at home", story)


def _refuse(table: Table, state: GameState, action: Refuse, story: Story) -> None:
    refuse(table, state, state.deals[action.deal - 1], action.seat, story)


def refuse(table: Table, state: GameState, deal: Deal, seat: str, story: Story) -> None:
    """A party refuses to ratify a deal."""
    deal.refused.append(seat)
    _stat(table, state, seat, "refused")
    story.add("ratify", f"{table.name(seat)} refuses to ratify deal #{deal.id}")
    settle_ratification(table, state, deal, story)


def settle_ratification(table: Table, state: GameState, deal: Deal, story: Story) -> None:
    """A binding deal fails at the first refusal (in the global forum: once it cannot reach
    enough ratifiers); it is ratified once every state party has decided."""
    states = [p for p in deal.parties if table.types[p].state]
    undecided = [p for p in states if p not in deal.ratified and p not in deal.refused]
    if deal.forum != "global" and deal.refused:
        undecided = []
    if deal.forum == "global" and len(deal.ratified) + len(undecided) < table.scenario.rules.convention_min_ratifiers:
        undecided = []
    if undecided:
        return
    if deal.forum == "global":
        needed = table.scenario.rules.convention_min_ratifiers
        if len(deal.ratified) >= needed:
            narrow(deal, deal.ratified)
            deal.status = "ratified"
            story.add(
                "ratify",
                f"Deal #{deal.id} is ratified by {len(deal.ratified)} states and will enter into force among them",
            )
        else:
            deal.status = "failed"
            story.add("ratify", f"Deal #{deal.id} fails: {len(deal.ratified)} ratifications, {needed} needed")
    elif deal.refused:
        deal.status = "failed"
        story.add("ratify", f"Deal #{deal.id} fails: {', '.join(table.name(p) for p in deal.refused)} would not ratify")
    else:
        deal.status = "ratified"
        story.add("ratify", f"Deal #{deal.id} is ratified by every party")


def _suspend(table: Table, state: GameState, action: Suspend, story: Story) -> None:
    seat = action.seat
    deal = state.deals[action.deal - 1]
    cost = table.scenario.rules.suspend_cost
    move_seat(table, state, seat, "political_capital", -cost, f"suspends its commitment to deal #{deal.id}", story)
    _stat(table, state, seat, "suspended")
    if any(o.giver == seat or o.receiver == seat for o in deal.terms) or len(deal.parties) <= 2:
        deal.status = "suspended"
        story.add("deal", f"{table.name(seat)} suspends deal #{deal.id}, which ends")
    else:
        deal.parties.remove(seat)
        story.add("deal", f"{table.name(seat)} leaves deal #{deal.id}; the others carry on")


def _audit(table: Table, state: GameState, action: Audit, story: Story) -> None:
    seat = action.seat
    deal = state.deals[action.deal - 1]
    deal.audited_by.append(seat)
    _pay(table, state, seat, "audit", story, f"audits deal #{deal.id}")
    _stat(table, state, seat, "audits")
    lapsed = [p for p in state.lapses.get(deal.id, []) if p in deal.parties]
    if not lapsed:
        story.add("audit", f"{table.name(seat)} audits deal #{deal.id}: every party is complying")
        return
    penalty = table.scenario.rules.lapse_penalty
    for party in lapsed:
        why = f"{possessive(table.name(seat))} audit exposes that it broke deal #{deal.id}"
        move_seat(table, state, party, "political_capital", -penalty, why, story)
        state.seats[table.index[party]].glass_house += 1
        story.add("audit", f"{why}: its glass house grows to {state.seats[table.index[party]].glass_house}")
        _stat(table, state, seat, "lapses_found")


def _message(table: Table, state: GameState, action: SendMessage, story: Story) -> None:
    state.messages.append(Message(round=state.round, sender=action.seat, to=action.to, text=action.text))
    to = f" to {table.name(action.to)}" if action.to else " to all"
    story.add("message", f"{table.name(action.seat)}{to}: {action.text}", to=action.to)


def _pass(table: Table, state: GameState, action: Pass, story: Story) -> None:
    story.add("pass", f"{table.name(action.seat)} passes")


HANDLERS: dict[type[SeatAction], Callable[..., None]] = {
    Propose: _propose,
    Counter: _counter,
    Accept: _accept,
    Reject: _reject,
    Withdraw: _withdraw,
    SidePayment: _side_payment,
    Endorse: _endorse,
    Campaign: _campaign,
    PublishEvidence: _publish,
    Ratify: _ratify,
    Refuse: _refuse,
    Suspend: _suspend,
    Audit: _audit,
    SendMessage: _message,
    Pass: _pass,
}
