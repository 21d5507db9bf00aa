"""Toggles read without colour: negotiate.tui.marks draws [✓]/[ ] and (•)/( ), and every screen
takes its toggles from there."""

from __future__ import annotations

import ast
from pathlib import Path

from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import RadioSet

from negotiate.tui import marks
from negotiate.tui.marks import Checkbox, RadioButton, SelectionList

TUI = Path(marks.__file__).parent
TOGGLES = {"Checkbox", "RadioButton", "SelectionList", "ToggleButton", "Switch"}


def painted(widget: Widget) -> list[str]:
    """The characters a widget paints, row by row, without colour: what a monochrome terminal shows."""
    return [strip.text for strip in widget.render_lines(Region(0, 0, *widget.outer_size))]


class Toggles(App[None]):
    def compose(self) -> ComposeResult:
        yield Checkbox("on", True, id="on")
        yield Checkbox("off", False, id="off")
        with RadioSet():
            yield RadioButton("chosen", True, id="chosen")
            yield RadioButton("other", id="other")
        yield SelectionList[int](("ticked", 1, True), ("unticked", 2, False), id="list")


async def test_the_marks_show_state_in_characters():
    app = Toggles()
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()

        def shown(selector: str) -> str:
            return " ".join(painted(app.query_one(selector))).strip()

        assert "[✓] on" in shown("#on") and "[ ] off" in shown("#off")
        assert "(•) chosen" in shown("#chosen") and "( ) other" in shown("#other")
        rows = painted(app.query_one("#list"))
        assert any("[✓] ticked" in row for row in rows) and any("[ ] unticked" in row for row in rows)
        app.query_one("#off", Checkbox).toggle()
        app.query_one("#list", SelectionList).toggle(2)
        await pilot.pause()
        assert "[✓] off" in shown("#off")
        assert any("[✓] unticked" in row for row in painted(app.query_one("#list")))


def test_every_screen_takes_its_toggles_from_marks():
    """A toggle straight from textual would show its state by colour alone again."""
    found = []
    for path in sorted(TUI.glob("*.py")):
        if path.name == "marks.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
                found += [f"{path.name}: {alias.name}" for alias in node.names if alias.name in TOGGLES]
            elif isinstance(node, ast.Attribute) and node.attr in TOGGLES:
                found.append(f"{path.name}:{node.lineno}: .{node.attr}")
    assert not found, f"take these from negotiate.tui.marks: {found}"
