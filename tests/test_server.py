"""The table server's protocol, with several clients on a server in the test's event loop: joining
and starting, bots in the seats nobody joined and a person taking a bot's seat, teams of devices
on one seat, reconnecting and catching up, action ids answered once, the facilitator's undo and
the `reset` story, the facilitator's token, and clear refusals of a bad class."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3

import pytest

from negotiate.engine.actions import Pass
from negotiate.engine.save import digest, from_save
from negotiate.net import client as client_module
from negotiate.net.client import SeatLink
from negotiate.net.host import Device
from tests.net_helpers import TOKEN, Raw, Running, play_raw, seat_codes, serving

FIRST, SECOND, THIRD, FOURTH = "aldermark", "zanoka", "corvessa", "open_hands"
"""The classroom scenario's seats, in the order they act."""
PASS = {"type": "pass"}


def passing(seat: str) -> dict[str, str]:
    return {"type": "pass", "seat": seat}


async def all_joined(run: Running, **more) -> tuple[str, dict[str, str], dict[str, Raw]]:
    """A one-round classroom table with no bots, every seat joined by a raw client (so it starts):
    the table, its codes and the clients."""
    made = await run.new_class(bots="none", **more)
    codes = seat_codes(made)
    raws = {seat: await Raw.join(run.url, code) for seat, code in codes.items()}
    for raw in raws.values():
        await raw.until(lambda m: m.get("started"))
    return made["tables"][0]["table"], codes, raws


async def close_all(*raws: Raw) -> None:
    for raw in raws:
        await raw.close()


def events_of(messages: list[dict]) -> list[dict]:
    """The story a client has put together from its snapshot and updates (a reset starts it again)."""
    story: list[dict] = []
    for message in messages:
        if message["type"] in ("snapshot", "update"):
            story = list(message["events"]) if message["reset"] else story + message["events"]
    return story


# --- joining, starting, bots ---------------------------------------------------------------------


async def test_a_table_starts_when_every_seat_has_joined_and_every_seat_sees_each_action(tmp_path, content):
    async with serving(tmp_path, content) as run:
        made = await run.new_class(bots="none")
        codes = seat_codes(made)
        first = await Raw.join(run.url, codes[FIRST])
        snapshot = first.got[0]
        assert (snapshot["seat"], snapshot["scenario"], snapshot["rounds"]) == (FIRST, "classroom", 1)
        assert not snapshot["started"] and snapshot["legal"] == [] and snapshot["seq"] == 0
        assert snapshot["seating"] == {FIRST: "human", SECOND: "waiting", THIRD: "waiting", FOURTH: "waiting"}
        refused = await first.act(passing(FIRST))
        assert refused["type"] == "reject" and "has not started" in refused["reason"]

        others = {seat: await Raw.join(run.url, codes[seat]) for seat in (SECOND, THIRD, FOURTH)}
        raws = {FIRST: first, **others}
        for raw in raws.values():
            started = await raw.until(lambda m: m.get("started"))
            assert set(started["seating"].values()) == {"human"}
            await raw.until(lambda m: m.get("connected") == [FIRST, SECOND, THIRD, FOURTH], received=True)
        assert raws[FIRST].last["legal"] and not raws[SECOND].last["legal"], "only the seat to act may act"

        ack = await first.act(passing(FIRST))
        assert ack == {"type": "ack", "version": 1, "id": ack["id"], "seq": 1}
        seen = {seat: await raw.seq_at_least(1) for seat, raw in raws.items()}
        assert {m["seq"] for m in seen.values()} == {1}
        assert all(m["view"]["turn"] == SECOND for m in seen.values())
        assert seen[SECOND]["legal"] and not seen[FIRST]["legal"]
        assert len({json.dumps(m["events"]) for m in seen.values()}) == 1, "a pass is public: all read the same"

        await raws[FOURTH].close()
        left = await first.until(lambda m: m["type"] == "update" and FOURTH not in m["connected"])
        assert left["seating"][FOURTH] == "human", "a person who leaves keeps the seat"
        for raw in raws.values():
            await raw.close()


