"""Batches shared by the Monte Carlo tests (each made once per session, in a temp dir)."""

from __future__ import annotations

import pytest

from wargame.montecarlo.runner import monte_carlo


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
