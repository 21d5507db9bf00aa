"""The command line, called in-process (`negotiate.cli.main`), plus the console script and the wheel."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import negotiate.cli
from negotiate.cli import main
from negotiate.content import Content, load_content, shipped_root
from negotiate.content.reader import read_yaml

PROJECT = Path(__file__).resolve().parents[1]
SHIPPED = shipped_root()
VENV_BIN = Path(sys.executable).parent
SCRIPT = VENV_BIN / "negotiate"
SIMULATE = ["simulate", "--scenario", "classroom", "--games", "5", "--seed", "3", "--bots", "random"]
SCHEMA_FILES = {
    "seat": "rules/seats/receiving.yaml",
    "scenario": "rules/scenarios/compact-2030.yaml",
    "shock-deck": "decks/shocks.yaml",
    "trend-deck": "decks/trends.yaml",
    "agenda-deck": "decks/agendas.yaml",
    "term-catalogue": "decks/terms.yaml",
}
PROBLEM = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<field>[A-Za-z_][\w\[\].-]*): (?P<message>.+)$")


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture
def shipped_once(content: Content, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands that are not about loading reuse the session's shipped content (parsing YAML is slow)."""
    real = negotiate.cli.load_content

    def cached(root: Path | str | None = None) -> Content:
        return content if root is None else real(root)

    monkeypatch.setattr(negotiate.cli, "load_content", cached)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Call the CLI in-process: (exit code, stdout, stderr)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's own refusals
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def copy_content(root: Path) -> Path:
    root.mkdir(parents=True)
    shutil.copytree(SHIPPED / "decks", root / "decks")
    shutil.copytree(SHIPPED / "rules", root / "rules")
    return root


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in a file; the 1-based line where it began."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path} no longer holds {old!r}: update the test"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def broken_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, list[str]]:
    """A content copy with two broken files; the prefixes (`path:line: field: `) of their problems."""
    monkeypatch.chdir(tmp_path)
    root = copy_content(tmp_path / "content")
    shock = edit(
        root / "decks/shocks.yaml",
        "{who: target, track: cohesion, delta: -3",
        "{who: target, track: happiness, delta: -3",
    )
    corridor = edit(root / "rules/scenarios/classroom.yaml", "{origin: zanoka,", "{origin: narnia,")
    return Path("content"), [
        f"content/decks/shocks.yaml:{shock}: cards[0].effects[0].track: ",
        f"content/rules/scenarios/classroom.yaml:{corridor}: corridors[0].origin: ",
    ]


def no_traceback(out: str, err: str) -> None:
    assert "Traceback" not in out + err


# --- validate ------------------------------------------------------------------------------


