"""The report's statistics: rates with 95% Wilson score intervals, means with 95% normal
approximation intervals (1.96 standard errors), and ratios of two per-round rates."""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import fmean, stdev

Z95 = 1.96


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


def rate_stats(count: int, of: int) -> dict[str, object]:
    """A rate, its interval and the counts it comes from, rounded for the report (the rate is
    None when there is nothing to count)."""
    lo, hi = wilson(count, of)
    return {"rate": rnd(count / of) if of else None, "interval": [rnd(lo), rnd(hi)], "count": count, "of": of}


def mean_stats(values: Sequence[float]) -> dict[str, object]:
    """A mean and its interval, rounded for the report."""
    lo, hi = mean_interval(values)
    return {"mean": rnd(fmean(values)), "interval": [rnd(lo), rnd(hi)]}


def count_stats(counts: Sequence[int]) -> dict[str, object]:
    """The mean of counts (one per sample), its interval (never below 0), their total and the
    number of samples."""
    lo, hi = mean_interval(counts)
    return {
        "mean": rnd(fmean(counts)),
        "interval": [rnd(max(0.0, lo)), rnd(hi)],
        "count": sum(counts),
        "of": len(counts),
    }


def ratio_stats(a: int, a_rounds: int, b: int, b_rounds: int) -> dict[str, object]:
    """The ratio of two per-round rates, a / a_rounds over b / b_rounds.

    Its interval is the Wilson interval of the share of all events that fell in the first
    rounds (a of a + b), turned into a ratio of rates: share / (1 - share) * b_rounds / a_rounds.
    None stands for a ratio without a number (no rounds, or no event in the second rounds) and
    for an interval without an upper bound.
    """
    lo, hi = wilson(a, a + b)
    scale = b_rounds / a_rounds if a_rounds and b_rounds else None
    return {
        "ratio": rnd(a / a_rounds / (b / b_rounds)) if scale is not None and b else None,
        "interval": [_odds(lo, scale), _odds(hi, scale)] if scale is not None else [None, None],
    }


def _odds(share: float, scale: float) -> float | None:
    return rnd(share / (1 - share) * scale) if share < 1 else None


def per_round(events: int, rounds: int) -> dict[str, object]:
    """Events per round, and the counts it comes from (None when there is no round)."""
    return {"per_round": rnd(events / rounds) if rounds else None, "count": events, "of": rounds}


def rnd(x: float) -> float:
    """A number as the report prints it (4 decimals)."""
    return round(x, 4)
