"""Content as data: the schemas of decks, seats and scenarios, and the loader that checks them.

Content is read from a folder (`load_content`) or from the texts of its files (`load_sources`,
for a save that carries its content); both read, check and cache it the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from negotiate.content import cache
from negotiate.content.check import SeatCheck, check_all
from negotiate.content.loader import ContentError, Problem, read_folder, read_sources, shipped_root, shown, shown_folder
from negotiate.content.schema import AgendaCard, Scenario, SeatType, ShockCard, Term, TrendCard

__all__ = ["Content", "ContentError", "Problem", "SeatCheck", "load_content", "load_sources", "shipped_root"]


@dataclass(frozen=True)
class Content:
    """Everything a game can be played with: seat types, scenarios, cards and terms, by id.

    `sources` holds the text of every YAML file read, by its path in the content folder
    (`decks/shocks.yaml`), and `digest` is theirs: equal for equal content wherever it lies."""

    root: Path
    seat_types: dict[str, SeatType]
    scenarios: dict[str, Scenario]
    shocks: dict[str, ShockCard]
    trends: dict[str, TrendCard]
    agendas: dict[str, AgendaCard]
    terms: dict[str, Term]
    decks: dict[str, tuple[str, list[str]]]
    sources: dict[str, str]
    digest: str

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
    """Load and check a content folder (default: the shipped one); raises ContentError with every
    problem. Content that passed its checks before, unchanged, comes from the cache, unless a
    `seat_check` is to be made as well (then the folder is read afresh)."""
    folder = Path(root) if root is not None else shipped_root()
    sources, problems = read_folder(folder)
    return _load(sources, shown_folder(folder), folder, problems, seat_check)


def load_sources(sources: Mapping[str, str], label: str) -> Content:
    """Load and check content from the texts of its YAML files, by their paths in a content
    folder (`decks/shocks.yaml`), as `load_content` does; problems name `label/path:line`."""
    return _load(dict(sources), label, Path(label), [], None)


def _load(
    sources: dict[str, str], label: str, root: Path, problems: list[Problem], seat_check: SeatCheck | None
) -> Content:
    digest = cache.digest(sources)
    if problems or seat_check is not None:
        return _checked(sources, digest, label, root, problems, seat_check)
    content = cache.cached(digest, lambda: _checked(sources, digest, label, root, [], None))
    return content if content.root == root else replace(content, root=root)


def _checked(
    sources: dict[str, str],
    digest: str,
    label: str,
    root: Path,
    problems: list[Problem],
    seat_check: SeatCheck | None,
) -> Content:
    found, more, broken = read_sources(sources, label)
    problems = problems + more
    index: dict[str, Any]
    index, more = check_all(found["rules/seats"], found["rules/scenarios"], found["decks"], broken, seat_check)
    problems += more
    scenarios = shown(label, "rules/scenarios")
    if not found["rules/scenarios"] and not any(p.path == scenarios for p in problems):
        problems.append(Problem(scenarios, 0, "", "no scenario files found"))
    if problems:
        raise ContentError(problems)
    return Content(
        root=root,
        seat_types={seat.id: seat for _, seat in found["rules/seats"]},
        scenarios={s.id: s for _, s in found["rules/scenarios"]},
        shocks=index["shock"],
        trends=index["trend"],
        agendas=index["agenda"],
        terms=index["term"],
        decks=index["decks"],
        sources=sources,
        digest=digest,
    )
