"""Moving tracks: effects from cards, terms and flows, clamped to bounds and told in the log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from negotiate.content.schema import Effect
from negotiate.engine.events import Story
from negotiate.engine.state import GameState
from negotiate.engine.table import Table


def amount(value: float) -> int:
    """A fractional change as a whole one: rounded half away from zero (1.5 -> 2, -0.5 -> -1)."""
    return int(value + 0.5) if value >= 0 else -int(-value + 0.5)


def move_seat(table: Table, state: GameState, seat_id: str, track: str, delta: int, why: str, story: Story) -> int:
    """Move one seat's track by `delta` within its bounds; returns the change that happened."""
    seat = state.seats[table.index[seat_id]]
    old = seat.tracks.get(track)
    if old is None or delta == 0:
        return 0
    spec = table.types[seat_id].tracks[track]
    new = min(spec.max, max(spec.min, old + delta))
    seat.tracks[track] = new
    if new != old and story.told:
        story.add("track", f"{table.name(seat_id)}: {spec.label.lower()} {new - old:+d} to {new} ({why})")
    return new - old


def move_global(table: Table, state: GameState, track: str, delta: int, why: str, story: Story) -> int:
    """Move a global track by `delta` within its bounds; returns the change that happened."""
    old = state.global_tracks[track]
    spec = table.scenario.global_tracks[track]
    new = min(spec.max, max(spec.min, old + delta))
    state.global_tracks[track] = new
    if new != old and story.told:
        story.add("global", f"{spec.label} {new - old:+d} to {new} ({why})")
    return new - old


def who(table: Table, selector: str, track: str, roles: Mapping[str, Sequence[str]]) -> list[str]:
    """The seats an effect's `who` selects, among those that have the track."""
    if selector == "all":
        chosen: Iterable[str] = table.order
    elif selector.startswith("type:"):
        kind = selector[5:]
        chosen = [s for s in table.order if table.seats[s].type == kind]
    else:
        chosen = roles.get(selector, ())
    return [s for s in chosen if track in table.types[s].tracks]


def apply_effects(
    table: Table,
    state: GameState,
    effects: Iterable[Effect],
    roles: Mapping[str, Sequence[str]],
    story: Story,
    why: str,
    params: Mapping[str, int] | None = None,
    scale: float = 1.0,
) -> None:
    """Apply effects: each `delta` times its parameter (if any) times `scale`, then rounded."""
    for effect in effects:
        value = effect.delta * scale
        if effect.times is not None and params is not None:
            value *= params.get(effect.times, 0)
        change = amount(value)
        if change == 0:
            continue
        reason = f"{why}: {effect.note}" if effect.note else why
        if effect.who == "global":
            move_global(table, state, effect.track, change, reason, story)
        else:
            for seat_id in who(table, effect.who, effect.track, roles):
                move_seat(table, state, seat_id, effect.track, change, reason, story)
