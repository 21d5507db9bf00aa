"""Nothing acknowledged is lost: a real `negotiate serve` process, killed with SIGKILL at random
moments while a class plays (bots on the server, client bots on `SeatLink`s in this process), and
started again on the same store each time.

After each kill the store holds every action any client got an ack for, at the sequence number of
that ack, and no client ever saw a sequence number the store does not hold. The clients reconnect
by themselves and the class plays to its end; `negotiate class export` writes each table, and
`negotiate replay` verifies each file, to the digest the server reports. The same class played
without kills ends with the same digests: a kill changes nothing in the games."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from negotiate.content import Content
from negotiate.engine.actions import parse_action
from negotiate.net import client as client_module
from negotiate.net.client import SeatLink, play_bot
from negotiate.net.protocol import Ack, Snapshot
from tests.net_helpers import TOKEN, free_port, serving

SEED = 11
CLIENTS = {0: ("aldermark", "corvessa"), 1: ("zanoka",)}
"""The seats played by client bots, by table (index); the server's bots play the others."""


class Recording(SeatLink):
    """A seat's link that keeps what it was told: every ack (with the action) and the highest
    sequence number it saw."""

    links: list[Recording] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.acked: list[tuple[int, dict[str, Any]]] = []
        self.highest = 0
        self.snapshots = 0
        Recording.links.append(self)

    async def act(self, action):  # type: ignore[no-untyped-def]
        answer = await super().act(action)
        if isinstance(answer, Ack):
            self.acked.append((answer.seq, action.model_dump(mode="json")))
        return answer

    def _take(self, message) -> None:  # type: ignore[no-untyped-def]
        super()._take(message)
        self.snapshots += isinstance(message, Snapshot)
        seq = getattr(message, "seq", None)
        if seq is not None and not isinstance(message, Ack):
            self.highest = max(self.highest, seq)


class Process:
    """`negotiate serve` in a process of its own, on a fixed port and store."""

    def __init__(self, folder: Path, port: int, env: dict[str, str]):
        self.folder, self.port, self.env = folder, port, env
        self.url = f"http://127.0.0.1:{port}"
        self.store = folder / "class.sqlite3"
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    async def start(self) -> None:
        self.starts += 1
        log = open(self.folder / f"serve-{self.starts}.log", "w")  # noqa: SIM115 (the process keeps it)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "negotiate", "serve", "--port", str(self.port), "--store", str(self.store)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        async with aiohttp.ClientSession() as http:
            for _ in range(400):
                assert self.proc.poll() is None, (self.folder / f"serve-{self.starts}.log").read_text()
                try:
                    async with http.get(self.url + "/") as response:
                        if response.status == 200:
                            return
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.025)
        raise AssertionError("the server did not start in 10 s")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    async def api(self, method: str, path: str, body: Any = None) -> Any:
        async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
            async with http.request(method, self.url + path, json=body) as response:
                assert response.status == 200, await response.text()
                return await response.json()


def logged(store: Path) -> dict[str, list[dict[str, Any]]]:
    """Each table's actions in the store, read by a connection of our own."""
    db = sqlite3.connect(store)
    try:
        rows = db.execute("SELECT table_id, seq, action FROM events ORDER BY table_id, seq").fetchall()
    finally:
        db.close()
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, seq, action in rows:
        tables.setdefault(table, []).append(json.loads(action))
        assert len(tables[table]) == seq, f"{table}: a gap before {seq}"
    return tables


def same(action: dict[str, Any]) -> dict[str, Any]:
    return parse_action(action).model_dump(mode="json")


def check_nothing_lost(store: Path, tables: list[str], links: dict[str, list[Recording]]) -> None:
    """Every ack any client got is in the store at its sequence number; nobody saw beyond it."""
    stored = logged(store)
    for table in tables:
        actions = stored.get(table, [])
        for link in links[table]:
            assert link.highest <= len(actions), (
                f"{table}: a client saw seq {link.highest}; the store holds {len(actions)}"
            )
            for seq, action in link.acked:
                assert seq <= len(actions), f"{table}: the ack of seq {seq} is lost (the store holds {len(actions)})"
                assert same(actions[seq - 1]) == same(action), f"{table}: seq {seq} is another action than was acked"


async def play_class(
    url: str, made: dict[str, Any], content: Content, start: Callable[[], Awaitable[Any]]
) -> tuple[dict[str, list[Recording]], asyncio.Future[list[Any]]]:
    """Client bots join their seats, the facilitator starts the class, and they play to the end
    in the background: returns their links (by table) and the future of their games."""
    Recording.links = []
    tasks = []
    for index, seats in CLIENTS.items():
        for seat in seats:
            code = made["tables"][index]["seats"][seat]
            tasks.append(asyncio.create_task(play_bot(url, code, "pragmatist", content)))
    while len(Recording.links) < sum(len(s) for s in CLIENTS.values()) or not all(
        link.snapshot for link in Recording.links
    ):
        await asyncio.sleep(0.01)
    links: dict[str, list[Recording]] = {}
    for link in Recording.links:
        links.setdefault(link.snapshot.table, []).append(link)  # type: ignore[union-attr]
    await start()
    return links, asyncio.gather(*tasks)


