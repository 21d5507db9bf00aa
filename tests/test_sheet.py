"""The printable sheet of seat cards: every card's code, name, role and table are on it, escaped;
one QR code a card that holds the browser address (else the join command); nothing to fetch and
no scripts; written atomically."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest
import segno

from negotiate.net import sheet
from negotiate.net.sheet import SeatCard, render_sheet, write_sheet

URL = "http://192.168.1.20:8765"
WEB = "http://192.168.1.20:8765/"
SEATS = [
    ("brandholm", "Federal Republic of Brandholm", "receiving state"),
    ("zanoka", "Zanoka", "sending state"),
    ("corvessa", "Corvessa", "transit state"),
    ("open_hands", "Open Hands", "NGO"),
]


def make_cards(tables: int = 2) -> list[SeatCard]:
    return [
        SeatCard(table, f"tbl-{table:02d}", seat, name, role, f"K{table}{index}F-2MXR-9PDA")
        for table in range(1, tables + 1)
        for index, (seat, name, role) in enumerate(SEATS)
    ]


def svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, re.S)


def dark_modules(svg: str) -> tuple[int, set[tuple[int, int]]]:
    """The size (quiet zone included) and dark modules (row, column) of a QR code that segno drew
    as one path of horizontal runs at scale 1: `M x y`, `m dx dy` moves, `h n` draws n modules."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))  # type: ignore[union-attr]
    assert "transform" not in svg
    path = re.search(r'<path[^>]* d="([^"]+)"', svg).group(1)  # type: ignore[union-attr]
    x = y = 0.0
    dark: set[tuple[int, int]] = set()
    for op, args in re.findall(r"([MmHh])([^MmHh]*)", path):
        numbers = [float(n) for n in args.replace(",", " ").split()]
        if op == "M":
            x, y = numbers
        elif op == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            run = numbers[0] if op == "h" else numbers[0] - x
            dark.update((int(y), int(x) + i) for i in range(int(run)))
            x += run
    return size, dark


def expected_modules(text: str) -> tuple[int, set[tuple[int, int]]]:
    """What segno makes of `text` as a full QR code (error correction M, quiet zone 4)."""
    qr = segno.make_qr(text, error="m", boost_error=False)
    border = 4
    width = int(qr.symbol_size(scale=1, border=border)[0])
    dark = {(r + border, c + border) for r, row in enumerate(qr.matrix) for c, bit in enumerate(row) if bit}
    return width, dark


