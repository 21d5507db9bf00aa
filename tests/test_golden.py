"""Play is unchanged unless a change means it: the golden games give the digests kept in
`tests/golden.json` (see `tests/golden.py` for how to write them anew after a change of play)."""

from __future__ import annotations

import json

from tests.golden import FILE, digests


def test_the_golden_games_play_as_recorded(content):
    recorded = json.loads(FILE.read_text(encoding="utf-8"))
    played = digests(content)
    changed = sorted(key for key in played if played[key] != recorded.get(key))
    assert played.keys() == recorded.keys(), "the set of golden games changed: run `python -m tests.golden`"
    assert not changed, (
        f"{len(changed)} of {len(played)} golden games play differently ({', '.join(changed[:4])}...). "
        "If play was meant to change, run `.venv/bin/python -m tests.golden` and commit tests/golden.json "
        "with the change; if not, the change is not the exact refactor it was meant to be."
    )
