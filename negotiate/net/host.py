"""One table on the server: its game, the one writer that applies its actions in order, its
bots for the seats nobody joined, and the devices connected to each seat.

Every action goes through the table's queue. The writer checks it with the engine, commits it
to the store, answers the one who sent it, then sends each connected seat its own update: its
view, what it may do, and the events it may read. Nobody sees an action's effect before it is
committed. A table waits until it starts (every seat joined, or the facilitator starts it); from
then on bots play the seats that no person has joined, thinking off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from negotiate.bots import Bot, BotSpec, LineupError, parse_lineup, resumed_bots
from negotiate.content import Content
from negotiate.engine import ActionModel, Game, IllegalAction
from negotiate.engine.actions import PERSON, EndPhase, HandOver, Pause, Resume, SetTimer, Undo, actor, parse_action
from negotiate.engine.save import digest, to_save
from negotiate.net.protocol import Ack, Message, Reject, ScoreItem, Snapshot, Timer, Update
from negotiate.net.store import Logged, Store, TableRecord

log = logging.getLogger("negotiate.server")

HUMAN, WAITING = "human", "waiting"
PUBLIC = ""
"""The seat of a device that watches a table's public view (the room's screen)."""
ANSWERS = 4096
"""Answers a table remembers, by (seat, action id), for clients that send an action again."""
OUTBOX = 256
"""Messages queued for one device before it counts as not reading, and is dropped."""


@dataclass(eq=False)
class Device:
    """One connection to a seat (or to the table's public view: PUBLIC): its outbox."""

    seat: str
    address: str
    outbox: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(OUTBOX))
    dropped: bool = False

    def send(self, message: Message | str) -> None:
        """Queue a message; a device whose outbox is full is not reading, and is dropped."""
        if self.dropped:
            return
        try:
            self.outbox.put_nowait(message if isinstance(message, str) else message.model_dump_json())
        except asyncio.QueueFull:
            log.warning("dropping a device of %s at %s: it does not read its messages", self.seat, self.address)
            self.drop()

    def end(self) -> None:
        """Close the connection once the messages queued for it are sent."""
        if not self.dropped:
            self.dropped = True
            try:
                self.outbox.put_nowait(None)
            except asyncio.QueueFull:
                self.drop()

    def drop(self) -> None:
        self.dropped = True
        while not self.outbox.empty():
            self.outbox.get_nowait()
        self.outbox.put_nowait(None)


@dataclass
class Request:
    device: Device | None
    id: str | None
    action: dict[str, Any] | None
    """None: no action, the bots may play (the table started)."""
    answer: asyncio.Future[Ack | Reject]


