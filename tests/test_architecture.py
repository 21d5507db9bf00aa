"""The architecture we hold to: the engine is pure (no UI import), and the rulebook shows the
round machine that the engine really runs."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from negotiate.engine import mermaid

ROOT = Path(__file__).resolve().parents[1]


def test_engine_bots_and_simulator_load_no_textual():
    code = (
        "import sys, negotiate.engine, negotiate.bots, negotiate.sim, negotiate.content, negotiate.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "textual" not in out


def test_content_is_read_without_ruamel(tmp_path: Path) -> None:
    """Content is read with PyYAML's libyaml parser; ruamel.yaml is no longer a dependency."""
    code = (
        "import sys; from negotiate.content import load_content; load_content(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ruamel', 'yaml')))"
    )
    env = {**os.environ, "NEGOTIATE_CACHE": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert "ruamel" not in out and "yaml" in out


def test_engine_imports_nothing_above_it():
    for path in (ROOT / "negotiate" / "engine").glob("*.py"):
        text = path.read_text()
        for banned in (
            "negotiate.bots",
            "negotiate.sim",
            "negotiate.tui",
            "negotiate.cli",
            "textual",
            "import random\n",
            "time.",
        ):
            assert banned not in text, f"{path.name} uses {banned}"


def test_rulebook_shows_the_round_machine_the_engine_runs():
    text = (ROOT / "rules" / "RULEBOOK.md").read_text()
    blocks = re.findall(r"```mermaid\n(.*?)\n```", text, re.S)
    assert blocks == [mermaid()]


def test_rulebook_has_every_section():
    text = (ROOT / "rules" / "RULEBOOK.md").read_text()
    for heading in (
        "The game in one minute",
        "Seats",
        "A round",
        "Trend",
        "Shock",
        "Negotiation",
        "Forums",
        "Deals and terms",
        "Ratification",
        "Implementation",
        "Resolution: how people move",
        "Scoring and the end",
        "Facilitator",
        "Scenarios",
    ):
        assert f"\n## {heading}\n" in text


def test_rulebook_names_every_term_of_the_catalogue(content):
    text = (ROOT / "rules" / "RULEBOOK.md").read_text().lower()
    for term in content.terms.values():
        assert term.name.lower().split(" (")[0] in text, term.name