async def test_a_server_killed_at_random_moments_resumes_every_table_at_its_last_ack(
    tmp_path, content, monkeypatch, capsys
):
    from negotiate.cli import main

    monkeypatch.setattr(client_module, "SeatLink", Recording)
    monkeypatch.setattr(client_module, "BACKOFF", (0.05, 0.1, 0.2, 0.4))
    env = {**os.environ, "NEGOTIATE_DATA": str(tmp_path / "data"), "NEGOTIATE_TOKEN": TOKEN}
    monkeypatch.setenv("NEGOTIATE_TOKEN", TOKEN)
    server = Process(tmp_path, free_port(), env)
    await server.start()
    try:
        body = {"scenario": "classroom", "tables": 2, "seed": SEED}
        made = await server.api("POST", "/api/classes", body)
        tables = [t["table"] for t in made["tables"]]
        links, playing = await play_class(
            server.url, made, content, lambda: server.api("POST", "/api/start", {"class": made["class"]})
        )

        rng = random.Random(SEED)
        kills = [rng.randrange(2, 14), rng.randrange(16, 28), rng.randrange(30, 42)]  # early, midway, late
        killed_at: list[int] = []
        for at in kills:
            # past this point, and past the last kill: the clients are back, and the table went on
            while max(link.highest for link in links[tables[0]]) < max([at, *[k + 1 for k in killed_at]]):
                assert not playing.done(), f"the game ended before the kill at {at} (kills at {killed_at})"
                await asyncio.sleep(0.002)
            await asyncio.sleep(rng.uniform(0, 0.02))
            server.kill()
            stored = logged(server.store)
            killed_at.append(len(stored.get(tables[0], [])))
            check_nothing_lost(server.store, tables, links)
            await server.start()
            acked = {t: max([0, *(seq for link in ls for seq, _ in link.acked)]) for t, ls in links.items()}
            exported = (await server.api("GET", f"/api/classes/{made['class']}/export"))["tables"]
            for table in exported:  # the server is back where the store was, or (its bots playing) further
                actions, before = table["save"]["actions"], stored.get(table["table"], [])
                assert [same(a) for a in actions[: len(before)]] == [same(a) for a in before]
                assert acked[table["table"]] <= len(actions)  # the acks taken before the export was asked
        await asyncio.wait_for(playing, 60)
        assert sum(len(link.acked) for ls in links.values() for link in ls) > 20

        status = {t["table"]: t for t in (await server.api("GET", "/api/status"))["tables"]}
        for table in tables:
            while not status[table]["finished"]:  # the server's bots play the last moves
                await asyncio.sleep(0.05)
                status = {t["table"]: t for t in (await server.api("GET", "/api/status"))["tables"]}
        check_nothing_lost(server.store, tables, links)
        final = len(logged(server.store)[tables[0]])
        assert all(0 < seq < final for seq in killed_at), f"a kill at {killed_at} was not mid-game (of {final})"
        for link in links[tables[0]]:
            assert link.snapshots >= 2, "the client came back by itself"
        assert sum(link.snapshots for link in links[tables[0]]) >= len(kills) + 2

        # `negotiate class export` and `negotiate replay`, run here (no process to start)
        out = tmp_path / "out"
        code = await asyncio.to_thread(main, ["class", "export", "--server", server.url, made["class"], str(out)])
        assert code == 0, capsys.readouterr().err
        assert capsys.readouterr().out.split() == [str(out / f"{table}.json") for table in tables]
        for table in tables:
            assert await asyncio.to_thread(main, ["replay", str(out / f"{table}.json")]) == 0
            said = capsys.readouterr().out
            assert "actions replayed and verified" in said and f"digest {status[table]['digest']}" in said, said
    finally:
        if server.proc is not None and server.proc.poll() is None:
            server.kill()

    # the same class, never killed, ends the same
    async with serving(tmp_path / "uninterrupted", content) as run:
        again = await run.new_class("classroom", tables=2, rounds=None, seed=SEED)
        _, finished = await play_class(run.url, again, content, lambda: run.ok("POST", "/api/start", {}))
        await asyncio.wait_for(finished, 60)
        for table, new in zip(tables, again["tables"]):
            host = await run.settled(new["table"])
            assert host.game.is_over
            assert host.digest() == status[table]["digest"], f"{table}: the kills changed the game"


@pytest.fixture(autouse=True)
def _no_leftover_links():
    yield
    Recording.links = []
