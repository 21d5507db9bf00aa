"""The simulator's dynamics report and the bots' behaviour: from hand-built results, from one
hand-played game, and recounted from the logs of real games by a simpler route."""

from __future__ import annotations

from typing import Any

import pytest

from negotiate.bots import default_lineup
from negotiate.content import Content
from negotiate.content.schema import GOVERNANCE_LEVELS, holds_flows, is_convention, opens_pathway
from negotiate.engine import Game
from negotiate.engine.actions import Accept, Campaign, InjectShock, Pass, Propose, Ratify, Refuse, Reject
from negotiate.engine.state import Deal, TermOffer
from negotiate.engine.table import Table
from negotiate.sim import GameResult, SeatInfo, SimReport, format_report, play_game, result_of, simulate
from negotiate.sim.dynamics import DYNAMICS
from negotiate.sim.facts import side
from negotiate.sim.result import TALLIES
from tests.results import game_result


def _result(seed: int, **facts: Any) -> GameResult:
    return game_result(seed, **({"scores": {"a": 10.0, "b": 20.0, "t": 30.0}, "winners": ("t",)} | facts))


SEATS = {
    "a": SeatInfo("A", "receiving", "hardliner:normal", "receiving"),
    "b": SeatInfo("B", "sending", "humanitarian:normal", "sending"),
    "t": SeatInfo("T", "transit", "opportunist:normal", "transit"),
}
KNOWN = [
    _result(
        1,
        governance=4,
        terms_signed={"conv": 1, "x": 2},
        window_rounds=(1,),
        deals=((1, "global"), (1, "bilateral"), (2, "regional")),
        tallies={
            "a": {
                "proposals": 3,
                "convention_proposals": 1,
                "bare_pathway_proposals": 2,
                "accepts": 2,
                "rejects": 1,
                "convention_decisions": 2,
                "convention_ratified": 1,
                "convention_ratified_calm": 1,
            },
            "t": {"containment_deals": 1, "containment_paid": 1},
        },
    ),
    _result(
        2,
        rounds=2,
        collapsed=True,
        winners=(),
        governance=2,
        deals=((0, "bilateral"),),
        tallies={"a": {"convention_decisions": 1}, "t": {"containment_deals": 2}},
    ),
    _result(
        3,
        governance=3,
        solved=True,
        window_rounds=(0, 3),
        tallies={"b": {"campaigns": 2, "proposals": 1, "multilateral_or_package_proposals": 1}},
    ),
]


def _known() -> dict[str, Any]:
    return SimReport("s", "S", 1, "default", SEATS, ("conv", "x"), ("conv",), KNOWN).summary()


def test_dynamics_of_known_games() -> None:
    dynamics = _known()["dynamics"]
    counts = {name: (row["count"], row["of"]) for name, row in dynamics.items() if name != "window_ratio"}
    assert counts == {
        "binding_convention_rate": (1, 3),  # only game 1 signed the convention
        "global_compact_rate": (2, 3),  # governance 4 and 3
        "bilateral_share": (3, 4),  # of global, bilateral, regional, bilateral
        "receiving_ratify_convention_rate": (1, 3),  # a ratified once in three decisions
        "containment_for_payment_rate": (1, 3),  # t (transit) was paid to hold flows in game 1
        "solved_world_rate": (1, 2),  # of the two games that did not collapse
    }
    assert dynamics["binding_convention_rate"]["rate"] == 0.3333
    assert dynamics["binding_convention_rate"]["interval"] == [0.0615, 0.7923]
    assert dynamics["bilateral_share"]["rate"] == 0.75
    # window rounds: 1 (game 1), 0 and 3 (game 3); other rounds 3 + 2 + 2. Game 1's two deals
    # of round 1 came in a window round; its round 2 deal and game 2's did not.
    window = dynamics["window_ratio"]
    assert window["window"] == {"per_round": 0.6667, "count": 2, "of": 3}
    assert window["other"] == {"per_round": 0.2857, "count": 2, "of": 7}
    assert window["ratio"] == 2.3333
    # the Wilson interval of 2 in 4 (0.1500 to 0.8500) as odds, times 7 / 3
    assert window["interval"] == [0.4119, 13.2185]


