"""Validating a big deck: `negotiate validate` on the shipped content plus a ~10 MB shock deck
(the shipped shocks again and again, with new ids), against references measured in the same run:
validating the shipped content, and json.loads of the same deck. Prints seconds, ratios and
peak memory; it asserts nothing. Run: python benchmarks/bench_content.py [MEGABYTES]"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from negotiate.cli import validate_content
from negotiate.content import shipped_root
from negotiate.content.reader import read_yaml

T = TypeVar("T")


def big_deck(size: int) -> tuple[str, dict[str, Any]]:
    """A shock deck of about `size` bytes of YAML: the shipped cards, copied with ids `-N`."""
    deck, _ = read_yaml((shipped_root() / "decks/shocks.yaml").read_text(encoding="utf-8"))
    cards = deck["cards"]
    copies = max(1, round(size / len(_dump(deck)))) - 1
    more = [json.loads(json.dumps(card)) | {"id": f"{card['id']}-{n}"} for n in range(copies) for card in cards]
    big = deck | {"cards": cards + more}
    return _dump(big), big


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), sort_keys=False, width=100)


def timed(run: Callable[[], T]) -> tuple[T, float]:
    """What one call gives, and its seconds."""
    started = time.perf_counter()
    value = run()
    return value, time.perf_counter() - started


def peak_memory(run: Callable[[], object]) -> float:
    """The peak of memory allocated during one call, in MB (tracemalloc: slow, so timed apart)."""
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return peak


def _command(root: Path) -> str:
    """Run `negotiate validate` in a process of its own; its peak resident memory (Linux)."""
    code = (
        "import sys; from negotiate.cli import main; code = main(['validate', sys.argv[1]]); "
        "print(''.join(l for l in open('/proc/self/status') if l.startswith('VmHWM')))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(root)], check=True, capture_output=True, text=True).stdout
    peak = [line.split(":", 1)[1].strip() for line in out.splitlines() if line.startswith("VmHWM")]
    return f"peak resident memory {peak[0]}" if peak else "peak resident memory not known here"


def main(megabytes: float = 10) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "content"
        shutil.copytree(shipped_root() / "decks", root / "decks")
        shutil.copytree(shipped_root() / "rules", root / "rules")
        validate_content(root)  # imports and warms up
        (shipped, _), shipped_took = timed(lambda: validate_content(root))
        text, deck = big_deck(int(megabytes * 1e6))
        as_json = json.dumps(deck)
        (root / "decks/shocks.yaml").write_text(text, encoding="utf-8")
        _, parse_took = timed(lambda: json.loads(as_json))
        (content, problems), took = timed(lambda: validate_content(root))
        peak = peak_memory(lambda: validate_content(root))
        (command_out, command_took) = timed(lambda: _command(root))
    assert shipped is not None and content is not None and not problems, problems
    shipped_size = sum(len(text) for text in shipped.sources.values()) / 1e6
    print(f"deck: {len(text) / 1e6:.1f} MB of YAML, {len(deck['cards'])} shock cards")
    print(f"validate the shipped content ({shipped_size:.2f} MB): {shipped_took:.2f} s")
    print(f"json.loads of the same deck ({len(as_json) / 1e6:.1f} MB of JSON): {parse_took:.2f} s")
    print(
        f"validate with the big deck: {took:.2f} s, {took / parse_took:.0f}x json.loads, "
        f"{took / shipped_took:.0f}x the shipped content"
    )
    print(f"peak memory while validating (tracemalloc): {peak:.0f} MB, {peak * 1e6 / len(text):.0f}x the deck's size")
    print(f"`negotiate validate` with the big deck, as a command: {command_took:.2f} s, {command_out}")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 10)
