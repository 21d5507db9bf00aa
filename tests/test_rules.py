"""Unit tests of the rules, named after the rulebook's sections: phases, negotiation, forums,
ratification, windows, implementation, resolution, each term's effects, scoring and collapse."""

from __future__ import annotations

import pytest

from negotiate.engine import Game, IllegalAction
from negotiate.engine.actions import (
    Accept,
    Audit,
    Campaign,
    Counter,
    Endorse,
    EndPhase,
    InjectShock,
    Pass,
    Propose,
    PublishEvidence,
    Ratify,
    Refuse,
    Reject,
    SendMessage,
    SidePayment,
    Suspend,
)
from negotiate.engine.deals import price, strain
from negotiate.engine.effects import amount
from negotiate.engine.events import Story
from negotiate.engine.flows import apply_deal, corridor_levers, resolve
from negotiate.engine.legal import implementation_options
from negotiate.engine.machine import PHASES
from negotiate.engine.rounds import strike
from negotiate.engine.state import TermOffer
from tests.conftest import next_round, pass_until, play_random, put_in_force

NORTH, VAL, SAH, KESH, PONT, NGO, MERI, ATLAS = (
    "northland",
    "valmark",
    "sahelia",
    "kesh",
    "pontara",
    "open_routes",
    "meridian",
    "atlas",
)


def turn_to(game: Game, seat: str) -> None:
    """Pass around the table until it is `seat`'s turn in the current phase."""
    for _ in range(len(game.table.order)):
        if game.current_seat == seat:
            return
        game.apply(Pass(seat=game.current_seat))
    raise AssertionError(f"{seat} never got the turn")


def propose(game: Game, seat: str, parties: list[str], terms: list[TermOffer], **kw) -> int:
    turn_to(game, seat)
    game.apply(Propose(seat=seat, parties=parties, terms=terms, forum=kw.pop("forum", "bilateral"), **kw))
    return len(game.state.deals)


def answer(game: Game, seat: str, deal: int, yes: bool = True) -> None:
    turn_to(game, seat)
    game.apply(Accept(seat=seat, deal=deal) if yes else Reject(seat=seat, deal=deal))


def pathway(quota: int = 2) -> TermOffer:
    return TermOffer(term="legal_pathway", giver=NORTH, receiver=SAH, params={"quota": quota})


# --- a round ----------------------------------------------------------------------------


def test_round_phases_in_order_with_one_machine(new_game):
    game = new_game()
    machine = game.machine.machine
    assert list(machine.states) == PHASES
    assert game.state.phase == "negotiation" and game.state.round == 0
    next_round(game)
    assert game.state.phase == "negotiation" and game.state.round == 1
    assert game.machine.machine is machine, "one machine per game, across rounds"
    kinds = [e.kind for e in game.events]
    assert kinds.index("trend") < kinds.index("shock") < kinds.index("phase")


def test_trend_is_drawn_from_the_pile_each_round(new_game):
    game = new_game(seed=5)
    assert game.state.trend == game.state.trend_pile[0]
    next_round(game)
    assert game.state.trend == game.state.trend_pile[1]


def test_negotiation_first_speaker_moves_round_by_round(new_game):
    game = new_game()
    assert game.current_seat == game.table.order[0]
    next_round(game)
    assert game.current_seat == game.table.order[1]


def test_negotiation_ends_when_every_seat_passes_in_a_row(new_game):
    game = new_game()
    for seat in game.table.order[:-1]:
        game.apply(Pass(seat=seat))
        assert game.state.phase == "negotiation"
    game.apply(Pass(seat=game.table.order[-1]))
    assert game.state.phase != "negotiation"


def test_negotiation_ends_at_the_beat_limit(content):
    game = Game(content, "classroom", 2)
    beats = game.table.scenario.rules.beats
    acted = 0
    while game.state.phase == "negotiation" and game.state.round == 0:
        seat = game.current_seat
        moves = [a for a in game.legal_actions(seat) if a.type in ("side_payment", "campaign", "propose", "endorse")]
        game.apply(moves[0] if moves else Pass(seat=seat))
        acted += bool(moves)
    assert acted == beats
    assert game.state.phase != "negotiation" or game.state.round == 1


def test_messages_do_not_end_the_turn_but_are_limited(new_game):
    game = new_game()
    seat = game.current_seat
    limit = game.table.scenario.rules.messages_per_turn
    for i in range(limit):
        game.apply(SendMessage(seat=seat, to=SAH, text=f"hello {i}"))
    assert game.current_seat == seat
    assert "messages a turn" in game.check(SendMessage(seat=seat, text="one more"))
    assert game.view(SAH).messages[-1].text == f"hello {limit - 1}"
    assert not [m for m in game.view(KESH).messages if m.text.startswith("hello")]


def test_it_must_be_your_turn(new_game):
    game = new_game()
    other = game.table.order[1]
    reason = game.check(Pass(seat=other))
    assert "turn" in reason
    with pytest.raises(IllegalAction):
        game.apply(Pass(seat=other))


# --- negotiation and forums -----------------------------------------------------------------


def test_bilateral_deal_agreed_enters_into_force_and_raises_governance(new_game):
    game = new_game()
    deal = propose(game, NORTH, [NORTH, SAH], [pathway()])
    assert game.state.deals[deal - 1].status == "open"
    answer(game, SAH, deal)
    assert game.state.deals[deal - 1].status == "agreed"
    pass_until(game, "implementation")
    d = game.state.deals[deal - 1]
    assert d.status == "in_force" and d.starts == 0 and d.ends == 1
    assert game.state.global_tracks["governance"] == 1


def test_rejected_deal_is_dead(new_game):
    game = new_game()
    deal = propose(game, NORTH, [NORTH, SAH], [pathway()])
    answer(game, SAH, deal, yes=False)
    assert game.state.deals[deal - 1].status == "rejected"
    assert game.check(Accept(seat=SAH, deal=deal))


