"""The simulator: many headless games, in one process or several, and the report's statistics."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

import negotiate.cli
from negotiate.bots import LineupError, default_lineup
from negotiate.cli import main
from negotiate.content import Content, shipped_root
from negotiate.engine.table import Table
from negotiate.sim import GameResult, SeatInfo, SimReport, mean_interval, simulate, wilson
from tests.results import game_result

CLASSROOM = ["simulate", "--scenario", "classroom", "--games", "6", "--seed", "11"]


@pytest.fixture
def shipped_once(content: Content, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reuses the session's shipped content (parsing YAML is slow)."""
    real = negotiate.cli.load_content
    monkeypatch.setattr(negotiate.cli, "load_content", lambda root=None: content if root is None else real(root))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def report_of(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


# --- statistics ----------------------------------------------------------------------------


def test_wilson_interval_known_values() -> None:
    assert wilson(0, 10) == pytest.approx((0.0, 0.2775), abs=1e-4)
    assert wilson(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    assert wilson(10, 10) == pytest.approx((0.7225, 1.0), abs=1e-4)
    assert wilson(1, 4) == pytest.approx((0.0456, 0.6994), abs=1e-4)
    assert wilson(0, 0) == (0.0, 1.0)


def test_mean_interval_is_the_normal_approximation() -> None:
    # sd of 1..5 is sqrt(2.5); 1.96 * sqrt(2.5) / sqrt(5) = 1.3859
    assert mean_interval([1, 2, 3, 4, 5]) == pytest.approx((3 - 1.3859, 3 + 1.3859), abs=1e-4)
    assert mean_interval([7.0, 7.0, 7.0]) == (7.0, 7.0)
    assert mean_interval([4.0]) == (4.0, 4.0)


def _result(seed: int, collapsed: bool, **facts: Any) -> GameResult:
    scores = {"a": 10.0, "b": 20.0}
    return game_result(
        seed,
        **({"rounds": 3, "collapsed": collapsed, "scores": scores, "winners": () if collapsed else ("b",)} | facts),
    )


def test_summary_of_known_games() -> None:
    results = [
        _result(
            1,
            False,
            cards=(("trend", "t1"), ("shock", "s1")),
            window_rounds=(1,),
            deals=((1, "regional"), (2, "global"), (2, "bilateral")),
        ),
        _result(2, True, rounds=2, governance=0, cards=(("trend", "t1"), ("shock", "s2")), terms_signed={"y": 1}),
        _result(
            3, False, cards=(("trend", "t1"),), window_rounds=(0,), deals=((0, "regional"),), terms_signed={"x": 3}
        ),
        _result(4, True, rounds=1, governance=0, cards=(("shock", "s2"),), scores={"a": 30.0, "b": 0.0}),
    ]
    seats = {
        "a": SeatInfo("A", "receiving", "hardliner:normal", "receiving"),
        "b": SeatInfo("B", "sending", "hardliner:normal", "sending"),
    }
    report = SimReport("s", "S", 1, "default", seats, ("x", "y", "z"), (), results).summary()
    assert report["collapse_rate"] == 0.5
    assert report["mean_rounds"] == 2.25
    assert report["governance"]["mean"] == 0.5
    assert report["governance"]["distribution"] == {"0": 0.5, "1": 0.5, "2": 0.0, "3": 0.0, "4": 0.0}
    # two window rounds saw two multilateral deals; seven other rounds saw one (bilateral deals don't count)
    assert report["multilateral"] == {"window_rounds": 2, "window_rate": 1.0, "other_rounds": 7, "other_rate": 0.1429}
    assert report["deals_signed_by_term"] == {"x": 0.75, "y": 0.25, "z": 0.0}
    assert report["term_types_signed"] == 2
    assert report["seats"]["b"]["win_rate"] == 0.5 and report["seats"]["a"]["win_rate"] == 0.0
    assert report["seats"]["a"]["mean_score"] == 15.0 and report["seats"]["b"]["score_interval"][0] < 15.0
    pooled = report["personalities"]["hardliner:normal"]
    assert pooled["seats"] == ["a", "b"] and pooled["win_rate"] == 0.25 and pooled["mean_score"] == 15.0
    assert pooled["win_interval"] == [round(x, 4) for x in wilson(2, 8)]
    # s2 is drawn in both collapses and nowhere else: it doubles the collapse rate (0.5 -> 1)
    collapsed = {row["card"]: row for row in report["cards"]["collapsed"]}
    assert collapsed["s2"] == {"card": "s2", "kind": "shock", "games": 2, "share": 1.0, "lift": 2.0}
    assert collapsed["t1"]["share"] == 0.5 and collapsed["t1"]["lift"] == pytest.approx(0.6667)
    assert [row["card"] for row in report["cards"]["won"]] == ["t1", "s1"]
    assert report["cards"]["won"][1]["lift"] == 2.0


# --- the report of real games --------------------------------------------------------------


def _check_rate(row: dict[str, Any], rate: str, interval: str) -> None:
    lo, hi = row[interval]
    assert 0 <= lo <= row[rate] <= hi <= 1, row


def test_json_report_has_every_field(capsys: pytest.CaptureFixture[str], shipped_once: None, content: Content) -> None:
    report = report_of(capsys, *CLASSROOM)
    table = Table(content, content.scenario("classroom"))
    lineup = default_lineup(table)
    assert (report["scenario"], report["games"], report["seed"], report["bots"]) == ("classroom", 6, 11, "default")
    _check_rate(report, "collapse_rate", "collapse_interval")
    assert 1 <= report["mean_rounds"] <= table.rounds and report["mean_actions"] > 0
    assert set(report["seats"]) == set(table.order)
    for seat, row in report["seats"].items():
        assert (row["name"], row["type"], row["bot"]) == (table.name(seat), table.seats[seat].type, str(lineup[seat]))
        _check_rate(row, "win_rate", "win_interval")
        lo, hi = row["score_interval"]
        assert lo <= row["mean_score"] <= hi
    assert set(report["personalities"]) == {str(spec) for spec in lineup.values()}
    assert sorted(s for row in report["personalities"].values() for s in row["seats"]) == sorted(table.order)
    for row in report["personalities"].values():
        _check_rate(row, "win_rate", "win_interval")
    governance = report["governance"]
    assert governance["interval"][0] <= governance["mean"] <= governance["interval"][1]
    assert sum(governance["distribution"].values()) == pytest.approx(1)
    assert set(report["deals_signed_by_term"]) == set(table.terms)
    assert report["term_types_signed"] == sum(mean > 0 for mean in report["deals_signed_by_term"].values())
    multi = report["multilateral"]
    assert multi["window_rounds"] + multi["other_rounds"] == round(report["mean_rounds"] * 6)
    drawn = set(content.shocks) | set(content.trends)
    for outcome in ("won", "collapsed"):
        assert len(report["cards"][outcome]) <= 5
        for row in report["cards"][outcome]:
            assert row["card"] in drawn and row["kind"] in ("shock", "trend") and 0 < row["share"] <= 1


def test_jobs_give_the_same_report(content: Content) -> None:
    done: list[int] = []
    one = simulate(content, "classroom", 8, 5, "default", jobs=1)
    two = simulate(content, "classroom", 8, 5, "default", jobs=2, on_progress=done.append)
    assert [r.seed for r in two.results] == list(range(5, 13))
    assert two.summary() == one.summary()
    assert sum(done) == 8


def test_jobs_on_the_command_line(capsys: pytest.CaptureFixture[str], shipped_once: None) -> None:
    assert report_of(capsys, *CLASSROOM, "--jobs", "2") == report_of(capsys, *CLASSROOM, "--jobs", "1")


@pytest.mark.parametrize(("games", "jobs"), [(0, 1), (3, 0)])
def test_no_game_or_no_job_is_refused(content: Content, games: int, jobs: int) -> None:
    with pytest.raises(ValueError, match=f"games and jobs must be 1 or more, not {games} and {jobs}"):
        simulate(content, "classroom", games, 1, jobs=jobs)


def test_same_seed_same_report_and_another_seed_differs(content: Content) -> None:
    first = simulate(content, "classroom", 4, 21).summary()
    assert simulate(content, "classroom", 4, 21).summary() == first
    assert simulate(content, "classroom", 4, 22).summary() != first


def test_a_lineup_names_the_bots(capsys: pytest.CaptureFixture[str], shipped_once: None) -> None:
    report = report_of(capsys, *CLASSROOM, "--games", "2", "--bots", "aldermark=hardliner:hard, zanoka=broker")
    assert report["seats"]["aldermark"]["bot"] == "hardliner:hard"
    assert report["seats"]["zanoka"]["bot"] == "broker:normal"
    assert report["personalities"]["hardliner:hard"]["seats"] == ["aldermark"]
    report = report_of(capsys, *CLASSROOM, "--games", "2", "--bots", "random")
    assert list(report["personalities"]) == ["random:normal"]


@pytest.mark.parametrize(
    ("bots", "says"),
    [
        ("atlantis=broker", "unknown seat 'atlantis'"),
        ("aldermark=genius", "unknown personality 'genius'"),
        ("aldermark=pragmatist:godlike", "unknown level 'godlike'"),
        ("zanoka=hardliner", "zanoka is a sending seat"),
        ("aldermark", "expected SEAT=PERSONALITY[:LEVEL]"),
    ],
)
def test_a_bad_lineup_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], shipped_once: None, content: Content, bots: str, says: str
) -> None:
    code, out, err = run(capsys, *CLASSROOM, "--bots", bots)
    assert code == 2
    assert out == ""
    assert err.startswith("negotiate: ") and says in err and "Traceback" not in err, err
    with pytest.raises(LineupError, match=says.replace("[", r"\[")):
        simulate(content, "classroom", 1, 1, bots)


