"""Secrets stay on the server: every message the server sends to every seat's device, over whole
class games of each scenario, holds no other seat's secrets.

Each game is played to its end: classroom and compact-2030 whole, crisis-2015 cut to three rounds
(two rounds would deal every seat the same forecast card, and the hand check would check nothing);
by:
- a team at the first seat: a client bot on a `SeatLink` and a raw WebSocket that only watches,
  leaves mid-game and comes back with `since` (a catch-up snapshot);
- a raw WebSocket at the second seat, playing with a bot from the messages' view, which writes a
  private message to the third seat;
- a `SeatLink` client bot at the third seat;
- the server's bots at the other seats; mid-game a `SeatLink` client takes over the fourth seat
  from its bot;
- the facilitator, who undoes an action mid-game (every device gets the whole story again).

The messages are recorded where the server writes them to the sockets (`send_str`): all of them,
refusals included. A seat's secrets are taken from the server's `Game`: its agenda (id, title and
text) and its hand (forecast cards: id, title and text). No message to another seat holds them,
except what that seat knows itself (the same card in its own hand) or what is public by then (a
forecast card once that round's trend is drawn). No message has a `seed` field, the raw log, the
state's secret parts, another seat's legal actions, score, private events or messages.

At the game's end the agendas are revealed to every seat by design (`SeatView.agendas`) and every
seat's score is shown: the messages from the first one of `game_over` on are left out of the
agenda and hand checks (and the test checks that they do reveal the agendas, so the search works).
The private message stays between its two seats for the whole game, its end included.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import web

from negotiate.content import Content
from negotiate.net.client import play_bot
from tests.net_helpers import Raw, Running, play_raw, seat_codes, serving

SCENARIOS = {"classroom": (3, None), "crisis-2015": (4, 3), "compact-2030": (2, None)}
"""Each scenario (seed, rounds): whole games, but for crisis-2015's first three rounds (its six
seats make a whole game slow), each seed dealing forecast cards that other seats do not hold."""
FORBIDDEN_KEYS = {"seed", "log", "actions", "secrets", "state", "rng", "hidden", "lapses", "trend_pile", "shock_pile"}
MARKER = "private-note-7f3a9c"


@pytest.fixture
def wire(monkeypatch: pytest.MonkeyPatch) -> dict[web.WebSocketResponse, list[str]]:
    """Every text the server sends on any WebSocket, by socket, in order."""
    sent: dict[web.WebSocketResponse, list[str]] = {}
    original = web.WebSocketResponse.send_str

    async def recording(self: web.WebSocketResponse, data: str, *args: Any, **kwargs: Any) -> None:
        sent.setdefault(self, []).append(data)
        await original(self, data, *args, **kwargs)

    monkeypatch.setattr(web.WebSocketResponse, "send_str", recording)
    return sent


async def wait_seq(run: Running, table: str, seq: int) -> bool:
    """Wait until the table has played `seq` actions; False if it ended first."""
    host = run.host(table)
    while host.seq < seq:
        if host.game.is_over:
            return False
        await asyncio.sleep(0.005)
    return not host.game.is_over


async def play_class(run: Running, content: Content, scenario: str, seed: int, rounds: int | None) -> dict[str, Any]:
    made = await run.new_class(scenario, rounds=rounds, seed=seed)
    table = made["tables"][0]["table"]
    codes = seat_codes(made)
    first, second, third, fourth = list(codes)[:4]
    told: dict[str, Any] = {"table": table, "private": (second, third)}

    async def team_watcher() -> None:
        """The first seat's second device: watches, leaves, comes back with `since`."""
        raw = await Raw.join(run.url, codes[first])
        await raw.until(lambda m: m.get("seq", 0) >= 6)
        since = raw.last["seq"]
        await raw.close()
        await wait_seq(run, table, since + 5)
        again = await Raw.join(run.url, codes[first], since=since)
        told["rejoined"] = again.got[0]
        await again.until(lambda m: m.get("view", {}).get("phase") == "game_over", timeout=60)
        await again.close()

    async def writer() -> None:
        """The second seat: a raw socket and a bot; at its first turn, a private word to the third."""
        raw = await Raw.join(run.url, codes[second])
        await raw.until(lambda m: m.get("legal") and m["view"]["turn"] == second, timeout=30)
        note = {"type": "message", "seat": second, "to": third, "text": f"{MARKER}: only for you"}
        told["note"] = await raw.act(note)
        told["writer"] = await asyncio.wait_for(play_raw(raw, content, seed=seed), 60)
        await raw.close()
        told["writer got"] = raw.got

    async def taker() -> None:
        """A person takes the fourth seat from its bot mid-game."""
        if await wait_seq(run, table, 12):
            await play_bot(run.url, codes[fourth], "pragmatist", content)

    async def undoer() -> None:
        if await wait_seq(run, table, 9):
            told["undo"] = await run.act(table, {"type": "undo"})

    tasks = [
        asyncio.create_task(play_bot(run.url, codes[first], "pragmatist", content, seed)),
        asyncio.create_task(team_watcher()),
        asyncio.create_task(writer()),
        asyncio.create_task(play_bot(run.url, codes[third], "pragmatist", content, seed)),
    ]
    while len(run.host(table).connected()) < 3:
        await asyncio.sleep(0.01)
    await run.start(table)
    tasks += [asyncio.create_task(taker()), asyncio.create_task(undoer())]
    await asyncio.wait_for(asyncio.gather(*tasks), 90)
    host = await run.settled(table)
    assert host.game.is_over
    told["game"] = host.game
    return told


