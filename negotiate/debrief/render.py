"""The debrief of one game or of a class, built from saved games and written as one
self-contained HTML file (inline SVG charts, no script, no network) or as Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from negotiate.debrief import charts
from negotiate.debrief.baseline import Baseline, no_deal
from negotiate.debrief.story import Outcome, SeatScore, Year, outcome, questions, scores, seats_by_round, timeline
from negotiate.engine import Game


@dataclass
class Figure:
    """A chart, and its data as a table (for the Markdown twin and for readers without SVG)."""

    title: str
    svg: Markup
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class GameDebrief:
    name: str
    scenario: str
    seed: int
    game: Game
    outcome: Outcome
    years: list[Year]
    scores: list[SeatScore]
    questions: list[str]
    baseline: Baseline
    baseline_shocks: list[str]
    figures: list[Figure] = field(default_factory=list)

    @property
    def over(self) -> bool:
        return self.outcome.over


def build(game: Game, seating: dict[str, str] | None = None, name: str = "game") -> GameDebrief:
    """The debrief of one game (public parts only while the game is not over)."""
    table = game.table
    base = no_deal(game)
    seat_scores = scores(game, seating or {}, base.scores)
    years = timeline(game)
    shocks = [f"{table.year(r)}: {table.content.shocks[c].name}" for r, c in base.shocks()]
    debrief = GameDebrief(
        name=name,
        scenario=table.scenario.name,
        seed=game.seed,
        game=game,
        outcome=outcome(game),
        years=years,
        scores=seat_scores,
        questions=questions(game, years, seat_scores),
        baseline=base,
        baseline_shocks=shocks,
    )
    debrief.figures = _figures(game, base)
    return debrief


def _figures(game: Game, base: Baseline) -> list[Figure]:
    table = game.table
    labels = charts.years(game)
    world = charts.series(game, "global")
    figures = [
        Figure(
            "The world's tracks by year",
            Markup(charts.world(game, base.game)),
            ["track", *labels],
            [[charts.track_name(game, k), *v] for k, v in world.items()],
        )
    ]
    in_force = seats_by_round(game)
    figures.append(
        Figure(
            "Deals in force by year",
            Markup(charts.deals(game, in_force)),
            ["forum", *labels],
            [[forum, *(by.get(r, 0) for r in range(len(labels)))] for forum, by in sorted(in_force.items())],
        )
    )
    for seat in table.order:
        data = charts.series(game, seat)
        figures.append(
            Figure(
                f"{table.name(seat)}: tracks by year",
                Markup(charts.seat(game, seat)),
                ["track", *labels],
                [[charts.track_name(game, k), *v] for k, v in data.items()],
            )
        )
    return figures


@dataclass
class TableRow:
    """One table of a class, for the comparison."""

    name: str
    outcome: str
    governance: str
    collapsed: bool
    deals: list[str]
    winners: str


def compare(debriefs: list[GameDebrief]) -> list[TableRow]:
    rows = []
    for d in debriefs:
        o = d.outcome
        if not o.over:
            result = f"in progress ({o.year}, {o.phase})"
        elif o.collapsed:
            result = "collapse"
        else:
            result = f"ended {o.year}"
        rows.append(
            TableRow(
                name=d.name,
                outcome=result,
                governance=f"{o.governance} ({o.governance_name})",
                collapsed=o.collapsed,
                deals=o.made,
                winners=", ".join(o.winners) if o.over and o.winners else ("nobody" if o.over else "not yet"),
            )
        )
    return rows


def _env() -> Environment:
    return Environment(
        loader=PackageLoader("negotiate.debrief", "templates"),
        autoescape=lambda name: bool(name and name.endswith(".html.j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _cell(value: object) -> str:
    """A value for a Markdown table cell: no pipes nor line breaks."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _points(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:+g}" if value else "0"


def render(debriefs: list[GameDebrief], template: str) -> str:
    env = _env()
    env.filters["cell"] = _cell
    env.filters["points"] = _points
    return env.get_template(template).render(
        debriefs=debriefs, rows=compare(debriefs) if len(debriefs) > 1 else [], many=len(debriefs) > 1
    )


def html(debriefs: list[GameDebrief]) -> str:
    """The debrief as one self-contained HTML page."""
    return render(debriefs, "debrief.html.j2")


def markdown(debriefs: list[GameDebrief]) -> str:
    """The debrief as Markdown, for a learning platform (charts as tables of their data)."""
    return render(debriefs, "debrief.md.j2")
