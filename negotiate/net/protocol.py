"""The table server's protocol: every message between a seat's client and the server, as
JSON over WebSocket. Server and clients import this one module.

A client says `hello` with its seat's join code (and the sequence number it last saw, when it
reconnects); the server answers with a `snapshot` of what that seat may know, then an `update`
after every action at the table. A client's `act` carries an id that the server answers once,
with `ack` or `reject`: the same id sent again gets the same answer and is applied once.
Nothing here holds the state, the seed, the log or another seat's secrets: only the seat's view.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from negotiate.engine import Event
from negotiate.engine.actions import Action
from negotiate.engine.view import SeatView

VERSION = 1
"""The protocol's version: a client and a server of different versions refuse each other with a reason."""
MAX_MESSAGE = 64 * 1024
"""The largest message a client may send, in bytes."""
ID_LIMIT = 64


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = VERSION


# --- client to server ------------------------------------------------------------------------


class Hello(Message):
    """Join the seat whose code this is; `since`: the last sequence number this device saw."""

    type: Literal["hello"] = "hello"
    code: str = Field(max_length=40)
    since: int | None = Field(None, ge=0)


class Act(Message):
    """Take an action at the table; `id` is the client's, unique per seat, for the answer."""

    type: Literal["act"] = "act"
    id: str = Field(min_length=1, max_length=ID_LIMIT)
    action: dict[str, Any]


class Watch(Message):
    """Watch a table's public view, for the room's screen (the facilitator's token)."""

    type: Literal["watch"] = "watch"
    table: str = Field(max_length=64)
    token: str = Field(max_length=200)
    since: int | None = Field(None, ge=0)


ClientMessage = Annotated[Hello | Watch | Act, Field(discriminator="type")]
CLIENT: TypeAdapter[Hello | Watch | Act] = TypeAdapter(ClientMessage)


# --- server to client ------------------------------------------------------------------------


class ScoreItem(BaseModel):
    """One reason for points (see `negotiate.engine.scoring.ScoreLine`)."""

    source: str
    label: str
    points: float


class Timer(BaseModel):
    """The facilitator's phase timer, as the server's clock has it."""

    minutes: int
    ends_phase: bool
    left: float = Field(description="seconds left in this phase when sent (0 or less: time is up)")


class Seen(Message):
    """What changes for a seat with each action: its view, what it may do, its score."""

    seq: int
    timer: Timer | None = None
    view: SeatView
    legal: list[Action]
    score: dict[str, list[ScoreItem]] = Field(
        description="the seat's own score and why; at the game's end, every seat's"
    )
    connected: list[str] = Field(description="the seats with a device connected now")


class Snapshot(Seen):
    """All a seat may know on joining: the table, and the story so far (since `since` if the
    client gave it and nothing was undone after it)."""

    type: Literal["snapshot"] = "snapshot"
    table: str
    seat: str
    scenario: str
    rounds: int | None = Field(description="rounds played, if fewer than the scenario's")
    content: str = Field(description="the digest of the content the table plays with")
    seating: dict[str, str] = Field(description="who plays each seat: human, waiting, or a bot's personality")
    started: bool
    events: list[Event]
    reset: bool = Field(description="true: `events` is the whole story; false: it follows what the client saw")


class Update(Seen):
    """After an action: the events this seat may read (the whole story again if `reset`, after an undo)."""

    type: Literal["update"] = "update"
    events: list[Event]
    reset: bool = False
    seating: dict[str, str]
    started: bool


class Ack(Message):
    type: Literal["ack"] = "ack"
    id: str
    seq: int


class Reject(Message):
    type: Literal["reject"] = "reject"
    id: str
    reason: str


class Error(Message):
    """A message the server could not take (or a refused join); `fatal`: it closes the connection."""

    type: Literal["error"] = "error"
    reason: str
    fatal: bool = False


ServerMessage = Annotated[Snapshot | Update | Ack | Reject | Error, Field(discriminator="type")]
SERVER: TypeAdapter[Snapshot | Update | Ack | Reject | Error] = TypeAdapter(ServerMessage)


class ProtocolError(ValueError):
    """A message that is not one of the protocol's; the text says what was expected."""


def read_client(text: str | bytes) -> Hello | Watch | Act:
    """A client's message, or ProtocolError naming what is wrong."""
    return _read(CLIENT, text, "hello, watch or act")


def read_server(text: str | bytes) -> Snapshot | Update | Ack | Reject | Error:
    """A server's message, or ProtocolError naming what is wrong."""
    return _read(SERVER, text, "snapshot, update, ack, reject or error")


def _read(adapter: TypeAdapter, text: str | bytes, kinds: str) -> Any:
    if len(text) > MAX_MESSAGE:
        raise ProtocolError(f"message of {len(text)} bytes; at most {MAX_MESSAGE}")
    try:
        message = adapter.validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        if first["type"] == "json_invalid":
            raise ProtocolError(f"not JSON: {first['msg']}") from None
        if not where or first["type"] in ("union_tag_invalid", "union_tag_not_found", "model_attributes_type"):
            raise ProtocolError(f"unknown message (expected {kinds}): {first['msg']}") from None
        raise ProtocolError(f"{where}: {first['msg']}") from None
    if message.version != VERSION:
        raise ProtocolError(f"protocol version {message.version}; this side speaks {VERSION}")
    return message


def dump(message: Message) -> str:
    return message.model_dump_json()
