"""The room's screen (`negotiate watch`): a table's public view behind the facilitator's token,
holding no seat's secret, and drawn large by the projector screen."""

from __future__ import annotations

import asyncio
import html
import re

from textual.widgets import Digits

from negotiate.tui.app import NegotiateApp
from negotiate.tui.projector import ProjectorScreen
from tests.net_helpers import TOKEN, Raw, serving


async def watch(url: str, table: str, token: str = TOKEN) -> tuple[Raw, dict]:
    raw = await Raw.connect(url)
    await raw.send({"type": "watch", "version": 1, "table": table, "token": token})
    return raw, await raw.next()


async def test_the_screen_follows_a_whole_game_and_hears_no_secret(tmp_path, content):
    """Every message to the screen, until the game is over, holds no seat's agenda (id, title or
    text), no hand card, and no message that was not sent to all; at the end the agendas are
    revealed to all, as on every seat's screen."""
    async with serving(tmp_path, content) as run:
        table = (await run.new_class("crisis-2015", rounds=3, bots="default"))["tables"][0]["table"]
        screen, first = await watch(run.url, table)
        assert first["type"] == "snapshot" and first["seat"] == "" and first["legal"] == []
        await run.start(table)
        await screen.until(lambda m: m.get("view", {}).get("phase") == "game_over", timeout=60)
        game = run.host(table).game
        state, drawn = game.state, {e.card for e in game.events if e.kind == "trend"}
        secrets = set()
        for seat in game.table.order:
            card = content.agendas[state.secrets[seat].agenda]
            secrets |= {card.id, card.name, card.text}
            for forecast in state.secrets[seat].hand:
                if forecast.card not in drawn:  # a trend card forecast in a hand is public once drawn
                    trend = content.trends[forecast.card]
                    secrets |= {trend.name, trend.text}
        private = [m.text for m in state.messages if m.to is not None]
        before_end = [m for m in screen.got if m.get("view", {}).get("phase") != "game_over"]
        assert len(before_end) > 20, "the screen was sent the game as it went"
        for message in before_end:
            text = str(message)
            assert message["view"]["agenda"] == "" and message["view"]["hand"] == [] and message["score"] == {}
            assert not [s for s in secrets if s in text], "a secret on the room's screen"
            assert not [m for m in private if m in text], "a private message on the room's screen"
        assert screen.got[-1]["view"]["agendas"], "the agendas are revealed to all at the end"
        await screen.close()


async def test_watching_needs_the_token_and_the_screen_cannot_act(tmp_path, content):
    async with serving(tmp_path, content) as run:
        table = (await run.new_class())["tables"][0]["table"]
        stranger, refused = await watch(run.url, table, "not the token")
        assert refused["type"] == "error" and refused["fatal"] and "facilitator's token" in refused["reason"]
        nowhere, missing = await watch(run.url, "nowhere-1")
        assert missing["type"] == "error" and "no table 'nowhere-1'" in missing["reason"]
        screen, _ = await watch(run.url, table)
        await run.start(table)
        seq = run.host(table).seq
        await screen.send({"type": "act", "version": 1, "id": "x", "action": {"type": "pass", "seat": "zanoka"}})
        error = await screen.until(lambda m: m["type"] == "error")
        assert "cannot act" in error["reason"] and run.host(table).seq >= seq
        for raw in (stranger, nowhere, screen):
            await raw.close()


async def test_the_projector_screen_shows_the_year_the_world_and_the_deals_in_force(tmp_path, content):
    async with serving(tmp_path, content) as run:
        table = (await run.new_class("classroom", rounds=2, bots="default"))["tables"][0]["table"]
        app = NegotiateApp(content, watch=(run.url, table, TOKEN))
        async with app.run_test(size=(140, 45)) as pilot:
            for _ in range(100):
                await pilot.pause(0.05)
                if isinstance(app.screen, ProjectorScreen):
                    break
            assert isinstance(app.screen, ProjectorScreen)
            await run.start(table)
            await run.settled(table, timeout=30)
            await asyncio.sleep(0.2)
            await pilot.pause()
            screen = app.screen
            shown = html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")
            assert isinstance(screen, ProjectorScreen)
            assert "The game is over" in shown and "Deals in force" in shown and "Crisis pressure" in shown
            year = str(screen.link.seen.view.year)
            assert screen.query_one("#projector-year", Digits).value == year
        assert app.links and all(link.closed for link in app.links)


async def test_the_class_view_shows_every_table_side_by_side(tmp_path, content):
    from negotiate.tui.projector import ClassScreen

    async with serving(tmp_path, content) as run:
        made = await run.new_class("classroom", tables=2, rounds=1, bots="default")
        app = NegotiateApp(content, watch=(run.url, made["class"], TOKEN))
        async with app.run_test(size=(160, 45)) as pilot:
            for _ in range(100):
                await pilot.pause(0.05)
                if isinstance(app.screen, ClassScreen):
                    break
            assert isinstance(app.screen, ClassScreen) and len(app.screen.links) == 2
            for t in made["tables"]:
                await run.start(t["table"])
                await run.settled(t["table"], timeout=30)
            await asyncio.sleep(0.2)
            await pilot.pause()
            shown = html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")
            assert all(t["table"] in shown for t in made["tables"])
            assert shown.count("The game is over") == 2 and "Crisis pressure" in shown
