"""No farming: nothing counts twice. A seat that keeps proposing again the best deal it already
has in force scores no more than the default bot in its seat, and bots turn down deals that
change nothing for them."""

from __future__ import annotations

from collections.abc import Sequence
from statistics import fmean

from negotiate.bots import make_bot, parse_lineup
from negotiate.bots.outlook import belief
from negotiate.content import Content
from negotiate.engine import ActionModel, Game, SeatView
from negotiate.engine.actions import Propose
from negotiate.engine.deals import check_spec
from negotiate.engine.table import Table

GAMES = 200
SEAT = "aldermark"


class Farmer:
    """The default bot, but on each turn of negotiation it first proposes again a deal of its own
    already in force (not in its last round, when renewing it is fair), whenever the rules let it."""

    def __init__(self, table: Table, inner: object):
        self.table, self.inner, self.seat = table, inner, SEAT
        self.farmed = 0

    def decide(self, view: SeatView, legal: Sequence[ActionModel]) -> ActionModel:
        if view.phase == "negotiation" and any(a.type == "propose" for a in legal):  # type: ignore[attr-defined]
            state = belief(self.table, view)
            for deal in view.deals:
                if deal.proposer == self.seat and deal.status == "in_force" and deal.ends != view.round:
                    again = Propose(
                        seat=self.seat,
                        forum=deal.forum,
                        parties=list(deal.parties),
                        terms=list(deal.terms),
                        binding=deal.binding,
                        duration=deal.duration,
                        region=deal.region,
                        reason="the same deal again",
                    )
                    if check_spec(self.table, state, again) is None:
                        self.farmed += 1
                        return again
        return self.inner.decide(view, legal)  # type: ignore[attr-defined]


def mean_score(content: Content, farming: bool) -> tuple[float, int]:
    """The seat's mean score over the games, and how many deals it farmed."""
    scores, farmed = [], 0
    for seed in range(1, GAMES + 1):
        game = Game(content, "classroom", seed)
        lineup = parse_lineup("default", game.table)
        players = {seat: make_bot(game.table, seat, spec, seed) for seat, spec in lineup.items()}
        if farming:
            players[SEAT] = Farmer(game.table, players[SEAT])  # type: ignore[assignment]
        while not game.is_over:
            seat = game.current_seat
            game.apply(players[seat].decide(game.view(seat), game.legal_actions(seat)))  # type: ignore[index]
        scores.append(game.state.scores[SEAT])
        farmed += getattr(players[SEAT], "farmed", 0)
    return fmean(scores), farmed


def test_a_seat_that_proposes_its_deals_again_scores_no_more_than_the_default_bot(content):
    default, _ = mean_score(content, farming=False)
    farming, farmed = mean_score(content, farming=True)
    assert farmed == 0, "the rules let a deal already in force between the same parties be tabled again"
    assert farming <= default + 0.01, (farming, default)
