"""Shared fixtures: small scenarios written inline, so each test shows the whole setup."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import wargame

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"

TINY = """
meta:
  name: Tiny
  start: 2025-01-06
  horizon_weeks: 12
  turn_weeks: 4
teams:
  us:
    name: United States
    moves:
      raise_level:
        params:
          by: {type: number, min: 0, max: 1, default: 0.1}
        lag_weeks: 3
        effects: [{op: shift, indicator: level, by: {param: by}}]
      quiet:
        visible_to: [us]
        effects: [{op: shift, indicator: secret, by: 1}]
      once_only:
        max_uses: 1
      gated:
        requires: {indicator: level, op: ">=", value: 0.5}
  cn:
    name: China
    moves:
      respond:
        effects: [{op: shift, indicator: level, by: -0.05}]
indicators:
  level: {initial: 0.0, min: 0, max: 1}
  secret: {initial: 0, visible_to: [us]}
"""


def tiny(extra: str = "") -> wargame.Scenario:
    """The tiny scenario, with extra YAML sections appended (same indentation as TINY)."""
    return wargame.load_scenario_text(TINY + textwrap.dedent(extra), "tiny.yaml")


@pytest.fixture
def ladder() -> wargame.Scenario:
    return wargame.load_scenario(SCENARIOS / "escalation-ladder.yaml")
