"""Asking a bot "what would you accept from me?": it answers from its own view, with a package it
then accepts, its price, or why nothing would do; and asking changes nothing in the game or in
the bot."""

from __future__ import annotations

from typing import Any

import pytest

from negotiate.bots import Answer, BotSpec, RandomBot, ScriptedBot, default_lineup, make_bot
from negotiate.content import Content
from negotiate.engine import Game, digest
from negotiate.engine.actions import Pass, Propose, SeatAction, SidePayment


def bots_for(game: Game, person: str | None, level: str | None = None) -> dict[str, Any]:
    """The scenario's default bots (at `level`, if given) in every seat but the person's."""
    lineup = default_lineup(game.table)
    return {
        seat: make_bot(game.table, seat, BotSpec(spec.personality, level or spec.level), game.seed)
        for seat, spec in lineup.items()
        if seat != person
    }


def bots_play(game: Game, bots: dict[str, Any], person: str) -> None:
    """Bots play until the person's turn (or the end)."""
    while game.current_seat not in (None, person):
        seat = game.current_seat
        game.apply(bots[seat].decide(game.view(seat), game.legal_actions(seat)))


def answer_to(game: Game, bots: dict[str, Any], person: str, deal: int) -> SeatAction | None:
    """Play on, the person passing, until a bot answers deal `deal` (accepts, rejects or counters
    it); that answer, or None if the negotiation ends first."""
    while game.current_seat is not None and game.state.phase == "negotiation":
        seat = game.current_seat
        if seat == person:
            game.apply(Pass(seat=person))
            continue
        action = bots[seat].decide(game.view(seat), game.legal_actions(seat))
        if getattr(action, "deal", None) == deal and action.type in ("accept", "reject", "counter"):  # type: ignore[attr-defined]
            return action  # type: ignore[return-value]
        game.apply(action)
    return None


def first_turn(content: Content, scenario: str, seed: int, person: str) -> tuple[Game, dict[str, Any]]:
    game = Game(content, scenario, seed)
    bots = bots_for(game, person)
    bots_play(game, bots, person)
    assert game.current_seat == person and game.state.phase == "negotiation"
    return game, bots


@pytest.mark.parametrize("bot", ["vellara", "dorvasa", "surannah", "dunmar"])
def test_a_bot_accepts_the_package_it_said_it_would_accept(content: Content, bot: str):
    """Brandholm asks a bot on its first turn, proposes the package the bot named as it stands,
    and the bot accepts it when its turn comes."""
    game, bots = first_turn(content, "crisis-2015", 3, "brandholm")
    answer = bots[bot].what_would_you_accept(game.view(bot), "brandholm")
    assert isinstance(answer, Answer) and answer.seat == bot and answer.asker == "brandholm"
    assert answer.package is not None and answer.price is None, answer.why
    assert answer.package.seat == "brandholm" and set(answer.package.parties) == {"brandholm", bot}
    assert answer.why.startswith("It would accept this deal if you proposed it now: worth ")
    assert answer.worth is not None and answer.worth > 0
    game.apply(answer.package)
    said = answer_to(game, bots, "brandholm", len(game.state.deals))
    assert said is not None and said.type == "accept", said  # type: ignore[attr-defined]
    assert said.seat == bot
    game.apply(said)
    assert game.state.deals[-1].status == "agreed"


def test_a_bot_that_names_its_price_for_a_package_accepts_it_once_paid(content: Content):
    """Pontara, an opportunist, wants more from the package it would sign with Northland than
    the package is worth to it: it names a side payment; paid, then proposed, the package is
    taken, and its reason says who paid."""
    game, bots = first_turn(content, "compact-2030", 3, "northland")
    answer = bots["pontara"].what_would_you_accept(game.view("pontara"), "northland")
    assert answer.package is not None and answer.price is not None, answer.why
    assert f"if you paid it a side payment of {answer.price}, then proposed it" in answer.why
    game.apply(SidePayment(seat="northland", to="pontara", amount=answer.price))
    bots_play(game, bots, "northland")
    game.apply(answer.package)
    said = answer_to(game, bots, "northland", len(game.state.deals))
    assert said is not None and said.type == "accept", said  # type: ignore[attr-defined]
    assert f"paid it {answer.price}" in (said.reason or "")


