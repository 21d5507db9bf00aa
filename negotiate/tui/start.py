"""The first screens: the start menu, a new game's setup, and loading a save. Each sub-screen
returns the session it made (or None) to the start screen, which sits the player down."""

from __future__ import annotations

import random
import re
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, Label, OptionList, RadioSet, Select, Static
from textual.widgets.option_list import Option

from negotiate.bots import LEVELS, PERSONALITIES, BotSpec, default_lineup
from negotiate.engine import Game, SaveError
from negotiate.tui import saves
from negotiate.tui.marks import RadioButton
from negotiate.tui.session import HUMAN, Session

if TYPE_CHECKING:
    from negotiate.content import Content, Scenario
    from negotiate.tui.app import NegotiateApp

PIN_LENGTH = 4
"""The fewest characters in a facilitator's PIN."""
LENGTHS = {"full": 1.0, "short": 2 / 3, "quick": 1 / 2}
"""Length presets: the share of a scenario's rounds they play (short and quick: at least 3)."""


def app_of(widget: Widget) -> NegotiateApp:
    return cast("NegotiateApp", widget.app)


def preset_rounds(years: int, preset: str) -> int:
    """How many rounds a length preset plays of a scenario with this many years."""
    if preset == "full":
        return years
    return min(years, max(3, int(years * LENGTHS[preset] + 0.5)))


def presets(years: int) -> dict[str, int]:
    """The length presets offered for a scenario of this many years, with the rounds they play:
    only lengths that differ (of two presets playing as many rounds, the longer one is kept)."""
    offered: dict[str, int] = {}
    for preset in LENGTHS:
        rounds = preset_rounds(years, preset)
        if rounds not in offered.values():
            offered[preset] = rounds
    return offered


def span(scenario: Scenario, rounds: int) -> str:
    """The years the first `rounds` rounds cover, e.g. "2018–2026"."""
    return f"{scenario.years[0]}–{scenario.years[rounds - 1]}"


def phase_words(phase: str | None) -> str:
    return (phase or "?").replace("_", " ")


def scenario_name(content: Content, scenario_id: str) -> str:
    found = content.scenarios.get(scenario_id)
    return found.name if found else scenario_id


def describe(content: Content, info: saves.SaveInfo) -> str:
    """A save in a line: the seats people play, the scenario, and the year and phase (or finished)."""
    scenario = content.scenarios.get(info.scenario)
    names = {seat.id: seat.name for seat in scenario.seats} if scenario else {}
    when = "finished" if info.finished else f"{info.year} · {phase_words(info.phase)}"
    people = ", ".join(names.get(seat, seat) for seat in info.people) or "bots only"
    return f"{people} · {scenario_name(content, info.scenario)} · {when}"


