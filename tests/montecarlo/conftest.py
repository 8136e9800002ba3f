"""Batches and helpers shared by the Monte Carlo tests (batches made once per session)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from wargame.montecarlo.results import Results
from wargame.montecarlo.runner import monte_carlo

LADDER = "escalation-ladder"

LOOPING = """
meta: {name: Sometimes loops, start: 2025-01-06, horizon_weeks: 12, turn_weeks: 4}
teams: {us: {name: US, moves: {wait: {}}}}
indicators: {x: {initial: 0, min: -5, max: 5}}
sources:
  shock: {rate_per_week: 0.06, event: {kind: shock, effects: [{op: set, indicator: x, value: 1}]}}
triggers:
  up: {indicator: x, op: ">=", value: 1, once: false,
       event: {kind: up, effects: [{op: set, indicator: x, value: 0}]}}
  down: {indicator: x, op: "<", value: 1, once: false,
         event: {kind: down, effects: [{op: set, indicator: x, value: 1}]}}
outcomes:
  final_x: {indicator: x, stat: final}
"""
"""A scenario some of whose replications loop forever through two triggers (an error row)."""


def small_batch(out: Path, runs: int = 6, **options: Any) -> Results:
    """A few quick replications of the escalation ladder in this process, two a chunk."""
    return monte_carlo(LADDER, runs, seed=2, jobs=1, out=out, chunk_size=2, progress=False,
                       **options)


def run_wargame(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real command line, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "wargame", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def ladder_batches(tmp_path_factory):
    """Two postures of escalation-ladder-like policies on the same seeds, and one on other seeds."""
    root = tmp_path_factory.mktemp("batches")
    base = monte_carlo("escalation-ladder", 40, seed=5, jobs=1, out=root / "base", progress=False)
    variant = monte_carlo("escalation-ladder", 40, seed=5, jobs=1, out=root / "variant",
                          overrides={"rules.cn_patrols.probability": 0.2}, progress=False)
    other_seed = monte_carlo("escalation-ladder", 40, seed=6, jobs=1, out=root / "other",
                             overrides={"rules.cn_patrols.probability": 0.2}, progress=False)
    return base, variant, other_seed