async def test_the_facilitator_starts_a_table_and_bots_play_the_seats_nobody_joined(tmp_path, content):
    async with serving(tmp_path, content) as run:
        made = await run.new_class(rounds=2)
        table = made["tables"][0]["table"]
        codes = seat_codes(made)
        person = await Raw.join(run.url, codes[SECOND])
        await run.start(table)
        started = await person.until(lambda m: m.get("started"))
        assert started["seating"] == {
            FIRST: "pragmatist:normal",
            SECOND: "human",
            THIRD: "opportunist:normal",
            FOURTH: "humanitarian:normal",
        }
        last = await asyncio.wait_for(play_raw(person, content), 20)
        assert last["view"]["phase"] == "game_over"
        host = await run.settled(table)
        status = await run.status(table)
        assert status["finished"] and status["digest"] == host.digest()
        assert set(last["score"]) == {FIRST, SECOND, THIRD, FOURTH}, "at the end every seat's score is shown"
        bots_acted = {entry.actor for entry in run.server.store.log(table)} - {SECOND}
        assert bots_acted == {FIRST, THIRD, FOURTH}
        [exported] = (await run.ok("GET", f"/api/classes/{made['class']}/export"))["tables"]
        assert digest(from_save(content, exported["save"])) == status["digest"]
        await person.close()


async def test_a_person_who_joins_a_bots_seat_takes_it_over(tmp_path, content):
    async with serving(tmp_path, content) as run:
        made = await run.new_class(rounds=2)
        table = made["tables"][0]["table"]
        codes = seat_codes(made)
        person = await Raw.join(run.url, codes[SECOND])
        await run.start(table)
        await person.until(lambda m: m.get("legal") and m["view"]["turn"] == SECOND)  # the first bot played
        taker = await Raw.join(run.url, codes[THIRD])
        assert taker.got[0]["seating"][THIRD] == "human"
        assert (await person.act(passing(SECOND)))["type"] == "ack"
        seen = await taker.until(lambda m: m.get("legal") and m["view"]["turn"] == THIRD)
        await asyncio.sleep(0.3)
        host = run.host(table)
        assert host.game.current_seat == THIRD and host.seq == seen["seq"], "the bot still plays the taken seat"
        assert (await taker.act(passing(THIRD)))["type"] == "ack"
        await person.until(lambda m: m.get("legal") and m["view"]["turn"] == SECOND)  # the bots played on
        actors = [e.actor for e in run.server.store.log(table)]
        after = actors[actors.index(THIRD) + 1 :]
        assert FOURTH in after and THIRD not in after, actors
        for raw in (person, taker):
            await raw.close()


async def test_every_action_is_committed_before_anyone_sees_it_or_gets_its_ack(tmp_path, content, monkeypatch):
    """Whenever a device is sent an ack or an update of sequence number n, the store, read by
    another connection, already holds action n."""
    sent = []
    original = Device.send

    def checking(device: Device, message) -> None:
        data = json.loads(message if isinstance(message, str) else message.model_dump_json())
        if data["type"] in ("ack", "update", "snapshot") and data["seq"] > 0:
            with sqlite3.connect(run.store_path) as db:
                (stored,) = db.execute("SELECT MAX(seq) FROM events").fetchone()
            sent.append((data["type"], data["seq"], stored))
        original(device, message)

    monkeypatch.setattr(Device, "send", checking)
    async with serving(tmp_path, content) as run:
        made = await run.new_class(rounds=2)
        table = made["tables"][0]["table"]
        person = await Raw.join(run.url, seat_codes(made)[FIRST])
        await run.start(table)
        await asyncio.wait_for(play_raw(person, content), 20)
        await person.close()
        played = run.host(table).seq
    assert {seq for kind, seq, _ in sent if kind == "update"} == set(range(1, played + 1))
    assert any(kind == "ack" for kind, _, _ in sent)
    assert all(stored is not None and stored >= seq for _, seq, stored in sent), sent


