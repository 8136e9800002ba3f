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
