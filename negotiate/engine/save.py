"""Save files: the log of actions with the scenario and seed (JSON, with a format version).

Loading replays the log and checks the final digest, so a save that was edited, cut short or
made with other content is caught with a clear error rather than a strange game.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from negotiate.content import Content
from negotiate.content.loader import format_loc
from negotiate.engine.actions import Action
from negotiate.engine.game import Game, IllegalAction

FORMAT = 1


class SaveError(ValueError):
    """A save file that cannot be loaded; the message says which file and why."""


class SaveFile(BaseModel):
    """The JSON shape of a save."""

    model_config = ConfigDict(extra="forbid")

    format: int
    game: Literal["negotiate"] = "negotiate"
    scenario: str
    seed: int
    rounds: int | None = Field(None, description="rounds played, if fewer than the scenario's")
    seating: dict[str, str] | None = Field(
        None, description="who plays each seat: human, or a bot (for the UI; the rules ignore it)"
    )
    lock: str | None = Field(None, description="the facilitator's PIN, salted and hashed (for the UI)")
    year: int | None = None
    phase: str | None = None
    actions: list[Action]
    digest: str


LOG: TypeAdapter[list[Action]] = TypeAdapter(list[Action])


def digest(game: Game) -> str:
    """A fingerprint of the whole state and of the log, reasons included: equal digests, equal
    games, told alike."""
    fingerprint = hashlib.sha256(game.state.model_dump_json().encode())
    fingerprint.update(LOG.dump_json(game.log))  # type: ignore[arg-type]
    return fingerprint.hexdigest()[:16]


def to_save(game: Game, seating: dict[str, str] | None = None, lock: str | None = None) -> dict[str, Any]:
    """A game as save data (JSON-ready), with who plays each seat and the facilitator's lock if given."""
    data = SaveFile(
        format=FORMAT,
        scenario=game.table.scenario.id,
        seed=game.seed,
        rounds=game.rounds,
        seating=seating or None,
        lock=lock,
        year=game.table.year(game.state.round),
        phase=game.state.phase,
        actions=game.log,  # type: ignore[arg-type]
        digest=digest(game),
    )
    return data.model_dump(mode="json", exclude_none=True)


def write_save(game: Game, path: Path, seating: dict[str, str] | None = None, lock: str | None = None) -> None:
    """Write a save atomically: a crash mid-write never leaves half a file."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(to_save(game, seating, lock), indent=1), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def from_save(content: Content, data: Any, where: str = "save") -> Game:
    """Rebuild a game from save data, checking its format, every action and its digest."""
    if not isinstance(data, dict):
        raise SaveError(f"{where}: not a save file (expected a JSON object at the top)")
    version = data.get("format")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SaveError(f"{where}: not a save file of negotiate (format {version!r}; expected a whole number from 1)")
    if version > FORMAT:
        raise SaveError(
            f"{where}: made by a newer version of negotiate (save format {version}; this version reads up to {FORMAT})"
        )
    try:
        save = SaveFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise SaveError(
            f"{where}: {format_loc(tuple(first['loc'])) or 'top'}: {first['msg']} (the save is damaged)"
        ) from None
    if save.scenario not in content.scenarios:
        raise SaveError(f"{where}: scenario {save.scenario!r} is not in the content folder {content.root}")
    try:
        game = Game.replayed(content, save.scenario, save.seed, save.actions, save.rounds)
    except IllegalAction as exc:
        raise SaveError(f"{where}: {exc.reason} (the save is damaged, or the content changed since)") from None
    except ValueError as exc:
        raise SaveError(f"{where}: rounds: {exc} (the save is damaged)") from None
    if digest(game) != save.digest:
        raise SaveError(
            f"{where}: replaying the log does not give the saved game (digest {digest(game)}, saved {save.digest}); the content changed since, or the file was edited"
        )
    return game


MAX_BYTES = 32 * 2**20
"""The largest file taken for a save: a long game with its content is well under 1 MB."""


def read_data(path: Path) -> dict[str, Any]:
    """The JSON object in a save file, or SaveError saying in words why the file is not one
    (missing, a folder, a broken link, too large, not JSON, nested too deeply, not an object)."""
    path = Path(path)
    try:
        if path.is_dir():
            raise SaveError(f"{path}: a folder, not a save file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SaveError(f"{path}: not a save file: {size / 2**20:.0f} MB is far larger than any save")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        missing = "a link to a file that is not there" if path.is_symlink() else "no such file"
        raise SaveError(f"{path}: cannot be read: {missing}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SaveError(f"{path}: cannot be read: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SaveError(f"{path}:{exc.lineno}: not a save file: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise SaveError(f"{path}: not a save file: its JSON is nested too deeply") from None
    if not isinstance(data, dict):
        raise SaveError(f"{path}: not a save file (expected a JSON object at the top)")
    return data


def read_save(content: Content, path: Path) -> Game:
    """Load a save file from disk."""
    return from_save(content, read_data(path), str(path))
