"""Named policy postures: picked per run, merged into the scenario, recorded in the journal."""

from __future__ import annotations

import pytest

from tests.conftest import SCENARIOS
from wargame import Game, ScenarioError, load_scenario, with_postures


def test_a_posture_replaces_and_removes_rules_and_adds_injects(ladder):
    restrained = with_postures(ladder, ["us-restraint"])
    assert "us_tightens" not in restrained.rules and "us_signals_back" in restrained.rules
    assert restrained.applied_postures == ["us-restraint"]
    pressure = with_postures(ladder, ["cn-pressure"])
    assert pressure.rules["cn_retaliates"].move.params == {"severity": 1.0}
    assert len(pressure.injects) == len(ladder.injects) + 1
    assert ladder.applied_postures == [] and "us_tightens" in ladder.rules  # unchanged


def test_a_posture_changes_what_happens_and_replays_from_its_journal(ladder):
    scenario = with_postures(ladder, ["us-restraint", "cn-pressure"])
    game = Game(scenario, seed=4)
    game.run()
    assert not any(e.cause.ref == "us_tightens" for e in game.events())
    week_20 = [e for e in game.events() if e.cause.kind == "inject" and e.week == 20]
    assert [e.kind for e in week_20] == ["strait_patrol"]
    again = Game.replay(game.journal)
    assert again.scenario.applied_postures == ["us-restraint", "cn-pressure"]
    assert again.journal.text() == game.journal.text()


def test_postures_are_checked(ladder):
    with pytest.raises(ScenarioError, match=r"unknown posture 'nope' \(expected one of: "
                                            r"us-restraint, cn-pressure\)"):
        with_postures(ladder, ["nope"])
    with pytest.raises(ScenarioError, match="already has posture 'us-restraint'"):
        with_postures(with_postures(ladder, ["us-restraint"]), ["us-restraint"])


def test_a_posture_rule_for_another_team_is_an_error_at_load(tmp_path):
    text = (SCENARIOS / "escalation-ladder.yaml").read_text(encoding="utf-8")
    bad = text.replace("      us_signals_back:\n        team: us",
                       "      us_signals_back:\n        team: cn")
    path = tmp_path / "bad.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert "postures.us-restraint.rules.us_signals_back.team: must be the posture's team 'us' " \
           "(got 'cn')" in str(info.value)
