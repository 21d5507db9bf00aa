"""Shared fixtures: the shipped content, fresh games, and ways to move a game along."""

from __future__ import annotations

import asyncio
import random
import re
import shutil
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from negotiate.content import Content, ContentError, load_content, shipped_root
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


# --- content folders and their problems ---------------------------------------------------

# `path:line: field: message`, or `path:line: message` for a problem of the whole file.
PROBLEM = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?:(?P<field>[A-Za-z_][\w\[\].-]*): )?(?P<message>.+)$")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the shipped content; the working directory is the copy, so paths show as `decks/...`."""
    root = tmp_path / "content"
    root.mkdir()
    shutil.copytree(shipped_root() / "decks", root / "decks")
    shutil.copytree(shipped_root() / "rules", root / "rules")
    monkeypatch.chdir(root)
    return root


def line_of(root: Path, rel: str, text: str) -> int:
    """The 1-based line where `text` first appears in a content file."""
    content = (root / rel).read_text(encoding="utf-8")
    assert text in content, f"{rel} no longer holds {text!r}: update the test"
    return content[: content.index(text)].count("\n") + 1


def edit(root: Path, rel: str, old: str, new: str) -> int:
    """Replace the first `old` in a content file by `new`; the 1-based line where `old` began."""
    line = line_of(root, rel, old)
    path = root / rel
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    return line


def problems(root: Path) -> list[str]:
    """Every problem of a broken folder, as printed; each has the `path:line: ...` shape."""
    with pytest.raises(ContentError) as caught:
        load_content(root)
    found = [str(p) for p in caught.value.problems]
    assert found, "a ContentError without problems"
    for line in found:
        assert PROBLEM.match(line), f"not `path:line: field: message`: {line!r}"
    assert str(caught.value) == "\n".join(found)
    return found


def one(found: list[str], prefix: str, *words: str) -> str:
    """The single problem that starts with `prefix` (path:line: field: ) and says every word."""
    hits = [p for p in found if p.startswith(prefix)]
    assert len(hits) == 1, f"expected one problem starting {prefix!r}, got:\n" + "\n".join(found)
    for word in words:
        assert word in hits[0], f"{word!r} not in {hits[0]!r}"
    return hits[0]


Keys = Callable[..., Awaitable[None]]


def drive(
    content: Content, script: Callable[[Any, Keys], Awaitable[None]], session: Any = None, size=(100, 30)
) -> None:
    """Open the terminal game (the start screen, or the table of `session`) and run `script(app,
    keys)`, where `await keys("l", "enter")` presses keys as a person would and lets the app settle."""
    from negotiate.tui.app import NegotiateApp

    async def main() -> None:
        app = NegotiateApp(content, session, bot_delay=0)
        async with app.run_test(size=size) as pilot:

            async def keys(*names: str) -> None:
                await pilot.press(*names)
                await pilot.pause()

            await pilot.pause()
            await script(app, keys)

    asyncio.run(main())