def test_a_tally_is_one_of_the_named_ones() -> None:
    with pytest.raises(KeyError, match="no tally 'acepts'"):
        KNOWN[0].tally("a", "acepts")


def test_behaviour_of_known_games() -> None:
    behaviour = _known()["behaviour"]
    assert list(behaviour) == ["hardliner:normal", "humanitarian:normal", "opportunist:normal"]
    hardliner = behaviour["hardliner:normal"]
    assert hardliner["proposals_per_game"] == {"mean": 1.0, "interval": [0.0, 2.96], "count": 3, "of": 3}
    assert hardliner["convention_proposals_per_game"]["count"] == 1
    assert hardliner["bare_pathway_proposals_per_game"]["mean"] == 0.6667
    assert (hardliner["accept_rate"]["count"], hardliner["accept_rate"]["of"]) == (2, 3)
    assert (hardliner["calm_convention_ratify_rate"]["count"], hardliner["calm_convention_ratify_rate"]["of"]) == (1, 3)
    assert hardliner["mean_score"]["mean"] == 10.0
    opportunist = behaviour["opportunist:normal"]
    assert (opportunist["paid_containment_rate"]["count"], opportunist["paid_containment_rate"]["of"]) == (1, 3)
    assert opportunist["accept_rate"] == {"rate": None, "interval": [0.0, 1.0], "count": 0, "of": 0}
    humanitarian = behaviour["humanitarian:normal"]
    assert (humanitarian["campaigned_rate"]["count"], humanitarian["campaigned_rate"]["of"]) == (1, 3)
    assert humanitarian["audited_rate"]["rate"] == 0.0
    assert humanitarian["multilateral_or_package_rate"]["rate"] == 1.0


def test_text_report_prints_each_dynamics_line_and_each_personalitys_behaviour() -> None:
    lines = format_report(_known()).splitlines()

    def line(*start: str) -> str:
        found = [text for text in lines if text.split()[: len(start)] == list(start)]
        assert len(found) == 1, (start, lines)
        return found[0]

    for name in DYNAMICS:
        line(name)
    assert line("binding_convention_rate").split()[1:] == ["33.3%", "[6.2%,79.2%]", "1", "of", "3", "games"]
    assert line("solved_world_rate").endswith("1 of 2 games not collapsed")
    assert line("window_ratio").split()[1:3] == ["2.33", "[0.41,13.22]"]
    assert "0.67 per window round (2 deals in 3 rounds), 0.29 per other round (2 in 7)" in line("window_ratio")
    assert line("hardliner:normal", "calm_convention_ratify_rate").endswith("1 of 3 decisions")
    assert line("hardliner:normal", "proposals_per_game").endswith("3 in 3 seat-games")
    assert line("opportunist:normal", "paid_containment_rate").endswith("1 of 3 deals in force")
    assert line("opportunist:normal", "accept_rate").split()[2:4] == ["-", "[0.0%,100.0%]"]
    assert line("humanitarian:normal", "campaigned_rate").endswith("1 of 3 seat-games")
    # a personality's own measures are not printed for another
    assert not [text for text in lines if text.startswith("opportunist:normal") and "campaigned_rate" in text]


def test_terms_and_seats_are_read_by_their_fields(content: Content) -> None:
    terms = content.terms
    assert {t for t, term in terms.items() if is_convention(term)} == {"binding_convention"}
    assert {t for t, term in terms.items() if opens_pathway(term)} == {
        "legal_pathway",
        "skill_partnership",
        "reciprocal_mobility",
        "binding_convention",
    }
    assert {t for t, term in terms.items() if holds_flows(term)} == {
        "readmission",
        "border_enforcement",
        "trafficking_cooperation",
    }
    # a new term is a convention by its fields alone
    charter = terms["global_compact"].model_copy(update={"id": "charter", "binding": "binding", "governance": 4})
    assert is_convention(charter) and not is_convention(charter.model_copy(update={"binding": "any"}))
    table = Table(content, content.scenario("classroom"))
    assert [side(table, seat) for seat in table.order] == ["receiving", "sending", "transit", None]