def strings(data: Any) -> Iterator[str]:
    """Every key and string value in a JSON document."""
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from strings(value)
    elif isinstance(data, str):
        yield data


def keys(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from keys(value)
    elif isinstance(data, list):
        for value in data:
            yield from keys(value)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_no_message_to_a_seat_holds_another_seats_secrets(tmp_path, content, wire, scenario):
    async with serving(tmp_path, content) as run:
        told = await play_class(run, content, scenario, *SCENARIOS[scenario])
    game = told["game"]
    state = game.state
    order = list(game.table.order)
    agenda = {s: state.secrets[s].agenda for s in order}
    hand = {s: list(state.secrets[s].hand) for s in order}
    pile = list(state.trend_pile)
    assert told["undo"]["type"] == "ack", told["undo"]
    assert told["note"]["type"] == "ack", told["note"]
    assert told["rejoined"]["type"] == "snapshot"

    sockets: dict[str, list[list[dict[str, Any]]]] = {}
    for texts in wire.values():
        messages = [json.loads(text) for text in texts]
        seat = next((m["seat"] for m in messages if m["type"] == "snapshot"), None)
        assert seat is not None or all(m["type"] == "error" for m in messages), messages[:2]
        if seat is not None:
            sockets.setdefault(seat, []).append(messages)
    sender, reader = told["private"]
    assert set(sockets) == set(order[:4]), f"devices recorded at {sorted(sockets)}"
    assert len(sockets[order[0]]) == 3, "the team's two devices, and the one that came back"
    got = told["writer got"]  # what one client read: the recording holds it all, in order
    assert sockets[sender][0][: len(got)] == got, "the recording missed messages the client got"

    checked_hands = revealed_after_end = resets = ends = 0
    for seat, devices in sockets.items():
        mine = {f.card for f in hand[seat]}
        for messages in devices:
            over = False
            public: set[str] = set()
            for number, message in enumerate(messages):
                where = f"message {number} ({message['type']}) to {seat}"
                found = set(strings(message))
                text = "\x00".join(found)
                assert not FORBIDDEN_KEYS & set(keys(message)), f"{where}: {FORBIDDEN_KEYS & set(keys(message))}"
                if seat not in (sender, reader):
                    assert MARKER not in text, f"{where}: the private message between {sender} and {reader}"
                view = message.get("view")
                if view is not None:
                    over = over or view["phase"] == "game_over"
                    public = {pile[r] for r in range(view["round"])} | ({view["trend"]} if view["trend"] else set())
                    resets += message.get("reset", False) and message["type"] == "update"
                if over:
                    revealed_after_end += any(agenda[o] in found for o in order if agenda[o] != agenda[seat])
                    continue
                if view is not None:
                    assert view["seat"] == seat and set(message["score"]) == {seat}, where
                    assert not view["agendas"], where
                    assert all(a.get("seat") in (seat, None) for a in message["legal"]), f"{where}: legal"
                    assert all(m["to"] in (seat, None) or m["sender"] == seat for m in view["messages"]), where
                for event in message.get("events", []):
                    assert event["to"] in (seat, None), f"{where}: another seat's event {event}"
                for other in order:
                    if other == seat:
                        continue
                    if agenda[other] != agenda[seat]:
                        card = content.agendas[agenda[other]]
                        assert agenda[other] not in found, f"{where}: {other}'s agenda id {card.id}"
                        assert card.name not in text, f"{where}: {other}'s agenda title"
                        assert card.text not in text, f"{where}: {other}'s agenda text"
                    for forecast in hand[other]:
                        if forecast.card in mine or forecast.card in public:
                            continue
                        checked_hands += 1
                        trend = content.trends[forecast.card]
                        assert forecast.card not in found, f"{where}: {other}'s hand card {trend.id}"
                        assert trend.name not in text, f"{where}: {other}'s card title"
                        assert trend.text not in text, f"{where}: {other}'s card text"
            ends += over
    # the checks above checked something: hands that differ, an undo's whole story, the note
    # delivered, and agendas that the search finds once the game reveals them
    assert ends == sum(len(devices) for devices in sockets.values()) - 1, "a device never saw the game's end"
    assert checked_hands > 0, "no seat held a forecast card another did not: pick another seed"
    assert resets >= 1, "no device got the whole story again after the undo"
    assert revealed_after_end > 0, "the game's end revealed no agenda: the search finds nothing"
    assert any(MARKER in s for m in sockets[reader][0] for s in strings(m)), "the private message never arrived"
