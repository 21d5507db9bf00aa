"""The preview a person reads before proposing or answering a deal says what adopting it at
home would cost them, as the rules will charge it."""

from __future__ import annotations

from negotiate.engine import Game
from negotiate.engine.actions import Propose
from negotiate.engine.deals import price
from negotiate.engine.state import TermOffer
from negotiate.tui.preview import foresight, preview


def test_the_preview_names_the_price_at_home(content):
    game = Game(content, "crisis-2015", 1)
    game.state.window = False  # no shock's window to ease it
    offer = TermOffer(term="legal_pathway", giver="brandholm", receiver="surannah", params={"quota": 2})
    spec = Propose(seat="brandholm", forum="bilateral", parties=["brandholm", "surannah"], terms=[offer])
    foreseen = preview(game.table, game.view("brandholm"), spec)
    assert foreseen.price == price(game.table, game.state, spec, "brandholm") == 3
    assert "adopting it at home costs you 3 political capital" in foresight(foreseen)
    outsider = preview(game.table, game.view("vellara"), spec)  # not a party: nothing to pay
    assert outsider.price == 0 and "at home" not in foresight(outsider)
