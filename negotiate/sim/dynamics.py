"""The dynamics the game must reproduce (GAME.md, "What the game must reproduce") and how each
bot personality behaves, measured over many games, and their lines in the text report."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from negotiate.content.schema import GOVERNANCE_LEVELS
from negotiate.sim.result import GameResult, SeatInfo
from negotiate.sim.stats import count_stats, mean_stats, per_round, rate_stats, ratio_stats
from negotiate.sim.text import interval, num, pct

GLOBAL_COMPACT = GOVERNANCE_LEVELS.index("global compact")
LOCAL_FORUMS = ("bilateral", "regional")
HOLDERS = ("sending", "transit")
"""The sides of seats paid to hold flows in containment for payment."""

DYNAMICS = {
    "binding_convention_rate": "games",
    "global_compact_rate": "games",
    "bilateral_share": "deals in force",
    "window_ratio": "",
    "receiving_ratify_convention_rate": "decisions",
    "containment_for_payment_rate": "games",
    "solved_world_rate": "games not collapsed",
}
"""The dynamics' fields, in the report's order, and what their counts count."""

COMMON = ("proposals_per_game", "accept_rate", "mean_score")
"""The behaviour shown for every personality."""
OWN = {
    "hardliner": ("convention_proposals_per_game", "bare_pathway_proposals_per_game", "calm_convention_ratify_rate"),
    "opportunist": ("paid_containment_rate",),
    "humanitarian": ("campaigned_rate", "audited_rate", "published_rate"),
    "broker": ("multilateral_or_package_rate",),
}
"""The behaviour the text report shows for one personality besides the common one (the JSON
report has every measure for every personality)."""
UNITS = {
    "accept_rate": "answers",
    "calm_convention_ratify_rate": "decisions",
    "paid_containment_rate": "deals in force",
    "multilateral_or_package_rate": "proposals",
}
"""What the counts of a behaviour rate count, where it is not seat-games."""


def dynamics(results: Sequence[GameResult], seats: dict[str, SeatInfo], conventions: Collection[str]) -> dict[str, Any]:
    """The dynamics over all games; `conventions` are the ids of the binding convention terms."""
    games = len(results)
    standing = [r for r in results if not r.collapsed]
    forums = [forum for r in results for _, forum in r.deals]
    receivers = [seat for seat, info in seats.items() if info.side == "receiving"]
    holders = [seat for seat, info in seats.items() if info.side in HOLDERS]
    window, window_rounds, other, other_rounds = window_split(results, forums=None)
    return {
        # games in which a deal holding a binding convention came into force
        "binding_convention_rate": rate_stats(
            sum(any(r.terms_signed.get(term) for term in conventions) for r in results), games
        ),
        # games whose governance track reached the global compact's level (3) or more
        "global_compact_rate": rate_stats(sum(r.governance >= GLOBAL_COMPACT for r in results), games),
        # of deals that came into force, the share in the bilateral or a regional forum
        "bilateral_share": rate_stats(sum(forum in LOCAL_FORUMS for forum in forums), len(forums)),
        # deals coming into force per round in rounds a window opened, over the same in other rounds
        "window_ratio": {
            **ratio_stats(window, window_rounds, other, other_rounds),
            "window": per_round(window, window_rounds),
            "other": per_round(other, other_rounds),
        },
        # of receiving states' decisions on ratifying a binding convention, the share that ratified
        "receiving_ratify_convention_rate": rate_stats(
            _total(results, receivers, "convention_ratified"), _total(results, receivers, "convention_decisions")
        ),
        # games with a deal in force in which a sending or transit state gives a term that holds
        # flows and is paid by a transfer term
        "containment_for_payment_rate": rate_stats(
            sum(any(r.tally(seat, "containment_paid") for seat in holders) for r in results), games
        ),
        # of games not collapsed, the share ending with crisis pressure and trafficking at their floor
        "solved_world_rate": rate_stats(sum(r.solved for r in standing), len(standing)),
    }


def window_split(results: Sequence[GameResult], forums: Collection[str] | None) -> tuple[int, int, int, int]:
    """Deals that came into force in rounds a window opened, those rounds, deals that came into
    force in other rounds, those rounds (deals of the given forums only, or of any)."""
    window = window_rounds = other = other_rounds = 0
    for r in results:
        windows = set(r.window_rounds)
        window_rounds += len(windows)
        other_rounds += r.rounds - len(windows)
        for start, forum in r.deals:
            if forums is None or forum in forums:
                window += start in windows
                other += start not in windows
    return window, window_rounds, other, other_rounds


def behaviour(results: Sequence[GameResult], seats: Sequence[str]) -> dict[str, Any]:
    """How the bots in some seats behaved, pooled over those seats (one sample per seat and game)."""
    samples = [(r, seat) for r in results for seat in seats]

    def total(name: str) -> int:
        return sum(r.tally(seat, name) for r, seat in samples)

    def per_game(name: str) -> dict[str, object]:
        return count_stats([r.tally(seat, name) for r, seat in samples])

    def share(part: str, whole: str) -> dict[str, object]:
        return rate_stats(total(part), total(whole))

    def games_with(name: str) -> dict[str, object]:
        return rate_stats(sum(r.tally(seat, name) > 0 for r, seat in samples), len(samples))

    return {
        # proposals and counter-proposals tabled per game
        "proposals_per_game": per_game("proposals"),
        # accepts over the accepts and rejects it answered (votes in the global forum included)
        "accept_rate": rate_stats(total("accepts"), total("accepts") + total("rejects")),
        "mean_score": mean_stats([r.scores[seat] for r, seat in samples]),
        # proposals holding a binding convention, per game
        "convention_proposals_per_game": per_game("convention_proposals"),
        # proposals opening a legal pathway it gives, with no term in the package that holds flows, per game
        "bare_pathway_proposals_per_game": per_game("bare_pathway_proposals"),
        # of its decisions on ratifying a binding convention, the share that ratified though no
        # shock struck that round or the round before
        "calm_convention_ratify_rate": share("convention_ratified_calm", "convention_decisions"),
        # of the deals in force in which it gives a term that holds flows, the share in which it is paid
        "paid_containment_rate": share("containment_paid", "containment_deals"),
        # the shares of games in which it campaigned, audited, published evidence
        "campaigned_rate": games_with("campaigns"),
        "audited_rate": games_with("audits"),
        "published_rate": games_with("evidence_published"),
        # of its proposals, the share in a regional or global forum or of two terms or more
        "multilateral_or_package_rate": share("multilateral_or_package_proposals", "proposals"),
    }


def _total(results: Sequence[GameResult], seats: Sequence[str], name: str) -> int:
    return sum(r.tally(seat, name) for r in results for seat in seats)


# --- text --------------------------------------------------------------------------------


def dynamics_lines(rows: dict[str, Any]) -> list[str]:
    """The dynamics as aligned lines, one a field, named as in the JSON report."""
    lines = [f"{'dynamics':<34} {'value':>7} {'95% interval':<17} counts"]
    for name, unit in DYNAMICS.items():
        row = rows[name]
        if name == "window_ratio":
            window, other = row["window"], row["other"]
            lines.append(
                f"{name:<34} {num(row['ratio']):>7} {_ratio_interval(row['interval']):<17} "
                f"{num(window['per_round'])} per window round ({window['count']} deals in {window['of']} rounds), "
                f"{num(other['per_round'])} per other round ({other['count']} in {other['of']})"
            )
        else:
            lines.append(_rate_line(name, row, unit))
    return lines


def behaviour_lines(rows: dict[str, dict[str, Any]]) -> list[str]:
    """Each personality's behaviour as aligned lines: the common measures, then its own."""
    lines = [f"{'behaviour':<20} {'measure':<34} {'value':>7} {'95% interval':<17} counts"]
    for label, row in rows.items():
        for name in COMMON + OWN.get(label.partition(":")[0], ()):
            measure = row[name]
            if "rate" in measure:
                lines.append(f"{label:<20} " + _rate_line(name, measure, UNITS.get(name, "seat-games")))
            elif "count" in measure:
                lines.append(
                    f"{label:<20} {name:<34} {num(measure['mean']):>7} {interval(measure['interval']):<17} "
                    f"{measure['count']} in {measure['of']} seat-games"
                )
            else:
                lines.append(f"{label:<20} {name:<34} {num(measure['mean']):>7} {interval(measure['interval'])}")
    return lines


def _rate_line(name: str, row: dict[str, Any], unit: str) -> str:
    return f"{name:<34} {pct(row['rate']):>7} {interval(row['interval'], pct):<17} {row['count']} of {row['of']} {unit}"


def _ratio_interval(bounds: Sequence[float | None]) -> str:
    """A ratio's interval: an upper bound of None is unbounded, unless the lower one is None too."""
    lo, hi = bounds
    return f"[{num(lo)},{'inf' if hi is None and lo is not None else num(hi)}]"
