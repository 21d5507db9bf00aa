"""The printable sheet of seat cards for a class: one card per seat of each table, with the seat's
public name and role, its join code, how to join and a QR code. One self-contained HTML page (A4,
two cards a row, cut lines, a page for each table) with no scripts and nothing to fetch: the QR
codes are inline SVG, so it prints from a machine with no network."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import jinja2
import segno
from markupsafe import Markup

TEMPLATE = "seat_cards.html.j2"


@dataclass(frozen=True)
class SeatCard:
    table: int  # 1-based table number shown to people
    table_id: str  # the table's id
    seat: str  # seat id, e.g. "brandholm"
    name: str  # public name, e.g. "Federal Republic of Brandholm"
    role: str  # public role, e.g. "receiving state"
    code: str  # the join code


def join_command(url: str, code: str) -> str:
    """What a student types in a terminal to take a seat."""
    return f"negotiate join {url} {code}"


def qr_text(url: str, code: str, web: str | None = None) -> str:
    """What a card's QR code holds: the browser address when there is one (a phone opens it),
    else the join command."""
    return web if web else join_command(url, code)


def qr_svg(text: str) -> str:
    """A QR code of `text` as inline SVG: a full QR code (never a Micro QR, which phones seldom
    read), error correction M, its quiet zone of 4 modules, sized by the page's CSS (a viewBox in
    modules, no width or height)."""
    qr = segno.make_qr(text, error="m", boost_error=False)
    svg: str = qr.svg_inline(scale=1, omitsize=True, svgclass="qr", lineclass=None, title=text)
    return svg


def templates(package: str) -> jinja2.Environment:
    """The jinja2 environment of a package's printable pages (its `templates` folder): HTML
    escaped, and a name missing from the page's data an error."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_sheet(class_id: str, scenario_title: str, url: str, cards: list[SeatCard], web: str | None = None) -> str:
    """The printable sheet of seat cards as one self-contained HTML page."""
    ordered = sorted(cards, key=lambda card: card.table)  # stable: seats keep their order in a table
    tables = [
        {
            "number": number,
            "cards": [
                {
                    "card": card,
                    "command": join_command(url, card.code),
                    "qr": Markup(qr_svg(qr_text(url, card.code, web))),  # segno escapes the title it holds
                }
                for card in group
            ],
        }
        for number, group in ((number, list(group)) for number, group in groupby(ordered, key=lambda c: c.table))
    ]
    template = templates("negotiate.net").get_template(TEMPLATE)
    return template.render(class_id=class_id, scenario_title=scenario_title, url=url, web=web, tables=tables)


def write_sheet(
    path: Path, class_id: str, scenario_title: str, url: str, cards: list[SeatCard], web: str | None = None
) -> Path:
    """Write the sheet atomically (tmp file then replace); returns the path. The file is readable by
    its owner only (mkstemp's 0600), as the join codes in it let anyone take a seat."""
    path = Path(path)
    html = render_sheet(class_id, scenario_title, url, cards, web)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(html)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