def test_dask_without_the_extra_says_what_to_install(
    capsys: pytest.CaptureFixture[str], shipped_once: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if it were not installed
    code, out, err = run(capsys, *CLASSROOM, "--dask", "tcp://127.0.0.1:8786")
    assert (code, out) == (1, "")
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("negotiate: --dask needs") and "pip install 'negotiate[dask]'" in err, err


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--dask", "localhost"], "--dask: expected a Dask scheduler address such as tcp://127.0.0.1:8786"),
        (["--dask", "tcp://127.0.0.1:8786", "--jobs", "2"], "not allowed with argument"),
    ],
)
def test_a_bad_dask_option_is_a_usage_error(capsys: pytest.CaptureFixture[str], argv: list[str], says: str) -> None:
    with pytest.raises(SystemExit) as stop:
        main([*CLASSROOM, *argv])
    assert stop.value.code == 2
    assert says in capsys.readouterr().err


def test_json_to_a_file_keeps_the_text_report(
    capsys: pytest.CaptureFixture[str], shipped_once: None, tmp_path: Path
) -> None:
    path = tmp_path / "report.json"
    code, out, err = run(capsys, *CLASSROOM, "--games", "2", "--json", str(path))
    assert code == 0, err
    assert json.loads(path.read_text(encoding="utf-8"))["games"] == 2
    assert out.startswith("classroom: ") and "collapse rate" in out


def test_validate_checks_each_scenarios_default_bots(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = tmp_path / "content"
    for folder in ("decks", "rules"):
        shutil.copytree(shipped_root() / folder, root / folder)
    scenario = root / "rules/scenarios/classroom.yaml"
    text = scenario.read_text(encoding="utf-8")
    assert "    type: sending\n" in text
    scenario.write_text(
        text.replace("    type: sending\n", "    type: sending\n    bot: hardliner\n", 1), encoding="utf-8"
    )
    line = text[: text.index("    type: sending\n")].count("\n") + 2
    code, out, err = run(capsys, "validate", str(root))
    assert code == 1, out
    assert out.startswith(f"{scenario}:{line}: seats[1].bot: zanoka is a sending seat"), out
    assert "1 problem(s)" in err
