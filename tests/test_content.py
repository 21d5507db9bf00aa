"""Content tests: the shipped decks and scenarios, `file:line: field: message` errors, a teacher's folder."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from negotiate.content import Content, ContentError, load_content, shipped_root
from negotiate.content.reader import read_yaml
from negotiate.engine import Game
from tests.conftest import edit, line_of, one, play_random, problems

SHIPPED = shipped_root()

DESIGN_TERMS = {
    "legal_pathway",
    "skill_partnership",
    "readmission",
    "border_enforcement",
    "payment",
    "fair_recruitment",
    "no_child_detention",
    "trafficking_cooperation",
    "reciprocal_mobility",
    "investment_residence",
    "data_sharing",
    "global_compact",
    "binding_convention",
}

# --- the shipped content -------------------------------------------------------------------


def test_shipped_content_counts(content: Content) -> None:
    counts = content.counts()
    assert counts["shock"] >= 24
    assert counts["trend"] >= 12
    assert counts["term"] >= 13
    assert counts["seat"] == 6
    assert counts["scenario"] >= 3
    assert counts["agenda"] == len(content.agendas)
    per_type = Counter(card.seat_type for card in content.agendas.values())
    assert set(per_type) == set(content.seat_types)
    assert all(n >= 2 for n in per_type.values()), per_type


def test_shipped_scenarios(content: Content) -> None:
    assert {"compact-2030", "crisis-2015", "classroom"} <= set(content.scenarios)
    defaults = [s.id for s in content.scenarios.values() if s.default]
    assert defaults == ["compact-2030"]
    assert content.scenario().id == "compact-2030"
    compact = content.scenario("compact-2030")
    assert len(compact.seats) >= 6
    assert (compact.years[0], compact.years[-1]) == (2018, 2030)
    assert "transit" in {seat.type for seat in content.scenario("crisis-2015").seats}
    assert len(content.scenario("classroom").seats) == 4
    with pytest.raises(KeyError, match="no scenario 'atlantis'"):
        content.scenario("atlantis")


def test_shipped_scenarios_use_only_shipped_decks(content: Content) -> None:
    for scenario in content.scenarios.values():
        for deck in scenario.decks.shocks + scenario.decks.trends + scenario.decks.agendas + scenario.decks.terms:
            assert deck in content.decks, (scenario.id, deck)
        for seat in scenario.seats:
            assert seat.type in content.seat_types, (scenario.id, seat.id)


def test_term_catalogue_holds_the_design_brief(content: Content) -> None:
    missing = DESIGN_TERMS - set(content.terms)
    assert not missing, f"terms of the design brief missing from the catalogue: {sorted(missing)}"


def test_some_shocks_open_windows_and_some_do_not(content: Content) -> None:
    windows = [card.id for card in content.shocks.values() if card.window]
    assert windows
    assert len(windows) < len(content.shocks)


def test_every_card_has_text(content: Content) -> None:
    for kind in (content.shocks, content.trends, content.agendas, content.terms):
        for card_id, card in kind.items():
            assert card.text.strip(), f"{card_id} has no text"
            assert card.name.strip(), f"{card_id} has no name"


def test_an_untouched_copy_loads_like_the_shipped_content(folder: Path, content: Content) -> None:
    copy = load_content(folder)
    assert copy.root == folder
    assert copy.counts() == content.counts()


def test_missing_folder_is_a_content_error(tmp_path: Path) -> None:
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path / "nope")
    assert str(tmp_path / "nope") in str(caught.value)
    assert "no such content folder" in str(caught.value)


# --- bad files: path:line: field: message -------------------------------------------------


def test_paths_outside_the_working_directory_are_shown_in_full(tmp_path: Path) -> None:
    root = tmp_path / "elsewhere"
    shutil.copytree(SHIPPED / "decks", root / "decks")
    shutil.copytree(SHIPPED / "rules", root / "rules")
    line = edit(root, "decks/shocks.yaml", "    window: true\n", "    window: often\n")
    with pytest.raises(ContentError) as caught:
        load_content(root)
    shown = [str(p) for p in caught.value.problems]
    one(shown, f"{root / 'decks' / 'shocks.yaml'}:{line}: cards[0].window: ", "boolean")


def test_unknown_key(folder: Path) -> None:
    line = edit(folder, "decks/shocks.yaml", "    window: true\n", "    window: true\n    colour: red\n")
    one(problems(folder), f"decks/shocks.yaml:{line + 1}: cards[0].colour: ", "unknown key")


def test_missing_required_field(folder: Path) -> None:
    card = line_of(folder, "decks/shocks.yaml", "  - id: war_in_the_provinces\n")
    edit(folder, "decks/shocks.yaml", "    name: War Comes to the Provinces\n", "")
    # the field is gone, so the problem points at the card that lacks it
    one(problems(folder), f"decks/shocks.yaml:{card}: cards[0].name: ", "required", "missing")


def test_wrong_type(folder: Path) -> None:
    line = edit(folder, "decks/shocks.yaml", "    window: true\n", "    window: often\n")
    one(problems(folder), f"decks/shocks.yaml:{line}: cards[0].window: ", "valid boolean")


def test_yaml_syntax_error_names_the_line_of_the_break(folder: Path) -> None:
    line = edit(folder, "decks/shocks.yaml", "    window: true\n", "   window: true\n")
    one(problems(folder), f"decks/shocks.yaml:{line}: not valid YAML")


def test_a_duplicate_key_names_both_lines(folder: Path) -> None:
    line = edit(folder, "decks/shocks.yaml", "    window: true\n", "    window: true\n    severity: 2\n")
    found = problems(folder)
    # the card's own `severity: 3` now follows the one written in above it
    one(
        found, f"decks/shocks.yaml:{line + 2}: not valid YAML: duplicate key 'severity' (it is also on line {line + 1})"
    )
    assert len(found) == 1, found


def test_file_whose_top_is_a_list(folder: Path) -> None:
    (folder / "rules/seats/broken.yaml").write_text("- id: a\n- id: b\n", encoding="utf-8")
    found = problems(folder)
    one(found, "rules/seats/broken.yaml:1: ", "expected a mapping")
    assert len(found) == 1, found


def test_unknown_track_in_an_effect(folder: Path) -> None:
    line = edit(
        folder,
        "decks/shocks.yaml",
        "{who: target, track: cohesion, delta: -3",
        "{who: target, track: happiness, delta: -3",
    )
    found = problems(folder)
    one(found, f"decks/shocks.yaml:{line}: cards[0].effects[0].track: ", "'happiness'", "sending")
    assert len(found) == 1, found


def test_unknown_seat_type_in_a_scenario(folder: Path) -> None:
    line = edit(folder, "rules/scenarios/classroom.yaml", "    type: receiving\n", "    type: empire\n")
    one(
        problems(folder),
        f"rules/scenarios/classroom.yaml:{line}: seats[0].type: ",
        "unknown seat type 'empire'",
        "receiving",
    )


def test_scenario_naming_a_missing_deck(folder: Path) -> None:
    line = edit(folder, "rules/scenarios/classroom.yaml", "  shocks: [core-shocks]", "  shocks: [no-such-deck]")
    found = problems(folder)
    one(found, f"rules/scenarios/classroom.yaml:{line}: decks.shocks[0]: ", "'no-such-deck'", "core-shocks")
    assert len(found) == 1, found


def test_scenario_naming_a_deck_of_the_wrong_kind(folder: Path) -> None:
    line = edit(folder, "rules/scenarios/classroom.yaml", "  shocks: [core-shocks]", "  shocks: [core-trends]")
    found = problems(folder)
    one(found, f"rules/scenarios/classroom.yaml:{line}: decks.shocks[0]: ", "trend cards, not shock cards")
    assert len(found) == 1, found


def test_deck_file_of_an_unknown_kind(folder: Path) -> None:
    edit(folder, "decks/trends.yaml", "kind: trend\n", "kind: weather\n")
    found = problems(folder)
    hit = [p for p in found if p.startswith("decks/trends.yaml:")]
    assert len(hit) == 1, found
    assert "'weather'" in hit[0] and "'shock'" in hit[0] and "'term'" in hit[0]


def test_deck_file_of_an_unknown_kind_points_at_the_kind(folder: Path) -> None:
    line = edit(folder, "decks/trends.yaml", "kind: trend\n", "kind: weather\n")
    one(problems(folder), f"decks/trends.yaml:{line}: kind: ", "'weather'")


def test_card_id_duplicated_across_two_deck_files(folder: Path) -> None:
    (folder / "decks/teacher-shocks.yaml").write_text(
        "deck: teacher-shocks\n"
        "kind: shock\n"
        "cards:\n"
        "  - id: war_in_the_provinces\n"
        "    name: Another war\n"
        "    text: The same id as a shipped card.\n"
        "    strikes: all\n",
        encoding="utf-8",
    )
    found = problems(folder)
    one(
        found,
        "decks/teacher-shocks.yaml:4: cards[0].id: ",
        "'war_in_the_provinces' is defined twice",
        "decks/shocks.yaml",
    )
    assert len(found) == 1, found


def test_corridor_naming_a_missing_seat(folder: Path) -> None:
    line = edit(folder, "rules/scenarios/classroom.yaml", "{origin: zanoka,", "{origin: narnia,")
    found = problems(folder)
    one(found, f"rules/scenarios/classroom.yaml:{line}: corridors[0].origin: ", "unknown seat 'narnia'", "zanoka")
    assert len(found) == 1, found


def test_corridor_between_non_states(folder: Path) -> None:
    line = edit(
        folder, "rules/scenarios/classroom.yaml", "destination: aldermark, transit", "destination: open_hands, transit"
    )
    found = problems(folder)
    one(found, f"rules/scenarios/classroom.yaml:{line}: corridors[0].destination: ", "'open_hands' is not a state")
    assert len(found) == 1, found


def test_track_start_outside_its_bounds_in_a_scenario(folder: Path) -> None:
    line = edit(
        folder,
        "rules/scenarios/classroom.yaml",
        "crisis: {label: Crisis pressure, start: 5",
        "crisis: {label: Crisis pressure, start: 25",
    )
    found = problems(folder)
    one(found, f"rules/scenarios/classroom.yaml:{line}: global_tracks.crisis: ", "start 25", "max 20")
    assert len(found) == 1, found


def test_track_start_outside_its_bounds_in_a_seat_type(folder: Path) -> None:
    line = edit(folder, "rules/seats/receiving.yaml", "start: 20, min: 0, max: 40", "start: 50, min: 0, max: 40")
    one(problems(folder), f"rules/seats/receiving.yaml:{line}: tracks.budget: ", "start 50", "max 40")


def test_scoring_rule_naming_an_unknown_stat(folder: Path) -> None:
    line = edit(folder, "decks/agendas.yaml", "stat: irregular_in", "stat: smiles")
    found = problems(folder)
    one(found, f"decks/agendas.yaml:{line}: cards[0].scoring[0].stat: ", "unknown stat 'smiles'", "irregular_in")
    assert len(found) == 1, found


def test_effect_times_naming_a_missing_parameter(folder: Path) -> None:
    line = edit(
        folder,
        "decks/terms.yaml",
        "{who: giver, track: budget, delta: -1, times: trainees",
        "{who: giver, track: budget, delta: -1, times: students",
    )
    found = problems(folder)
    one(found, f"decks/terms.yaml:{line}: cards[1].effects[0].times: ", "unknown parameter 'students'", "trainees")
    assert len(found) == 1, found


def test_a_field_of_a_scoring_rule_named_like_its_kind(folder: Path) -> None:
    # pydantic names the rule's kind in the error's path; `kind: track` also has a key `track`
    rel = "rules/seats/transit.yaml"
    line = edit(folder, rel, "{kind: track, track: budget, weight: 0.5", "{kind: track, track: [budget], weight: x")
    found = problems(folder)
    one(found, f"{rel}:{line}: objective.scoring[0].track: ", "string")
    one(found, f"{rel}:{line}: objective.scoring[0].weight: ", "number")
    assert len(found) == 2, found


def test_target_in_a_shock_that_strikes_all(folder: Path) -> None:
    struck_by_all = "    strikes: all\n    severity: 1\n    effects:\n      - {who: type:sending, track: remittances"
    line = edit(
        folder,
        "decks/shocks.yaml",
        struck_by_all,
        struck_by_all.replace("{who: type:sending,", "{who: target,"),
    )
    found = problems(folder)
    hit = one(found, f"decks/shocks.yaml:{line + 3}: cards[", "'target' cannot be used here", "global")
    assert ".effects[0].who: " in hit
    assert len(found) == 1, found


def test_all_errors_are_reported_together(folder: Path) -> None:
    shock = edit(
        folder,
        "decks/shocks.yaml",
        "{who: target, track: cohesion, delta: -3",
        "{who: target, track: happiness, delta: -3",
    )
    corridor = edit(folder, "rules/scenarios/classroom.yaml", "{origin: zanoka,", "{origin: narnia,")
    stat = edit(folder, "decks/agendas.yaml", "stat: irregular_in", "stat: smiles")
    syntax = edit(folder, "rules/scenarios/crisis-2015.yaml", "minutes: 120\n", "minutes: [120\n")
    found = problems(folder)
    one(found, f"decks/shocks.yaml:{shock}: cards[0].effects[0].track: ")
    one(found, f"rules/scenarios/classroom.yaml:{corridor}: corridors[0].origin: ")
    one(found, f"decks/agendas.yaml:{stat}: cards[0].scoring[0].stat: ")
    one(found, "rules/scenarios/crisis-2015.yaml:", "not valid YAML")
    assert syntax > 0
    assert len(found) == 4, found


# --- follow-on errors (bugs: one mistake should not be blamed on correct files) -----------


def test_one_bad_card_is_not_blamed_on_the_scenarios(folder: Path) -> None:
    edit(folder, "decks/shocks.yaml", "    window: true\n", "    window: true\n    colour: red\n")
    found = problems(folder)
    assert all(p.startswith("decks/shocks.yaml:") for p in found), found


def test_one_bad_seat_file_is_not_blamed_on_every_deck(folder: Path) -> None:
    edit(folder, "rules/seats/receiving.yaml", "start: 20, min: 0, max: 40", "start: 50, min: 0, max: 40")
    found = problems(folder)
    assert all(p.startswith("rules/seats/receiving.yaml:") for p in found), found


def test_unknown_giver_is_reported_once_and_clearly(folder: Path) -> None:
    line = edit(
        folder,
        "decks/terms.yaml",
        "    givers: [receiving]\n    receivers: [sending, transit]\n",
        "    givers: [empire]\n    receivers: [sending, transit]\n",
    )
    found = problems(folder)
    one(found, f"decks/terms.yaml:{line}: cards[0].givers[0]: ", "unknown seat type 'empire'")
    assert not [p for p in found if "seat type  " in p], found
    assert len(found) == 1, found


def test_unknown_seat_type_is_not_also_called_a_non_state(folder: Path) -> None:
    edit(folder, "rules/scenarios/classroom.yaml", "    type: receiving\n", "    type: empire\n")
    found = problems(folder)
    assert len(found) == 1, found


# --- a teacher's own content folder ---------------------------------------------------------

TEACHER_SHOCKS = """\
# A teacher's own shock card, in a deck file of its own.
deck: teacher-shocks
kind: shock
cards:
  - id: school_strike
    name: The School Strike
    text: >-
      Students in a sending state walk out of class: there are no jobs waiting for them. Its
      cohesion falls by 1, crisis pressure rises by 1, and some of them leave (surge 1).
    strikes: sending
    window: true
    effects:
      - {who: target, track: cohesion, delta: -1, note: students on the streets}
      - {who: global, track: crisis, delta: 1, note: a generation without work}
    corridors:
      - {match: {origin: target}, surge: 1}
