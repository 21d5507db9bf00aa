"""Toggles that read without colour. Textual draws every check box as ▐X▌ and every radio button
as ▐●▌ whether it is on or off, and tells them apart by colour alone: on a monochrome terminal,
or to a colour-blind player, a ticked party looks like an unticked one. Here a ticked box shows
[✓] and an unticked one [ ]; a chosen radio button (•) and the others ( ). Colour stays as a
second cue (the inside of the mark keeps textual's on/off colours). Screens take their Checkbox,
RadioButton and SelectionList from this module, never from textual.widgets."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import widgets
from textual.content import Content
from textual.strip import Strip
from textual.style import Style
from textual.widgets.option_list import OptionDoesNotExist

BOX = "[✓]"
"""A check box's mark when ticked; unticked, its inside is blank."""

DOT = "(•)"
"""A radio button's mark when chosen; not chosen, its inside is blank."""


def mark(shape: str, on: bool) -> tuple[str, str, str]:
    """A mark's left side, inside (blank when off) and right side: ("[", "✓", "]") or ("[", " ", "]")."""
    return shape[0], shape[1] if on else " ", shape[2]


if TYPE_CHECKING:  # the mixin's base, for the type checker only: textual does not export it
    from textual.widgets._toggle_button import ToggleButton as _Toggle
else:
    _Toggle = object


class _Marked(_Toggle):
    """A toggle button drawn with its shape's mark in place of textual's ▐X▌."""

    SHAPE: ClassVar[str] = BOX

    @property
    def _button(self) -> Content:
        # The sides take the widget's own text colour; the inside, the toggle's on/off colour.
        left, inside, right = mark(self.SHAPE, self.value)
        side = Style(background=self.background_colors[1])
        colour = self.get_visual_style("toggle--button").foreground
        return Content.assemble((left, side), (inside, side + Style(foreground=colour, bold=True)), (right, side))


class Checkbox(_Marked, widgets.Checkbox):
    """A check box showing [✓] when ticked and [ ] when not."""

    SHAPE = BOX


class RadioButton(_Marked, widgets.RadioButton):
    """A radio button showing (•) when chosen and ( ) when not."""

    SHAPE = DOT


SelectionType = TypeVar("SelectionType")


class SelectionList(widgets.SelectionList[SelectionType]):
    """A selection list whose rows show [✓] when ticked and [ ] when not."""

    def _get_left_gutter_width(self) -> int:
        return cell_len(BOX) + 1

    def render_line(self, y: int) -> Strip:
        # As textual's SelectionList.render_line, with the mark in place of ▐X▌.
        line = super(widgets.SelectionList, self).render_line(y)  # the option's prompt alone
        index = self.scroll_offset.y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        on = selection.value in self.selected
        component = (
            "selection-list--button"
            + ("-selected" if on else "")
            + ("-highlighted" if self.highlighted == index else "")
        )
        prompt = next(iter(line)).style or self.rich_style
        click = RichStyle(meta={"option": index})  # a click on the mark toggles its row
        side = prompt + click
        button = side + RichStyle(color=self.get_component_rich_style(component).color, bold=True)
        left, inside, right = mark(BOX, on)
        return Strip([Segment(left, side), Segment(inside, button), Segment(right, side), Segment(" ", prompt), *line])
