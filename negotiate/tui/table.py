"""The table: the game as one seat sees it, the moves it may make, and the bots playing on.

Bots think off the UI thread and act after a short delay (space skips it). With several people
on one keyboard, a privacy screen stands between seats, and the table shows no seat's secrets
while it is up."""

from __future__ import annotations

import time
from typing import Self

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.events import Resize
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, OptionList, RichLog, Static, TabbedContent, TabPane
from textual.widgets.option_list import Option

from negotiate.engine import ActionModel, Event, IllegalAction, SeatView
from negotiate.engine.actions import Counter, Propose, SidePayment, Undo, actor
from negotiate.engine.state import Deal
from negotiate.tui import panels
from negotiate.tui.preview import Preview, foresight, preview
from negotiate.tui.session import Sitting
from negotiate.tui.words import PHASE_HELP, PHASES, action_line, counted, leverage, now_text

COMPOSE, COUNTER, PAY, MESSAGE, ASK = "compose", "counter:", "pay", "message", "ask"
"""Move entries that open a dialog rather than act at once."""


class TableScreen(Screen[None]):
    """One game at the table."""

    BINDINGS = [
        Binding("question_mark", "help", "Help"),
        Binding("n", "compose", "Propose"),
        Binding("m", "message", "Message"),
        Binding("a", "ask", "Ask a bot", show=False),
        Binding("p", "pass_turn", "Pass"),
        Binding("space", "skip", "Skip wait", show=False),
        Binding("f", "facilitator", "Facilitator"),
        Binding("r", "rulebook", "Rules", show=False),
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "leave", "Menu"),
        Binding("1", "tab('world')", "World", show=False),
        Binding("2", "tab('deals')", "Deals", show=False),
        Binding("3", "tab('you')", "You", show=False),
        Binding("4", "tab('mail')", "Messages", show=False),
        Binding("5", "tab('log')", "Log", show=False),
    ]

    def __init__(self, session: Sitting):
        super().__init__()
        self.session = session
        self.viewer: str | None = self._first_viewer()
        """The person's seat shown on screen; None while the keyboard passes between seats."""
        self.time_limit = 0
        """Minutes a phase may take (0: no timer shown); the facilitator sets it."""
        self._phase_key: tuple[int, str] = (-1, "")
        self._phase_time = 0.0
        self._ticked = time.monotonic()
        self._warned = False
        self._wait: Timer | None = None
        self._thinking = False
        self._logged = 0
        self._moves: dict[str, ActionModel] = {}
        self._log_reader: str | None = None
        self._view: SeatView | None = None
        """The viewer's view drawn last (None while the keyboard passes between seats)."""
        self._foreseen: dict[int, Preview] = {}
        """Deals foreseen from `_view`, by number: moving the cursor over the moves does not
        foresee a deal again until the view is drawn anew."""
        self._now = ""
        """What the viewer may do now, in words (see `now_text`)."""
        self._briefed = session.moved()
        """The seats whose player has made a move: until then, their leverage is shown beside the moves."""

    # --- layout --------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="status")
        with Horizontal(id="middle"):
            with TabbedContent(id="tabs"):
                with TabPane("1 World", id="world"):
                    yield VerticalScroll(Static(id="world-panel"))
                with TabPane("2 Deals", id="deals"):
                    yield VerticalScroll(Static(id="deals-panel"))
                with TabPane("3 You", id="you"):
                    yield VerticalScroll(Static(id="you-panel"))
                with TabPane("4 Messages", id="mail"):
                    yield VerticalScroll(Static(id="mail-panel"))
                with TabPane("5 Log", id="log"):
                    yield GameLog(id="log-panel")
            yield VerticalScroll(Static(id="side-deals"), id="side")
        with Horizontal(id="bottom"):
            yield OptionList(id="moves")
            yield GameLog(id="latest")
            yield VerticalScroll(Static(id="aside-text"), id="aside")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#moves", OptionList).border_title = "Your moves"
        self.query_one("#latest", GameLog).border_title = "What just happened"
        self.query_one("#side", VerticalScroll).border_title = "Deal board"
        self.set_interval(1, self._tick)
        self.query_one("#moves", OptionList).focus()
        self.refresh_table()
        self.call_after_refresh(self.advance)
        self.session.watch(self._moved_elsewhere, self._refused)

    ELSEWHERE = ("ask", "facilitator", "save", "leave")
    """What a seat at a server's table does not do here: bots play, the facilitator steers and
    the server saves there (and the start screen is local play's)."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not (self.session.remote and action in self.ELSEWHERE)

    def _moved_elsewhere(self) -> None:
        """The table moved on at the server: draw it anew, and let the game go on."""
        if not self.is_attached:  # the end screen took its place
            return
        timer = self.session.timer()
        if timer is not None or self.time_limit:  # the facilitator's timer, by the server's clock
            minutes, left = timer or (0, 0.0)
            seen = self._seen()
            self.time_limit, self._phase_time, self._ticked = minutes, minutes * 60 - left, time.monotonic()
            self._phase_key = (seen.round, seen.phase)
            self._warned = self._warned and left <= 0
        self.refresh_table()
        self.advance()

    def _refused(self, reason: str) -> None:
        self.notify(reason, title="Not allowed", severity="error")

    def on_screen_resume(self) -> None:
        if self.session.board.is_over:  # it ended while the rulebook or help was open
            self.advance()

    def on_resize(self) -> None:
        self.set_class(self.size.width >= 120, "wide")

    # --- drawing -------------------------------------------------------------------------

    def refresh_table(self) -> None:
        """Redraw everything from the viewer's view (or only public parts while the keyboard passes)."""
        game, table = self.session.board, self.session.table
        view = self._seen()
        secret = self.viewer is not None
        self._view, self._foreseen = (view if secret else None), {}
        legal = game.legal_actions(view.seat) if secret and view.turn == view.seat else []
        self.query_one("#status", Static).update(self._status(view))
        self.query_one("#world-panel", Static).update(panels.world(table, view))
        theirs = [d for d in view.deals if d.status in panels.UNDECIDED and view.seat in d.parties] if secret else []
        board = panels.deal_board(table, view, {deal.id: self._foresee(deal) for deal in theirs})
        self.query_one("#deals-panel", Static).update(board)
        self.query_one("#side-deals", Static).update(board)
        now = self._now = now_text(table, legal, None if view.paused else view.turn)
        self.query_one("#you-panel", Static).update(
            panels.own_cards(table, view, game.score(view.seat), now)
            if secret
            else Text("Pass the keyboard: nothing private is shown.")
        )
        self._show_messages(view if secret else None)
        self._write_log()
        self._fill_moves(legal)
        self._show_aside()

    def _show_messages(self, view: SeatView | None) -> None:
        """The Messages tab: the viewer's messages and the bots' answers to them this sitting
        (nothing while the keyboard passes)."""
        self.query_one("#mail-panel", Static).update(
            panels.messages(self.session.table, view, self.session.answers_to(view.seat))
            if view is not None
            else Text("Pass the keyboard: nothing private is shown.")
        )

    def _seen(self) -> SeatView:
        """The view the screen shows: the viewer's, or while the keyboard passes the first
        person's (of which only public parts are shown)."""
        return self.session.board.view(self.viewer or self.session.humans[0])

    def _status(self, view: SeatView) -> Text:
        """Two lines: the round and its phases; whose turn it is, then at the right the beats left,
        the window and the phase timer (whose turn is cut short first on a narrow screen)."""
        table = self.session.table
        text = Text()
        if self.size.width >= 110:
            text.append(f" {table.scenario.name} ", style="bold reverse")
        text.append(f" Round {view.round + 1}/{view.rounds} · {view.year}  ", style="bold")
        for phase in PHASES:
            if phase == view.phase:
                text.append(f"[{PHASES[phase].upper()}]", style="bold reverse")
            else:
                text.append(PHASES[phase], style="dim")
            if phase != list(PHASES)[-1]:
                text.append("›", style="dim")
        turn = Text(" ")
        seat = self.session.board.current_seat
        if view.paused:
            turn.append(
                "PAUSED by the facilitator" + ("" if self.session.remote else " (f to resume)"), style="bold yellow"
            )
        elif view.phase == "game_over":
            turn.append("The game is over.", style="bold")
        elif seat is not None and self.session.is_human(seat):
            who = "Your turn" if seat == self.viewer else f"{table.name(seat)} to play"
            turn.append(f"▶ {who} ({table.name(seat)}): ", style="bold green")
            turn.append(PHASE_HELP.get(view.phase, ""))
        elif seat is not None and (spec := self.session.seating[seat]) is not None and not self.session.remote:
            turn.append(f"… {table.name(seat)} ({spec} bot) is thinking — space skips the wait", style="italic")
        elif seat is not None:
            who = "a person" if spec is None else f"a {spec} bot"
            turn.append(f"… waiting for {table.name(seat)} ({who}) to play", style="italic")
        elif self.session.remote:
            turn.append(
                "… waiting for the table to start: every seat joins, or the facilitator starts it", style="italic"
            )
        counters = Text()
        if view.phase == "negotiation":
            counters.append(f"   beats left {view.beats_left}", style="dim")
        if view.window:
            counters.append("   WINDOW: ratifying is easier", style="bold cyan")
        if self.time_limit:
            minutes, seconds = divmod(int(self._phase_time), 60)
            late = self._phase_time >= self.time_limit * 60
            counters.append(
                f"   ⏱ {minutes:02d}:{seconds:02d} of {self.time_limit}:00", style="bold red" if late else ""
            )
            if late:
                counters.append(" TIME UP", style="bold red")
        turn.truncate(max(0, self.size.width - counters.cell_len - 1), overflow="ellipsis", pad=True)
        return Text("\n").join([text, turn + counters])

    def _write_log(self) -> None:
        """Add the events the viewer may read that are not shown yet (both logs)."""
        events = self.session.board.events_for(self.viewer)
        full, latest = self.query_one("#log-panel", GameLog), self.query_one("#latest", GameLog)
        if self._logged > len(events) or self._log_reader != self.viewer:  # an undo, or another reader
            full.clear()
            latest.clear()
            self._logged, self._log_reader = 0, self.viewer
        for event in events[self._logged :]:
            line = event_line(self.session, event)
            full.add(line)
            if event.kind not in ("pass",):
                latest.add(line)
        self._logged = len(events)

    def _fill_moves(self, legal: list[ActionModel]) -> None:
        """List the viewer's `legal` moves (none: it is not their turn)."""
        moves = self.query_one("#moves", OptionList)
        highlighted = moves.highlighted
        moves.clear_options()
        self._moves = {}
        if self.viewer is None or self.session.board.current_seat != self.viewer:
            moves.add_option(Option("(not your turn)", disabled=True))
            return
        kinds = {a.type for a in legal}  # type: ignore[attr-defined]
        if "propose" in kinds:
            moves.add_option(Option("Propose a deal… (n)", id=COMPOSE))
        for action in legal:
            if isinstance(action, Counter):
                key = f"{COUNTER}{action.deal}"
                if key not in self._moves:
                    self._moves[key] = action
                    moves.add_option(Option(f"Counter deal #{action.deal}…", id=key))
        for number, action in enumerate(legal):
            if isinstance(action, Propose | Counter | SidePayment):
                continue
            key = str(number)
            self._moves[key] = action
            moves.add_option(Option(action_line(self.session.table, action), id=key))
        if "side_payment" in kinds:
            moves.add_option(Option("Pay a side payment…", id=PAY))
        moves.add_option(Option("Write a message… (m)", id=MESSAGE))  # messages are legal on any turn
        if self._view is not None and self._view.phase == "negotiation" and self._bots() and not self.session.remote:
            moves.add_option(Option("Ask a bot what it would accept… (a)", id=ASK))  # not a move: advice
        # the cursor stays where it was, or starts on the first move: ↓ then means the second
        moves.highlighted = highlighted if highlighted is not None and highlighted < moves.option_count else 0

    def _foresee(self, deal: Deal) -> Preview:
        """The deal as the viewer foresees it from the view drawn last (see `_foreseen`)."""
        known = self._foreseen.get(deal.id)
        if known is None:
            assert self._view is not None, "nothing is foreseen while the keyboard passes"
            known = self._foreseen[deal.id] = preview(self.session.table, self._view, deal)
        return known

    def _show_aside(self) -> None:
        """Beside the moves, in What just happened's place: while a move on an undecided deal is
        highlighted, that deal's foreseen effect on the viewer; else, on the turns before the
        viewer's first move, their seat's leverage and what they may do now."""
        view, deal = self._view, self._highlighted_deal()
        title, words, more = None, Text(), None
        if deal is not None:
            title, words = f"Deal #{deal.id} foreseen for you", Text(foresight(self._foresee(deal)))
        elif view is not None and self._moves and view.seat not in self._briefed:
            title, more = f"Your seat: {self.session.table.types[view.seat].name}", "again: 3 You, ? help"
            words = Text.assemble(leverage(self.session.table, view.seat), "\n", (self._now, "bold"))
        box = self.query_one("#aside", VerticalScroll)
        box.border_title, box.border_subtitle, box.display = title, more, title is not None
        self.query_one("#aside-text", Static).update(words)
        self.query_one("#latest", GameLog).display = title is None

    def _highlighted_deal(self) -> Deal | None:
        """The undecided deal that the highlighted move is on, if any, as the viewer sees it."""
        option = self.query_one("#moves", OptionList).highlighted_option
        number = getattr(self._moves.get(option.id or ""), "deal", None) if option is not None else None
        deals = self._view.deals if self._view is not None else []
        return next((d for d in deals if d.id == number and d.status in panels.UNDECIDED), None)

    @on(OptionList.OptionHighlighted, "#moves")
    def _highlighted(self) -> None:
        self._show_aside()

    # --- playing -------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        key = event.option.id or ""
        if key == COMPOSE:
            self.action_compose()
        elif key.startswith(COUNTER):
            self.action_compose(int(key[len(COUNTER) :]))
        elif key == PAY:
            from negotiate.tui.dialogs import PaymentDialog

            self.app.push_screen(PaymentDialog(self.session, self.viewer or ""), self.act)
        elif key == MESSAGE:
            self.action_message()
        elif key == ASK:
            self.action_ask()
        elif key in self._moves:
            self.act(self._moves[key])

    def act(self, action: ActionModel | None) -> None:
        """Apply a person's (or the facilitator's) action; a refusal is shown, nothing changes.
        The moves list takes the focus back, wherever the action came from (a tab, a dialog)."""
        if action is None:
            return
        self.query_one("#moves", OptionList).focus()
        if isinstance(action, Undo):
            taken = self.session.take_back()
            self.notify(f"Took back {counted(taken, 'action')}: the last move by a person, and the bots' since.")
            self.refresh_table()
            self.advance()
            return
        try:
            self.session.apply(action)
        except IllegalAction as exc:
            self.notify(exc.reason, title="Not allowed", severity="error")
            return
        if actor(action) in self.session.humans:
            self._briefed.add(actor(action))
        self.refresh_table()
        self.advance()

    def advance(self) -> None:
        """Let the game go on: the end screen, a bot's move, or a person's turn (behind a
        privacy screen if the keyboard passes to another person)."""
        game = self.session.board
        if game.is_over:
            if self.app.screen is self:  # else the end screen waits until the rulebook or help is closed
                self.app.finish(self.session)  # type: ignore[attr-defined]
            return
        if self._thinking or self._wait is not None or self._seen().paused:
            return
        seat = game.current_seat
        if seat is None:
            return
        if seat == self.session.bot_to_move():
            self._thinking = True
            self.refresh_table()
            self._think(seat, self.session.seq)
        elif self.session.is_human(seat) and seat != self.viewer:
            self._pass_keyboard(seat)
        # else another device plays the seat, at a server's table: its move comes as an update

    @work(thread=True, exclusive=True, group="bot")
    def _think(self, seat: str, seq: int) -> None:
        action = self.session.decide(seat)
        self.app.call_from_thread(self._bot_acts, action, seq)

    def _bot_acts(self, action: ActionModel, seq: int) -> None:
        self._thinking = False
        if self.session.seq != seq or self._seen().paused:
            self.session.catch_up()  # the facilitator acted meanwhile: the bot forgets its decision
            self.advance()  # and thinks again from the new state
            return
        self.session.apply(action)
        self.refresh_table()
        delay = getattr(self.app, "bot_delay", 0)
        if delay > 0:
            self._wait = self.set_timer(delay, self._waited)
        else:
            self.call_later(self.advance)

    def _waited(self) -> None:
        self._wait = None
        self.advance()

    def action_skip(self) -> None:
        if self._wait is not None:
            self._wait.stop()
            self._waited()

    def _pass_keyboard(self, seat: str) -> None:
        from negotiate.tui.dialogs import PrivacyScreen

        if len(self.session.humans) == 1:
            self.viewer = seat
            self.refresh_table()
            return
        self.viewer = None
        self.refresh_table()

        def sit_down(_: object) -> None:
            self.viewer = seat
            self.refresh_table()

        self.app.push_screen(PrivacyScreen(self.session.table.name(seat)), sit_down)

    def _first_viewer(self) -> str | None:
        """The seat shown first: the one person's; with several people, nobody's until the
        privacy screen has passed the keyboard (on a new game and on Continue alike)."""
        return self.session.humans[0] if len(self.session.humans) == 1 else None

    def _tick(self) -> None:
        """The phase timer: counts while the game is not paused, and warns once when time is up."""
        now = time.monotonic()
        view = self._seen()
        key = (view.round, view.phase)
        if key != self._phase_key:
            self._phase_key, self._phase_time, self._warned = key, 0.0, False
        elif not view.paused:
            self._phase_time += now - self._ticked
        self._ticked = now
        if self.time_limit and self._phase_time >= self.time_limit * 60 and not self._warned:
            self._warned = True
            who = "The facilitator may end it" + ("." if self.session.remote else " (f).")
            self.notify(f"Time is up for this phase. {who}", severity="warning")
        status = self.query_one("#status", Static)
        status.update(self._status(view))

    # --- keys ----------------------------------------------------------------------------

    def action_tab(self, tab: str) -> None:
        self.query_one("#tabs", TabbedContent).active = tab

    def action_pass_turn(self) -> None:
        """Pass at once, if passing is one of the viewer's moves now."""
        if self._my_turn("pass") is None:
            return
        for action in self._moves.values():
            if action.type == "pass":  # type: ignore[attr-defined]
                self.act(action)
                return
        phase = PHASES.get(self._seen().phase, "this")
        self.notify(f"Passing is not a move in the {phase} phase: choose one of Your moves.", severity="warning")

    def _my_turn(self, doing: str) -> str | None:
        """The viewer, if it is their turn; else None, having said why not (a pause, the end, or
        whose turn it is, `doing` waiting for the viewer's own)."""
        view = self._seen()
        seat = view.turn
        if view.paused:
            self.notify("The game is paused: the facilitator resumes it (f).", severity="warning")
            return None
        if self.viewer is not None and seat == self.viewer:
            return seat
        if view.phase == "game_over" or seat is None:
            self.notify("The game is over.", severity="warning")
        else:
            self.notify(
                f"Not your turn: {self.session.table.name(seat)} is to play. You can {doing} on your own turn.",
                severity="warning",
            )
        return None

    def action_help(self) -> None:
        """The help, opening with the viewer's leverage and what they may do now."""
        from negotiate.tui.dialogs import HelpScreen

        you = None
        if self._view is not None:
            seat, table = self._view.seat, self.session.table
            you = f"**{table.name(seat)} ({table.types[seat].name}).** {leverage(table, seat)}\n\n{self._now}"
        self.app.push_screen(HelpScreen(you))

    def action_rulebook(self) -> None:
        self.app.open_rulebook()  # type: ignore[attr-defined]

    def action_compose(self, counter: int | None = None) -> None:
        from negotiate.tui.composer import ComposerScreen

        viewer = self._my_turn("propose a deal")
        if viewer is not None:
            self.app.push_screen(ComposerScreen(self.session, viewer, counter), self.act)

    def action_message(self) -> None:
        from negotiate.tui.dialogs import MessageDialog

        viewer = self._my_turn("write a message")
        if viewer is not None:
            self.app.push_screen(MessageDialog(self.session, viewer), self.act)

    def _bots(self) -> list[str]:
        """The seats bots play."""
        return [seat for seat in self.session.table.order if not self.session.is_human(seat)]

    def action_ask(self) -> None:
        """Ask a bot what it would accept from the viewer: pick the bot, read its answer (kept in
        Messages), and load the package it would accept into the composer if the viewer wishes.
        Not a move: the game does not change."""
        from negotiate.tui.dialogs import AskDialog

        viewer = self._my_turn("ask a bot")
        if viewer is None:
            return
        if not self._bots():
            self.notify("No bot sits at this table: ask the people around it.", severity="warning")
            return
        if self._seen().phase != "negotiation":
            self.notify("Bots answer proposals in the negotiation phase: ask them then.", severity="warning")
            return
        self.app.push_screen(AskDialog(self.session, viewer), lambda seat: self._asked(viewer, seat))

    def _asked(self, viewer: str, seat: str | None) -> None:
        from negotiate.tui.composer import ComposerScreen
        from negotiate.tui.dialogs import AnswerDialog

        if seat is None or self.viewer != viewer or self.session.board.current_seat != viewer:
            return
        answer = self.session.ask(seat, viewer)
        self._show_messages(self._view)

        def load(yes: bool | None) -> None:
            if yes and answer.package is not None and self.session.board.current_seat == viewer:
                self.app.push_screen(ComposerScreen(self.session, viewer, package=answer.package), self.act)

        self.app.push_screen(AnswerDialog(self.session, answer), load)

    def action_facilitator(self) -> None:
        from negotiate.tui.dialogs import FacilitatorMenu

        def chosen(choice: ActionModel | int | None) -> None:
            if isinstance(choice, int):
                self.time_limit = choice
                self._warned = False
                self.refresh_table()
            else:
                self.act(choice)
                if choice is not None and choice.type == "resume":  # type: ignore[attr-defined]
                    self.advance()

        def unlocked(yes: bool | None) -> None:
            if yes:
                self.app.push_screen(
                    FacilitatorMenu(
                        self.session.table, self.session.board.legal_actions("facilitator"), self.time_limit
                    ),
                    chosen,
                )

        if self.session.lock is None:
            unlocked(True)
        else:
            from negotiate.tui.dialogs import PinDialog

            self.app.push_screen(PinDialog(self.session), unlocked)

    def action_save(self) -> None:
        from negotiate.tui.dialogs import SaveDialog

        self.app.push_screen(SaveDialog(self.session))

    def action_leave(self) -> None:
        """Back to the start screen; the game is autosaved and `continue` resumes it."""
        from negotiate.tui.start import StartScreen

        if self._wait is not None:
            self._wait.stop()
            self._wait = None
        if len(self.app.screen_stack) > 2:
            self.app.pop_screen()
        else:
            self.app.switch_screen(StartScreen())


