"""The facilitator's side of the server, over plain HTTP with the token: where the server keeps
its data and token, and a request to it. Light to import (no aiohttp): every command loads it."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from platformdirs import user_data_dir

DEFAULT_URL = "http://127.0.0.1:8765"


def data_folder() -> Path:
    """Where the server keeps its store and token: $NEGOTIATE_DATA if set, else the platform's data folder."""
    chosen = os.environ.get("NEGOTIATE_DATA")
    return Path(chosen) if chosen else Path(user_data_dir("negotiate", appauthor=False))


def token_file() -> Path:
    return data_folder() / "server-token"


def read_token() -> str:
    """The facilitator's token: $NEGOTIATE_TOKEN, else the file `negotiate serve` wrote."""
    token = os.environ.get("NEGOTIATE_TOKEN")
    if token:
        return token
    path = token_file()
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError:
        raise JoinError(
            f"no facilitator's token: set NEGOTIATE_TOKEN, or run this where `negotiate serve` wrote {path}"
        ) from None


class JoinError(Exception):
    """A seat (or facilitator) cannot reach its table; the text says why and what to do."""


def call(url: str, method: str, path: str, body: dict[str, Any] | None = None, token: str | None = None) -> Any:
    """A facilitator's request to the server; JoinError says what went wrong, in words."""
    request = urllib.request.Request(
        url.rstrip("/") + path,
        data=json.dumps(body).encode() if body is not None else None,
        method=method,
        headers={"Authorization": f"Bearer {token or read_token()}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            reason = json.loads(exc.read()).get("error", exc.reason)
        except (json.JSONDecodeError, AttributeError):
            reason = exc.reason
        raise JoinError(f"the server at {url} refuses: {reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise JoinError(
            f"cannot reach the server at {url}: {getattr(exc, 'reason', exc)}; is `negotiate serve` running?"
        ) from None
