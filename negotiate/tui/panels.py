"""What the table shows, drawn from one seat's view as rich renderables: the world (global
tracks, corridors, seats), the deal board, the seat's own cards and its messages. Pure
functions of the view, so the table, tests and screenshots draw the same thing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table as Grid
from rich.text import Text

from negotiate.content.schema import GOVERNANCE_LEVELS
from negotiate.engine import SeatView
from negotiate.engine.deals import describe
from negotiate.engine.scoring import ScoreLine
from negotiate.engine.state import CorridorState, Deal
from negotiate.engine.table import Table
from negotiate.tui.preview import Preview
from negotiate.tui.words import counted, figure, leverage

if TYPE_CHECKING:
    from negotiate.bots import Answer
    from negotiate.tui.session import Asked

BAR = 20
"""Width of a track's bar, in cells."""


def bar(value: int, low: int, high: int, mark: int | None = None, danger: bool = False) -> Text:
    """A track as a bar: filled up to its value, with `mark` (a threshold) drawn as a tick."""
    span = max(1, high - low)
    filled = round((value - low) / span * BAR)
    tick = None if mark is None else min(BAR - 1, round((mark - low) / span * BAR))
    text = Text()
    for i in range(BAR):
        char = "┃" if i == tick else ("█" if i < filled else "·")
        text.append(char, style="bold red" if danger and i < filled else ("bold" if i == tick else ""))
    return text


def world(table: Table, view: SeatView) -> Group:
    """The global tracks, the corridors with their flows and trends (from the view's `history`),
    and every seat's public tracks."""
    return Group(
        global_tracks(table, view),
        Text(""),
        corridors(table, view, flows_before(view)),
        Text(""),
        seats(table, view),
    )


def flows_before(view: SeatView) -> list[tuple[int, int]] | None:
    """Each corridor's (regular, irregular) flows in the round before the last one scored (the
    flows shown), or None until two rounds are scored."""
    if len(view.history) < 2:
        return None
    row = view.history[-2]
    return [(row[f"corridors.{i}.regular"], row[f"corridors.{i}.irregular"]) for i in range(len(view.corridors))]


def global_tracks(table: Table, view: SeatView) -> Grid:
    grid = Grid.grid(padding=(0, 1))
    grid.add_column(min_width=16)
    grid.add_column()
    grid.add_column()
    specs = table.scenario.global_tracks
    milestones = table.scenario.rules.milestones
    for track, value in view.global_tracks.items():
        spec = specs[track]
        if track == "governance":
            note = f"{GOVERNANCE_LEVELS[value]}" + (
                f"; milestones at {', '.join(str(m) for m in sorted(milestones))}" if milestones else ""
            )
            drawn = bar(value, spec.min, spec.max, min(milestones) if milestones else None)
        elif track == "crisis":
            left = spec.max - value
            hard = table.escalation(view.round)
            note = f"COLLAPSE at {spec.max}" + (f" ({left} to go)" if left > 0 else "")
            note += f"; shocks ×{hard:g}" if hard != 1 else ""
            drawn = bar(value, spec.min, spec.max, spec.max, danger=left <= 4)
        else:
            note = f"of {spec.max}"
            drawn = bar(value, spec.min, spec.max)
        grid.add_row(Text(spec.label, style="bold"), drawn, Text(f"{value:>2} {note}"))
    return grid


def corridors(table: Table, view: SeatView, before: Sequence[tuple[int, int]] | None) -> Grid:
    grid = Grid.grid(padding=(0, 1))
    grid.add_column()
    grid.add_column(justify="right")
    grid.add_column(justify="right")
    grid.add_row(Text("Corridors (last round)", style="bold underline"), Text("regular"), Text("irregular"))
    for i, corridor in enumerate(view.corridors):
        grid.add_row(route(table, corridor), *flows(corridor, before[i] if before else None))
    return grid


def route(table: Table, corridor: CorridorState) -> Text:
    """A corridor as arrows: origin ─▶ transit ─▶ destination, with its surge if any."""
    stops = [corridor.origin] + ([corridor.transit] if corridor.transit else []) + [corridor.destination]
    text = Text(" ─▶ ".join(short_name(table, s) for s in stops))
    if corridor.surge:
        text.append(f"  surge +{corridor.surge}", style="bold yellow")
    return text


