"""A game at the table: the engine's game, who plays each seat (a person or a bot), the bots,
and the autosave after every action. No textual here: the app drives a session, and its
screens read the game only through `Board`, which a remote seat's session can provide too."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeGuard

from negotiate.bots import Answer, Bot, BotSpec, resumed_bots
from negotiate.content import Content
from negotiate.engine import ActionModel, Event, Game, SeatView, write_save
from negotiate.engine.actions import Undo, actor
from negotiate.engine.scoring import ScoreLine
from negotiate.engine.table import Table

HUMAN = "human"
ROUNDS = 200_000
"""PBKDF2 rounds for the facilitator's PIN: a guess costs a tenth of a second or so."""


def lock_with(pin: str) -> str:
    """The facilitator's PIN as kept in the save: salted and hashed, never in clear."""
    salt = secrets.token_hex(8)
    return f"pbkdf2-sha256${ROUNDS}${salt}${_hashed(pin, salt, ROUNDS)}"


def _hashed(pin: str, salt: str, rounds: int) -> str:
    return hashlib.pbkdf2_hmac("sha256", pin.encode(), salt.encode(), rounds).hex()


class Board(Protocol):
    """All the screens read of a game: what a remote seat can be given too (views, legal moves,
    checks, scores, the story), never the state or the log. `Game` is one."""

    @property
    def table(self) -> Table: ...

    @property
    def current_seat(self) -> str | None: ...

    @property
    def is_over(self) -> bool: ...

    def view(self, seat: str) -> SeatView: ...

    def legal_actions(self, seat: str) -> list[ActionModel]: ...

    def check(self, action: ActionModel) -> str | None: ...

    def score(self, seat: str) -> list[ScoreLine]: ...

    def events_for(self, seat: str | None) -> list[Event]: ...


class Sitting(Protocol):
    """A game as the screens play it: a `Session` at this computer, or a seat's session at a
    server's table (`negotiate.tui.remote.RemoteSession`). No screen is written twice."""

    remote: bool
    """True at a server's table: bots play there, the facilitator steers there, the server saves."""
    lock: str | None

    @property
    def board(self) -> Board: ...

    @property
    def table(self) -> Table: ...

    @property
    def seq(self) -> int: ...

    @property
    def seating(self) -> dict[str, BotSpec | None]: ...

    @property
    def humans(self) -> list[str]: ...

    def is_human(self, seat: str | None) -> TypeGuard[str]: ...

    def moved(self) -> set[str]: ...

    def timer(self) -> tuple[int, float] | None: ...

    def bot_to_move(self) -> str | None: ...

    def decide(self, seat: str) -> ActionModel: ...

    def catch_up(self) -> None: ...

    def apply(self, action: ActionModel) -> list[Event]: ...

    def take_back(self) -> int: ...

    def ask(self, seat: str, asker: str) -> Answer: ...

    def answers_to(self, asker: str) -> list[Asked]: ...

    def unlocks(self, pin: str) -> bool: ...

    def save_now(self, path: Path | None = None) -> None: ...

    def watch(self, changed: Callable[[], None], refused: Callable[[str], None]) -> None: ...


@dataclass(frozen=True)
class Asked:
    """A bot's answer to a person's question "what would you accept from me?", and the round
    and year it was asked in."""

    round: int
    year: int
    answer: Answer


