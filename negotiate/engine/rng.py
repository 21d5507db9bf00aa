"""The game's only source of chance: a splitmix64 generator whose whole state is one integer.

The integer is `GameState.rng`, so a saved game, a replay and a bot's look-ahead all draw the
same numbers on any machine. Each draw advances it.
"""

from __future__ import annotations

from typing import Protocol

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


class HasRng(Protocol):
    rng: int


def seed_state(seed: int) -> int:
    """The generator state for a game seed."""
    return _mix(seed & MASK)


def _mix(z: int) -> int:
    z = (z + GOLDEN) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def bits(holder: HasRng) -> int:
    """64 random bits."""
    holder.rng = (holder.rng + GOLDEN) & MASK
    return _mix(holder.rng)


def random(holder: HasRng) -> float:
    """A float in [0, 1)."""
    return (bits(holder) >> 11) / float(1 << 53)


def below(holder: HasRng, n: int) -> int:
    """An integer in [0, n)."""
    return bits(holder) % n


def shuffled(holder: HasRng, items: list[str]) -> list[str]:
    """A shuffled copy (Fisher-Yates)."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = below(holder, i + 1)
        out[i], out[j] = out[j], out[i]
    return out
