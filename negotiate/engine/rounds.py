"""The work done as each phase of a round begins or ends: cards drawn, deals settled, scores kept.

These are plain functions of the state; the round machine (`machine`) calls them on its
transitions.
"""

from __future__ import annotations

from collections.abc import Sequence

from negotiate.content.schema import GOVERNANCE_LEVELS, CorridorEffect
from negotiate.engine import rng
from negotiate.engine.deals import OPEN, describe, governance_level, matches, narrow, pending_ratification
from negotiate.engine.effects import amount, apply_effects, move_global
from negotiate.engine.events import Story
from negotiate.engine.moves import has_options, pay_price, refuse, reveal
from negotiate.engine.scoring import final_scores, public_scores
from negotiate.engine.state import Deal, GameState
from negotiate.engine.table import Table


def draw_trend(table: Table, state: GameState, story: Story) -> None:
    """Trend phase: this round's trend card moves the slow drivers for good."""
    card = table.content.trends[state.trend_pile[state.round]]
    state.trend = card.id
    story.add("trend", f"Trend: {card.name}. {card.text}", card=card.id)
    apply_effects(table, state, card.effects, {}, story, card.name)
    _corridors(state, card.corridors, {})


def draw_shock(table: Table, state: GameState, story: Story) -> None:
    """Shock phase: a shock strikes with a chance that rises with crisis pressure."""
    state.window = False
    state.shock = None
    state.shock_targets = []
    rules = table.scenario.rules
    chance = min(1.0, rules.shock_base + rules.shock_per_crisis * state.global_tracks["crisis"])
    if rng.random(state) >= chance or not state.shock_pile:
        story.add("shock", f"No shock strikes in {table.year(state.round)} (chance was {chance:.0%})")
        return
    card_id = state.shock_pile.pop(0)
    if not state.shock_pile:
        state.shock_pile = rng.shuffled(state, [c for c in _shocks_in_play(table)])
    card = table.content.shocks[card_id]
    targets: list[str] = []
    if card.strikes != "all":
        candidates = [s for s in table.order if table.seats[s].type == card.strikes]
        targets = [candidates[rng.below(state, len(candidates))]]
    strike(table, state, card_id, targets, story)


def _shocks_in_play(table: Table) -> list[str]:
    present = {seat.type for seat in table.scenario.seats} | {"all"}
    return [c for c in table.content.cards(table.scenario.decks.shocks) if table.content.shocks[c].strikes in present]


def strike(table: Table, state: GameState, card_id: str, targets: Sequence[str], story: Story) -> None:
    """A shock strikes its targets now, as hard as the round's escalation; a window opens if
    the card says so."""
    card = table.content.shocks[card_id]
    state.shock = card_id
    state.shock_targets = list(targets)
    if state.round not in state.struck:
        state.struck.append(state.round)
    hard = table.escalation(state.round)
    where = f" strikes {', '.join(table.name(t) for t in targets)}" if targets else ""
    harder = f" As the crisis years build, it strikes {hard:g} times as hard as printed." if hard != 1 else ""
    story.add("shock", f"Shock: {card.name}{where}. {card.text}{harder}", card=card.id)
    if card.window:
        state.window = True
        story.add(
            "shock",
            "A window opens: this round, deals between receiving states and the states people come from or "
            "cross cost less to adopt at home",
        )
    apply_effects(table, state, card.effects, {"target": targets}, story, card.name, scale=hard)
    _corridors(state, card.corridors, {"target": targets}, surge_scale=hard)


def _corridors(
    state: GameState, effects: Sequence[CorridorEffect], roles: dict[str, Sequence[str]], surge_scale: float = 1.0
) -> None:
    for effect in effects:
        for corridor in state.corridors:
            if matches(effect.match, corridor, roles):
                corridor.surge += amount(effect.surge * surge_scale)
                corridor.drift += effect.drift
                corridor.threshold = max(0, corridor.threshold + effect.threshold)


def seek_turn(table: Table, state: GameState, start: int) -> None:
    """Start a turn-based phase at seat `start`, skipping seats with nothing to do."""
    state.passes = 0
    state.beats = 0
    state.messages_this_turn = 0
    seats = len(table.order)
    for k in range(seats):
        state.turn = (start + k) % seats
        if has_options(table, state, table.order[state.turn]):
            return
        state.passes += 1


def open_negotiation(table: Table, state: GameState, story: Story) -> None:
    """Negotiation begins: the first turn moves one seat along each round."""
    seek_turn(table, state, state.round % len(table.order))
    story.add("phase", f"Negotiation opens; {table.name(table.order[state.turn])} speaks first")


def negotiation_over(table: Table, state: GameState) -> bool:
    """Every seat passed in a row, or the beat limit is reached."""
    return state.passes >= len(table.order) or state.beats >= table.scenario.rules.beats


def close_negotiation(table: Table, state: GameState, story: Story) -> None:
    """Global votes are counted; proposals not agreed lapse."""
    for deal in state.deals:
        if deal.status == "open" and deal.forum == "global":
            yes = [p for p in deal.accepted if p in table.states]
            votes = sum(table.seats[p].votes for p in yes)
            total = sum(table.seats[p].votes for p in table.states)
            tally = f"{votes} of {total} votes ({len(yes)} of {len(table.states)} states) yes"
            narrow(deal, yes)
            if votes >= table.scenario.rules.global_vote * total and len(yes) >= 2 and deal.terms:
                deal.status = "agreed"
                signatories = ", ".join(table.name(p) for p in yes)
                story.add("deal", f"The global forum adopts deal #{deal.id}, {tally}; signatories: {signatories}")
            else:
                deal.status = "rejected"
                story.add("deal", f"The global forum turns down deal #{deal.id}, {tally}")
        elif deal.status in OPEN:
            deal.status = "lapsed"
            story.add("deal", f"Deal #{deal.id} lapses: not agreed this round")