def test_counter_replaces_the_proposal(new_game):
    game = new_game()
    deal = propose(game, NORTH, [NORTH, SAH], [pathway(2)])
    turn_to(game, SAH)
    game.apply(Counter(seat=SAH, deal=deal, forum="bilateral", parties=[NORTH, SAH], terms=[pathway(4)]))
    old, new = game.state.deals[deal - 1], game.state.deals[-1]
    assert old.status == "countered" and new.counter_of == deal and new.proposer == SAH
    assert new.accepted == [SAH] and new.terms[0].params == {"quota": 4}


def test_unagreed_proposals_lapse_at_the_end_of_negotiation(new_game):
    game = new_game()
    deal = propose(game, NORTH, [NORTH, SAH], [pathway()])
    pass_until(game, "implementation")
    assert game.state.deals[deal - 1].status == "lapsed"


@pytest.mark.parametrize(
    ("seat", "parties", "term", "expected"),
    [
        (NORTH, [NORTH, SAH], TermOffer(term="readmission", giver=NORTH, receiver=SAH), "cannot give"),
        (
            NORTH,
            [NORTH, SAH],
            TermOffer(term="reciprocal_mobility", giver=NORTH, receiver=SAH),
            "cannot receive",
        ),
        (NORTH, [NORTH, SAH], TermOffer(term="global_compact"), "global forum"),
        (NORTH, [NORTH, SAH, KESH], TermOffer(term="trafficking_cooperation"), "exactly two parties"),
        (NORTH, [SAH, KESH], TermOffer(term="trafficking_cooperation"), "party to its own proposal"),
        (NORTH, [NORTH, NGO], TermOffer(term="trafficking_cooperation"), "not a state"),
        (
            NORTH,
            [NORTH, SAH],
            TermOffer(term="legal_pathway", giver=NORTH, receiver=SAH, params={"quota": 99}),
            "1 to 4",
        ),
        (NORTH, [NORTH, SAH], TermOffer(term="no_such_term"), "unknown term"),
        (NGO, [NORTH, SAH], TermOffer(term="trafficking_cooperation"), "cannot propose"),
    ],
)
def test_forums_and_deals_refuse_ill_formed_proposals(new_game, seat, parties, term, expected):
    game = new_game()
    turn_to(game, seat)
    reason = game.check(Propose(seat=seat, parties=parties, terms=[term], forum="bilateral"))
    assert reason and expected in reason


def test_forums_regional_deal_needs_a_shared_region(new_game):
    game = new_game()
    offer = TermOffer(term="trafficking_cooperation")
    reason = game.check(Propose(seat=NORTH, forum="regional", region="union", parties=[NORTH, VAL, SAH], terms=[offer]))
    assert "not in the region" in reason
    ok = Propose(seat=NORTH, forum="regional", region="mediterranean", parties=[NORTH, VAL, SAH, PONT], terms=[offer])
    assert game.check(ok) is None


def test_forums_global_vote_needs_half_the_states_and_binds_only_yes_voters(new_game):
    game = new_game()
    states = list(game.table.states)
    game.state.seat(NORTH).tracks["political_capital"] = 12  # to lead (3, glass house) and sign (6) a compact
    deal = propose(game, NORTH, states, [TermOffer(term="global_compact")], forum="global")
    glass = game.state.seat(NORTH).glass_house
    assert game.state.seat(NORTH).tracks["political_capital"] == 12 - (1 + glass), "glass house cost"
    answer(game, SAH, deal)
    answer(game, KESH, deal)
    answer(game, VAL, deal, yes=False)
    pass_until(game, "implementation")
    d = game.state.deals[deal - 1]
    assert d.status == "in_force" and sorted(d.parties) == sorted([NORTH, SAH, KESH])
    assert game.state.global_tracks["governance"] == 3


def test_forums_global_vote_fails_without_half(new_game):
    game = new_game()
    game.state.seat(NORTH).tracks["political_capital"] = 12
    deal = propose(game, NORTH, list(game.table.states), [TermOffer(term="global_compact")], forum="global")
    answer(game, SAH, deal)
    pass_until(game, "implementation")
    assert game.state.deals[deal - 1].status == "rejected"


def test_glass_house_makes_leading_a_global_proposal_unaffordable(new_game):
    game = new_game()
    game.state.seat(NORTH).tracks["political_capital"] = 2  # glass house 2: needs 3
    reason = game.check(
        Propose(seat=NORTH, forum="global", parties=list(game.table.states), terms=[TermOffer(term="global_compact")])
    )
    assert "glass house" in reason


def test_normative_cosmopolitan_draft_needs_a_state_sponsor(new_game):
    game = new_game()
    states = list(game.table.states)
    deal = propose(game, MERI, states, [TermOffer(term="global_compact")], forum="global")
    assert game.state.deals[deal - 1].status == "draft"
    assert game.check(Accept(seat=SAH, deal=deal)), "a draft is not open for votes"
    turn_to(game, SAH)
    game.apply(Endorse(seat=SAH, deal=deal))
    d = game.state.deals[deal - 1]
    assert d.status == "open" and d.sponsor == SAH and SAH in d.accepted


def test_side_payment_moves_budget_now(new_game):
    game = new_game()
    before = game.state.seat(NORTH).tracks["budget"], game.state.seat(PONT).tracks["budget"]
    turn_to(game, NORTH)
    game.apply(SidePayment(seat=NORTH, to=PONT, amount=3))
    assert game.state.seat(NORTH).tracks["budget"] == before[0] - 3
    assert game.state.seat(PONT).tracks["budget"] == before[1] + 3
    turn_to(game, NORTH)
    assert "less than" in game.check(SidePayment(seat=NORTH, to=SAH, amount=99))
    turn_to(game, SAH)
    assert "cannot make side payments" in game.check(SidePayment(seat=SAH, to=NORTH, amount=1))


