"""Loading scenarios: the shipped library, extends merging, numbers that cannot be journalled."""

from __future__ import annotations

import pytest

import wargame
from tests.conftest import SCENARIOS, TINY
from wargame import ScenarioError


@pytest.mark.parametrize("name", wargame.shipped_scenarios())
def test_every_shipped_scenario_loads_by_name_and_by_path(name):
    by_name = wargame.load_scenario(name)
    by_path = wargame.load_scenario(SCENARIOS / f"{name}.yaml")
    assert wargame.scenario_hash(by_name) == wargame.scenario_hash(by_path)
    assert by_name.meta.description and by_name.meta.sources


def test_extends_merges_mappings_replaces_values_and_null_removes(ladder):
    variant = wargame.load_scenario(SCENARIOS / "escalation-ladder-pessimistic.yaml")
    assert variant.indicators["tension"].initial == 0.45
    assert variant.indicators["tension"].max == ladder.indicators["tension"].max  # merged
    assert variant.rules["cn_retaliates"].move.params == {"severity": 0.7}
    assert variant.rules["cn_retaliates"].when == ladder.rules["cn_retaliates"].when
    assert "cn_stands_down" not in variant.rules
    assert variant.injects == ladder.injects
    assert variant.extends is None  # resolved


def test_an_error_in_a_value_set_by_the_base_points_into_the_base(tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text(TINY.replace("horizon_weeks: 12", "horizon_weeks: 2"), encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nmeta:\n  name: Child\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        wargame.load_scenario(child)
    assert str(info.value) == (f"{tmp_path / 'base.yaml'}:5: meta.horizon_weeks: must be at "
                               "least one turn (4 weeks) (got 2)")
    child.write_text("extends: base.yaml\nmeta:\n  horizon_weeks: 3\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"child.yaml:3: meta.horizon_weeks"):
        wargame.load_scenario(child)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("level: {initial: 0.0,", "level: {initial: .nan,",
     "t.yaml:29: indicators.level.initial: must be a finite number (got NaN)"),
    ("horizon_weeks: 12", "horizon_weeks: .inf",
     "t.yaml:5: meta.horizon_weeks: must be a finite number (got Infinity)"),
])
def test_numbers_that_are_not_finite_are_refused(old, new, message):
    with pytest.raises(ScenarioError) as info:
        wargame.load_scenario_text(TINY.replace(old, new), "t.yaml")
    assert str(info.value) == message


def test_a_non_finite_move_parameter_is_refused():
    game = wargame.Game(wargame.load_scenario_text(TINY, "t.yaml"))
    with pytest.raises(wargame.MoveError, match=r"move.params.by: must be a finite number"):
        game.submit({"team": "us", "kind": "raise_level", "params": {"by": float("nan")}})


def test_a_file_loaded_again_unchanged_is_not_parsed_again_and_any_change_is_seen(tmp_path):
    """Loads are remembered by the content of every file read (the file, its bases): a batch
    per posture reads the library's base once, and an edit is seen however fast it follows."""
    base = tmp_path / "base.yaml"
    base.write_text((SCENARIOS / "escalation-ladder.yaml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("extends: base.yaml\nindicators:\n  tension: {initial: 0.25}\n",
                     encoding="utf-8")
    first = wargame.load_scenario(child)
    assert wargame.load_scenario(child) is first
    child.write_text("extends: base.yaml\nindicators:\n  tension: {initial: 0.35}\n",
                     encoding="utf-8")  # the same size, at once: a new content
    edited = wargame.load_scenario(child)
    assert edited.indicators["tension"].initial == 0.35
    text = base.read_text(encoding="utf-8")
    base.write_text(text.replace("name:", "name: Edited", 1), encoding="utf-8")
    assert wargame.load_scenario(child).meta.name != edited.meta.name  # the base changed
    base.unlink()
    with pytest.raises(ScenarioError, match="base scenario not found"):
        wargame.load_scenario(child)
