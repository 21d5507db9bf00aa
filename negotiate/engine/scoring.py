"""Scoring: public objectives, secret agendas and governance milestones; collapse takes most away."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from negotiate.content.schema import DealScore, GovernanceScore, ScoreRule, StatScore, ThresholdScore, TrackScore
from negotiate.engine.deals import governance_level
from negotiate.engine.state import GameState, TermOffer
from negotiate.engine.table import Table


@dataclass(frozen=True)
class ScoreLine:
    """One reason for points: where it comes from (objective, agenda, milestone, collapse)."""

    source: str
    label: str
    points: float


def breakdown(table: Table, state: GameState, seat: str, agenda: bool = True) -> list[ScoreLine]:
    """Why a seat has its score; with `agenda`, its secret agenda counts too."""
    lines = [
        ScoreLine("objective", r.label, _points(table, state, seat, r)) for r in table.types[seat].objective.scoring
    ]
    if agenda:
        card = table.content.agendas[state.secrets[seat].agenda]
        lines += [ScoreLine("agenda", f"{card.name}: {r.label}", _points(table, state, seat, r)) for r in card.scoring]
    reached = min(state.global_tracks["governance"], advocated(table, state, seat))
    for level, bonus in sorted(table.scenario.rules.milestones.items()):
        if reached >= level:
            lines.append(ScoreLine("milestone", f"Signed or championed governance level {level}", float(bonus)))
    if state.collapsed:
        gains = max(0.0, sum(line.points for line in lines))
        keep = table.scenario.rules.collapse_keep
        label = f"The system collapsed: only {keep:.0%} of any gains kept"
        lines.append(ScoreLine("collapse", label, -round(gains * (1 - keep), 2)))
    return lines


def total(lines: list[ScoreLine]) -> float:
    """The sum of a breakdown, to one decimal."""
    return round(sum(line.points for line in lines), 1)


def advocated(table: Table, state: GameState, seat: str) -> int:
    """The highest governance level of the deals in force (or once in force) that a seat
    signed, proposed, sponsored or endorsed (0 if none)."""
    level = 0
    for deal in state.deals:
        if deal.starts is not None and (seat in deal.parties or seat in deal.endorsers or seat == deal.proposer):
            level = max(level, governance_level(table, deal))
    return level


def _points(table: Table, state: GameState, seat: str, rule: ScoreRule) -> float:
    if isinstance(rule, (TrackScore, ThresholdScore)):
        value = _track(table, state, seat, rule.track, rule.scope)
        if isinstance(rule, TrackScore) and rule.from_start:
            value -= _start(table, seat, rule.track, rule.scope)
        return value_points(rule, value)
    if isinstance(rule, StatScore):
        return value_points(rule, state.seats[table.index[seat]].stats.get(rule.stat, 0))
    if isinstance(rule, DealScore):
        return deal_points(rule, len(signed(table, state, seat, rule)))
    return value_points(rule, state.global_tracks["governance"])


def value_points(rule: TrackScore | ThresholdScore | StatScore | GovernanceScore, value: float) -> float:
    """Points a rule gives for the value of what it measures (a track, a tally, the governance
    level): scoring as bots weigh outcomes they only foresee."""
    return scorer(rule)(value)


def scorer(rule: TrackScore | ThresholdScore | StatScore | GovernanceScore) -> Callable[[float], float]:
    """`value_points` of one rule, made once for the many values a bot weighs."""
    if isinstance(rule, (TrackScore, StatScore)):
        weight = rule.weight
        return lambda value: round(weight * value, 2)
    points = float(rule.points)
    if isinstance(rule, ThresholdScore) and rule.at_least is None:
        at_most = rule.at_most or 0
        return lambda value: points if value <= at_most else 0.0
    at_least = rule.at_least
    return lambda value: points if value >= at_least else 0.0  # type: ignore[operator]


def _track(table: Table, state: GameState, seat: str, track: str, scope: str) -> int:
    if scope == "global":
        return state.global_tracks[track]
    return state.seats[table.index[seat]].tracks[track]


def _start(table: Table, seat: str, track: str, scope: str) -> int:
    if scope == "global":
        return table.scenario.global_tracks[track].start
    return table.seats[seat].tracks.get(track, table.types[seat].tracks[track].start)


def signed(table: Table, state: GameState, seat: str, rule: DealScore) -> set[frozenset[tuple]]:
    """The distinct deals that count for a seat under a deals rule, each as the set of its terms
    that count (term, giver, receiver): signing the same thing again counts no more."""
    out = set()
    for deal in state.deals:
        if deal.starts is not None:
            keys = counts_for(rule, seat, deal.parties, deal.terms)
            if keys:
                out.add(keys)
    return out


def deal_points(rule: DealScore, distinct: int) -> float:
    """Points for this many distinct deals under a rule, with diminishing returns: the first
    scores its points, the k-th a k-th of them."""
    return round(rule.points * sum(1 / k for k in range(1, distinct + 1)), 2)


def counts_for(
    rule: DealScore, seat: str, parties: Sequence[str], terms: Sequence[TermOffer]
) -> frozenset[tuple[str, str | None, str | None]]:
    """The terms of a deal with these parties that count for a seat under a deals rule (empty:
    the deal does not count)."""
    found: list[tuple[str, str | None, str | None]] = []
    role, wanted = rule.role, rule.term
    for offer in terms:
        if wanted is not None and offer.term != wanted:
            continue
        if (
            (role == "giver" and offer.giver == seat)
            or (role == "receiver" and offer.receiver == seat)
            or (role == "party" and seat in parties)
        ):
            found.append((offer.term, offer.giver, offer.receiver))
    return frozenset(found) if found else NONE


NONE: frozenset[tuple[str, str | None, str | None]] = frozenset()


def public_scores(table: Table, state: GameState) -> dict[str, float]:
    """Scores everyone may see during play: without the secret agendas."""
    return {seat: total(breakdown(table, state, seat, agenda=False)) for seat in table.order}


def final_scores(table: Table, state: GameState) -> tuple[dict[str, float], list[str]]:
    """Final scores with agendas revealed, and the winners (nobody wins a collapse)."""
    scores = {seat: total(breakdown(table, state, seat)) for seat in table.order}
    if state.collapsed:
        return scores, []
    best = max(scores.values())
    return scores, [seat for seat, score in scores.items() if score == best]