def short_name(table: Table, seat: str) -> str:
    """A seat's name in a tight place: its last word ("Federal Republic of Brandholm": Brandholm)."""
    return table.name(seat).split()[-1]


def flows(corridor: CorridorState, before: tuple[int, int] | None) -> tuple[Text, Text]:
    """The regular and irregular flows with their trend (▲ up, ▼ down, = same) and the
    irregular flow's threshold, marked (!) when it is over it."""
    regular = Text(f"{corridor.regular}{trend(corridor.regular, before[0] if before else None)}")
    over = corridor.irregular > corridor.threshold
    irregular = Text(
        f"{corridor.irregular}{trend(corridor.irregular, before[1] if before else None)} /{corridor.threshold}"
        + (" (!)" if over else "    "),
        style="bold red" if over else "",
    )
    return regular, irregular


def trend(now: int, then: int | None) -> str:
    if then is None:
        return "  "
    return " ▲" if now > then else (" ▼" if now < then else " =")


def seats(table: Table, view: SeatView) -> Grid:
    """Every seat's public tracks and running score; the viewer's own seat is starred."""
    grid = Grid(box=None, padding=(0, 1), show_edge=False, pad_edge=False, header_style="bold")
    grid.add_column("Seat")
    grid.add_column("Tracks")
    grid.add_column("Score", justify="right")
    for seat in view.seats:
        me = seat.id == view.seat
        specs = table.types[seat.id].tracks
        tracks = ", ".join(f"{specs[t].label.lower()} {v}" for t, v in seat.tracks.items())
        name = Text(("★ " if me else "  ") + table.name(seat.id), style="bold" if me else "")
        name.append(f"\n  {table.types[seat.id].name}", style="dim")
        grid.add_row(name, Text(tracks), Text(figure(view.scores.get(seat.id, 0))))
    return grid


STATUS_WORDS = {
    "open": "on the table",
    "draft": "draft: needs a state sponsor",
    "agreed": "agreed: awaiting ratification",
    "ratified": "ratified",
    "in_force": "IN FORCE",
}
"""The live statuses in words (a deal that has ended shows its status as it is)."""

UNDECIDED = ("draft", "open", "agreed")
"""The statuses of a deal still to be decided (answered, sponsored or ratified): one a seat foresees."""


def deal_board(table: Table, view: SeatView, foreseen: Mapping[int, Preview]) -> RenderableType:
    """Proposals and deals: who proposed, each party's answer, ratification and rounds left, and
    the viewer's score over the rounds each deal `foreseen` would run."""
    live = [d for d in view.deals if d.status in STATUS_WORDS]
    ended = [d for d in view.deals if d.status not in STATUS_WORDS and d.round == view.round]
    if not live and not ended:
        return Text("No proposals yet. Press n to propose a deal.", style="italic")
    parts: list[RenderableType] = []
    for deal in live + ended:
        parts.append(deal_card(table, view, deal, foreseen.get(deal.id)))
    return Group(*parts)


def deal_card(table: Table, view: SeatView, deal: Deal, foreseen: Preview | None = None) -> Text:
    status = status_words(deal)
    if deal.status == "in_force" and deal.ends is not None:
        left = deal.ends - view.round + 1
        status += f", {counted(left, 'round')} left"
    text = Text()
    text.append(f"#{deal.id} ", style="bold")
    text.append(f"[{status}] ", style="bold green" if deal.status == "in_force" else "bold")
    text.append(f"by {table.name(deal.proposer)}")
    if deal.sponsor:
        text.append(f", sponsored by {table.name(deal.sponsor)}")
    text.append(f"\n   {describe(table, deal)}\n   ")
    for party in deal.parties:
        text.append(f"{table.name(party)} {answer(deal, party)}  ")
    if deal.endorsers:
        text.append(f"\n   endorsed by {', '.join(table.name(e) for e in deal.endorsers)}", style="dim")
    if foreseen is not None:
        score = f"score {figure(foreseen.score, '+.1f')} over {counted(foreseen.rounds, 'round')}"
        text.append(f"\n   for you: {score}", style="italic")
    text.append("\n")
    return text


