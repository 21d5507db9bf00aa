"""Everything anyone can do, as a discriminated union of action models (the log's entries).

Player actions name their `seat`; facilitator actions have none. Any action may carry a
`reason`: one line saying why (bots always give one), kept in the log for the debrief.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from negotiate.content.schema import Forum
from negotiate.engine.state import TermOffer

TEXT_LIMIT = 500
"""The most characters in a message or a reason."""


class ActionModel(BaseModel):
    """Base of every action."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    type: str
    reason: str | None = Field(None, max_length=TEXT_LIMIT, description="why, in one line (shown in the log)")


class SeatAction(ActionModel):
    """An action taken by a seat."""

    seat: str


class DealSpec(SeatAction):
    """The shape of a proposal: forum, parties, terms, binding or not, duration."""

    forum: Forum
    parties: list[str]
    terms: list[TermOffer] = Field(min_length=1)
    binding: bool = False
    duration: int = 2
    region: str | None = None


class Propose(DealSpec):
    """Table a new proposal (a seat that needs a sponsor tables a draft)."""

    type: Literal["propose"] = "propose"


class Counter(DealSpec):
    """Replace an open proposal you are party to with your own version of it."""

    type: Literal["counter"] = "counter"
    deal: int


class Accept(SeatAction):
    """Accept a proposal you are party to (in the global forum: vote yes)."""

    type: Literal["accept"] = "accept"
    deal: int


class Reject(SeatAction):
    """Reject a proposal you are party to (in the global forum: vote no)."""

    type: Literal["reject"] = "reject"
    deal: int


class Withdraw(SeatAction):
    """Take back a proposal you made."""

    type: Literal["withdraw"] = "withdraw"
    deal: int


class SidePayment(SeatAction):
    """Pay another seat from your budget, now, once."""

    type: Literal["side_payment"] = "side_payment"
    to: str
    amount: int = Field(ge=1)


class Endorse(SeatAction):
    """Back a proposal in public; a state's endorsement sponsors a draft into the forum."""

    type: Literal["endorse"] = "endorse"
    deal: int


class Campaign(SeatAction):
    """Campaign in a state to raise (+1) or lower (-1) its public cohesion."""

    type: Literal["campaign"] = "campaign"
    target: str
    direction: Literal[1, -1]


class PublishEvidence(SeatAction):
    """Publish evidence of a term's true effects, for everyone to see."""

    type: Literal["publish_evidence"] = "publish_evidence"
    term: str


class Ratify(SeatAction):
    """Ratify an agreed binding deal at home (spending political capital if cohesion is short)."""

    type: Literal["ratify"] = "ratify"
    deal: int


class Refuse(SeatAction):
    """Refuse to ratify an agreed binding deal."""

    type: Literal["refuse"] = "refuse"
    deal: int


class Suspend(SeatAction):
    """Suspend your commitment to a non-binding deal in force, at a cost in political capital."""

    type: Literal["suspend"] = "suspend"
    deal: int


class Audit(SeatAction):
    """Audit a non-binding deal in force: exposes any party that quietly failed to comply."""

    type: Literal["audit"] = "audit"
    deal: int


class SendMessage(SeatAction):
    """Write to one seat (`to`) or to all (`to` is None). Messages do not end your turn."""

    type: Literal["message"] = "message"
    to: str | None = None
    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class Pass(SeatAction):
    """End your turn (in negotiation: every seat passing in a row ends the phase)."""

    type: Literal["pass"] = "pass"


class InjectShock(ActionModel):
    """Facilitator: strike now with a chosen shock, at one seat or at every seat it can strike."""

    type: Literal["inject_shock"] = "inject_shock"
    card: str
    target: str | None = Field(None, description="a seat id; None strikes all seats of the card's type")


class Announce(ActionModel):
    """Facilitator: a message to everyone at the table, kept with the seats' messages."""

    type: Literal["announce"] = "announce"
    text: str = Field(min_length=1, max_length=TEXT_LIMIT)


class SetTimer(ActionModel):
    """Facilitator: a time limit for each phase people play, from now on (0: none). The clock is
    the table's, not the rules': at time up the phase ends if `ends_phase`, else all are warned."""

    type: Literal["set_timer"] = "set_timer"
    minutes: int = Field(ge=0, le=120)
    ends_phase: bool = False


class EndGame(ActionModel):
    """Facilitator: end the game now; the round is played out with no more moves, then scored."""

    type: Literal["end_game"] = "end_game"


PERSON = "person"
"""`HandOver.to` for a seat a person plays."""


class HandOver(ActionModel):
    """Facilitator: from now on a bot plays the seat (`to`: its personality[:level]), or a
    person does again (`to`: "person"). Who plays a seat is the table's business, not the
    rules': this only puts it in the log and the story."""

    type: Literal["hand_over"] = "hand_over"
    seat: str = Field(min_length=1, max_length=64)
    to: str = Field(min_length=1, max_length=64)


class Pause(ActionModel):
    """Facilitator: stop play; only the facilitator may act until resumed."""

    type: Literal["pause"] = "pause"


class Resume(ActionModel):
    """Facilitator: resume play."""

    type: Literal["resume"] = "resume"


class Undo(ActionModel):
    """Facilitator: take back the last action."""

    type: Literal["undo"] = "undo"


class EndPhase(ActionModel):
    """Facilitator: end the current phase now (pending ratifications count as refused)."""

    type: Literal["end_phase"] = "end_phase"


Action = Annotated[
    Propose
    | Counter
    | Accept
    | Reject
    | Withdraw
    | SidePayment
    | Endorse
    | Campaign
    | PublishEvidence
    | Ratify
    | Refuse
    | Suspend
    | Audit
    | SendMessage
    | Pass
    | InjectShock
    | Announce
    | HandOver
    | SetTimer
    | EndGame
    | Pause
    | Resume
    | Undo
    | EndPhase,
    Field(discriminator="type"),
]
ACTION_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)
FACILITATOR_ACTIONS = (InjectShock, Announce, HandOver, SetTimer, Pause, Resume, Undo, EndPhase, EndGame)


def malformed(action: object) -> str | None:
    """Why an action is not well formed, however it was built (a field out of range or of the
    wrong kind, an unknown type), or None. The rules then judge whether it is legal now."""
    fields = getattr(action, "__dict__", None) if isinstance(action, ActionModel) else None
    if fields is None:
        return f"not an action: {action!r:.80}"
    try:
        ACTION_ADAPTER.validate_python(fields)
    except ValidationError as exc:
        return invalid(exc)
    return None


def parse_action(data: object) -> ActionModel:
    """An action from its JSON-ready fields; ValueError says what is wrong."""
    try:
        return ACTION_ADAPTER.validate_python(data)  # type: ignore[return-value]
    except ValidationError as exc:
        raise ValueError(invalid(exc)) from None


def invalid(exc: ValidationError) -> str:
    """The first problem of an action that fails validation, in words: field and what is wrong."""
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"][1:])
    if first["type"] == "union_tag_invalid":
        return f"unknown action type {first['ctx']['tag']!r}"
    if first["type"] == "union_tag_not_found":
        return "an action needs a type"
    return f"{first['loc'][0]}: {where}: {first['msg'].lower()}"


def actor(action: ActionModel) -> str:
    """Who takes an action: its seat, or the facilitator."""
    return action.seat if isinstance(action, SeatAction) else "facilitator"
