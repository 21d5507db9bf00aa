"""What the report knows of one game and of one seat: small, plain and picklable, as results
travel back from worker processes and cluster workers."""

from __future__ import annotations

from dataclasses import dataclass

TALLIES = (
    "proposals",  # proposals and counter-proposals it tabled
    "convention_proposals",  # ... holding a binding convention
    "bare_pathway_proposals",  # ... opening a legal pathway it gives, with no term that holds flows
    "multilateral_or_package_proposals",  # ... in a regional or global forum, or of two terms or more
    "accepts",  # proposals it accepted (or voted for)
    "rejects",  # proposals it rejected (or voted against)
    "convention_decisions",  # its ratification decisions on binding conventions
    "convention_ratified",  # ... that ratified
    "convention_ratified_calm",  # ... that ratified though no shock struck that round or the one before
    "containment_deals",  # deals in force in which it gives a term that holds flows
    "containment_paid",  # ... in which it is also paid (a transfer term to it)
    "campaigns",  # campaigns it ran
    "audits",  # audits it made
    "evidence_published",  # evidence it published
)
"""What is counted for each seat in each game, for the behaviour of the bots that played it."""


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
    """Rounds in which a shock that opens a window struck (drawn, or injected by a facilitator)."""
    deals: tuple[tuple[int, str], ...]
    """(round it entered into force, forum) of each deal that entered into force."""
    solved: bool
    """Crisis pressure and trafficking ended at their floor."""
    tallies: dict[str, dict[str, int]]
    """Seat -> tally (one of TALLIES; zeros left out) -> count."""

    def tally(self, seat: str, name: str) -> int:
        """One of a seat's tallies in this game (KeyError for a name not in TALLIES)."""
        if name not in TALLIES:
            raise KeyError(f"no tally {name!r} (expected one of {', '.join(TALLIES)})")
        return self.tallies.get(seat, {}).get(name, 0)


@dataclass(frozen=True)
class SeatInfo:
    """A seat as the report shows it. `side` is receiving (pulls people in), sending (pushes
    them out), transit (a state that does neither) or None (not a state)."""

    name: str
    type: str
    bot: str
    side: str | None
