"""Bad input never harms a table: malformed JSON, unknown messages, messages over 64 KB, illegal
actions, acting for another seat, wrong join codes, a client that never reads and one that never
says hello. Each gets a clear error or is dropped, the server's log names the problem, and the
table goes on: a person at another device of the table plays the game to its end.

The bad devices join the person's own seat (a team's second laptop), so the table's seating is
the same in every case: bots at the other seats, the person at the second."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from negotiate.net import server as server_module
from negotiate.net.protocol import MAX_MESSAGE
from negotiate.net.server import Server
from tests.net_helpers import Raw, Running, play_raw, seat_codes, serving

SEAT = "zanoka"
"""The person's seat: the second to act in the classroom scenario."""


@dataclass
class Table:
    run: Running
    id: str
    codes: dict[str, str]
    player: Raw

    @property
    def code(self) -> str:
        return self.codes[SEAT]

    async def plays_on(self) -> None:
        """The table neither crashed nor stalled: the person plays it to its end."""
        last = await asyncio.wait_for(play_raw(self.player, self.run.server.content), 20)
        assert last["view"]["phase"] == "game_over"
        status = await self.run.status(self.id)
        assert status["finished"] and status["connected"] == [SEAT]


@asynccontextmanager
async def table(tmp_path, content, rounds: int | None = 1) -> AsyncIterator[Table]:
    async with serving(tmp_path, content) as run:
        made = await run.new_class(rounds=rounds)
        codes = seat_codes(made)
        player = await Raw.join(run.url, codes[SEAT])
        await run.start(made["tables"][0]["table"])
        yield Table(run, made["tables"][0]["table"], codes, player)
        await player.close()


@pytest.fixture
def server_log(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="negotiate.server")
    return caplog


def logged(caplog: pytest.LogCaptureFixture, *words: str) -> list[str]:
    """The server's log lines that hold every word."""
    lines = [r.getMessage() for r in caplog.records if r.name == "negotiate.server"]
    return [line for line in lines if all(word in line for word in words)]


# --- messages that are not the protocol's ---------------------------------------------------------

BAD_MESSAGES = [
    ("{not json", "not JSON: "),
    ("[1, 2", "not JSON: "),
    ('{"type": "shout", "version": 1}', "unknown message (expected hello, watch or act)"),
    ('{"version": 1, "id": "x"}', "unknown message (expected hello, watch or act)"),
    ("42", "unknown message (expected hello, watch or act)"),
    ("null", "unknown message (expected hello, watch or act)"),
    ('{"type": "act", "version": 1, "action": {"type": "pass"}}', "act.id: Field required"),
    ('{"type": "act", "version": 1, "id": "x", "action": "pass"}', "act.action: Input should be an object"),
    ('{"type": "act", "version": 1, "id": "x", "action": {}, "extra": 1}', "extra: Extra inputs are not permitted"),
    ('{"type": "act", "version": 2, "id": "x", "action": {"type": "pass"}}', "protocol version 2; this side speaks 1"),
    ('{"type": "hello", "version": 1, "code": "AAAAA-AAAAA"}', "already joined: send act messages"),
]


@pytest.mark.parametrize("text, reason", BAD_MESSAGES)
async def test_a_message_that_is_not_the_protocols_gets_a_clear_error_and_the_table_plays_on(
    tmp_path, content, server_log, text, reason
):
    async with table(tmp_path, content) as t:
        bad = await Raw.join(t.run.url, t.code)
        await bad.send(text)
        error = await bad.until(lambda m: m["type"] == "error")
        assert reason in error["reason"] and not error["fatal"], error
        assert logged(server_log, f"{SEAT} at 127.0.0.1 sent a bad message", reason)
        seq = (await t.run.settled(t.id)).seq
        answer = await bad.act({"type": "pass", "seat": "aldermark"})  # the device is still heard
        assert answer["type"] == "reject" and t.run.host(t.id).seq == seq
        await t.plays_on()
        await bad.close()


async def test_a_binary_message_gets_a_clear_error(tmp_path, content, server_log):
    async with table(tmp_path, content) as t:
        bad = await Raw.join(t.run.url, t.code)
        await bad.ws.send_bytes(b'{"type": "act"}')
        error = await bad.until(lambda m: m["type"] == "error")
        assert error["reason"] == "expected JSON text" and not error["fatal"]
        assert logged(server_log, "sent a bad message: expected JSON text")
        await t.plays_on()
        await bad.close()


