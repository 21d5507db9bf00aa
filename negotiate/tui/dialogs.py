"""The table's small screens: the privacy screen between seats, help, a message, a side
payment, asking a bot what it would accept, the facilitator's menu and saving under a name.
Each dialog returns the action it makes (or None) to the table, which applies it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Markdown, OptionList, Select, Static
from textual.widgets.option_list import Option

from negotiate.bots import Answer
from negotiate.engine import ActionModel
from negotiate.engine.actions import InjectShock, SendMessage, SidePayment
from negotiate.engine.deals import describe
from negotiate.engine.table import Table
from negotiate.tui import saves
from negotiate.tui.session import Sitting


class PrivacyScreen(ModalScreen[None]):
    """Stands between two people at one keyboard: nothing of either seat shows behind it."""

    BINDINGS = [Binding("enter", "ready", "I am ready")]

    def __init__(self, name: str):
        super().__init__(id="privacy")
        self.seat_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Pass the keyboard to {self.seat_name}", classes="title")
            yield Static(
                f"{self.seat_name}: press Enter when you are ready.\n"
                "Everyone else: please look away, your secrets are safe."
            )
            yield Button("I am ready", id="ready", variant="primary")

    def on_button_pressed(self) -> None:
        self.dismiss()

    def action_ready(self) -> None:
        self.dismiss()


class Confirm(ModalScreen[bool]):
    """A yes-or-no question: y or Yes answers yes; n, Esc or No (where the cursor starts) no."""

    BINDINGS = [Binding("y", "answer(True)", "Yes"), Binding("n,escape", "answer(False)", "No")]
    AUTO_FOCUS = "#no"

    def __init__(self, question: str, note: str = ""):
        super().__init__()
        self.question, self.note = question, note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="title")
            yield Static(self.note)
            with Horizontal(classes="buttons"):
                yield Button("Yes (y)", id="yes", variant="error")
                yield Button("No (n)", id="no", variant="primary")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


HELP = """\
# How to play

Each round: a **trend** moves the world, a **shock** may strike, then the seats **negotiate**
deals, **ratify** the binding ones at home, **implement** them, and the flows of people
**resolve** into the tracks. Score by your seat's objective and your secret agenda. If crisis
pressure reaches its maximum, the system collapses and nobody wins.

# Keys

