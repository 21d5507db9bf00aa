"""A class on one machine: a table server (its own process) and a class of tables played to the
end on loopback by `negotiate join URL CODE --bot` clients, one process per seat, 40 in all.
Prints the time from an action's send to its update arriving at every seat of its table (p50,
p99), actions per second over all tables, the server's memory per table, the errors (clients'
nonzero exits, refused actions, the server's warnings) and whether every table's export replays
(`negotiate replay`) to the digest `negotiate class status` reports; and, to read the latency by,
how busy the machine's cores were during play and the server's share. Asserts nothing.

The issue asks for 8 tables of 5 seats; no shipped scenario has 5 seats (classroom 4, crisis-2015
6, compact-2030 8). The default is the nearest class of 40 clients: 10 tables of classroom, the
scenario made for classes. `python benchmarks/bench_class.py compact-2030 5` runs 5 tables of 8.

The latency needs the clients' clocks: with NEGOTIATE_TIMING set to a folder, each seat's link
writes FOLDER/TABLE-SEAT.jsonl, one line per event (`send` with the action's id, `ack`, `reject`,
`update` with its sequence number; `t`: time.time_ns(), comparable across processes on one
machine). An action's latency is the latest first arrival, over the table's seats, of an update
carrying its sequence number, less its send. Clients without that hook leave the latency out.

Each client process starts held: it loads Python and negotiate, says it is ready, and waits. When
all are ready they are let go at once, so the figures are of the class at play, not of 40
interpreters starting on a small machine (a table starts when all its seats have joined). Each seat's bot is the scenario's default for it. The store, token, seat cards,
exports and logs go to a temporary folder, deleted at the end; every process started is ended,
on Ctrl+C too.
Run: python benchmarks/bench_class.py [SCENARIO [TABLES]]"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import timeit
from collections import Counter
from pathlib import Path
from typing import Any

from negotiate.bots import default_lineup
from negotiate.content import load_content
from negotiate.engine import Game
from negotiate.net.facilitator import JoinError, call

SCENARIO, CLIENTS, SEED = "classroom", 40, 1
TARGET_P99_MS = 100.0
STARTUP = 60.0
"""Seconds the server, and then each wave of clients, has to be up and joined."""
PLAY = 900.0
"""Seconds the class has to play to the end."""
SHOWN = 8
"""Problem lines shown of each kind."""


def machine_reference() -> float:
    """Seconds for `sum(range(1000))`, as `python -m timeit` times it (and bench_peers.py)."""
    return timeit.timeit("sum(range(1000))", number=10_000) / 10_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def memory_kb(pid: int) -> dict[str, int]:
    """The process's VmRSS and VmHWM (its peak), in kB, from /proc."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