class Host:
    """A table's game and its writer."""

    game: Game
    handed: dict[str, str]
    """The seats the facilitator handed to a bot (its spec) or back to a person (PERSON)."""
    timer_set: SetTimer | None
    """The phase timer the facilitator set last, in the log as it stands."""

    def __init__(self, record: TableRecord, content: Content, store: Store):
        self.record = record
        self.store = store
        self.content = content
        self.answers: OrderedDict[tuple[str, str], Ack | Reject] = OrderedDict()
        self._load()
        self.devices: dict[str, set[Device]] = {seat: set() for seat in (*self.game.table.order, PUBLIC)}
        marks = store.marks(record.id)
        self.joined = {seat for seat in self.game.table.order if marks.get(f"joined:{seat}")}
        self.started = bool(marks.get("started"))
        self.moved_at = time.monotonic()
        """When the table last moved (for the facilitator's idle alert)."""
        self.phase_key = (self.game.state.round, self.game.state.phase)
        self.phase_started = self.paused_at = time.monotonic()
        """When this phase began (shifted by the time it was paused), and when it was paused."""
        self._alarm: asyncio.TimerHandle | None = None
        self.bots: dict[str, Bot] = {}
        self._stale_bots = False
        """The bots must be made again, caught up with the game (on starting, after an undo)."""
        self.queue: asyncio.Queue[Request] = asyncio.Queue()
        self._writer: asyncio.Task[None] | None = None

    # --- reading ---------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.record.id

    @property
    def seq(self) -> int:
        return len(self.game.log)

    def seating(self) -> dict[str, str]:
        """Who plays each seat: a person, a bot, or nobody yet."""
        return {seat: self._who(seat) for seat in self.game.table.order}

    def _who(self, seat: str) -> str:
        handed = self.handed.get(seat)
        if handed is not None and handed != PERSON:
            return handed  # the facilitator gave it to a bot
        if seat in self.joined:
            return HUMAN
        if handed == PERSON or not self.started:
            return WAITING
        return self.record.bots.get(seat, WAITING)

    def connected(self) -> list[str]:
        return [seat for seat in self.game.table.order if self.devices[seat]]

    def digest(self) -> str:
        return digest(self.game)

    def save(self) -> dict[str, Any]:
        """The table's game as a save file's data, like a local save."""
        return to_save(self.game, self.seating())

    def snapshot(self, seat: str, since: int | None) -> Snapshot:
        """All the seat may know now; the story since `since` if nothing was undone after it."""
        whole = since is None or since > self.seq or any(seq > since for seq in self.undone_at)
        start = 0 if whole else self.marks[since]  # type: ignore[index]
        return Snapshot(
            table=self.id,
            seat=seat,
            scenario=self.record.scenario,
            rounds=self.record.rounds,
            content=self.game.table.content.digest,
            seating=self.seating(),
            started=self.started,
            events=self._events(seat, start),
            reset=whole,
            **self._seen(seat),
        )

    def _seen(self, seat: str) -> dict[str, Any]:
        game = self.game
        seats = game.table.order if game.is_over else () if seat == PUBLIC else (seat,)
        return {
            "seq": self.seq,
            "view": game.public_view() if seat == PUBLIC else game.view(seat),
            "legal": game.legal_actions(seat) if self.started and seat != PUBLIC else [],
            "score": {
                s: [ScoreItem(source=x.source, label=x.label, points=x.points) for x in game.score(s)] for s in seats
            },
            "connected": self.connected(),
            "timer": self.timer(),
        }

    def timer(self) -> Timer | None:
        """The phase timer the facilitator set last (in the log as it stands), if any."""
        last = self.timer_set
        if last is None or not last.minutes:
            return None
        now = self.paused_at if self.game.state.paused else time.monotonic()
        left = last.minutes * 60 - (now - self.phase_started)
        return Timer(minutes=last.minutes, ends_phase=last.ends_phase, left=round(left, 1))

    def _events(self, seat: str, start: int) -> list:
        return [e for e in self.game.events[start:] if e.to is None or e.to == seat]

    # --- devices ---------------------------------------------------------------------------

    def join(self, device: Device, since: int | None) -> None:
        """A device joins its seat: a person takes the seat from then on, from any bot."""
        seat = device.seat
        if seat not in self.joined:
            self.joined.add(seat)
            if self._who(seat) == HUMAN:
                self.bots.pop(seat, None)
            self.store.mark(self.id, f"joined:{seat}", "1")
            if not self.started and self.joined >= set(self.game.table.order):
                self.start()
        self.devices[seat].add(device)
        device.send(self.snapshot(seat, since))
        self._tell_all()

    def watch(self, device: Device, since: int | None) -> None:
        """A device watches the table's public view (`device.seat` is PUBLIC)."""
        self.devices[PUBLIC].add(device)
        device.send(self.snapshot(PUBLIC, since))

    def leave(self, device: Device) -> None:
        self.devices[device.seat].discard(device)
        self._tell_all()

    def start(self) -> None:
        """Play begins: bots take the seats nobody joined."""
        if self.started:
            return
        self.started = True
        self.store.mark(self.id, "started", "1")
        self.phase_started = self.paused_at = time.monotonic()
        self._wake_bots()
        self._tell_all()
        self._arm()

    # --- the writer ------------------------------------------------------------------------

    def run(self) -> None:
        """Start the table's writer (and its bots, if it has started)."""
        if self._writer is None:
            self._writer = asyncio.get_running_loop().create_task(self._write(), name=f"table {self.id}")
            if self.started:
                self._wake_bots()
            self._arm()

    async def stop(self) -> None:
        if self._alarm is not None:
            self._alarm.cancel()
        if self._writer is not None:
            self._writer.cancel()
            try:
                await self._writer
            except asyncio.CancelledError:
                pass
            self._writer = None
        for devices in self.devices.values():
            for device in list(devices):
                device.drop()

    def submit(
        self, device: Device | None, action_id: str | None, action: dict[str, Any]
    ) -> asyncio.Future[Ack | Reject]:
        """Queue an action from a seat's device (or, with no device, the facilitator's)."""
        answer: asyncio.Future[Ack | Reject] = asyncio.get_running_loop().create_future()
        self.queue.put_nowait(Request(device, action_id, action, answer))
        return answer

    async def _write(self) -> None:
        while True:
            request = await self.queue.get()
            if request.action is None:
                await self._play_bots()
                continue
            try:
                answer = await self._take(request)
            except Exception:  # a defect must not stop the table: log it, refuse the action
                log.exception("table %s: action %r failed", self.id, request.action)
                answer = Reject(id=request.id or "", reason="the server failed to apply it; it is logged")
            if not request.answer.done():
                request.answer.set_result(answer)
            if request.device is not None and request.id is not None:
                request.device.send(answer)
            if isinstance(answer, Ack):
                await self._play_bots()

    async def _take(self, request: Request) -> Ack | Reject:
        device, action_id = request.device, request.id or ""
        seat = device.seat if device is not None else "facilitator"
        known = self.answers.get((seat, action_id)) if request.id else None
        if known is not None:
            return known
        assert request.action is not None
        checked = self._check(seat, request.action, action_id)
        if isinstance(checked, Undo):  # an undo replays the game: on a copy, off the event loop
            undone = await asyncio.get_running_loop().run_in_executor(None, self._undone)
            answer: Ack | Reject = self._commit(checked, seat, request.id, undone)
        elif isinstance(checked, ActionModel):
            answer = self._commit(checked, seat, request.id)
        else:
            answer = checked
        if isinstance(answer, Reject):
            log.info("table %s: refused %s's %s: %s", self.id, seat, request.action.get("type"), answer.reason)
        if request.id:
            self._remember((seat, action_id), answer)
        return answer

    def _check(self, seat: str, data: dict[str, Any], action_id: str) -> ActionModel | Reject:
        try:
            action = parse_action(data)
        except ValueError as exc:
            return Reject(id=action_id, reason=str(exc))
        if not self.started:
            return Reject(id=action_id, reason="the table has not started: it waits for its seats or the facilitator")
        if actor(action) != seat:
            name = "the facilitator" if actor(action) == "facilitator" else self.game.table.name(actor(action))
            return Reject(
                id=action_id,
                reason=f"this device plays {self.game.table.name(seat) if seat != 'facilitator' else 'the facilitator'}, not {name}",
            )
        if seat in self.handed and self._who(seat) != HUMAN and seat != "facilitator":
            return Reject(id=action_id, reason=f"the facilitator handed {self.game.table.name(seat)} to a bot")
        problem = self.game.check(action)
        if problem is None and isinstance(action, HandOver) and action.to != PERSON:
            try:
                parse_lineup(f"{action.seat}={action.to}", self.game.table)
            except LineupError as exc:
                problem = f"to: {exc}"
        if problem is not None:
            return Reject(id=action_id, reason=problem)
        return action

    def _commit(self, action: ActionModel, seat: str, action_id: str | None, applied: Game | None = None) -> Ack:
        """Apply a checked action, commit it, then tell every seat."""
        before = len(self.game.events)
        self._apply(action, applied)
        self.moved_at = now = time.monotonic()
        if isinstance(action, Pause):
            self.paused_at = now
        elif isinstance(action, Resume):
            self.phase_started += now - self.paused_at
        if (key := (self.game.state.round, self.game.state.phase)) != self.phase_key:
            self.phase_key, self.phase_started, self.paused_at = key, now, now
        try:
            self.store.append(self.id, Logged(self.seq, seat, action_id, action.model_dump(mode="json")))
        except Exception:
            self._load()  # not committed: it did not happen
            raise
        if isinstance(action, (Undo, HandOver)):
            self._stale_bots = True  # a bot's memory may hold what was undone, or a seat changed hands
            self._tell_all(reset=True)
        else:
            self._tell_all(start=before)
        self._arm()
        return Ack(id=action_id or "", seq=self.seq)

    def _arm(self) -> None:
        """Ring at the phase's time up: it ends the phase if the facilitator chose so, else every
        seat is told again (its screen warns)."""
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
        timer = self.timer()
        if timer is None or not self.started or self.game.is_over or self.game.state.paused:
            return
        self._alarm = asyncio.get_running_loop().call_later(max(0.0, timer.left), self._time_up, self.phase_key)

    def _time_up(self, key: tuple[int, str]) -> None:
        timer = self.timer()
        if key != self.phase_key or timer is None or self.game.state.paused:
            return
        if timer.ends_phase and self.game.check(EndPhase()) is None:
            self.submit(None, None, {"type": "end_phase"})
        else:
            self._tell_all()

    def _undone(self) -> Game:
        """The game after one more undo, replayed from its log on a copy."""
        record = self.record
        return Game.replayed(self.content, record.scenario, record.seed, [*self.game.log, Undo()], record.rounds)

    def _apply(self, action: ActionModel, applied: Game | None = None) -> None:
        """Apply an action to the game (or take `applied`, the game with it applied already)."""
        if applied is None:
            self.game.apply(action)
        else:
            self.game = applied
        if isinstance(action, Undo):
            self.undone_at.append(self.seq)
        if isinstance(action, (Undo, HandOver, SetTimer)):  # what the log says of seats and the clock
            kept = self.game.effective_log()
            self.handed = {a.seat: a.to for a in kept if isinstance(a, HandOver)}
            self.timer_set = next((a for a in reversed(kept) if isinstance(a, SetTimer)), None)
        self.marks.append(len(self.game.events))

    def _load(self) -> None:
        """The game as its committed log makes it."""
        record = self.record
        self.game = Game(self.content, record.scenario, record.seed, record.rounds)
        self.marks: list[int] = [len(self.game.events)]
        """The number of events after each action (index: sequence number)."""
        self.undone_at: list[int] = []
        """Sequence numbers of the undos: a client that saw less needs the whole story again."""
        self.handed, self.timer_set = {}, None
        for entry in self.store.log(record.id):
            self._apply(parse_action(entry.action))
            if entry.action_id is not None:
                self._remember((entry.actor, entry.action_id), Ack(id=entry.action_id, seq=entry.seq))

    def _remember(self, key: tuple[str, str], answer: Ack | Reject) -> None:
        self.answers[key] = answer
        if len(self.answers) > ANSWERS:
            self.answers.popitem(last=False)

    def _tell_all(self, start: int | None = None, reset: bool = False) -> None:
        """Send each connected seat its update: the new events it may read, its view and moves."""
        for seat, devices in self.devices.items():
            if not devices:
                continue
            update = Update(
                events=self._events(seat, 0 if reset else start if start is not None else len(self.game.events)),
                reset=reset,
                seating=self.seating(),
                started=self.started,
                **self._seen(seat),
            ).model_dump_json()
            for device in list(devices):
                device.send(update)

    # --- bots ------------------------------------------------------------------------------

    def _bots(self) -> dict[str, Bot]:
        who = {seat: self._who(seat) for seat in self.game.table.order}
        specs = {seat: BotSpec.parse(spec) for seat, spec in who.items() if spec not in (HUMAN, WAITING)}
        return resumed_bots(self.game, specs) if self.started else {}

    def _wake_bots(self) -> None:
        self._stale_bots = True
        if self._writer is not None:
            self.queue.put_nowait(Request(None, None, None, asyncio.get_running_loop().create_future()))

    async def _play_bots(self) -> None:
        """Let the bots play while it is a bot's turn: each thinks in a thread, from its seat's
        view, while the table's writer waits (nothing else changes the game meanwhile)."""
        loop = asyncio.get_running_loop()
        if self._stale_bots:  # catching up replays the game for every bot: off the event loop too
            self._stale_bots = False
            self.bots = await loop.run_in_executor(None, self._bots)
        while self.started and not self.game.state.paused:
            seat = self.game.current_seat
            bot = self.bots.get(seat) if seat is not None else None
            if bot is None or seat is None:
                return
            view, legal = self.game.view(seat), self.game.legal_actions(seat)
            try:
                action = await loop.run_in_executor(None, bot.decide, view, legal)
                if self._who(seat) in (HUMAN, WAITING):  # a person took the seat while its bot thought
                    continue
                problem = self.game.check(action)
                if problem is not None:
                    raise IllegalAction(problem)
                self._commit(action, seat, None)
            except Exception:  # a bot's defect must not stop the table: the seat waits, and it is logged
                log.exception("table %s: the bot playing %s failed; the seat waits for a person", self.id, seat)
                self.bots.pop(seat, None)
                return