def test_validate_shipped_content(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate")
    assert code == 0, err
    assert "valid" in out
    assert str(SHIPPED) in out


def test_validate_json_prints_counts_by_kind(capsys: pytest.CaptureFixture[str], content: Content) -> None:
    code, out, _ = run(capsys, "validate", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True
    assert set(report["counts"]) == {"shock", "trend", "agenda", "term", "seat", "scenario"}
    assert report["counts"] == content.counts()
    assert report["counts"]["shock"] >= 24 and report["counts"]["scenario"] >= 3


def test_validate_broken_folder_lists_every_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, prefixes = broken_folder(tmp_path, monkeypatch)
    code, out, err = run(capsys, "validate", str(folder))
    assert code == 1
    no_traceback(out, err)
    lines = out.splitlines()
    assert len(lines) == 2, out
    for line in lines:
        assert PROBLEM.match(line), line
    for prefix in prefixes:
        assert [line for line in lines if line.startswith(prefix)], (prefix, out)
    assert "2 problem(s)" in err


def test_validate_json_on_a_broken_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, prefixes = broken_folder(tmp_path, monkeypatch)
    code, out, _ = run(capsys, "validate", str(folder), "--json")
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False
    assert len(report["errors"]) == 2
    for prefix, error in zip(prefixes, sorted(report["errors"])):
        assert error.startswith(prefix), (prefix, error)


def test_content_option_is_what_validate_checks(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, prefixes = broken_folder(tmp_path, monkeypatch)
    code, out, _ = run(capsys, "--content", str(folder), "validate")
    assert code == 1
    assert len(out.splitlines()) == 2 and out.startswith(prefixes[0])


# --- schema --------------------------------------------------------------------------------


def _yaml(rel: str) -> Any:
    return read_yaml((SHIPPED / rel).read_text(encoding="utf-8"))[0]


def _schemas(capsys: pytest.CaptureFixture[str], out_dir: Path) -> dict[str, dict[str, Any]]:
    code, out, _ = run(capsys, "schema", "--out", str(out_dir))
    assert code == 0
    written = {path.name for path in out_dir.iterdir()}
    assert written == {f"{kind}.schema.json" for kind in SCHEMA_FILES}
    schemas = {kind: json.loads((out_dir / f"{kind}.schema.json").read_text(encoding="utf-8")) for kind in SCHEMA_FILES}
    for kind in SCHEMA_FILES:
        assert str(out_dir / f"{kind}.schema.json") in out
    return schemas


def test_schema_writes_one_json_schema_per_kind(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    schemas = _schemas(capsys, tmp_path / "schemas")
    for kind, schema in schemas.items():
        assert isinstance(schema, dict) and isinstance(schema.get("properties"), dict), kind
        shipped = _yaml(SCHEMA_FILES[kind])
        # the keys the shipped file uses are the schema's, and it gives every required one
        assert set(shipped) <= set(schema["properties"]), (kind, set(shipped) - set(schema["properties"]))
        assert set(schema.get("required", [])) <= set(shipped), kind
    assert {"seats", "corridors", "decks", "years"} <= set(schemas["scenario"]["required"])
    assert schemas["shock-deck"]["properties"]["kind"].get("const") == "shock"


def test_shipped_yaml_validates_against_its_schema(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schemas = _schemas(capsys, tmp_path / "schemas")
    for kind, schema in schemas.items():
        validator = jsonschema.validators.validator_for(schema)(schema)
        doc = _yaml(SCHEMA_FILES[kind])
        errors = [e.message for e in validator.iter_errors(doc)]
        assert not errors, (kind, errors)
        doc["colour"] = "red"
        assert list(validator.iter_errors(doc)), f"{kind}: the schema accepts an unknown key"


# --- scenarios -----------------------------------------------------------------------------


def test_scenarios_lists_ids_and_marks_the_default(capsys: pytest.CaptureFixture[str], shipped_once: None) -> None:
    code, out, _ = run(capsys, "scenarios")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert {"compact-2030", "crisis-2015", "classroom"} <= set(rows)
    marked = [scenario for scenario, line in rows.items() if "(default)" in line]
    assert marked == ["compact-2030"]
    assert "4 seats" in rows["classroom"]


# --- simulate ------------------------------------------------------------------------------


def test_simulate_json_report(capsys: pytest.CaptureFixture[str], shipped_once: None, content: Content) -> None:
    code, out, err = run(capsys, *SIMULATE, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["scenario"] == "classroom"
    assert report["games"] == 5
    assert report["bots"] == "random"
    assert 0 <= report["collapse_rate"] <= 1
    seats = {seat.id: seat.type for seat in content.scenario("classroom").seats}
    assert set(report["seats"]) == set(seats)
    for seat, row in report["seats"].items():
        assert row["type"] == seats[seat]
        assert row["bot"] == "random:normal"
        assert isinstance(row["mean_score"], (int, float))
        assert 0 <= row["win_rate"] <= 1
    # every game that did not collapse has at least one winner, and nobody wins a collapse
    wins = sum(row["win_rate"] for row in report["seats"].values())
    ended_well = 1 - report["collapse_rate"]
    assert ended_well - 1e-3 <= wins <= ended_well * len(seats) + 1e-3, report


def test_simulate_is_deterministic(capsys: pytest.CaptureFixture[str], shipped_once: None) -> None:
    first = run(capsys, *SIMULATE, "--json")
    second = run(capsys, *SIMULATE, "--json")
    assert first[0] == second[0] == 0
    assert first[1] == second[1]
    other_seed = [arg if arg != "3" else "4" for arg in SIMULATE]
    assert run(capsys, *other_seed, "--json")[1] != first[1], "the seed changes nothing"


def test_simulate_text_says_what_the_json_says(capsys: pytest.CaptureFixture[str], shipped_once: None) -> None:
    report = json.loads(run(capsys, *SIMULATE, "--json")[1])
    code, out, _ = run(capsys, *SIMULATE)
    assert code == 0
    assert re.search(r"^games\s+5$", out, re.M), out
    rate = re.search(r"^collapse rate\s+(\S+) \[(\S+),(\S+)\]$", out, re.M)
    assert rate, out
    assert rate.groups() == tuple(f"{x:.1%}" for x in (report["collapse_rate"], *report["collapse_interval"])), out
    for seat, row in report["seats"].items():
        line = re.search(rf"^{re.escape(seat)}\s+(\S+)\s+(\S+)\s+(\S+)\s+\S+\s+(\S+)\s+\S+\s+(.+)$", out, re.M)
        assert line, (seat, out)
        expected = (row["type"], row["bot"], f"{row['win_rate']:.1%}", f"{row['mean_score']:.2f}", row["name"])
        assert line.groups() == expected


def test_simulate_rejects_an_unknown_scenario(capsys: pytest.CaptureFixture[str], shipped_once: None) -> None:
    code, out, err = run(capsys, "simulate", "--scenario", "atlantis", "--games", "1")
    assert code == 2
    assert "atlantis" in err and "classroom" in err
    no_traceback(out, err)
    code, _, err = run(capsys, "simulate", "--games", "0")
    assert code == 2 and "--games" in err


def test_simulate_save_into_a_missing_folder(
    capsys: pytest.CaptureFixture[str], shipped_once: None, tmp_path: Path
) -> None:
    target = tmp_path / "no-such-folder" / "game.json"
    code, out, err = run(capsys, "simulate", "--scenario", "classroom", "--games", "1", "--save", str(target))
    assert code == 1
    assert str(target) in err
    no_traceback(out, err)


# --- save and replay -----------------------------------------------------------------------


@pytest.fixture
def saved(capsys: pytest.CaptureFixture[str], shipped_once: None, tmp_path: Path) -> Path:
    path = tmp_path / "game.json"
    code, _, err = run(capsys, *SIMULATE, "--json", "--save", str(path))
    assert code == 0, err
    return path


def test_simulate_save_is_accepted_by_replay(capsys: pytest.CaptureFixture[str], saved: Path) -> None:
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["format"] == 2
    assert data["content"]["files"]["decks/shocks.yaml"] == (SHIPPED / "decks" / "shocks.yaml").read_text(
        encoding="utf-8"
    )
    assert data["scenario"] == "classroom"
    assert data["seed"] == 3
    assert data["phase"] == "game_over"
    assert not saved.with_name(saved.name + ".tmp").exists()
    code, out, err = run(capsys, "replay", str(saved))
    assert code == 0, err
    assert f"{len(data['actions'])} actions replayed and verified" in out
    digest = re.search(r"^digest ([0-9a-f]{16})$", out, re.M)
    assert digest, out
    assert digest.group(1) == data["digest"]


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _retarget_a_deal(data: dict[str, Any]) -> None:
    action = next((a for a in data["actions"] if isinstance(a.get("deal"), int)), None)
    assert action is not None, "the saved game has no action on a deal: pick another seed"
    action["deal"] = 999


def _edit_a_reason(data: dict[str, Any]) -> None:
    action = next((a for a in data["actions"] if a.get("reason")), None)
    assert action is not None, "the saved game has no reason: pick another seed"
    action["reason"] = "a reason nobody gave"


BROKEN_SAVES: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    "reason-edited": (_edit_a_reason, "does not give the saved game"),
    "newer-format": (lambda d: d.update(format=99), "newer version"),
    "deal-id-changed": (_retarget_a_deal, "damaged"),
    "actions-cut": (lambda d: d.update(actions=d["actions"][:-1]), "does not give the saved game"),
    "unknown-scenario": (lambda d: d.update(scenario="atlantis"), "'atlantis'"),
    "not-a-save": (lambda d: d.clear(), "not a save file"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_SAVES))
def test_replay_refuses_a_broken_save(
    capsys: pytest.CaptureFixture[str], saved: Path, tmp_path: Path, case: str
) -> None:
    change, says = BROKEN_SAVES[case]
    data = json.loads(saved.read_text(encoding="utf-8"))
    change(data)
    path = _write(tmp_path / f"{case}.json", data)
    code, out, err = run(capsys, "replay", str(path))
    assert code == 1
    no_traceback(out, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"negotiate: {path}"), err
    assert says in lines[0], err


def test_replay_refuses_a_file_that_is_not_json(
    capsys: pytest.CaptureFixture[str], shipped_once: None, tmp_path: Path
) -> None:
    path = tmp_path / "corrupt.json"
    path.write_text('{"format": 1, "actions": [', encoding="utf-8")
    code, out, err = run(capsys, "replay", str(path))
    assert code == 1
    no_traceback(out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"negotiate: {path}:1: not a save file"), err


def test_replay_of_a_missing_file(capsys: pytest.CaptureFixture[str], shipped_once: None, tmp_path: Path) -> None:
    path = tmp_path / "absent.json"
    code, out, err = run(capsys, "replay", str(path))
    assert code == 1
    no_traceback(out, err)
    assert err.strip().startswith(f"negotiate: {path}: cannot be read"), err


def test_replay_refuses_a_newer_format_written_as_a_string(
    capsys: pytest.CaptureFixture[str], saved: Path, tmp_path: Path
) -> None:
    data = json.loads(saved.read_text(encoding="utf-8"))
    data["format"] = "99"
    path = _write(tmp_path / "newer.json", data)
    code, _, err = run(capsys, "replay", str(path))
    assert code == 1, "a save of format 99 was replayed"
    assert str(path) in err


# --- other content folders -----------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [["scenarios"], ["validate"], ["simulate", "--games", "1"], ["replay", "game.json"], ["play", "--headless"]],
    ids=lambda c: c[0],
)
def test_content_folder_that_does_not_exist(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: list[str]
) -> None:
    missing = tmp_path / "no-such-content"
    code, out, err = run(capsys, "--content", str(missing), *command)
    assert code == 1
    no_traceback(out, err)
    assert str(missing) in out + err
    assert "no such content folder" in out + err


def test_a_teachers_folder_through_the_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = copy_content(tmp_path / "lesson")
    scenario = (SHIPPED / "rules/scenarios/classroom.yaml").read_text(encoding="utf-8")
    assert "\nid: classroom\n" in scenario
    (root / "rules/scenarios/my-lesson.yaml").write_text(
        scenario.replace("\nid: classroom\n", "\nid: my-lesson\n").replace(
            "years: [2024, 2026, 2028, 2030]", "years: [2028, 2030]"
        ),
        encoding="utf-8",
    )
    code, out, err = run(capsys, "--content", str(root), "scenarios")
    assert code == 0, err
    assert "my-lesson" in {line.split()[0] for line in out.splitlines() if line.strip()}
    code, out, err = run(
        capsys, "--content", str(root), "simulate", "--scenario", "my-lesson", "--games", "2", "--json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["scenario"] == "my-lesson" and report["games"] == 2
    assert report["mean_rounds"] <= 2


def test_schema_out_onto_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "schemas"
    target.write_text("not a folder", encoding="utf-8")
    code, out, err = run(capsys, "schema", "--out", str(target))
    assert code == 1
    assert str(target) in err


# --- the installed command and the package data -------------------------------------------


def test_console_script_runs(tmp_path: Path) -> None:
    assert SCRIPT.exists(), f"no console script at {SCRIPT}"
    done = subprocess.run(
        [str(SCRIPT), "validate", "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True
    done = subprocess.run([str(SCRIPT), "replay", "absent.json"], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.startswith("negotiate: absent.json: cannot be read"), done.stderr


OFFLINE = (
    "Could not find a version that satisfies",
    "No matching distribution found",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
    "ProxyError",
)


def test_wheel_ships_the_content_and_finds_it(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(PROJECT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if build.returncode != 0:
        output = build.stdout + build.stderr
        if any(sign in output for sign in OFFLINE):
            pytest.skip("cannot build the wheel without the network (hatchling is not in the venv)")
        pytest.fail(f"the wheel does not build:\n{output}")
    [wheel] = wheels.glob("negotiate-*.whl")
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stderr
    assert (site / "negotiate/data/decks/terms.yaml").is_file()
    assert (site / "negotiate/data/rules/scenarios/compact-2030.yaml").is_file()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (
        f"import sys; sys.path.insert(0, {str(site)!r}); "
        "import negotiate; from negotiate.content import load_content; "
        "c = load_content(); print(c.root); print(negotiate.__file__); print(len(c.scenarios))"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    root, module, scenarios = done.stdout.split()
    assert Path(root).resolve().is_relative_to(site.resolve()), root
    assert Path(module).resolve().is_relative_to(site.resolve()), module
    assert int(scenarios) >= 3
    assert load_content(root).counts() == load_content().counts()


# --- play ----------------------------------------------------------------------------------


def test_headless_play_names_the_bots_and_refuses_a_bad_lineup(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        capsys, "play", "--headless", "--scenario", "classroom", "--seed", "2", "--bots", "zanoka=broker:hard"
    )
    assert code == 0, err
    assert "broker:hard" in out and ("Winner" in out or "collapsed" in out)
    code, out, err = run(capsys, "play", "--headless", "--scenario", "classroom", "--bots", "zanoka=hardliner")
    assert code == 2
    no_traceback(out, err)
    assert "zanoka is a sending seat; a hardliner plays only receiving seats" in err


@pytest.fixture
def apps_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list:
    """Apps that `negotiate` would run, recorded instead of run."""
    from negotiate.tui.app import NegotiateApp

    monkeypatch.setenv("NEGOTIATE_SAVES", str(tmp_path / "saves"))
    started: list = []
    monkeypatch.setattr(NegotiateApp, "run", lambda app, **kw: started.append(app))
    return started


def test_play_with_a_seat_starts_a_solo_game_at_once(capsys: pytest.CaptureFixture[str], apps_run: list) -> None:
    code, out, err = run(capsys, "play", "--scenario", "crisis-2015", "--seat", "Vellara", "--rounds", "3")
    assert code == 0, err
    session = apps_run[0].first_session
    assert session.humans == ["vellara"]
    assert session.game.table.rounds == 3
    assert all(session.seating[s] is not None for s in session.game.table.order if s != "vellara")


def test_play_with_two_seats_is_hot_seat_and_bad_seats_are_named(
    capsys: pytest.CaptureFixture[str], apps_run: list
) -> None:
    code, out, err = run(capsys, "play", "--scenario", "classroom", "--seat", "aldermark", "--seat", "zanoka")
    assert code == 0, err
    assert apps_run[0].first_session.humans == ["aldermark", "zanoka"]
    code, out, err = run(capsys, "play", "--scenario", "classroom", "--seat", "atlantis")
    assert code == 2
    no_traceback(out, err)
    assert "no seat 'atlantis'" in err and "aldermark" in err
    code, out, err = run(capsys, "play", "--scenario", "classroom", "--seat", "zanoka", "--rounds", "9")
    assert code == 2
    assert "rounds must be from 1 to 4" in err


def test_play_headless_plays_only_the_rounds_asked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    save = tmp_path / "short.json"
    code, out, err = run(
        capsys, "play", "--headless", "--scenario", "crisis-2015", "--seed", "4", "--rounds", "2", "--save", str(save)
    )
    assert code == 0, err
    data = json.loads(save.read_text())
    assert data["rounds"] == 2
    years = {line.split()[0] for line in out.splitlines() if re.match(r"^  \d{4}  ", line)}
    assert years <= {"2015", "2016"}, years


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["play", "--headless", "--rounds", "0"], "--rounds: expected 1 or more, not 0"),
        (["play", "--headless", "--rounds", "-1"], "--rounds: expected 0 or more, not -1"),
        (
            ["play", "--headless", "--scenario", "classroom", "--rounds", "99"],
            "rounds must be from 1 to 4 for classroom, not 99",
        ),
        (["play", "--headless", "--rounds", "two"], "--rounds: expected a whole number, not 'two'"),
        (["play", "--headless", "--seed", "-3"], "--seed: expected 0 or more, not -3"),
        (["simulate", "--jobs", "0"], "--jobs: expected 1 or more, not 0"),
        (["simulate", "--games", "0"], "--games: expected 1 or more, not 0"),
    ],
)
def test_counts_out_of_range_are_refused_with_what_is_expected(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    assert expected in err, err
    no_traceback(out, err)