| key | what it does |
|---|---|
| ↑ ↓ Enter | choose one of your moves; on a move on a deal, the deal's foreseen effect on you shows beside them |
| n | propose a deal (the composer) |
| m | write a message (to one seat, or to all) |
| a | ask a bot what it would accept from you: it answers from its own view, as advice. Asking is free and not a move (it is not in the game's log); the answers stay in Messages (4) for this sitting |
| 1 to 5 | World, Deals, You (hand, agenda, score), Messages, Log |
| space | skip a bot's wait |
| f | facilitator: pause, undo, end the phase, inject a shock, phase timer |
| r | the rulebook (Esc comes back to the table) |
| ctrl+s | save under a name |
| ctrl+t | light or dark theme |
| Esc | back to the menu (the game is saved after every move) |
| ? | this help |

The full rules: press r, or *Read the rulebook* on the start screen.
"""


class HelpScreen(ModalScreen[None]):
    """The keys and the game in a few lines, after `you`: the player's seat, its leverage and
    what it may do now (Markdown; None while the keyboard passes between seats)."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def __init__(self, you: str | None):
        super().__init__()
        self.you = you

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Markdown(f"# Your seat\n\n{self.you}\n\n{HELP}" if self.you else HELP)
            yield Static("Esc closes this help.", classes="hint")


class ActionDialog(ModalScreen[ActionModel | None]):
    """A dialog that makes one action: it is checked before it goes, and a refusal is shown in
    place (the dialog stays open, nothing is lost)."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel")]

    def __init__(self, session: Sitting, seat: str):
        super().__init__()
        self.session = session
        self.seat = seat

    def send(self, action: ActionModel) -> None:
        problem = self.session.board.check(action)
        if problem:
            self.query_one(".error", Static).update(f"✗ {problem}")
        else:
            self.dismiss(action)

    def others(self) -> list[tuple[str, str]]:
        table = self.session.table
        return [(table.name(s), s) for s in table.order if s != self.seat]


BOTS_READ_NO_TEXT = (
    "Bots do not read free text: they answer proposals and side payments, and write to you "
    "when a payment would buy their yes."
)


class MessageDialog(ActionDialog):
    """Write to one seat (private) or to all."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Write a message", classes="title")
            yield Select([("Everyone", "all"), *self.others()], value="all", allow_blank=False, id="to")
            yield Input(placeholder="your message (Enter sends)", max_length=500, id="text")
            yield Static(self._bots_note("all"), id="bots-note", classes="hint")
            yield Static(classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Send", id="send", variant="primary")
                yield Button("Cancel", id="cancel")

    def _bots_note(self, to: object) -> str:
        """What a bot makes of a message (nothing), when the message goes to one."""
        readers = [seat for _, seat in self.others() if to in ("all", seat)]
        return "" if any(self.session.is_human(seat) for seat in readers) else BOTS_READ_NO_TEXT

    @on(Select.Changed, "#to")
    def _recipient(self, event: Select.Changed) -> None:
        self.query_one("#bots-note", Static).update(self._bots_note(event.value))

    @on(Input.Submitted)
    @on(Button.Pressed, "#send")
    def _send(self) -> None:
        to = self.query_one("#to", Select).value
        text = self.query_one("#text", Input).value.strip()
        if not text:
            self.query_one(".error", Static).update("✗ write something first")
            return
        self.send(SendMessage(seat=self.seat, to=None if to == "all" else str(to), text=text))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class PaymentDialog(ActionDialog):
    """Pay another seat from your budget, now, once."""

    def compose(self) -> ComposeResult:
        legal = [a for a in self.session.board.legal_actions(self.seat) if isinstance(a, SidePayment)]
        amounts = sorted({a.amount for a in legal})
        with Vertical(classes="dialog"):
            yield Static("A side payment", classes="title")
            yield Static("Paid at once from your budget; it does not bind anyone to anything.")
            yield Select(self.others(), prompt="to whom", id="to")
            yield Select([(str(n), n) for n in amounts], prompt="how much", id="amount")
            yield Static(classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Pay", id="pay", variant="primary")
                yield Button("Cancel", id="cancel")

    @on(Button.Pressed, "#pay")
    def _pay(self) -> None:
        to, amount = self.query_one("#to", Select).value, self.query_one("#amount", Select).value
        if not isinstance(to, str) or not isinstance(amount, int):  # nothing chosen (Select.NULL)
            self.query_one(".error", Static).update("✗ choose whom to pay and how much")
            return
        self.send(SidePayment(seat=self.seat, to=to, amount=amount))

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.dismiss(None)


class AskDialog(ModalScreen[str | None]):
    """Pick the bot to ask "what would you accept from me?"; returns its seat."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel")]

    def __init__(self, session: Sitting, seat: str):
        super().__init__()
        self.session = session
        self.seat = seat

    def compose(self) -> ComposeResult:
        table = self.session.table
        bots = []
        for seat in table.order:
            spec = self.session.seating[seat]
            if spec is not None and seat != self.seat:
                level = "" if spec.level == "normal" else f" ({spec.level})"
                bots.append(
                    Option(f"{table.name(seat)}: {spec.personality} bot{level}, {table.types[seat].name}", id=seat)
                )
        with Vertical(classes="dialog"):
            yield Static("Ask a bot what it would accept from you", classes="title")
            yield Static(
                "It answers from its own view, as advice: a deal it would accept, its price, or why "
                "nothing would do. Asking is free, and not a move in the game."
            )
            yield OptionList(*bots, id="bots")
            yield Static("Enter asks; Esc cancels.", classes="hint")

    @on(OptionList.OptionSelected, "#bots")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


class AnswerDialog(ModalScreen[bool]):
    """A bot's answer to "what would you accept from me?"; returns True to load the package it
    would accept into the composer."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Close"), Binding("l", "load", "Load into the composer")]

    def __init__(self, session: Sitting, answer: Answer):
        super().__init__()
        self.session = session
        self.answer = answer

    def compose(self) -> ComposeResult:
        table, answer = self.session.table, self.answer
        with VerticalScroll(classes="dialog"):  # a long answer scrolls on a small terminal
            yield Static(f"{table.name(answer.seat)} answers", classes="title")
            yield Static(answer.why, id="why")
            if answer.package is not None:
                yield Static(f"\n{describe(table, answer.package)}", id="package")
            if answer.price is not None:
                then = "propose this on your next turn" if answer.package is not None else "it takes the deal"
                yield Static(f"\nPay first (Pay a side payment… in Your moves), then {then}.", classes="hint")
            yield Static("\nKept in Messages (4) for this sitting.", classes="hint")
            with Horizontal(classes="buttons"):
                if answer.package is not None:
                    yield Button("Load into the composer (l)", id="load", variant="primary")
                yield Button("Close (esc)", id="close")

    @on(Button.Pressed, "#load")
    def action_load(self) -> None:
        if self.answer.package is not None:
            self.dismiss(True)

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.dismiss(False)


