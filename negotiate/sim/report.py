"""What many games came to: per-game results, the report as plain data, and its text form.

Rates are fractions from 0 to 1 with 95% Wilson score intervals; means have 95% normal
approximation intervals (1.96 standard errors).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import fmean, stdev
from typing import Any

from negotiate.content.schema import GOVERNANCE_LEVELS

Z95 = 1.96
TOP_CARDS = 5


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a rate (0 to 1 when there is no trial)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def mean_interval(values: Sequence[float], z: float = Z95) -> tuple[float, float]:
    """The normal approximation interval of a mean: mean +- z * sd / sqrt(n) (no width below two values)."""
    mean = fmean(values)
    if len(values) < 2:
        return mean, mean
    half = z * stdev(values) / math.sqrt(len(values))
    return mean - half, mean + half


def rate_stats(successes: int, n: int) -> dict[str, object]:
    """A rate and its interval, rounded for the report."""
    lo, hi = wilson(successes, n)
    return {"rate": _r(successes / n if n else 0.0), "interval": [_r(lo), _r(hi)]}


def mean_stats(values: Sequence[float]) -> dict[str, object]:
    """A mean and its interval, rounded for the report."""
    lo, hi = mean_interval(values)
    return {"mean": _r(fmean(values)), "interval": [_r(lo), _r(hi)]}


def _r(x: float) -> float:
    return round(x, 4)


@dataclass(frozen=True)
class GameResult:
    """The outcome of one game, small enough to send back from a worker process."""

    seed: int
    rounds: int
    actions: int
    collapsed: bool
    scores: dict[str, float]
    winners: tuple[str, ...]
    governance: int
    cards: tuple[tuple[str, str], ...]
    """(kind, card id) of each trend and shock card drawn, once each, in order."""
    terms_signed: dict[str, int]
    """Term id -> number of signed deals (deals that entered into force) containing it."""
    window_rounds: tuple[int, ...]
    """Rounds in which a shock that opens a window struck."""
    multilateral: tuple[int, ...]
    """The round each signed regional or global deal entered into force."""


@dataclass(frozen=True)
class SeatInfo:
    """A seat as the report shows it."""

    name: str
    type: str
    bot: str


@dataclass
class SimReport:
    """What many games came to: the setting, and one result per game in seed order."""

    scenario: str
    name: str
    seed: int
    bots: str
    seats: dict[str, SeatInfo]
    terms: tuple[str, ...]
    results: list[GameResult] = field(default_factory=list)

    @property
    def games(self) -> int:
        return len(self.results)

    def summary(self) -> dict[str, object]:
        """The report as plain data, ready for JSON."""
        results = self.results
        collapses = sum(r.collapsed for r in results)
        collapse = rate_stats(collapses, len(results))
        deals = _deals_by_term(results, self.terms)
        return {
            "scenario": self.scenario,
            "name": self.name,
            "games": len(results),
            "seed": self.seed,
            "bots": self.bots,
            "mean_rounds": _r(fmean(r.rounds for r in results)),
            "mean_actions": round(fmean(r.actions for r in results), 1),
            "collapse_rate": collapse["rate"],
            "collapse_interval": collapse["interval"],
            "seats": {seat: self._seat_stats(seat, info) for seat, info in self.seats.items()},
            "personalities": self._personalities(),
            "governance": _governance(results),
            "deals_signed_by_term": deals,
            "term_types_signed": sum(mean > 0 for mean in deals.values()),
            "multilateral": _multilateral(results),
            "cards": _cards(results),
        }

    def _seat_stats(self, seat: str, info: SeatInfo) -> dict[str, object]:
        return {"name": info.name, "type": info.type, "bot": info.bot, **_stats(self.results, [seat])}

    def _personalities(self) -> dict[str, dict[str, object]]:
        """Each bot label's stats, pooled over every seat it played (one sample per seat and game)."""
        labels: dict[str, list[str]] = {}
        for seat, info in self.seats.items():
            labels.setdefault(info.bot, []).append(seat)
        return {label: {"seats": seats, **_stats(self.results, seats)} for label, seats in sorted(labels.items())}


def _stats(results: Sequence[GameResult], seats: Sequence[str]) -> dict[str, object]:
    """Win rate and mean score of some seats over all games."""
    wins = sum(seat in r.winners for r in results for seat in seats)
    win = rate_stats(wins, len(results) * len(seats))
    score = mean_stats([r.scores[seat] for r in results for seat in seats])
    return {
        "win_rate": win["rate"],
        "win_interval": win["interval"],
        "mean_score": score["mean"],
        "score_interval": score["interval"],
    }


def _governance(results: Sequence[GameResult]) -> dict[str, object]:
    """The mean governance level reached, and the share of games ending at each level."""
    levels = Counter(r.governance for r in results)
    stats = mean_stats([r.governance for r in results])
    return {
        **stats,
        "distribution": {str(level): _r(levels[level] / len(results)) for level in range(len(GOVERNANCE_LEVELS))},
    }


def _deals_by_term(results: Sequence[GameResult], terms: Sequence[str]) -> dict[str, float]:
    """Mean number of signed deals per game containing each term, most signed first."""
    means = {term: _r(sum(r.terms_signed.get(term, 0) for r in results) / len(results)) for term in terms}
    return dict(sorted(means.items(), key=lambda kv: (-kv[1], kv[0])))