def ratification_over(table: Table, state: GameState) -> bool:
    """No agreed binding deal waits for a state's decision."""
    return not any(pending_ratification(table, state, seat) for seat in table.states)


def close_ratification(table: Table, state: GameState, story: Story) -> None:
    """Decisions still pending (the facilitator ended the phase) count as refusals."""
    for seat in table.states:
        for deal in pending_ratification(table, state, seat):
            refuse(table, state, deal, seat, story)


def open_implementation(table: Table, state: GameState, story: Story) -> None:
    """Agreed deals enter into force; weak publics may quietly fail non-binding ones."""
    rules = table.scenario.rules
    for deal in state.deals:
        if (deal.status == "agreed" and not deal.binding) or deal.status == "ratified":
            deal.status = "in_force"
            deal.starts = state.round
            deal.ends = min(table.rounds - 1, state.round + deal.duration - 1)
            story.add(
                "deal", f"Deal #{deal.id} enters into force until {table.year(deal.ends)}: {describe(table, deal)}"
            )
            renew(table, state, deal, story)
            for party in deal.parties:
                state.seats[table.index[party]].stats["deals_signed"] += 1
                if not deal.binding:  # a binding deal's parties paid as they ratified it
                    pay_price(table, state, deal, party, story)
            level = governance_level(table, deal)
            if level > state.global_tracks["governance"]:
                move_global(
                    table,
                    state,
                    "governance",
                    level - state.global_tracks["governance"],
                    f"deal #{deal.id} reaches {GOVERNANCE_LEVELS[level]}",
                    story,
                )
            for offer in deal.terms:
                if table.terms[offer.term].reveals:
                    for other in deal.terms:
                        if other.term in state.hidden:
                            reveal(table, state, other.term, story, f"Deal #{deal.id} shares data")
    state.lapses = {}
    for deal in state.deals:
        if deal.status != "in_force":
            continue
        deal.audited_by = []
        if deal.binding:
            continue
        for party in deal.parties:
            tracks = state.seats[table.index[party]].tracks
            if (
                "cohesion" in tracks
                and tracks["cohesion"] < rules.compliance_floor
                and rng.random(state) < rules.lapse_chance
            ):
                state.lapses.setdefault(deal.id, []).append(party)
    seek_turn(table, state, 0)


def renew(table: Table, state: GameState, deal: Deal, story: Story) -> None:
    """A deal entering into force replaces the deals in their last round that hold one of its
    terms between its parties: a renewal takes over, it does not add to them."""
    keys = {(o.term, o.giver, o.receiver) for o in deal.terms}
    for old in state.deals:
        if (
            old is not deal
            and old.status == "in_force"
            and old.ends == state.round
            and set(deal.parties) <= set(old.parties)
            and keys & {(o.term, o.giver, o.receiver) for o in old.terms}
        ):
            old.status = "expired"
            story.add("deal", f"Deal #{old.id} is renewed by deal #{deal.id}")


def implementation_over(table: Table, state: GameState) -> bool:
    """Every seat passed (or had nothing to do), or the beat limit is reached."""
    return state.passes >= len(table.order) or state.beats >= table.scenario.rules.beats


def keep_score(table: Table, state: GameState, story: Story) -> None:
    """Scoring phase: deals that end this round expire, tracks and corridor flows are recorded,
    scores are kept."""
    for deal in state.deals:
        if deal.status == "in_force" and deal.ends is not None and deal.ends <= state.round:
            deal.status = "expired"
            story.add("deal", f"Deal #{deal.id} expires")
    snapshot = {f"global.{k}": v for k, v in state.global_tracks.items()}
    for seat in state.seats:
        snapshot.update({f"{seat.id}.{k}": v for k, v in seat.tracks.items()})
    for i, corridor in enumerate(state.corridors):
        snapshot.update({f"corridors.{i}.regular": corridor.regular, f"corridors.{i}.irregular": corridor.irregular})
    state.history.append(snapshot)
    state.scores = public_scores(table, state)
    if state.global_tracks["crisis"] >= table.scenario.global_tracks["crisis"].max:
        state.collapsed = True


def is_final(table: Table, state: GameState) -> bool:
    """The game ends after the last round, or at once on collapse."""
    return state.collapsed or state.round >= table.rounds - 1


def next_round(table: Table, state: GameState, story: Story) -> None:
    """Move to the next round."""
    state.round += 1


def finish(table: Table, state: GameState, story: Story) -> None:
    """Game over: agendas are revealed and final scores decide the winners."""
    state.scores, state.winners = final_scores(table, state)
    if state.collapsed:
        story.add("end", "Crisis pressure hit its maximum: the system collapsed, and nobody wins")
    else:
        names = " and ".join(table.name(w) for w in state.winners)
        story.add("end", f"The game ends in {table.year(state.round)}. Winner: {names}")
    for seat in table.order:
        agenda = table.content.agendas[state.secrets[seat].agenda]
        story.add("end", f"{table.name(seat)} scores {state.scores[seat]:g}; its secret agenda was {agenda.name}")
