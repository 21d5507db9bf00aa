"""The debrief's charts, drawn by pygal as SVG to inline in the HTML: no script, no network."""

from __future__ import annotations

from typing import Any

import pygal
from pygal.style import Style

from negotiate.engine import Game

STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#222",
    foreground_strong="#111",
    foreground_subtle="#888",
    font_family="Georgia, 'DejaVu Serif', serif",
    title_font_size=16,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    value_font_size=11,
    colors=("#1f5f8b", "#c0392b", "#27865a", "#b7791f", "#6b46a3", "#2c7a7b", "#9c4221", "#4a5568"),
)


def _no_scripts(root: Any) -> Any:
    """A pygal XML filter: take out the script elements pygal writes for its tooltips."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.split("}")[-1] == "script":
                parent.remove(child)
    return root


def _chart(kind: type[Any], title: str, **more: Any) -> Any:
    """A pygal chart of a kind, in the debrief's style, that renders with no script."""
    chart = kind(**_config(title, **more))
    chart.add_xml_filter(_no_scripts)
    return chart


def _config(title: str, **more: Any) -> dict[str, Any]:
    return {
        "title": title,
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 760,
        "height": 320,
        "show_dots": True,
        "dots_size": 2.5,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4,
        "truncate_legend": -1,
        "print_values": False,
        "explicit_size": False,
        **more,
    }


def years(game: Game) -> list[str]:
    """The years of the rounds the history has (one row per scored round)."""
    return [str(game.table.year(r)) for r in range(len(game.state.history))]


def track_name(game: Game, key: str) -> str:
    """A track key of the history ("global.crisis", "seat.budget") in words."""
    scope, _, track = key.partition(".")
    if scope == "global":
        spec = game.table.scenario.global_tracks.get(track)
        return getattr(spec, "label", None) or track.replace("_", " ")
    if scope == "corridors":
        return key
    spec = game.table.types[scope].tracks.get(track) if scope in game.table.types else None
    return getattr(spec, "label", None) or track.replace("_", " ")


def series(game: Game, prefix: str) -> dict[str, list[int]]:
    """Each history key under a prefix ("global", a seat id), by year."""
    rows = game.state.history
    keys = [k for k in (rows[0] if rows else {}) if k.startswith(prefix + ".")]
    return {k: [row.get(k, 0) for row in rows] for k in keys}


def line(game: Game, title: str, data: dict[str, list[int]], extra: dict[str, list[int]] | None = None) -> str:
    chart = _chart(pygal.Line, title)
    chart.x_labels = years(game)
    for key, values in data.items():
        chart.add(track_name(game, key), values)
    for label, values in (extra or {}).items():
        chart.add(label, values, stroke_style={"dasharray": "6, 4", "width": 2})
    return str(chart.render(is_unicode=True))


def world(game: Game, baseline: Game | None) -> str:
    """The world's tracks by year; with a baseline, its crisis pressure dashed."""
    extra = None
    if baseline is not None and baseline.state.history:
        crisis = [row.get("global.crisis", 0) for row in baseline.state.history][: len(game.state.history)]
        extra = {"crisis with no deal": crisis}
    return line(game, "The world's tracks", series(game, "global"), extra)


def seat(game: Game, seat_id: str) -> str:
    return line(game, f"{game.table.name(seat_id)}: tracks", series(game, seat_id))


def deals(game: Game, in_force: dict[str, dict[int, int]]) -> str:
    """Deals in force each year, stacked by forum."""
    chart = _chart(pygal.StackedBar, "Deals in force, by forum", height=280)
    chart.x_labels = years(game)
    for forum, by_round in sorted(in_force.items()):
        chart.add(forum, [by_round.get(r, 0) for r in range(len(game.state.history))])
    if not in_force:
        chart.add("none", [0 for _ in game.state.history])
    return str(chart.render(is_unicode=True))