def test_campaign_moves_a_states_cohesion_at_a_cost(new_game):
    game = new_game()
    turn_to(game, NGO)
    funds = game.state.seat(NGO).tracks["funds"]
    game.state.seat(NORTH).tracks["cohesion"] = cohesion = 10  # room to rise
    game.apply(Campaign(seat=NGO, target=NORTH, direction=1))
    assert game.state.seat(NORTH).tracks["cohesion"] == cohesion + 2
    assert game.state.seat(NGO).tracks["funds"] == funds - 2
    assert game.state.seat(NGO).stats["campaigns"] == 1


def test_evidence_reveals_a_terms_true_effect_to_everyone(new_game):
    game = new_game()
    assert "legal_pathway" not in game.view(SAH).evidence
    turn_to(game, NGO)
    game.apply(PublishEvidence(seat=NGO, term="legal_pathway"))
    assert game.view(SAH).evidence["legal_pathway"] == game.state.hidden["legal_pathway"]
    assert any(e.kind == "evidence" for e in game.events)


# --- ratification and windows ---------------------------------------------------------------


def binding_pathway(game: Game) -> int:
    deal = propose(game, NORTH, [NORTH, SAH], [pathway()], binding=True)
    answer(game, SAH, deal)
    pass_until(game, "ratification")
    return deal


def test_ratification_of_a_binding_deal_by_every_party(new_game):
    game = new_game()
    deal = binding_pathway(game)
    assert game.current_seat == NORTH
    game.apply(Ratify(seat=NORTH, deal=deal))
    assert game.state.phase == "ratification" and game.current_seat == SAH
    game.apply(Ratify(seat=SAH, deal=deal))
    assert game.state.deals[deal - 1].status == "in_force"


def test_ratification_refused_by_one_party_fails_the_deal(new_game):
    game = new_game()
    deal = binding_pathway(game)
    game.apply(Refuse(seat=NORTH, deal=deal))
    assert game.state.deals[deal - 1].status == "failed"
    assert game.state.phase != "ratification"


def test_ratification_costs_its_price_at_home_more_when_cohesion_is_short(new_game):
    game = new_game()
    deal = binding_pathway(game)
    d = game.state.deals[deal - 1]
    north = game.state.seat(NORTH)
    assert strain(game.table, game.state, d, NORTH) == 3  # a pathway's strain on its giver
    assert price(game.table, game.state, d, NORTH) == 3  # cohesion 16 - 3 clears the floor of 4
    north.tracks["cohesion"] = 5  # 5 - 3 = 2, two short of the floor
    assert price(game.table, game.state, d, NORTH) == 3 + 2
    north.tracks["political_capital"] = 9
    game.apply(Ratify(seat=NORTH, deal=deal))
    assert north.tracks["political_capital"] == 9 - 5


def test_ratification_impossible_without_the_capital(new_game):
    game = new_game()
    deal = binding_pathway(game)
    north = game.state.seat(NORTH)
    north.tracks["cohesion"] = 0
    north.tracks["political_capital"] = 1
    reason = game.check(Ratify(seat=NORTH, deal=deal))
    assert "political capital" in reason
    assert [a.type for a in game.legal_actions(NORTH)] == ["refuse"]


def test_ratification_pending_decisions_refused_when_the_facilitator_ends_it(new_game):
    game = new_game()
    deal = binding_pathway(game)
    game.apply(EndPhase())
    assert game.state.deals[deal - 1].status == "failed"


def test_non_binding_deals_need_no_ratification(new_game):
    game = new_game()
    deal = propose(game, NORTH, [NORTH, SAH], [pathway()])
    answer(game, SAH, deal)
    pass_until(game, "implementation")
    assert game.state.deals[deal - 1].status == "in_force"
    assert not any(e.phase == "ratification" for e in game.events)


def test_shocks_strike_harder_as_the_crisis_years_build(new_game):
    game = new_game()
    table = game.table
    war = table.content.shocks["war_in_the_provinces"]
    crisis = next(e.delta for e in war.effects if e.track == "crisis")
    struck = []
    for round_index in (0, 2):
        state = game.state.fork()
        state.round = round_index
        state.global_tracks["crisis"] = 0
        for corridor in state.corridors:
            corridor.surge = 0
        story = Story(state)
        strike(table, state, war.id, [SAH], story)
        struck.append((state.global_tracks["crisis"], [c.surge for c in state.corridors if c.origin == SAH]))
    assert struck[0] == (crisis, [war.corridors[0].surge] * 2)
    harder = table.escalation(2)
    assert harder > 1
    assert struck[1] == (amount(crisis * harder), [amount(war.corridors[0].surge * harder)] * 2)
    assert f"{harder:g} times as hard" in story.events[0].text


def test_window_after_a_shock_discounts_deals_between_the_right_actors(new_game):
    game = new_game()
    windowed = next(c for c, card in game.table.content.shocks.items() if card.window and card.strikes == "all")
    game.apply(InjectShock(card=windowed))
    assert game.state.window
    offer = TermOffer(term="no_child_detention")
    deal = propose(
        game, NORTH, [NORTH, VAL, SAH, PONT], [offer], forum="regional", region="mediterranean", binding=True
    )
    d = game.state.deals[deal - 1]
    assert strain(game.table, game.state, d, NORTH) == 0  # 1 - window 3, floored
    bilateral = propose(game, VAL, [VAL, SAH], [TermOffer(term="readmission", giver=SAH, receiver=VAL)], binding=True)
    assert strain(game.table, game.state, game.state.deals[bilateral - 1], SAH) == 0, "a receiving and a sending state"
    among_receivers = propose(
        game, NORTH, [NORTH, VAL], [TermOffer(term="reciprocal_mobility", giver=NORTH, receiver=VAL)]
    )
    assert strain(game.table, game.state, game.state.deals[among_receivers - 1], NORTH) == 1, "no window"
    game.state.window = False
    assert strain(game.table, game.state, d, NORTH) == 1
    assert strain(game.table, game.state, game.state.deals[bilateral - 1], SAH) == 3