# --- one game played by hand ---------------------------------------------------------------


def _offer(term: str, giver: str | None = None, receiver: str | None = None) -> TermOffer:
    return TermOffer(term=term, giver=giver, receiver=receiver)


def _convention(game: Game, round_: int, ratified: list[str], refused: list[str]) -> None:
    """Test shortcut: a binding convention decided in a round, as if tabled and voted then."""
    deal = Deal(
        id=len(game.state.deals) + 1,
        proposer="zanoka",
        forum="global",
        parties=ratified + refused,
        terms=[_offer("binding_convention")],
        binding=True,
        duration=2,
        status="failed",
        round=round_,
        ratified=ratified,
        refused=refused,
    )
    game.state.deals.append(deal)


def test_result_of_a_hand_played_game(content: Content) -> None:
    """Aldermark offers Zanoka a pathway with returns, which Zanoka rejects; Corvessa sells
    border patrols for a payment, which Aldermark takes; Open Hands campaigns; Aldermark then
    offers a bare pathway, which Zanoka rejects too."""
    game = Game(content, "classroom", 3)
    assert game.state.phase == "negotiation" and game.state.shock is None, "pick a seed with no shock in 2024"
    pathway = _offer("legal_pathway", "aldermark", "zanoka")
    returns = _offer("readmission", "zanoka", "aldermark")
    bilateral = {"forum": "bilateral", "parties": ["aldermark", "zanoka"]}
    patrols = [_offer("border_enforcement", "corvessa", "aldermark"), _offer("payment", "aldermark", "corvessa")]
    for action in (
        Propose(seat="aldermark", **bilateral, terms=[pathway, returns]),
        Reject(seat="zanoka", deal=1),
        Propose(seat="corvessa", forum="bilateral", parties=["corvessa", "aldermark"], terms=patrols),
        Campaign(seat="open_hands", target="aldermark", direction=1),
        Accept(seat="aldermark", deal=2),
        Pass(seat="zanoka"),
        Pass(seat="corvessa"),
        Pass(seat="open_hands"),
        Propose(seat="aldermark", **bilateral, terms=[pathway]),
        Reject(seat="zanoka", deal=3),
    ):
        game.apply(action)
    while game.state.phase == "negotiation":
        game.apply(Pass(seat=game.current_seat))
    assert game.state.deals[1].starts == 0, "the patrols deal entered into force"
    result = result_of(game)
    assert result.tallies == {
        "aldermark": {
            "proposals": 2,
            "bare_pathway_proposals": 1,
            "multilateral_or_package_proposals": 1,
            "accepts": 1,
        },
        "zanoka": {"rejects": 2},
        "corvessa": {
            "proposals": 1,
            "multilateral_or_package_proposals": 1,
            "containment_deals": 1,
            "containment_paid": 1,
        },
        "open_hands": {"campaigns": 1},
    }
    assert result.deals == ((0, "bilateral"),) and result.terms_signed == {"border_enforcement": 1, "payment": 1}


def test_a_convention_ratified_is_calm_unless_a_shock_struck_that_round_or_the_one_before(content: Content) -> None:
    game = Game(content, "classroom", 3)
    assert game.state.shock is None, "pick a seed with no shock in 2024"
    _convention(game, 0, ["corvessa"], ["zanoka"])
    _convention(game, 1, ["aldermark"], [])
    _convention(game, 2, ["zanoka"], [])
    result = result_of(game)
    for seat in ("corvessa", "aldermark", "zanoka"):
        assert result.tally(seat, "convention_ratified_calm") == result.tally(seat, "convention_ratified") == 1
    assert result.tally("zanoka", "convention_decisions") == 2
    shock = next(card for card in content.shocks.values() if card.window)
    game.apply(InjectShock(card=shock.id))  # the facilitator's shock strikes in round 0
    result = result_of(game)
    assert result.window_rounds == (0,)
    assert result.tally("corvessa", "convention_ratified_calm") == 0  # this round
    assert result.tally("aldermark", "convention_ratified_calm") == 0  # the round before
    assert result.tally("zanoka", "convention_ratified_calm") == 1  # two rounds before
    assert result.tally("aldermark", "convention_ratified") == 1


