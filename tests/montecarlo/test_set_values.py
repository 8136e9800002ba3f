"""``--set PATH=VALUE`` reads the value with the project's YAML reader: no aliases, no deep
nesting, YAML 1.2 core scalars; a value the engine refuses fails fast, naming the path."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from wargame.errors import ScenarioError
from wargame.montecarlo.overrides import parse_assignment

LAUGHS = ("[&a [x, x, x, x, x, x, x, x, x], &b [*a, *a, *a, *a, *a, *a, *a, *a, *a], "
          "&c [*b, *b, *b, *b, *b, *b, *b, *b, *b], &d [*c, *c, *c, *c, *c, *c, *c, *c, *c], "
          "&e [*d, *d, *d, *d, *d, *d, *d, *d, *d], &f [*e, *e, *e, *e, *e, *e, *e, *e, *e], "
          "&g [*f, *f, *f, *f, *f, *f, *f, *f, *f], &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]]")


def test_aliases_and_deep_nesting_are_refused_with_the_path(tmp_path):
    with pytest.raises(ScenarioError) as caught:
        parse_assignment(f"meta.name={LAUGHS}")
    assert "--set meta.name" in str(caught.value) and "aliases" in str(caught.value)
    with pytest.raises(ScenarioError) as caught:
        parse_assignment("meta.name=" + "[" * 5000 + "]" * 5000)
    assert "--set meta.name" in str(caught.value) and "nested" in str(caught.value)
    with pytest.raises(ScenarioError, match=r"--set meta\.name"):
        parse_assignment("meta.name=[1, 2")


def test_the_command_refuses_them_without_a_crash(tmp_path):
    for value in (f"meta.name={LAUGHS}", "meta.name=" + "[" * 5000 + "]" * 5000):
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "wargame", "mc", "escalation-ladder",
                               "--runs", "2", "--jobs", "1", "--out", str(tmp_path / "b"),
                               "--quiet", "--set", value], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 1, done.stderr
        assert "internal error" not in done.stderr and "--set meta.name" in done.stderr
        assert time.monotonic() - started < 20
        assert not (tmp_path / "b").exists()


def test_values_are_yaml_1_2_core_scalars():
    assert parse_assignment("meta.name=1:30") == ("meta.name", "1:30")
    assert parse_assignment("meta.name=yes") == ("meta.name", "yes")
    assert parse_assignment("rules.r.probability=0.4") == ("rules.r.probability", 0.4)
    assert parse_assignment("meta.tick_weeks=1e-3") == ("meta.tick_weeks", 1e-3)
    assert parse_assignment("injects[2].at_week=30") == ("injects[2].at_week", 30)
    assert parse_assignment("x.y=[1, 2]") == ("x.y", [1, 2])
    assert parse_assignment("x.y=") == ("x.y", None)
    assert parse_assignment("x.y=a=b") == ("x.y", "a=b")


def test_a_tiny_tick_fails_fast_naming_the_field(tmp_path):
    """Relies on the engine refusing scenarios with too many ticks at validation."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "wargame", "mc", "escalation-ladder",
                           "--runs", "2", "--jobs", "1", "--out", str(tmp_path / "b"), "--quiet",
                           "--set", "meta.tick_weeks=1e-300"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert time.monotonic() - started < 30
    assert done.returncode == 1, done.stderr
    assert "meta.tick_weeks" in done.stderr and "internal error" not in done.stderr


def test_a_list_item_of_the_embedded_world_can_be_named_by_its_id():
    """--set into the world by id, not by position: nodes by id, edges and stocks by their edge."""
    from wargame import load_scenario
    from wargame.errors import ScenarioError
    from wargame.montecarlo.overrides import apply_overrides

    scenario = load_scenario("status-quo-2022")
    changed = apply_overrides(scenario, {
        "economy.world.edges[tw_foundry->us_chip_design].essential": 0.7,
        "economy.world.stocks[row_energy->tw_energy].weeks": 5,
        "economy.world.nodes[tw_foundry].value_added_share": 0.5})
    world = changed.economy.world
    assert [e.essential for e in world.edges if e.id == "tw_foundry->us_chip_design"] == [0.7]
    assert [s.weeks for s in world.stocks if s.edge == "row_energy->tw_energy"] == [5]
    assert [n.value_added_share for n in world.nodes if n.id == "tw_foundry"] == [0.5]
    with pytest.raises(ScenarioError, match="no item 'nope'"):
        apply_overrides(scenario, {"economy.world.nodes[nope].output": 1})
