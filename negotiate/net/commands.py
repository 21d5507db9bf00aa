"""The command line of networked play: `serve`, `class new|start|status|export`, `join`, and
the facilitator's `teach` and `watch`.
Parse, call the package, print; the rules live in the engine, the tables on the server."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import Any

from negotiate.content import Content
from negotiate.net.facilitator import DEFAULT_URL, JoinError, call, data_folder

STORE_NAME = "server.sqlite3"


def port(text: str) -> int:
    """A TCP port to listen on, 1 to 65533 (the browser seats and console take the next two)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, not {text!r}") from None
    if not 1 <= value <= 65533:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65533, not {value}")
    return value


def add_parsers(sub: argparse._SubParsersAction, whole: Any, at_least_one: Any) -> None:
    """Add the networked commands to the `negotiate` command's parser."""
    serve = sub.add_parser("serve", help="run the table server for classes and workshops")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1; 0.0.0.0 for a room's network)"
    )
    serve.add_argument("--port", type=port, default=8765, help="port (default: 8765)")
    serve.add_argument(
        "--store",
        metavar="PATH|URL",
        help=f"a SQLite file, or postgresql://... (default: {STORE_NAME} in the data folder)",
    )
    serve.add_argument("--web", action="store_true", help="also serve the seats to browsers (on PORT+1)")
    serve.add_argument(
        "--advertise",
        metavar="URL",
        help="with other server processes on one PostgreSQL store: the address they send this one's "
        "seats to (default: http://HOST:PORT)",
    )

    klass = sub.add_parser("class", help="the facilitator's commands: make a class, start it, see it, export it")
    verbs = klass.add_subparsers(dest="verb", metavar="VERB", required=True)
    new = verbs.add_parser("new", help="make a class: tables of one scenario, a join code per seat")
    new.add_argument("--server", default=DEFAULT_URL, metavar="URL", help=f"the server (default: {DEFAULT_URL})")
    new.add_argument("--scenario", help="scenario id (default: the default scenario)")
    new.add_argument("--tables", type=at_least_one, default=1, metavar="N", help="tables (default: 1)")
    new.add_argument("--seed", type=whole, default=None, help="seed of the first table; the next count up")
    new.add_argument(
        "--bots",
        default="default",
        metavar="LINEUP",
        help="the bots that take the seats nobody joins when a table starts: default, random, "
        "SEAT=PERSONALITY[:LEVEL],..., or none (every seat waits for a person)",
    )
    new.add_argument("--rounds", type=at_least_one, default=None, help="play only the scenario's first N rounds")
    new.add_argument("--sheet", type=Path, metavar="FILE", help="the seat cards to print (default: class-ID.html here)")
    new.add_argument("--json", action="store_true", help="print the class as JSON")

    start = verbs.add_parser("start", help="start a class's tables: bots take the seats nobody joined")
    start.add_argument("--server", default=DEFAULT_URL, metavar="URL")
    start.add_argument("id", metavar="CLASS|TABLE", help="a class, or one of its tables (CLASS-N)")

    status = verbs.add_parser("status", help="every table: round, phase, whose turn, devices, digest")
    status.add_argument("--server", default=DEFAULT_URL, metavar="URL")
    status.add_argument("--json", action="store_true")

    export = verbs.add_parser("export", help="write every table of a class as a save file")
    export.add_argument("--server", default=DEFAULT_URL, metavar="URL")
    export.add_argument("klass", metavar="CLASS")
    export.add_argument("dir", type=Path, metavar="DIR")

    teach = sub.add_parser("teach", help="the facilitator's console: every table, its alerts and controls")
    teach.add_argument("url", nargs="?", default=None, metavar="URL", help=f"the server (default: {DEFAULT_URL})")
    teach.add_argument(
        "--ask-token", action="store_true", help="ask for the facilitator's token on screen (as in a browser)"
    )

    watch = sub.add_parser("watch", help="the room's screen: one table's public view (the facilitator's token)")
    watch.add_argument("url", nargs="?", default=None, metavar="URL", help=f"the server (default: {DEFAULT_URL})")
    watch.add_argument(
        "table",
        metavar="TABLE|CLASS",
        help="a table, as `class status` names it (CLASS-N), or a class: every table side by side",
    )

    join = sub.add_parser("join", help="play a seat at a table on a server, with its join code")
    join.add_argument("url", nargs="?", default=None, metavar="URL", help=f"the server (default: {DEFAULT_URL})")
    join.add_argument("code", nargs="?", default=None, metavar="CODE", help="the seat's join code (asked if not given)")
    join.add_argument("--bot", metavar="PERSONALITY[:LEVEL]", help="play the seat with a bot, headless")