def test_a_bot_that_waits_a_turn_on_a_package_says_so_and_takes_it_at_last(content: Content):
    """Valmark, a hardliner, holds out a turn on the package it would sign with Northland early
    in the round, and takes it at last."""
    game, bots = first_turn(content, "compact-2030", 2, "northland")
    answer = bots["valmark"].what_would_you_accept(game.view("valmark"), "northland")
    assert answer.package is not None and answer.price is None
    assert answer.why.startswith("It would accept this deal a turn after you proposed it"), answer.why
    game.apply(answer.package)
    deal = len(game.state.deals)
    bots_play(game, bots, "northland")
    assert game.state.deals[deal - 1].status == "open", "it waited"
    game.apply(SidePayment(seat="northland", to="sahelia", amount=1))  # not a pass: the negotiation goes on
    said = answer_to(game, bots, "northland", deal)
    assert said is not None and said.type == "accept", said  # type: ignore[attr-defined]
    assert said.reason and said.reason.startswith("Valmark accepts deal #1 at last")


@pytest.mark.parametrize(("bot", "term"), [("pontara", "legal_pathway"), ("sahelia", "readmission")])
def test_a_bot_names_its_price_on_a_deal_on_the_table(content: Content, bot: str, term: str):
    """Northland's proposal is worth less to the bot than it asks, and it waits: asked on
    Northland's next turn, it names the side payment that would buy its yes on the deal (no
    more than the price its message named); paid, it accepts."""
    game, bots = first_turn(content, "compact-2030", 2, "northland")
    proposal = next(
        p
        for p in game.legal_actions("northland")
        if isinstance(p, Propose) and p.forum == "bilateral" and bot in p.parties and p.terms[0].term == term
    )
    game.apply(proposal)
    deal = len(game.state.deals)
    bots_play(game, bots, "northland")
    assert game.state.deals[deal - 1].status == "open"
    answer = bots[bot].what_would_you_accept(game.view(bot), "northland")
    assert answer.deal == deal and answer.package is None and answer.price is not None, answer
    assert answer.why.startswith(f"A side payment of {answer.price} would buy its yes on deal #{deal}: worth ")
    named = next(m.text for m in game.view("northland").messages if m.sender == bot)
    assert answer.price <= int(named.split("side payment of ")[1].split(" ")[0])
    game.apply(SidePayment(seat="northland", to=bot, amount=answer.price))
    said = answer_to(game, bots, "northland", deal)
    assert said is not None and said.type == "accept", said  # type: ignore[attr-defined]
    assert f"Northland paid it {answer.price}" in (said.reason or "")


def test_a_bot_whose_own_deal_waits_for_the_asker_says_so(content: Content):
    """Surannah counters Brandholm's proposal: asked, it points to its own deal, which Brandholm
    has only to accept."""
    game, bots = first_turn(content, "crisis-2015", 3, "brandholm")
    proposal = next(
        p
        for p in game.legal_actions("brandholm")
        if isinstance(p, Propose) and p.parties == ["brandholm", "surannah"] and p.terms[0].term == "legal_pathway"
    )
    game.apply(proposal)
    bots_play(game, bots, "brandholm")
    counter = game.state.deals[-1]
    assert counter.proposer == "surannah" and counter.counter_of == 1
    answer = bots["surannah"].what_would_you_accept(game.view("surannah"), "brandholm")
    assert answer.deal == counter.id and answer.package is None and answer.price is None
    assert answer.why == (
        f"Its deal #{counter.id} waits for your answer: worth {answer.worth:+.1f} to it. Accept it, and it is agreed."
    )


