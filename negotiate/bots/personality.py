"""Bot personalities and levels: how a scripted bot weighs outcomes, concedes and searches.

A personality is a way of negotiating that makes sense for some seat types (a hardliner is a
receiving state, a humanitarian an NGO-like seat). A level is how well it plays.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class AnySeat:
    """The seats of a personality that fits every seat type, those content adds later too."""

    def __contains__(self, kind: object) -> bool:
        return isinstance(kind, str)

    def __repr__(self) -> str:
        return "AnySeat()"


@dataclass(frozen=True)
class Personality:
    """How a bot values outcomes and concedes.

    `curve` is the concession exponent over the negotiation's beats: below 1 is Boulware (holds
    out, concedes late), above 1 a conceder. `weights` add value per unit change of tracks
    beyond the seat's score ("welfare" for a global track, "self.cohesion" for its own);
    `terms` add value per round to terms it likes or dislikes. `fairness` is how much the
    others' gains count (a broker looks for the Nash bargaining point), `price` how much gain
    it wants before it gives anything (an opportunist sells its leverage).
    """

    name: str
    seats: tuple[str, ...] | AnySeat
    text: str
    curve: float = 1.0
    weights: dict[str, float] = field(default_factory=dict)
    terms: dict[str, float] = field(default_factory=dict)
    fairness: float = 0.0
    price: float = 0.0
    crisis_fear: float = 1.0
    conventions: bool = True
    """Proposes binding conventions (a hardliner never does)."""
    control_with_pathways: bool = False
    """Opens a legal pathway only with enforcement or returns in the same package."""
    conventions_after_shocks: bool = False
    """Ratifies a binding convention only if a shock struck this round or the last."""
    sells_control: bool = False
    """Gives enforcement or returns only for a payment in the same deal."""
    vigilance: int = 0
    """How far above the compliance floor a public's cohesion may stand and still draw the bot's
    campaigns and audits (an activist acts before a public breaks)."""
    multilateral: bool = False
    """Looks first for regional and global packages."""


STATE_TYPES = ("receiving", "sending", "transit")

PERSONALITIES: dict[str, Personality] = {
    p.name: p
    for p in (
        Personality(
            name="hardliner",
            seats=("receiving",),
            text="a receiving state that wants control first: enforcement, returns and containment",
            curve=0.4,
            weights={"self.cohesion": 0.6, "crisis": -0.3},
            terms={"border_enforcement": 1.5, "readmission": 1.5, "legal_pathway": -1.0, "no_child_detention": -0.5},
            crisis_fear=1.2,
            conventions=False,
            control_with_pathways=True,
            conventions_after_shocks=True,
        ),
        Personality(
            name="pragmatist",
            seats=AnySeat(),
            text="takes any deal that serves its objectives, and concedes steadily",
            curve=1.0,
        ),
        Personality(
            name="humanitarian",
            seats=("ngo", "normative_cosmopolitan", "receiving", "sending"),
            text="puts people on the move first: welfare, protection and legal routes",
            curve=1.5,
            weights={"welfare": 0.8, "trafficking": -0.6},
            terms={
                "no_child_detention": 1.5,
                "legal_pathway": 0.8,
                "fair_recruitment": 0.8,
                "border_enforcement": -1.0,
            },
            fairness=0.3,
            vigilance=4,
        ),
        Personality(
            name="broker",
            seats=(*STATE_TYPES, "economic_cosmopolitan", "normative_cosmopolitan"),
            text="builds package deals near the Nash bargaining point, where every party gains",
            curve=1.2,
            weights={"governance": 1.0},
            fairness=1.0,
            crisis_fear=1.3,
            multilateral=True,
        ),
        Personality(
            name="opportunist",
            seats=("transit", "sending"),
            text="a transit or sending state that sells its leverage to the highest bidder",
            curve=0.5,
            weights={"self.budget": 0.4},
            terms={"payment": 1.0},
            price=2.0,
            crisis_fear=0.6,
            sells_control=True,
        ),
        Personality(
            name="random",
            seats=AnySeat(),
            text="a baseline that picks legal actions at random",
        ),
    )
}
"""Every personality by name."""

DEFAULTS: dict[str, str] = {
    "receiving": "pragmatist",
    "sending": "pragmatist",
    "transit": "opportunist",
    "ngo": "humanitarian",
    "economic_cosmopolitan": "broker",
    "normative_cosmopolitan": "humanitarian",
}
"""The personality a seat type gets when neither the scenario nor the player names one."""

FALLBACK = "pragmatist"
"""The personality of a seat type that DEFAULTS does not list (one that content added)."""


@dataclass(frozen=True)
class Level:
    """How well a bot plays: how it reads deals, how far it searches, how it concedes."""

    name: str
    noise: float  # error in reading a deal's value, in points per round
    package: int  # most terms in a package it builds
    partners: int  # most partners it considers for a proposal
    tune: bool  # tries the parameters of terms (quota, patrols, amounts) as well as defaults
    risk: float  # how much it discounts effects that no evidence has measured (points per unit of spread)
    proposals: int  # proposals it tables per round at most
    foresight: bool  # checks that partners can ratify a binding deal before proposing it


LEVELS: dict[str, Level] = {
    level.name: level
    for level in (
        Level("easy", noise=1.5, package=1, partners=1, tune=False, risk=0.0, proposals=1, foresight=False),
        Level("normal", noise=0.0, package=3, partners=3, tune=True, risk=0.3, proposals=2, foresight=True),
        Level("hard", noise=0.0, package=4, partners=6, tune=True, risk=0.5, proposals=3, foresight=True),
    )
}
"""Every level by name, weakest first."""
