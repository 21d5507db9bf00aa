"""Save files: the log of actions with the scenario, the seed and the content the game is played
with (JSON, with a format version).

Loading replays the log with the save's own content, so a game saved last week resumes after
the content is changed or a new version installed, and checks the final digest, so a save that
was edited, cut short, or made by rules that have changed since is caught with a clear error
that says what can be done, rather than a strange game.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from negotiate import __version__
from negotiate.content import Content, ContentError, load_sources
from negotiate.content.loader import format_loc
from negotiate.engine.actions import Action
from negotiate.engine.game import Game, IllegalAction

FORMAT = 2
"""2: a save carries its content. 1 (still read): it did not, and its digest covered the state alone."""
MADE_BY = f"negotiate {__version__}"


class SaveError(ValueError):
    """A save file that cannot be loaded; the message says which file and why."""


class SavedContent(BaseModel):
    """The content a game is played with: its files' texts by path (`decks/shocks.yaml`)."""

    model_config = ConfigDict(extra="forbid")

    digest: str
    files: dict[str, str]


class SaveFile(BaseModel):
    """The JSON shape of a save."""

    model_config = ConfigDict(extra="forbid")

    format: int
    game: Literal["negotiate"] = "negotiate"
    made_by: str | None = Field(None, description="the version of negotiate that wrote it")
    scenario: str
    seed: int
    rounds: int | None = Field(None, description="rounds played, if fewer than the scenario's")
    seating: dict[str, str] | None = Field(
        None, description="who plays each seat: human, or a bot (for the UI; the rules ignore it)"
    )
    lock: str | None = Field(None, description="the facilitator's PIN, salted and hashed (for the UI)")
    year: int | None = None
    phase: str | None = None
    content: SavedContent | None = Field(None, description="the content it is played with (from format 2)")
    actions: list[Action]
    digest: str


LOG: TypeAdapter[list[Action]] = TypeAdapter(list[Action])


def digest(game: Game, version: int = FORMAT) -> str:
    """A fingerprint of the whole state and of the log, reasons included: equal digests, equal
    games, told alike. (A save of format 1 was fingerprinted by its state alone.)"""
    fingerprint = hashlib.sha256(game.state.model_dump_json().encode())
    if version > 1:
        fingerprint.update(LOG.dump_json(game.log))  # type: ignore[arg-type]
    return fingerprint.hexdigest()[:16]


def to_save(game: Game, seating: dict[str, str] | None = None, lock: str | None = None) -> dict[str, Any]:
    """A game as save data (JSON-ready), with who plays each seat and the facilitator's lock if given."""
    content = game.table.content
    data = SaveFile(
        format=FORMAT,
        made_by=MADE_BY,
        scenario=game.table.scenario.id,
        seed=game.seed,
        rounds=game.rounds,
        seating=seating or None,
        lock=lock,
        year=game.table.year(game.state.round),
        phase=game.state.phase,
        content=SavedContent(digest=content.digest, files=content.sources),
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
    """Rebuild a game from save data, with the content it carries (else `content`, the installed
    one), checking its format, every action and its digest."""
    if not isinstance(data, dict):
        raise SaveError(f"{where}: not a save file (expected a JSON object at the top)")
    version = data.get("format")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SaveError(f"{where}: not a save file of negotiate (format {version!r}; expected a whole number from 1)")
    if version > FORMAT:
        raise SaveError(
            f"{where}: made by a newer version of negotiate (save format {version}; this version, {MADE_BY}, "
            f"reads up to {FORMAT}): install that version to open it"
        )
    try:
        save = SaveFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise SaveError(
            f"{where}: {format_loc(tuple(first['loc'])) or 'top'}: {first['msg']} (the save is damaged)"
        ) from None
    played_with = _played_with(content, save, where)
    if save.scenario not in played_with.scenarios:
        raise SaveError(f"{where}: scenario {save.scenario!r} is not in the content folder {played_with.root}")
    try:
        game = Game.replayed(played_with, save.scenario, save.seed, save.actions, save.rounds)
    except IllegalAction as exc:
        raise SaveError(f"{where}: {exc.reason}. {_not_as_played(save)}") from None
    except ValueError as exc:
        raise SaveError(f"{where}: rounds: {exc} (the save is damaged)") from None
    replayed = digest(game, save.format)
    if replayed != save.digest:
        raise SaveError(
            f"{where}: replaying its log does not give the saved game (digest {replayed}, saved {save.digest}). "
            + _not_as_played(save)
        )
    return game


def _played_with(installed: Content, save: SaveFile, where: str) -> Content:
    """The content a saved game is played with: the one it carries (the installed one if equal),
    or, for a save of format 1, the installed one."""
    carried = save.content
    if carried is None or carried.digest == installed.digest:
        return installed
    try:
        content = load_sources(carried.files, f"{where} (its content)")
    except ContentError as exc:
        problems = "; ".join(str(p) for p in exc.problems[:3])
        raise SaveError(
            f"{where}: this version ({MADE_BY}) cannot read the content the game was saved with: {problems}. "
            f"{_finish_with(save)}"
        ) from None
    if content.digest != carried.digest:
        raise SaveError(f"{where}: content: its files do not match their digest (the save was edited or is damaged)")
    return content


def _not_as_played(save: SaveFile) -> str:
    """Why a save's log no longer gives the saved game, and what a person can do."""
    if save.made_by not in (None, MADE_BY):
        return f"It was saved by {save.made_by}, whose rules differ from this version's ({MADE_BY}). " + _finish_with(
            save
        )
    if save.content is None:
        return (
            "It was saved before saves carried their content, and the content or the rules have changed since. "
            + _finish_with(save)
        )
    return "The file was edited or is damaged; it is kept as it is."


def _finish_with(save: SaveFile) -> str:
    """What a person can do with a save this version cannot resume."""
    version = (save.made_by or "").removeprefix("negotiate ").strip()
    if not version:
        return "To finish the game as it was played, open it with the version of negotiate that saved it. The file is kept as it is."
    return (
        f"To finish the game as it was played, install that version beside this one "
        f"(python3 -m venv old && old/bin/pip install 'negotiate=={version}') and open it with old/bin/negotiate. "
        "The file is kept as it is."
    )


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
