"""The round as a state machine: its phases, how one leads to the next, and what each one does.

One `transitions.Machine` per game. The phase lives in the game state, so the machine follows
whatever state it is given (a loaded save, a replay). Automatic phases run through at once;
player phases wait until their end condition holds or the facilitator ends them.
"""

from __future__ import annotations

from typing import Any

from transitions import Machine

from negotiate.engine import rounds
from negotiate.engine.events import Story
from negotiate.engine.flows import resolve
from negotiate.engine.state import GameState
from negotiate.engine.table import Table

PHASES = [
    "setup",
    "trend",
    "shock",
    "negotiation",
    "ratification",
    "implementation",
    "resolution",
    "scoring",
    "game_over",
]
AUTOMATIC = frozenset({"setup", "trend", "shock", "resolution", "scoring"})
TRANSITIONS: list[dict[str, Any]] = [
    {"trigger": "advance", "source": "setup", "dest": "trend"},
    {"trigger": "advance", "source": "trend", "dest": "shock"},
    {"trigger": "advance", "source": "shock", "dest": "negotiation"},
    {"trigger": "advance", "source": "negotiation", "dest": "ratification", "before": "close_negotiation"},
    {"trigger": "advance", "source": "ratification", "dest": "implementation", "before": "close_ratification"},
    {"trigger": "advance", "source": "implementation", "dest": "resolution"},
    {"trigger": "advance", "source": "resolution", "dest": "scoring"},
    {"trigger": "advance", "source": "scoring", "dest": "game_over", "conditions": "is_final"},
    {"trigger": "advance", "source": "scoring", "dest": "trend", "unless": "is_final", "before": "next_round"},
]


class RoundMachine:
    """Drives one game's phases. `state` may be replaced (undo, load); the machine follows it."""

    def __init__(self, table: Table, state: GameState):
        self.table = table
        self.state = state
        self.story = Story(state)
        self.ending = False
        """The facilitator ended the game: every phase ends at once, and this round is the last."""
        self.machine = Machine(
            model=self,
            states=PHASES,
            transitions=TRANSITIONS,
            initial=state.phase,
            auto_transitions=False,
            model_attribute="phase",
        )

    @property
    def phase(self) -> str:
        return self.state.phase

    @phase.setter
    def phase(self, value: str) -> None:
        self.state.phase = value  # type: ignore[assignment]

    def use(self, state: GameState, story: Story) -> None:
        """Work on this state from now on, telling what happens to `story`."""
        self.state = state
        self.story = story

    def settle(self, end_phase: bool = False) -> None:
        """Run automatic phases and end finished ones until a seat must act or the game is over."""
        while self.state.phase != "game_over":
            phase = self.state.phase
            if phase in AUTOMATIC or end_phase or self.ending or self._over(phase):
                end_phase = False
                self.advance()  # type: ignore[attr-defined]
            else:
                return

    def _over(self, phase: str) -> bool:
        if phase == "negotiation":
            return rounds.negotiation_over(self.table, self.state)
        if phase == "ratification":
            return rounds.ratification_over(self.table, self.state)
        if phase == "implementation":
            return rounds.implementation_over(self.table, self.state)
        return False

    # --- conditions and callbacks named in TRANSITIONS and by phase ----------------------

    def is_final(self) -> bool:
        return self.ending or rounds.is_final(self.table, self.state)

    def next_round(self) -> None:
        rounds.next_round(self.table, self.state, self.story)

    def close_negotiation(self) -> None:
        rounds.close_negotiation(self.table, self.state, self.story)

    def close_ratification(self) -> None:
        rounds.close_ratification(self.table, self.state, self.story)

    def on_enter_trend(self) -> None:
        rounds.draw_trend(self.table, self.state, self.story)

    def on_enter_shock(self) -> None:
        rounds.draw_shock(self.table, self.state, self.story)

    def on_enter_negotiation(self) -> None:
        rounds.open_negotiation(self.table, self.state, self.story)

    def on_enter_implementation(self) -> None:
        rounds.open_implementation(self.table, self.state, self.story)

    def on_enter_resolution(self) -> None:
        resolve(self.table, self.state, self.story)

    def on_enter_scoring(self) -> None:
        rounds.keep_score(self.table, self.state, self.story)

    def on_enter_game_over(self) -> None:
        rounds.finish(self.table, self.state, self.story)


def mermaid() -> str:
    """The round's state diagram in mermaid syntax, drawn from the same transition table."""
    lines = ["stateDiagram-v2", "    [*] --> setup"]
    for t in TRANSITIONS:
        label = ""
        if "conditions" in t:
            label = " : last round or collapse"
        elif "unless" in t:
            label = " : next round"
        elif t["source"] in AUTOMATIC:
            label = ""
        else:
            label = " : all pass, beat limit or facilitator" if t["source"] != "ratification" else " : all decided"
        lines.append(f"    {t['source']} --> {t['dest']}{label}")
    lines.append("    game_over --> [*]")
    return "\n".join(lines)
