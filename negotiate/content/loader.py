"""Reading content: the YAML files of a folder (or their texts, from memory), parsed with line
numbers and validated against their schemas.

Every problem becomes a `Problem` naming the file, the line and the field; loading reports all
of them at once (`ContentError`) rather than stopping at the first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from negotiate.content.reader import Lines, YamlError, read_yaml
from negotiate.content.schema import DeckFile, Scenario, SeatType

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a content file."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ContentError(Exception):
    """Content that cannot be played: carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class SourceFile:
    """A parsed YAML file, kept so that any field can be traced back to its line."""

    path: str
    doc: Any
    lines: Lines

    def line(self, loc: Loc) -> int:
        """The 1-based line of the field at `loc`, or of its nearest ancestor that has one."""
        for end in range(len(loc), 0, -1):
            line = self.lines.get(loc[:end])
            if line is not None:
                return line
        return 1

    def problem(self, loc: Loc, message: str) -> Problem:
        """A problem at `loc` in this file."""
        return Problem(self.path, self.line(loc), format_loc(loc), message)


def format_loc(loc: Loc) -> str:
    """`('cards', 3, 'effects', 0, 'track')` as `cards[3].effects[0].track`."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: Any) -> str:
    kind, msg = error["type"], error["msg"]
    if kind == "extra_forbidden":
        return "unknown key (not part of this kind of file; check the spelling)"
    if kind == "missing":
        return "required, but missing"
    if kind == "union_tag_invalid":
        return f"unknown kind {error['ctx']['tag']!r} (expected one of {error['ctx']['expected_tags']})"
    if kind == "union_tag_not_found":
        return "missing: say what kind of cards this file holds"
    return msg.removeprefix("Value error, ")


def parse(text: str, name: str) -> tuple[SourceFile | None, list[Problem]]:
    """Parse the text of the file `name`, or say where it breaks."""
    try:
        doc, lines = read_yaml(text)
    except YamlError as exc:
        return None, [Problem(name, exc.line, "", f"not valid YAML: {exc.message}")]
    if not isinstance(doc, dict):
        return None, [Problem(name, 1, "", "expected a mapping of keys to values at the top")]
    return SourceFile(name, doc, lines), []


def validate(source: SourceFile, adapter: TypeAdapter[Any]) -> tuple[Any, list[Problem]]:
    """Validate a parsed file against a model; problems carry their lines."""
    try:
        return adapter.validate_python(source.doc), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = _file_loc(source.doc, error["loc"])
            if error["type"] in ("union_tag_invalid", "union_tag_not_found") and isinstance(error["input"], dict):
                loc = (*loc, "kind")
            problems.append(source.problem(loc, _message(error)))
        return None, problems


def _file_loc(doc: Any, loc: Loc) -> Loc:
    """Pydantic's `loc` without the union branches it names: the `kind` of a file or a scoring
    rule (which may also be a key: a `kind: track` rule has a `track`)."""
    out: list[str | int] = []
    node, tagged = doc, None
    for part in loc:
        if isinstance(node, dict) and node.get("kind") == part and node is not tagged:
            tagged = node
            continue
        out.append(part)
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    return tuple(out)


SEAT_ADAPTER: TypeAdapter[SeatType] = TypeAdapter(SeatType)
SCENARIO_ADAPTER: TypeAdapter[Scenario] = TypeAdapter(Scenario)
DECK_ADAPTER: TypeAdapter[Any] = TypeAdapter(DeckFile)

FOLDERS = (
    ("decks", DECK_ADAPTER),
    ("rules/seats", SEAT_ADAPTER),
    ("rules/scenarios", SCENARIO_ADAPTER),
)
RULEBOOK = "rules/RULEBOOK.md"


def read_folder(root: Path) -> tuple[dict[str, str], list[Problem]]:
    """The text of every YAML file of a content folder, by its path in the folder with forward
    slashes (`decks/shocks.yaml`), and what is wrong with the folder itself: a missing subfolder
    or rulebook, a file that cannot be read."""
    if not root.is_dir():
        raise ContentError([Problem(str(root), 0, "", "no such content folder")])
    label = shown_folder(root)
    sources: dict[str, str] = {}
    problems: list[Problem] = []
    for folder, _ in FOLDERS:
        if not (root / folder).is_dir():
            problems.append(Problem(shown(label, folder), 0, "", "missing folder (expected YAML files here)"))
            continue
        for path in sorted((root / folder).glob("*.y*ml")):
            rel = path.relative_to(root).as_posix()
            try:
                sources[rel] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(shown(label, rel), 0, "", f"cannot be read: {exc}"))
    if not (root / RULEBOOK).is_file():
        problems.append(Problem(shown(label, RULEBOOK), 0, "", "missing: the rulebook players read"))
    return sources, problems


Found = dict[str, list[tuple[SourceFile, Any]]]


def read_sources(sources: Mapping[str, str], label: str) -> tuple[Found, list[Problem], set[str]]:
    """Parse and validate the texts of content files (by their path in the content folder), by
    the folder they stand in. Also returns the names that files which failed declare, so that
    others naming them are not blamed too."""
    adapters = dict(FOLDERS)
    found: Found = {folder: [] for folder in adapters}
    problems: list[Problem] = []
    broken: set[str] = set()
    for rel, text in sorted(sources.items()):
        folder = rel.rpartition("/")[0]
        if folder not in adapters or not rel.endswith((".yaml", ".yml")):
            expected = ", ".join(f"{name}/" for name in adapters)
            problems.append(
                Problem(shown(label, rel), 0, "", f"not a content file (expected YAML files in {expected})")
            )
            continue
        source, errors = parse(text, shown(label, rel))
        problems += errors
        if source is None:
            broken |= _declared_in_text(text)
            continue
        model, errors = validate(source, adapters[folder])
        problems += errors
        if model is not None:
            found[folder].append((source, model))
        else:
            broken |= _declared(source.doc)
    return found, problems, broken


def _declared(doc: dict[str, Any]) -> set[str]:
    """The ids a content file declares (itself, its deck, its cards), read without validation."""
    names = {str(doc[key]) for key in ("id", "deck") if key in doc}
    cards = doc.get("cards")
    if isinstance(cards, list):
        names |= {str(card["id"]) for card in cards if isinstance(card, dict) and "id" in card}
    return names


_DECLARING = re.compile(r"^(?:id|deck):\s*(\S+)|^\s*-\s+id:\s*(\S+)", re.MULTILINE)


def _declared_in_text(text: str) -> set[str]:
    """The ids a file that cannot be parsed seems to declare, by a scan of its lines: a top
    `id:` or `deck:`, and an `- id:` that opens a card."""
    return {(own or card).strip("'\"") for own, card in _DECLARING.findall(text)}


def shown(label: str, rel: str) -> str:
    """How a content file is named in problems: its path in the folder, after the label."""
    return str(Path(label) / rel)


def shown_folder(root: Path) -> str:
    """A content folder as problems name it: from the working directory if it lies inside."""
    try:
        return str(root.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(root)


def shipped_root() -> Path:
    """The content folder that ships with the package (or the source checkout's own)."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "data"
    return installed if installed.is_dir() else package.parent
