"""The story of one game for its debrief: the outcome, the timeline by year, each seat's score
and the discussion questions drawn from what happened.

Everything here is public unless the game is over: a game in progress shows only public
events and public scores, and no agenda, hand or hidden effect.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from negotiate.content.schema import GOVERNANCE_LEVELS, holds_flows, is_convention
from negotiate.engine import Game
from negotiate.engine.actions import (
    ActionModel,
    Campaign,
    Counter,
    EndPhase,
    InjectShock,
    Pass,
    Pause,
    Propose,
    Refuse,
    Resume,
    SendMessage,
    SidePayment,
    Undo,
    actor,
)
from negotiate.engine.deals import describe
from negotiate.engine.events import Event
from negotiate.engine.scoring import ScoreLine, breakdown, public_scores, total
from negotiate.engine.state import Deal
from negotiate.sim.dynamics import HOLDERS, window_split
from negotiate.sim.facts import result_of, side

EFFECTS = ("track", "global", "flow")
"""Event kinds told as effects of the line before them."""
QUIET = ("pass", "reason", "phase")
"""Event kinds left out of the timeline (a pass is counted, a reason is shown with its action)."""


@dataclass
class Item:
    """One line of the timeline: an action of a seat or the facilitator, or something that
    happened (a card, a deal entering into force, an audit), with its effects."""

    kind: str
    text: str
    actor: str | None = None
    reason: str | None = None
    action: ActionModel | None = None
    effects: list[str] = field(default_factory=list)


@dataclass
class Year:
    """The timeline of one round."""

    round: int
    year: int
    items: list[Item] = field(default_factory=list)
    passes: int = 0
    window: bool = False
    shock: str | None = None
    trend: str | None = None


@dataclass
class SeatScore:
    seat: str
    name: str
    type: str
    side: str | None
    played_by: str
    lines: list[ScoreLine]
    total: float
    baseline: float | None = None
    agenda: str | None = None
    agenda_text: str | None = None

    @property
    def gain(self) -> float | None:
        return None if self.baseline is None else round(self.total - self.baseline, 1)


def _kind(action: ActionModel) -> str:
    """The timeline kind of a seat's or the facilitator's action."""
    if isinstance(action, (Propose, Counter)):
        return "proposal"
    if isinstance(action, (InjectShock, Pause, Resume, EndPhase, Undo)):
        return "facilitator"
    return action.type  # type: ignore[attr-defined, no-any-return]


def _event_kind(event: Event) -> str:
    """The timeline kind of an event that no action of the line took."""
    text = event.text
    if event.kind == "shock":
        return "window" if text.startswith("A window opens") else "shock"
    if event.kind not in ("deal", "ratify", "implementation"):
        return event.kind
    for words, kind in (
        ("enters into force", "force"),
        ("lapses", "lapse"),
        ("expires", "expire"),
        ("adopts", "vote"),
        ("is agreed", "agreed"),
        ("fails", "failed"),
        ("leaves", "suspend"),
        ("can pay only", "default"),
    ):
        if words in text:
            return kind
    return "deal"


def _public(event: Event) -> bool:
    return event.to is None


def timeline(game: Game) -> list[Year]:
    """The game year by year, replayed action by action from its log so that every line is
    tied to the action that told it. Only public events are told (and private messages not at
    all); undone actions are taken out, the facilitator's undo is told."""
    table = game.table
    replay = game.rewound()
    years: dict[int, Year] = {}

    def year(round_: int) -> Year:
        if round_ not in years:
            years[round_] = Year(round_, table.year(round_))
        return years[round_]

    groups: list[list[tuple[int, Item]]] = []  # the lines told by each action not undone
    start: list[tuple[int, Item]] = []

    def tell(events: list[Event], action: ActionModel | None, into: list[tuple[int, Item]]) -> None:
        own: Item | None = None
        last: Item | None = None
        where: tuple[int, str] | None = None
        for event in events:
            if not _public(event) or event.kind == "reason" or event.kind == "phase":
                continue
            if event.kind == "pass":
                into.append((event.round, Item("pass", event.text)))
                continue
            if event.kind in EFFECTS:
                if last is None or where != (event.round, event.phase):
                    last = Item("effects", f"{event.phase.capitalize()}: effects")
                    where = (event.round, event.phase)
                    into.append((event.round, last))
                last.effects.append(event.text)
                continue
            where = (event.round, event.phase)
            if action is not None and own is None and not isinstance(action, Pass):
                own = Item(_kind(action), event.text, actor(action), action.reason, action)
                last = own
                into.append((event.round, own))
                continue
            last = Item(_event_kind(event), event.text)
            into.append((event.round, last))

    tell(replay.events, None, start)
    for action in game.log:
        round_ = replay.state.round
        events = replay.apply(action)
        if isinstance(action, Undo):
            if groups:
                groups.pop()
            groups.append([(round_, Item("facilitator", e.text, "facilitator", action.reason, action)) for e in events])
            continue
        if isinstance(action, SendMessage) and action.to is not None:
            groups.append([])  # a private message stays private
            continue
        told: list[tuple[int, Item]] = []
        tell(events, action, told)
        if action.reason and not any(item.action is action for _, item in told) and not isinstance(action, Pass):
            told.insert(0, (round_, Item(_kind(action), _said(game, action), actor(action), action.reason, action)))
        groups.append(told)
    for round_, item in start + [line for group in groups for line in group]:
        y = year(round_)
        if item.kind == "pass":
            y.passes += 1
            continue
        y.items.append(item)
        if item.kind == "window":
            y.window = True
        if item.kind == "shock" and item.action is None:
            y.shock = item.text
        if item.kind == "trend":
            y.trend = item.text
    return [years[r] for r in sorted(years)]


