"""How the text report writes numbers: percentages, plain numbers and intervals ("-" for none)."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def pct(x: float | None) -> str:
    """A rate as a percentage with one decimal."""
    return "-" if x is None else f"{x:.1%}"


def num(x: float | None) -> str:
    """A number with two decimals."""
    return "-" if x is None else f"{x:.2f}"


def interval(bounds: Sequence[float | None], show: Callable[[float | None], str] = num) -> str:
    """An interval as [low,high]."""
    return f"[{show(bounds[0])},{show(bounds[1])}]"
