"""The table in textual, driven by key presses as a player would: a whole solo game to the end
screen, hot-seat privacy, the composer's errors, the facilitator's menu, and resuming after a
kill from the autosave written after every action."""

from __future__ import annotations

import html
import io
import re

import pytest
from rich.console import Console, RenderableType
from rich.text import Text
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import OptionList, Select, Static

from negotiate.bots import default_lineup
from negotiate.content import Content
from negotiate.engine import Game, digest
from negotiate.engine.actions import (
    Accept,
    Campaign,
    Counter,
    Endorse,
    Pass,
    Propose,
    PublishEvidence,
    Ratify,
    Refuse,
    Reject,
    SidePayment,
    actor,
)
from negotiate.engine.events import Story, possessive
from negotiate.engine.moves import reveal
from negotiate.engine.scoring import ScoreLine
from negotiate.engine.state import Deal, TermOffer
from negotiate.sim import play_game
from negotiate.tui import panels, saves
from negotiate.tui.app import NegotiateApp
from negotiate.tui.dialogs import BOTS_READ_NO_TEXT
from negotiate.tui.panels import deal_card, global_tracks, own_cards
from negotiate.tui.preview import foresight, preview
from negotiate.tui.session import Session
from negotiate.tui.words import figure, leverage, moves_now
from tests.conftest import next_round, pass_until


@pytest.fixture(autouse=True)
def saves_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("NEGOTIATE_SAVES", str(tmp_path / "saves"))


def session_for(content: Content, scenario: str, people: set[str], seed: int = 3, rounds: int | None = None) -> Session:
    table = Game(content, scenario).table
    seating = {seat: None if seat in people else spec for seat, spec in default_lineup(table).items()}
    return Session.new(content, scenario, seed, seating, rounds, autosave=saves.new_game_path(table, sorted(people)))


def screen_text(app: NegotiateApp) -> str:
    """Everything on screen now, as plain text (from the SVG screenshot)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def painted(widget: Widget) -> list[str]:
    """The characters a widget paints, row by row, without colour: what a monochrome terminal shows."""
    return [strip.text for strip in widget.render_lines(Region(0, 0, *widget.outer_size))]


def printed(renderable: RenderableType) -> str:
    """A panel as a 120-column terminal prints it, without colour."""
    console = Console(width=120, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def until(pilot, condition, steps: int = 400) -> None:
    for _ in range(steps):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("the app never got there")


async def open_composer(pilot, app: NegotiateApp, session: Session, seat: str = "brandholm") -> None:
    """Wait for the seat's turn and open the composer with n."""
    await until(pilot, lambda: session.game.current_seat == seat)
    await pilot.press("n")
    await until(pilot, lambda: type(app.screen).__name__ == "ComposerScreen")


async def play_my_turns(pilot, app: NegotiateApp, session: Session, limit: int = 3000) -> None:
    """Pass (or take the first move) by keys whenever a person is to act, until the game ends."""
    for _ in range(limit):
        game = session.game
        if game.is_over:
            return
        seat = game.current_seat
        if seat is not None and session.is_human(seat) and type(app.screen).__name__ == "TableScreen":
            table_screen = app.screen
            if table_screen.viewer == seat:
                kinds = {a.type for a in game.legal_actions(seat)}
                await pilot.press("p" if "pass" in kinds else "enter")
        await pilot.pause(0.01)
    raise AssertionError("the game did not end")


async def test_a_solo_game_is_played_to_the_end_screen_by_keys(content):
    session = session_for(content, "classroom", {"aldermark"}, rounds=2)
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await play_my_turns(pilot, app, session)
        await until(pilot, lambda: type(app.screen).__name__ == "EndScreen")
        assert session.game.is_over
        assert any(a.reason for a in session.game.log), "bots gave their reasons"
        text = screen_text(app)
        assert "Aldermark" in text


