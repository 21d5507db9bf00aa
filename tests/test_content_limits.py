"""Numbers in content are finite and in range: .nan, .inf and absurd sizes are refused where
they are written, with the range expected, before they can crash a game or spoil its scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from negotiate.content import schema
from tests.conftest import edit, one, problems

HUGE = "1" + "0" * 400  # 10**400: an integer Python holds, no game can use
AMOUNT = "a number from -1000 to 1000"
WHOLE = "a whole number from -1000 to 1000"
SHOCK_EFFECT = "{who: target, track: cohesion, delta: -3"

# (file, text there, its replacement, the field named, what the message expects)
CASES = [
    ("decks/shocks.yaml", SHOCK_EFFECT, SHOCK_EFFECT.replace("-3", ".nan"), "cards[0].effects[0].delta", AMOUNT),
    ("decks/shocks.yaml", SHOCK_EFFECT, SHOCK_EFFECT.replace("-3", ".inf"), "cards[0].effects[0].delta", AMOUNT),
    ("decks/shocks.yaml", SHOCK_EFFECT, SHOCK_EFFECT.replace("-3", "-.inf"), "cards[0].effects[0].delta", AMOUNT),
    ("decks/shocks.yaml", SHOCK_EFFECT, SHOCK_EFFECT.replace("-3", "1e308"), "cards[0].effects[0].delta", AMOUNT),
    ("decks/shocks.yaml", SHOCK_EFFECT, SHOCK_EFFECT.replace("-3", HUGE), "cards[0].effects[0].delta", AMOUNT),
    (
        "decks/shocks.yaml",
        "{match: {origin: target}, surge: 4}",
        "{match: {origin: target}, surge: 1e308}",
        "cards[0].corridors[0].surge",
        WHOLE,
    ),
    (
        "decks/trends.yaml",
        "track: labour_gap, delta: 2",
        "track: labour_gap, delta: .inf",
        "cards[0].effects[0].delta",
        AMOUNT,
    ),
    (
        "decks/agendas.yaml",
        "weight: 0.5, label: Irregular workers",
        "weight: .nan, label: Irregular workers",
        "cards[0].scoring[0].weight",
        AMOUNT,
    ),
    ("decks/agendas.yaml", "at_most: 4, points: 3", f"at_most: 4, points: {HUGE}", "cards[0].scoring[1].points", WHOLE),
    (
        "decks/terms.yaml",
        "min: 1, max: 4, default: 2}",
        f"min: 1, max: {HUGE}, default: 2}}",
        "cards[0].params.quota.max",
        "a whole number from 0 to 1000",
    ),
    (
        "decks/terms.yaml",
        "capacity: 1, times: quota",
        "capacity: .nan, times: quota",
        "cards[0].corridors[0].capacity",
        AMOUNT,
    ),
    ("decks/terms.yaml", "strain: {giver: 3}", f"strain: {{giver: {HUGE}}}", "cards[0].strain.giver", WHOLE),
    (
        "rules/seats/transit.yaml",
        "start: 8, min: 0, max: 40}",
        f"start: 8, min: 0, max: {HUGE}}}",
        "tracks.budget.max",
        WHOLE,
    ),
    (
        "rules/seats/transit.yaml",
        "track: budget, delta: 1,",
        "track: budget, delta: -.inf,",
        "per_round[0].delta",
        AMOUNT,
    ),
    ("rules/seats/transit.yaml", "budget, weight: 0.5", "budget, weight: 1e308", "objective.scoring[0].weight", AMOUNT),
    (
        "rules/seats/ngo.yaml",
        "{cost: {funds: 2}",
        f"{{cost: {{funds: {HUGE}}}",
        "actions.campaign.cost.funds",
        "a whole number from 0 to 1000",
    ),
    (
        "rules/scenarios/classroom.yaml",
        "years: [2024, 2026, 2028, 2030]",
        "years: [2024, 2026, 2028, 20300]",
        "years[3]",
        "a whole number from 1 to 9999",
    ),
    (
        "rules/scenarios/classroom.yaml",
        "base: 2, threshold: 4",
        f"base: {HUGE}, threshold: 4",
        "corridors[0].base",
        "a whole number from 0 to 1000",
    ),
    (
        "rules/scenarios/classroom.yaml",
        "crisis: {label: Crisis pressure, start: 5, min: 0,",
        f"crisis: {{label: Crisis pressure, start: 5, min: -{HUGE},",
        "global_tracks.crisis.min",
        WHOLE,
    ),
    (
        "rules/scenarios/classroom.yaml",
        "    push_weight: 0.25\n",
        "    push_weight: .nan\n",
        "rules.flow.push_weight",
        AMOUNT,
    ),
    (
        "rules/scenarios/classroom.yaml",
        "  escalation: 0.75\n",
        "  escalation: .inf\n",
        "rules.escalation",
        "a number from 0 to 10",
    ),
    (
        "rules/scenarios/classroom.yaml",
        "  milestones: {3: 3, 4: 6}\n",
        "  milestones: {3: 3, 4: 1e308}\n",
        "rules.milestones[4]",
        WHOLE,
    ),
]


@pytest.mark.parametrize(
    ("rel", "old", "new", "field", "expected"), CASES, ids=[f"{c[3]}-{i}" for i, c in enumerate(CASES)]
)
def test_a_non_finite_or_absurd_number_is_refused_with_its_range(
    folder: Path, rel: str, old: str, new: str, field: str, expected: str
) -> None:
    line = edit(folder, rel, old, new)
    found = problems(folder)
    one(found, f"{rel}:{line}: {field}: ", f"expected {expected}, not ")
    assert len(found) == 1, found


CONTENT_MODELS = (
    schema.SeatType,
    schema.Scenario,
    schema.ShockDeck,
    schema.TrendDeck,
    schema.AgendaDeck,
    schema.TermCatalogue,
)


def _numbers(node: Any, path: str) -> list[tuple[str, dict[str, Any]]]:
    """Every int and float schema inside a pydantic core schema, with where it stands."""
    found = []
    if isinstance(node, dict):
        if node.get("type") in ("int", "float"):
            found.append((path, node))
        for key, value in node.items():
            found += _numbers(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _numbers(value, f"{path}[{i}]")
    return found


@pytest.mark.parametrize("model", CONTENT_MODELS, ids=lambda m: m.__name__)
def test_every_number_of_every_content_file_has_a_finite_range(model: type[BaseModel]) -> None:
    """A walk through the whole schema (fields, list items, dict keys and values, nested models):
    a number field added later without a range fails here."""
    numbers = _numbers(model.__pydantic_core_schema__, model.__name__)
    assert len(numbers) >= 4, f"the walk found only {numbers}: it no longer reaches the fields"
    for where, number in numbers:
        assert "ge" in number and "le" in number, f"{where}: a number without a range"
        assert -10_000 <= number["ge"] <= number["le"] <= 10_000, f"{where}: range {number['ge']}..{number['le']}"
        if number["type"] == "float":
            assert number.get("allow_inf_nan") is False, f"{where}: accepts .nan and .inf"