def test_endorsements_by_non_parties_ease_ratification(new_game):
    game = new_game()
    deal = propose(game, NORTH, [NORTH, SAH], [pathway()], binding=True)
    d = game.state.deals[deal - 1]
    assert strain(game.table, game.state, d, NORTH) == 3
    turn_to(game, NGO)
    game.apply(Endorse(seat=NGO, deal=deal))
    assert strain(game.table, game.state, d, NORTH) == 2


def test_the_price_at_home_of_a_convention_falls_on_the_states_people_move_to(new_game):
    game = new_game()
    states = list(game.table.states)
    convention = Propose(
        seat=SAH, forum="global", parties=states, terms=[TermOffer(term="binding_convention")], binding=True
    )
    table, state = game.table, game.state
    assert strain(table, state, convention, SAH) == 1  # sending: a convention protects its citizens abroad
    assert strain(table, state, convention, PONT) == 1
    assert strain(table, state, convention, NORTH) == 1 + 18  # receiving: the rights bind it


def test_a_non_binding_deal_costs_its_signatories_their_price_as_it_enters_into_force(new_game):
    game = new_game()
    deal = propose(game, NORTH, [NORTH, SAH], [pathway()])
    capital = game.state.seat(NORTH).tracks["political_capital"]
    answer(game, SAH, deal)
    pass_until(game, "implementation")
    assert game.state.deals[deal - 1].status == "in_force"
    assert game.state.seat(NORTH).tracks["political_capital"] == capital - 3
    assert any("adopts deal" in e.text for e in game.events)


def test_a_seat_that_cannot_pay_the_price_at_home_cannot_sign(new_game):
    game = new_game()
    game.state.seat(VAL).tracks["political_capital"] = 3
    deal = propose(game, VAL, [VAL, SAH], [TermOffer(term="border_enforcement", giver=SAH, receiver=VAL)])
    turn_to(game, SAH)
    game.state.seat(SAH).tracks["political_capital"] = 1  # border enforcement weighs 2 on its giver
    assert "political capital at home" in game.check(Accept(seat=SAH, deal=deal))
    assert [a.type for a in game.legal_actions(SAH) if getattr(a, "deal", None) == deal] == ["reject"]
    game.state.seat(NORTH).tracks["political_capital"] = 2
    turn_to(game, NORTH)
    assert "political capital at home" in game.check(
        Propose(seat=NORTH, forum="bilateral", parties=[NORTH, SAH], terms=[pathway()])
    )


def test_reciprocal_mobility_only_between_states_short_of_workers(new_game):
    game = new_game()
    offer = TermOffer(term="reciprocal_mobility", giver=NORTH, receiver=VAL)
    turn_to(game, NORTH)
    game.state.seat(VAL).tracks["labour_gap"] = 2
    assert "short of workers" in game.check(Propose(seat=NORTH, forum="bilateral", parties=[NORTH, VAL], terms=[offer]))
    game.state.seat(VAL).tracks["labour_gap"] = 6
    game.state.seat(NORTH).tracks["labour_gap"] = 6
    assert game.check(Propose(seat=NORTH, forum="bilateral", parties=[NORTH, VAL], terms=[offer])) is None


# --- no farming -----------------------------------------------------------------------------


def test_no_farming_a_term_already_holding_between_the_parties_cannot_be_signed_again(new_game):
    game = new_game()
    deal = propose(game, NORTH, [NORTH, SAH], [pathway()], duration=3)
    answer(game, SAH, deal)
    turn_to(game, SAH)
    again = Propose(seat=SAH, forum="bilateral", parties=[NORTH, SAH], terms=[pathway()])
    assert "already holds between these parties" in game.check(again)
    assert again not in game.legal_actions(SAH)
    next_round(game)
    turn_to(game, NORTH)
    assert "already holds" in game.check(again.model_copy(update={"seat": NORTH}))
    next_round(game)  # the deal's last round: it may be renewed
    turn_to(game, NORTH)
    game.state.seat(NORTH).tracks["political_capital"] = 15  # whatever the price at home has become
    assert game.check(again.model_copy(update={"seat": NORTH})) is None


def test_no_farming_deals_score_once_each_with_diminishing_returns(new_game):
    from negotiate.content.schema import DealScore
    from negotiate.engine.scoring import deal_points, signed

    game = new_game()
    rule = DealScore(kind="deals", term="legal_pathway", role="giver", points=6, label="pathways")
    first = put_in_force(game, [NORTH, SAH], [pathway()])
    put_in_force(game, [NORTH, SAH], [pathway()])  # the same thing signed again
    assert signed(game.table, game.state, NORTH, rule) == {frozenset({("legal_pathway", NORTH, SAH)})}
    put_in_force(game, [NORTH, KESH], [TermOffer(term="legal_pathway", giver=NORTH, receiver=KESH)])
    assert len(signed(game.table, game.state, NORTH, rule)) == 2
    assert deal_points(rule, 1) == 6 and deal_points(rule, 2) == 9 and deal_points(rule, 3) == 11
    assert first.id == 1


# --- implementation -------------------------------------------------------------------------


def test_implementation_suspend_ends_a_bilateral_deal_at_a_cost(new_game):
    game = new_game()
    deal = propose(game, NORTH, [NORTH, SAH], [pathway()])
    answer(game, SAH, deal)
    pass_until(game, "implementation")
    turn_to(game, NORTH)
    capital = game.state.seat(NORTH).tracks["political_capital"]
    game.apply(Suspend(seat=NORTH, deal=deal))
    assert game.state.deals[deal - 1].status == "suspended"
    assert game.state.seat(NORTH).tracks["political_capital"] == capital - 2