class PinDialog(ModalScreen[bool]):
    """Asks for the facilitator's PIN before the facilitator's menu opens (a game set up with one)."""

    BINDINGS = [Binding("escape", "dismiss(False)", "Cancel")]

    def __init__(self, session: Sitting):
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Facilitator", classes="title")
            yield Static("The facilitator's controls are locked: enter the PIN chosen when the game was set up.")
            yield Input(password=True, placeholder="PIN (Enter opens, Esc cancels)", id="pin")
            yield Static(classes="error")

    @on(Input.Submitted, "#pin")
    def _check(self, event: Input.Submitted) -> None:
        if self.session.unlocks(event.value):
            self.dismiss(True)
            return
        event.input.value = ""
        self.query_one(".error", Static).update("✗ That is not the PIN.")


UNDO_HERE = "Undo: take back the last move by a person (and the bots' moves since)"
"""Undo at this computer's table (see `Session.take_back`)."""
UNDO_ONE = "Undo: take back the last move"
"""Undo at a server's table: one action of its log."""


class FacilitatorMenu(ModalScreen[ActionModel | int | None]):
    """Pause or resume, undo, end the phase, inject a shock (its text shown before it strikes),
    set the phase timer. Returns the facilitator's action, or the timer's minutes. `actions`:
    what the facilitator may do at the table now; `minutes` None: no timer here."""

    BINDINGS = [Binding("escape", "dismiss", "Close")]

    def __init__(self, table: Table, actions: list[ActionModel], minutes: int | None, undo: str = UNDO_HERE):
        super().__init__()
        self.table = table
        self.minutes = minutes
        self.actions = actions
        self.undo = undo

    def compose(self) -> ComposeResult:
        table = self.table
        options = []
        for number, action in enumerate(self.actions):
            if not isinstance(action, InjectShock):
                line = self.undo if action.type == "undo" else _facilitator_line(action.type)  # type: ignore[attr-defined]
                options.append(Option(line, id=str(number)))
        shocks = [
            (f"{table.content.shocks[a.card].name} → {table.name(a.target) if a.target else 'all it strikes'}", n)
            for n, a in enumerate(self.actions)
            if isinstance(a, InjectShock)
        ]
        with Vertical(classes="dialog wide"):
            yield Static("Facilitator", classes="title")
            yield OptionList(*options, id="controls")
            yield Label("Inject a shock now")
            with Horizontal(classes="row"):
                yield Select(shocks, prompt="which shock, at whom", id="shock")
                yield Button("Inject", id="inject", variant="warning")
            yield Static("", id="shock-text")
            if self.minutes is not None:
                yield Label("Phase timer: minutes per phase, shown at the top, with a warning (0: no timer)")
                with Horizontal(classes="row"):
                    yield Input(str(self.minutes), type="integer", id="minutes")
                    yield Button("Set", id="set")
            yield Static(classes="error")

    @on(Select.Changed, "#shock")
    def _show_shock(self, event: Select.Changed) -> None:
        """The card's text, before it strikes."""
        chosen = event.value
        action = self.actions[chosen] if isinstance(chosen, int) else None
        text = self.table.content.shocks[action.card].text if isinstance(action, InjectShock) else ""
        self.query_one("#shock-text", Static).update(text)

    @on(OptionList.OptionSelected, "#controls")
    def _control(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.actions[int(event.option.id or 0)])

    @on(Button.Pressed, "#inject")
    def _inject(self) -> None:
        choice = self.query_one("#shock", Select).value
        if not isinstance(choice, int):  # nothing chosen (Select.NULL)
            self.query_one(".error", Static).update("✗ choose a shock first")
            return
        self.dismiss(self.actions[choice])

    @on(Input.Submitted, "#minutes")
    @on(Button.Pressed, "#set")
    def _timer(self) -> None:
        text = self.query_one("#minutes", Input).value.strip()
        if not text.isdigit():
            self.query_one(".error", Static).update("✗ minutes must be a whole number, 0 or more")
            return
        self.dismiss(int(text))


def _facilitator_line(kind: str) -> str:
    return {
        "pause": "Pause the game",
        "resume": "Resume the game",
        "end_phase": "End this phase now",
        "end_game": "End the game now: this round is played out, then scored",
    }.get(kind, kind)


class SaveDialog(ModalScreen[None]):
    """Save the game under a name, in the saves folder (the autosave goes on as well)."""

    BINDINGS = [Binding("escape", "dismiss", "Cancel")]

    def __init__(self, session: Sitting):
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Save the game", classes="title")
            yield Static(f"Saves live in {saves.folder()}")
            yield Input(placeholder="a name, e.g. monday-class (Enter saves)", id="name")
            yield Static(classes="error")

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        try:
            path = saves.save_path(event.value)
            self.session.save_now(path)
        except (ValueError, OSError) as exc:
            self.query_one(".error", Static).update(f"✗ {exc}")
            return
        self.app.notify(f"Saved to {path}")
        self.dismiss()
