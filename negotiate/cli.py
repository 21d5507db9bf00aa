"""The command line: parse, call the package, print. No game logic lives here."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path

from negotiate.content import Content, ContentError, Problem, load_content

SCHEMA_KINDS = {
    "seat": "SeatType",
    "scenario": "Scenario",
    "shock-deck": "ShockDeck",
    "trend-deck": "TrendDeck",
    "agenda-deck": "AgendaDeck",
    "term-catalogue": "TermCatalogue",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `negotiate` command."""
    parser = _parser()
    args = parser.parse_args(argv)
    command = args.command or "play"
    try:
        return COMMANDS[command](args)
    except ContentError as exc:
        print(f"negotiate: the content has {len(exc.problems)} problem(s):", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"negotiate: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="negotiate",
        description="Negotiate migration deals while shocks strike: a game to rehearse crisis cooperation.",
    )
    parser.add_argument(
        "--content",
        metavar="DIR",
        type=Path,
        help="a content folder with decks/ and rules/ (default: the shipped game)",
    )
    # bare `negotiate` opens the start screen of the terminal game
    parser.set_defaults(
        scenario=None, seed=None, save=None, bots="default", seat=None, rounds=None, headless=False, pin=None
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser(
        "play",
        help="play in the terminal: --seat starts a game at once (solo against bots, or hot-seat with several)",
    )
    play.add_argument("--scenario", help="scenario id (default: the default scenario)")
    play.add_argument(
        "--seat",
        action="append",
        metavar="NAME",
        help="the seat you play (id or name); give it again for each person at one keyboard",
    )
    play.add_argument("--seed", type=whole, default=None, help="seed, 0 or more (default: from the clock)")
    play.add_argument("--rounds", type=at_least_one, default=None, help="play only the scenario's first N rounds")
    play.add_argument(
        "--bots",
        default="default",
        metavar="LINEUP",
        help="the bots in the other seats: default, random, or SEAT=PERSONALITY[:LEVEL],...",
    )
    play.add_argument("--pin", metavar="PIN", help="lock the facilitator's menu (pause, undo, shocks...) with this PIN")
    play.add_argument("--headless", action="store_true", help="bots in every seat, no screen: print the story")
    play.add_argument("--save", type=Path, metavar="FILE", help="with --headless: save the game to FILE")

    validate = sub.add_parser("validate", help="check a content folder and list every problem")
    validate.add_argument("dir", nargs="?", type=Path, help="content folder (default: the shipped game)")
    validate.add_argument("--json", action="store_true", help="print counts by kind as JSON")

    schema = sub.add_parser("schema", help="write a JSON Schema per content file kind")
    schema.add_argument("--out", type=Path, required=True, metavar="DIR")

    sub.add_parser("scenarios", help="list the scenarios")

    simulate = sub.add_parser("simulate", help="play many headless games with bots and report")
    simulate.add_argument("--scenario", help="scenario id (default: the default scenario)")
    simulate.add_argument("--games", type=at_least_one, default=100)
    simulate.add_argument(
        "--seed", type=whole, default=1, help="seed of the first game, 0 or more; the next games count up"
    )
    simulate.add_argument(
        "--bots",
        default="default",
        metavar="LINEUP",
        help="default (the scenario's bots), random, or SEAT=PERSONALITY[:LEVEL],... (other seats keep their default)",
    )
    spread = simulate.add_mutually_exclusive_group()
    spread.add_argument("--jobs", type=at_least_one, default=1, metavar="N", help="processes to play in (default: 1)")
    spread.add_argument(
        "--dask",
        type=scheduler_address,
        metavar="ADDRESS",
        help="play on the Dask cluster whose scheduler is at ADDRESS (tcp://host:port; needs the dask extra)",
    )
    simulate.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="FILE",
        help="print the report as JSON, or write it to FILE (then the text report is printed too)",
    )
    simulate.add_argument("--save", type=Path, metavar="FILE", help="save the first game to FILE")

    replay = sub.add_parser("replay", help="rebuild a saved game, verify it and print its digest")
    replay.add_argument("file", type=Path)

    sub.add_parser("diagram", help="print the round's state machine as a mermaid diagram")

    from negotiate.net.commands import add_parsers

    add_parsers(sub, whole, at_least_one)

    from negotiate.debrief.command import add_parser as add_debrief
    from negotiate.handouts.command import add_parser as add_handouts

    add_debrief(sub)
    add_handouts(sub)
    return parser


