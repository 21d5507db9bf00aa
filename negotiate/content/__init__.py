"""Content as data: the schemas of decks, seats and scenarios, and the loader that checks them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from negotiate.content.cache import cached
from negotiate.content.check import SeatCheck, check_all
from negotiate.content.loader import FOLDERS, ContentError, Problem, read_folder, shipped_root
from negotiate.content.schema import AgendaCard, Scenario, SeatType, ShockCard, Term, TrendCard

__all__ = ["Content", "ContentError", "Problem", "SeatCheck", "load_content", "shipped_root"]


@dataclass(frozen=True)
class Content:
    """Everything a game can be played with: seat types, scenarios, cards and terms, by id."""

    root: Path
    seat_types: dict[str, SeatType]
    scenarios: dict[str, Scenario]
    shocks: dict[str, ShockCard]
    trends: dict[str, TrendCard]
    agendas: dict[str, AgendaCard]
    terms: dict[str, Term]
    decks: dict[str, tuple[str, list[str]]]

    def scenario(self, scenario_id: str | None = None) -> Scenario:
        """A scenario by id; with no id, the default one."""
        if scenario_id is None:
            defaults = [s for s in self.scenarios.values() if s.default]
            return defaults[0] if defaults else next(iter(self.scenarios.values()))
        try:
            return self.scenarios[scenario_id]
        except KeyError:
            raise KeyError(
                f"no scenario '{scenario_id}' (expected one of {', '.join(sorted(self.scenarios))})"
            ) from None

    def cards(self, deck_ids: list[str]) -> list[str]:
        """The card ids of several decks, in order."""
        return [card for deck in deck_ids for card in self.decks[deck][1]]

    def counts(self) -> dict[str, int]:
        """How many of each kind: shock, trend, agenda, term, seat, scenario."""
        return {
            "shock": len(self.shocks),
            "trend": len(self.trends),
            "agenda": len(self.agendas),
            "term": len(self.terms),
            "seat": len(self.seat_types),
            "scenario": len(self.scenarios),
        }


def load_content(root: Path | str | None = None, seat_check: SeatCheck | None = None) -> Content:
    """Load and check a content folder (default: the shipped one); raises ContentError. Content
    that passed its checks before, unchanged, comes from the cache, unless a `seat_check` is to
    be made as well (then the folder is read afresh)."""
    folder = Path(root) if root is not None else shipped_root()
    if not folder.is_dir() or seat_check is not None:
        return _load(folder, seat_check)
    return cached(folder, tuple(sub for sub, _ in FOLDERS), lambda: _load(folder))


def _load(folder: Path, seat_check: SeatCheck | None = None) -> Content:
    found, problems, broken = read_folder(folder)
    index: dict[str, Any]
    index, more = check_all(
        found.get("rules/seats", []), found.get("rules/scenarios", []), found.get("decks", []), broken, seat_check
    )
    problems += more
    if not found.get("rules/scenarios") and "rules/scenarios" in found:
        problems.append(Problem(str(folder / "rules/scenarios"), 0, "", "no scenario files found"))
    if problems:
        raise ContentError(problems)
    return Content(
        root=folder,
        seat_types={seat.id: seat for _, seat in found["rules/seats"]},
        scenarios={s.id: s for _, s in found["rules/scenarios"]},
        shocks=index["shock"],
        trends=index["trend"],
        agendas=index["agenda"],
        terms=index["term"],
        decks=index["decks"],
    )