def cmd_serve(args: argparse.Namespace, content: Content) -> int:
    from negotiate.net.server import run
    from negotiate.net.store import open_store

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("transitions").setLevel(logging.WARNING)  # the round machine's every step is not news
    where = args.store or str(data_folder() / STORE_NAME)
    store = open_store(where)
    web_port = args.port + 1 if args.web else None
    try:
        asyncio.run(
            run(args.host, args.port, store, content, lambda text: print(text, flush=True), web_port, args.advertise)
        )
    except OSError as exc:
        print(f"negotiate: cannot serve at {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def cmd_class(args: argparse.Namespace, content: Content) -> int:
    try:
        return VERBS[args.verb](args, content)
    except JoinError as exc:
        print(f"negotiate: {exc}", file=sys.stderr)
        return 1


def _new(args: argparse.Namespace, content: Content) -> int:
    from negotiate.net.sheet import SeatCard, write_sheet

    body = {
        "scenario": args.scenario,
        "tables": args.tables,
        "seed": args.seed,
        "bots": args.bots,
        "rounds": args.rounds,
    }
    made = call(args.server, "POST", "/api/classes", body)
    cards = [
        SeatCard(t["number"], t["table"], seat, made["seats"][seat]["name"], made["seats"][seat]["role"], code)
        for t in made["tables"]
        for seat, code in t["seats"].items()
    ]
    sheet = args.sheet or Path(f"class-{made['class']}.html")
    url = made.get("url") or args.server  # where students reach it, which may not be where this command did
    write_sheet(sheet, made["class"], made["title"], url, cards, made.get("web"))
    if args.json:
        print(
            json.dumps(
                {"class": made["class"], "tables": [{"table": t["table"], "seats": t["seats"]} for t in made["tables"]]}
            )
        )
        return 0
    print(f"class {made['class']}: {len(made['tables'])} table(s) of {made['title']}")
    for t in made["tables"]:
        print(f"\ntable {t['number']} ({t['table']})")
        for seat, code in t["seats"].items():
            print(f"  {made['seats'][seat]['name']:<34} {code}")
    print(f"\nseat cards to print: {sheet}")
    print(
        f"students join with: negotiate join {url} CODE"
        + (f"  (or in a browser: {made['web']})" if made.get("web") else "")
    )
    print(f"when they have joined: negotiate class start {made['class']}  (bots take the empty seats)")
    return 0


def _start(args: argparse.Namespace, _: Content) -> int:
    chosen = {"table": args.id} if "-" in args.id else {"class": args.id}
    started = call(args.server, "POST", "/api/start", chosen)["started"]
    print(f"started {len(started)} table(s): {', '.join(started)}" if started else "no table to start")
    return 0


def _status(args: argparse.Namespace, _: Content) -> int:
    tables = call(args.server, "GET", "/api/status")["tables"]
    if args.json:
        print(json.dumps({"tables": tables}))
        return 0
    if not tables:
        print("no tables yet: negotiate class new --scenario S --tables N")
    for t in tables:
        state = (
            "finished"
            if t["finished"]
            else f"{t['year']} {t['phase']}" + ("" if t["started"] else " (waiting to start)")
        )
        waiting = [s for s, who in t["seating"].items() if who == "waiting"]
        print(f"{t['table']:<10} {t['scenario']:<14} {state:<28} turn: {t['turn'] or '-':<12} digest {t['digest']}")
        print(
            f"{'':<10} connected: {', '.join(t['connected']) or 'nobody'}"
            + (f"; waiting for: {', '.join(waiting)}" if waiting else "")
        )
    return 0


def _export(args: argparse.Namespace, _: Content) -> int:
    tables = call(args.server, "GET", f"/api/classes/{args.klass}/export")["tables"]
    args.dir.mkdir(parents=True, exist_ok=True)
    for t in tables:
        path = args.dir / f"{t['table']}.json"
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(t["save"], indent=1), encoding="utf-8")
        tmp.replace(path)
        print(path)
    return 0


VERBS = {"new": _new, "start": _start, "status": _status, "export": _export}


def cmd_join(args: argparse.Namespace, content: Content) -> int:
    url = args.url or DEFAULT_URL
    if args.url and args.code is None and not args.url.startswith(("http://", "https://")):
        url, args.code = DEFAULT_URL, args.url  # `negotiate join CODE`
    if args.bot:
        from negotiate.net.client import play_bot

        if not args.code:
            print("negotiate: join --bot needs a join code", file=sys.stderr)
            return 2
        try:
            seen = asyncio.run(play_bot(url, args.code, args.bot, content))
        except JoinError as exc:
            print(f"negotiate: {exc}", file=sys.stderr)
            return 1
        print(f"{seen.view.seat}: the game is over; scores {json.dumps(seen.view.scores)}")
        return 0
    from negotiate.tui.remote import join_app

    return join_app(content, url, args.code)


def cmd_teach(args: argparse.Namespace, content: Content) -> int:
    from negotiate.net.facilitator import read_token
    from negotiate.tui.console import teach_app

    if args.ask_token:
        return teach_app(content, args.url or DEFAULT_URL, None)
    try:
        token = read_token()
    except JoinError as exc:
        print(f"negotiate: {exc}", file=sys.stderr)
        return 1
    return teach_app(content, args.url or DEFAULT_URL, token)


def cmd_watch(args: argparse.Namespace, content: Content) -> int:
    from negotiate.net.facilitator import read_token
    from negotiate.tui.projector import watch_app

    try:
        token = read_token()
    except JoinError as exc:
        print(f"negotiate: {exc}", file=sys.stderr)
        return 1
    return watch_app(content, args.url or DEFAULT_URL, args.table, token)
