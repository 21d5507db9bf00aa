"""The terminal game as a remote seat, driven by textual's Pilot against a real table server on
loopback (in the test's own event loop, as the app is): joining by typing the code, playing to the
end screen with what the server records, a wrong code, a server nobody runs, and two devices on
one seat that see the same table."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from negotiate.content import Content
from negotiate.engine.actions import Pass
from negotiate.net.client import SeatLink
from negotiate.net.protocol import Ack
from negotiate.net.server import Server
from negotiate.net.store import SqliteStore
from negotiate.tui.app import NegotiateApp
from negotiate.tui.remote import RemoteSession
from tests.net_helpers import TOKEN, Running, free_port, seat_codes

WAIT = 15.0
"""Seconds to wait for the app or the server to get somewhere (a slow 2-core machine)."""
CLASS = {"scenario": "classroom", "tables": 1, "seed": 3, "rounds": 1, "bots": "default"}


@pytest.fixture(autouse=True)
def saves_folder(tmp_path, monkeypatch):
    """Nothing a test does may write to the player's own saves."""
    monkeypatch.setenv("NEGOTIATE_SAVES", str(tmp_path / "saves"))


@asynccontextmanager
async def table_server(folder: Path, content: Content) -> AsyncIterator[tuple[Running, TestServer]]:
    """A real table server on an ephemeral port of 127.0.0.1, in this event loop; the site is
    given too, for a test that stops the server while the app runs."""
    store_path = folder / "s.sqlite3"
    server = Server(SqliteStore(store_path), content, TOKEN)
    site = TestServer(server.app(), host="127.0.0.1", port=0)
    await site.start_server()
    http = aiohttp.ClientSession()
    try:
        yield Running(server, str(site.make_url("")).rstrip("/"), store_path, http), site
    finally:
        await http.close()
        await site.close()


def screen_name(app: NegotiateApp) -> str:
    return type(app.screen).__name__


def screen_text(app: NegotiateApp) -> str:
    """Everything on screen now, as plain text (from the SVG screenshot)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


async def until(pilot: Any, condition: Callable[[], bool], what: str, timeout: float = WAIT) -> None:
    """Let the app run until `condition` holds; fail saying `what` did not happen."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        assert loop.time() < end, f"{what}: not within {timeout} s"
        await pilot.pause(0.02)


def link_of(app: NegotiateApp) -> SeatLink:
    """The seat's link of the app's table screen (or end screen)."""
    session = app.screen.session  # type: ignore[attr-defined]
    assert isinstance(session, RemoteSession)
    return session.link


async def export_actions(run: Running, class_id: str) -> list[dict[str, Any]]:
    save = (await run.ok("GET", f"/api/classes/{class_id}/export"))["tables"][0]["save"]
    return save["actions"]


async def pass_to_the_end(pilot: Any, app: NegotiateApp, link: SeatLink, seat: str) -> int:
    """Press p once on each of the seat's turns, when the screen says it is theirs, until the end
    screen shows; how many times p was pressed."""
    loop = asyncio.get_running_loop()
    end = loop.time() + 2 * WAIT
    pressed_at: set[int | None] = set()  # the sequence numbers p was pressed at: one press a turn
    while screen_name(app) != "EndScreen":
        seen = link.seen
        assert loop.time() < end, f"no end screen; the seat sees seq {link.seq}, {seen.view.phase}, {seen.view.turn}"
        mine = seen.started and seen.view.turn == seat and not seen.view.paused and link.seq not in pressed_at
        if mine and screen_name(app) == "TableScreen" and "Your turn" in screen_text(app):
            pressed_at.add(link.seq)
            await pilot.press("p")
        await pilot.pause(0.02)
    return len(pressed_at)


async def at_table(pilot: Any, app: NegotiateApp, what: str = "the table screen") -> SeatLink:
    """Wait until the table screen is up and drawn; the seat's link it plays through."""
    await until(pilot, lambda: screen_name(app) == "TableScreen" and "Your moves" in screen_text(app), what)
    return link_of(app)


async def type_code(pilot: Any, code: str) -> None:
    await pilot.press(*code)
    await pilot.press("enter")


# --- a whole game ----------------------------------------------------------------------------------


async def test_a_seat_joins_by_typing_its_code_and_passes_to_the_end_screen(tmp_path, content):
    async with table_server(tmp_path, content) as (run, _):
        made = await run.ok("POST", "/api/classes", CLASS)
        table = made["tables"][0]["table"]
        seat, code = next(iter(seat_codes(made).items()))
        app = NegotiateApp(content, join=(run.url, None))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert screen_name(app) == "JoinScreen"
            assert "Join a table" in screen_text(app)
            await type_code(pilot, code)
            link = await at_table(pilot, app, "the table screen after the code")
            try:
                status = await run.status(table)
                assert status["connected"] == [seat] and not status["started"]
                assert status["seating"][seat] == "human"
                assert "waiting for the table to start" in screen_text(app)

                await run.ok("POST", "/api/start", {"class": made["class"]})
                passes = await pass_to_the_end(pilot, app, link, seat)
                assert passes, "the seat never had a turn"
                assert "Aldermark" in screen_text(app)

                status = await run.status(table)
                assert status["finished"] and status["phase"] == "game_over"
                save = (await run.ok("GET", f"/api/classes/{made['class']}/export"))["tables"][0]["save"]
                assert save["digest"] == status["digest"]
                mine_done = [a for a in save["actions"] if a.get("seat") == seat]
                assert mine_done == [{"type": "pass", "seat": seat}] * passes
                assert link.seen.view.phase == "game_over"
            finally:
                await link.close()  # the app closes it too: closing twice is harmless


