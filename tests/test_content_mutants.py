"""Content that validates never crashes a game. Hypothesis mutates the shipped content (drops a
key, changes a number, renames an id or a key, changes a value's type) and, for every mutant,
either `negotiate validate` reports a problem with a file and a line, or bot games play to the
end. The slow version runs in `.ci/run` (`pytest -m slow`); a few examples run with the rest."""

from __future__ import annotations

import copy
import math
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from negotiate.bots import parse_lineup
from negotiate.cli import validate_content
from negotiate.content import Content, shipped_root
from negotiate.content.loader import read_folder
from negotiate.content.reader import read_yaml
from negotiate.engine.table import Table
from negotiate.sim import play_game

Path_ = tuple[Any, ...]
Mutation = tuple[str, str, Path_, Any]

SOURCES, _ = read_folder(shipped_root())
DOCS = {rel: read_yaml(text)[0] for rel, text in SOURCES.items()}


def _walk(node: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    if isinstance(node, dict):
        items: Any = node.items()
    elif isinstance(node, list):
        items = enumerate(node)
    else:
        return
    for key, value in items:
        yield (*path, key), value
        yield from _walk(value, (*path, key))


PLACES = [(rel, path, value) for rel, doc in DOCS.items() for path, value in _walk(doc)]
EVERYWHERE = [(rel, path) for rel, path, _ in PLACES]
NUMBERS = [(rel, path) for rel, path, v in PLACES if isinstance(v, (int, float)) and not isinstance(v, bool)]
WORDS = [(rel, path) for rel, path, v in PLACES if isinstance(v, str)]
KEYS = [(rel, path) for rel, path, _ in PLACES if isinstance(path[-1], str)]
NAMES = sorted({v for _, _, v in PLACES if isinstance(v, str) and len(v) < 30} | {"", "x", "Not An Id", "type:x"})
ODD_NUMBERS = [math.nan, math.inf, -math.inf, 1e308, -1e308, 10**400, -(10**400), 0, -1, 1, 0.5, 1000, -1000, 10**6]
OTHER_TYPES = ["x", 3, 2.5, True, None, [], {}, ["x"], {"x": 1}, [{"x": 1}]]

numbers = st.sampled_from(ODD_NUMBERS) | st.integers(-2000, 2000) | st.floats(-2000, 2000, allow_nan=False)
mutations = st.one_of(
    st.tuples(st.just("drop"), st.sampled_from(EVERYWHERE), st.none()),
    st.tuples(st.just("set"), st.sampled_from(NUMBERS), numbers),
    st.tuples(st.just("set"), st.sampled_from(WORDS), st.sampled_from(NAMES)),
    st.tuples(st.just("set"), st.sampled_from(EVERYWHERE), st.sampled_from(OTHER_TYPES)),
    st.tuples(st.just("rekey"), st.sampled_from(KEYS), st.sampled_from(NAMES) | numbers),
).map(lambda m: (m[0], m[1][0], m[1][1], m[2]))


def mutate(docs: dict[str, Any], mutation: Mutation) -> None:
    """Apply one mutation in place (none if an earlier one removed its place)."""
    kind, rel, path, value = mutation
    parent = docs[rel]
    for key in path[:-1]:
        try:
            parent = parent[key]
        except (KeyError, IndexError, TypeError):
            return
    last = path[-1]
    if isinstance(parent, list):
        if not isinstance(last, int) or not 0 <= last < len(parent):
            return
    elif not isinstance(parent, dict) or last not in parent:
        return
    if kind == "drop":
        del parent[last]
    elif kind == "set":
        parent[last] = value
    elif isinstance(parent, dict) and value not in parent:  # rekey, keeping the order of keys
        items = [(value if k == last else k, v) for k, v in parent.items()]
        parent.clear()
        parent.update(items)


def write_mutant(root: Path, mutations: list[Mutation]) -> None:
    """The shipped content with the mutations, in `root`."""
    shutil.copytree(shipped_root() / "decks", root / "decks")
    shutil.copytree(shipped_root() / "rules", root / "rules")
    docs = {rel: copy.deepcopy(DOCS[rel]) for rel in {m[1] for m in mutations}}
    for mutation in mutations:
        mutate(docs, mutation)
    for rel, doc in docs.items():
        (root / rel).write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8")


def play_every_way(content: Content, games: int) -> None:
    """`games` default-bot and `games` random games, over the scenarios in turn: each ends."""
    scenarios = sorted(content.scenarios)
    for lineup in ("default", "random"):
        for seed in range(games):
            scenario = content.scenario(scenarios[seed % len(scenarios)])
            game = play_game(content, scenario.id, seed, parse_lineup(lineup, Table(content, scenario)))
            assert game.is_over


def check_mutant(mutations: list[Mutation], games: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_mutant(root, mutations)
        content, problems = validate_content(root)
        event("refused" if content is None else "valid: played")
        if content is None:
            assert problems
            assert any(p.line >= 1 and Path(p.path).suffix in (".yaml", ".yml") for p in problems), problems
            return
        play_every_way(content, games)


MUTANTS = st.lists(mutations, min_size=1, max_size=3)
SETTINGS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}


DELTA = ("cards", 0, "effects", 0, "delta")


@settings(max_examples=8, derandomize=True, **SETTINGS)  # type: ignore[arg-type]
@given(MUTANTS)
@example([("set", "decks/shocks.yaml", DELTA, math.nan)])  # refused
@example(
    [("set", "decks/shocks.yaml", DELTA, -1), ("set", "decks/shocks.yaml", ("cards", 0, "id"), "renamed")]
)  # plays
def test_a_few_mutants_are_refused_or_play(mutations: list[Mutation]) -> None:
    check_mutant(mutations, games=2)


@pytest.mark.slow
@settings(max_examples=400, **SETTINGS)  # type: ignore[arg-type]
@given(MUTANTS)
def test_mutants_of_the_shipped_content_are_refused_or_play(mutations: list[Mutation]) -> None:
    check_mutant(mutations, games=10)
