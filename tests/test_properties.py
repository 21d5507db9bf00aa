"""Property tests of the engine: invariants, termination, replay, illegal actions, secrecy, undo.

Every property drives a game with a scenario, a seed and a list of choice indices: at each step
the seat to act (or, at the steps named in `facilitator`, the facilitator) takes
`legal[i % len(legal)]` from its legal actions. Shrinking drives the indices toward 0 and the
facilitator's steps toward none, so a failure shrinks to a short game of passes.
"""

from __future__ import annotations

import contextlib
import json
import os
import random

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from negotiate.bots import default_lineup, make_bot
from negotiate.content import Content
from negotiate.engine import Game
from negotiate.engine.actions import (
    Accept,
    ActionModel,
    Audit,
    Campaign,
    Counter,
    Endorse,
    EndPhase,
    InjectShock,
    Pass,
    Pause,
    Propose,
    PublishEvidence,
    Ratify,
    Refuse,
    Reject,
    Resume,
    SendMessage,
    SidePayment,
    Suspend,
    Undo,
    Withdraw,
)
from negotiate.engine.game import IllegalAction
from negotiate.engine.legal import standard_proposals
from negotiate.engine.save import digest, from_save, to_save
from negotiate.engine.state import Forecast, Secret, TermOffer
from negotiate.engine.view import view as seat_view

SCENARIOS = ("compact-2030", "crisis-2015", "classroom")
STEPS = 400

scenarios = st.sampled_from(SCENARIOS)
seeds = st.integers(min_value=0, max_value=2**32 - 1)
# short games shrink well; long ones (a random game lasts some 50 to 300 actions) reach the end
short = st.lists(st.integers(min_value=0), max_size=40)
long = st.lists(st.integers(min_value=0), min_size=120, max_size=STEPS)
choices = st.one_of(short, long, long)
# the steps (indices into `choices`) at which the facilitator acts instead of the seat to act
facilitator_steps = st.frozensets(st.integers(min_value=0, max_value=STEPS - 1), max_size=12)
# the steps at which the facilitator undoes the last action (when there is one)
undo_steps = st.frozensets(st.integers(min_value=0, max_value=STEPS - 1), max_size=8)


# NEGOTIATE_PROPERTY_SCALE=20 runs twenty times as many examples (a longer hunt for bugs)
SCALE = max(1, int(os.environ.get("NEGOTIATE_PROPERTY_SCALE", "1")))


