"""`negotiate debrief SAVE... [--html OUT] [--md OUT]`: the debrief of a game or a class."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from negotiate.content import Content


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the debrief command to the `negotiate` command's parser."""
    debrief = sub.add_parser(
        "debrief",
        help="the debrief of a saved game, or of a class (several saves): HTML to print, Markdown for a course",
    )
    debrief.add_argument("saves", nargs="+", type=Path, metavar="SAVE", help="a save file (several: a class)")
    debrief.add_argument("--html", type=Path, metavar="OUT", help="write one self-contained HTML file")
    debrief.add_argument("--md", type=Path, metavar="OUT", help="write Markdown (without --html or --md: to stdout)")


def cmd_debrief(args: argparse.Namespace, content: Content) -> int:
    from negotiate.debrief.render import build, html, markdown
    from negotiate.engine.save import SaveError, from_save, read_data

    debriefs = []
    for path in args.saves:
        try:
            data = read_data(path)
            game = from_save(content, data, str(path))
        except SaveError as exc:
            print(f"negotiate: {exc}", file=sys.stderr)
            return 1
        seating = data.get("seating") or {}
        debriefs.append(build(game, seating if isinstance(seating, dict) else {}, path.stem))
    try:
        if args.html:
            args.html.write_text(html(debriefs), encoding="utf-8")
            print(f"debrief written to {args.html}", file=sys.stderr)
        if args.md:
            args.md.write_text(markdown(debriefs), encoding="utf-8")
            print(f"debrief written to {args.md}", file=sys.stderr)
    except OSError as exc:
        print(f"negotiate: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    if not args.html and not args.md:
        sys.stdout.write(markdown(debriefs))
    return 0
