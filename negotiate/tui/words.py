"""Actions, phases and tracks in the words a player reads (no textual here)."""

from __future__ import annotations

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
