"""A bot's reason never contradicts its action: every accept and reject says what the deal is
worth to the bot and what it compares that worth with, and the numbers agree with the answer,
or the reason names what made up the difference (a side payment) or what ruled the deal out."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from negotiate.bots import BotSpec, parse_lineup
from negotiate.content import load_content
from negotiate.engine.actions import Accept, Reject
from negotiate.engine.table import Table
from negotiate.sim import play_game

CONTENT = load_content()
NUMBER = r"([+-]\d+\.\d)"
WORTH = re.compile(rf"worth {NUMBER} to it")
ASKS = re.compile(rf"at least the {NUMBER} it asks")
AT_LAST = re.compile(rf"short of the {NUMBER} it asked but no less than the {NUMBER} it needs")
BELOW = re.compile(rf"below the {NUMBER} it needs")
SHORT = re.compile(rf"short of the {NUMBER} it asks, but .+ paid it \d+")
RULED_OUT = (
    "it changes nothing for it",
    "political capital at home, more than it has",
    "it holds the flow only for a payment",
)


def problem(action: Accept | Reject) -> str | None:
    """What is wrong with an answer's reason, or None if it agrees with the answer."""
    reason = action.reason or ""
    if any(words in reason for words in RULED_OUT):
        return None if isinstance(action, Reject) else "accepts a deal it says is ruled out"
    worth = WORTH.search(reason)
    if worth is None:
        return "gives no worth"
    value = float(worth.group(1))
    voting = " votes " in reason
    if isinstance(action, Accept):
        if " paid it " in reason:
            return None  # a favour returned for a side payment makes up the difference
        if voting:
            return None if value > 0 else "votes yes on a deal worth nothing to it"
        if asks := ASKS.search(reason):
            return None if value >= float(asks.group(1)) else "accepts below what it says it asks"
        if at_last := AT_LAST.search(reason):
            aim, reserve = float(at_last.group(1)), float(at_last.group(2))
            return None if reserve <= value < aim + 0.05 else "the numbers of 'at last' disagree"
        return "an accept that names nothing to compare its worth with"
    if voting:
        return None if value <= 0.05 and "no better than no deal" in reason else "votes no on a deal worth having"
    if "worse than no deal" in reason:
        return None if value < 0.05 else "rejects as worse than no deal a deal worth more than nothing"
    if below := BELOW.search(reason):
        return None if value < float(below.group(1)) + 0.05 else "rejects a deal worth what it says it needs"
    return "a reject that names nothing to compare its worth with"


def answers(scenario: str, seed: int, lineup: str) -> list[Accept | Reject]:
    """The accepts and rejects by scripted bots in one game (a random payer makes favours happen)."""
    table = Table(CONTENT, CONTENT.scenario(scenario))
    bots = parse_lineup("default", table)
    if lineup == "payers":
        payer = next(seat for seat in table.order if "side_payment" in table.types[seat].actions)
        bots[payer] = BotSpec("random")
    game = play_game(CONTENT, scenario, seed, bots)
    scripted = {seat for seat, spec in bots.items() if spec.personality != "random"}
    return [a for a in game.log if isinstance(a, Accept | Reject) and a.seat in scripted]


@settings(max_examples=12, deadline=None)
@given(
    scenario=st.sampled_from(("classroom", "crisis-2015", "compact-2030")),
    seed=st.integers(min_value=0, max_value=10**6),
    lineup=st.sampled_from(("default", "payers")),
)
def test_a_bots_accept_or_reject_agrees_with_its_reason(scenario, seed, lineup):
    for action in answers(scenario, seed, lineup):
        assert problem(action) is None, f"{problem(action)}: {action.type} {action.reason}"


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(
    scenario=st.sampled_from(("classroom", "crisis-2015", "compact-2030")),
    seed=st.integers(min_value=0, max_value=10**6),
    lineup=st.sampled_from(("default", "payers")),
)
def test_over_many_games_a_bots_answers_agree_with_their_reasons(scenario, seed, lineup):
    test_a_bots_accept_or_reject_agrees_with_its_reason.hypothesis.inner_test(scenario, seed, lineup)


def test_the_reasons_that_contradicted_their_actions_are_caught():
    """The contradictions a player met are the ones this test refuses."""
    said = [
        Accept(seat="x", deal=20, reason="X accepts deal #20: worth +1.1 to it over 2 rounds (it asks +2.1 by now)"),
        Accept(seat="x", deal=27, reason="X accepts deal #27: it adds nothing to deals already agreed"),
        Reject(seat="x", deal=28, reason="X rejects deal #28: worth +0.5 to it over 2 rounds, worse than no deal"),
        Accept(seat="x", deal=3, reason="X accepts deal #3: worth +1.1 to it over 2 rounds, at least the +2.1 it asks"),
    ]
    assert all(problem(action) is not None for action in said)
    fine = Accept(
        seat="x", deal=3, reason="X accepts deal #3: worth +2.5 to it over 2 rounds, at least the +2.1 it asks"
    )
    assert problem(fine) is None