def test_implementation_audit_exposes_a_lapse(new_game):
    game = new_game()
    deal = propose(game, NORTH, [NORTH, SAH], [pathway()])
    answer(game, SAH, deal)
    pass_until(game, "implementation")
    game.state.lapses = {deal: [NORTH]}  # hidden: Northland quietly failed to deliver
    assert '"lapses"' not in game.view(NORTH).model_dump_json()
    capital, glass = game.state.seat(NORTH).tracks["political_capital"], game.state.seat(NORTH).glass_house
    turn_to(game, NGO)
    game.apply(Audit(seat=NGO, deal=deal))
    assert game.state.seat(NORTH).tracks["political_capital"] == capital - 2
    assert game.state.seat(NORTH).glass_house == glass + 1
    assert game.state.seat(NGO).stats["lapses_found"] == 1
    assert Audit(seat=NGO, deal=deal) not in implementation_options(game.table, game.state, NGO)


def test_implementation_lapse_drops_the_givers_part(new_game):
    game = new_game()
    deal = put_in_force(game, [NORTH, SAH], [pathway(3)])
    assert corridor_levers(game.table, game.state)[0].capacity == 3
    game.state.lapses = {deal.id: [NORTH]}
    assert corridor_levers(game.table, game.state)[0].capacity == 0


def test_implementation_weak_publics_may_lapse_on_non_binding_deals(new_game):
    lapsed = 0
    for seed in range(30):
        game = new_game(seed=seed)
        deal = propose(game, NORTH, [NORTH, SAH], [pathway()])
        answer(game, SAH, deal)
        game.state.seat(NORTH).tracks["cohesion"] = 2
        game.state.seat(SAH).tracks["cohesion"] = 15
        pass_until(game, "implementation")
        parties = game.state.lapses.get(deal, [])
        assert SAH not in parties, "a strong public never lapses"
        lapsed += NORTH in parties
    assert 0 < lapsed < 30


# --- resolution -----------------------------------------------------------------------------


def test_resolution_without_deals_everyone_moves_irregularly(new_game):
    game = new_game()
    next_round(game)
    for corridor in game.state.corridors:
        assert corridor.regular == 0 and corridor.stopped == 0
        assert corridor.irregular == corridor.pressure > 0
    assert any(e.kind == "flow" and "pressure" in e.text for e in game.events)


def test_resolution_pathways_turn_irregular_into_regular(new_game):
    game = new_game()
    put_in_force(game, [NORTH, SAH], [pathway(3)])
    state = game.state.fork()
    resolve(game.table, state, Story(state))
    sah_north = state.corridors[0]
    assert sah_north.regular == min(3, sah_north.pressure)
    assert sah_north.irregular == sah_north.pressure - sah_north.regular
    assert state.corridors[2].regular == 0, "Kesh's corridor is not opened"


def test_resolution_enforcement_without_pathways_feeds_trafficking(new_game):
    game = new_game()
    put_in_force(
        game, [PONT, NORTH], [TermOffer(term="border_enforcement", giver=PONT, receiver=NORTH, params={"strength": 3})]
    )
    with_enforcement = game.state.fork()
    resolve(game.table, with_enforcement, Story(with_enforcement))
    game.state.deals.clear()
    without = game.state.fork()
    resolve(game.table, without, Story(without))
    assert with_enforcement.corridors[0].stopped == 3
    assert with_enforcement.global_tracks["trafficking"] >= without.global_tracks["trafficking"]
    assert with_enforcement.corridors[0].irregular == without.corridors[0].irregular - 3


@pytest.mark.parametrize("round_index", [0, 3])
def test_resolution_crisis_rises_with_excess_over_thresholds(new_game, round_index):
    game = new_game()
    state = game.state.fork()
    state.round = round_index
    state.global_tracks["crisis"] = 0
    for corridor in state.corridors:
        corridor.threshold = 0
    resolve(game.table, state, Story(state))
    total = sum(c.irregular for c in state.corridors)
    escalation = game.table.escalation(round_index)
    assert state.global_tracks["crisis"] == min(20, amount(0.5 * total * escalation))
    assert (escalation == 1) == (round_index == 0), "the default scenario's crisis weighs more in later rounds"


def test_resolution_crisis_falls_when_no_corridor_is_over(new_game):
    game = new_game()
    state = game.state.fork()
    for corridor in state.corridors:
        corridor.threshold = 99
    crisis = state.global_tracks["crisis"]
    resolve(game.table, state, Story(state))
    assert state.global_tracks["crisis"] == crisis - 1


def test_resolution_tracks_stay_within_bounds(new_game):
    game = new_game()
    state = game.state.fork()
    state.seat(NORTH).tracks["cohesion"] = 0
    state.corridors[0].surge = 40
    resolve(game.table, state, Story(state))
    assert state.seat(NORTH).tracks["cohesion"] == 0


# --- each term's effects --------------------------------------------------------------------


def parties_for(game: Game, term_id: str) -> tuple[list[str], TermOffer]:
    term = game.table.terms[term_id]
    if term.scope == "all_parties":
        return list(game.table.states), TermOffer(term=term_id)
    for giver in game.table.order:
        for receiver in game.table.order:
            if giver == receiver or game.table.seats[giver].type not in term.givers:
                continue
            if game.table.seats[receiver].type not in term.receivers:
                continue
            if term.same_tier and game.table.tier(giver) != game.table.tier(receiver):
                continue
            return [giver, receiver], TermOffer(term=term_id, giver=giver, receiver=receiver)
    raise AssertionError(f"no seats for {term_id}")


def test_every_term_is_exercised(content):
    assert len(content.terms) >= 13