async def test_a_device_that_keeps_sending_bad_messages_is_told_why_and_dropped(tmp_path, content, server_log):
    async with table(tmp_path, content) as t:
        bad = await Raw.join(t.run.url, t.code)
        for _ in range(server_module.BAD_MESSAGES - 1):
            await bad.send("{nope")
            error = await bad.until(lambda m: m["type"] == "error")
            assert not error["fatal"]
        await bad.send("{nope")
        last = await bad.until(lambda m: m["type"] in ("error", "closed"))
        assert last["type"] == "error" and last["fatal"] and last["reason"].startswith("not JSON"), last
        assert (await bad.next())["type"] == "closed"
        assert len(logged(server_log, "sent a bad message: not JSON")) == server_module.BAD_MESSAGES
        await t.plays_on()
        assert len(t.run.host(t.id).devices[SEAT]) == 1, "only the person's device is left"


@pytest.mark.parametrize("first", ["{oops", '{"type": "act", "version": 1, "id": "x", "action": {}}', b"\x00\x01"])
async def test_a_connection_that_does_not_begin_with_hello_is_refused_and_closed(tmp_path, content, server_log, first):
    async with table(tmp_path, content) as t:
        bad = await Raw.connect(t.run.url)
        if isinstance(first, bytes):
            await bad.ws.send_bytes(first)
        else:
            await bad.send(first)
        error = await bad.next()
        assert error["type"] == "error" and error["fatal"]
        expected = {
            "{oops": "not JSON: ",
            b"\x00\x01": "expected a hello message (JSON text)",
        }.get(first, "say hello with your join code first")
        assert expected in error["reason"]
        assert (await bad.next())["type"] == "closed"
        assert logged(server_log, "refused a connection from 127.0.0.1", expected)
        await t.plays_on()
        await bad.close()


# --- messages over 64 KB --------------------------------------------------------------------------


async def test_a_message_over_64_kb_drops_the_device_and_the_log_says_why(tmp_path, content, server_log):
    async with table(tmp_path, content) as t:
        bad = await Raw.join(t.run.url, t.code)
        big = json.dumps({"type": "act", "version": 1, "id": "big", "action": {"type": "pass", "reason": "x" * 70_000}})
        assert len(big) > MAX_MESSAGE
        await bad.send(big)
        closed = await bad.until(lambda m: m["type"] == "closed")
        assert closed["code"] == 1009, "closed as too big"
        [line] = logged(server_log, f"{SEAT} at 127.0.0.1", "exceeds limit")
        assert str(MAX_MESSAGE) in line
        await t.plays_on()


async def test_a_message_just_under_64_kb_is_read_and_answered(tmp_path, content):
    async with table(tmp_path, content) as t:
        bad = await Raw.join(t.run.url, t.code)
        action = {"type": "pass", "seat": SEAT, "reason": "x" * (MAX_MESSAGE - 200)}
        answer = await bad.act(action)
        assert answer["type"] == "reject" and answer["reason"].startswith("pass: reason: string should have at most")
        await t.plays_on()
        await bad.close()


async def test_a_hello_over_64_kb_is_refused_and_logged_without_a_failing_handler(tmp_path, content, caplog):
    caplog.set_level(logging.INFO)
    async with table(tmp_path, content) as t:
        bad = await Raw.connect(t.run.url)
        await bad.send({"type": "hello", "version": 1, "code": "x" * 70_000})
        assert (await bad.next())["type"] == "closed"
        await asyncio.sleep(0.1)
        assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR], "a handler failed"
        assert logged(caplog, "127.0.0.1", "exceeds limit")
        assert len(t.run.host(t.id).devices[SEAT]) == 1, "only the person's device"
        await t.plays_on()


async def test_a_connection_closed_before_its_hello_leaves_no_error(tmp_path, content, caplog):
    caplog.set_level(logging.INFO)
    async with table(tmp_path, content) as t:
        gone = await Raw.connect(t.run.url)
        await gone.close()
        await asyncio.sleep(0.2)
        assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR], "a handler failed"
        await t.plays_on()


async def test_a_facilitators_request_over_64_kb_is_refused(tmp_path, content):
    async with table(tmp_path, content) as t:
        status, _ = await t.run.api("POST", "/api/classes", {"scenario": "classroom", "pad": "x" * 70_000})
        assert status == 413
        assert len(t.run.server.store.tables()) == 1
        await t.plays_on()


# --- illegal actions, and acting for another seat -----------------------------------------------

ILLEGAL = [
    ({"type": "pass", "seat": SEAT}, "it is Aldermark's turn, not Zanoka's"),
    ({"type": "fly", "seat": SEAT}, "unknown action type 'fly'"),
    ({"seat": SEAT}, "an action needs a type"),
    ({"type": "side_payment", "seat": SEAT, "to": "aldermark", "amount": -5}, "amount"),
    ({"type": "message", "seat": SEAT, "to": "nobody", "text": "hi"}, "it is Aldermark's turn"),
    ({"type": "pass", "seat": "aldermark"}, "this device plays Zanoka, not Aldermark"),
    ({"type": "undo"}, "this device plays Zanoka, not the facilitator"),
    ({"type": "pause"}, "this device plays Zanoka, not the facilitator"),
]