def fast(n: int) -> settings:
    return settings(max_examples=n * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


# --- driving a game --------------------------------------------------------------------------


def messages(game: Game, seat: str) -> list[ActionModel]:
    """Messages the seat may send now (legal_actions does not list free text): to all, to each other seat."""
    n = len(game.log)
    out: list[ActionModel] = [SendMessage(seat=seat, to=None, text=f"m{n} {seat}>all")]
    out += [SendMessage(seat=seat, to=o, text=f"m{n} {seat}>{o}") for o in game.table.order if o != seat]
    return [m for m in out if game.check(m) is None]


def options(game: Game, facilitator: bool, *, undo: bool = True, chat: bool = False) -> list[ActionModel]:
    """What the chooser picks from at one step."""
    seat = game.current_seat
    if facilitator or seat is None:
        legal = game.legal_actions("facilitator")
        if not undo:
            legal = [a for a in legal if not isinstance(a, Undo)]
        return legal
    legal = game.legal_actions(seat)
    assert legal, f"{seat} is to act in {game.state.phase} but has no legal action"
    if chat:
        legal = legal + messages(game, seat)
    return legal


def choose(game: Game, i: int, facilitator: bool, **kw: bool) -> ActionModel | None:
    legal = options(game, facilitator, **kw)
    return legal[i % len(legal)] if legal else None


def play(
    game: Game,
    picks: list[int],
    facilitator: frozenset[int] = frozenset(),
    after=None,
    undos: frozenset[int] = frozenset(),
    **kw: bool,
) -> Game:
    """Apply the chosen legal actions until the picks run out or the game is over."""
    for step, i in enumerate(picks):
        if game.is_over:
            break
        if step in undos and Undo() in game.legal_actions("facilitator"):
            action: ActionModel | None = Undo()
        else:
            action = choose(game, i, step in facilitator, **kw)
        if action is None:
            break
        before = (len(game.log), len(game.events))
        game.apply(action)
        assert len(game.log) == before[0] + 1
        if after is not None:
            after(game, action)
    return game


# --- 1. invariants -----------------------------------------------------------------------------


def check_invariants(game: Game) -> None:
    table, state = game.table, game.state
    years = len(table.scenario.years)
    assert 0 <= state.round < years
    for seat in state.seats:
        spec = table.types[seat.id].tracks
        assert set(seat.tracks) == set(spec), seat.id
        for name, value in seat.tracks.items():
            assert spec[name].min <= value <= spec[name].max, (seat.id, name, value)
        assert seat.tracks.get("budget", 0) >= 0, seat.id
        assert all(v >= 0 for v in seat.stats.values()), (seat.id, seat.stats)
    for name, value in state.global_tracks.items():
        spec = table.scenario.global_tracks[name]
        assert spec.min <= value <= spec.max, (name, value)
    for c in state.corridors:
        flows = (c.pressure, c.regular, c.irregular, c.stopped)
        assert all(v >= 0 for v in flows), (c.origin, c.destination, flows)
        assert c.pressure == c.regular + c.irregular + c.stopped, (c.origin, c.destination, flows)
    assert [d.id for d in state.deals] == list(range(1, len(state.deals) + 1))
    for d in state.deals:
        assert set(d.parties) <= set(table.order), d.id
        if d.status == "in_force":
            assert d.starts is not None and d.ends is not None, d.id
        if d.starts is not None:
            assert d.ends is not None, d.id
            assert 0 <= d.starts <= d.ends <= years - 1, (d.id, d.starts, d.ends)
            assert d.starts <= state.round, (d.id, d.starts, state.round)
    if game.is_over:
        assert state.collapsed or state.winners
    turn = game.current_seat
    assert turn is None or turn in table.order
    for seat in table.order:
        if seat != turn:
            assert game.legal_actions(seat) == [], f"{seat} has legal actions on {turn}'s turn"


def describe_reach(game: Game) -> None:
    """Tell hypothesis's statistics how far the game got (pytest --hypothesis-show-statistics)."""
    state = game.state
    event(f"ended in round {state.round}, phase {state.phase}")
    statuses = {d.status for d in state.deals}
    event(f"a deal entered into force: {any(d.starts is not None for d in state.deals)}")
    event(f"ratification reached: {bool(statuses & {'ratified', 'failed'})}")
    event(f"undo used: {any(isinstance(a, Undo) for a in game.log)}")


@fast(60)
@given(scenario=scenarios, seed=seeds, picks=choices, facilitator=facilitator_steps, undos=undo_steps)
def test_invariants_hold_after_every_action(content: Content, scenario, seed, picks, facilitator, undos):
    game = Game(content, scenario, seed)
    check_invariants(game)
    # governance never decreases along the effective history; an undo steps back exactly one action
    governance = [game.state.global_tracks["governance"]]
    positions = [position(game)]

    def after(game: Game, action: ActionModel) -> None:
        check_invariants(game)
        if isinstance(action, Undo):
            governance.pop()
            positions.pop()
            assert position(game) == positions[-1]
        else:
            assert game.state.global_tracks["governance"] >= governance[-1]
            governance.append(game.state.global_tracks["governance"])
            positions.append(position(game))
        assert game.state.global_tracks["governance"] == governance[-1]

    play(game, picks, facilitator, after=after, undos=undos, chat=True)
    describe_reach(game)


# --- 2. termination ------------------------------------------------------------------------------


@fast(40)
@given(
    scenario=scenarios,
    seed=seeds,
    rnd=st.randoms(use_true_random=False),
    facilitator_rate=st.sampled_from([0.0, 0.02, 0.1]),
)
def test_game_ends_within_its_rounds(content: Content, scenario, seed, rnd: random.Random, facilitator_rate):
    game = Game(content, scenario, seed)
    years = len(game.table.scenario.years)
    for _ in range(20_000):
        if game.is_over:
            break
        seat = game.current_seat
        if game.state.paused:
            action: ActionModel = Resume()
        elif seat is None or rnd.random() < facilitator_rate:
            # facilitator: anything but undo (which could loop forever), and no pause without a resume
            legal = [a for a in game.legal_actions("facilitator") if not isinstance(a, (Undo, Pause))]
            action = rnd.choice(legal)
        else:
            action = rnd.choice(game.legal_actions(seat))
        game.apply(action)
        assert game.state.round <= years - 1
    assert game.is_over, f"not over after 20,000 actions: round {game.state.round}, {game.state.phase}"
    state = game.state
    assert state.round <= years - 1
    assert game.current_seat is None
    assert set(state.scores) == set(game.table.order)
    if state.collapsed:
        assert state.winners == []
    else:
        assert state.winners
        best = max(state.scores.values())
        assert all(state.scores[w] == best for w in state.winners)
    for seat in game.table.order:
        assert game.legal_actions(seat) == []


# --- 3. replay ---------------------------------------------------------------------------------------


@fast(40)
@given(scenario=scenarios, seed=seeds, picks=choices, facilitator=facilitator_steps, undos=undo_steps)
def test_save_and_replay_reproduce_the_state(content: Content, scenario, seed, picks, facilitator, undos):
    game = play(Game(content, scenario, seed), picks, facilitator, undos=undos, chat=True)
    describe_reach(game)
    loaded = from_save(content, json.loads(json.dumps(to_save(game))))
    assert digest(loaded) == digest(game)
    assert loaded.state.model_dump() == game.state.model_dump()
    assert loaded.log == game.log
    rebuilt = Game(content, scenario, seed)
    for action in game.log:
        rebuilt.apply(action)
    assert digest(rebuilt) == digest(game)
    assert rebuilt.state.model_dump() == game.state.model_dump()
    # the state itself survives a round trip through its JSON
    assert type(game.state).model_validate_json(game.state.model_dump_json()).model_dump() == game.state.model_dump()


@fast(25)
@given(scenario=scenarios, seed=seeds, picks=choices, facilitator=facilitator_steps)
def test_same_scenario_seed_and_choices_give_the_same_game(content: Content, scenario, seed, picks, facilitator):
    one = play(Game(content, scenario, seed), picks, facilitator, chat=True)
    two = play(Game(content, scenario, seed), picks, facilitator, chat=True)
    assert one.log == two.log
    assert digest(one) == digest(two)
    assert [e.text for e in one.events] == [e.text for e in two.events]


# --- 4. illegal actions --------------------------------------------------------------------------------


def illegal_actions(game: Game, k: int) -> list[tuple[str, ActionModel]]:
    """Actions that the rules must refuse in the game's present state, each with what makes it illegal."""
    table, state = game.table, game.state
    turn = game.current_seat
    actor = turn or table.order[k % len(table.order)]
    out: list[tuple[str, ActionModel]] = []
    for seat in table.order:
        if seat != turn:
            out.append(("not its turn", Pass(seat=seat)))
            out.append(("not its turn", SendMessage(seat=seat, text="out of turn")))
    out.append(("no such deal", Accept(seat=actor, deal=len(state.deals) + 1 + k)))
    out.append(("no such deal", Accept(seat=actor, deal=-k)))
    for seat in dict.fromkeys([actor, table.order[k % len(table.order)]]):
        kind = table.seats[seat].type
        for term_id, term in table.terms.items():
            if term.scope != "offer" or kind in term.givers:
                continue
            others = [o for o in table.order if o != seat]
            fits = [o for o in others if table.seats[o].type in term.receivers] or others
            receiver = fits[k % len(fits)]
            forum = "bilateral" if "bilateral" in term.forums else term.forums[0]
            offer = TermOffer(term=term_id, giver=seat, receiver=receiver)
            out.append(
                ("term it cannot give", Propose(seat=seat, forum=forum, parties=[seat, receiver], terms=[offer]))
            )
            break
        budget = state.seat(seat).tracks.get("budget", 0)
        to = next((o for o in table.order if o != seat and "budget" in table.types[o].tracks), None)
        if to is not None:
            out.append(("more than its budget", SidePayment(seat=seat, to=to, amount=budget + 1 + k)))
    if state.phase != "ratification":
        out.append(("ratify outside ratification", Ratify(seat=actor, deal=1 + k % max(1, len(state.deals)))))
    if not state.paused:
        out.append(("resume when not paused", Resume()))
    else:
        out.append(("pause when paused", Pause()))
    for seat in table.order:
        if "campaign" not in table.types[seat].actions:
            target = table.states[k % len(table.states)]
            out.append(("campaign without the power", Campaign(seat=seat, target=target, direction=1 - 2 * (k % 2))))
    if state.phase == "game_over":
        out.append(("game over", EndPhase()))
    if not game.log:
        out.append(("nothing to undo", Undo()))
    return out


def assert_refused(game: Game, action: ActionModel, why: str) -> None:
    dump, log, events, fingerprint = game.state.model_dump(), len(game.log), len(game.events), digest(game)
    reason = game.check(action)
    assert isinstance(reason, str) and reason.strip(), f"{why}: {action!r} is not refused"
    with pytest.raises(IllegalAction) as caught:
        game.apply(action)
    assert caught.value.reason == reason
    assert game.state.model_dump() == dump
    assert (len(game.log), len(game.events), digest(game)) == (log, events, fingerprint)


@fast(50)
@given(scenario=scenarios, seed=seeds, picks=choices, facilitator=facilitator_steps, k=st.integers(0, 50))
def test_illegal_actions_leave_the_state_unchanged(content: Content, scenario, seed, picks, facilitator, k):
    game = Game(content, scenario, seed)
    for why, action in illegal_actions(game, k):
        assert_refused(game, action, why)
    play(game, picks, facilitator, chat=True)
    for why, action in illegal_actions(game, k):
        assert_refused(game, action, why)
    # the game still plays on after the refusals
    if not game.is_over:
        action = choose(game, k, False)
        if action is not None:
            game.apply(action)


def arbitrary_action(data: st.DataObject, game: Game) -> ActionModel:
    """Any well-typed action, built from the game's own vocabulary (seats, deals, terms, regions,
    parameters) and a few names it does not know; many are legal, most are not."""
    table, state = game.table, game.state
    seats = list(table.order)
    actor = game.current_seat or seats[0]
    seat = data.draw(st.sampled_from([actor, actor, actor, *seats, "nobody"]), label="seat")
    some_seat = st.sampled_from([*seats, "nobody"])
    deal_id = st.integers(min_value=-1, max_value=len(state.deals) + 2)
    kinds = [
        "propose", "propose", "propose", "counter", "counter", "accept", "accept", "reject", "withdraw",
        "side_payment", "endorse", "endorse", "campaign", "publish_evidence", "ratify", "ratify", "refuse",
        "suspend", "audit", "message", "pass", "pass", "inject_shock", "pause", "resume", "end_phase",
    ]  # fmt: skip
    kind = data.draw(st.sampled_from(kinds), label="kind")
    if kind in ("propose", "counter"):
        standard = standard_proposals(table, seat) if seat in table.seats else []
        if standard and data.draw(st.integers(0, 4), label="standard base") > 0:
            # one of the seat's standard proposals, with more terms, other parameters and durations
            base = data.draw(st.sampled_from(standard), label="base")
            forum, parties, region, binding = base.forum, list(base.parties), base.region, base.binding
            pool = [
                o
                for s in seats
                for p in standard_proposals(table, s)
                if p.forum == forum and set(p.parties) <= set(parties)
                for o in p.terms
            ]
            offers = [base.terms[0]] + data.draw(st.lists(st.sampled_from(pool), max_size=3), label="more terms")
        else:
            forum = data.draw(st.sampled_from(["bilateral", "regional", "global"]), label="forum")
            region = None
            if forum == "bilateral":
                parties = [seat, data.draw(st.sampled_from([s for s in seats if s != seat] or seats))]
            elif forum == "regional":
                region = data.draw(st.sampled_from(sorted(table.regions)), label="region")
                parties = [s for s in table.regions[region] if table.types[s].state]
            else:
                parties = list(table.states)
            if data.draw(st.integers(0, 3), label="odd parties") == 0:
                parties = data.draw(st.lists(some_seat, min_size=1, max_size=5), label="parties")
            if data.draw(st.integers(0, 9), label="odd region") == 0:
                region = data.draw(st.sampled_from([None, "atlantis", *sorted(table.regions)]))
            binding = data.draw(st.booleans(), label="binding")
            offers = []
            for _ in range(data.draw(st.integers(1, 4), label="terms")):
                term_id = data.draw(st.sampled_from([*table.terms, "no_such_term"]), label="term")
                term = table.terms.get(term_id)
                giver = receiver = None
                if term is not None and term.scope == "offer":
                    roles = st.sampled_from([*parties, None])
                    giver, receiver = data.draw(roles, label="giver"), data.draw(roles, label="receiver")
                offers.append(TermOffer(term=term_id, giver=giver, receiver=receiver))
        terms = []
        for offer in offers:
            term = table.terms.get(offer.term)
            params = {}
            for key, spec in term.params.items() if term is not None else ():
                if data.draw(st.booleans(), label=f"set {key}"):
                    odd = data.draw(st.integers(0, 9), label="odd value") == 0
                    low, high = (spec.min - 1, spec.max + 1) if odd else (spec.min, spec.max)
                    params[key] = data.draw(st.integers(low, high), label=key)
            terms.append(offer.model_copy(update={"params": params}))
        top = table.scenario.rules.max_duration
        odd_duration = data.draw(st.integers(0, 9), label="odd duration") == 0
        spec = dict(
            seat=seat,
            forum=forum,
            parties=parties,
            terms=terms,
            binding=binding if data.draw(st.integers(0, 5), label="flip binding") else not binding,
            duration=data.draw(st.integers(0, top + 1) if odd_duration else st.integers(1, top), label="duration"),
            region=region,
        )
        if kind == "counter":
            return Counter(deal=data.draw(deal_id, label="deal"), **spec)
        return Propose(**spec)
    by_deal = {
        "accept": Accept, "reject": Reject, "withdraw": Withdraw, "endorse": Endorse, "ratify": Ratify,
        "refuse": Refuse, "suspend": Suspend, "audit": Audit,
    }  # fmt: skip
    if kind in by_deal:
        return by_deal[kind](seat=seat, deal=data.draw(deal_id, label="deal"))
    if kind == "side_payment":
        return SidePayment(seat=seat, to=data.draw(some_seat, label="to"), amount=data.draw(st.integers(1, 45)))
    if kind == "campaign":
        return Campaign(
            seat=seat, target=data.draw(some_seat, label="target"), direction=data.draw(st.sampled_from([1, -1]))
        )
    if kind == "publish_evidence":
        return PublishEvidence(seat=seat, term=data.draw(st.sampled_from([*table.terms, "no_such_term"]), label="term"))
    if kind == "message":
        return SendMessage(seat=seat, to=data.draw(st.sampled_from([None, *seats, "nobody"]), label="to"), text="hi")
    if kind == "pass":
        return Pass(seat=seat)
    if kind == "inject_shock":
        cards = list(game.table.content.shocks)
        return InjectShock(
            card=data.draw(st.sampled_from([*cards, "no_such_card"])),
            target=data.draw(st.sampled_from([None, *seats, "nobody"])),
        )
    return {"pause": Pause, "resume": Resume, "end_phase": EndPhase}[kind]()


@fast(80)
@given(scenario=scenarios, seed=seeds, picks=short, data=st.data())
def test_check_and_apply_agree_on_any_action(content: Content, scenario, seed, picks, data):
    """Any action, legal or not: refused ones change nothing, accepted ones keep the invariants,
    and a game made of them saves and replays to the same state."""
    game = play(Game(content, scenario, seed), picks, chat=True)
    for _ in range(data.draw(st.integers(1, 40), label="actions")):
        if game.is_over:
            break
        action = arbitrary_action(data, game)
        reason = game.check(action)
        event(f"{action.type}: {'refused' if reason else 'legal'}")
        if reason is None:
            game.apply(action)
            check_invariants(game)
        else:
            assert_refused(game, action, "refused by check")
        if game.state.paused and not game.is_over and data.draw(st.booleans(), label="resume"):
            game.apply(Resume())
        # and a legal step now and then, so the fuzzed actions meet every phase
        if not game.is_over and data.draw(st.booleans(), label="legal step"):
            step = choose(game, data.draw(st.integers(min_value=0), label="pick"), False, undo=False)
            if step is not None:
                game.apply(step)
                check_invariants(game)
    event(f"fuzzed up to round {game.state.round}, phase {game.state.phase}")
    loaded = from_save(content, json.loads(json.dumps(to_save(game))))
    assert digest(loaded) == digest(game)


# --- 5. secrecy of views -----------------------------------------------------------------------------


def check_views(game: Game, content: Content, k: int) -> None:
    table, state = game.table, game.state
    over = game.is_over
    for seat in table.order:
        seen = game.view(seat)
        text = seen.model_dump_json()
        mine = state.secrets[seat].agenda
        assert seen.agenda == mine
        assert seen.hand == state.secrets[seat].hand
        if not over:
            assert seen.agendas == {}
            for other in table.order:
                theirs = state.secrets[other].agenda
                if other != seat and theirs != mine:
                    assert theirs not in text, f"{seat}'s view holds {other}'s agenda {theirs}"
        assert set(seen.evidence) == set(state.revealed)
        for term, offsets in seen.evidence.items():
            assert offsets == state.hidden[term]
        dumped = seen.model_dump()
        for field in ("hidden", "lapses", "secrets", "rng", "shock_pile", "trend_pile"):
            assert field not in dumped
        for m in seen.messages:
            assert m.to is None or seat in (m.to, m.sender), (seat, m)
        expected = [m for m in state.messages if m.to is None or seat in (m.to, m.sender)]
        assert seen.messages == expected
        assert all(e.to in (None, seat) for e in game.events_for(seat))
    if not over:
        assert_blind_to_others_secrets(game, content, table.order[k % len(table.order)], k)


def assert_blind_to_others_secrets(game: Game, content: Content, seat: str, k: int) -> None:
    """Another seat's secret (agenda and hand) is swapped in a deep copy: this seat's view is the same."""
    table, state = game.table, game.state
    others = [o for o in table.order if o != seat]
    other = others[k % len(others)]
    kind = table.seats[other].type
    agendas = [a for a in content.agendas if a != state.secrets[other].agenda]
    same_type = [a for a in agendas if content.agendas[a].seat_type == kind] or agendas
    trends = list(content.trends)
    alt = state.model_copy(deep=True)
    alt.secrets[other] = Secret(
        agenda=same_type[k % len(same_type)],
        hand=[Forecast(round=r, card=trends[(k + r) % len(trends)]) for r in range(1, table.rounds)],
    )
    assert alt.secrets[other] != state.secrets[other]
    assert seat_view(table, alt, seat, game.current_seat).model_dump() == game.view(seat).model_dump()


@fast(25)
@given(scenario=scenarios, seed=seeds, picks=choices, facilitator=facilitator_steps, k=st.integers(0, 50))
def test_views_hold_no_other_seats_secrets(content: Content, scenario, seed, picks, facilitator, k):
    game = Game(content, scenario, seed)
    check_views(game, content, k)
    # a view is a snapshot: later play does not change one taken earlier
    seat = game.table.order[k % len(game.table.order)]
    early = game.view(seat)
    early_dump = early.model_dump()

    def after(game: Game, action: ActionModel) -> None:
        if len(game.log) % 5 == 0 or game.is_over:
            check_views(game, content, k + len(game.log))
        if len(game.log) == k:
            nonlocal early, early_dump
            early, early_dump = game.view(seat), game.view(seat).model_dump()

    play(game, picks, facilitator, after=after, chat=True)
    check_views(game, content, k)
    assert early.model_dump() == early_dump


def position(game: Game) -> str:
    """The game's state as JSON: what an undo restores (the digest also covers the log, undos included)."""
    return game.state.model_dump_json()


# --- 6. undo -----------------------------------------------------------------------------------------


def assert_undo_restores(game: Game, action: ActionModel) -> None:
    """Apply the action, undo it, check the state is back, then apply it again for good."""
    before, dump, seat = position(game), game.state.model_dump(), game.current_seat
    legal = game.legal_actions(seat) if seat else []
    game.apply(action)
    after = position(game)
    assert game.check(Undo()) is None
    game.apply(Undo())
    assert position(game) == before, f"undo of {action!r} does not restore the state"
    assert game.state.model_dump() == dump
    assert game.current_seat == seat
    assert (game.legal_actions(seat) if seat else []) == legal
    game.apply(action)  # and doing it again gives the same state as the first time
    assert position(game) == after


@fast(40)
@given(
    scenario=scenarios,
    seed=seeds,
    picks=choices,
    facilitator=facilitator_steps,
    checks=st.frozensets(st.integers(min_value=0, max_value=STEPS - 1), max_size=5),
    undos=undo_steps,
)
def test_undo_restores_the_state_before_the_action(content: Content, scenario, seed, picks, facilitator, checks, undos):
    game = Game(content, scenario, seed)
    for step, i in enumerate(picks):
        if game.is_over:
            break
        if step in undos and game.check(Undo()) is None:
            game.apply(Undo())
            continue
        action = choose(game, i, step in facilitator, undo=False, chat=True)
        if action is None:
            break
        if step in checks or step == len(picks) - 1:
            assert_undo_restores(game, action)
        else:
            before = position(game)
            game.apply(action)
            if game.is_over:  # undoing the action that ended the game brings the game back
                game.apply(Undo())
                assert position(game) == before and not game.is_over
                game.apply(action)
    describe_reach(game)


# --- examples ------------------------------------------------------------------------------------------


def test_undo_with_nothing_to_undo_is_refused(new_game):
    game = new_game("classroom", 3)
    assert Undo() not in game.legal_actions("facilitator")
    assert "nothing to undo" in (game.check(Undo()) or "")
    with pytest.raises(IllegalAction, match="nothing to undo"):
        game.apply(Undo())
    # one action, one undo: then there is nothing left to undo
    start = position(game)
    game.apply(Pass(seat=game.current_seat))
    game.apply(Undo())
    assert position(game) == start
    assert game.check(Undo()) is not None
    with pytest.raises(IllegalAction):
        game.apply(Undo())


def test_pause_blocks_seats_and_resume_restores(new_game):
    game = new_game("compact-2030", 2)
    seat = game.current_seat
    legal = game.legal_actions(seat)
    assert seat is not None and legal
    game.apply(Pause())
    assert game.state.paused
    assert game.current_seat is None
    for s in game.table.order:
        assert game.legal_actions(s) == []
    reason = game.check(Pass(seat=seat))
    assert reason is not None and "pause" in reason
    with pytest.raises(IllegalAction, match="pause"):
        game.apply(Pass(seat=seat))
    assert Resume() in game.legal_actions("facilitator")
    assert Pause() not in game.legal_actions("facilitator")
    assert game.check(Pause()) is not None
    game.apply(Resume())
    assert not game.state.paused
    assert game.current_seat == seat
    assert game.legal_actions(seat) == legal
    game.apply(Pass(seat=seat))


def test_end_phase_in_negotiation_moves_to_the_next_phase(new_game):
    game = new_game("classroom", 1)
    assert game.state.phase == "negotiation"
    start_round = game.state.round
    events = game.apply(EndPhase())
    assert any("ends the negotiation phase" in e.text for e in events)
    state = game.state
    # no deal waits for ratification, so the round runs on to implementation (or past it)
    assert state.phase != "negotiation" or state.round > start_round
    assert state.phase in ("ratification", "implementation") or state.round > start_round or game.is_over


def test_end_phase_in_negotiation_with_an_agreed_binding_deal_goes_to_ratification(new_game):
    game = new_game("classroom", 1)
    # Aldermark (who speaks first in round 0) proposes a binding bilateral deal to Zanoka, which accepts
    assert game.current_seat == "aldermark"
    _agree_binding_deal(game)
    assert game.state.deals[0].status == "agreed"
    game.apply(EndPhase())
    assert game.state.phase == "ratification"
    assert game.current_seat in ("aldermark", "zanoka")


def test_inject_shock_strikes_its_target(new_game):
    game = new_game("compact-2030", 4)
    shock = next(a for a in game.legal_actions("facilitator") if isinstance(a, InjectShock) and a.target)
    game.apply(shock)
    assert game.state.shock == shock.card
    assert game.state.shock_targets == [shock.target]


def _game_with_message_and_deals(new_game) -> Game:
    """Classroom, round 0: a message to all, deal #1 withdrawn (settled), deal #2 open."""
    game = new_game("classroom", 0)
    assert game.current_seat == "aldermark"
    offers = [
        a
        for a in game.legal_actions("aldermark")
        if isinstance(a, Propose) and a.forum == "bilateral" and "zanoka" in a.parties
    ]
    game.apply(SendMessage(seat="aldermark", text="hello all"))
    game.apply(offers[0])
    for seat in ("zanoka", "corvessa", "open_hands"):
        game.apply(Pass(seat=seat))
    game.apply(Withdraw(seat="aldermark", deal=1))
    for seat in ("zanoka", "corvessa", "open_hands"):
        game.apply(Pass(seat=seat))
    game.apply(offers[1])
    assert [d.status for d in game.state.deals] == ["withdrawn", "open"]
    return game


def _change_tracks(seen):
    seen.seats[0].tracks["budget"] = 0


def _change_open_deal(seen):
    seen.deals[1].status = "agreed"


def test_changing_a_views_tracks_or_open_deals_does_not_change_the_game(new_game):
    game = _game_with_message_and_deals(new_game)
    before = digest(game)
    for change in (_change_tracks, _change_open_deal):
        change(game.view("aldermark"))
        assert digest(game) == before


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            lambda seen: setattr(seen.hand[0], "card", "other"),
            id="hand",
        ),
        pytest.param(
            lambda seen: setattr(seen.messages[0], "text", "edited"),
            id="message",
        ),
        pytest.param(
            lambda seen: seen.deals[1].terms.append(seen.deals[1].terms[0]),
            id="deal-terms",
        ),
        pytest.param(
            lambda seen: setattr(seen.deals[0], "status", "in_force"),
            id="settled-deal",
        ),
    ],
)
def test_changing_a_view_does_not_change_the_game(new_game, change):
    """A view shares nothing mutable with the game: a change is refused (a frozen model) or stays in the view."""
    game = _game_with_message_and_deals(new_game)
    before = digest(game)
    with contextlib.suppress(ValidationError):
        change(game.view("aldermark"))
    assert digest(game) == before


