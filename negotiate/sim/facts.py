"""The facts of a finished game that the report needs, read from its log of actions and its
final state. What a term or a seat is (a convention, a pathway, a receiving state...) is read
from the content's fields, never from ids: a new term or seat type needs no change here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from negotiate.content.schema import holds_flows, is_convention, opens_pathway
from negotiate.engine import Game
from negotiate.engine.actions import Accept, DealSpec, Reject
from negotiate.engine.state import Deal, TermOffer
from negotiate.engine.table import Table
from negotiate.sim.result import GameResult


def side(table: Table, seat: str) -> str | None:
    """receiving (a seat that pulls people in), sending (one that pushes them out), transit (a
    state that does neither), or None for a seat that is not a state."""
    if seat in table.receivers:
        return "receiving"
    if seat in table.senders:
        return "sending"
    return "transit" if table.types[seat].state else None


def result_of(game: Game) -> GameResult:
    """The facts of a finished game that the report needs."""
    table, state = game.table, game.state
    shocks = table.content.shocks
    drawn = [(e.kind, e.card, e.round) for e in game.events if e.card is not None and e.kind in ("shock", "trend")]
    signed = [d for d in state.deals if d.starts is not None]
    tracks = table.scenario.global_tracks
    return GameResult(
        seed=game.seed,
        rounds=state.round + 1,
        actions=len(game.log),
        collapsed=state.collapsed,
        scores=dict(state.scores),
        winners=tuple(state.winners),
        governance=state.global_tracks["governance"],
        cards=tuple(dict.fromkeys((kind, card) for kind, card, _ in drawn)),
        terms_signed=Counter(term for d in signed for term in {o.term for o in d.terms}),
        window_rounds=tuple(sorted({r for kind, card, r in drawn if kind == "shock" and shocks[card].window})),
        deals=tuple((d.starts, d.forum) for d in signed if d.starts is not None),
        solved=all(state.global_tracks[t] <= tracks[t].min for t in ("crisis", "trafficking")),
        tallies=_tallies(game, signed, {r for kind, _, r in drawn if kind == "shock"}),
    )


def _tallies(game: Game, signed: Sequence[Deal], shock_rounds: set[int]) -> dict[str, dict[str, int]]:
    """Each seat's tallies (see `TALLIES`): from the log, the deals and the seat's stats."""
    table, state = game.table, game.state
    counts = {seat: Counter[str]() for seat in table.order}
    for action in game.effective_log():
        if isinstance(action, DealSpec):
            counts[action.seat].update(_proposal(table, action))
        elif isinstance(action, Accept):
            counts[action.seat]["accepts"] += 1
        elif isinstance(action, Reject):
            counts[action.seat]["rejects"] += 1
    for deal in state.deals:
        if any(is_convention(table.terms[o.term]) for o in deal.terms):
            calm = shock_rounds.isdisjoint((deal.round, deal.round - 1))
            _decisions(counts, deal, calm)
    for deal in signed:
        _containment(table, counts, deal.terms)
    for seat in state.seats:
        counts[seat.id].update(
            {name: seat.stats.get(name, 0) for name in ("campaigns", "audits", "evidence_published")}
        )
    return {seat: {name: n for name, n in tally.items() if n} for seat, tally in counts.items()}


def _proposal(table: Table, spec: DealSpec) -> list[str]:
    """The tallies one proposal counts in, for the seat that tables it."""
    terms = [table.terms[o.term] for o in spec.terms]
    kinds = ["proposals"]
    if any(is_convention(term) for term in terms):
        kinds.append("convention_proposals")
    gives_pathway = any(o.giver == spec.seat and opens_pathway(t) for o, t in zip(spec.terms, terms))
    if gives_pathway and not any(holds_flows(term) for term in terms):
        kinds.append("bare_pathway_proposals")
    if spec.forum != "bilateral" or len(spec.terms) >= 2:
        kinds.append("multilateral_or_package_proposals")
    return kinds


def _decisions(counts: dict[str, Counter[str]], deal: Deal, calm: bool) -> None:
    """Ratification decisions on a binding convention (a deal is ratified in the round it is tabled)."""
    for seat in deal.ratified + deal.refused:
        counts[seat]["convention_decisions"] += 1
    for seat in deal.ratified:
        counts[seat]["convention_ratified"] += 1
        counts[seat]["convention_ratified_calm"] += calm


def _containment(table: Table, counts: dict[str, Counter[str]], offers: Sequence[TermOffer]) -> None:
    """Seats that give a term holding flows in a deal in force, and whether they are paid in it."""
    holders = {o.giver for o in offers if o.giver is not None and holds_flows(table.terms[o.term])}
    paid = {o.receiver for o in offers if table.terms[o.term].transfer is not None}
    for seat in holders:
        counts[seat]["containment_deals"] += 1
        counts[seat]["containment_paid"] += seat in paid
