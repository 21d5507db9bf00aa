"""Events: what happened, in one line a player can read. `to` limits an event to one seat."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from negotiate.engine.state import build


class Event(BaseModel):
    """One line of the game's story, public unless `to` names the only seat that may see it."""

    model_config = ConfigDict(frozen=True)

    round: int
    phase: str
    kind: str
    text: str
    to: str | None = None
    card: str | None = None
    """The trend or shock card this event draws or strikes with, for reports and the debrief."""


def possessive(noun: str) -> str:
    """A noun's possessive: "Vellara's", and a plural's bare apostrophe, "the parties'" ("Open Hands'")."""
    return f"{noun}'" if noun.endswith("s") else f"{noun}'s"


class Story:
    """Collects the events of one step, stamped with the round and phase they happened in."""

    __slots__ = ("state", "events")
    told = True
    """Whether anyone reads this story (a look-ahead's is not: its lines need not be written)."""

    def __init__(self, state: object):
        self.state = state
        self.events: list[Event] = []

    def add(self, kind: str, text: str, to: str | None = None, card: str | None = None) -> None:
        state = self.state
        self.events.append(build(Event, round=state.round, phase=state.phase, kind=kind, text=text, to=to, card=card))  # type: ignore[attr-defined]


class Quiet(Story):
    """A story nobody reads: the rules run on a copy of the state to look ahead, untold."""

    __slots__ = ()
    told = False

    def add(self, kind: str, text: str, to: str | None = None, card: str | None = None) -> None:
        pass