# --- teams --------------------------------------------------------------------------------------


async def test_a_teams_devices_see_the_same_and_the_first_of_two_conflicting_actions_wins(tmp_path, content):
    async with serving(tmp_path, content) as run:
        table, codes, raws = await all_joined(run)
        one = raws[FIRST]
        two = await Raw.join(run.url, codes[FIRST])  # a second laptop of the same team
        assert two.got[0]["view"] == one.last["view"] and two.got[0]["legal"] == one.last["legal"]
        assert one.last["legal"], "it is the team's turn"

        # what one laptop does, both see
        word = {"type": "message", "seat": FIRST, "to": SECOND, "text": "from the team's second laptop"}
        assert (await two.act(word))["seq"] == 1
        assert (await one.seq_at_least(1)) == (await two.seq_at_least(1))
        assert one.last["view"]["messages"][-1]["text"] == "from the team's second laptop"

        # both press "end turn" at once: one pass is applied, the other is refused, in words
        await one.send({"type": "act", "id": "from-one", "action": passing(FIRST)})
        await two.send({"type": "act", "id": "from-two", "action": passing(FIRST)})
        answers = {"from-one": await one.answer("from-one"), "from-two": await two.answer("from-two")}
        [won] = [i for i, a in answers.items() if a["type"] == "ack"]
        [lost] = [i for i, a in answers.items() if a["type"] == "reject"]
        assert answers[won]["seq"] == 2
        assert answers[lost]["reason"] == "it is Zanoka's turn, not Aldermark's"
        assert [(e.seq, e.actor, e.action_id) for e in run.server.store.log(table)][1:] == [(2, FIRST, won)]

        # both devices saw the winning action, alike
        seen = [await raw.seq_at_least(2) for raw in (one, two)]
        assert seen[0] == seen[1] and seen[0]["view"]["turn"] == SECOND and not seen[0]["legal"]

        await close_all(two, *raws.values())


# --- reconnecting ---------------------------------------------------------------------------------


async def test_a_device_that_comes_back_with_since_gets_only_what_it_missed(tmp_path, content):
    async with serving(tmp_path, content) as run:
        table, codes, raws = await all_joined(run)
        first = raws[FIRST]
        assert (await first.act(passing(FIRST)))["seq"] == 1
        await first.seq_at_least(1)
        story = events_of(first.got)
        await first.close()

        secret = {"type": "message", "seat": SECOND, "to": FOURTH, "text": "between Zanoka and Open Hands"}
        assert (await raws[SECOND].act(secret))["type"] == "ack"
        for seat in (SECOND, THIRD, FOURTH):
            assert (await raws[seat].act(passing(seat)))["type"] == "ack"
        seq = run.host(table).seq
        assert seq == 5

        back = await Raw.join(run.url, codes[FIRST], since=1)
        caught_up = back.got[0]
        assert caught_up["reset"] is False and caught_up["seq"] == seq
        assert caught_up["events"], "it missed four actions"
        whole = (await Raw.join(run.url, codes[FIRST])).got[0]
        assert whole["reset"] is True and whole["seq"] == seq
        assert story + caught_up["events"] == whole["events"]
        assert caught_up["view"] == whole["view"] and caught_up["legal"] == whole["legal"]
        assert "between Zanoka" not in json.dumps(caught_up), "the catch-up holds another seat's private message"
        assert any("between Zanoka" in e["text"] for e in events_of(raws[FOURTH].got))

        # a device that saw more than the table holds (another store) gets the whole story
        stranger = (await Raw.join(run.url, codes[FIRST], since=seq + 10)).got[0]
        assert stranger["reset"] is True and stranger["events"] == whole["events"]
        await close_all(back, *raws.values())