def status_words(deal: Deal) -> str:
    """A deal's status in words; an agreed non-binding deal needs no ratification."""
    if deal.status == "agreed" and not deal.binding:
        return "agreed: enters into force at implementation"
    return STATUS_WORDS.get(deal.status, deal.status)


def answer(deal: Deal, party: str) -> str:
    """A party's stance on a deal, in a mark and a word (never colour alone)."""
    if deal.status in ("agreed", "ratified", "in_force", "failed") and deal.binding:
        if party in deal.ratified:
            return "✓ratified"
        if party in deal.refused:
            return "✗refused"
    if party in deal.accepted:
        return "✓yes"
    if party in deal.rejected:
        return "✗no"
    return "…"


def own_cards(table: Table, view: SeatView, score: Sequence[ScoreLine], now: str) -> Group:
    """The seat's leverage and what it may do `now`, its objective and secret agenda, its
    forecasts of the rounds to come, its score so far (`score`, its lines) and its powers."""
    content = table.content
    agenda = content.agendas[view.agenda]
    out: list[RenderableType] = [Text(f"{table.name(view.seat)} — {table.types[view.seat].name}", style="bold")]
    out.append(Text(leverage(table, view.seat)))
    if now:
        out.append(Text(now, style="bold"))
    out.append(Text(f"\nObjective: {table.types[view.seat].objective.text}"))
    out.append(Text(f"\nSecret agenda: {agenda.name}", style="bold"))
    out.append(Text(agenda.text))
    coming = [card for card in view.hand if card.round > view.round]  # this round's trend has struck
    if coming:
        out.append(Text("\nYour analysts foresee", style="bold"))
        for card in coming:
            trend_card = content.trends[card.card]
            out.append(Text(f"  {table.year(card.round)}: {trend_card.name}. {trend_card.text}"))
    elif view.hand:
        out.append(Text("\nYour analysts foresee nothing more for the years to come.", style="bold"))
    out.append(Text("\nYour score so far", style="bold"))
    for line in score:
        out.append(Text(f"  {figure(line.points, '>6g')}  {line.label} ({line.source})"))
    out.append(Text(f"  {figure(sum(line.points for line in score), '>6.1f')}  total", style="bold"))
    powers = table.types[view.seat].actions
    if powers:
        out.append(Text("\nYour powers", style="bold"))
        tracks = table.types[view.seat].tracks
        for power, spec in powers.items():
            cost = ", ".join(f"{n} {tracks[t].label.lower()}" for t, n in spec.cost.items()) or "free"
            out.append(Text(f"  {power.replace('_', ' ')}: {cost}"))
    return Group(*out)


def messages(table: Table, view: SeatView, answers: Sequence[Asked] = ()) -> RenderableType:
    """The messages the seat may read, then the bots' `answers` to its questions this sitting."""
    if not view.messages and not answers:
        return Text("No messages yet. Press m to write to one seat or to all, a to ask a bot.", style="italic")
    lines = Text()
    for message in view.messages:
        to = f"to {table.name(message.to)} (private)" if message.to else "to all"
        lines.append(f"{table.year(message.round)} {table.name(message.sender)} {to}: ", style="bold")
        lines.append(f"{message.text}\n")
    if answers:
        if view.messages:
            lines.append("\n")
        lines.append("What the bots said they would accept from you", style="bold underline")
        lines.append(" (advice, not moves: kept for this sitting only)\n", style="dim")
        for asked in answers:
            lines.append(f"{asked.year} {table.name(asked.answer.seat)}: ", style="bold")
            lines.append(answer_text(table, asked.answer) + "\n")
    return lines


def answer_text(table: Table, answer: Answer) -> str:
    """A bot's answer in words: why, then the package it would accept, if any."""
    if answer.package is None:
        return answer.why
    return f"{answer.why}\n   {describe(table, answer.package)}"
