"""A browser seat in a real Chromium (Debian's, through Playwright: nothing is downloaded): `negotiate
serve --web` in a subprocess serves the terminal game through textual-serve; the page shows the join
screen, the student types the seat's code, the table starts, and `p` passes, which the server
records. Nothing beyond loopback is reached (the page's web font is refused, and not needed)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from negotiate.net.facilitator import call

CHROMIUM = Path("/usr/bin/chromium")
TOKEN = "browser-test-token"
SCREENSHOT = Path("/tmp/browser_seat.png")
WAIT = 30.0
"""Seconds to wait for a step: textual-serve starts a Python process per tab (slow 2-core machine)."""
FONTS = ("fonts.googleapis.com", "fonts.gstatic.com")
"""The only hosts beyond loopback that textual-serve's page asks for (its Roboto Mono font)."""
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")


def two_free_ports() -> int:
    """A port P such that P and P+1 are free now (serve --web takes both)."""
    for _ in range(50):
        with socket.socket() as first:
            first.bind(("127.0.0.1", 0))
            port = first.getsockname()[1]
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                except OSError:
                    continue
                return port
    raise AssertionError("no two free ports in a row")


def wait_for(
    condition: Callable[[], Any], what: str, timeout: float = WAIT, sleep: Callable[[], Any] = lambda: time.sleep(0.1)
) -> Any:
    """Poll until `condition` gives something true; that thing. With a page, `sleep` must be the
    page's own wait: Playwright's sync API delivers events (the terminal's frames) only then."""
    end = time.monotonic() + timeout
    while True:
        got = condition()
        if got:
            return got
        assert time.monotonic() < end, f"{what}: not within {timeout} s"
        sleep()


class WebServer:
    """`negotiate serve --web` in its own process group (the tabs' processes are its children)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.port = two_free_ports()
        self.url = f"http://127.0.0.1:{self.port}"
        self.web = f"http://127.0.0.1:{self.port + 1}"
        self.log = folder / "serve.log"
        env = {**os.environ, "NEGOTIATE_DATA": str(folder), "NEGOTIATE_TOKEN": TOKEN}
        command = [sys.executable, "-m", "negotiate", "serve", "--web", "--port", str(self.port)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [*command, "--store", str(folder / "s.sqlite3")],
                env=env,
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def said(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def up(self) -> bool:
        assert self.process.poll() is None, f"`negotiate serve --web` ended:\n{self.said()}"
        try:
            for address in (self.url, self.web):
                with urllib.request.urlopen(address + "/", timeout=2):
                    pass
        except (urllib.error.URLError, OSError):
            return False
        return True

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        return call(self.url, method, path, body, token=TOKEN)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # the group of the process this test started
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[WebServer]:
    server = WebServer(tmp_path)
    try:
        wait_for(server.up, "the server and its browser seats answering")
        yield server
    finally:
        server.stop()


@pytest.fixture
def chromium() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            yield browser
        finally:
            browser.close()


def test_a_browser_seat_joins_with_its_code_and_its_pass_is_recorded(web_server, chromium):
    made = web_server.api(
        "POST", "/api/classes", {"scenario": "classroom", "tables": 1, "seed": 3, "rounds": 1, "bots": "default"}
    )
    assert made["web"] == web_server.web, "the class's sheet must name where browsers play"
    table = made["tables"][0]["table"]
    seat, code = next(iter(made["tables"][0]["seats"].items()))

    def status() -> dict[str, Any]:
        return next(t for t in web_server.api("GET", "/api/status")["tables"] if t["table"] == table)

    def my_actions() -> list[dict[str, Any]]:
        save = web_server.api("GET", f"/api/classes/{made['class']}/export")["tables"][0]["save"]
        return [a for a in save["actions"] if a.get("seat") == seat]

    page = chromium.new_page(viewport={"width": 1280, "height": 800})
    loopback, outside = [], []

    def only_loopback(route: Any) -> None:
        """Everything beyond this machine is refused: the seat must work offline."""
        host = urlsplit(route.request.url).hostname
        if host in ("127.0.0.1", "localhost", "::1"):
            loopback.append(route.request.url)
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_loopback)
    terminal: list[str] = []  # what the tab's app wrote to the terminal, as it came

    def on_socket(socket: Any) -> None:
        def received(payload: str | bytes) -> None:
            terminal.append(payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload)

        socket.on("framereceived", received)

    page.on("websocket", on_socket)

    def shown(since: int = 0) -> str:
        """The terminal's text since the `since`-th frame, without its escape codes."""
        return ANSI.sub("", "".join(terminal[since:]))

    def until(condition: Callable[[], Any], what: str) -> Any:
        return wait_for(condition, what, sleep=lambda: page.wait_for_timeout(100))

    started = time.monotonic()
    page.goto(web_server.web + "/")
    until(lambda: "Join a table" in shown(), "the join screen in the browser's terminal")
    joined_screen = time.monotonic() - started

    page.click("#terminal")  # xterm takes the keys once it has the focus
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    until(lambda: seat in status()["connected"], "the browser's seat connected at the server")
    assert status()["seating"][seat] == "human"

    frames = len(terminal)
    web_server.api("POST", "/api/start", {"class": made["class"]})
    until(lambda: status()["turn"] == seat, "the seat's turn at the server")
    until(lambda: "Your turn" in shown(frames), "'Your turn' on the browser's table screen")
    assert my_actions() == []

    page.keyboard.press("p")
    until(my_actions, "the browser seat's pass recorded at the server")
    assert my_actions() == [{"type": "pass", "seat": seat}]

    page.wait_for_timeout(500)  # the update after the pass reaches the screen
    SCREENSHOT.unlink(missing_ok=True)
    page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000

    assert loopback, "the page loaded nothing?"
    beyond = [url for url in outside if urlsplit(url).hostname not in FONTS]
    assert beyond == [], f"the page reached beyond loopback: {beyond}"
    assert joined_screen < WAIT
