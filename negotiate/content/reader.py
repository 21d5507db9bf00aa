"""Reading YAML text into plain data and the line of every key and item.

libyaml (through PyYAML) parses; this module builds dicts, lists and scalars from the parser's
events in one pass, which is several times faster than composing a node tree. Plain scalars are
resolved by the YAML 1.2 core schema: null, true/false, integers (also 0x and 0o), floats (also
.inf and .nan); everything else, `no` and `on` included, stays text.
"""

from __future__ import annotations

import math
import re
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

Loc = tuple[Any, ...]
Lines = dict[Loc, int]

_Parser = getattr(yaml, "CBaseLoader", yaml.BaseLoader)  # libyaml where PyYAML has it (every wheel does)
_STR_TAGS = (None, "!", "tag:yaml.org,2002:str")
_CONTAINER_TAGS = (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")
_WORDS: dict[str, Any] = {
    **dict.fromkeys(("~", "", "null", "Null", "NULL")),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
}
_NUMBER_START = frozenset("0123456789+-.")
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_BASES = {"0x": (re.compile(r"0x[0-9a-fA-F]+"), 16), "0o": (re.compile(r"0o[0-7]+"), 8)}
_MISSING = object()


class YamlError(Exception):
    """Text that is not valid YAML (or not plain data): where it breaks, and why."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


def read_yaml(text: str) -> tuple[Any, Lines]:
    """The data of a one-document YAML text, and the 1-based line of each key and item by its
    path (`("cards", 0, "id")`). Raises YamlError for broken syntax, a duplicate key, a key that
    is not a single value, an unknown or recursive alias, a tag, or a second document."""
    try:
        parser = _Parser(text)
        try:
            return _Builder().build(parser)
        finally:
            parser.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlError(mark.line + 1 if mark else 0, str(exc.problem or exc.context)) from None
    except yaml.reader.ReaderError as exc:
        raise YamlError(text.count("\n", 0, exc.position) + 1, exc.reason) from None


def _plain(text: str) -> Any:
    """A plain (unquoted) scalar's value by the YAML 1.2 core schema."""
    word = _WORDS.get(text, _MISSING)
    if word is not _MISSING:
        return word
    if text[0] not in _NUMBER_START:
        return text
    try:
        if _INT.fullmatch(text):
            return int(text)
        if _FLOAT.fullmatch(text):
            return float(text)
        pattern, base = _BASES.get(text[:2], (None, 0))
        if pattern and pattern.fullmatch(text):
            return int(text[2:], base)
    except ValueError:  # an integer with more digits than Python reads
        pass
    return text


class _Frame:
    """A mapping or sequence being built: where it stands, its anchor, whether it holds an alias,
    and (for a mapping) the key read last."""

    __slots__ = ("value", "path", "anchor", "aliases", "key")

    def __init__(self, value: dict[Any, Any] | list[Any], path: Loc, anchor: str | None):
        self.value = value
        self.path = path
        self.anchor = anchor
        self.aliases = False
        self.key: Any = _MISSING


class _Builder:
    def __init__(self) -> None:
        self.stack: list[_Frame] = []
        self.lines: Lines = {}
        self.anchors: dict[str, Any] = {}
        self.holding_aliases: set[str] = set()  # anchors whose values hold aliases
        self.root: Any = None
        self.documents = 0

    def build(self, parser: Any) -> tuple[Any, Lines]:
        get = parser.get_event
        while True:
            event = get()
            kind = type(event)
            if kind is ScalarEvent:
                if event.implicit[0]:
                    value = _plain(event.value)
                elif event.tag in _STR_TAGS:
                    value = event.value
                else:
                    raise self.tag_error(event)
                self.add(value, event)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                if event.tag not in _CONTAINER_TAGS:
                    raise self.tag_error(event)
                container: dict[Any, Any] | list[Any] = {} if kind is MappingStartEvent else []
                self.stack.append(_Frame(container, self.add(container, event), event.anchor))
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = self.stack.pop()
                if frame.aliases and frame.anchor:
                    self.holding_aliases.add(frame.anchor)
            elif kind is AliasEvent:
                self.add(self.alias(event), event)
            elif kind is DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    raise YamlError(event.start_mark.line + 1, "expected one document in a file (found a second one)")
            elif kind is StreamEndEvent:
                return self.root, self.lines

    def add(self, value: Any, event: Any) -> Loc:
        """Put a value where the parser stands; its path."""
        line = event.start_mark.line + 1
        if getattr(event, "anchor", None):
            self.anchors[event.anchor] = value
        if not self.stack:
            self.root = value
            return ()
        frame = self.stack[-1]
        if type(frame.value) is list:
            path = (*frame.path, len(frame.value))
            frame.value.append(value)
        elif frame.key is _MISSING:
            if isinstance(value, (dict, list)):
                raise YamlError(line, "a key must be a single value, not a list or a mapping")
            if value in frame.value:
                raise YamlError(
                    line, f"duplicate key {value!r} (it is also on line {self.lines[(*frame.path, value)]})"
                )
            frame.key = value
            path = (*frame.path, value)
        else:
            path = (*frame.path, frame.key)
            frame.value[frame.key] = value
            frame.key = _MISSING
            return path  # a value's line is its key's
        self.lines[path] = line
        return path

    def alias(self, event: AliasEvent) -> Any:
        value = self.anchors.get(event.anchor, _MISSING)
        if value is _MISSING:
            raise YamlError(event.start_mark.line + 1, f"unknown alias *{event.anchor} (no &{event.anchor} before it)")
        if any(frame.value is value for frame in self.stack):
            raise YamlError(event.start_mark.line + 1, f"alias *{event.anchor} stands inside its own anchor")
        if event.anchor in self.holding_aliases:  # aliases of aliases can grow a small text without bound
            raise YamlError(event.start_mark.line + 1, f"alias *{event.anchor} names a value that holds aliases")
        for frame in self.stack:
            frame.aliases = True
        return value

    def tag_error(self, event: Any) -> YamlError:
        return YamlError(event.start_mark.line + 1, f"tag {event.tag} is not allowed: write plain values")
