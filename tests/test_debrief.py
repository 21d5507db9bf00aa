"""The debrief: its timeline matches the log, a game not over keeps its secrets, the no-deal
baseline is deterministic, and the HTML is self-contained (rendered in Chromium if present)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from negotiate.bots import default_lineup
from negotiate.content import load_content
from negotiate.debrief.baseline import no_deal
from negotiate.debrief.command import cmd_debrief
from negotiate.debrief.render import build, html, markdown
from negotiate.engine import Game
from negotiate.engine.actions import Counter, Propose, Ratify, Refuse
from negotiate.engine.save import from_save, to_save
from negotiate.sim import play_game


@pytest.fixture(scope="module")
def content():
    return load_content()


@pytest.fixture(scope="module")
def game(content):
    return play_game(content, "classroom", 3, default_lineup(Game(content, "classroom", 3).table))


@pytest.fixture(scope="module")
def random_game(content):
    return play_game(content, "crisis-2015", 2)


def _rounds_of_actions(game: Game) -> list[int]:
    replay = game.rewound()
    rounds = []
    for action in game.log:
        rounds.append(replay.state.round)
        replay.apply(action)
    return rounds


@pytest.mark.parametrize("which", ["game", "random_game"])
def test_the_timeline_holds_every_proposal_and_ratification_in_its_year(which, request):
    game = request.getfixturevalue(which)
    debrief = build(game)
    text = markdown([debrief])
    sections = re.split(r"^### (\d{4})", text, flags=re.M)
    by_year = {int(sections[i]): sections[i + 1] for i in range(1, len(sections) - 1, 2)}
    checked = 0
    for action, round_ in zip(game.log, _rounds_of_actions(game)):
        if not isinstance(action, (Propose, Counter, Ratify, Refuse)):
            continue
        year = next(y for y in debrief.years if y.round == round_)
        assert any(item.action is action for item in year.items), action
        words = "deal #" if isinstance(action, (Propose, Counter)) else f"deal #{action.deal}"
        assert game.table.name(action.seat) in by_year[year.year] and words in by_year[year.year]
        checked += 1
    assert checked


def test_a_game_not_over_reveals_no_secret(content, game):
    half = Game.replayed(content, "classroom", 3, game.log[: len(game.log) // 2])
    assert not half.is_over
    debrief = build(half, {s: "human" for s in half.table.order})
    pages = html([debrief]) + markdown([debrief])
    assert "In progress" in pages
    cards = content.agendas
    for seat in half.table.order:
        secret = half.state.secrets[seat]
        agenda = cards[secret.agenda]
        for text in (secret.agenda, agenda.name, agenda.text):
            assert text not in pages, f"{seat}'s agenda shows: {text}"
        public = " ".join(e.text for e in half.events_for(None))
        for forecast in secret.hand:
            trend = content.trends[forecast.card]
            if trend.name not in public:
                assert forecast.card not in pages and trend.name not in pages
    assert all(line.source != "agenda" for s in debrief.scores for line in s.lines)


def test_the_no_deal_baseline_is_deterministic_and_differs_from_the_game(content, game):
    first, again = no_deal(game), no_deal(from_save(content, to_save(game)))
    assert first.scores == again.scores
    assert first.game.state.history == again.game.state.history
    assert any(d.starts is not None for d in game.state.deals)
    assert first.scores != game.state.scores
    assert not any(d.starts is not None for d in first.game.state.deals)


def test_the_html_is_one_file_with_no_script_and_no_network(game, random_game, tmp_path):
    page = html([build(game, name="table-1"), build(random_game, name="table-2")])
    assert "<script" not in page.lower()
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "<svg" in page and "tables compared" in page
    assert "@media print" in page


def test_the_command_writes_both_files_and_names_a_bad_save(content, game, tmp_path, capsys):
    import argparse
    import json

    save = tmp_path / "table-1.json"
    save.write_text(json.dumps(to_save(game, {s: "broker:normal" for s in game.table.order})))
    out_html, out_md = tmp_path / "d.html", tmp_path / "d.md"
    args = argparse.Namespace(saves=[save], html=out_html, md=out_md)
    assert cmd_debrief(args, content) == 0
    assert "broker:normal" in out_md.read_text() and "<svg" in out_html.read_text()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert cmd_debrief(argparse.Namespace(saves=[bad], html=None, md=None), content) == 1
    assert str(bad) in capsys.readouterr().err
    missing = tmp_path / "nothing.json"
    assert cmd_debrief(argparse.Namespace(saves=[missing], html=None, md=None), content) == 1
    assert str(missing) in capsys.readouterr().err


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs Debian's chromium")
def test_chromium_renders_the_debrief(game, tmp_path):
    page = tmp_path / "debrief.html"
    page.write_text(html([build(game)]), encoding="utf-8")
    png = tmp_path / "debrief.png"
    run = subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--screenshot={png}",
            "--window-size=1240,1754",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr[-500:]
    assert png.stat().st_size > 10_000