def _multilateral(results: Sequence[GameResult]) -> dict[str, object]:
    """Multilateral deals signed per round, in rounds where a window shock struck and in the others."""
    window_rounds = other_rounds = in_window = in_other = 0
    for r in results:
        windows = set(r.window_rounds)
        window_rounds += len(windows)
        other_rounds += r.rounds - len(windows)
        in_window += sum(start in windows for start in r.multilateral)
        in_other += sum(start not in windows for start in r.multilateral)
    return {
        "window_rounds": window_rounds,
        "window_rate": _r(in_window / window_rounds) if window_rounds else None,
        "other_rounds": other_rounds,
        "other_rate": _r(in_other / other_rounds) if other_rounds else None,
    }


def _cards(results: Sequence[GameResult]) -> dict[str, list[dict[str, Any]]]:
    """The cards most often drawn in won (not collapsed) games and in collapsed games.

    `share` is the fraction of those games that drew the card. `lift` is the outcome's rate among
    games that drew the card over its rate among all games: above 1, the card goes with it.
    """
    drawn = {False: Counter[tuple[str, str]](), True: Counter[tuple[str, str]]()}
    for r in results:
        drawn[r.collapsed].update(set(r.cards))
    games = {outcome: sum(r.collapsed == outcome for r in results) for outcome in drawn}
    top = {}
    for outcome, name in ((False, "won"), (True, "collapsed")):
        rows: list[dict[str, Any]] = []
        for card, count in drawn[outcome].items():
            with_card = count + drawn[not outcome][card]
            lift = (count / with_card) / (games[outcome] / len(results))
            rows.append(
                {
                    "card": card[1],
                    "kind": card[0],
                    "games": count,
                    "share": _r(count / games[outcome]),
                    "lift": _r(lift),
                }
            )
        rows.sort(key=lambda row: (-row["share"], -row["lift"], row["card"]))
        top[name] = rows[:TOP_CARDS]
    return top


def format_report(summary: dict[str, object]) -> str:
    """The report as aligned text, one fact a line (greppable)."""
    s: dict[str, Any] = summary
    gov = s["governance"]
    levels = ", ".join(
        f"{GOVERNANCE_LEVELS[int(level)]} {share:.0%}" for level, share in gov["distribution"].items() if share
    )
    multi = s["multilateral"]
    lines = [
        f"{s['scenario']}: {s['name']}; {s['games']} games from seed {s['seed']}, bots: {s['bots']}",
        f"games            {s['games']}",
        f"average rounds   {s['mean_rounds']}",
        f"actions per game {s['mean_actions']}",
        f"collapse rate    {s['collapse_rate']:.1%} {_pct(s['collapse_interval'])}",
        f"governance       {gov['mean']:.2f} {_num(gov['interval'])} (mean level reached: {levels})",
        f"terms signed     {s['term_types_signed']} of {len(s['deals_signed_by_term'])} kinds at least once",
        f"multilateral     {_per_round(multi['window_rate'])} per window round ({multi['window_rounds']} rounds), "
        f"{_per_round(multi['other_rate'])} per other round ({multi['other_rounds']} rounds)",
        "",
        f"{'seat':<22} {'type':<22} {'bot':<20} {'win rate':>8} {'95% interval':<16} {'mean score':>10} {'95% interval':<16} name",
    ]
    for seat, row in s["seats"].items():
        lines.append(f"{seat:<22} {row['type']:<22} {row['bot']:<20} {_stat_cells(row)} {row['name']}")
    lines += [
        "",
        f"{'personality':<22} {'win rate':>8} {'95% interval':<16} {'mean score':>10} {'95% interval':<16} seats",
    ]
    for label, row in s["personalities"].items():
        lines.append(f"{label:<22} {_stat_cells(row)} {','.join(row['seats'])}")
    lines += ["", f"{'term':<28} {'signed deals per game':>21}"]
    lines += [f"{term:<28} {mean:>21.2f}" for term, mean in s["deals_signed_by_term"].items() if mean]
    for outcome in ("won", "collapsed"):
        cards = s["cards"][outcome]
        title = f"cards in {outcome} games"
        lines += ["", f"{title:<28} {'kind':<6} {'games':>5} {'share':>6} {'lift':>5}" if cards else f"{title}: none"]
        for card in cards:
            lines.append(
                f"{card['card']:<28} {card['kind']:<6} {card['games']:>5} {card['share']:>6.0%} {card['lift']:>5.2f}"
            )
    return "\n".join(lines)


def _stat_cells(row: dict[str, Any]) -> str:
    return (
        f"{row['win_rate']:>8.1%} {_pct(row['win_interval']):<16} "
        f"{row['mean_score']:>10.2f} {_num(row['score_interval']):<16}"
    )


def _pct(interval: Sequence[float]) -> str:
    return f"[{interval[0]:.1%},{interval[1]:.1%}]"


def _num(interval: Sequence[float]) -> str:
    return f"[{interval[0]:.2f},{interval[1]:.2f}]"


def _per_round(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.2f}"