@pytest.mark.parametrize("term_id", sorted(__import__("negotiate.content", fromlist=["x"]).load_content().terms))
def test_each_terms_effects_apply_as_declared(new_game, term_id):
    game = new_game()
    for seat in game.state.seats:  # room to move both ways
        for name, spec in game.table.types[seat.id].tracks.items():
            seat.tracks[name] = (spec.min + spec.max) // 2
    for name in game.state.global_tracks:
        game.state.global_tracks[name] = 2 if name == "governance" else 10
    parties, offer = parties_for(game, term_id)
    deal = put_in_force(game, parties, [offer])
    term = game.table.terms[term_id]
    params = deal.terms[0].params
    roles = {"giver": [offer.giver], "receiver": [offer.receiver], "parties": parties, "global": ["global"]}
    expected: dict[tuple[str, str], int] = {}

    def add(who: str, track: str, change: int) -> None:
        for seat in roles[who]:
            if seat == "global" or track in game.table.types[seat].tracks:
                expected[(seat, track)] = expected.get((seat, track), 0) + change

    for effect in term.effects:
        add(effect.who, effect.track, amount(effect.delta * (params[effect.times] if effect.times else 1)))
    for unc, offset in zip(term.uncertain, game.state.hidden.get(term_id, [])):
        add(unc.who, unc.track, offset * (params[unc.times] if unc.times else 1))
    if term.transfer:
        add("giver", "budget", -params[term.transfer])
        add("receiver", "budget", params[term.transfer])
    before = game.state.fork()
    apply_deal(game.table, game.state, deal, Story(game.state))
    for (seat, track), change in expected.items():
        if seat == "global":
            got = game.state.global_tracks[track] - before.global_tracks[track]
        else:
            got = game.state.seat(seat).tracks[track] - before.seat(seat).tracks[track]
        assert got == change, f"{term_id}: {seat}.{track} moved {got}, expected {change}"


def test_term_legal_pathway_opens_only_its_corridor(new_game):
    game = new_game()
    put_in_force(game, [NORTH, SAH], [pathway(4)])
    levers = corridor_levers(game.table, game.state)
    assert [lever.capacity for lever in levers] == [4, 0, 0, 0]


def test_term_readmission_stops_crossings_from_and_through_the_giver(new_game):
    game = new_game()
    put_in_force(game, [PONT, VAL], [TermOffer(term="readmission", giver=PONT, receiver=VAL)])
    levers = corridor_levers(game.table, game.state)
    assert [lever.enforcement for lever in levers] == [0, 2, 0, 0]


def test_term_reciprocal_mobility_opens_both_ways(new_game):
    game = new_game()
    put_in_force(
        game, [SAH, KESH], [TermOffer(term="reciprocal_mobility", giver=SAH, receiver=KESH, params={"places": 2})]
    )
    levers = corridor_levers(game.table, game.state)
    assert levers[3].capacity == 2  # Kesh to Sahelia


def test_term_payment_paid_only_as_far_as_the_budget_goes(new_game):
    game = new_game()
    deal = put_in_force(
        game, [NORTH, PONT], [TermOffer(term="payment", giver=NORTH, receiver=PONT, params={"amount": 8})]
    )
    game.state.seat(NORTH).tracks["budget"] = 5
    pont = game.state.seat(PONT).tracks["budget"]
    story = Story(game.state)
    apply_deal(game.table, game.state, deal, story)
    assert game.state.seat(NORTH).tracks["budget"] == 0
    assert game.state.seat(PONT).tracks["budget"] == pont + 5
    assert any("only 5 of 8" in e.text for e in story.events)


def test_term_data_sharing_publishes_the_evidence_of_its_deal(new_game):
    game = new_game()
    deal = propose(game, NORTH, [NORTH, SAH], [pathway(), TermOffer(term="data_sharing")])
    answer(game, SAH, deal)
    pass_until(game, "implementation")
    assert "legal_pathway" in game.state.revealed


# --- scoring and the end --------------------------------------------------------------------


def test_scoring_public_scores_hide_agendas_final_scores_reveal_them(new_game):
    game = new_game()
    next_round(game)
    lines = game.score(NORTH)
    public = round(sum(line.points for line in lines if line.source != "agenda"), 1)
    assert game.state.scores[NORTH] == public
    assert {line.source for line in lines} >= {"objective", "agenda"}
    assert game.view(SAH).agendas == {}


def test_scoring_milestone_bonus_for_compact_signatories_and_advocates(new_game):
    game = new_game()
    states = list(game.table.states)
    deal = propose(game, MERI, states, [TermOffer(term="global_compact")], forum="global")
    turn_to(game, SAH)
    game.apply(Endorse(seat=SAH, deal=deal))
    for seat in (VAL, KESH, PONT):
        answer(game, seat, deal)
    pass_until(game, "implementation")
    assert game.state.global_tracks["governance"] == 3
    milestones = {seat: [line for line in game.score(seat) if line.source == "milestone"] for seat in game.table.order}
    assert milestones[SAH] and milestones[MERI] and milestones[KESH] and milestones[VAL]
    assert not milestones[NORTH] and not milestones[NGO]


def test_a_compact_without_a_receiving_state_governs_no_more_than_its_forum(new_game):
    game = new_game()
    deal = propose(game, MERI, list(game.table.states), [TermOffer(term="global_compact")], forum="global")
    turn_to(game, SAH)
    game.apply(Endorse(seat=SAH, deal=deal))
    for seat in (KESH, PONT):
        answer(game, seat, deal)
    pass_until(game, "implementation")
    assert game.state.deal(deal).status == "in_force"
    assert game.state.global_tracks["governance"] == 2
    assert not [line for line in game.score(SAH) if line.source == "milestone"]