async def test_a_seat_link_reconnects_by_itself_catches_up_and_sends_again_what_was_unanswered(
    tmp_path, content, monkeypatch
):
    monkeypatch.setattr(client_module, "BACKOFF", (0.4,))
    async with serving(tmp_path, content) as run:
        made = await run.new_class(bots="none")
        table = made["tables"][0]["table"]
        codes = seat_codes(made)
        raws = {seat: await Raw.join(run.url, codes[seat]) for seat in (SECOND, THIRD, FOURTH)}
        changes: list[int | None] = []
        link = SeatLink(run.url, codes[FIRST], content, on_change=lambda link: changes.append(link.seq))
        await link.open()
        host = run.host(table)
        while not link.seen.started:
            await asyncio.sleep(0.01)

        async def dropped() -> None:
            """The server drops the link's connection; returns once the link knows."""
            for device in list(host.devices[FIRST]):
                device.drop()
            while link.connected:
                await asyncio.sleep(0.005)

        # an action sent while the connection is down is sent again, once, when it is back
        await dropped()
        ack = await asyncio.wait_for(link.act(Pass(seat=FIRST)), 5)
        assert ack.seq == 1 and link.connected
        assert [e.action_id for e in run.server.store.log(table)] == [ack.id]

        # what happens while the link is away, it learns from the last sequence number it saw
        await dropped()
        for seat in (SECOND, THIRD, FOURTH):
            assert (await raws[seat].act(passing(seat)))["type"] == "ack"
        while link.seq != host.seq:
            await asyncio.sleep(0.01)
        assert link.connected and link.snapshot is not None
        assert link.snapshot.reset is False and link.snapshot.seq == host.seq == 4
        whole = (await Raw.join(run.url, codes[FIRST])).got[0]
        assert [e.model_dump(mode="json") for e in link.events] == whole["events"]
        assert link.seen.view.model_dump(mode="json") == whole["view"]
        await link.close()
        await close_all(*raws.values())


# --- action ids -----------------------------------------------------------------------------------


async def test_an_action_id_is_answered_once_even_from_another_device_or_after_a_restart(tmp_path, content):
    async with serving(tmp_path, content) as run:
        table, codes, raws = await all_joined(run)
        first, second = raws[FIRST], raws[SECOND]
        early = await second.act(passing(SECOND), "early")
        assert early["type"] == "reject" and early["reason"] == "it is Aldermark's turn, not Zanoka's"

        ack = await first.act(passing(FIRST), "same")
        assert ack["type"] == "ack" and ack["seq"] == 1
        assert await first.act(passing(FIRST), "same") == ack, "sent again: the same answer"
        other = await Raw.join(run.url, codes[FIRST], since=1)  # the team's other laptop, or a reconnect
        assert await other.act(passing(FIRST), "same") == ack
        assert await second.act(passing(SECOND), "early") == early, "a refused id stays refused"
        assert run.host(table).seq == 1

        again = await second.act(passing(SECOND), "same")  # an id is the seat's own: another may use it
        assert again["type"] == "ack" and again["seq"] == 2
        paused = await run.act(table, {"type": "pause"}, "stop")
        assert paused["type"] == "ack" and paused["seq"] == 3
        assert await run.act(table, {"type": "pause"}, "stop") == paused
        logged = [(e.seq, e.actor, e.action_id) for e in run.server.store.log(table)]
        assert logged == [(1, FIRST, "same"), (2, SECOND, "same"), (3, "facilitator", "stop")]
        await close_all(other, *raws.values())

    async with serving(tmp_path, content) as run:  # the same store, a new server
        back = await Raw.join(run.url, codes[FIRST], since=3)
        assert back.got[0]["reset"] is False and back.got[0]["seq"] == 3 and back.got[0]["view"]["paused"]
        assert await back.act(passing(FIRST), "same") == ack
        assert await run.act(table, {"type": "pause"}, "stop") == paused
        assert run.host(table).seq == 3 and len(run.server.store.log(table)) == 3
        await back.close()