class Session:
    """One game being played: which seats are people, the bots for the others, and where the
    game autosaves (atomically, after every action) if anywhere."""

    remote = False

    def __init__(
        self,
        game: Game,
        seating: Mapping[str, BotSpec | None],
        autosave: Path | None = None,
        lock: str | None = None,
    ):
        missing = [seat for seat in game.table.order if seat not in seating]
        if missing:
            raise ValueError(f"no player for {', '.join(missing)}")
        self.game = game
        self.seating = dict(seating)
        self.autosave = autosave
        self.lock = lock
        """The facilitator's PIN, hashed (see `lock_with`); None: the facilitator's menu is open to all."""
        self.bots: dict[str, Bot] = {}
        self.answers: list[Asked] = []
        """The bots' answers to people's questions, for this sitting only: asking is not a move,
        so they are in neither the game's log nor its save."""
        self.catch_up()

    @classmethod
    def new(
        cls,
        content: Content,
        scenario: str,
        seed: int,
        seating: Mapping[str, BotSpec | None],
        rounds: int | None = None,
        autosave: Path | None = None,
        pin: str | None = None,
    ) -> Session:
        """A fresh game; it is saved at once, so "continue" finds it even before a move. With a
        `pin`, the facilitator's menu asks for it."""
        session = cls(Game(content, scenario, seed, rounds), seating, autosave, lock_with(pin) if pin else None)
        session.save_now()
        return session

    @property
    def board(self) -> Board:
        """The game as the screens read it."""
        return self.game

    @property
    def table(self) -> Table:
        return self.game.table

    @property
    def seq(self) -> int:
        """How many actions the game has taken, undos included: it changes whenever the game
        moves on (for a remote seat: the sequence number of the last update it was sent)."""
        return len(self.game.log)

    def timer(self) -> tuple[int, float] | None:
        """A phase timer set elsewhere (minutes, seconds left): none here, where the screen keeps it."""
        return None

    def moved(self) -> set[str]:
        """The seats (and the facilitator) with a move in the game as it stands. Read from the
        log, which a remote seat never gets: it learns from the server that a seat has acted."""
        return {actor(action) for action in self.game.effective_log()}

    @property
    def humans(self) -> list[str]:
        """The seats people play, in turn order."""
        return [seat for seat in self.game.table.order if self.seating[seat] is None]

    def is_human(self, seat: str | None) -> TypeGuard[str]:
        return seat is not None and self.seating.get(seat, 0) is None

    def bot_to_move(self) -> str | None:
        """The seat whose turn it is, if a bot plays it."""
        seat = self.game.current_seat
        return seat if seat is not None and not self.is_human(seat) else None

    def decide(self, seat: str) -> ActionModel:
        """What the seat's bot does now, from the seat's view and legal actions only. Reads the
        game without changing it, so it may run off the UI thread while the game stands still."""
        return self.bots[seat].decide(self.game.view(seat), self.game.legal_actions(seat))

    def ask(self, seat: str, asker: str) -> Answer:
        """What the bot in `seat` would accept from `asker` now, from its own view (see
        `ScriptedBot.what_would_you_accept`). Not a move: the game and the bot stay as they were;
        the answer is kept in `answers`."""
        view = self.game.view(seat)
        answer = self.bots[seat].what_would_you_accept(view, asker)
        self.answers.append(Asked(view.round, view.year, answer))
        return answer

    def answers_to(self, asker: str) -> list[Asked]:
        """The answers `asker` was given this sitting, oldest first (for their eyes only)."""
        return [asked for asked in self.answers if asked.answer.asker == asker]

    def apply(self, action: ActionModel) -> list[Event]:
        """Apply an action (IllegalAction if refused), then autosave."""
        events = self.game.apply(action)
        if isinstance(action, Undo):
            self.catch_up()  # a bot's memory may hold what was undone
        self.save_now()
        return events

    def take_back(self) -> int:
        """Undo back to before the last move a person (or the facilitator) made, with the bots'
        moves since: what "undo" means at a table where bots answer at once. Returns how many
        actions were undone."""
        undone = 0
        while log := self.game.effective_log():
            self.game.apply(Undo())
            undone += 1
            if self.seating.get(actor(log[-1])) is None:
                break
        self.catch_up()
        self.save_now()
        return undone

    def unlocks(self, pin: str) -> bool:
        """Whether `pin` is the facilitator's PIN (any PIN does when none was set)."""
        if self.lock is None:
            return True
        try:
            _, rounds, salt, hashed = self.lock.split("$")
            return hmac.compare_digest(_hashed(pin, salt, int(rounds)), hashed)
        except ValueError:
            return False  # a damaged lock opens to nobody

    def labels(self) -> dict[str, str]:
        """Who plays each seat, as saved: "human" or a bot's personality:level."""
        return {seat: HUMAN if spec is None else str(spec) for seat, spec in self.seating.items()}

    def save_now(self, path: Path | None = None) -> None:
        """Write the game to `path`, or to the autosave if no path is given and there is one."""
        target = path or self.autosave
        if target is not None:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_save(self.game, target, self.labels(), self.lock)

    def watch(self, changed: Callable[[], None], refused: Callable[[str], None]) -> None:
        """Nothing moves the game but this screen's moves and bots: there is nothing to watch."""

    def catch_up(self) -> None:
        """Make the bots afresh, with the memory of the game so far that their seats would have:
        on loading, after an undo, or when a bot's decision was not taken (the game moved on
        while it thought). A resumed game then goes on exactly as an uninterrupted one."""
        self.bots = resumed_bots(self.game, {seat: spec for seat, spec in self.seating.items() if spec})


def seating_from(labels: Mapping[str, str], order: tuple[str, ...]) -> dict[str, BotSpec | None]:
    """Read saved seating labels back ("human" or personality:level); a seat missing from the
    labels (an older save) is played by a person."""
    return {seat: None if labels.get(seat, HUMAN) == HUMAN else BotSpec.parse(labels[seat]) for seat in order}
