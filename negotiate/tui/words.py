"""Actions, phases and tracks in the words a player reads (no textual here)."""

from __future__ import annotations

from collections.abc import Sequence

from negotiate.engine import ActionModel
from negotiate.engine.deals import describe, describe_offer
from negotiate.engine.state import Deal, TermOffer
from negotiate.engine.table import Table

PHASES = {
    "trend": "trend",
    "shock": "shock",
    "negotiation": "negotiate",
    "ratification": "ratify",
    "implementation": "implement",
    "resolution": "resolve",
    "scoring": "score",
}
"""The round's phases, in order, with their short names on the table (setup and game over are
outside the round)."""

PHASE_HELP = {
    "negotiation": "propose, answer and sponsor deals; every seat passing in a row ends the phase",
    "ratification": "each party ratifies or refuses the agreed binding deals at home",
    "implementation": "suspend or audit deals in force, publish evidence, then pass",
    "game_over": "the game is over",
}


def figure(value: float, spec: str = "g") -> str:
    """`value` as format(value, spec) writes it, but never as -0 (or -0.0): a negative zero, or a
    loss too small for the digits shown, is written as 0."""
    text = format(value, spec)
    return format(0.0, spec) if float(text) == 0 else text


def counted(number: int, noun: str) -> str:
    """A number of things: "1 round", "2 rounds"."""
    return f"{number} {noun}{'s' if number != 1 else ''}"


def deal_line(table: Table, deal: Deal) -> str:
    """A deal in one line, with its number."""
    return f"#{deal.id} {describe(table, deal)}"


def offer_line(table: Table, offer: TermOffer) -> str:
    return describe_offer(table, offer)


def action_line(table: Table, action: ActionModel) -> str:
    """A listed move (not a proposal, payment or message: those have dialogs) as a menu entry:
    "Accept deal #3", "Campaign in Vellara to raise its cohesion"."""
    kind = action.type  # type: ignore[attr-defined]
    fields = action.__dict__
    if kind == "pass":
        return "Pass (end your turn)"
    if "deal" in fields:
        verb = {
            "accept": "Accept",
            "reject": "Reject",
            "withdraw": "Withdraw",
            "endorse": "Endorse",
            "ratify": "Ratify",
            "refuse": "Refuse to ratify",
            "suspend": "Suspend your part in",
            "audit": "Audit",
        }[kind]
        return f"{verb} deal #{fields['deal']}"
    if kind == "campaign":
        way = "raise" if fields["direction"] > 0 else "lower"
        return f"Campaign in {table.name(fields['target'])} to {way} its cohesion"
    if kind == "publish_evidence":
        return f"Publish evidence on {table.terms[fields['term']].name}"
    return kind.replace("_", " ").capitalize()


def leverage(table: Table, seat: str) -> str:
    """The seat's leverage as its seat type says it (its summary, if the type says nothing of
    it), with a state's votes in the global forum."""
    kind = table.types[seat]
    text = kind.leverage or kind.summary
    if kind.state:
        total = sum(table.seats[state].votes for state in table.states)
        text += f" You cast {table.seats[seat].votes} of the global forum's {total} votes."
    return text


def now_text(table: Table, legal: Sequence[ActionModel], turn: str | None) -> str:
    """What a seat may do now, as a sentence: its `legal` moves on its turn, else whose `turn` it is."""
    if legal:
        return f"Now you may {moves_now(table, legal)}."
    return f"Now {table.name(turn)} is to play: your moves come on your turn." if turn else ""


def moves_now(table: Table, legal: Sequence[ActionModel]) -> str:
    """A seat's legal moves, grouped and counted in words: "answer deal #2, propose a deal,
    campaign in 3 states, or pass"."""
    on_deals: dict[str, list[int]] = {}
    kinds: dict[str, list[ActionModel]] = {}
    for action in legal:
        kind, deal = action.type, getattr(action, "deal", None)  # type: ignore[attr-defined]
        if deal is None:
            kinds.setdefault(kind, []).append(action)
        elif deal not in (numbers := on_deals.setdefault(DEAL_MOVES[kind], [])):
            numbers.append(deal)
    if "refuse" in on_deals:  # a deal one may ratify is said once, as "ratify or refuse"
        on_deals["refuse"] = [n for n in on_deals["refuse"] if n not in on_deals.get("ratify or refuse", [])]
    said = {words: f"{words} {numbered(numbers)}" for words, numbers in on_deals.items() if numbers}
    if "propose" in kinds:
        said["propose"] = "propose a deal"
    if "campaign" in kinds:
        targets = sorted({action.target for action in kinds["campaign"]})  # type: ignore[attr-defined]
        said["campaign"] = "campaign in " + (
            table.name(targets[0]) if len(targets) == 1 else counted(len(targets), "state")
        )
    if "publish_evidence" in kinds:
        terms = [action.term for action in kinds["publish_evidence"]]  # type: ignore[attr-defined]
        said["publish_evidence"] = "publish evidence on " + (
            table.terms[terms[0]].name if len(terms) == 1 else counted(len(terms), "term")
        )
    if "side_payment" in kinds:
        said["side_payment"] = "pay a side payment"
    if "pass" in kinds:
        said["pass"] = "pass"
    moves = [said[group] for group in MOVES_ORDER if group in said]
    if len(moves) < 3:
        return " or ".join(moves)
    return f"{', '.join(moves[:-1])}, or {moves[-1]}"


DEAL_MOVES = {
    "accept": "answer",
    "reject": "answer",
    "counter": "answer",
    "ratify": "ratify or refuse",
    "refuse": "refuse",
    "withdraw": "withdraw",
    "endorse": "endorse",
    "suspend": "suspend your part in",
    "audit": "audit",
}
"""Moves on a deal in the words of `moves_now`, before the deals' numbers (accepting, rejecting
and countering are all answers)."""

MOVES_ORDER = (
    "answer",
    "ratify or refuse",
    "refuse",
    "propose",
    "withdraw",
    "endorse",
    "suspend your part in",
    "audit",
    "campaign",
    "publish_evidence",
    "side_payment",
    "pass",
)
"""The order `moves_now` says the moves in (by their words on a deal, else their kind): answers
first, passing last."""


def numbered(deals: Sequence[int]) -> str:
    """Deals by number: "deal #2", "deals #2 and #5"; counted when there are more than three."""
    if len(deals) == 1:
        return f"deal #{deals[0]}"
    if len(deals) > 3:
        return counted(len(deals), "deal")
    marks = [f"#{d}" for d in deals]
    return f"deals {', '.join(marks[:-1])} and {marks[-1]}"