# --- the facilitator's undo -----------------------------------------------------------------------


async def test_the_facilitator_undoes_an_action_and_every_device_gets_the_whole_story_again(tmp_path, content):
    async with serving(tmp_path, content) as run:
        table, codes, raws = await all_joined(run)
        nothing = await run.act(table, {"type": "undo"})
        assert nothing["type"] == "reject" and nothing["reason"] == "there is nothing to undo"

        assert (await raws[FIRST].act(passing(FIRST)))["seq"] == 1
        note = {"type": "message", "seat": SECOND, "to": THIRD, "text": "a word for Corvessa"}
        assert (await raws[SECOND].act(note))["seq"] == 2
        before = {seat: await raw.seq_at_least(2) for seat, raw in raws.items()}
        assert (await raws[SECOND].act(passing(SECOND)))["seq"] == 3

        undo = await run.act(table, {"type": "undo"})
        assert undo["type"] == "ack" and undo["seq"] == 4
        for seat, raw in raws.items():
            update = await raw.seq_at_least(4)
            assert update["type"] == "update" and update["reset"] is True
            whole = (await Raw.join(run.url, codes[seat])).got[0]
            assert update["events"] == whole["events"], f"{seat}: the whole story again"
            assert update["events"][-1]["text"] == "The facilitator undoes: pass by Zanoka"
            assert update["view"] == before[seat]["view"], f"{seat}: the pass is undone, nothing else"
            assert update["legal"] == before[seat]["legal"]
            assert any("a word for Corvessa" in e["text"] for e in update["events"]) == (seat == THIRD)
            assert any(m["text"] == "a word for Corvessa" for m in update["view"]["messages"]) == (
                seat in (SECOND, THIRD)
            )

        # a device that comes back: the whole story if it saw anything before the undo
        for since, reset in ((1, True), (3, True), (4, False)):
            snapshot = (await Raw.join(run.url, codes[FIRST], since=since)).got[0]
            assert snapshot["reset"] is reset and snapshot["seq"] == 4, since
            assert snapshot["events"] == ([] if not reset else events_of(raws[FIRST].got))

        again = await raws[SECOND].act(passing(SECOND))
        assert again["type"] == "ack" and again["seq"] == 5, "the undone turn is played again"
        update = await raws[FIRST].seq_at_least(5)
        assert update["reset"] is False and update["events"]
        status = await run.status(table)
        [exported] = (await run.ok("GET", f"/api/classes/{table.split('-')[0]}/export"))["tables"]
        assert [a["type"] for a in exported["save"]["actions"]] == ["pass", "message", "pass", "undo", "pass"]
        assert digest(from_save(content, exported["save"])) == status["digest"]
        await close_all(*raws.values())


async def test_the_facilitators_actions_are_checked_like_a_seats(tmp_path, content):
    async with serving(tmp_path, content) as run:
        table, _, raws = await all_joined(run)
        for action, reason in (
            (passing(FIRST), "this device plays the facilitator, not Aldermark"),
            ({"type": "resume"}, "the game is not paused"),
            ({"type": "fly"}, "unknown action type 'fly'"),
        ):
            answer = await run.act(table, action)
            assert answer["type"] == "reject" and answer["reason"] == reason
        status, body = await run.api("POST", f"/api/tables/{table}/act", {"action": "undo"})
        assert status == 400 and "action: expected a JSON object" in body["error"]
        status, body = await run.api("POST", "/api/tables/nowhere-1/act", {"action": {"type": "undo"}})
        assert status == 404 and body["error"] == "no table 'nowhere-1'"
        assert run.host(table).seq == 0
        await close_all(*raws.values())


