"""A game in progress: the public face of the engine.

One way in (`apply` an action), two ways out (the events it returns, and `view` per seat).
The log of actions is the game: the state is a fold of it, and undo and load replay it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from negotiate.content import Content
from negotiate.content.schema import Scenario
from negotiate.engine import legal
from negotiate.engine.actions import (
    PERSON,
    ActionModel,
    Announce,
    EndGame,
    EndPhase,
    HandOver,
    InjectShock,
    Pause,
    Resume,
    SeatAction,
    SetTimer,
    Undo,
    actor,
    malformed,
    parse_action,
)
from negotiate.engine.events import Event, Story
from negotiate.engine.machine import RoundMachine
from negotiate.engine.moves import perform
from negotiate.engine.rounds import strike
from negotiate.engine.scoring import ScoreLine, breakdown
from negotiate.engine.setup import new_state
from negotiate.engine.state import FACILITATOR, GameState, Message, build
from negotiate.engine.table import Table, table_for
from negotiate.engine.view import Copies, SeatView, public, view


class IllegalAction(ValueError):
    """An action refused by the rules; `reason` says why. The game is unchanged."""

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


class Game:
    """One game: its table (scenario and content), its state, its round machine and its log."""

    def __init__(self, content: Content, scenario: str | None = None, seed: int = 0, rounds: int | None = None):
        """A new game of a scenario (None: the default one). `rounds` plays only its first rounds."""
        table = table_of(content, scenario, rounds)
        self._begin(table, seed, rounds if table.scenario is not content.scenario(scenario) else None)

    def rewound(self) -> Game:
        """This game at its start: the same table, seed and length, nothing played yet."""
        game = object.__new__(Game)
        game._begin(self.table, self.seed, self.rounds)
        return game

    def _begin(self, table: Table, seed: int, rounds: int | None) -> None:
        self.table = table
        self.seed = seed
        self.rounds = rounds
        self.log: list[ActionModel] = []
        self.events: list[Event] = []
        self._copies = Copies()  # parts of the state that views share while unchanged
        state = new_state(self.table, seed)
        self.machine = RoundMachine(self.table, state)
        self._start(state)

    # --- reading -------------------------------------------------------------------------

    @property
    def state(self) -> GameState:
        """The current state. Read it; change it only through `apply`."""
        return self.machine.state

    @property
    def current_seat(self) -> str | None:
        """The seat whose turn it is (None between phases, while paused, or at the end)."""
        if self.state.paused:
            return None
        return legal.current_seat(self.table, self.state)

    @property
    def is_over(self) -> bool:
        return self.state.phase == "game_over"

    def legal_actions(self, seat: str) -> list[ActionModel]:
        """What a seat (or "facilitator") may do now. See `legal.legal_actions` for what is listed."""
        actions = legal.legal_actions(self.table, self.state, seat)
        if seat == "facilitator" and self._effective():
            actions.append(Undo())
        return actions

    def check(self, action: ActionModel) -> str | None:
        """Why an action would be refused now, or None if it is legal. The action's fields are
        checked first, however it was built."""
        problem = malformed(action)
        if problem is not None:
            return problem
        if isinstance(action, Undo):
            return None if self._effective() else "there is nothing to undo"
        return legal.reason(self.table, self.state, action)

    def view(self, seat: str) -> SeatView:
        """All that a seat may see now."""
        return view(self.table, self.state, seat, self.current_seat, self._copies)

    def public_view(self) -> SeatView:
        """All that anyone may see now: no seat's agenda, hand or private messages."""
        return public(self.view(self.table.order[0]))

    def score(self, seat: str) -> list[ScoreLine]:
        """A seat's score and why, its agenda included: for the seat's own eyes (or the game's
        end). Worked out on request; views leave it out, as bots value outcomes themselves."""
        return breakdown(self.table, self.state, seat)

    def effective_log(self) -> list[ActionModel]:
        """The log with undone actions (and the undos) taken out: what the state is a fold of."""
        return self._effective()

    def events_for(self, seat: str | None) -> list[Event]:
        """The story so far as a seat may read it (None: the public story only)."""
        return [e for e in self.events if e.to is None or (seat is not None and e.to == seat)]

    # --- acting --------------------------------------------------------------------------

    def apply(self, action: ActionModel | dict[str, Any]) -> list[Event]:
        """Apply one action: returns what happened, or raises IllegalAction and changes nothing."""
        if isinstance(action, dict):
            try:
                action = parse_action(action)
            except ValueError as exc:
                raise IllegalAction(str(exc)) from None
        problem = self.check(action)
        if problem is not None:
            raise IllegalAction(problem)
        self.log.append(action)
        if isinstance(action, Undo):
            undone = self._effective(self.log[:-1])[-1]
            self._replay()
            story = Story(self.state)
            story.add(
                "facilitator",
                f"The facilitator undoes: {undone.type.replace('_', ' ')} by {self.table.name(actor(undone))}",
            )  # type: ignore[attr-defined]
            self.events += story.events
            return story.events
        return self._perform(action)

    def _perform(self, action: ActionModel) -> list[Event]:
        story = Story(self.state)
        self.machine.use(self.state, story)
        end_phase = False
        if isinstance(action, SeatAction):
            perform(self.table, self.state, action, story)
        elif isinstance(action, Announce):
            self.state.messages.append(
                build(Message, round=self.state.round, sender=FACILITATOR, to=None, text=action.text)
            )
            story.add("facilitator", f"The facilitator, to all: {action.text}")
        elif isinstance(action, HandOver):
            player = "a person" if action.to == PERSON else f"a bot ({action.to})"
            story.add("facilitator", f"The facilitator hands {self.table.name(action.seat)} to {player}")
        elif isinstance(action, SetTimer):
            limit = f"{action.minutes} minutes a phase" + (", then it ends" if action.ends_phase else "")
            story.add(
                "facilitator",
                f"The facilitator sets the timer: {limit}" if action.minutes else "The facilitator stops the timer",
            )
        elif isinstance(action, EndGame):
            story.add("facilitator", "The facilitator ends the game: this round is played out, then scored")
            self.state.paused = False
            self.machine.ending = True
        elif isinstance(action, Pause):
            self.state.paused = True
            story.add("facilitator", "The facilitator pauses the game")
        elif isinstance(action, Resume):
            self.state.paused = False
            story.add("facilitator", "The facilitator resumes the game")
        elif isinstance(action, EndPhase):
            story.add("facilitator", f"The facilitator ends the {self.state.phase} phase")
            end_phase = True
        elif isinstance(action, InjectShock):
            card = self.table.content.shocks[action.card]
            targets = (
                [action.target]
                if action.target
                else [s for s in self.table.order if card.strikes != "all" and self.table.seats[s].type == card.strikes]
            )
            story.add("facilitator", "The facilitator injects a shock")
            strike(self.table, self.state, action.card, targets, story)
        if action.reason:
            story.add("reason", f"{self.table.name(actor(action))}: {action.reason}")
        self.machine.settle(end_phase)
        self.events += story.events
        return story.events

    # --- the log -------------------------------------------------------------------------

    def _start(self, state: GameState) -> None:
        self.machine.ending = False  # a replay (after an undo) decides anew
        story = Story(state)
        self.machine.use(state, story)
        self.machine.settle()
        self.events = story.events

    def _effective(self, log: Iterable[ActionModel] | None = None) -> list[ActionModel]:
        """The log with undone actions taken out: what the state is a fold of."""
        kept: list[ActionModel] = []
        for action in self.log if log is None else log:
            if isinstance(action, Undo):
                if kept:
                    kept.pop()
            else:
                kept.append(action)
        return kept

    def _replay(self) -> None:
        """Rebuild the state from the scenario, the seed and the effective log."""
        self._copies = Copies()
        self._start(new_state(self.table, self.seed))
        for action in self._effective():
            problem = legal.reason(self.table, self.state, action)
            if problem is not None:
                raise IllegalAction(f"the log cannot be replayed: {problem}")
            self._perform(action)

    @classmethod
    def replayed(
        cls, content: Content, scenario: str, seed: int, log: Iterable[ActionModel], rounds: int | None = None
    ) -> Game:
        """A game rebuilt from its scenario, seed, length and log (each action checked again)."""
        game = cls(content, scenario, seed, rounds)
        for number, action in enumerate(log, 1):
            try:
                game.apply(action)
            except IllegalAction as exc:
                raise IllegalAction(f"action {number} ({action.type}) is refused: {exc.reason}") from None  # type: ignore[attr-defined]
        return game


def table_of(content: Content, scenario: str | None, rounds: int | None = None) -> Table:
    """The table of a scenario (None: the default one), played for its first `rounds` rounds (None: all)."""
    return table_for(content, _shortened(content.scenario(scenario), rounds))


def _shortened(scenario: Scenario, rounds: int | None) -> Scenario:
    """The scenario cut to its first `rounds` years (None: all of them)."""
    if rounds is None or rounds == len(scenario.years):
        return scenario
    if not 1 <= rounds <= len(scenario.years):
        raise ValueError(f"rounds must be from 1 to {len(scenario.years)} for {scenario.id}, not {rounds}")
    return scenario.model_copy(update={"years": scenario.years[:rounds]})