def zbar_decode(size: int, dark: set[tuple[int, int]], tmp_path: Path) -> str:
    """Decode a QR code's modules with zbarimg: drawn as a greyscale image, 6 pixels a module."""
    scale = 6
    pixels = bytearray()
    for y in range(size * scale):
        for x in range(size * scale):
            pixels.append(0 if (y // scale, x // scale) in dark else 255)
    image = tmp_path / "qr.pgm"
    image.write_bytes(b"P5 %d %d 255\n" % (size * scale, size * scale) + bytes(pixels))
    done = subprocess.run(["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.rstrip("\n")


def test_the_sheet_holds_every_code_name_role_and_table_with_one_qr_code_a_card():
    cards = make_cards(3)
    page = render_sheet("CL-7Q2M", "Global Compact to 2030", URL, cards, web=WEB)
    assert page.startswith("<!DOCTYPE html>")
    for card in cards:
        assert card.code in page
        assert html.escape(card.name) in page
        assert card.role in page
        assert f"negotiate join {URL} {card.code}" in page
        assert f'data-seat="{card.seat}" data-table="{card.table_id}"' in page
    for table in (1, 2, 3):
        assert page.count(f">Table {table}<") == len(SEATS) + 1  # each card, and the table's page head
    assert page.count("CL-7Q2M") >= len(cards) and "Global Compact to 2030" in page
    assert len(svgs(page)) == len(cards) == page.count("<svg")
    assert page.count('<section class="table"') == 3 and "break-before: page" in page
    assert "break-inside: avoid" in page and "size: A4" in page and "dashed" in page


def test_cards_are_grouped_by_table_in_order_whatever_order_they_come_in():
    cards = make_cards(2)
    shuffled = [cards[4], cards[0], cards[5], cards[1], cards[6], cards[2], cards[7], cards[3]]
    page = render_sheet("c", "S", URL, shuffled)
    positions = [page.index(card.code) for card in shuffled]
    tables = [card.table for _, card in sorted(zip(positions, shuffled))]
    assert tables == [1, 1, 1, 1, 2, 2, 2, 2]
    seats_of_table_1 = [card.seat for _, card in sorted(zip(positions, shuffled)) if card.table == 1]
    assert seats_of_table_1 == [seat for seat, _, _ in SEATS]


@pytest.mark.parametrize("web", [WEB, None])
def test_the_sheet_needs_no_network_and_runs_no_script(web: str | None):
    page = render_sheet("CL-7Q2M", "Global Compact to 2030", URL, make_cards(), web=web)
    lowered = page.lower()
    assert "<script" not in lowered and "javascript:" not in lowered
    assert not any(re.search(r"\son[a-z]+\s*=", tag) for tag in re.findall(r"<[^>]*>", lowered))  # no onload=
    assert not re.search(r"\b(src|href|srcset|xlink:href|action)\s*=", lowered)
    assert "url(" not in lowered and "@import" not in lowered and "<link" not in lowered
    assert "<iframe" not in lowered and "<object" not in lowered and "<img" not in lowered
    # Addresses are only text for the reader: in the cards' instructions and the QR codes' titles.
    text = re.sub(r"<[^>]*>", " ", page)
    assert lowered.count("http://") == text.lower().count("http://")


@pytest.mark.parametrize("web", [WEB, "http://h:1/", None])
def test_each_qr_code_holds_the_browser_address_else_the_join_command(web: str | None, tmp_path: Path):
    cards = make_cards()
    page = render_sheet("CL-7Q2M", "Global Compact to 2030", URL, cards, web=web)
    decoder = shutil.which("zbarimg")
    for card, svg in zip(cards, svgs(page), strict=True):
        expected = web if web else f"negotiate join {URL} {card.code}"
        size, dark = dark_modules(svg)
        assert (size, dark) == expected_modules(expected)
        assert size >= 21 + 8  # a full QR code, never a Micro QR (phones seldom read those)
        assert f"<title>{html.escape(expected, quote=False)}</title>" in svg
        if decoder:
            assert zbar_decode(size, dark, tmp_path) == expected


def test_html_special_characters_are_escaped_everywhere():
    nasty = "<b>A&B</b>"
    cards = [SeatCard(1, 'tb"1', 'se"at', nasty, "<i>role</i>", "<CODE&>")]
    page = render_sheet("<class>", "<title&>", "http://x/?a=<1>&b=2", cards, web="http://w/?q=<x>&y")
    assert "&lt;b&gt;A&amp;B&lt;/b&gt;" in page and nasty not in page
    assert "&lt;i&gt;role&lt;/i&gt;" in page and "<i>" not in page
    assert "&lt;CODE&amp;&gt;" in page and "<CODE" not in page
    assert "&lt;class&gt;" in page and "<class>" not in page
    assert "&lt;title&amp;&gt;" in page and "<title&>" not in page
    assert 'data-seat="se&#34;at" data-table="tb&#34;1"' in page
    assert "<1>" not in page and "<x>" not in page
    for svg in svgs(page):  # the QR code still holds the text as it is
        assert dark_modules(svg) == expected_modules("http://w/?q=<x>&y")


def test_a_class_with_no_cards_is_still_a_page():
    page = render_sheet("c", "S", URL, [])
    assert "<svg" not in page and "No seats" in page


def test_write_sheet_writes_the_page_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    cards = make_cards(1)
    target = tmp_path / "out" / "seats.html"
    assert write_sheet(target, "CL-1", "S", URL, cards, WEB) == target
    assert target.read_text(encoding="utf-8") == render_sheet("CL-1", "S", URL, cards, WEB)
    assert sorted(p.name for p in target.parent.iterdir()) == ["seats.html"]

    write_sheet(target, "CL-2", "S", URL, cards)  # replaces the old sheet
    assert "CL-2" in target.read_text(encoding="utf-8") and "CL-1" not in target.read_text(encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(sheet.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_sheet(target, "CL-3", "S", URL, cards)
    assert "CL-2" in target.read_text(encoding="utf-8")  # the old sheet is whole
    assert sorted(p.name for p in target.parent.iterdir()) == ["seats.html"]  # no temporary file left


def test_the_template_ships_inside_the_package():
    template = resources.files("negotiate.net") / "templates" / sheet.TEMPLATE
    assert template.is_file() and "autoescape false" not in template.read_text(encoding="utf-8").lower()
