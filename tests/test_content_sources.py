"""Content from memory (`load_sources`), as a save that carries its content will read it: the
same checks as a folder, one digest for the same texts wherever they lie."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from negotiate.content import Content, ContentError, load_content, load_sources, shipped_root


def test_content_keeps_the_text_of_every_yaml_file_it_read(content: Content) -> None:
    root = shipped_root()
    on_disk = {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for folder in ("decks", "rules/seats", "rules/scenarios")
        for path in (root / folder).glob("*.yaml")
    }
    assert content.sources == on_disk
    assert {"decks/shocks.yaml", "rules/seats/ngo.yaml", "rules/scenarios/classroom.yaml"} <= set(content.sources)
    assert len(content.digest) >= 16 and int(content.digest, 16) >= 0


def test_content_from_its_sources_is_the_same_content(content: Content) -> None:
    again = load_sources(content.sources, "x")
    assert again.root == Path("x")
    assert again.digest == content.digest and again.sources == content.sources
    assert again.scenarios == content.scenarios and again.seat_types == content.seat_types
    assert (again.shocks, again.trends, again.agendas, again.terms) == (
        content.shocks,
        content.trends,
        content.agendas,
        content.terms,
    )
    assert again.decks == content.decks


def test_the_digest_is_the_same_wherever_the_content_lies(content: Content, tmp_path: Path) -> None:
    for name in ("one", "two"):
        shutil.copytree(shipped_root() / "decks", tmp_path / name / "decks")
        shutil.copytree(shipped_root() / "rules", tmp_path / name / "rules")
    assert load_content(tmp_path / "one").digest == load_content(tmp_path / "two").digest == content.digest


def test_a_changed_text_has_another_digest(content: Content) -> None:
    changed = dict(content.sources)
    changed["rules/scenarios/classroom.yaml"] = changed["rules/scenarios/classroom.yaml"].replace(
        "beats: 16", "beats: 17"
    )
    other = load_sources(changed, "x")
    assert other.digest != content.digest
    assert other.scenario("classroom").rules.beats == 17
    renamed = {("decks/more-shocks.yaml" if k == "decks/shocks.yaml" else k): v for k, v in content.sources.items()}
    assert load_sources(renamed, "x").digest != content.digest


def test_problems_in_sources_name_the_label_and_the_line(content: Content) -> None:
    broken = dict(content.sources)
    text = broken["decks/shocks.yaml"]
    line = text[: text.index("    window: true\n")].count("\n") + 1
    broken["decks/shocks.yaml"] = text.replace("    window: true\n", "    window: often\n", 1)
    broken["rules/notes.yaml"] = "a: 1\n"
    with pytest.raises(ContentError) as caught:
        load_sources(broken, "saved")
    found = [str(p) for p in caught.value.problems]
    assert len(found) == 2, found
    assert found[0].startswith(f"saved/decks/shocks.yaml:{line}: cards[0].window: ")
    assert found[1].startswith("saved/rules/notes.yaml: not a content file")


def test_content_from_sources_is_cached_by_its_digest(content: Content) -> None:
    from negotiate.content import cache

    load_sources(content.sources, "x")
    kept = {path.name for path in cache.folder().glob("content-*.pickle")}
    assert load_sources(content.sources, "elsewhere").root == Path("elsewhere")
    assert {path.name for path in cache.folder().glob("content-*.pickle")} == kept