def cpu_seconds(pid: int | None = None) -> float:
    """CPU seconds used: by the process (user and system), or with no pid by the whole machine
    (every core's time but idle and iowait), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    if pid is not None:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick
    times = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(times) - times[3] - times[4]) / tick


def negotiate(*args: str) -> list[str]:
    return [sys.executable, "-m", "negotiate", *args]


HELD = (
    "import sys, negotiate.cli, negotiate.net.client, negotiate.bots; print('ready', flush=True); "
    "sys.stdin.readline(); raise SystemExit(negotiate.cli.main(sys.argv[1:]))"
)
"""A client that loads negotiate, says it is ready, then waits for a line before it runs."""


def held(*args: str) -> list[str]:
    return [sys.executable, "-c", HELD, *args]


class Processes:
    """Every process this benchmark starts, each with its output in a file; `end` ends them all."""

    def __init__(self, folder: Path, env: dict[str, str]):
        self.folder, self.env = folder, env
        self.started: list[tuple[str, subprocess.Popen[bytes]]] = []

    def start(self, name: str, command: list[str], held: bool = False) -> subprocess.Popen[bytes]:
        """Start a command; `held`: it waits for a line on its standard input (see `HELD`)."""
        stdin = subprocess.PIPE if held else subprocess.DEVNULL
        with (self.folder / f"{name}.out").open("wb") as out, (self.folder / f"{name}.err").open("wb") as err:
            process = subprocess.Popen(command, stdout=out, stderr=err, env=self.env, stdin=stdin)
        self.started.append((name, process))
        return process

    def output(self, name: str, which: str = "err") -> str:
        return (self.folder / f"{name}.{which}").read_text(encoding="utf-8", errors="replace")

    def end(self) -> None:
        running = [p for _, p in self.started if p.poll() is None]
        for process in running:
            process.terminate()
        for process in running:
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def until(what: str, done: Any, within: float) -> None:
    stop = time.monotonic() + within
    while not done():
        if time.monotonic() > stop:
            raise TimeoutError(f"{what}: not within {within:.0f} s")
        time.sleep(0.2)


def connected(url: str, token: str) -> int:
    try:
        return sum(len(t["connected"]) for t in call(url, "GET", "/api/status", token=token)["tables"])
    except JoinError:
        return -1


def read_timing(folder: Path) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Each table's seats' timing events, in the order each seat noted them."""
    tables: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for path in sorted(folder.glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        tables.setdefault(path.stem.rsplit("-", 1)[0], {})[path.stem.rsplit("-", 1)[1]] = [
            json.loads(line) for line in lines if line.strip()
        ]
    return tables


def latencies(
    tables: dict[str, dict[str, list[dict[str, Any]]]], seats: dict[str, list[str]]
) -> tuple[list[float], int]:
    """Seconds from each applied action's send to the last of its table's seats getting an update
    with its sequence number, and how many (action, seat) arrivals were not noted."""
    found: list[float] = []
    missing = 0
    for table, noted in tables.items():
        sends = {e["id"]: e for events in noted.values() for e in events if e["kind"] == "send" and "id" in e}
        applied = [(e["seq"], sends[e["id"]]["t"]) for events in noted.values() for e in events if e["kind"] == "ack"]
        if not applied:  # no acks noted: the last send from each sequence number is the one applied
            last = {e["seq_before"]: e["t"] for events in noted.values() for e in events if e["kind"] == "send"}
            applied = [(before + 1, t) for before, t in last.items() if before is not None]
        updates = {
            seat: [(e["seq"], e["t"]) for e in noted.get(seat, []) if e["kind"] == "update"] for seat in seats[table]
        }
        for seq, sent in applied:
            arrivals = [next((t for s, t in updates[seat] if s >= seq), None) for seat in seats[table]]
            missing += arrivals.count(None)
            known = [t for t in arrivals if t is not None]
            if known:
                found.append((max(known) - sent) / 1e9)
    return found, missing


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def main(scenario: str = SCENARIO, tables: int | None = None) -> None:
    reference = min(machine_reference() for _ in range(5))
    print(f"machine reference: sum(range(1000)) takes {reference * 1e6:.1f} us ({os.cpu_count()} cores)")
    table = Game(load_content(), scenario).table
    lineup = {seat: str(spec) for seat, spec in default_lineup(table).items()}
    tables = tables or max(1, round(CLIENTS / len(table.order)))
    print(
        f"class: {tables} tables of {scenario} ({len(table.order)} seats): {tables * len(table.order)} "
        f"`join --bot` clients, one process each; bots {', '.join(sorted(set(lineup.values())))}"
    )
    with tempfile.TemporaryDirectory(prefix="bench_class-") as temp:
        folder = Path(temp)
        timing = folder / "timing"
        timing.mkdir()
        token = "bench-" + os.urandom(8).hex()
        env = os.environ | {
            "NEGOTIATE_DATA": str(folder),
            "NEGOTIATE_TOKEN": token,
            "NEGOTIATE_TIMING": str(timing),
            "PYTHONUNBUFFERED": "1",
        }
        processes = Processes(folder, env)
        previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            play(scenario, tables, lineup, folder, timing, token, env, processes)
        except KeyboardInterrupt:
            print("interrupted: ending every process started")
        except (TimeoutError, RuntimeError, JoinError, subprocess.SubprocessError) as exc:
            print(f"the class did not run to the end: {exc}")
            for line in processes.output("server").splitlines()[-SHOWN:]:
                print(f"  server: {line}")
        finally:
            processes.end()
            signal.signal(signal.SIGTERM, previous)


def play(
    scenario: str,
    tables: int,
    lineup: dict[str, str],
    folder: Path,
    timing: Path,
    token: str,
    env: dict[str, str],
    processes: Processes,
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = processes.start(
        "server", negotiate("serve", "--port", str(port), "--store", str(folder / "store.sqlite3"))
    )

    def serving() -> bool:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited ({server.returncode}): {processes.output('server')[-500:]}")
        return "table server at" in processes.output("server", "out")

    until("the server to start", serving, STARTUP)
    before = memory_kb(server.pid)

    options = {
        "--scenario": scenario,
        "--tables": tables,
        "--seed": SEED,
        "--bots": "none",
        "--sheet": folder / "sheet.html",
    }
    chosen = [str(x) for pair in options.items() for x in pair]
    made = run(negotiate("class", "new", "--server", url, *chosen, "--json"), env)
    if made.returncode != 0:
        raise RuntimeError(f"class new failed: {made.stderr.strip()}")
    klass = json.loads(made.stdout)
    seats = {t["table"]: list(t["seats"]) for t in klass["tables"]}
    clients: list[tuple[str, subprocess.Popen[bytes]]] = []

    for t in klass["tables"]:
        for seat, code in t["seats"].items():
            name = f"client-{t['table']}-{seat}"
            clients.append((name, processes.start(name, held("join", url, code, "--bot", lineup[seat]), held=True)))
    ready = lambda: all(processes.output(name, "out").startswith("ready") for name, _ in clients)  # noqa: E731
    until(f"{len(clients)} clients to load", ready, STARTUP * 2)
    launched, machine, serving_cpu = time.monotonic(), cpu_seconds(), cpu_seconds(server.pid)
    for _, process in clients:
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        process.stdin.close()
    stop = launched + PLAY
    while any(p.poll() is None for _, p in clients) and time.monotonic() < stop:
        time.sleep(0.2)
    ended, machine, serving_cpu = time.monotonic(), cpu_seconds() - machine, cpu_seconds(server.pid) - serving_cpu
    hung = [name for name, p in clients if p.poll() is None]
    end = memory_kb(server.pid)

    told = run(negotiate("class", "status", "--server", url, "--json"), env)
    if told.returncode != 0:
        raise RuntimeError(f"class status failed: {told.stderr.strip()}")
    status = {t["table"]: t for t in json.loads(told.stdout)["tables"] if t["table"] in seats}
    exported = run(negotiate("class", "export", "--server", url, klass["class"], str(folder / "export")), env)
    replayed: dict[str, tuple[str | None, subprocess.CompletedProcess[str] | None]] = {}
    for table_id in seats:
        save = folder / "export" / f"{table_id}.json"
        answer = run(negotiate("replay", str(save)), env) if save.exists() else None
        said = answer.stdout.split("\ndigest ")[-1].strip() if answer is not None and answer.returncode == 0 else None
        replayed[table_id] = (said, answer)
    actions = sum(
        len(json.loads((folder / "export" / f"{t}.json").read_text())["actions"])
        for t in seats
        if (folder / "export" / f"{t}.json").exists()
    )

    # --- the figures ---------------------------------------------------------------------
    noted = read_timing(timing)
    times, missing = latencies(noted, seats) if noted else ([], 0)
    if times:
        p50, p99 = percentile(times, 50) * 1e3, percentile(times, 99) * 1e3
        print(
            f"latency, send to update at every seat of the table: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
            f"max {max(times) * 1e3:.1f} ms over {len(times)} actions   target p99 < {TARGET_P99_MS:.0f} ms: "
            f"{verdict(p99 < TARGET_P99_MS)}" + (f"  ({missing} arrivals not noted)" if missing else "")
        )
        every = [e for table_events in noted.values() for events in table_events.values() for e in events]
        first_send = min(e["t"] for e in every if e["kind"] == "send")
        window, over = (max(e["t"] for e in every) - first_send) / 1e9, "first action's send to last update"
    else:
        print("latency: not recorded (the clients have no NEGOTIATE_TIMING hook)")
        window, over = ended - launched, "clients released to last client exited"
    print(f"actions: {actions} in {window:.1f} s ({over}): {actions / window:.1f} per second over all tables")
    grown = (end["VmRSS"] - before["VmRSS"]) / tables
    played, cores = ended - launched, os.cpu_count() or 1
    print(
        f"CPU from the clients' release to the last client's exit ({played:.1f} s): the machine's {cores} cores "
        f"{machine / played / cores:.0%} busy; the server {serving_cpu / played:.0%} of a core, "
        f"{serving_cpu / max(actions, 1) * 1e3:.1f} ms per action"
    )
    print(
        f"server memory: VmRSS {before['VmRSS'] / 1024:.1f} MB before the class, {end['VmRSS'] / 1024:.1f} MB at "
        f"the end: {grown / 1024:.2f} MB per table (peak VmHWM {end['VmHWM'] / 1024:.1f} MB)"
    )

    failed = [(name, p.returncode) for name, p in clients if p.returncode not in (0, None)]
    refused: list[str] = []
    other: list[str] = []
    for name, _ in clients:
        for line in processes.output(name).splitlines():
            if line.strip():
                (refused if " refused: " in line else other).append(f"{name}: {line.strip()}")
    server_log = processes.output("server").splitlines()
    warned = [line for line in server_log if " WARNING " in line or " ERROR " in line or "Traceback" in line]
    unfinished = [t for t in seats if not status.get(t, {}).get("finished")]
    errors = len(failed) + len(hung) + len(refused) + len(other) + len(warned) + len(unfinished)
    if exported.returncode != 0:
        errors += 1
    print(
        f"errors: {errors}   target 0: {verdict(errors == 0)}  (client exits nonzero {len(failed)}, "
        f"still running {len(hung)}, refused actions {len(refused)}, other client stderr lines {len(other)}, "
        f"server warnings {len(warned)}, tables unfinished {len(unfinished)}"
        + (f", export failed: {exported.stderr.strip()}" if exported.returncode != 0 else "")
        + ")"
    )
    for name, code in failed[:SHOWN]:
        print(f"  {name} exited {code}: {(processes.output(name).strip().splitlines() or [''])[-1]}")
    for line in (hung + refused + other)[:SHOWN]:
        print(f"  {line}")
    alike = Counter(line.split(" ", 2)[-1] if line[:4].isdigit() else line for line in warned)
    for line, count in alike.most_common(SHOWN):
        print(f"  server, {count} time(s): {line}")
    for table_id in unfinished[:SHOWN]:
        shown = status.get(table_id, {})
        print(f"  {table_id} unfinished: {shown.get('phase')} round {shown.get('round')}, turn {shown.get('turn')}")

    matching = [t for t in seats if replayed[t][0] is not None and replayed[t][0] == status.get(t, {}).get("digest")]
    print(
        f"digests: {len(matching)} of {len(seats)} tables' exports replay to the digest the server reports   "
        f"target all: {verdict(len(matching) == len(seats))}"
    )
    for table_id in seats:
        said, answer = replayed[table_id]
        if table_id not in matching:
            why = (
                "not exported"
                if answer is None
                else f"replay failed: {answer.stderr.strip()}"
                if answer.returncode
                else f"replays to {said}"
            )
            print(f"  {table_id}: server {status.get(table_id, {}).get('digest')}, {why}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else SCENARIO, int(sys.argv[2]) if len(sys.argv) > 2 else None)