class StartScreen(Screen[None]):
    """What the game is, and a menu: new game, continue, load, rulebook, quit."""

    DEFAULT_CSS = """
    StartScreen { align: center middle; }
    StartScreen #start-box {
        width: 78; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; padding: 1 2;
    }
    StartScreen #name { text-style: bold; color: $text-primary; width: 100%; text-align: center; }
    StartScreen #what { color: $text-muted; width: 100%; text-align: center; margin-bottom: 1; }
    StartScreen #menu { height: auto; border: none; padding: 0; }
    StartScreen #problem { margin-top: 1; color: $text-error; display: none; }
    StartScreen #problem.shown { display: block; }
    """

    BINDINGS = [
        Binding("n", "new", "New game"),
        Binding("c", "resume", "Continue"),
        Binding("l", "load", "Load"),
        Binding("r", "rulebook", "Rulebook"),
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="start-box"):
            yield Static("N E G O T I A T E", id="name")
            yield Static(
                "Negotiate migration deals to 2030, and weather the shocks.\n"
                "For classrooms, workshops, or you alone against the bots.",
                id="what",
            )
            yield PointedList(id="menu")
            yield Static(id="problem", markup=False)
        yield Footer()

    def on_screen_resume(self) -> None:
        """Show the game Continue would resume and how many saves there are (a game may have
        just ended, or a save been deleted)."""
        content = app_of(self).content
        found = saves.saves()
        current = saves.latest(found)
        resume = describe(content, current) if current else "no game in progress yet"
        count = f"{len(found)} save{'s' * (len(found) != 1)}" if found else "no saves yet"
        notes = {
            "new": ("n", "New game", "choose a scenario and who plays each seat"),
            "resume": ("c", "Continue", resume),
            "load": ("l", "Load a save", count),
            "rulebook": ("r", "Read the rulebook", "the rules, with contents"),
            "quit": ("q", "Quit", ""),
        }
        menu = self.query_one("#menu", PointedList)
        menu.show(
            [Option(entry(*line), id=key, disabled=key == "resume" and current is None) for key, line in notes.items()]
        )
        menu.highlighted = 1 if current else 0
        menu.focus()

    @on(OptionList.OptionSelected, "#menu")
    async def chosen(self, event: OptionList.OptionSelected) -> None:
        await self.run_action("app.quit" if event.option.id == "quit" else str(event.option.id))

    def action_new(self) -> None:
        self.say("")
        self.app.push_screen(NewGameScreen(), self.begin)

    def action_load(self) -> None:
        self.say("")
        self.app.push_screen(LoadScreen(), self.begin)

    def action_rulebook(self) -> None:
        app_of(self).open_rulebook()

    def action_resume(self) -> None:
        """Continue the most recently played game; one that cannot be loaded is explained here
        and kept."""
        current = saves.latest()
        if current is None:
            self.say("There is no game in progress yet: press n for a new game.")
            return
        try:
            session = saves.resume(app_of(self).content, current.path)
        except SaveError as exc:
            self.say(
                f"⚠ Cannot continue: {exc}\nThe file is kept as it is; press n for a new game or l to load another."
            )
            return
        self.say("")
        self.begin(session)

    def begin(self, session: Session | None) -> None:
        if session is None:
            return
        if session.table.content.digest != app_of(self).content.digest:
            self.notify("This game goes on with the cards and rules it began with: the content has changed since.")
        app_of(self).begin(session)

    def say(self, text: str) -> None:
        problem = self.query_one("#problem", Static)
        problem.update(text)
        problem.set_class(bool(text), "shown")


class PointedList(OptionList):
    """An option list whose highlighted option is marked by ▶ as well as by colour."""

    prompts: dict[str | None, Text] = {}

    def show(self, options: list[Option]) -> None:
        """Replace the options (their prompts are Text; the list adds the marker)."""
        self.prompts = {option.id: cast(Text, option.prompt) for option in options}
        self.clear_options()
        self.add_options(Option(Text("  ") + option.prompt, option.id, option.disabled) for option in options)
        self.highlighted = next((i for i, option in enumerate(options) if not option.disabled), None)

    @on(OptionList.OptionHighlighted)
    def point(self, event: OptionList.OptionHighlighted) -> None:
        for key, prompt in self.prompts.items():
            if key is not None:
                self.replace_option_prompt(key, Text("▶ " if key == event.option.id else "  ") + prompt)


NOTE_WIDTH = 46
"""The most characters of a menu line's note: the line fits the start box on one row."""


def entry(key: str, title: str, note: str) -> Text:
    """A menu line: the key, what it does, and a note (its last · parts left out if it is long)."""
    line = Text.assemble((f" {key} ", "bold reverse"), "  ", (f"{title:<18}", "bold"))
    if len(note) > NOTE_WIDTH:
        note = note[: NOTE_WIDTH - 2].rsplit(" · ", 1)[0] + " …"
    line.append(note, style="dim italic")
    return line