def _said(game: Game, action: ActionModel) -> str:
    """An action in words, where no public event tells it."""
    name = game.table.name
    if isinstance(action, SidePayment):
        return f"{name(action.seat)} pays {name(action.to)} {action.amount} from its budget"
    if isinstance(action, Campaign):
        way = "raise" if action.direction > 0 else "lower"
        return f"{name(action.seat)} campaigns to {way} public cohesion in {name(action.target)}"
    deal = getattr(action, "deal", None)
    what = action.type.replace("_", " ")  # type: ignore[attr-defined]
    return f"{game.table.name(actor(action))}: {what}" + (f" deal #{deal}" if deal is not None else "")


# --- the outcome and the scores --------------------------------------------------------------


@dataclass
class Outcome:
    over: bool
    year: int
    phase: str
    collapsed: bool
    winners: list[str]
    governance: int
    governance_name: str
    in_force: list[str]
    made: list[str]
    """Every deal that came into force during the game, in words."""


def outcome(game: Game) -> Outcome:
    table, state = game.table, game.state
    level = state.global_tracks["governance"]
    return Outcome(
        over=game.is_over,
        year=table.year(state.round),
        phase=state.phase,
        collapsed=state.collapsed,
        winners=[table.name(s) for s in state.winners] if game.is_over else [],
        governance=level,
        governance_name=GOVERNANCE_LEVELS[min(level, len(GOVERNANCE_LEVELS) - 1)],
        in_force=[deal_line(game, d) for d in state.deals if d.status == "in_force"],
        made=[deal_line(game, d) for d in state.deals if d.starts is not None],
    )


def deal_line(game: Game, deal: Deal) -> str:
    table = game.table
    when = f"{table.year(deal.starts)}" if deal.starts is not None else ""
    return f"#{deal.id} ({when}) {describe(table, deal)}"


def scores(game: Game, seating: dict[str, str], baseline: dict[str, float] | None) -> list[SeatScore]:
    """Each seat's score by source: with its agenda revealed if the game is over, else only
    the public part."""
    table, state = game.table, game.state
    over = game.is_over
    public = public_scores(table, state)
    out = []
    for seat in table.order:
        lines = game.score(seat) if over else breakdown(table, state, seat, agenda=False)
        card = table.content.agendas[state.secrets[seat].agenda] if over else None
        out.append(
            SeatScore(
                seat=seat,
                name=table.name(seat),
                type=table.types[seat].name if hasattr(table.types[seat], "name") else table.seats[seat].type,
                side=side(table, seat),
                played_by=seating.get(seat, "unknown"),
                lines=lines,
                total=total(lines) if over else public[seat],
                baseline=None if baseline is None else baseline.get(seat),
                agenda=card.name if card else None,
                agenda_text=card.text if card else None,
            )
        )
    return out


# --- questions ----------------------------------------------------------------------------