@pytest.mark.parametrize("action, reason", ILLEGAL, ids=[json.dumps(a) for a, _ in ILLEGAL])
async def test_an_illegal_action_is_refused_with_the_reason_and_changes_nothing(tmp_path, content, action, reason):
    async with serving(tmp_path, content) as run:
        made = await run.new_class()
        table_id = made["tables"][0]["table"]
        codes = seat_codes(made)
        player = await Raw.join(run.url, codes[SEAT])
        await Raw.join(run.url, codes["aldermark"])  # a person at the first seat: nobody acts before them
        await run.start(table_id)
        before = run.host(table_id).digest()
        answer = await player.act(action, "bad-one")
        assert answer["type"] == "reject" and answer["id"] == "bad-one"
        assert reason in answer["reason"], answer["reason"]
        assert run.host(table_id).digest() == before and run.host(table_id).seq == 0


async def test_the_log_names_an_illegal_action_and_an_action_for_another_seat(tmp_path, content, server_log):
    async with table(tmp_path, content) as t:
        bad = await Raw.join(t.run.url, t.code)
        await bad.act({"type": "fly", "seat": SEAT})
        await bad.act({"type": "pass", "seat": "corvessa"})
        assert logged(server_log, "refused zanoka's fly: unknown action type 'fly'")
        assert logged(server_log, "refused zanoka's pass: this device plays Zanoka, not Corvessa")
        await t.plays_on()


async def test_acting_for_another_seat_never_moves_it_and_the_table_plays_on(tmp_path, content):
    async with table(tmp_path, content, rounds=2) as t:
        bad = await Raw.join(t.run.url, t.code)
        for seat in ("aldermark", "corvessa", "open_hands"):
            answer = await bad.act({"type": "pass", "seat": seat})
            assert answer["type"] == "reject" and "this device plays Zanoka" in answer["reason"]
        assert SEAT not in {e.actor for e in t.run.server.store.log(t.id)}, "only bots played, for their seats"
        await t.plays_on()
        await bad.close()


# --- wrong join codes -----------------------------------------------------------------------------


async def test_five_wrong_codes_a_minute_from_an_address_then_even_the_right_one_is_refused(
    tmp_path, content, server_log
):
    async with table(tmp_path, content) as t:
        t.run.server.wrong_codes_here = server_module.WRONG_CODES  # the tests' clients are on this machine
        for guess in ("AAAAA-AAAAA", "BBBBB-BBBBB", "CCCCC-CCCCC", "DDDDD-DDDDD", "EEEEE-EEEEE"):
            guesser = await Raw.connect(t.run.url)
            refused = await guesser.hello(guess)
            assert refused == {
                "type": "error",
                "version": 1,
                "reason": f"no seat has the code '{guess}': check it with your teacher",
                "fatal": True,
            }
            assert (await guesser.next())["type"] == "closed"
            await guesser.close()
        assert len(logged(server_log, "refused a connection from 127.0.0.1: no seat has the code")) == 5

        sixth = await Raw.connect(t.run.url)
        refused = await sixth.hello(t.codes["corvessa"])  # the right code of a seat
        assert refused["type"] == "error" and refused["fatal"]
        assert refused["reason"] == "too many wrong codes from 127.0.0.1: wait a minute"
        assert logged(server_log, "too many wrong codes from 127.0.0.1")
        await sixth.close()
        assert t.run.host(t.id).seating()["corvessa"] != "human", "the refused device did not take the seat"
        await t.plays_on()

        tries = t.run.server.wrong["127.0.0.1"]  # a minute later
        tries.extend([tries.popleft() - 61 for _ in range(len(tries))])
        later = await Raw.connect(t.run.url)
        assert (await later.hello(t.code))["type"] == "snapshot"
        await later.close()


async def test_the_limit_counts_per_address_and_only_wrong_codes(tmp_path, content):
    async with table(tmp_path, content) as t:
        server: Server = t.run.server
        now = time.monotonic()
        server.wrong["192.0.2.7"].extend([now] * (server_module.WRONG_CODES - 1))
        assert not server._too_many_wrong("192.0.2.7")
        server.wrong["192.0.2.7"].append(now)
        assert server._too_many_wrong("192.0.2.7") and not server._too_many_wrong("192.0.2.8")
        # right codes, typed as people type them, do not count
        for typed in (t.code.lower(), t.code.replace("-", " "), t.code.replace("-", "")):
            device = await Raw.join(t.run.url, typed)
            assert device.got[0]["seat"] == SEAT
            await device.close()
        assert not server.wrong["127.0.0.1"]
        await t.plays_on()