# --- real games, recounted -----------------------------------------------------------------


def _recount(games: list[Game], table: Table) -> dict[str, tuple[int, int]]:
    """The dynamics' counts, straight from the games' logs, events and deals."""
    top = len(GOVERNANCE_LEVELS) - 1
    conventions = {t for t, term in table.terms.items() if term.binding == "binding" and term.governance == top}
    receiving = {s for s in table.order if table.types[s].flow.pull}
    holders = {s for s in table.order if table.types[s].state and not table.types[s].flow.pull}
    counts = dict.fromkeys(DYNAMICS, (0, 0))

    def add(name: str, count: int, of: int) -> None:
        counts[name] = (counts[name][0] + count, counts[name][1] + of)

    for game in games:
        state = game.state
        signed = [d for d in state.deals if d.status in ("in_force", "expired", "suspended")]
        add("binding_convention_rate", any(conventions & {o.term for o in d.terms} for d in signed), 1)
        add("global_compact_rate", state.global_tracks["governance"] >= 3, 1)
        add("bilateral_share", sum(d.forum != "global" for d in signed), len(signed))
        decisions = [
            a
            for a in game.log
            if isinstance(a, Ratify | Refuse)
            and a.seat in receiving
            and conventions & {o.term for o in state.deals[a.deal - 1].terms}
        ]
        add("receiving_ratify_convention_rate", sum(isinstance(a, Ratify) for a in decisions), len(decisions))
        paid = any(
            o.giver in holders
            and o.term in ("border_enforcement", "readmission")
            and any(p.term == "payment" and p.receiver == o.giver for p in d.terms)
            for d in signed
            for o in d.terms
        )
        add("containment_for_payment_rate", paid, 1)
        if not state.collapsed:
            add("solved_world_rate", state.global_tracks["crisis"] == state.global_tracks["trafficking"] == 0, 1)
        windows = {e.round for e in game.events if e.text.startswith("A window opens")}
        add("window_ratio", sum(d.starts in windows for d in signed), len(windows))
    return counts


def test_dynamics_agree_with_the_games_logs(content: Content) -> None:
    report = simulate(content, "classroom", 6, 11)
    summary = report.summary()
    table = Table(content, content.scenario("classroom"))
    lineup = default_lineup(table)
    games = [play_game(content, "classroom", seed, lineup) for seed in range(11, 17)]
    expected = _recount(games, table)
    dynamics = summary["dynamics"]
    for name, row in dynamics.items():
        if name == "window_ratio":
            assert (row["window"]["count"], row["window"]["of"]) == expected[name]
            assert row["window"]["count"] + row["other"]["count"] == expected["bilateral_share"][1]
            continue
        assert (row["count"], row["of"]) == expected[name], name
        lo, hi = row["interval"]
        assert row["rate"] is None or 0 <= lo <= row["rate"] <= hi <= 1, (name, row)
    # (conventions rarely reach receiving states: hand-built results test that count)
    assert expected["bilateral_share"][1] > 0
    assert {name for r in report.results for tally in r.tallies.values() for name in tally} <= set(TALLIES)
    # behaviour: proposals from the seats' own tallies, answers from the log
    for label, row in summary["behaviour"].items():
        seats = [s for s, spec in lineup.items() if str(spec) == label]
        proposed = sum(g.state.seat(s).stats["deals_proposed"] for g in games for s in seats)
        assert row["proposals_per_game"]["count"] == proposed
        answers = [a for g in games for a in g.log if isinstance(a, Accept | Reject) and a.seat in seats]
        assert row["accept_rate"]["of"] == len(answers)
        assert row["accept_rate"]["count"] == sum(isinstance(a, Accept) for a in answers)
        assert row["mean_score"]["mean"] == pytest.approx(
            sum(g.state.scores[s] for g in games for s in seats) / (len(games) * len(seats)), abs=1e-4
        )
