"""What one seat may see: public tracks, deals and evidence, its own hand and agenda, its mail.

A view is a snapshot that shares nothing mutable with the game: later play does not change it,
and changing it does not change the game. Views of one game may share their copies of settled
deals, so treat a view as read-only. Nothing secret of another seat is in it:
not their agendas or hands, not the hidden true effects of terms, not unaudited lapses.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from negotiate.engine.state import (
    SETTLED,
    CorridorState,
    Deal,
    Forecast,
    GameState,
    Message,
    Payment,
    Phase,
    SeatState,
    build,
    clone,
    copy_deal,
)
from negotiate.engine.table import Table


class SeatView(BaseModel):
    """Everything one seat may know, at one moment of the game."""

    model_config = ConfigDict(frozen=True)

    seat: str
    scenario: str
    round: int
    year: int
    rounds: int
    phase: Phase
    turn: str | None
    paused: bool
    window: bool
    beats_left: int
    shock: str | None
    shock_targets: list[str]
    struck: list[int]
    trend: str | None
    global_tracks: dict[str, int]
    seats: list[SeatState]
    corridors: list[CorridorState]
    deals: list[Deal]
    evidence: dict[str, list[int]]
    messages: list[Message]
    payments: list[Payment]
    agenda: str
    hand: list[Forecast]
    history: list[dict[str, int]]
    """The tracks and corridor flows at each scored round's end (see `GameState.history`): public."""
    collapsed: bool
    scores: dict[str, float]
    winners: list[str]
    agendas: dict[str, str]

    def deal(self, deal_id: int) -> Deal | None:
        """The deal with this id, if there is one."""
        return next((deal for deal in self.deals if deal.id == deal_id), None)


def view(table: Table, state: GameState, seat: str, turn: str | None, copies: Copies | None = None) -> SeatView:
    """The seat's view of the state (a copy). With `copies`, a game's views share the copies of
    parts that have not changed since an earlier view (see `Copies`)."""
    if seat not in table.seats:
        raise KeyError(f"unknown seat {seat!r} (expected one of {', '.join(table.order)})")
    copies = copies or Copies()
    over = state.phase == "game_over"
    return build(
        SeatView,  # built from a valid state: no need to validate it again
        seat=seat,
        scenario=state.scenario,
        round=state.round,
        year=table.year(state.round),
        rounds=table.rounds,
        phase=state.phase,
        turn=turn,
        paused=state.paused,
        window=state.window,
        beats_left=max(0, table.scenario.rules.beats - state.beats),
        shock=state.shock,
        shock_targets=list(state.shock_targets),
        struck=list(state.struck),
        trend=state.trend,
        global_tracks=dict(state.global_tracks),
        seats=[copies.seat(s) for s in state.seats],
        corridors=[copies.corridor(i, c) for i, c in enumerate(state.corridors)],
        deals=[copies.deal(d) for d in state.deals],
        evidence={term: list(state.hidden[term]) for term in state.revealed},
        messages=[m for m in state.messages if m.to is None or seat in (m.to, m.sender)],
        payments=list(state.payments),
        agenda=state.secrets[seat].agenda,
        hand=list(state.secrets[seat].hand),
        history=copies.history(state.history),
        collapsed=state.collapsed,
        scores=dict(state.scores),
        winners=list(state.winners),
        agendas={s: state.secrets[s].agenda for s in table.order} if over else {},
    )


def public(seen: SeatView) -> SeatView:
    """What anyone may see, for the room's screen: a seat's view without the seat, its agenda,
    its hand and the messages that were not sent to all."""
    return seen.model_copy(
        update={"seat": "", "agenda": "", "hand": [], "messages": [m for m in seen.messages if m.to is None]}
    )


class Copies:
    """One game's copies of state parts for its views, each kept while the part is unchanged
    (an unchanged part is cheaper to compare than to copy). A settled deal never changes
    again, so a settled copy is not compared, nor is a round's history row: `keep_score`
    (engine/rounds.py) appends a new row each scoring phase and no rule changes a row once
    appended. Views share these copies: treat them as read-only."""

    def __init__(self) -> None:
        self._seats: dict[str, SeatState] = {}
        self._corridors: dict[int, CorridorState] = {}
        self._deals: dict[int, Deal] = {}
        self._history: list[dict[str, int]] = []

    def seat(self, seat: SeatState) -> SeatState:
        copy = self._seats.get(seat.id)
        if copy is None or copy.__dict__ != seat.__dict__:
            copy = self._seats[seat.id] = clone(seat, tracks=dict(seat.tracks), stats=dict(seat.stats))
        return copy

    def corridor(self, index: int, corridor: CorridorState) -> CorridorState:
        copy = self._corridors.get(index)
        if copy is None or copy.__dict__ != corridor.__dict__:
            copy = self._corridors[index] = clone(corridor)
        return copy

    def deal(self, deal: Deal) -> Deal:
        copy = self._deals.get(deal.id)
        if copy is None or (copy.status not in SETTLED and copy.__dict__ != deal.__dict__):
            copy = self._deals[deal.id] = copy_deal(deal)
        return copy

    def history(self, history: list[dict[str, int]]) -> list[dict[str, int]]:
        """Copies of the history's rows, each new row copied once. A game's history only grows
        (an undo replays the game with new copies)."""
        self._history += [dict(row) for row in history[len(self._history) :]]
        return list(self._history)