"""


def _teacher_scenario(folder: Path) -> None:
    data, _ = read_yaml((folder / "rules/scenarios/compact-2030.yaml").read_text(encoding="utf-8"))
    dropped = {"valmark", "meridian", "atlas"}
    data["id"] = "two-routes"
    data["name"] = "Two Routes (a teacher's scenario)"
    data["default"] = False
    data["minutes"] = 90
    data["years"] = [2024, 2026, 2028]
    data["seats"] = [seat for seat in data["seats"] if seat["id"] not in dropped]
    data["corridors"] = [
        c for c in data["corridors"] if not {c["origin"], c["destination"], c.get("transit")} & dropped
    ]
    data["decks"]["shocks"] = ["core-shocks", "teacher-shocks"]
    with (folder / "rules/scenarios/two-routes.yaml").open("w", encoding="utf-8") as out:
        yaml.safe_dump(data, out, sort_keys=False)


def test_teacher_folder_with_a_new_scenario_and_shock_plays_to_the_end(folder: Path, content: Content) -> None:
    _teacher_scenario(folder)
    (folder / "decks/teacher-shocks.yaml").write_text(TEACHER_SHOCKS, encoding="utf-8")
    mine = load_content(folder)
    assert "two-routes" in mine.scenarios
    assert mine.scenario().id == "compact-2030", "the teacher's scenario must not become the default"
    assert "school_strike" in mine.shocks
    assert mine.shocks["school_strike"].window
    assert "two-routes" not in content.scenarios and "school_strike" not in content.shocks
    scenario = mine.scenario("two-routes")
    assert len(scenario.seats) == 5
    for seed in (1, 2):
        game = Game(mine, "two-routes", seed)
        assert sorted(game.table.order) == sorted(seat.id for seat in scenario.seats)
        assert "school_strike" in game.state.shock_pile
        play_random(game, seed)
        assert game.is_over
        assert game.state.phase == "game_over"
        assert set(game.state.scores) == set(game.table.order)


def test_content_is_cached_but_every_edit_is_read_afresh(folder: Path) -> None:
    from negotiate.content import cache

    first = load_content(folder)
    assert list(cache.folder().glob("content-*.pickle")), "checked content is cached"
    assert load_content(folder) == first
    scenario = folder / "rules" / "scenarios" / "classroom.yaml"
    text = scenario.read_text(encoding="utf-8")
    scenario.write_text(text.replace("beats: 16", "beats: 17"), encoding="utf-8")  # same size, same moment
    assert load_content(folder).scenarios["classroom"].rules.beats == 17
    scenario.write_text(text.replace("beats: 16", "beats: lots"), encoding="utf-8")
    with pytest.raises(ContentError):
        load_content(folder)
    with pytest.raises(ContentError):  # a broken folder is never cached
        load_content(folder)