async def test_a_facilitators_action_id_that_is_not_text_is_refused_and_the_table_plays_on(tmp_path, content):
    async with serving(tmp_path, content) as run:
        table, _, raws = await all_joined(run)
        for bad in (5, "x" * 65, ["a"]):
            status, body = await asyncio.wait_for(
                run.api("POST", f"/api/tables/{table}/act", {"action": {"type": "pause"}, "id": bad}), 5
            )
            assert status == 400 and body["error"].startswith("id: expected a text of 1 to 64 characters"), body
        answer = await asyncio.wait_for(raws[FIRST].act(passing(FIRST)), 5)
        assert answer["type"] == "ack" and answer["seq"] == 1, "the table still plays"
        await close_all(*raws.values())


# --- the facilitator's token ----------------------------------------------------------------------

GUARDED = [
    ("POST", "/api/classes", {"scenario": "classroom"}),
    ("POST", "/api/start", {}),
    ("GET", "/api/status", None),
    ("GET", "/api/classes/{class}/export", None),
    ("POST", "/api/tables/{table}/act", {"action": {"type": "pause"}}),
]


@pytest.mark.parametrize("token", ["", "wrong", TOKEN + "x", TOKEN[:-1]])
async def test_the_facilitators_commands_need_the_token(tmp_path, content, caplog, token):
    caplog.set_level(logging.WARNING, logger="negotiate.server")
    async with serving(tmp_path, content) as run:
        made = await run.new_class()
        table = made["tables"][0]["table"]
        for method, path, body in GUARDED:
            path = path.format(**{"class": made["class"], "table": table})
            status, answer = await run.api(method, path, body, token=token)
            assert status == 401, f"{method} {path} without the token: {status}"
            assert answer == {"error": "the facilitator's token is missing or wrong"}
        assert len(run.server.store.tables()) == 1 and run.host(table).seq == 0 and not run.host(table).started
        refusals = [r for r in caplog.records if "wrong token" in r.getMessage()]
        assert len(refusals) == len(GUARDED)
        async with run.http.get(run.url + "/") as home:  # no token needed to see the server, or to join
            assert home.status == 200
        raw = await Raw.join(run.url, seat_codes(made)[FIRST])
        await raw.close()


# --- a bad class ----------------------------------------------------------------------------------

BAD_CLASSES = [
    ({"scenario": "atlantis"}, "unknown scenario 'atlantis' (expected one of", "classroom"),
    ({"tables": 0}, "tables: expected a whole number from 1 to 50, not 0"),
    ({"tables": 51}, "tables: expected a whole number from 1 to 50, not 51"),
    ({"tables": "3"}, "tables: expected a whole number from 1 to 50, not '3'"),
    ({"tables": 2.5}, "tables: expected a whole number from 1 to 50, not 2.5"),
    ({"tables": True}, "tables: expected a whole number from 1 to 50, not True"),  # JSON true is not 1
    ({"seed": -1}, "seed: expected a whole number from 0", "not -1"),
    ({"seed": "x"}, "seed: expected a whole number from 0", "not 'x'"),
    ({"seed": 10**30}, "seed: expected a whole number from 0 to", "not 10000"),  # more than SQLite holds
    ({"rounds": 0}, "rounds: rounds must be from 1 to 4 for classroom, not 0"),
    ({"rounds": 9}, "rounds: rounds must be from 1 to 4 for classroom, not 9"),
    ({"rounds": "two"}, "rounds", "1 to 4", "'two'"),
    ({"rounds": 2.5}, "rounds", "1 to 4", "2.5"),
    ({"bots": "nobody=broker"}, "bots: unknown seat 'nobody' (expected one of aldermark, zanoka"),
    ({"bots": "aldermark=wizard"}, "bots: aldermark: unknown personality 'wizard' (expected one of"),
    ({"bots": "aldermark=broker:godlike"}, "bots: aldermark: unknown level 'godlike' (expected one of easy"),
    ({"bots": "open_hands=hardliner"}, "bots: open_hands is a ngo seat; a hardliner plays only receiving seats"),
    ({"bots": "zzz"}, "bots: 'zzz': expected SEAT=PERSONALITY[:LEVEL]"),
    ({"bots": 5}, "bots: expected default, random, none or SEAT=PERSONALITY[:LEVEL]", "not 5"),
    ({"bots": ["aldermark=broker"]}, "bots: expected default, random, none or SEAT=PERSONALITY[:LEVEL]"),
    ({"scenario": []}, "unknown scenario [] (expected one of"),
]


