"""Where games are kept: the platform's data folder (or $NEGOTIATE_SAVES). Every game has a file
of its own, written after every action and named so a person recognises it; Continue resumes
the most recently played game still going, and a save goes away only when a person deletes it.
Whatever else lies in the folder is listed with its problem, never a crash."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from platformdirs import user_data_dir

from negotiate.bots import LineupError
from negotiate.content import Content
from negotiate.engine import SaveError, from_save
from negotiate.engine.save import read_data
from negotiate.engine.table import Table
from negotiate.tui.session import HUMAN, Session, seating_from


def folder() -> Path:
    """The folder saves live in: $NEGOTIATE_SAVES if set, else the platform's data folder."""
    chosen = os.environ.get("NEGOTIATE_SAVES")
    return Path(chosen) if chosen else Path(user_data_dir("negotiate", appauthor=False)) / "saves"


def new_game_path(table: Table, people: Sequence[str], when: datetime | None = None) -> Path:
    """A file of its own for a new game, named by its scenario, the seats people play and when it
    began (e.g. `crisis-2015_vellara_2026-12-03_1416.json`); never a file that is there already."""
    when = when or datetime.now()
    stem = f"{table.scenario.id}_{'+'.join(people) or 'bots'}_{when:%Y-%m-%d_%H%M}"
    path = folder() / f"{stem}.json"
    number = 1
    while path.exists() or path.is_symlink():
        number += 1
        path = folder() / f"{stem}-{number}.json"
    return path


def save_path(name: str) -> Path:
    """The file for a save named by a player: letters, digits, - and _ kept, the rest become -."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", name.strip()).strip("-")
    if not slug:
        raise ValueError("a save needs a name with at least one letter or digit")
    return folder() / f"{slug}.json"


@dataclass(frozen=True)
class SaveInfo:
    """What the load list shows of a save without replaying it."""

    path: Path
    modified: datetime
    scenario: str = "?"
    year: int | None = None
    phase: str | None = None
    actions: int = 0
    people: tuple[str, ...] = ()
    problem: str | None = None

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def finished(self) -> bool:
        return self.phase == "game_over"


def saves() -> list[SaveInfo]:
    """Every `.json` entry in the folder, newest first: a save with what it holds, anything else
    (a folder, a broken link, a file that is not a save) with its problem."""
    try:
        entries = sorted(folder().glob("*.json"))
    except OSError:
        return []
    return sorted((_info(path) for path in entries), key=lambda info: info.modified, reverse=True)


def _info(path: Path) -> SaveInfo:
    try:
        modified = datetime.fromtimestamp(path.lstat().st_mtime)
    except OSError:
        modified = datetime.fromtimestamp(0)
    try:
        data = read_data(path)
        seating = data.get("seating") or {}
        return SaveInfo(
            path,
            modified,
            scenario=str(data["scenario"]),
            year=_whole(data.get("year")),
            phase=str(data["phase"]) if data.get("phase") else None,
            actions=len(data["actions"]),
            people=tuple(str(seat) for seat, who in seating.items() if who == HUMAN),
        )
    except SaveError as exc:
        return SaveInfo(path, modified, problem=str(exc).removeprefix(f"{path}: ").removeprefix(f"{path}"))
    except (KeyError, TypeError, AttributeError) as exc:
        return SaveInfo(path, modified, problem=f"not a save file of negotiate (no {exc})")


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def latest(found: list[SaveInfo] | None = None) -> SaveInfo | None:
    """The save Continue resumes: the most recently played game that is not over (among `found`,
    newest first, if the folder was just listed)."""
    return next((info for info in found or saves() if info.problem is None and not info.finished), None)


def load(content: Content, path: Path, autosave: Path | None = None) -> Session:
    """A session from a save file; SaveError names the file and what is wrong. The game goes on
    saving into `autosave` (None: nowhere)."""
    data = read_data(path)
    game = from_save(content, data, str(path))
    labels = data.get("seating") or {}
    try:
        seating = seating_from(labels, game.table.order)
    except LineupError as exc:
        raise SaveError(f"{path}: seating: {exc} (the save is damaged)") from None
    return Session(game, seating, autosave, data.get("lock"))


def resume(content: Content, path: Path) -> Session:
    """A saved game to play on, saving into its own file."""
    return load(content, path, autosave=path)


def delete(path: Path) -> None:
    """Delete a save (a person has confirmed it). A folder is never deleted."""
    if path.is_dir() and not path.is_symlink():
        raise IsADirectoryError(f"{path} is a folder, not a save: remove it yourself if it is not needed")
    path.unlink(missing_ok=True)
