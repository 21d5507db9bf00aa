"""Shared fixtures: the shipped content, fresh games, and ways to move a game along."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from negotiate.content import Content, load_content
from negotiate.engine import Game
from negotiate.engine.actions import Pass
from negotiate.engine.state import Deal, TermOffer


@pytest.fixture(scope="session", autouse=True)
def content_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests keep their content cache to themselves (subprocesses inherit it)."""
    import os

    os.environ["NEGOTIATE_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def content(content_cache: None) -> Content:
    return load_content()


@pytest.fixture
def new_game(content: Content) -> Callable[..., Game]:
    def make(scenario: str = "compact-2030", seed: int = 1) -> Game:
        return Game(content, scenario, seed)

    return make


def pass_until(game: Game, phase: str, limit: int = 500) -> None:
    """Every seat to act passes (or refuses) until the game reaches `phase`."""
    for _ in range(limit):
        if game.state.phase == phase or game.is_over:
            return
        seat = game.current_seat
        assert seat is not None, f"nobody to act in {game.state.phase}"
        legal = game.legal_actions(seat)
        passing = [a for a in legal if a.type in ("pass", "refuse")]
        game.apply(passing[0] if passing else Pass(seat=seat))
    raise AssertionError(f"never reached {phase}")


def play_random(game: Game, seed: int, limit: int = 20_000) -> None:
    """Play random legal actions to the end."""
    rng = random.Random(seed)
    for _ in range(limit):
        if game.is_over:
            return
        seat = game.current_seat
        game.apply(rng.choice(game.legal_actions(seat)))
    raise AssertionError("the game did not end")


def put_in_force(
    game: Game,
    parties: list[str],
    terms: list[TermOffer],
    forum: str = "bilateral",
    binding: bool = False,
    duration: int = 2,
) -> Deal:
    """Test shortcut: a deal in force from this round, as if negotiated and ratified."""
    state = game.state
    full = [
        o.model_copy(
            update={"params": {k: o.params.get(k, p.default) for k, p in game.table.terms[o.term].params.items()}}
        )
        for o in terms
    ]
    deal = Deal(
        id=len(state.deals) + 1,
        proposer=parties[0],
        forum=forum,
        parties=parties,
        terms=full,
        binding=binding,
        duration=duration,
        status="in_force",
        round=state.round,
        accepted=list(parties),
        starts=state.round,
        ends=state.round + duration - 1,
    )
    state.deals.append(deal)
    return deal


def next_round(game: Game, limit: int = 500) -> None:
    """Every seat passes (or refuses) until the next round's negotiation, or the end."""
    start = game.state.round
    for _ in range(limit):
        if game.state.round > start or game.is_over:
            return
        seat = game.current_seat
        legal = game.legal_actions(seat)
        passing = [a for a in legal if a.type in ("pass", "refuse")]
        game.apply(passing[0] if passing else Pass(seat=seat))
    raise AssertionError("the round never ended")