class NewGameScreen(Screen[Session | None]):
    """Set up a game: scenario, length, seed and who plays each seat; returns the new session."""

    DEFAULT_CSS = """
    NewGameScreen #title { text-style: bold; background: $primary; color: $text; padding: 0 1; }
    NewGameScreen #form { height: 1fr; padding: 0 1 0 0; }
    NewGameScreen .field, NewGameScreen .seat, NewGameScreen #about { height: auto; max-width: 110; }
    NewGameScreen .field, NewGameScreen .seat { border-left: outer $background; }
    NewGameScreen .field:focus-within, NewGameScreen .seat:focus-within { border-left: outer $accent; background: $boost; }
    NewGameScreen .field { margin-top: 1; }
    NewGameScreen .label { width: 10; text-style: bold; }
    NewGameScreen #scenario { width: 1fr; }
    NewGameScreen #about { padding-left: 11; color: $text-muted; }
    NewGameScreen #length { width: 1fr; border: none; padding: 0; background: transparent; }
    NewGameScreen #seed, NewGameScreen #pin { width: 16; }
    NewGameScreen #pin-problem { width: 1fr; padding-left: 2; color: $text-error; }
    NewGameScreen #seed-problem { width: 1fr; padding-left: 2; color: $text-error; }
    NewGameScreen .heading { text-style: bold; margin: 1 0 0 1; }
    NewGameScreen #seats { height: auto; }
    NewGameScreen .seat-name { width: 20; }
    NewGameScreen .seat-type { width: 23; color: $text-muted; }
    NewGameScreen .seat Select { width: 1fr; }
    NewGameScreen #hint { height: 3; padding: 0 1; color: $text-muted; border-top: solid $primary; }
    NewGameScreen #problem { padding: 0 1; color: $text-error; display: none; }
    NewGameScreen #problem.shown { display: block; }
    NewGameScreen #buttons { height: 1; align-horizontal: right; padding: 0 1; }
    NewGameScreen #buttons Button { margin-left: 2; }
    """

    BINDINGS = [Binding("escape", "dismiss", "Back"), Binding("s", "start", "Start")]

    def __init__(self) -> None:
        super().__init__()
        self.seed = random.randrange(1_000_000)
        self.players: dict[str, Select[str]] = {}
        self.seat_help: dict[Widget, str] = {}

    def compose(self) -> ComposeResult:
        content = app_of(self).content
        yield Static("New game", id="title")
        with VerticalScroll(id="form"):
            with Horizontal(classes="field"):
                yield Label("Scenario", classes="label")
                yield Select(
                    [(s.name, s.id) for s in content.scenarios.values()],
                    value=content.scenario(None).id,
                    allow_blank=False,
                    type_to_search=False,
                    compact=True,
                    id="scenario",
                )
            yield Static(id="about")
            with Horizontal(classes="field"):
                yield Label("Length", classes="label")
                with RadioSet(id="length"):
                    for preset in LENGTHS:
                        yield RadioButton(preset, value=preset == "full", id=preset)
            with Horizontal(classes="field"):
                yield Label("Seed", classes="label")
                yield Input(str(self.seed), compact=True, id="seed")
                yield Static(id="seed-problem", markup=False)
            with Horizontal(classes="field"):
                yield Label("PIN", classes="label")
                yield Input(password=True, compact=True, placeholder="none", id="pin")
                yield Static(id="pin-problem", markup=False)
            yield Static("Who plays each seat", classes="heading")
            yield Vertical(id="seats")
        yield Static(id="hint", markup=False)
        yield Static(id="problem", markup=False)
        with Horizontal(id="buttons"):
            yield Button("Start (s)", variant="primary", compact=True, id="start")
            yield Button("Back (Esc)", compact=True, id="back")
        yield Footer()

    async def on_mount(self) -> None:
        await self.show_scenario()
        self.query_one("#scenario").focus()

    @property
    def scenario(self) -> Scenario:
        return app_of(self).content.scenarios[str(self.query_one("#scenario", Select).value)]

    @on(Select.Changed, "#scenario")
    async def show_scenario(self) -> None:
        """Describe the scenario, its length presets, and its seats with their default players."""
        scenario = self.scenario
        years = len(scenario.years)
        offered = presets(years)
        chosen = self.query_one("#length", RadioSet).pressed_button
        for preset in LENGTHS:
            button = self.query_one(f"#{preset}", RadioButton)
            button.display = preset in offered
            button.disabled = preset not in offered
            if preset in offered:
                button.label = f"{preset}: {offered[preset]} rounds, {span(scenario, offered[preset])}"
        if chosen is not None and chosen.id not in offered:  # a longer preset plays as many rounds
            rounds = preset_rounds(years, str(chosen.id))
            kept = next(preset for preset, played in offered.items() if played == rounds)
            self.query_one(f"#{kept}", RadioButton).value = True
        self.describe()
        table = Game(app_of(self).content, scenario.id).table
        defaults = default_lineup(table)
        seats = self.query_one("#seats", Vertical)
        await seats.remove_children()
        self.players, self.seat_help = {}, {}
        for index, seat in enumerate(table.order):
            kind = table.seats[seat].type
            choices = [("Person", HUMAN)] + [
                (f"Bot: {name}" if name == "random" else f"Bot: {name} ({level})", f"{name}:{level}")
                for name, personality in PERSONALITIES.items()
                if kind in personality.seats
                for level in (["normal"] if name == "random" else LEVELS)
            ]
            player = Select(
                choices,
                value=HUMAN if index == 0 else str(defaults[seat]),
                allow_blank=False,
                type_to_search=False,
                compact=True,
            )
            self.players[seat] = player
            self.seat_help[player] = f"{table.seats[seat].name}: {table.seats[seat].blurb}"
            await seats.mount(
                Horizontal(
                    Label(table.seats[seat].name, classes="seat-name"),
                    Label(table.types[seat].name, classes="seat-type"),
                    player,
                    classes="seat",
                )
            )

    @on(RadioSet.Changed, "#length")
    def describe(self) -> None:
        """The scenario's seats, and the rounds, years and minutes (in fives) of the length chosen."""
        scenario = self.scenario
        years = len(scenario.years)
        chosen = self.query_one("#length", RadioSet).pressed_button
        rounds = preset_rounds(years, str(chosen.id) if chosen else "full")
        minutes = 5 * round(scenario.minutes * rounds / years / 5)
        self.query_one("#about", Static).update(
            f"{len(scenario.seats)} seats · {rounds} rounds, {span(scenario, rounds)} · "
            f"about {minutes} minutes\n{scenario.summary}"
        )

    def on_descendant_focus(self) -> None:
        """Explain the field in focus on the hint line."""
        focused = self.focused
        hint = "Tab and shift+Tab move between fields; Enter or ↓ opens a list; s starts; Esc goes back."
        hint += "\nEvery game is kept in a save of its own: Load lists them all."
        if focused in self.seat_help:
            hint = self.seat_help[focused]
            value = str(cast(Select, focused).value)
            who = (
                "a person at this keyboard" if value == HUMAN else PERSONALITIES[BotSpec.parse(value).personality].text
            )
            hint += f"\nPlayed by: {who}"
        elif focused is self.query_one("#scenario"):
            hint = "Which world to play: its seats, years and story. " + hint
        elif focused is self.query_one("#pin"):
            hint = (
                "A facilitator's PIN locks the facilitator's menu (f: pause, undo, end the phase, inject "
                "a shock, the timer), so that players at the table cannot use it. Leave it empty for none."
            )
        elif focused is self.query_one("#seed"):
            hint = "The same seed, scenario and players make the same shocks and cards: use it to replay a game. Enter starts."
        elif focused is self.query_one("#length"):
            hint = "Short and quick games play only the first rounds of the scenario. ↑↓ moves, Enter or space picks."
        self.query_one("#hint", Static).update(hint)

    @on(Select.Changed)
    def player_changed(self, event: Select.Changed) -> None:
        if event.select in self.seat_help:
            self.on_descendant_focus()

    @on(Input.Changed, "#seed")
    def seed_changed(self) -> None:
        self.check_seed()

    def check_seed(self) -> int | None:
        """The seed typed, or None (and why, next to it) if it is not a whole number ≥ 0."""
        text = self.query_one("#seed", Input).value.strip()
        good = re.fullmatch(r"\d+", text, re.ASCII) is not None
        self.query_one("#seed-problem", Static).update("" if good else "⚠ a whole number, 0 or more")
        return int(text) if good else None

    @on(Button.Pressed, "#back")
    def back(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#start")
    @on(Input.Submitted, "#seed")
    @on(Input.Submitted, "#pin")
    def start_pressed(self) -> None:
        self.action_start()

    def action_start(self) -> None:
        """Start the game as set up, or say in place what stops it."""
        seed = self.check_seed()
        if seed is None:
            self.say("⚠ The seed must be a whole number, 0 or more.")
            self.query_one("#seed", Input).focus()
            return
        seating = {seat: None if p.value == HUMAN else BotSpec.parse(str(p.value)) for seat, p in self.players.items()}
        if all(seating.values()):
            self.say("⚠ Every seat is a bot: choose Person for at least one (bots only? use `negotiate simulate`).")
            return
        pin = self.query_one("#pin", Input).value.strip()
        if pin and len(pin) < PIN_LENGTH:
            self.say(f"⚠ A PIN has at least {PIN_LENGTH} characters (or none at all).")
            self.query_one("#pin", Input).focus()
            return
        preset = self.query_one("#length", RadioSet).pressed_button
        rounds = preset_rounds(len(self.scenario.years), preset.id if preset and preset.id else "full")
        content = app_of(self).content
        people = [seat for seat, bot in seating.items() if bot is None]
        try:
            session = Session.new(
                content,
                self.scenario.id,
                seed,
                seating,
                None if rounds == len(self.scenario.years) else rounds,
                autosave=saves.new_game_path(Game(content, self.scenario.id).table, people),
                pin=pin or None,
            )
        except OSError as exc:
            self.say(f"⚠ Cannot write the autosave: {exc}")
            return
        self.dismiss(session)

    def say(self, text: str) -> None:
        problem = self.query_one("#problem", Static)
        problem.update(text)
        problem.set_class(bool(text), "shown")


class LoadScreen(Screen[Session | None]):
    """Every save in the save folder, newest first: Enter loads one, d deletes one (after asking)."""

    DEFAULT_CSS = """
    LoadScreen #title { text-style: bold; background: $primary; color: $text; padding: 0 1; }
    LoadScreen #where { color: $text-muted; padding: 0 1; }
    LoadScreen #saves { height: 1fr; margin: 1 1 0 1; }
    LoadScreen #empty { padding: 1 2; }
    LoadScreen #problem { padding: 0 1; color: $text-error; }
    """

    BINDINGS = [Binding("escape", "dismiss", "Back"), Binding("d", "delete", "Delete")]

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, saves.SaveInfo] = {}

    def compose(self) -> ComposeResult:
        yield Static("Load a save", id="title")
        yield Static(f"Saves live in {saves.folder()}", id="where", markup=False)
        yield PointedList(id="saves")
        yield Static(
            "No saves yet. Every game saves itself after each move (Continue on the start menu "
            "picks up the latest), and at the table ctrl+s keeps a copy under a name you choose.",
            id="empty",
        )
        yield Static(id="problem", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.refill()

    def refill(self) -> None:
        """List the folder as it is now."""
        content = app_of(self).content
        self.found = {str(info.path): info for info in saves.saves()}
        options = []
        for key, info in self.found.items():
            line = Text.assemble((info.name, "bold"), (f"   saved {info.modified:%Y-%m-%d %H:%M}", "dim"))
            if info.problem:
                line.append(f"\n  ⚠ cannot be loaded: {info.problem}", style="italic")
            else:
                line.append(f"\n  {describe(content, info)} · {info.actions} actions")
            options.append(Option(line, id=key))
        listed = self.query_one("#saves", PointedList)
        listed.show(options)
        listed.display = bool(options)
        self.query_one("#empty").display = not options
        listed.focus()

    @on(OptionList.OptionSelected, "#saves")
    def load(self, event: OptionList.OptionSelected) -> None:
        info = self.found[str(event.option.id)]
        if info.problem:
            self.say(f"⚠ {info.name} cannot be loaded: {info.problem}. Press d to delete it.")
            return
        try:
            session = saves.resume(app_of(self).content, info.path)
        except SaveError as exc:
            self.say(f"⚠ {exc}\nThe file is kept as it is.")
            return
        self.dismiss(session)

    def action_delete(self) -> None:
        """Delete the highlighted save, once the person has said yes."""
        from negotiate.tui.dialogs import Confirm

        listed = self.query_one("#saves", PointedList)
        if listed.highlighted is None or not self.found:
            return
        info = self.found[str(listed.get_option_at_index(listed.highlighted).id)]

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                saves.delete(info.path)
            except OSError as exc:
                self.say(f"⚠ Not deleted: {exc}")
                return
            self.say(f"Deleted {info.path.name}.")
            self.refill()

        self.app.push_screen(Confirm(f"Delete the save {info.name}?", "It cannot be brought back."), answered)

    def say(self, text: str) -> None:
        self.query_one("#problem", Static).update(text)