def test_each_seat_has_its_own_message_allowance_in_ratification(new_game):
    game = new_game("classroom", 1)
    _agree_binding_deal(game)
    game.apply(EndPhase())
    assert (game.state.phase, game.current_seat) == ("ratification", "aldermark")
    allowance = game.table.scenario.rules.messages_per_turn
    for i in range(allowance):
        game.apply(SendMessage(seat="aldermark", text=f"note {i}"))
    game.apply(Ratify(seat="aldermark", deal=1))
    assert (game.state.phase, game.current_seat) == ("ratification", "zanoka")
    assert game.check(SendMessage(seat="zanoka", text="my first message")) is None


def test_the_facilitator_cannot_end_a_phase_while_paused(new_game):
    game = new_game("classroom", 0)
    game.apply(Pause())
    assert "paused" in game.check(EndPhase())
    assert EndPhase() not in game.legal_actions("facilitator")


def _agree_binding_deal(game) -> None:
    """Classroom: Aldermark proposes a binding bilateral deal to Zanoka, which accepts (deal 1)."""
    proposal = next(
        a
        for a in game.legal_actions("aldermark")
        if isinstance(a, Propose) and a.binding and a.forum == "bilateral" and set(a.parties) == {"aldermark", "zanoka"}
    )
    game.apply(proposal)
    while game.current_seat != "zanoka":
        game.apply(Pass(seat=game.current_seat))
    game.apply(Accept(seat="zanoka", deal=1))


def test_views_sharing_copies_are_the_views_made_afresh(content):
    """A game's views reuse copies of unchanged parts: every one is what a view made from
    scratch would be, whatever changed between them."""
    game = Game(content, "crisis-2015", 3)
    bots = {s: make_bot(game.table, s, spec, 3) for s, spec in default_lineup(game.table).items()}
    while (seat := game.current_seat) is not None:
        for other in game.table.order:
            fresh = seat_view(game.table, game.state, other, seat).model_dump()
            assert game.view(other).model_dump() == fresh, (game.state.round, game.state.phase, other)
        game.apply(bots[seat].decide(game.view(seat), game.legal_actions(seat)))
