"""Where games are kept: the platform's data folder (or $NEGOTIATE_SAVES), the autosave, named
saves, and loading a save back into a session with errors that name the file."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from platformdirs import user_data_dir

from negotiate.bots import LineupError
from negotiate.content import Content
from negotiate.engine import SaveError, read_save
from negotiate.tui.session import Session, seating_from

AUTOSAVE = "autosave.json"
PREVIOUS = "previous-game.json"


def folder() -> Path:
    """The folder saves live in: $NEGOTIATE_SAVES if set, else the platform's data folder."""
    chosen = os.environ.get("NEGOTIATE_SAVES")
    return Path(chosen) if chosen else Path(user_data_dir("negotiate", appauthor=False)) / "saves"


def autosave_path() -> Path:
    return folder() / AUTOSAVE


def fresh_autosave() -> Path:
    """The autosave path for a new game. The game it held is kept as `previous-game` (in the
    load list), so starting a new game never loses the one before."""
    path = autosave_path()
    if path.exists():
        path.replace(path.with_name(PREVIOUS))
    return path


@dataclass(frozen=True)
class SaveInfo:
    """What the load list shows of a save without replaying it."""

    path: Path
    scenario: str
    year: int | None
    phase: str | None
    actions: int
    modified: datetime
    problem: str | None = None

    @property
    def name(self) -> str:
        return self.path.stem


def saves() -> list[SaveInfo]:
    """Every save in the folder, newest first; an unreadable one is listed with its problem."""
    found = []
    for path in folder().glob("*.json"):
        modified = datetime.fromtimestamp(path.stat().st_mtime)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            found.append(
                SaveInfo(
                    path, str(data["scenario"]), data.get("year"), data.get("phase"), len(data["actions"]), modified
                )
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            found.append(SaveInfo(path, "?", None, None, 0, modified, f"not a readable save ({exc})"))
    return sorted(found, key=lambda info: info.modified, reverse=True)


def save_path(name: str) -> Path:
    """The file for a save named by a player: letters, digits, - and _ kept, the rest become -."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name.strip()).strip("-")
    if not slug:
        raise ValueError("a save needs a name with at least one letter or digit")
    return folder() / f"{slug}.json"


def load(content: Content, path: Path, autosave: Path | None = None) -> Session:
    """A session from a save file; SaveError names the file and what is wrong."""
    game = read_save(content, path)
    labels = json.loads(Path(path).read_text(encoding="utf-8")).get("seating") or {}
    try:
        seating = seating_from(labels, game.table.order)
    except LineupError as exc:
        raise SaveError(f"{path}: seating: {exc} (the save is damaged)") from None
    return Session(game, seating, autosave)