def test_nothing_would_do_says_why(content: Content):
    """When nothing would do, the answer names no package and no price, and says why: no gain
    for both, no term to share, no proposals to make, no capital to sign at home."""
    game, bots = first_turn(content, "crisis-2015", 3, "dunmar")

    def ask(bot: str, asker: str) -> Answer:
        answer = bots[bot].what_would_you_accept(game.view(bot), asker)
        assert answer.package is None and answer.price is None and answer.worth is None, answer
        return answer

    assert ask("dorvasa", "dunmar").why == (
        "Nothing the two of you could sign is worth more to it than no deal while leaving you better off, "
        "by its reading."
    )
    assert ask("lifeline", "dunmar").why == "There is no term the two of you could sign together in a bilateral deal."
    assert ask("dorvasa", "lifeline").why == "You cannot propose deals, and it answers only proposals."
    game, bots = first_turn(content, "crisis-2015", 3, "brandholm")
    game.state.seats[game.table.index["dorvasa"]].tracks["political_capital"] = 0
    why = ask("dorvasa", "brandholm").why
    assert why.startswith("It cannot pay the price at home: signing would cost it ") and why.endswith("it has 0.")


def test_a_random_bot_promises_nothing(content: Content):
    game = Game(content, "crisis-2015", 3)
    bot = RandomBot("dorvasa", 3)
    assert bot.what_would_you_accept(game.view("dorvasa"), "brandholm") == Answer(
        "dorvasa", "brandholm", "It picks its moves at random: no promise."
    )


def test_a_bot_answers_only_from_its_own_view(content: Content):
    game = Game(content, "crisis-2015", 3)
    bot = make_bot(game.table, "dorvasa", BotSpec("opportunist"), 3)
    with pytest.raises(ValueError, match="its own view"):
        bot.what_would_you_accept(game.view("brandholm"), "brandholm")


def bot_state(bot: Any) -> Any:
    """Everything a bot remembers between its decisions."""
    if not isinstance(bot, ScriptedBot):
        return bot.rng.getstate()
    memory = bot.memory
    remembered = None
    if memory is not None:
        remembered = (
            memory.key,
            memory.values,
            memory.held,
            memory.hope,
            memory.acted,
            memory.proposals,
            memory.counters,
            None if memory.packages is None else [(p.spec, p.mine, p.theirs, p.score) for p in memory.packages],
            memory.duplicates,
            memory.asked,
            memory.outlook.view,
            memory.outlook.state.model_dump_json(),
        )
    return (bot.rng.getstate(), bot.favours, remembered)


@pytest.mark.parametrize(("scenario", "level"), [("crisis-2015", "easy"), ("crisis-2015", None), ("classroom", "hard")])
def test_asking_a_bot_changes_nothing_in_the_game_or_in_the_bot(content: Content, scenario: str, level: str | None):
    """Two games from the same seed, one where before each bot decision the bot to move and
    another are asked what they would accept (by seats in turn): the same actions, the same
    digest, and every bot remembers the same at every step."""
    quiet, asked = Game(content, scenario, 5), Game(content, scenario, 5)
    quiet_bots, asked_bots = bots_for(quiet, None, level), bots_for(asked, None, level)
    order = quiet.table.order
    questions = 0
    while quiet.current_seat is not None:
        seat = quiet.current_seat
        assert asked.current_seat == seat
        if asked.state.phase == "negotiation":
            for bot in (seat, order[(order.index(seat) + questions) % len(order)]):
                asker = order[(order.index(bot) + 1 + questions % (len(order) - 1)) % len(order)]
                asked_bots[bot].what_would_you_accept(asked.view(bot), asker)
                questions += 1
        assert bot_state(asked_bots[seat]) == bot_state(quiet_bots[seat])
        action = quiet_bots[seat].decide(quiet.view(seat), quiet.legal_actions(seat))
        assert asked_bots[seat].decide(asked.view(seat), asked.legal_actions(seat)) == action
        quiet.apply(action)
        asked.apply(action)
    assert questions > 50
    assert digest(asked) == digest(quiet)
    assert all(bot_state(asked_bots[s]) == bot_state(quiet_bots[s]) for s in order)