def questions(game: Game, items: list[Year], seat_scores: list[SeatScore]) -> list[str]:
    """Discussion questions drawn from what happened in this game (facts from negotiate.sim)."""
    table, state = game.table, game.state
    result = result_of(game)
    names = table.name
    asked: list[str] = []
    signed = [d for d in state.deals if d.starts is not None]

    # which shock opened a window, and who used it
    shock_of = {y.round: y.shock for y in items}
    for r in result.window_rounds:
        card = _card_name(game, r)
        used = [d for d in signed if d.starts == r]
        if used:
            who = sorted({names(p) for d in used for p in d.parties})
            ids = ", ".join(f"#{d.id}" for d in used)
            asked.append(
                f"{card} opened a window in {table.year(r)}, and {_and(who)} used it (deal {ids} came into force). "
                "Would they have signed without the shock? What did the shock change for the receiving states?"
            )
        elif shock_of.get(r):
            asked.append(
                f"{card} opened a window in {table.year(r)}, but no deal came into force that year. "
                "What kept the table from using it?"
            )
    window, window_rounds, other, other_rounds = window_split([result], forums=None)
    if window_rounds and other_rounds and signed:
        asked.append(
            f"{window} deal(s) came into force in {window_rounds} window year(s), {other} in {other_rounds} other year(s). "
            "Did shocks kick governance forward at this table?"
        )

    # which deal failed at home, and why
    refusals = {(a.seat, a.deal): a.reason for a in game.effective_log() if isinstance(a, Refuse)}
    for deal in state.deals:
        if deal.refused:
            why = "; ".join(
                f"{names(s)}: \u201c{refusals[(s, deal.id)]}\u201d" if refusals.get((s, deal.id)) else names(s)
                for s in deal.refused
            )
            asked.append(
                f"Deal #{deal.id} ({describe(table, deal)}) was refused at home by {why}. "
                "What would have made it ratifiable: a smaller price, a payment, a window?"
            )

    # a forum where sending states are the majority, and a convention nobody receiving ratified
    for deal in state.deals:
        if deal.forum == "global" and any(is_convention(table.terms[o.term]) for o in deal.terms):
            if deal.status in ("open", "lapsed", "rejected", "withdrawn", "countered"):
                continue
            ratifiers = [s for s in deal.ratified]
            receiving = [s for s in ratifiers if side(table, s) == "receiving"]
            sending = [s for s in ratifiers if side(table, s) == "sending"]
            if not receiving:
                asked.append(
                    f"The global forum, where sending states are the majority, adopted a binding convention "
                    f"(deal #{deal.id}); {_and([names(s) for s in sending]) or 'no state'} ratified it, "
                    "and no receiving state did. What is a convention worth that the destinations do not ratify?"
                )
            else:
                asked.append(
                    f"{_and([names(s) for s in receiving])} ratified the binding convention of deal #{deal.id}. "
                    "What made a receiving state bind itself here?"
                )

    # who paid whom to hold a flow
    paid_holders = {s for s in table.order if result.tally(s, "containment_paid")}
    for deal in signed:
        holders = {
            o.giver
            for o in deal.terms
            if o.giver in paid_holders and side(table, o.giver) in HOLDERS and holds_flows(table.terms[o.term])
        }
        payers = {
            (o.giver, o.receiver)
            for o in deal.terms
            if table.terms[o.term].transfer is not None and o.receiver in holders and o.giver is not None
        }
        for payer, holder in sorted(payers, key=str):
            asked.append(
                f"{names(payer)} paid {names(holder or '')} to hold a flow (deal #{deal.id}, {table.year(deal.starts or 0)}). "
                "Who bore the cost of containment: the payer, the holder, or the migrants?"
            )

    # audits that found lapses
    for y in items:
        for item in y.items:
            if item.kind == "audit" and "every party is complying" not in item.text:
                asked.append(f"In {y.year}: {item.text}. Why did a party lapse quietly, and what did it cost it?")

    # the value of cooperation
    losers = [s for s in seat_scores if s.gain is not None and s.gain < 0]
    if losers:
        asked.append(
            f"{_and([s.name for s in losers])} scored less than with no deal at all. Which deal cost them, "
            "and why did they sign it?"
        )
    if state.collapsed:
        asked.append(
            "The system collapsed. When could the table still have stopped the crisis, and who would have had to pay?"
        )
    local = sum(forum in ("bilateral", "regional") for _, forum in result.deals)
    if result.deals and local == len(result.deals):
        asked.append(
            f"All {local} deal(s) were bilateral or regional: a patchwork. What would a global compact have needed?"
        )
    if not signed:
        asked.append("No deal came into force. Was waiting the best alternative for anyone?")
    gained = [s for s in seat_scores if s.gain is not None]
    if gained and signed:
        best = max(gained, key=lambda s: s.gain or 0.0)
        asked.append(
            f"{best.name} gained most over its no-deal score ({best.gain:+g}). Which of the "
            f"{len(signed)} deal(s) in force made the difference, and did its partners know what it was worth to it?"
        )
    level = state.global_tracks["governance"]
    if signed and level < len(GOVERNANCE_LEVELS) - 1:
        asked.append(
            f"Governance reached {GOVERNANCE_LEVELS[level]}, not {GOVERNANCE_LEVELS[level + 1]}. "
            "Who would have had to sign for the next level, and what would they have asked?"
        )
    return asked


def _card_name(game: Game, round_: int) -> str:
    for event in game.events:
        if event.round == round_ and event.kind == "shock" and event.card is not None:
            return f"The shock \u201c{game.table.content.shocks[event.card].name}\u201d"
    return "A shock"


def _and(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def seats_by_round(game: Game) -> dict[str, dict[int, int]]:
    """Deals in force in each round, by forum (for the chart)."""
    table, state = game.table, game.state
    out: dict[str, dict[int, int]] = defaultdict(dict)
    last = len(state.history)
    for deal in state.deals:
        if deal.starts is None:
            continue
        end = deal.ends if deal.ends is not None else last - 1
        for r in range(deal.starts, min(end, last - 1) + 1):
            out[deal.forum][r] = out[deal.forum].get(r, 0) + 1
    del table
    return dict(out)
