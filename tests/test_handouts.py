"""The printable handouts: a brief for every seat of every scenario (name, role, objective, powers,
tracks), no secret agenda anywhere in them, nothing to fetch and no scripts; a class's join codes
each with one QR code; bad input refused with a message that names the file."""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from negotiate.content import Content
from negotiate.handouts.brief import HandoutsError, handouts, read_codes
from negotiate.handouts.command import add_parser, cmd_handouts
from negotiate.handouts.render import render

URL = "http://192.168.1.20:8765"
WEB = "http://192.168.1.20:8766"


def run(content: Content, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    return cmd_handouts(parser.parse_args(["handouts", *argv]), content)


def class_codes(content: Content, scenario: str, tables: int = 2) -> dict:
    seats = [seat.id for seat in content.scenarios[scenario].seats]
    return {
        "class": "k7q2",
        "tables": [
            {"table": f"k7q2-{t}", "seats": {seat: f"C{t}{i:02d}X-9PDA" for i, seat in enumerate(seats)}}
            for t in range(1, tables + 1)
        ],
    }


def text_of(page: str) -> str:
    """The page's words as a reader sees them: tags dropped, entities decoded, spaces folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


@pytest.fixture(scope="module")
def pages(content: Content) -> dict[str, str]:
    """Each scenario's handouts, without a class and with one."""
    out = {}
    for scenario in content.scenarios:
        made = handouts(content, scenario)
        out[scenario] = render(made)
        codes = read_codes("codes.json", json.dumps(class_codes(content, scenario)), content.scenarios[scenario])
        out[f"{scenario}+class"] = render(made, codes, URL, WEB)
    return out


def test_every_seat_has_a_brief_with_name_role_objective_and_powers(content: Content, pages: dict[str, str]) -> None:
    for scenario in content.scenarios.values():
        page = pages[scenario.id]
        words = text_of(page)
        for seat in scenario.seats:
            kind = content.seat_types[seat.type]
            match = re.search(rf'<section class="page brief" id="brief-{seat.id}".*?</section>', page, re.S)
            assert match, f"{scenario.id}: no brief for {seat.id}"
            brief = text_of(match.group(0))
            assert seat.name in brief and kind.name in brief
            assert " ".join(kind.summary.split()) in brief
            assert " ".join(kind.objective.text.split()) in brief
            for rule in kind.objective.scoring:
                assert rule.label in brief
            for power in kind.actions:
                assert power.replace("_", " ").lower() in brief.lower(), (seat.id, power)
            for name, spec in kind.tracks.items():
                assert f"{spec.label} {seat.tracks.get(name, spec.start)} " in brief, (seat.id, name)
            names = {s.id: s.name for s in scenario.seats}
            for corridor in scenario.corridors:
                stops = [corridor.origin, *([corridor.transit] if corridor.transit else []), corridor.destination]
                route = " → ".join(names[stop] for stop in stops)
                assert (route in brief) == (seat.id in stops), (seat.id, route)
            assert "your secret agenda is dealt when the game starts" in brief.lower()
            assert "tab 3 You" in brief
        assert words.count("fold back along this line") == len(scenario.seats)


def test_the_run_sheet_has_timings_phases_shocks_and_questions(content: Content, pages: dict[str, str]) -> None:
    for scenario in content.scenarios.values():
        sheet = text_of(re.search(r'<section class="page run-sheet".*?</section>', pages[scenario.id], re.S).group(0))
        assert f"{scenario.minutes} min" in sheet
        assert f"{len(scenario.years)} rounds (the full game)" in sheet
        for phase in ("Trend", "Shock", "Negotiation", "Ratification", "Implementation", "Resolution", "Scoring"):
            assert phase in sheet
        present = {seat.type for seat in scenario.seats} | {"all"}
        for card_id in content.cards(scenario.decks.shocks):
            card = content.shocks[card_id]
            assert (card.name in sheet) == (card.strikes in present), card.id
        assert "Which shock opened a window, and who used it?" in sheet


def test_no_agenda_appears_in_any_handout(content: Content, pages: dict[str, str]) -> None:
    for name, page in pages.items():
        words = text_of(page)
        for agenda in content.agendas.values():
            assert agenda.name not in words, (name, agenda.id)
            assert " ".join(agenda.text.split()) not in words, (name, agenda.id)
            assert agenda.id not in page, (name, agenda.id)


def test_nothing_to_fetch_and_no_scripts(pages: dict[str, str]) -> None:
    for name, page in pages.items():
        assert "<script" not in page.lower(), name
        assert not re.search(r"\b(src|href)\s*=", page, re.I), name
        assert "url(" not in page and "@import" not in page, name
        assert "<link" not in page.lower() and "<img" not in page.lower(), name
        outside = set(re.findall(r"https?://[^\s\"'<>]+", html.unescape(page))) - {
            URL,
            WEB,
            "http://www.w3.org/2000/svg",
        }
        assert not outside, (name, outside)


def test_every_code_has_one_qr_code(content: Content, pages: dict[str, str]) -> None:
    for scenario in content.scenarios.values():
        page = pages[f"{scenario.id}+class"]
        cards = re.findall(r'<article class="card".*?</article>', page, re.S)
        codes = [code for table in class_codes(content, scenario.id)["tables"] for code in table["seats"].values()]
        assert len(cards) == len(codes)
        assert len(re.findall(r"<svg\b", page)) == len(codes)
        for code in codes:
            holding = [card for card in cards if code in card]
            assert len(holding) == 1 and len(re.findall(r"<svg\b", holding[0])) == 1, code
            assert f"negotiate join {URL} {code}" in html.unescape(holding[0])
        assert "copy its title here" in text_of(page)
        assert not re.search(r"<svg\b", pages[scenario.id])  # no class, no QR codes


def test_the_command_writes_the_handouts(content: Content, tmp_path: Path) -> None:
    codes = tmp_path / "class.json"
    codes.write_text(json.dumps(class_codes(content, "classroom", tables=1)))
    out = tmp_path / "out" / "handouts.html"
    assert run(content, "--scenario", "classroom", "--codes", str(codes), "--server", URL, "--html", str(out)) == 0
    page = out.read_text(encoding="utf-8")
    assert "C100X-9PDA" in page and page.count("<svg") == 4
    assert out.stat().st_mode & 0o077 == 0  # join codes let anyone take a seat
    assert run(content, "--html", str(tmp_path / "default.html")) == 0  # the default scenario


@pytest.mark.parametrize(
    "doc, words",
    [
        ("not json at all", "not JSON"),
        ('{"tables": []}', "not a class's codes"),
        ('{"class": "k", "tables": []}', "no tables"),
        ('{"class": "k", "tables": [{"table": "t", "seats": ["zanoka"]}]}', "table 1 is not"),
        ('{"class": "k", "tables": [{"table": "t", "seats": {"brandholm": "X"}}]}', "brandholm"),
    ],
)
def test_a_codes_file_that_is_not_the_class_json_is_refused_naming_the_file(
    content: Content, tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: str, words: str
) -> None:
    codes = tmp_path / "codes.json"
    codes.write_text(doc)
    out = tmp_path / "out.html"
    assert run(content, "--scenario", "classroom", "--codes", str(codes), "--server", URL, "--html", str(out)) == 1
    err = capsys.readouterr().err
    assert str(codes) in err and words in err
    assert not out.exists()


def test_bad_input_is_refused_clearly(content: Content, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.html"
    assert run(content, "--scenario", "atlantis", "--html", str(out)) == 1
    assert "no scenario 'atlantis'" in capsys.readouterr().err
    missing = tmp_path / "missing.json"
    assert run(content, "--scenario", "classroom", "--codes", str(missing), "--server", URL, "--html", str(out)) == 1
    assert str(missing) in capsys.readouterr().err
    codes = tmp_path / "class.json"
    codes.write_text(json.dumps(class_codes(content, "classroom")))
    assert run(content, "--scenario", "classroom", "--codes", str(codes), "--html", str(out)) == 1
    assert "--server" in capsys.readouterr().err
    assert run(content, "--scenario", "classroom", "--server", URL, "--html", str(out)) == 1
    assert "--codes" in capsys.readouterr().err
    assert not out.exists()
    with pytest.raises(HandoutsError, match="compact"):  # a class of another scenario
        read_codes("c.json", json.dumps(class_codes(content, "classroom")), content.scenarios["compact-2030"])


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium")
def test_headless_chromium_renders_the_handouts(pages: dict[str, str], tmp_path: Path) -> None:
    page = tmp_path / "handouts.html"
    page.write_text(pages["classroom+class"], encoding="utf-8")
    png = tmp_path / "handouts.png"
    subprocess.run(
        [
            "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={png}",
            "--window-size=1240,1754",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
