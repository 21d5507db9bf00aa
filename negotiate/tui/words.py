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


def deal_line(table: Table, deal: Deal) -> str:
    """A deal in one line, with its number."""
    return f"#{deal.id} {describe(table, deal)}"


def offer_line(table: Table, offer: TermOffer) -> str:
    return describe_offer(table, offer)


def action_line(table: Table, action: ActionModel) -> str:
    """What an action does, as a menu entry: "Accept deal #3", "Campaign in Vellara: raise cohesion"."""
    kind = action.type  # type: ignore[attr-defined]
    fields = action.__dict__
    if kind == "pass":
        return "Pass (end your turn)"
    if "deal" in fields and kind not in ("counter",):
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
    if kind == "side_payment":
        return f"Pay {fields['amount']} to {table.name(fields['to'])}"
    if kind == "campaign":
        way = "raise" if fields["direction"] > 0 else "lower"
        return f"Campaign in {table.name(fields['target'])} to {way} its cohesion"
    if kind == "publish_evidence":
        return f"Publish evidence on {table.terms[fields['term']].name}"
    if kind == "message":
        to = table.name(fields["to"]) if fields["to"] else "all"
        return f"Message to {to}"
    if kind in ("propose", "counter"):
        verb = "Propose" if kind == "propose" else f"Counter deal #{fields['deal']} with"
        terms = "; ".join(describe_offer(table, o) for o in fields["terms"])
        return f"{verb}: {terms}"
    return kind.replace("_", " ").capitalize()


def cost_line(table: Table, seat: str, kind: str) -> str:
    """What using a power costs a seat, e.g. "costs 2 funds", or "" if free."""
    spec = table.types[seat].actions.get(kind)  # type: ignore[call-overload]
    if spec is None or not spec.cost:
        return ""
    tracks = table.types[seat].tracks
    return "costs " + ", ".join(f"{n} {tracks[t].label.lower()}" for t, n in spec.cost.items())
