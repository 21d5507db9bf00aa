"""What many games came to: the report as plain data, and its text form.

Rates are fractions from 0 to 1 with 95% Wilson score intervals; means have 95% normal
approximation intervals (1.96 standard errors); see `stats`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import Any

from negotiate.content.schema import GOVERNANCE_LEVELS
from negotiate.sim.dynamics import behaviour, behaviour_lines, dynamics, dynamics_lines, window_split
from negotiate.sim.result import GameResult, SeatInfo
from negotiate.sim.stats import mean_stats, rate_stats, rnd
from negotiate.sim.text import interval, num, pct

TOP_CARDS = 5


@dataclass
class SimReport:
    """What many games came to: the setting, and one result per game in seed order."""

    scenario: str
    name: str
    seed: int
    bots: str
    seats: dict[str, SeatInfo]
    terms: tuple[str, ...]
    conventions: tuple[str, ...]
    """The terms that are binding conventions (see `facts.is_convention`)."""
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
            "mean_rounds": rnd(fmean(r.rounds for r in results)),
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
            "dynamics": dynamics(results, self.seats, self.conventions),
            "behaviour": {label: behaviour(results, seats) for label, seats in self._labels().items()},
        }

    def _seat_stats(self, seat: str, info: SeatInfo) -> dict[str, object]:
        return {"name": info.name, "type": info.type, "bot": info.bot, **_stats(self.results, [seat])}

    def _personalities(self) -> dict[str, dict[str, object]]:
        """Each bot label's stats, pooled over every seat it played (one sample per seat and game)."""
        return {label: {"seats": seats, **_stats(self.results, seats)} for label, seats in self._labels().items()}

    def _labels(self) -> dict[str, list[str]]:
        """The seats each bot label played, labels in order."""
        labels: dict[str, list[str]] = {}
        for seat, info in self.seats.items():
            labels.setdefault(info.bot, []).append(seat)
        return dict(sorted(labels.items()))


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
        "distribution": {str(level): rnd(levels[level] / len(results)) for level in range(len(GOVERNANCE_LEVELS))},
    }


def _deals_by_term(results: Sequence[GameResult], terms: Sequence[str]) -> dict[str, float]:
    """Mean number of signed deals per game containing each term, most signed first."""
    means = {term: rnd(sum(r.terms_signed.get(term, 0) for r in results) / len(results)) for term in terms}
    return dict(sorted(means.items(), key=lambda kv: (-kv[1], kv[0])))


def _multilateral(results: Sequence[GameResult]) -> dict[str, object]:
    """Multilateral deals signed per round, in rounds where a window shock struck and in the others."""
    in_window, window_rounds, in_other, other_rounds = window_split(results, forums=("regional", "global"))
    return {
        "window_rounds": window_rounds,
        "window_rate": rnd(in_window / window_rounds) if window_rounds else None,
        "other_rounds": other_rounds,
        "other_rate": rnd(in_other / other_rounds) if other_rounds else None,
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
                    "share": rnd(count / games[outcome]),
                    "lift": rnd(lift),
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
        f"collapse rate    {s['collapse_rate']:.1%} {interval(s['collapse_interval'], pct)}",
        f"governance       {gov['mean']:.2f} {interval(gov['interval'])} (mean level reached: {levels})",
        f"terms signed     {s['term_types_signed']} of {len(s['deals_signed_by_term'])} kinds at least once",
        f"multilateral     {num(multi['window_rate'])} per window round ({multi['window_rounds']} rounds), "
        f"{num(multi['other_rate'])} per other round ({multi['other_rounds']} rounds)",
        "",
        *dynamics_lines(s["dynamics"]),
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
    lines += ["", *behaviour_lines(s["behaviour"])]
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
        f"{row['win_rate']:>8.1%} {interval(row['win_interval'], pct):<16} "
        f"{row['mean_score']:>10.2f} {interval(row['score_interval']):<16}"
    )
