"""`negotiate validate` lists every problem of a folder in one run, each once, where it is."""

from __future__ import annotations

import json
import re
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from negotiate.cli import main, validate_content
from negotiate.content.reader import read_yaml
from tests.conftest import PROBLEM, edit, line_of


def validate(capsys: pytest.CaptureFixture[str], folder: Path) -> list[str]:
    """The problems `negotiate validate` prints for a folder (it must fail)."""
    assert main(["validate", str(folder)]) == 1
    return capsys.readouterr().out.splitlines()


def test_a_typo_a_bad_bot_and_a_bad_number_come_out_in_one_run(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = edit(folder, "rules/scenarios/classroom.yaml", "    type: receiving\n", "    type: recieving\n")
    bot = edit(folder, "rules/scenarios/crisis-2015.yaml", "    bot: broker\n", "    bot: saint\n")
    number = edit(folder, "decks/shocks.yaml", "track: cohesion, delta: -3", "track: cohesion, delta: .nan")
    assert validate(capsys, folder) == [
        f"decks/shocks.yaml:{number}: cards[0].effects[0].delta: expected a number from -1000 to 1000, not nan",
        f"rules/scenarios/classroom.yaml:{typo}: seats[0].type: unknown seat type 'recieving' (expected one of "
        "economic_cosmopolitan, ngo, normative_cosmopolitan, receiving, sending, transit)",
        f"rules/scenarios/crisis-2015.yaml:{bot}: seats[3].bot: unknown personality 'saint' (expected one of "
        "hardliner, pragmatist, humanitarian, broker, opportunist, random)",
    ]


def test_a_missing_rulebook_is_a_problem_with_its_path(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "rules/RULEBOOK.md").unlink()
    assert validate(capsys, folder) == ["rules/RULEBOOK.md: missing: the rulebook players read"]


@pytest.mark.parametrize(
    ("rel", "indent"),
    [
        ("rules/seats/transit.yaml", "  budget: {label: Budget"),  # named by scenarios, terms, agendas
        ("decks/terms.yaml", "    givers: [receiving]\n"),  # a deck scenarios name, terms agendas score
        ("decks/agendas.yaml", "    seat_type: receiving\n"),  # the agendas every scenario needs
    ],
)
def test_a_tab_in_an_indent_is_one_problem_of_that_file(
    folder: Path, capsys: pytest.CaptureFixture[str], rel: str, indent: str
) -> None:
    line = edit(folder, rel, indent, indent.replace("  ", "\t", 1))
    found = validate(capsys, folder)
    assert len(found) == 1 and found[0].startswith(f"{rel}:{line}: not valid YAML: "), found


def test_validate_content_gives_every_problem_with_a_file_and_a_line(folder: Path) -> None:
    line = line_of(folder, "rules/scenarios/classroom.yaml", "  beats: 16\n")
    edit(folder, "rules/scenarios/classroom.yaml", "  beats: 16\n", "  beats: lots\n")
    content, problems = validate_content(folder)
    assert content is None
    assert [str(p) for p in problems] == [
        f"rules/scenarios/classroom.yaml:{line}: rules.beats: expected a whole number from 1 to 200, not 'lots'"
    ]
    assert all(PROBLEM.match(str(p)) for p in problems)


def big_shock_deck(folder: Path, copies: int) -> str:
    """Make the shock deck `copies` times bigger (its cards again, ids suffixed -N); its text."""
    path = folder / "decks/shocks.yaml"
    head, cards = path.read_text(encoding="utf-8").split("\ncards:\n", 1)
    more = "".join(re.sub(r"^(  - id: \S+)$", rf"\1-{n}", cards, flags=re.MULTILINE) for n in range(1, copies))
    path.write_text(f"{head}\ncards:\n{cards}{more}", encoding="utf-8")
    return path.read_text(encoding="utf-8")


def test_a_big_deck_validates_in_proportion_to_its_size(folder: Path) -> None:
    """A 1 MB deck validates in less than 150 times what json.loads takes for the same cards
    (30 times here; 780 times when ruamel.yaml read it), in less than 40 times its size in
    memory (15 times here; 56 times with ruamel.yaml)."""
    text = big_shock_deck(folder, 36)
    assert 0.9e6 < len(text) < 1.5e6
    as_json = json.dumps(read_yaml(text)[0])
    reference = min(_seconds(lambda: json.loads(as_json)) for _ in range(5))
    took = min(_seconds(lambda: validate_content(folder)) for _ in range(2))
    assert took < 150 * reference, (took, reference)
    tracemalloc.start()
    content, problems = validate_content(folder)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert content is not None and len(content.shocks) > 1000, problems
    assert peak < 40 * len(text), peak / len(text)


def _seconds(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started
