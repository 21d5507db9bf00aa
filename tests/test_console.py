"""The facilitator's console (`negotiate teach`) over a real server with two tables: it lists
them with their alerts, and its controls reach one table or all, as actions in their logs."""

from __future__ import annotations

import html
import re

from textual.widgets import DataTable

from negotiate.engine.actions import actor
from negotiate.tui.app import NegotiateApp
from negotiate.tui.console import AnnounceDialog, ChoiceDialog, ConsoleScreen, alerts
from negotiate.tui.dialogs import FacilitatorMenu
from tests.net_helpers import TOKEN, serving


def shown(app: NegotiateApp) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")


async def until(pilot, done, what: str, tries: int = 100) -> None:
    for _ in range(tries):
        await pilot.pause(0.05)
        if done():
            return
    raise AssertionError(f"never: {what}")


async def test_the_console_steers_one_table_and_all_of_them(tmp_path, content):
    async with serving(tmp_path, content) as run:
        made = await run.new_class("crisis-2015", tables=2, bots="none")
        first, second = (t["table"] for t in made["tables"])
        app = NegotiateApp(content, teach=(run.url, TOKEN))
        async with app.run_test(size=(140, 40)) as pilot:
            await until(
                pilot, lambda: isinstance(app.screen, ConsoleScreen) and len(app.screen.tables) == 2, "two tables"
            )
            assert first in shown(app) and second in shown(app) and "waiting to start" in shown(app)
            await run.start(first)
            await run.start(second)
            await app.screen.look()

            await pilot.press("c")  # the controls of the first table, under the cursor
            await until(pilot, lambda: isinstance(app.screen, FacilitatorMenu), "the controls")
            await pilot.press("enter")  # its first control: pause
            await until(pilot, lambda: run.host(first).game.state.paused, "the first table paused")
            assert not run.host(second).game.state.paused, "only the table under the cursor"
            assert actor(run.host(first).game.log[-1]) == "facilitator", "the control is in the table's log"

            await pilot.press("p")  # pause all: the second too
            await until(pilot, lambda: run.host(second).game.state.paused, "every table paused")
            await pilot.press("r")
            await until(
                pilot, lambda: not any(run.host(t).game.state.paused for t in (first, second)), "every table resumed"
            )
            grid = app.screen.query_one(DataTable)
            assert grid.row_count == 2

            await pilot.press("M")  # a message to every table
            await until(pilot, lambda: isinstance(app.screen, AnnounceDialog), "the message dialog")
            await pilot.press(*"Five minutes left", "enter")
            for table in (first, second):
                await until(pilot, lambda t=table: run.host(t).game.state.messages, f"the message at {table}")
                said = run.host(table).game.state.messages[-1]
                assert (said.sender, said.to, said.text) == ("facilitator", None, "Five minutes left")
                assert any("The facilitator, to all: Five minutes left" in e.text for e in run.host(table).game.events)

            host = run.host(first)  # nobody joined it, and it has no bots: it waits for Brandholm
            await pilot.press("h")
            await until(pilot, lambda: isinstance(app.screen, ChoiceDialog), "the seats to hand over")
            await pilot.press("enter")  # Brandholm, to its default bot
            await until(pilot, lambda: any(actor(a) == "brandholm" for a in host.game.log), "Brandholm's bot playing")
            assert host.seating()["brandholm"] == "pragmatist:normal"
            assert any("hands Federal Republic of Brandholm to a bot" in e.text for e in host.game.events)
            await until(
                pilot, lambda: not host.queue.qsize() and host.game.current_seat != "brandholm", "its turn over"
            )
            await pilot.press("h")
            await until(pilot, lambda: isinstance(app.screen, ChoiceDialog), "the seats to hand over")
            await pilot.press("enter")  # and back to a person
            await until(pilot, lambda: host.seating()["brandholm"] == "waiting", "Brandholm a person's seat again")
            assert [a.type for a in host.game.log if a.type == "hand_over"] == ["hand_over", "hand_over"]


async def test_the_console_says_when_the_token_is_wrong(tmp_path, content):
    async with serving(tmp_path, content) as run:
        await run.new_class()
        app = NegotiateApp(content, teach=(run.url, "not the token"))
        async with app.run_test(size=(120, 30)) as pilot:
            await until(pilot, lambda: "token is missing or wrong" in shown(app), "the refusal")


def test_alerts_name_an_idle_table_a_seat_with_no_device_and_a_collapse_near():
    status = {
        "finished": False,
        "started": True,
        "paused": False,
        "idle": 200,
        "seating": {"a": "human", "b": "waiting", "c": "pragmatist:normal"},
        "connected": ["a"],
        "crisis": 17,
        "crisis_max": 20,
    }
    assert alerts(status) == ["idle 3 min", "no device: b", "collapse near"]
    calm = status | {"idle": 10, "connected": ["a", "b"], "crisis": 10}
    assert alerts(calm) == []
    assert alerts(status | {"finished": True}) == []