def whole(text: str) -> int:
    """A whole number, 0 or more (for argparse)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, not {value}")
    return value


def at_least_one(text: str) -> int:
    """A whole number, 1 or more (for argparse)."""
    value = whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, not {value}")
    return value


def scheduler_address(text: str) -> str:
    """A Dask scheduler's address, PROTOCOL://HOST:PORT (for argparse)."""
    from negotiate.sim.cluster import check_address

    try:
        return check_address(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _content(args: argparse.Namespace) -> Content:
    return load_content(args.content)


def cmd_play(args: argparse.Namespace) -> int:
    """The terminal game: the start screen, or a game at once with --seat (solo against bots;
    hot-seat with several); --headless plays bots in every seat and prints the story."""
    from negotiate.bots import LineupError, parse_lineup
    from negotiate.engine.table import Table

    content = _content(args)
    if not args.headless and not args.seat:
        return _run_app(content, None)
    seed = args.seed if args.seed is not None else time.time_ns() % 1_000_000
    try:
        scenario = content.scenario(args.scenario)
        table = Table(content, scenario)
        lineup = parse_lineup(args.bots, table)
        people = [_seat_named(table, name) for name in args.seat or []]
    except (KeyError, LineupError) as exc:
        print(f"negotiate: {exc.args[0]}", file=sys.stderr)
        return 2
    years = len(scenario.years)
    if args.rounds is not None and args.rounds > years:
        print(
            f"negotiate: --rounds: rounds must be from 1 to {years} for {scenario.id}, not {args.rounds}",
            file=sys.stderr,
        )
        return 2
    if args.headless:
        return _headless(content, scenario.id, seed, lineup, args.save, args.rounds)
    from negotiate.tui.saves import new_game_path
    from negotiate.tui.session import Session

    seating = {seat: None if seat in people else spec for seat, spec in lineup.items()}
    people = [seat for seat in table.order if seat in people]
    autosave = new_game_path(table, people)
    session = Session.new(content, scenario.id, seed, seating, args.rounds, autosave, args.pin or None)
    return _run_app(content, session)


def _seat_named(table: object, name: str) -> str:
    """A seat by id or display name, any case; KeyError lists the seats."""
    seats = table.seats  # type: ignore[attr-defined]
    for seat_id, seat in seats.items():
        if name.lower() in (seat_id.lower(), seat.name.lower()):
            return seat_id
    raise KeyError(f"no seat {name!r} in this scenario (expected one of {', '.join(seats)})")


def _run_app(content: Content, session: object) -> int:
    from negotiate.tui.app import NegotiateApp

    NegotiateApp(content, session).run()  # type: ignore[arg-type]
    return 0


def _headless(
    content: Content, scenario_id: str, seed: int, lineup: dict, save: Path | None, rounds: int | None
) -> int:
    from negotiate.engine import write_save
    from negotiate.sim import play_game

    scenario = content.scenario(scenario_id)
    game = play_game(content, scenario.id, seed, lineup, rounds)
    print(f"{scenario.name}: a headless game with bots in every seat (seed {seed})\n")
    for seat, spec in lineup.items():
        print(f"  {game.table.name(seat):<30} {spec}")
    print()
    for event in game.events_for(None):
        if event.kind in ("trend", "shock") or (event.kind == "deal" and "into force" in event.text):
            print(f"  {game.table.year(event.round)}  {event.text}")
    ending = [e.text for e in game.events if e.kind == "end"][0]
    print(f"\n{ending}\n\n{'seat':<24} {'score':>6}  secret agenda")
    for seat in game.table.order:
        agenda = content.agendas[game.state.secrets[seat].agenda].name
        print(f"{game.table.name(seat):<24} {game.state.scores[seat]:>6g}  {agenda}")
    if save:
        write_save(game, save, {seat: str(spec) for seat, spec in lineup.items()})
        print(f"\nSaved to {save}; `negotiate replay {save}` rebuilds it.")
    return 0


def validate_content(folder: Path | None) -> tuple[Content | None, list[Problem]]:
    """What `negotiate validate` checks: a content folder (default: the shipped one), and that
    the bot each scenario seat names can play it. The content, or None and every problem."""
    from negotiate.bots import seat_bot_problem

    try:
        return load_content(folder, seat_check=seat_bot_problem), []
    except ContentError as exc:
        return None, exc.problems


def cmd_validate(args: argparse.Namespace) -> int:
    content, found = validate_content(args.dir or args.content)
    if content is None:
        problems = [str(problem) for problem in found]
        if args.json:
            print(json.dumps({"ok": False, "errors": problems}, indent=2))
        else:
            for problem in problems:
                print(problem)
            print(f"{len(problems)} problem(s) found", file=sys.stderr)
        return 1
    counts = content.counts()
    if args.json:
        print(json.dumps({"ok": True, "counts": counts}, indent=2))
    else:
        print(f"{content.root}: valid; " + ", ".join(f"{n} {kind}" for kind, n in counts.items()))
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from negotiate.content import schema

    args.out.mkdir(parents=True, exist_ok=True)
    for kind, model_name in SCHEMA_KINDS.items():
        model = getattr(schema, model_name)
        path = args.out / f"{kind}.schema.json"
        path.write_text(json.dumps(model.model_json_schema(), indent=2) + "\n", encoding="utf-8")
        print(path)
    print(
        "Point yaml-language-server at a schema with a first line such as:\n"
        f"  # yaml-language-server: $schema={args.out}/seat.schema.json"
    )
    return 0


def cmd_scenarios(args: argparse.Namespace) -> int:
    content = _content(args)
    for scenario in content.scenarios.values():
        mark = " (default)" if scenario.default else ""
        years = f"{scenario.years[0]}-{scenario.years[-1]}"
        print(
            f"{scenario.id:<16} {scenario.name}{mark}: {len(scenario.seats)} seats, {len(scenario.years)} rounds ({years}), about {scenario.minutes} min"
        )
    return 0


@contextmanager
def _progress(total: int, show: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (games done, games/s, time left), or nothing if not shown."""
    if not show:
        yield lambda n: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}"), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("games", total=total, rate="")

        def advance(n: int) -> None:
            elapsed = bar.tasks[0].elapsed or 0.0
            done = bar.tasks[0].completed + n
            bar.update(task, advance=n, rate=f"{done / elapsed:.1f} games/s" if elapsed else "")

        yield advance


@contextmanager
def _executor(address: str | None) -> Iterator[tuple[Executor | None, int]]:
    """The executor of the Dask cluster at `address` and how many games it plays at once, or
    (None, 0) to play here."""
    if address is None:
        yield None, 0
        return
    from negotiate.sim.cluster import dask_executor

    with dask_executor(address) as cluster:
        yield cluster


def cmd_simulate(args: argparse.Namespace) -> int:
    from negotiate.bots import LineupError, parse_lineup
    from negotiate.engine import write_save
    from negotiate.engine.table import Table
    from negotiate.sim import format_report, play_game, simulate
    from negotiate.sim.cluster import ClusterError

    content = _content(args)
    try:
        scenario = content.scenario(args.scenario)
        lineup = parse_lineup(args.bots, Table(content, scenario))
    except (KeyError, LineupError) as exc:
        print(f"negotiate: {exc.args[0]}", file=sys.stderr)
        return 2
    if args.save:
        seating = {seat: str(spec) for seat, spec in lineup.items()}
        write_save(play_game(content, scenario.id, args.seed, lineup), args.save, seating)
    show = args.json != "-" and sys.stderr.isatty()
    started = time.perf_counter()
    try:
        with _executor(args.dask) as (executor, jobs), _progress(args.games, show) as advance:
            jobs = jobs if executor else args.jobs
            report = simulate(content, scenario.id, args.games, args.seed, args.bots, jobs, advance, executor)
    except ClusterError as exc:
        print(f"negotiate: {exc}", file=sys.stderr)
        return 1
    took = time.perf_counter() - started
    summary = report.summary()
    if args.json == "-":
        print(json.dumps(summary, indent=2))
    else:
        if args.json:
            Path(args.json).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
            print(f"report written to {args.json}", file=sys.stderr)
        print(format_report(summary))
    print(f"{report.games} games in {took:.1f} s ({report.games / took:.1f} games/s)", file=sys.stderr)
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from negotiate.engine import SaveError, digest, read_save

    content = _content(args)
    try:
        game = read_save(content, args.file)
    except SaveError as exc:
        print(f"negotiate: {exc}", file=sys.stderr)
        return 1
    state = game.state
    print(f"{args.file}: {len(game.log)} actions replayed and verified")
    print(f"scenario {state.scenario}, seed {state.seed}, {game.table.year(state.round)}, phase {state.phase}")
    if game.table.content.digest != content.digest:
        print(f"played with the content saved in it ({content.root} has changed since)")
    print(f"digest {digest(game)}")
    return 0


def cmd_diagram(args: argparse.Namespace) -> int:
    from negotiate.engine import mermaid

    print(mermaid())
    return 0


COMMANDS = {
    "play": cmd_play,
    "validate": cmd_validate,
    "schema": cmd_schema,
    "scenarios": cmd_scenarios,
    "simulate": cmd_simulate,
    "replay": cmd_replay,
    "diagram": cmd_diagram,
    "serve": lambda args: _networked("cmd_serve", args),
    "class": lambda args: _networked("cmd_class", args),
    "join": lambda args: _networked("cmd_join", args),
    "watch": lambda args: _networked("cmd_watch", args),
    "teach": lambda args: _networked("cmd_teach", args),
    "debrief": lambda args: _debrief(args),
    "handouts": lambda args: _handouts(args),
}


def _debrief(args: argparse.Namespace) -> int:
    from negotiate.debrief.command import cmd_debrief

    return cmd_debrief(args, _content(args))


def _handouts(args: argparse.Namespace) -> int:
    from negotiate.handouts.command import cmd_handouts

    return cmd_handouts(args, _content(args))


def _networked(name: str, args: argparse.Namespace) -> int:
    """A command of networked play (see `negotiate.net.commands`), with the content to play."""
    from negotiate.net import commands

    return getattr(commands, name)(args, _content(args))


if __name__ == "__main__":
    raise SystemExit(main())
