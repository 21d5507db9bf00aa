"""The rulebook, read in the terminal: the content folder's RULEBOOK.md with its contents."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, MarkdownViewer, Static

if TYPE_CHECKING:
    from negotiate.tui.app import NegotiateApp


class RulebookScreen(Screen[None]):
    """The rules as Markdown, with a table of contents (t shows or hides it)."""

    DEFAULT_CSS = """
    RulebookScreen #title { text-style: bold; background: $primary; color: $text; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape,q", "dismiss", "Back"),
        Binding("t", "contents", "Contents"),
    ]

    def compose(self) -> ComposeResult:
        path = cast("NegotiateApp", self.app).content.root / "rules" / "RULEBOOK.md"
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            text = f"# No rulebook\n\nThe rulebook should be at `{path}` but cannot be read: {exc}"
        yield Static("Rulebook   (↑↓ PgUp PgDn scroll, Tab moves between the contents and the text)", id="title")
        yield MarkdownViewer(text, show_table_of_contents=True, open_links=False)
        yield Footer()

    AUTO_FOCUS = "Tree"

    def action_contents(self) -> None:
        viewer = self.query_one(MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents
