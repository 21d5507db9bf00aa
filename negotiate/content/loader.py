"""Reading content folders: YAML files with line numbers, validated into `Content`.

Every problem becomes a `Problem` naming the file, the line and the field; loading reports all
of them at once (`ContentError`) rather than stopping at the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

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

    def line(self, loc: Loc) -> int:
        """The 1-based line of the field at `loc`, or of its nearest ancestor that has one."""
        node, line = self.doc, 1
        for key in loc:
            lc = getattr(node, "lc", None)
            try:
                if isinstance(node, list) and isinstance(key, int) and key < len(node):
                    line = lc.item(key)[0] + 1 if lc else line
                    node = node[key]
                elif isinstance(node, dict) and key in node:
                    line = lc.key(key)[0] + 1 if lc else line
                    node = node[key]
                else:
                    break
            except (KeyError, IndexError, TypeError):
                break
        return line

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


_yaml = YAML(typ="rt")


def parse(path: Path, shown: str) -> tuple[SourceFile | None, list[Problem]]:
    """Parse one YAML file, or say where its syntax breaks."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(shown, 0, "", f"cannot be read: {exc}")]
    try:
        doc = _yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        return None, [Problem(shown, line, "", f"not valid YAML: {exc.problem or exc.context}")]
    if not isinstance(doc, dict):
        return None, [Problem(shown, 1, "", "expected a mapping of keys to values at the top")]
    return SourceFile(shown, doc), []


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


def read_folder(root: Path) -> tuple[dict[str, list[tuple[SourceFile, Any]]], list[Problem], set[str]]:
    """Parse and validate every YAML file of a content folder, by folder. Also returns the names
    that files which failed validation declare, so that others naming them are not blamed too."""
    problems: list[Problem] = []
    broken: set[str] = set()
    found: dict[str, list[tuple[SourceFile, Any]]] = {}
    if not root.is_dir():
        raise ContentError([Problem(str(root), 0, "", "no such content folder")])
    for folder, adapter in FOLDERS:
        directory = root / folder
        if not directory.is_dir():
            problems.append(Problem(str(directory), 0, "", "missing folder (expected YAML files here)"))
            continue
        found[folder] = []
        for path in sorted(directory.glob("*.y*ml")):
            source, errors = parse(path, _shown(path, root))
            problems += errors
            if source is None:
                continue
            model, errors = validate(source, adapter)
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


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def shipped_root() -> Path:
    """The content folder that ships with the package (or the source checkout's own)."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "data"
    return installed if installed.is_dir() else package.parent