async def test_bot_reasons_show_in_the_log(content):
    session = session_for(content, "crisis-2015", {"lifeline"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: session.game.current_seat == "lifeline" and app.screen.viewer == "lifeline")
        await pilot.press("5")
        await pilot.pause(0.1)
        reasons = [e.text for e in session.game.events if e.kind == "reason"]
        assert reasons
        assert "↳" in screen_text(app)


async def test_hot_seat_never_shows_one_seats_secrets_to_another(content):
    session = session_for(content, "classroom", {"aldermark", "zanoka"}, rounds=2)
    agendas = {s: content.agendas[session.game.state.secrets[s].agenda] for s in ("aldermark", "zanoka")}
    assert agendas["aldermark"].name != agendas["zanoka"].name
    app = NegotiateApp(content, session, bot_delay=0)
    seen = {"aldermark": 0, "zanoka": 0}
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(2000):
            game = session.game
            if game.is_over:
                break
            screen = app.screen
            name = type(screen).__name__
            if name == "PrivacyScreen":
                text = screen_text(app)
                assert agendas["aldermark"].name not in text and agendas["zanoka"].name not in text
                table = app.screen_stack[-2]
                assert not table.query_one("#aside").display, "no deal foreseen, no seat's moves behind it"
                await pilot.press("enter")
            elif name == "TableScreen" and screen.viewer == game.current_seat and screen.viewer in seen:
                me = screen.viewer
                other = "zanoka" if me == "aldermark" else "aldermark"
                await pilot.press("3")  # the You tab: hand and agenda
                await pilot.pause(0.02)
                text = screen_text(app)
                assert agendas[me].name in text
                assert agendas[other].name not in text
                seen[me] += 1
                kinds = {a.type for a in game.legal_actions(me)}
                await pilot.press("p" if "pass" in kinds else "enter")
            await pilot.pause(0.01)
    assert seen["aldermark"] and seen["zanoka"], "both people had turns"


async def test_the_composer_says_why_a_deal_is_invalid_and_stays_open(content):
    from textual.widgets import SelectionList

    session = session_for(content, "crisis-2015", {"brandholm"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_composer(pilot, app, session)
        composer = app.screen
        await pilot.press("ctrl+enter")
        await pilot.pause(0.05)
        assert "add at least one term" in screen_text(app)
        composer.offers.append(TermOffer(term="skill_partnership", giver="brandholm", receiver="surannah"))
        parties = composer.query_one("#parties", SelectionList)
        parties.select("surannah")
        parties.select("dunmar")
        await pilot.pause(0.05)
        await pilot.press("ctrl+enter")
        await pilot.pause(0.05)
        assert "a bilateral deal has exactly two parties" in screen_text(app)
        assert type(app.screen).__name__ == "ComposerScreen"
        assert not session.game.log, "nothing was sent"
        parties.deselect("dunmar")
        await pilot.pause(0.05)
        assert "ready to send" in screen_text(app)
        assert "your score" in screen_text(app), "the foreseen effect is shown"
        await pilot.press("ctrl+enter")
        await until(pilot, lambda: type(app.screen).__name__ == "TableScreen")
        assert session.game.log[0].type == "propose"


async def test_the_composer_adds_the_term_just_chosen_however_quick_the_keys(content):
    """Add pressed before the composer has caught up with the term just chosen, and two changes
    of term in a row, neither crash it (it once did: no '#param-strength'): the term chosen is
    added with the parameters shown for it."""
    from textual.widgets import Button, SelectionList

    session = session_for(content, "crisis-2015", {"brandholm"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_composer(pilot, app, session)
        composer = app.screen
        composer.query_one("#parties", SelectionList).select("dorvasa")
        await pilot.pause()
        term, add = composer.query_one("#term", Select), composer.query_one("#add", Button)
        term.value = "border_enforcement"
        add.press()  # at once: the change of term has not reached the composer yet
        await pilot.pause()
        assert composer.offers == [], "no giver or receiver was chosen yet"
        for chosen in ("payment", "border_enforcement"):  # two changes, no pause between
            term.value = chosen
        await pilot.pause()
        assert "Patrols (1-5)" in screen_text(app) and "Paid per round" not in screen_text(app)
        composer.query_one("#giver", Select).value = "dorvasa"
        composer.query_one("#receiver", Select).value = "brandholm"
        await pilot.pause()
        add.press()
        await pilot.pause()
        assert composer.offers == [
            TermOffer(term="border_enforcement", giver="dorvasa", receiver="brandholm", params={"strength": 2})
        ]


async def compose_two_terms(pilot, app: NegotiateApp, session: Session):
    """Open the composer as Brandholm with Surannah ticked and two terms in the draft."""
    from textual.widgets import SelectionList

    await open_composer(pilot, app, session)
    composer = app.screen
    composer.query_one("#parties", SelectionList).select("surannah")
    for term in ("skill_partnership", "legal_pathway"):
        composer.query_one("#term", Select).value = term
        await pilot.pause()
        composer.query_one("#giver", Select).value = "brandholm"
        composer.query_one("#receiver", Select).value = "surannah"
        composer.query_one("#add").press()
        await pilot.pause()
    assert [offer.term for offer in composer.offers] == ["skill_partnership", "legal_pathway"]
    return composer


async def test_the_composer_terms_list_starts_on_the_first_term(content):
    """Tab to the terms, ↓ and Delete: the second term goes (the cursor started on the first)."""
    session = session_for(content, "crisis-2015", {"brandholm"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(100, 40)) as pilot:
        composer = await compose_two_terms(pilot, app, session)
        composer.query_one("#terms").focus()
        await pilot.pause()
        await pilot.press("down", "delete")
        await pilot.pause()
        assert [offer.term for offer in composer.offers] == ["skill_partnership"]


@pytest.mark.parametrize("key", ["escape", "cancel"])
async def test_cancelling_a_draft_with_terms_asks_first(content, key):
    """Esc, or Enter on Cancel, asks before a draft with terms is thrown away: n keeps it, y
    discards it. An empty draft closes at once."""
    session = session_for(content, "crisis-2015", {"brandholm"})
    app = NegotiateApp(content, session, bot_delay=0)

    async def cancel() -> None:
        if key == "escape":
            await pilot.press("escape")
        else:
            app.screen.query_one("#cancel").focus()
            await pilot.pause()
            await pilot.press("enter")

    async with app.run_test(size=(100, 40)) as pilot:
        composer = await compose_two_terms(pilot, app, session)
        await cancel()
        await until(pilot, lambda: type(app.screen).__name__ == "Confirm")
        assert "Discard this draft?" in screen_text(app)
        await pilot.press("n")
        await until(pilot, lambda: app.screen is composer)
        assert len(composer.offers) == 2
        await cancel()
        await until(pilot, lambda: type(app.screen).__name__ == "Confirm")
        await pilot.press("y")
        await until(pilot, lambda: type(app.screen).__name__ == "TableScreen")
        assert not session.game.log, "nothing was sent"
        await pilot.press("n")
        await until(pilot, lambda: type(app.screen).__name__ == "ComposerScreen")
        await cancel()
        await until(pilot, lambda: type(app.screen).__name__ == "TableScreen")


async def test_the_composer_ticks_read_without_colour(content):
    """Ticked parties and the binding box are marked by characters, not by colour alone."""
    from textual.widgets import Checkbox, SelectionList

    session = session_for(content, "crisis-2015", {"brandholm"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_composer(pilot, app, session)
        composer, table = app.screen, session.table
        parties, binding = composer.query_one("#parties", SelectionList), composer.query_one("#binding", Checkbox)

        def mark(widget: Widget, label: str) -> str:
            """What the widget shows before `label` on its row."""
            row = next(row for row in painted(widget) if label in row)
            return row[: row.index(label)]

        def party_marks() -> dict[str, str]:
            return {seat: mark(parties, f"{table.name(seat)} (") for seat in table.order}

        ticked, unticked = party_marks()["brandholm"], party_marks()["surannah"]
        assert ticked.strip() != unticked.strip(), f"{ticked!r} and {unticked!r} differ only in colour"
        assert len(ticked) == len(unticked)
        assert party_marks() == {seat: ticked if seat == "brandholm" else unticked for seat in table.order}
        parties.focus()
        await pilot.press(*["down"] * table.order.index("surannah"), "space")
        await pilot.pause(0.05)
        assert parties.selected == ["brandholm", "surannah"]
        assert party_marks() == {
            seat: ticked if seat in ("brandholm", "surannah") else unticked for seat in table.order
        }

        off = mark(binding, "binding")
        binding.focus()
        await pilot.press("space")
        await pilot.pause(0.05)
        assert binding.value
        on = mark(binding, "binding")
        assert on.strip() != off.strip() and len(on) == len(off)


async def test_keys_pressed_off_turn_say_whose_turn_it_is_and_change_nothing(content, monkeypatch):
    session = session_for(content, "crisis-2015", {"lifeline"})
    app = NegotiateApp(content, session, bot_delay=60)  # after its move, a bot waits a minute
    said: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: len(session.game.log) == 1)
        monkeypatch.setattr(app, "notify", lambda message, **_: said.append(message))
        before, waiting = digest(session.game), session.table.name(session.game.current_seat)
        for key in ("p", "n", "m", "a"):
            await pilot.press(key)
        await pilot.pause(0.05)
        assert type(app.screen).__name__ == "TableScreen", "no composer or message dialog opened"
        assert said == [
            f"Not your turn: {waiting} is to play. You can {doing} on your own turn."
            for doing in ("pass", "propose a deal", "write a message", "ask a bot")
        ]
        assert digest(session.game) == before


async def test_the_log_tab_wraps_lines_written_while_it_was_hidden_at_its_own_width(content):
    """A side payment made from the World tab, after the Log tab was read once: in the Log tab
    its lines are as wide as the log (they were wrapped at 20 columns, for good)."""
    from textual.widgets import RichLog

    session = session_for(content, "crisis-2015", {"brandholm"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: session.game.current_seat == "brandholm")
        await pilot.press("5", "1", "down", "down", "enter")  # Log, World, then Pay a side payment…
        await until(pilot, lambda: type(app.screen).__name__ == "PaymentDialog")
        app.screen.query_one("#to", Select).value = "dorvasa"
        app.screen.query_one("#amount", Select).value = 1
        await pilot.pause()
        app.screen.query_one("#pay").press()
        await until(pilot, lambda: type(app.screen).__name__ == "TableScreen")
        await until(pilot, lambda: session.game.current_seat == "brandholm")
        latest = app.screen.query_one("#latest", RichLog)
        assert any("side payment from" in line.text for line in latest.lines), "What just happened shows it too"
        await pilot.press("5")
        await pilot.pause()
        log = app.screen.query_one("#log-panel", RichLog)
        rows = [line.text for line in log.lines]
        paid = "2015 Federal Republic of Brandholm: budget -1 to"
        assert any(row.startswith(paid) for row in rows), rows
        assert max(map(len, rows)) <= log.scrollable_content_region.width


async def test_the_facilitator_pauses_undoes_and_ends_the_phase(content):
    session = session_for(content, "crisis-2015", {"brandholm"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: session.game.current_seat == "brandholm")
        before = session.game.state.model_dump_json()  # the position (the digest covers the log too)
        await pilot.press("p")
        await until(pilot, lambda: session.game.current_seat == "brandholm")
        assert session.game.state.model_dump_json() != before
        await pilot.press("f")
        await until(pilot, lambda: type(app.screen).__name__ == "FacilitatorMenu")
        assert "Undo: take back the last move by a person" in screen_text(app)
        options = app.screen.query_one("#controls")
        undo = [i for i in range(options.option_count) if "Undo" in str(options.get_option_at_index(i).prompt)]
        options.highlighted = undo[0]
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert session.game.state.model_dump_json() == before, "back to before the person's pass"
        assert session.game.current_seat == "brandholm"
        await pilot.press("f")
        await until(pilot, lambda: type(app.screen).__name__ == "FacilitatorMenu")
        options = app.screen.query_one("#controls")
        options.highlighted = 0  # pause comes first
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert session.game.state.paused
        assert "PAUSED" in screen_text(app)
        paused_at = len(session.game.log)
        await pilot.pause(0.3)
        assert len(session.game.log) == paused_at, "no bot moves while paused"


async def test_after_acting_from_a_tab_enter_chooses_a_move_again(content):
    """A message sent and a pass made while reading the World tab (focus in its pane): after
    each, the moves list has the focus back, so Enter opens the highlighted move."""
    from textual.widgets import Input

    session = session_for(content, "crisis-2015", {"brandholm"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: session.game.current_seat == "brandholm")
        table = app.screen
        world = table.query_one("#world-panel").parent
        world.focus()
        await pilot.press("m")
        await until(pilot, lambda: type(app.screen).__name__ == "MessageDialog")
        app.screen.query_one("#text", Input).value = "Shall we talk about patrols?"
        app.screen.query_one("#send").press()
        await until(pilot, lambda: app.screen is table)
        await pilot.pause()
        assert table.focused is table.query_one("#moves")
        world.focus()
        await pilot.press("p")
        await until(pilot, lambda: session.game.current_seat == "brandholm" and len(session.game.log) > 2)
        await pilot.press("enter")  # the first move: Propose a deal…
        await until(pilot, lambda: type(app.screen).__name__ == "ComposerScreen")


async def test_the_phase_timer_shows_at_80_columns(content):
    """The facilitator sets a phase timer: on an 80-column terminal the status line shows it, with
    whose turn it is and the beats left."""
    from textual.widgets import Input

    session = session_for(content, "crisis-2015", {"brandholm"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: session.game.current_seat == "brandholm")
        await pilot.press("f")
        await until(pilot, lambda: type(app.screen).__name__ == "FacilitatorMenu")
        app.screen.query_one("#minutes", Input).value = "5"
        app.screen.query_one("#set").press()
        await until(pilot, lambda: type(app.screen).__name__ == "TableScreen")
        await pilot.pause()
        status = painted(app.screen.query_one("#status"))
        assert len(status) == 2
        assert "Your turn" in status[1] and f"beats left {session.game.view('brandholm').beats_left}" in status[1]
        assert re.search(r"⏱ \d\d:\d\d of 5:00", status[1]), status


async def test_an_app_killed_mid_game_resumes_at_its_last_action(content):
    session = session_for(content, "crisis-2015", {"dorvasa"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: session.game.current_seat == "dorvasa")
        await pilot.press("p")
        await until(pilot, lambda: session.game.current_seat == "dorvasa")
        # every action is on disk at once: this is all a killed app leaves behind
        on_disk = saves.load(content, session.autosave)
        assert digest(on_disk.game) == digest(session.game)
        assert on_disk.labels() == session.labels()
    resumed = saves.resume(content, session.autosave)
    app = NegotiateApp(content, resumed, bot_delay=0)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.1)
        assert app.screen.viewer == "dorvasa"
        assert resumed.game.current_seat == "dorvasa"
        assert not app.screen.query_one("#aside").display, "Dorvasa has moved: no first-turn brief again"


def test_the_crisis_row_tells_how_hard_shocks_strike_this_round(content: Content) -> None:
    game = Game(content, "compact-2030", 1)
    view = game.view(game.table.order[0])

    def crisis_row(round_index: int) -> str:
        shown = printed(global_tracks(game.table, view.model_copy(update={"round": round_index})))
        return next(line for line in shown.splitlines() if line.startswith("Crisis"))

    assert "shocks" not in crisis_row(0)
    assert f"shocks ×{game.table.escalation(2):g}" in crisis_row(2)
    assert game.table.escalation(2) > 1


def test_the_forecast_card_shows_what_is_still_to_come_and_says_when_nothing_more_is(content: Content) -> None:
    game = Game(content, "crisis-2015", 3)
    seat = game.table.order[0]
    view = game.view(seat)
    [card] = view.hand
    foreseen = f"{game.table.year(card.round)}: {content.trends[card.card].name}."

    def you(round_index: int) -> str:
        return printed(own_cards(game.table, view.model_copy(update={"round": round_index}), [], ""))

    assert card.round > 1
    assert foreseen in you(card.round - 1)
    assert foreseen not in you(card.round), "that year's trend has struck: it is foreseen no more"
    assert "Your analysts foresee nothing more for the years to come." in you(card.round)


def test_an_agreed_deal_awaits_ratification_only_if_it_is_binding(content: Content) -> None:
    game = Game(content, "crisis-2015", 3)
    offer = TermOffer(term="payment", giver="brandholm", receiver="dorvasa", params={"amount": 3})

    def status(binding: bool) -> str:
        deal = Deal(
            id=1,
            proposer="brandholm",
            forum="bilateral",
            parties=["brandholm", "dorvasa"],
            terms=[offer],
            binding=binding,
            duration=2,
            status="agreed",
            round=0,
            accepted=["brandholm", "dorvasa"],
        )
        return deal_card(game.table, game.view("brandholm"), deal).plain.splitlines()[0]

    assert "[agreed: awaiting ratification]" in status(binding=True)
    assert "[agreed: enters into force at implementation]" in status(binding=False)


def test_a_plural_takes_a_bare_apostrophe_where_the_game_writes_a_possessive(content: Content) -> None:
    """ "the parties' cohesion", "Open Hands' turn": never "parties's"."""
    assert [possessive(noun) for noun in ("Vellara", "the giver", "parties", "Open Hands")] == [
        "Vellara's",
        "the giver's",
        "parties'",
        "Open Hands'",
    ]
    game = Game(content, "crisis-2015", 3)
    story = Story(game.state)
    reveal(game.table, game.state, "no_child_detention", story, "Lifeline Coalition publishes evidence")
    [evidence] = story.events
    assert "parties' cohesion" in evidence.text and "s's" not in evidence.text


def test_no_number_shows_as_minus_zero(content: Content) -> None:
    """A weight of -1 on an empty track scores -0.0 points: the You tab shows 0, never -0."""
    game = Game(content, "crisis-2015", 3)
    lines = [ScoreLine("objective", "Unfilled jobs", -0.0), ScoreLine("objective", "Welfare", -0.04)]
    shown = printed(own_cards(game.table, game.view("brandholm"), lines, ""))
    assert "     0  Unfilled jobs" in shown and "   0.0  total" in shown
    assert not re.search(r"-0(\.0+)?(?![\d.])", shown), "a minus zero"
    assert [figure(x, spec) for x, spec in ((-0.0, "g"), (-0.04, "+.1f"), (-0.04, ">6.1f"), (-2.5, "g"))] == [
        "0",
        "+0.0",
        "   0.0",
        "-2.5",
    ]


async def test_the_global_forum_ticks_every_state_and_gives_back_the_earlier_choice(content):
    from textual.widgets import Select, SelectionList

    session = session_for(content, "crisis-2015", {"brandholm"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_composer(pilot, app, session)
        composer = app.screen
        parties, forum = composer.query_one("#parties", SelectionList), composer.query_one("#forum", Select)
        parties.select("surannah")
        await pilot.pause(0.05)
        forum.value = "global"
        await pilot.pause(0.05)
        assert sorted(parties.selected) == sorted(session.table.states) and parties.disabled
        assert "lifeline" not in parties.selected, "an NGO is never a party"
        forum.value = "bilateral"
        await pilot.pause(0.05)
        assert parties.selected == ["brandholm", "surannah"] and not parties.disabled


async def test_a_resumed_game_shows_the_corridor_trends_at_once(content):
    played = Game(content, "compact-2030", 2)
    next_round(played)
    next_round(played)
    assert played.state.round == 2 and not played.is_over
    resumed = Game.replayed(content, "compact-2030", 2, played.log)
    session = Session(resumed, dict.fromkeys(resumed.table.order))
    before, now = resumed.state.history[-2], resumed.state.history[-1]
    expected = []
    for i, corridor in enumerate(resumed.state.corridors):
        old, new = before[f"corridors.{i}.irregular"], now[f"corridors.{i}.irregular"]
        assert new == corridor.irregular
        expected.append(f"{new} {'▲' if new > old else '▼' if new < old else '='} /{corridor.threshold}")
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: type(app.screen).__name__ in ("TableScreen", "PrivacyScreen"))
        if type(app.screen).__name__ == "PrivacyScreen":
            await pilot.press("enter")
        await until(pilot, lambda: "Corridors" in screen_text(app))
        text = screen_text(app)
        assert all(cell in text for cell in expected), (expected, text)


async def test_the_rulebook_opens_from_the_table_and_escape_comes_back_to_the_same_turn(content):
    session = session_for(content, "crisis-2015", {"lifeline"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: session.game.current_seat == "lifeline" and app.screen.viewer == "lifeline")
        table, actions = app.screen, len(session.game.log)
        for _ in range(2):  # the second time, the rulebook built the first time opens again
            await pilot.press("r")
            await until(pilot, lambda: type(app.screen).__name__ == "RulebookScreen")
            assert "Rulebook" in screen_text(app)
            await pilot.press("escape")
            await until(pilot, lambda: app.screen is table)
        assert len(session.game.log) == actions, "reading the rules took no turn"
        await pilot.press("p")
        await until(pilot, lambda: len(session.game.log) > actions)
        assert session.game.log[actions].type == "pass"


async def test_a_game_that_ends_while_the_rulebook_is_open_shows_the_end_screen_once_it_is_closed(content):
    table = Game(content, "classroom").table
    whole = play_game(content, "classroom", 3, default_lineup(table))
    person = next(seat for seat in table.order if seat != actor(whole.log[-1]))  # the bots make the last move
    session = session_for(content, "classroom", {person})
    for action in whole.log[:-1]:
        session.apply(action)
    # The end screen is due once the last bot move has been shown for bot_delay seconds: the test
    # ends that delay itself, with the rules open, rather than racing r against a timer.
    app = NegotiateApp(content, session, bot_delay=600)
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: session.game.is_over)  # the bots end it
        table = app.screen
        await pilot.press("r")
        await until(pilot, lambda: type(app.screen).__name__ == "RulebookScreen")
        table.action_skip()  # the last move's delay runs out: the end screen is due
        await pilot.pause()
        assert type(app.screen).__name__ == "RulebookScreen", "the rules stay open as long as they are read"
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "EndScreen")
        assert [type(s).__name__ for s in app.screen_stack] == ["Screen", "EndScreen"]


@pytest.mark.parametrize(
    ("people", "to", "noted"),
    [
        ({"lifeline"}, "all", True),
        ({"lifeline", "dunmar"}, "all", False),
        ({"lifeline", "dunmar"}, "vellara", True),
        ({"lifeline", "dunmar"}, "dunmar", False),
    ],
)
async def test_a_message_to_bots_alone_says_that_bots_do_not_read_free_text(content, people, to, noted):
    session = session_for(content, "crisis-2015", people)
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(2000):
            seat = session.game.current_seat
            if type(app.screen).__name__ == "PrivacyScreen":
                await pilot.press("enter")
            elif getattr(app.screen, "viewer", None) == seat == "lifeline":
                break
            elif getattr(app.screen, "viewer", None) == seat and session.is_human(seat):
                await pilot.press("p")  # Dunmar passes: the keyboard goes on to Lifeline
            await pilot.pause(0.01)
        assert session.game.current_seat == "lifeline"
        await pilot.press("m")
        await until(pilot, lambda: type(app.screen).__name__ == "MessageDialog")
        app.screen.query_one("#to", Select).value = to
        await pilot.pause()
        note = str(app.screen.query_one("#bots-note", Static).render())
        assert (note == BOTS_READ_NO_TEXT) is noted


# --- a deal foreseen where it is decided ------------------------------------------------------

PATHWAY = TermOffer(term="legal_pathway", giver="brandholm", receiver="dunmar", params={"quota": 2})
"""Brandholm opens a legal pathway to Dunmar's workers: the deal Dunmar is offered below."""


def offered_to_dunmar(content: Content, binding: bool = False) -> Session:
    """A game where Dunmar, played by a person, is offered deal #1 by Brandholm (a bot)."""
    session = session_for(content, "crisis-2015", {"dunmar"})
    offer = Propose(seat="brandholm", forum="bilateral", parties=["brandholm", "dunmar"], terms=[PATHWAY])
    session.apply(offer.model_copy(update={"binding": binding}))
    return session


async def dunmars_turn(pilot, session: Session) -> None:
    await until(pilot, lambda: session.game.current_seat == "dunmar" and pilot.app.screen.viewer == "dunmar")
    await pilot.pause()


async def cursor_to(pilot, move: str) -> None:
    """Press ↓ until the cursor of Your moves is on `move` (as it reads in the list)."""
    moves = pilot.app.screen.query_one("#moves", OptionList)
    for _ in range(moves.option_count):
        if str(moves.highlighted_option.prompt) == move:
            return
        await pilot.press("down")
        await pilot.pause()
    raise AssertionError(f"no move {move!r} in Your moves")


def aside(app: NegotiateApp) -> tuple[str | None, str]:
    """The box beside Your moves, if it shows: its title and its text."""
    box = app.screen.query_one("#aside")
    return (box.border_title, str(app.screen.query_one("#aside-text", Static).render())) if box.display else (None, "")


@pytest.mark.parametrize("move", ["Accept deal #1", "Reject deal #1", "Counter deal #1…"])
async def test_a_move_on_a_deal_shows_its_foreseen_effect_on_you_as_the_composer_does(content, move):
    """With the cursor on a move that answers another seat's deal, the box beside the moves shows
    what the composer shows of the same deal, at 80x24; Counter's composer opens on it."""
    session = offered_to_dunmar(content)
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await dunmars_turn(pilot, session)
        await cursor_to(pilot, move)
        foreseen = preview(session.table, session.game.view("dunmar"), session.game.state.deal(1))
        assert aside(app) == ("Deal #1 foreseen for you", foresight(foreseen))
        assert f"Over 2 rounds, your score {figure(foreseen.score, '+.1f')}" in screen_text(app)
        assert not app.screen.query_one("#latest").display, "it stands in What just happened's place"
        if move.startswith("Counter"):
            await pilot.press("enter")
            await until(pilot, lambda: type(app.screen).__name__ == "ComposerScreen")
            await pilot.pause()
            assert str(app.screen.query_one("#preview", Static).render()) == foresight(foreseen)


async def test_ratifying_a_deal_shows_its_foreseen_effect_on_you(content):
    """At ratification, the first move (ratify deal #1) is under the cursor: its effect shows at once."""
    session = offered_to_dunmar(content, binding=True)
    game = session.game
    while game.current_seat != "dunmar":
        game.apply(Pass(seat=game.current_seat))
    game.apply(Accept(seat="dunmar", deal=1))
    pass_until(game, "ratification")
    game.apply(Ratify(seat="brandholm", deal=1))
    session.catch_up()
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await dunmars_turn(pilot, session)
        assert str(app.screen.query_one("#moves", OptionList).highlighted_option.prompt) == "Ratify deal #1"
        foreseen = preview(session.table, game.view("dunmar"), game.state.deal(1))
        assert aside(app) == ("Deal #1 foreseen for you", foresight(foreseen))
        await cursor_to(pilot, "Refuse to ratify deal #1")
        assert aside(app) == ("Deal #1 foreseen for you", foresight(foreseen))


async def test_the_cursor_foresees_a_deal_once_per_view_and_what_just_happened_comes_back(content, monkeypatch):
    """Moving the cursor over moves on one deal foresees it once (the deal board already did):
    a second look is the same; a move on no deal shows What just happened (after the first move,
    which shows the seat's leverage). The deal board says what the deal is worth to you."""
    from negotiate.tui import table as table_module

    foreseen: list[int] = []

    def counted(table, view, deal):
        foreseen.append(deal.id)
        return preview(table, view, deal)

    monkeypatch.setattr(table_module, "preview", counted)
    session = offered_to_dunmar(content)
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(100, 32)) as pilot:
        await dunmars_turn(pilot, session)
        await pilot.press("m")
        await until(pilot, lambda: type(app.screen).__name__ == "MessageDialog")
        app.screen.query_one("#text").value = "Two hundred nurses a year?"
        app.screen.query_one("#send").press()
        await until(pilot, lambda: type(app.screen).__name__ == "TableScreen")
        await pilot.pause()
        foreseen.clear()
        for move in ("Accept deal #1", "Reject deal #1", "Counter deal #1…", "Accept deal #1"):
            await cursor_to(pilot, move)
            assert aside(app)[0] == "Deal #1 foreseen for you"
            await pilot.press("up")  # off the deal's moves and back again
            await pilot.pause()
        assert foreseen == [], "the deal board foresaw the deal when the view was drawn"
        await cursor_to(pilot, "Write a message… (m)")
        assert aside(app) == (None, "") and app.screen.query_one("#latest").display
        await pilot.press("2")
        await pilot.pause()
        score = preview(session.table, session.game.view("dunmar"), session.game.state.deal(1)).score
        assert f"for you: score {figure(score, '+.1f')} over 2 rounds" in screen_text(app)


# --- the seat's leverage and what it may do now ---------------------------------------------


def test_moves_are_said_grouped_and_counted(content: Content) -> None:
    table = Game(content, "compact-2030").table
    negotiation = [
        Pass(seat="sahelia"),
        Accept(seat="sahelia", deal=2),
        Reject(seat="sahelia", deal=2),
        Counter(seat="sahelia", deal=2, forum="bilateral", parties=["sahelia", "northland"], terms=[PATHWAY]),
        Accept(seat="sahelia", deal=4),
        *[Endorse(seat="sahelia", deal=n) for n in (1, 3, 5, 6)],
        *[Campaign(seat="sahelia", target=t, direction=d) for t in ("northland", "valmark") for d in (1, -1)],
        PublishEvidence(seat="sahelia", term="payment"),
        *[SidePayment(seat="sahelia", to="kesh", amount=n) for n in (1, 2)],
        Propose(seat="sahelia", forum="bilateral", parties=["sahelia", "northland"], terms=[PATHWAY]),
    ]
    assert moves_now(table, negotiation) == (
        "answer deals #2 and #4, propose a deal, endorse 4 deals, campaign in 2 states, "
        "publish evidence on Payment or aid transfer, pay a side payment, or pass"
    )
    ratification = [Ratify(seat="sahelia", deal=3), Refuse(seat="sahelia", deal=3), Refuse(seat="sahelia", deal=5)]
    assert moves_now(table, ratification) == "ratify or refuse deal #3 or refuse deal #5"
    assert moves_now(table, [Pass(seat="sahelia")]) == "pass"


def test_every_seat_type_says_its_leverage_in_a_few_lines_at_80_columns(content: Content) -> None:
    """Every shipped seat type tells its player its leverage (a state its votes too), in at most
    five lines of the box beside the moves at 80 columns (38 wide), leaving two for what it may
    do now."""
    table = Game(content, "compact-2030").table
    assert {table.types[s].id for s in table.order} == set(content.seat_types), "every type sits here"
    for seat in table.order:
        kind = table.types[seat]
        assert kind.leverage and "your leverage" in kind.leverage.lower(), kind.id
        said = leverage(table, seat)
        votes = f" You cast {table.seats[seat].votes} of the global forum's 11 votes." if kind.state else ""
        assert said == kind.leverage + votes
        console = Console(width=38, file=io.StringIO())
        assert len(console.render_lines(Text(said), pad=False)) <= 5, said


async def test_a_newcomer_sees_their_leverage_and_moves_on_their_first_turn_in_the_you_tab_and_help(content):
    session = offered_to_dunmar(content)
    table = session.table
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await dunmars_turn(pilot, session)
        now = f"Now you may {moves_now(table, session.game.legal_actions('dunmar'))}."
        assert now.startswith("Now you may answer deal") and now.endswith(", propose a deal, or pass.")
        said = f"{leverage(table, 'dunmar')}\n{now}"
        assert aside(app) == ("Your seat: Sending state", said), "beside the moves, on the first turn"
        await pilot.press("3")
        await pilot.pause()
        you = " ".join(" ".join(painted(app.screen.query_one("#you-panel"))).split())
        assert you.startswith(" ".join(f"Dunmar — Sending state {said}".split())), "the You tab opens with it"
        await pilot.press("question_mark")
        await until(pilot, lambda: type(app.screen).__name__ == "HelpScreen")
        help_text = " ".join(screen_text(app).split())
        assert "Your seat" in help_text and now in help_text and "You cast 3 of the global forum's 11" in help_text
        await pilot.press("escape")
        await until(pilot, lambda: type(app.screen).__name__ == "TableScreen")
        made = len(session.game.log)
        await pilot.press("p")
        await until(pilot, lambda: len(session.game.log) > made + 1 and session.game.current_seat == "dunmar")
        await pilot.pause()
        assert aside(app) == (None, ""), "after the first move, What just happened is back"
        now = f"Now you may {moves_now(table, session.game.legal_actions('dunmar'))}."
        assert now in " ".join(" ".join(painted(app.screen.query_one("#you-panel"))).split()), "the You tab says it"


# --- asking a bot what it would accept ----------------------------------------------------------


async def test_a_bot_asked_what_it_would_accept_answers_and_its_package_loads_into_the_composer(content):
    """a, then Enter on the first bot (Vellara): its answer shows at once, the game does not move,
    and the answer is kept in Messages; l loads the package it would accept into the composer,
    forum, parties, terms, binding and duration, ready to send as it stands."""
    from textual.widgets import Checkbox, SelectionList

    session = session_for(content, "crisis-2015", {"brandholm"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: session.game.current_seat == "brandholm")
        before = digest(session.game)
        await pilot.press("a")
        await until(pilot, lambda: type(app.screen).__name__ == "AskDialog")
        assert "Vellara: hardliner bot, Receiving state" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "AnswerDialog")
        [asked] = session.answers
        answer, package = asked.answer, asked.answer.package
        assert (answer.seat, answer.asker) == ("vellara", "brandholm") and package is not None
        assert "Vellara answers" in screen_text(app)
        assert " ".join(" ".join(painted(app.screen.query_one("#why"))).split()) == answer.why
        assert "data and evidence sharing" in " ".join(painted(app.screen.query_one("#package")))
        assert digest(session.game) == before, "asking is not a move"
        await pilot.press("l")
        await until(pilot, lambda: type(app.screen).__name__ == "ComposerScreen")
        await pilot.pause()
        composer = app.screen
        assert composer.offers == package.terms
        assert composer.query_one("#forum", Select).value == package.forum
        assert sorted(composer.query_one("#parties", SelectionList).selected) == sorted(package.parties)
        assert composer.query_one("#duration", Select).value == package.duration
        assert composer.query_one("#binding", Checkbox).value == package.binding
        assert "ready to send" in screen_text(app)
        await pilot.press("ctrl+enter")
        await until(pilot, lambda: len(session.game.log) > 0)
        assert session.game.log[0] == package
        await until(pilot, lambda: type(app.screen).__name__ == "TableScreen")
        await pilot.press("4")
        await pilot.pause()
        mail = " ".join(" ".join(painted(app.screen.query_one("#mail-panel"))).split())
        assert "What the bots said they would accept from you" in mail
        assert " ".join(f"2015 Vellara: {answer.why}".split()) in mail


async def test_a_bot_that_would_accept_nothing_says_why_and_offers_nothing_to_load(content):
    """Dunmar asks Dorvasa (the second bot listed): nothing would do, and the answer says why;
    there is nothing to load, and Esc goes back to the table with the game where it was."""
    session = session_for(content, "crisis-2015", {"dunmar"})
    app = NegotiateApp(content, session, bot_delay=0)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: session.game.current_seat == "dunmar" and app.screen.viewer == "dunmar")
        before = digest(session.game)
        await cursor_to(pilot, "Ask a bot what it would accept… (a)")
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "AskDialog")
        await pilot.press("down", "down", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "AnswerDialog")
        [asked] = session.answers
        assert asked.answer.seat == "dorvasa" and asked.answer.package is None
        why = " ".join(" ".join(painted(app.screen.query_one("#why"))).split())
        assert why == asked.answer.why and why.startswith("Nothing the two of you could sign is worth more to it")
        assert not app.screen.query("#load"), "nothing to load into the composer"
        await pilot.press("l", "escape")
        await until(pilot, lambda: type(app.screen).__name__ == "TableScreen")
        assert digest(session.game) == before


def test_an_answer_is_for_the_asker_alone(content: Content):
    """In hot-seat, one person's answers are shown in their Messages and nobody else's."""
    session = session_for(content, "crisis-2015", {"brandholm", "dunmar"})
    game = session.game
    while game.current_seat not in ("brandholm", "dunmar"):
        game.apply(session.decide(game.current_seat))
    answer = session.ask("vellara", "brandholm")
    table = session.table

    def mail(seat: str) -> str:
        return " ".join(printed(panels.messages(table, game.view(seat), session.answers_to(seat))).split())

    assert " ".join(answer.why.split()) in mail("brandholm")
    assert session.answers_to("dunmar") == [] and answer.why not in mail("dunmar")


async def test_asking_outside_the_negotiation_says_when_bots_answer(content, monkeypatch):
    """At ratification, a tells when bots answer what they would accept, and asks nothing."""
    session = offered_to_dunmar(content, binding=True)
    game = session.game
    while game.current_seat != "dunmar":
        game.apply(Pass(seat=game.current_seat))
    game.apply(Accept(seat="dunmar", deal=1))
    pass_until(game, "ratification")
    game.apply(Ratify(seat="brandholm", deal=1))
    session.catch_up()
    app = NegotiateApp(content, session, bot_delay=0)
    said: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await dunmars_turn(pilot, session)
        monkeypatch.setattr(app, "notify", lambda message, **_: said.append(message))
        moves = app.screen.query_one("#moves", OptionList)
        assert "Ask a bot what it would accept… (a)" not in [
            str(moves.get_option_at_index(i).prompt) for i in range(moves.option_count)
        ]
        await pilot.press("a")
        await pilot.pause(0.05)
        assert type(app.screen).__name__ == "TableScreen" and not session.answers
        assert said == ["Bots answer proposals in the negotiation phase: ask them then."]