# --- joining -------------------------------------------------------------------------------------


async def test_a_wrong_code_says_so_on_the_join_screen_and_the_right_one_then_joins(tmp_path, content):
    async with table_server(tmp_path, content) as (run, _):
        made = await run.ok("POST", "/api/classes", CLASS)
        table = made["tables"][0]["table"]
        seat, code = next(iter(seat_codes(made).items()))
        app = NegotiateApp(content, join=(run.url, None))
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await until(pilot, lambda: "type the code on your seat card" in screen_text(app), "asking for a code")

            await type_code(pilot, "ZZZZZ-ZZZZZ")
            await until(pilot, lambda: "no seat has the code" in screen_text(app), "the wrong code's error")
            text = screen_text(app)
            assert "'ZZZZZ-ZZZZZ'" in text and "check it with your teacher" in text
            assert screen_name(app) == "JoinScreen"
            assert (await run.status(table))["connected"] == []

            for _ in "ZZZZZ-ZZZZZ":
                await pilot.press("backspace")
            await type_code(pilot, code.lower())  # codes are read forgivingly
            link = await at_table(pilot, app, "the table screen after the right code")
            try:
                assert (await run.status(table))["connected"] == [seat]
            finally:
                await link.close()


async def test_a_server_nobody_runs_is_named_on_the_join_screen(content):
    url = f"http://127.0.0.1:{free_port()}"
    app = NegotiateApp(content, join=(url, "ABCDE-FGHJK"))  # the code given: it tries at once
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: "cannot reach the server" in screen_text(app), "the unreachable server's error")
        assert url in screen_text(app)
        assert screen_name(app) == "JoinScreen"


# --- a team's devices ----------------------------------------------------------------------------


async def test_two_devices_on_one_seat_see_the_same_table_after_either_moves(tmp_path, content):
    async with table_server(tmp_path, content) as (run, _):
        made = await run.ok("POST", "/api/classes", CLASS)
        table = made["tables"][0]["table"]
        seat, code = next(iter(seat_codes(made).items()))
        app = NegotiateApp(content, join=(run.url, code))  # the code given: it joins at once
        other = SeatLink(run.url, code, content)
        async with app.run_test(size=(120, 40)) as pilot:
            mine = await at_table(pilot, app)
            await other.open()
            try:

                async def both_settled() -> None:
                    host = await run.settled(table)
                    await until(pilot, lambda: mine.seq == other.seq == host.seq, f"both devices at seq {host.seq}")

                def same() -> None:
                    assert mine.seen.view == other.seen.view
                    assert mine.seen.legal == other.seen.legal
                    assert [e.text for e in mine.events] == [e.text for e in other.events]

                await run.ok("POST", "/api/start", {"table": table})
                await both_settled()
                assert other.seen.view.turn == seat
                same()

                # the other device passes: the app's screen follows
                answer = await other.act(Pass(seat=seat))
                assert isinstance(answer, Ack), answer
                await both_settled()
                same()
                name = run.host(table).game.table.name(seat)
                assert f"{name} passes" in [e.text for e in mine.events if e.kind == "pass"]
                if mine.seen.view.phase == "game_over":
                    pytest.fail("one round ended after a single pass: the test needs another turn")
                await until(pilot, lambda: "Your turn" in screen_text(app), "the app's screen at my turn again")

                # the app passes: the other device sees it
                before = other.seq
                await pilot.press("p")
                await until(pilot, lambda: (other.seq or 0) > (before or 0), "the other device's update")
                await both_settled()
                same()
                passes = [a for a in await export_actions(run, made["class"]) if a.get("seat") == seat]
                assert passes == [{"type": "pass", "seat": seat}] * 2
            finally:
                await other.close()
                await mine.close()  # the app closes it too: closing twice is harmless


# --- the link, after the game ---------------------------------------------------------------------


async def test_the_app_closes_its_seats_link_when_it_exits(tmp_path, content):
    async with table_server(tmp_path, content) as (run, _):
        made = await run.ok("POST", "/api/classes", CLASS)
        code = next(iter(seat_codes(made).values()))
        app = NegotiateApp(content, join=(run.url, code))
        async with app.run_test(size=(120, 40)) as pilot:
            link = await at_table(pilot, app)
        try:
            assert link.closed, "the app exited and left its seat's link open"
        finally:
            await link.close()


async def test_after_the_end_screen_the_seats_link_outlives_the_server_going_away(tmp_path, content):
    async with table_server(tmp_path, content) as (run, site):
        made = await run.ok("POST", "/api/classes", CLASS)
        table = made["tables"][0]["table"]
        seat, code = next(iter(seat_codes(made).items()))
        app = NegotiateApp(content, join=(run.url, code))
        async with app.run_test(size=(120, 40)) as pilot:
            link = await at_table(pilot, app)
            try:
                await run.ok("POST", "/api/start", {"table": table})
                await pass_to_the_end(pilot, app, link, seat)
                await site.close()  # the server goes away (a restart, say): the link should try again
                await until(pilot, lambda: not link.connected, "the link noticing the server has gone")
                await pilot.pause(0.3)
                follow = link._task
                assert follow is not None
                if follow.done():
                    problem = follow.exception()
                    raise AssertionError(f"the seat's link stopped: {problem!r}")
            finally:
                await link.close()
