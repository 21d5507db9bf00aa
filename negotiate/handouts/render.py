"""The handouts as one self-contained HTML page (A4, a page per brief, no scripts, nothing to
fetch), from a jinja2 template with autoescaping on. The join cards reuse the class sheet's QR
codes and join command (`negotiate.net.sheet`)."""

from __future__ import annotations

from markupsafe import Markup

from negotiate.handouts.brief import AGENDA_REMINDER, ClassCodes, Handouts
from negotiate.net.sheet import join_command, qr_svg, qr_text, templates

TEMPLATE = "handouts.html.j2"


def render(made: Handouts, codes: ClassCodes | None = None, url: str = "", web: str | None = None) -> str:
    """The handouts: the run sheet, every seat's brief, and with `codes` (and the server's `url`,
    its browser address `web`) a page of join cards for each table."""
    names = {brief.seat: (brief.name, brief.role) for brief in made.briefs}
    tables = []
    if codes is not None:
        for table in codes.tables:
            cards = [
                {
                    "seat": seat,
                    "name": names[seat][0],
                    "role": names[seat][1],
                    "code": code,
                    "command": join_command(url, code),
                    "qr": Markup(qr_svg(qr_text(url, code, web))),  # segno escapes the title it holds
                }
                for seat, code in table.seats.items()
            ]
            tables.append({"number": table.number, "id": table.table, "cards": cards})
    template = templates("negotiate.handouts").get_template(TEMPLATE)
    return template.render(
        made=made,
        sheet=made.run_sheet,
        klass=codes.klass if codes else None,
        tables=tables,
        url=url,
        web=web,
        reminder=AGENDA_REMINDER,
    )
