"""The terminal game's app: it holds the content, opens the start screen (or a game at once),
switches between the start screen, the table and the end screen, and keeps the theme."""

from __future__ import annotations

import asyncio
import os
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding

from negotiate.content import Content
from negotiate.tui.session import Sitting

if TYPE_CHECKING:
    from negotiate.net.client import SeatLink

DARK, LIGHT = "textual-dark", "textual-light"


class NegotiateApp(App[None]):
    """`negotiate` in the terminal: solo against bots, or hot-seat around one keyboard."""

    TITLE = "negotiate"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
    ]

    def __init__(
        self,
        content: Content,
        session: Sitting | None = None,
        bot_delay: float = 0.6,
        join: tuple[str, str | None] | None = None,
        watch: tuple[str, str, str] | None = None,
        teach: tuple[str, str | None] | None = None,
    ):
        """`join`: the server's address and a seat's join code (None: asked for), to play at a
        server's table instead of at this computer."""
        super().__init__()
        self.content = content
        self.first_session = session
        self.join = join
        self.teaching = teach
        """The server's address and the facilitator's token: the facilitator's console."""
        self.watching = watch
        """The server's address, a table and the facilitator's token: the room's screen for that table."""
        self.link: SeatLink | None = None
        self.links: list[SeatLink] = []
        """The room's screen's links, one a table it shows (closed when the app ends)."""
        """The seat's link to the server's table, once joined (closed when the app ends)."""
        self.bot_delay = bot_delay
        """Seconds a bot's move stays on screen before the next one (any key skips it)."""

    def on_mount(self) -> None:
        self.theme = DARK
        if self.first_session is not None:
            self.begin(self.first_session)
        elif self.teaching is not None:
            from negotiate.tui.console import ConsoleScreen, TokenScreen

            url, token = self.teaching
            if token is None:  # served to a browser: it ends with the server that runs it
                self._launcher = os.getppid()
                self.set_interval(2, self._orphaned)
            self.push_screen(TokenScreen(url) if token is None else ConsoleScreen(url, token))
        elif self.watching is not None:
            self.run_worker(self._watch(*self.watching), exclusive=True)
        elif self.join is not None:
            from negotiate.tui.remote import JoinScreen

            self._launcher = os.getppid()
            self.set_interval(2, self._orphaned)
            self.push_screen(JoinScreen(*self.join))
        else:
            from negotiate.tui.start import StartScreen

            self.push_screen(StartScreen())

    async def _watch(self, url: str, table: str, token: str) -> None:
        """The room's screen: one table (CLASS-N), or every table of a class side by side."""
        from negotiate.net.client import SeatLink
        from negotiate.net.facilitator import JoinError, call
        from negotiate.tui.projector import ClassScreen, ProjectorScreen

        try:
            tables = (
                [table]
                if "-" in table
                else [
                    t["table"]
                    for t in (await asyncio.to_thread(call, url, "GET", f"/api/status?class={table}", None, token))[
                        "tables"
                    ]
                ]
            )
            links = [SeatLink(url, "", self.content, watch=(one, token)) for one in tables]
            for link in links:
                await link.open()
        except JoinError as exc:
            self.exit(message=f"negotiate: {exc}")
            return
        self.links = links
        self.push_screen(ProjectorScreen(links[0]) if "-" in table else ClassScreen(links))

    def _orphaned(self) -> None:
        """A seat's app whose parent is gone (the server that ran it for a browser tab died, say)
        ends, rather than hold the seat for a page nobody can see."""
        if os.getppid() != self._launcher:
            self.exit()

    async def on_unmount(self) -> None:
        for link in [self.link, *self.links]:
            if link is not None:
                await link.close()

    def begin(self, session: Sitting) -> None:
        """Sit down at the table of this session (from the start screen, a save, or the CLI)."""
        from negotiate.tui.table import TableScreen

        self.push_screen(TableScreen(session))

    def finish(self, session: Sitting) -> None:
        """The game is over: show the end screen in place of the table."""
        from negotiate.tui.end import EndScreen

        self.switch_screen(EndScreen(session))

    def open_rulebook(self) -> None:
        """Show the rulebook, from the start screen or the table. It is built once (some 500
        widgets, over a second on a slow machine) and kept: it opens in half the time after."""
        if not self.is_screen_installed("rulebook"):
            from negotiate.tui.rulebook import RulebookScreen

            self.install_screen(RulebookScreen(), "rulebook")
        self.push_screen("rulebook")

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK
