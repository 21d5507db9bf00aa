"""`negotiate handouts --scenario S [--codes CLASS.json --server URL [--web URL]] --html OUT`: the
printable handouts of a scenario, with a class's join codes when given."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from negotiate.content import Content

# The parser is built on every `negotiate` command: what makes the handouts (jinja2, segno, the
# engine) is imported only when they are made.


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `handouts` to the `negotiate` command's parser."""
    parser: Any = sub.add_parser(
        "handouts",
        help="printable handouts: a brief for each seat, the facilitator's run sheet, a class's join codes",
    )
    parser.add_argument("--scenario", help="scenario id (default: the default scenario)")
    parser.add_argument(
        "--codes",
        type=Path,
        metavar="CLASS.json",
        help="a class's join codes: the JSON printed by `negotiate class new --json` (needs --server)",
    )
    parser.add_argument("--server", metavar="URL", help="with --codes: the server's address the students join")
    parser.add_argument("--web", metavar="URL", help="with --codes: the server's browser address, if it serves one")
    parser.add_argument("--html", type=Path, required=True, metavar="OUT", help="the HTML file to write")
    return parser  # type: ignore[no-any-return]


def cmd_handouts(args: argparse.Namespace, content: Content) -> int:
    """Write the handouts; a clear message and 1 on bad input."""
    from negotiate.handouts.brief import HandoutsError

    try:
        html = make(args, content)
    except HandoutsError as exc:
        print(f"negotiate: {exc}", file=sys.stderr)
        return 1
    write(args.html, html)
    print(f"handouts written: {args.html}")
    return 0


def make(args: argparse.Namespace, content: Content) -> str:
    """The handouts' HTML for the command's arguments (HandoutsError on bad input)."""
    from negotiate.handouts.brief import ClassCodes, HandoutsError, handouts, read_codes
    from negotiate.handouts.render import render

    scenario_id = args.scenario or content.scenario().id
    if scenario_id not in content.scenarios:
        known = ", ".join(sorted(content.scenarios))
        raise HandoutsError(f"no scenario {scenario_id!r} (the scenarios are: {known})")
    codes: ClassCodes | None = None
    if args.codes is not None:
        if not args.server:
            raise HandoutsError(f"{args.codes}: --codes needs --server URL, the address the students join")
        try:
            text = Path(args.codes).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise HandoutsError(f"{args.codes}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
        codes = read_codes(str(args.codes), text, content.scenarios[scenario_id])
    elif args.server or args.web:
        raise HandoutsError("--server and --web go with --codes CLASS.json (the class's join codes)")
    return render(handouts(content, scenario_id), codes, args.server or "", args.web)


def write(path: Path, html: str) -> None:
    """Write atomically (a tmp file, then replace), readable by its owner only (mkstemp's 0600), as the
    class sheet is: with --codes, the join codes in it let anyone take a seat."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(html)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