# --- a client that never reads, and one that never says hello ------------------------------------


async def websocket_that_never_reads(url: str, code: str) -> socket.socket:
    """A WebSocket by hand on a socket with a tiny receive buffer: it says hello, then never reads."""
    host, port = url.removeprefix("http://").split(":")
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
    sock.setblocking(False)
    loop = asyncio.get_running_loop()
    await loop.sock_connect(sock, (host, int(port)))
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /ws HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    await loop.sock_sendall(sock, request.encode())
    answer = b""
    while b"\r\n\r\n" not in answer:
        answer += await loop.sock_recv(sock, 1)  # byte by byte: nothing after the headers is read
    assert answer.startswith(b"HTTP/1.1 101"), answer
    payload = json.dumps({"type": "hello", "version": 1, "code": code}).encode()
    mask = os.urandom(4)
    assert len(payload) < 126
    frame = bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    await loop.sock_sendall(sock, frame)
    return sock


async def test_a_device_that_never_reads_is_dropped_and_the_others_get_their_updates_promptly(
    tmp_path, content, server_log, monkeypatch
):
    """The server's socket buffers are made small (and the time a send may take short), so that
    a device that does not read fills them in a few updates rather than a few megabytes. The
    updates come from devices joining and leaving the seat (each one tells every device who is
    connected) while the table waits for the person: the device is dropped mid-game."""
    monkeypatch.setattr(server_module, "SEND_WITHIN", 0.3)
    original = Server._send

    async def small_buffers(self, ws, device, request):
        request.transport.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
        await original(self, ws, device, request)

    monkeypatch.setattr(Server, "_send", small_buffers)
    async with table(tmp_path, content, rounds=2) as t:
        host = t.run.host(t.id)
        player = t.player
        await player.until(lambda m: m.get("legal") and m["view"]["turn"] == SEAT, received=True)
        mute = await websocket_that_never_reads(t.run.url, t.code)
        while len(host.devices[SEAT]) < 2:
            await asyncio.sleep(0.01)
        teammate = await Raw.join(t.run.url, t.code)  # a device of the same seat that reads

        loop = asyncio.get_running_loop()
        waits: list[float] = []
        for _ in range(60):  # devices come and go; the person's devices hear of each at once
            if len(host.devices[SEAT]) == 2:
                break
            sent = loop.time()
            passing = await Raw.join(t.run.url, t.codes[SEAT])
            await passing.close()
            await player.until(lambda m: m["type"] == "update" and m["connected"] == [SEAT])
            waits.append(loop.time() - sent)
            await asyncio.sleep(0.02)
        else:
            raise AssertionError("the device that does not read was never dropped")
        assert not host.game.is_over and host.seq >= 1, "dropped mid-game"
        [line] = logged(server_log, "dropping", f"{SEAT} at 127.0.0.1", "it does not read its messages")
        assert max(waits) < 1.0, f"an update took {max(waits):.2f} s while a device did not read"

        while player.last["view"]["phase"] != "game_over":  # the table goes on, promptly
            seen = player.last
            sent = loop.time()
            if seen["legal"] and seen["view"]["turn"] == SEAT:
                assert (await player.act({"type": "pass", "seat": SEAT}))["type"] == "ack"
            else:
                await player.next()
            waits.append(loop.time() - sent)
        assert max(waits) < 1.0, f"an update took {max(waits):.2f} s"
        assert host.connected() == [SEAT] and len(host.devices[SEAT]) == 2, "the two devices that read stay"
        final = await teammate.seq_at_least(host.seq)
        assert final["view"] == player.last["view"], "the teammate saw it all"
        assert (await t.run.status(t.id))["finished"]
        mute.close()
        await teammate.close()


async def test_a_connection_that_never_says_hello_is_refused_after_a_while(tmp_path, content, server_log, monkeypatch):
    monkeypatch.setattr(server_module, "HELLO_WITHIN", 1.0)
    async with table(tmp_path, content) as t:
        silent = await Raw.connect(t.run.url)
        start = time.monotonic()
        error = await silent.next(timeout=5)
        assert error["type"] == "error" and error["fatal"] and error["reason"] == "no hello within 1 seconds"
        assert 0.9 < time.monotonic() - start < 3
        assert (await silent.next())["type"] == "closed"
        assert logged(server_log, "refused a connection from 127.0.0.1: no hello within")
        await t.plays_on()