async def test_the_phase_timer_reaches_every_seat_and_at_time_up_ends_the_phase(tmp_path, content):
    import asyncio

    from tests.net_helpers import Raw, seat_codes

    async with serving(tmp_path, content) as run:
        made = await run.new_class("classroom", bots="none")
        table = made["tables"][0]["table"]
        seat = await Raw.join(run.url, seat_codes(made)["zanoka"])
        await run.start(table)
        answer = await run.act(table, {"type": "set_timer", "minutes": 1, "ends_phase": True})
        assert answer["type"] == "ack"
        told = await seat.until(lambda m: m["type"] == "update" and m.get("timer"))
        assert told["timer"]["minutes"] == 1 and told["timer"]["ends_phase"] and 0 < told["timer"]["left"] <= 60
        host = run.host(table)
        phase = host.game.state.phase
        host.phase_started -= 61  # a minute goes by
        host._arm()
        for _ in range(100):
            await asyncio.sleep(0.02)
            if host.game.state.phase != phase:
                break
        assert host.game.state.phase != phase, "time up ended the phase"
        assert [a.type for a in host.game.log][-1:] == ["end_phase"], "as the facilitator's action, in the log"
        await seat.close()


async def test_the_console_writes_the_class_debrief(tmp_path, content, monkeypatch):
    monkeypatch.chdir(tmp_path)
    async with serving(tmp_path, content) as run:
        made = await run.new_class("classroom", tables=2, bots="default")
        for t in made["tables"]:
            await run.start(t["table"])
            await run.settled(t["table"], timeout=30)
        app = NegotiateApp(content, teach=(run.url, TOKEN))
        async with app.run_test(size=(140, 40)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and app.screen.tables, "the tables")
            await pilot.press("d")
            written = tmp_path / f"class-{made['class']}-debrief.html"
            await until(pilot, written.exists, "the debrief written", tries=400)
        page = written.read_text()
        assert all(t["table"] in page for t in made["tables"]) and "<script" not in page
        assert (tmp_path / f"class-{made['class']}-debrief.md").exists()


async def test_a_seats_code_opens_no_facilitators_control(tmp_path, content):
    from tests.net_helpers import seat_codes

    async with serving(tmp_path, content) as run:
        made = await run.new_class()
        table, code = made["tables"][0]["table"], seat_codes(made)["zanoka"]
        for method, path, body in (
            ("GET", "/api/status", None),
            ("GET", f"/api/tables/{table}/controls", None),
            ("POST", f"/api/tables/{table}/act", {"action": {"type": "pause"}}),
            ("POST", "/api/start", {"table": table}),
        ):
            async with run.http.request(
                method, run.url + path, json=body, headers={"Authorization": f"Bearer {code}"}
            ) as answer:
                assert answer.status == 401, path
        assert not run.host(table).started and not run.host(table).game.log


async def test_the_console_in_a_browser_asks_for_the_token(tmp_path, content):
    from negotiate.tui.console import TokenScreen

    async with serving(tmp_path, content) as run:
        await run.new_class()
        app = NegotiateApp(content, teach=(run.url, None))
        async with app.run_test(size=(120, 30)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, TokenScreen), "the token asked for")
            await pilot.press(*"wrong", "enter")
            await until(pilot, lambda: "refuses" in shown(app), "the wrong token refused")
            field = app.screen.query_one("#token")
            field.value = ""  # type: ignore[attr-defined]
            await pilot.press(*TOKEN, "enter")
            await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and app.screen.tables, "the console")


async def test_a_control_for_the_class_reaches_every_table_of_it(tmp_path, content):
    async with serving(tmp_path, content) as run:
        made = await run.new_class("crisis-2015", tables=2, bots="none")
        tables = [t["table"] for t in made["tables"]]
        for table in tables:
            await run.start(table)
        app = NegotiateApp(content, teach=(run.url, TOKEN))
        async with app.run_test(size=(140, 40)) as pilot:
            await until(pilot, lambda: isinstance(app.screen, ConsoleScreen) and app.screen.tables, "the tables")
            await pilot.press("C")
            await until(pilot, lambda: isinstance(app.screen, FacilitatorMenu), "the controls")
            await pilot.press("down", "enter")  # end this phase
            await until(
                pilot,
                lambda: all(run.host(t).game.log and run.host(t).game.log[-1].type == "end_phase" for t in tables),
                "the phase ended at both tables",
            )