@pytest.mark.parametrize("body, words", [pytest.param(case[0], case[1:], id=str(case[0])) for case in BAD_CLASSES])
async def test_a_bad_class_is_refused_with_a_clear_message_and_nothing_is_made(tmp_path, content, body, words):
    async with serving(tmp_path, content) as run:
        status, answer = await run.api("POST", "/api/classes", {"scenario": "classroom", **body})
        assert status == 400, answer
        for word in words:
            assert word in answer["error"], answer["error"]
        assert run.server.store.tables() == [] and run.server.hosts == {}


async def test_a_class_body_that_is_not_a_json_object_is_refused(tmp_path, content):
    async with serving(tmp_path, content) as run:
        status, answer = await run.api("POST", "/api/classes", raw=b"{scenario: classroom")
        assert status == 400 and answer["error"].startswith("the request's body is not JSON:")
        status, answer = await run.api("POST", "/api/classes", ["classroom"])
        assert (status, answer) == (400, {"error": "the request's body must be a JSON object"})
        assert run.server.store.tables() == []


async def test_class_new_on_the_command_line_prints_the_servers_reason(tmp_path, content, monkeypatch, capsys):
    from negotiate.cli import main

    monkeypatch.setenv("NEGOTIATE_TOKEN", TOKEN)
    monkeypatch.chdir(tmp_path)
    async with serving(tmp_path, content) as run:
        for flags, reason in (
            (["--scenario", "atlantis"], "unknown scenario 'atlantis'"),
            (["--bots", "nobody=broker"], "bots: unknown seat 'nobody'"),
        ):
            code = await asyncio.to_thread(main, ["class", "new", "--server", run.url, *flags])
            err = capsys.readouterr().err
            assert code == 1 and err.startswith(f"negotiate: the server at {run.url} refuses: ") and reason in err
        monkeypatch.setenv("NEGOTIATE_TOKEN", "not the token")
        code = await asyncio.to_thread(main, ["class", "new", "--server", run.url, "--scenario", "classroom"])
        assert code == 1 and "the facilitator's token is missing or wrong" in capsys.readouterr().err
        assert run.server.store.tables() == [] and not list(tmp_path.glob("class-*.html"))


async def test_an_undo_late_in_a_long_game_does_not_stall_the_other_tables(tmp_path, content):
    async with serving(tmp_path, content) as run:
        long = (await run.new_class("compact-2030", rounds=None, seed=5))["tables"][0]["table"]
        await run.start(long)
        while not run.host(long).game.is_over:
            await asyncio.sleep(0.02)
        table, _, raws = await all_joined(run)

        loop = asyncio.get_running_loop()
        gaps: list[float] = []
        done = asyncio.Event()

        async def tick() -> None:
            last = loop.time()
            while not done.is_set():
                await asyncio.sleep(0.002)
                gaps.append(loop.time() - last)
                last = loop.time()

        ticker = asyncio.create_task(tick())
        await asyncio.sleep(0.05)
        undo = asyncio.create_task(run.act(long, {"type": "undo"}))
        await asyncio.sleep(0)
        sent = loop.time()
        assert (await raws[FIRST].act(passing(FIRST)))["type"] == "ack"
        answered = loop.time() - sent
        assert (await undo)["type"] == "ack"
        await run.settled(long)
        done.set()
        await ticker
        await close_all(*raws.values())
    assert max(gaps) < 0.1 and answered < 0.1, f"the event loop stood still for {max(gaps):.2f} s"
