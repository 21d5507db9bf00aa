"""The YAML reader: plain data by the YAML 1.2 core schema, the line of every key and item, and
broken text refused with its line."""

from __future__ import annotations

import math

import pytest
import yaml

from negotiate.content import reader
from negotiate.content.reader import YamlError, read_yaml


@pytest.fixture(params=["libyaml", "pure"], autouse=True)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test reads with libyaml, and again with PyYAML's pure parser (where libyaml is missing)."""
    if request.param == "pure":
        monkeypatch.setattr(reader, "_Parser", yaml.BaseLoader)


CORE_SCHEMA = [
    ("~", None),
    ("null", None),
    ("true", True),
    ("False", False),
    ("0", 0),
    ("-12", -12),
    ("+3", 3),
    ("0x1F", 31),
    ("0o17", 15),
    ("1.5", 1.5),
    ("-.5", -0.5),
    ("2.", 2.0),
    ("1e3", 1000.0),
    ("-1E-3", -0.001),
    (".inf", math.inf),
    ("-.Inf", -math.inf),
    # YAML 1.1 booleans, sexagesimals, dates, underscores and binary are words in YAML 1.2
    ("no", "no"),
    ("yes", "yes"),
    ("on", "on"),
    ("Off", "Off"),
    ("12:30", "12:30"),
    ("2018-01-01", "2018-01-01"),
    ("1_000", "1_000"),
    ("0b11", "0b11"),
    ("0x", "0x"),
    ("1e", "1e"),
    ("type:receiving", "type:receiving"),
]


@pytest.mark.parametrize(("text", "value"), CORE_SCHEMA)
def test_plain_scalars_follow_the_yaml_1_2_core_schema(text: str, value: object) -> None:
    doc, _ = read_yaml(f"a: {text}\nb: [{text}]\nc: '{text}'\n")
    assert doc["a"] == value and type(doc["a"]) is type(value)
    assert doc["b"] == [value]
    assert doc["c"] == text, "a quoted scalar is always text"


def test_nan_is_a_float_and_nothing_is_null() -> None:
    doc, _ = read_yaml("a: .nan\nb:\n")
    assert math.isnan(doc["a"]) and doc["b"] is None


def test_an_integer_longer_than_python_reads_stays_text() -> None:
    digits = "9" * 5000
    doc, _ = read_yaml(f"a: {digits}\n")
    assert doc["a"] == digits


def test_every_key_and_item_has_its_line() -> None:
    text = "deck: d\ncards:\n  - id: a\n    effects:\n      - {who: type:x, delta: 1}\n  - id: b\nmap: {k: [1,\n  2]}\n"
    doc, lines = read_yaml(text)
    assert doc == {
        "deck": "d",
        "cards": [{"id": "a", "effects": [{"who": "type:x", "delta": 1}]}, {"id": "b"}],
        "map": {"k": [1, 2]},
    }
    assert lines[("deck",)] == 1
    assert lines[("cards",)] == 2
    assert lines[("cards", 0)] == 3 and lines[("cards", 0, "id")] == 3
    assert lines[("cards", 0, "effects", 0)] == 5 and lines[("cards", 0, "effects", 0, "delta")] == 5
    assert lines[("cards", 1, "id")] == 6
    assert lines[("map", "k", 1)] == 8


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\nb:\n\tc: 2\n", 3, "cannot start any token"),
        ("a: [1, 2\nb: 3\n", 2, "expected ',' or ']'"),
        ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a' (it is also on line 1)"),
        ("cards:\n  - {id: x, id: y}\n", 2, "duplicate key 'id'"),
        ("a: *nowhere\n", 1, "unknown alias *nowhere"),
        ("a: &loop [1, *loop]\n", 1, "alias *loop stands inside its own anchor"),
        ("a: &a [1, 2]\nb: &b [*a, *a]\nc: [*b, *b]\n", 3, "alias *b names a value that holds aliases"),
        ("a: !!int 3\n", 1, "tag tag:yaml.org,2002:int is not allowed"),
        ("a: !thing {b: 1}\n", 1, "tag !thing is not allowed"),
        ("? [a, b]\n: 1\n", 1, "a key must be a single value"),
        ("a: 1\n---\nb: 2\n", 2, "expected one document"),
        ("a: 1\nb: \x01\n", 2, "characters are not allowed"),
    ],
)
def test_broken_text_is_refused_with_its_line(text: str, line: int, words: str) -> None:
    with pytest.raises(YamlError) as caught:
        read_yaml(text)
    assert caught.value.line == line
    assert words in caught.value.message


def test_aliases_share_their_anchor() -> None:
    doc, _ = read_yaml("base: &b {who: global, delta: 1}\nmore: &m [*b, *b]\nword: &w x\nmost: [*w, *b]\n")
    assert doc["more"] == [doc["base"], doc["base"]] and doc["most"] == ["x", doc["base"]]