def test_scoring_collapse_when_crisis_is_at_its_maximum_as_a_round_ends(new_game):
    game = new_game()
    game.state.global_tracks["crisis"] = 20
    for corridor in game.state.corridors:
        corridor.threshold = 0
    pass_until(game, "game_over")
    assert game.is_over and game.state.collapsed and game.state.round == 0
    assert game.state.winners == []
    for seat in game.table.order:
        lines = game.score(seat)
        kept = sum(line.points for line in lines if line.source != "collapse")
        assert game.state.scores[seat] == pytest.approx(round(kept * 0.25, 1), abs=0.11)


def test_scoring_game_ends_after_the_last_round_with_a_winner(content):
    game = Game(content, "classroom", 3)
    game.state.global_tracks["crisis"] = 0
    for corridor in game.state.corridors:
        corridor.threshold = 99
    while not game.is_over:
        pass_until(game, "game_over")
    assert game.state.round == len(game.table.scenario.years) - 1
    assert not game.state.collapsed
    assert game.state.winners and max(game.state.scores.values()) == game.state.scores[game.state.winners[0]]
    assert set(game.view("zanoka").agendas) == set(game.table.order)


def test_scoring_a_game_over_refuses_every_action(content):
    game = Game(content, "classroom", 4)
    play_random(game, 4)
    assert game.check(Pass(seat="aldermark")) == "the game is over"
    assert game.legal_actions("facilitator") == [a for a in game.legal_actions("facilitator") if a.type == "undo"]


# --- fixes found by reading the rules against the engine --------------------------------------


def test_forums_sending_states_hold_the_majority_of_global_votes(content):
    for scenario in content.scenarios.values():
        game = Game(content, scenario.id, 0)
        votes = {s: game.table.seats[s].votes for s in game.table.states}
        sending = sum(v for s, v in votes.items() if s in game.table.senders)
        assert sending * 2 >= sum(votes.values()), scenario.id


def test_forums_global_signatories_are_bound_only_by_terms_they_voted_for(new_game):
    game = new_game()
    states = list(game.table.states)
    terms = [pathway(4), TermOffer(term="trafficking_cooperation")]
    deal = propose(game, VAL, states, terms, forum="global")
    for seat in (SAH, KESH):
        answer(game, seat, deal)
    answer(game, NORTH, deal, yes=False)
    pass_until(game, "implementation")
    d = game.state.deals[deal - 1]
    assert d.status == "in_force" and NORTH not in d.parties
    assert [o.term for o in d.terms] == ["trafficking_cooperation"], "Northland's pathway is dropped"
    assert corridor_levers(game.table, game.state)[0].capacity == 0


def test_forums_economic_cosmopolitan_cannot_table_for_others(new_game):
    game = new_game()
    turn_to(game, ATLAS)
    reason = game.check(
        Propose(seat=ATLAS, forum="global", parties=list(game.table.states), terms=[TermOffer(term="global_compact")])
    )
    assert "party to its own proposal" in reason
    offer = TermOffer(term="investment_residence", giver=VAL, receiver=ATLAS)
    assert game.check(Propose(seat=ATLAS, forum="bilateral", parties=[VAL, ATLAS], terms=[offer])) is None


def test_implementation_audits_are_counted(new_game):
    game = new_game()
    deal = put_in_force(game, [NORTH, SAH], [pathway()])
    pass_until(game, "implementation")
    turn_to(game, NGO)
    game.apply(Audit(seat=NGO, deal=deal.id))
    assert game.state.seat(NGO).stats["audits"] == 1


def test_implementation_suspending_needs_the_political_capital(new_game):
    game = new_game()
    deal = put_in_force(game, [NORTH, SAH], [pathway()])
    pass_until(game, "implementation")
    game.state.seat(NORTH).tracks["political_capital"] = 1
    turn_to(game, NORTH)
    assert "political capital" in game.check(Suspend(seat=NORTH, deal=deal.id))


def test_scoring_collapse_never_improves_a_negative_score(new_game):
    game = new_game()
    game.state.seat(NORTH).tracks.update(cohesion=0, labour_gap=20, budget=0)
    game.state.collapsed = True
    lines = game.score(NORTH)
    assert sum(line.points for line in lines if line.source != "collapse") < 0
    assert [line.points for line in lines if line.source == "collapse"] == [0.0]


def test_implementation_a_lapsed_party_weakens_shared_commitments(new_game):
    game = new_game()
    deal = put_in_force(game, [NORTH, VAL, SAH, KESH], [TermOffer(term="no_child_detention")], forum="regional")
    game.state.global_tracks["welfare"] = 10
    full = game.state.fork()
    apply_deal(game.table, full, deal, Story(full))
    game.state.lapses = {deal.id: [NORTH, VAL]}
    half = game.state.fork()
    apply_deal(game.table, half, deal, Story(half))
    assert full.global_tracks["welfare"] == 12 and half.global_tracks["welfare"] == 11


def test_resolution_every_surge_dies_out(new_game):
    game = new_game()
    state = game.state.fork()
    state.corridors[0].surge = 5
    seen = []
    for _ in range(4):
        resolve(game.table, state, Story(state))
        seen.append(state.corridors[0].surge)
    assert seen == [2, 1, 0, 0]


# --- actions are checked however they were built -------------------------------------------------


def _unvalidated(game: Game) -> list[tuple[object, str]]:
    """Actions built without validation (model_construct), each out of range, and what the
    refusal must name."""
    offer = TermOffer.model_construct(term="legal_pathway", giver=NORTH, receiver=SAH, params={"quota": "many"})
    return [
        (SidePayment.model_construct(type="side_payment", seat=NORTH, to=PONT, amount=-5, reason=None), "amount"),
        (SidePayment.model_construct(type="side_payment", seat=NORTH, to=PONT, amount=2.5, reason=None), "amount"),
        (Campaign.model_construct(type="campaign", seat=NORTH, target=VAL, direction=5, reason=None), "direction"),
        (
            Propose.model_construct(
                type="propose",
                seat=NORTH,
                forum="bilateral",
                parties=[NORTH, SAH],
                terms=[],
                binding=False,
                duration=2,
                region=None,
                reason=None,
            ),
            "terms",
        ),
        (
            Propose.model_construct(
                type="propose",
                seat=NORTH,
                forum="bilateral",
                parties=[NORTH, SAH],
                terms=[offer],
                binding=False,
                duration=2,
                region=None,
                reason=None,
            ),
            "quota",
        ),
        (SendMessage.model_construct(type="message", seat=NORTH, to=None, text="x" * 5000, reason=None), "text"),
        (Pass.model_construct(type="pass", seat=NORTH, reason="why " * 1000), "reason"),
    ]