class GameLog(RichLog):
    """A log of the game's lines, wrapped at the log's width whenever that changes. A RichLog wraps
    a line once, as it is written, at the width it has then: in a tab not shown, none, and its
    lines came out 20 columns wide for good. This log writes only while it is on screen, and
    writes every line again when its width changes."""

    def __init__(self, id: str):
        super().__init__(id=id, wrap=True, markup=False, min_width=20)
        self.texts: list[Text] = []
        """Every line added, to write again at a new width."""
        self._written = 0
        self._width = 0
        """The width the written lines were wrapped at (0: none written)."""

    def add(self, text: Text) -> None:
        """Add a line, written now if the log is on screen at the width it was wrapped at."""
        self.texts.append(text)
        if self.size.width and self.size.width == self._width:
            self.write(text)
            self._written += 1

    def clear(self) -> Self:
        self.texts.clear()
        self._written = self._width = 0
        return super().clear()

    def on_resize(self, event: Resize) -> None:
        width = self.size.width  # inside the border (event.size is outside it), as in add
        if not width:  # hidden: its lines wait until it shows again
            return
        if width != self._width:
            super().clear()
            self._written, self._width = 0, width
        for text in self.texts[self._written :]:
            self.write(text)
        self._written = len(self.texts)


def event_line(session: Sitting, event: Event) -> Text:
    """One line of the log: the year, then what happened; bots' reasons dimmed and indented."""
    year = session.table.year(event.round)
    if event.kind == "reason":
        name, _, said = event.text.partition(": ")
        return Text(f"   ↳ {said if said.startswith(name) else event.text}", style="dim italic")
    style = {"shock": "bold red", "trend": "bold", "end": "bold", "deal": "", "ratify": "", "pass": "dim"}
    text = Text(f"{year} ", style="dim")
    text.append(event.text, style=style.get(event.kind, ""))
    return text
