"""A new game: the scenario's seats and corridors at their starting values, decks shuffled,
agendas dealt, and the hidden truth about each uncertain term drawn."""

from __future__ import annotations

from negotiate.content.schema import STATS
from negotiate.engine import rng
from negotiate.engine.state import CorridorState, Forecast, GameState, SeatState, Secret
from negotiate.engine.table import Table


def new_state(table: Table, seed: int) -> GameState:
    """The state before the first round, everything drawn from `seed`."""
    scenario = table.scenario
    state = GameState(
        scenario=scenario.id,
        seed=seed,
        rng=rng.seed_state(seed),
        global_tracks={name: spec.start for name, spec in scenario.global_tracks.items()},
        seats=[
            SeatState(
                id=seat.id,
                tracks={name: seat.tracks.get(name, spec.start) for name, spec in table.types[seat.id].tracks.items()},
                stats=dict.fromkeys(STATS, 0),
                glass_house=seat.glass_house,
            )
            for seat in scenario.seats
        ],
        corridors=[
            CorridorState(
                origin=c.origin, destination=c.destination, transit=c.transit, base=c.base, threshold=c.threshold
            )
            for c in scenario.corridors
        ],
        secrets={},
    )
    for term_id, term in table.terms.items():
        if term.uncertain:
            state.hidden[term_id] = [rng.below(state, 2 * u.spread + 1) - u.spread for u in term.uncertain]
    content = table.content
    present = {seat.type for seat in scenario.seats}
    shocks = [c for c in content.cards(scenario.decks.shocks) if content.shocks[c].strikes in present | {"all"}]
    state.shock_pile = rng.shuffled(state, shocks)
    trends = rng.shuffled(state, content.cards(scenario.decks.trends))
    state.trend_pile = [trends[i % len(trends)] for i in range(table.rounds)]
    agendas = rng.shuffled(state, content.cards(scenario.decks.agendas))
    dealt: set[str] = set()
    future = list(range(1, table.rounds))
    for seat in scenario.seats:
        mine = [a for a in agendas if content.agendas[a].seat_type == seat.type]
        agenda = next((a for a in mine if a not in dealt), mine[0])
        dealt.add(agenda)
        rounds = sorted(rng.shuffled(state, [str(r) for r in future])[: scenario.rules.hand_forecasts], key=int)
        hand = [Forecast(round=int(r), card=state.trend_pile[int(r)]) for r in rounds]
        state.secrets[seat.id] = Secret(agenda=agenda, hand=hand)
    return state
