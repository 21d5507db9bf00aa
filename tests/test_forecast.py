"""Bots read deals as the rules apply them: where no uncertainty remains (every piece of evidence
published), a seat's forecast of what a deal would do in this round's resolution equals what
resolution does on a copy of the state with the deal in force, track by track."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from negotiate.bots.outlook import Outlook, Reader
from negotiate.content import Content, load_content
from negotiate.engine import Game
from negotiate.engine.deals import full_params
from negotiate.engine.events import Quiet
from negotiate.engine.flows import resolve
from negotiate.engine.legal import standard_proposals
from negotiate.engine.state import Deal, GameState

WIDE = 10_000
"""Bounds no track reaches: with them, what resolution does is the sum of its moves, unclamped."""


def unbounded(content: Content) -> Content:
    """The content with every track's bounds out of reach (a bound cuts a move short, and what it
    cuts depends on the order moves come in, which a forecast of one deal does not know)."""

    def wide(spec):  # type: ignore[no-untyped-def]
        return spec.model_copy(update={"min": -WIDE, "max": WIDE})

    seat_types = {
        k: t.model_copy(update={"tracks": {n: wide(s) for n, s in t.tracks.items()}})
        for k, t in content.seat_types.items()
    }
    scenarios = {
        k: s.model_copy(update={"global_tracks": {n: wide(g) for n, g in s.global_tracks.items()}})
        for k, s in content.scenarios.items()
    }
    return replace(content, seat_types=seat_types, scenarios=scenarios)


def changes(before: GameState, after: GameState) -> dict[tuple[str, str], int]:
    """How every seat's tracks and tallies and every global track differ, as forecasts key them."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for old, new in zip(before.seats, after.seats):
        for track, value in new.tracks.items():
            out[(new.id, track)] += value - old.tracks[track]
        for stat, value in new.stats.items():
            out[(new.id, f"stat:{stat}")] += value - old.stats.get(stat, 0)
    for track, value in after.global_tracks.items():
        out[("global", track)] += value - before.global_tracks[track]
    return {key: value for key, value in out.items() if value}


def in_force(game: Game, state: GameState, proposal) -> None:  # type: ignore[no-untyped-def]
    """Put a proposal in force in `state`, as if it had been agreed and ratified this round."""
    terms = [o.model_copy(update={"params": full_params(game.table.terms[o.term], o)}) for o in proposal.terms]
    state.deals.append(
        Deal(
            id=len(state.deals) + 1,
            proposer=proposal.seat,
            forum=proposal.forum,
            region=proposal.region,
            parties=list(proposal.parties),
            terms=terms,
            binding=proposal.binding,
            duration=proposal.duration,
            status="in_force",
            round=state.round,
            accepted=list(proposal.parties),
            starts=state.round,
            ends=state.round + proposal.duration - 1,
        )
    )


WIDE_CONTENT = unbounded(load_content())


@settings(max_examples=40, deadline=None)
@given(
    scenario=st.sampled_from(("compact-2030", "crisis-2015", "classroom")),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    steps=st.integers(min_value=0, max_value=250),
    pick=st.integers(min_value=0),
    size=st.integers(min_value=1, max_value=3),
)
def test_a_forecast_of_a_deal_equals_what_resolution_does(scenario, seed, steps, pick, size):
    game = Game(WIDE_CONTENT, scenario, seed)
    moves = random.Random(seed)
    for _ in range(steps):
        if game.is_over:
            return
        game.apply(moves.choice(game.legal_actions(game.current_seat)))  # type: ignore[arg-type]
    while not game.is_over and game.state.phase != "negotiation":
        game.apply(moves.choice(game.legal_actions(game.current_seat)))  # type: ignore[arg-type]
    if game.is_over:
        return
    state = game.state
    state.revealed = list(state.hidden)  # every effect measured: nothing left uncertain
    state.lapses = {}
    seat = game.current_seat
    assert seat is not None
    standard = standard_proposals(game.table, seat)
    if not standard:
        return  # a seat that cannot propose
    first = standard[pick % len(standard)]
    alike = [p for p in standard if (p.forum, p.parties, p.region) == (first.forum, first.parties, first.region)]
    terms = {(o.term, o.giver, o.receiver): o for p in alike[pick % len(alike) :][:size] + [first] for o in p.terms}
    proposal = first.model_copy(update={"terms": list(terms.values())})
    view = game.view(seat)
    forecast = Outlook(Reader(game.table, seat, view.agenda), view).forecast(
        proposal.forum, proposal.parties, proposal.terms
    )
    without, with_deal = state.fork(), state.fork()
    in_force(game, with_deal, proposal)
    before = state.fork()
    resolve(game.table, without, Quiet(without))
    resolve(game.table, with_deal, Quiet(with_deal))
    done = changes(before, with_deal)
    undone = changes(before, without)
    expected = {k: v for k in done.keys() | undone.keys() if (v := done.get(k, 0) - undone.get(k, 0))}
    foreseen = {k: v for k, v in forecast.changes.items() if v}
    assert foreseen == expected, f"{scenario} seed {seed}: {proposal.terms}"