def test_apply_refuses_actions_out_of_range_however_they_were_built(new_game, tmp_path):
    from negotiate.engine import read_save, write_save

    game = new_game()
    turn_to(game, NORTH)
    budgets = game.state.seat(NORTH).tracks["budget"], game.state.seat(PONT).tracks["budget"]
    log = len(game.log)
    for action, field in _unvalidated(game):
        problem = game.check(action)  # type: ignore[arg-type]
        assert problem is not None and field in problem, (action, problem)
        with pytest.raises(IllegalAction, match=field):
            game.apply(action)  # type: ignore[arg-type]
    assert (game.state.seat(NORTH).tracks["budget"], game.state.seat(PONT).tracks["budget"]) == budgets
    assert len(game.log) == log
    write_save(game, tmp_path / "game.json")  # the game's own save still loads
    assert read_save(game.table.content, tmp_path / "game.json").state == game.state


def test_apply_refuses_unknown_or_ill_typed_actions_given_as_data(new_game):
    game = new_game()
    turn_to(game, NORTH)
    with pytest.raises(IllegalAction, match="unknown action type 'bribe'"):
        game.apply({"type": "bribe", "seat": NORTH})
    with pytest.raises(IllegalAction, match="amount"):
        game.apply({"type": "side_payment", "seat": NORTH, "to": PONT, "amount": "lots"})
    with pytest.raises(IllegalAction, match="not an action"):
        game.apply("pass")  # type: ignore[arg-type]


def test_no_farming_of_two_proposals_of_the_same_term_only_the_first_agreed_can_be(new_game):
    game = new_game()
    first = propose(game, NORTH, [NORTH, SAH], [pathway()])
    second = propose(game, SAH, [NORTH, SAH], [pathway()])
    answer(game, SAH, first)
    turn_to(game, NORTH)
    assert "already holds" in game.check(Accept(seat=NORTH, deal=second))
    assert Accept(seat=NORTH, deal=second) not in game.legal_actions(NORTH)


def test_no_farming_a_renewal_takes_over_from_the_deal_it_renews(new_game):
    game = new_game()
    deal = propose(game, NORTH, [NORTH, SAH], [pathway()], duration=2)
    answer(game, SAH, deal)
    next_round(game)  # the deal's last round
    game.state.seat(NORTH).tracks["political_capital"] = 15
    renewal = propose(game, NORTH, [NORTH, SAH], [pathway()], duration=2)
    answer(game, SAH, renewal)
    pass_until(game, "implementation")  # the renewal is in force: it alone acts in this round's resolution
    deals = game.state.deals
    assert deals[renewal - 1].status == "in_force" and deals[deal - 1].status == "expired"
    assert any(e.text == f"Deal #{deal} is renewed by deal #{renewal}" for e in game.events)


def test_trafficking_cooperation_costs_nothing_at_home(new_game):
    game = new_game()
    offer = TermOffer(term="trafficking_cooperation")
    spec = Propose(seat=NORTH, forum="bilateral", parties=[NORTH, SAH], terms=[offer])
    assert price(game.table, game.state, spec, NORTH) == price(game.table, game.state, spec, SAH) == 0
    game.state.seat(NORTH).tracks["cohesion"] = 0  # even for the weakest public
    assert price(game.table, game.state, spec, NORTH) == 0


def test_sponsoring_a_draft_needs_the_capital_to_sign_it_at_home(new_game):
    game = new_game()
    draft = propose(
        game, MERI, [NORTH, SAH], [TermOffer(term="legal_pathway", giver=NORTH, receiver=SAH)], forum="bilateral"
    )
    assert game.state.deals[draft - 1].status == "draft"
    turn_to(game, NORTH)
    game.state.seat(NORTH).tracks["political_capital"] = 1
    assert "political capital" in game.check(Endorse(seat=NORTH, deal=draft))


def test_the_facilitators_message_reaches_every_seat_and_replays(content):
    from negotiate.engine.actions import Announce
    from negotiate.engine.save import digest

    game = Game(content, "classroom", 1)
    game.apply(Announce(text="Five minutes left in this round"))
    for seat in game.table.order:
        said = game.view(seat).messages[-1]
        assert (said.sender, said.to, said.text) == ("facilitator", None, "Five minutes left in this round")
    assert digest(Game.replayed(content, "classroom", 1, game.log)) == digest(game)
    with pytest.raises(IllegalAction, match="text"):
        game.apply({"type": "announce", "text": ""})


def test_the_facilitator_ends_the_game_this_round_and_an_undo_takes_it_back(content):
    from negotiate.engine.actions import EndGame, Undo
    from negotiate.engine.save import digest

    game = Game(content, "crisis-2015", 2)
    year = game.table.year(game.state.round)
    game.apply(EndGame())
    assert game.is_over and game.table.year(game.state.round) == year, "scored in the year it was ended"
    assert game.state.winners or game.state.collapsed
    assert any("ends the game" in e.text for e in game.events)
    assert digest(Game.replayed(content, "crisis-2015", 2, game.log)) == digest(game)
    game.apply(Undo())
    assert not game.is_over and game.state.phase == "negotiation", "undone, the game goes on"
    game.apply(game.legal_actions(game.current_seat)[0])  # type: ignore[arg-type]
    assert not game.is_over
