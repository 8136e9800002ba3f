"""The posture-robustness analysis: shares of wins add up, regret is a shortfall from the best,
and the numbers are the seed's (on the tiny scenario of test_sensitivity)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.montecarlo.conftest import run_wargame
from tests.montecarlo.test_sensitivity import tiny_scenario
from wargame.errors import WargameError
from wargame.montecarlo.robustness import robustness, winners

OUTCOMES = ["final_x:higher", "final_y:lower"]


@pytest.fixture
def tiny(tmp_path: Path) -> str:
    return tiny_scenario(tmp_path)


def test_ties_share_a_win_and_regret_is_the_shortfall_from_the_best():
    values = np.array([[1.0, 1.0, 0.0], [0.2, 0.5, 0.9]])
    credit, regret = winners(values, "higher")
    assert credit.tolist() == [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]]
    assert np.allclose(regret, [[0, 0, 1], [0.7, 0.4, 0]])
    credit, regret = winners(values, "lower")
    assert credit.tolist() == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    assert np.allclose(regret, [[1, 1, 0], [0, 0.3, 0.7]])


def test_shares_add_up_and_regret_is_zero_for_each_sets_best(tiny, tmp_path):
    result = robustness(tiny, ["push", "hold"], OUTCOMES, samples=6, runs=4, jobs=1,
                        out=tmp_path / "r", progress=False)
    assert result.quantiles.shape == (6, len(result.groups))
    for outcome in result.outcomes:
        rows = result.rows[outcome.column]
        assert sum(row.share_best for row in rows) == pytest.approx(1.0)
        values, regret = result.values[outcome.column], result.regret[outcome.column]
        assert values.shape == regret.shape == (6, 2)
        assert (regret >= 0).all()
        assert (regret.min(axis=1) == 0).all()  # the best posture of each set regrets nothing
        best = values.argmax(axis=1) if outcome.better == "higher" else values.argmin(axis=1)
        assert (regret[np.arange(6), best] == 0).all()
        for p, row in enumerate(rows):
            assert row.worst_regret == regret[:, p].max()
            assert regret[row.worst_set, p] == row.worst_regret
    # the push raises x in every set and the hold raises y: both known winners, clearly
    x = {row.posture: row for row in result.rows["final_x"]}
    y = {row.posture: row for row in result.rows["final_y"]}
    assert x["push"].share_best == 1 and x["push"].worst_regret == 0
    assert y["push"].share_best == 1 and y["hold"].mean_regret == pytest.approx(0.1)
    assert result.clear["final_x"] == 6
    lines = (tmp_path / "r" / "robustness.csv").read_text().splitlines()
    assert lines[0].startswith("outcome,better,posture,share_best") and len(lines) == 1 + 2 * 2
    sets = (tmp_path / "r" / "robustness-sets.csv").read_text().splitlines()
    assert len(sets) == 1 + 6 * 2 * 2 and "q.drives_x" in sets[0]


def test_same_seed_same_table(tiny, tmp_path):
    options = {"samples": 3, "runs": 3, "jobs": 1, "seed": 9, "progress": False}
    first = robustness(tiny, ["push", "hold"], OUTCOMES, out=tmp_path / "a", **options)
    second = robustness(tiny, ["push", "hold"], OUTCOMES, out=tmp_path / "b", **options)
    assert first.records() == second.records()
    assert first.set_records() == second.set_records()
    assert (first.quantiles == second.quantiles).all()


@pytest.mark.parametrize(("options", "message"), [
    ({"postures": ["push"]}, "at least two different postures"),
    ({"postures": ["push", "push"]}, "at least two different postures"),
    ({"postures": ["push", "nope"]}, "unknown posture 'nope'"),
    ({"postures": None}, "name the postures to compare"),
    ({"outcomes": ["final_x"]}, "say which way is better for final_x"),
    ({"samples": 1}, "samples must be a whole number ≥ 2"),
    ({"runs": 0}, "runs must be a whole number ≥ 1"),
    ({"groups": ["nope"]}, "unknown assumption group"),
])
def test_bad_arguments_are_named(tiny, tmp_path, options, message):
    arguments = {"postures": ["push", "hold"], "outcomes": OUTCOMES, "samples": 2, "runs": 1,
                 "jobs": 1, "out": tmp_path / "o", "progress": False, **options}
    with pytest.raises(WargameError, match=message):
        robustness(tiny, **arguments)


def test_the_command_prints_the_table_and_writes_the_files(tiny, tmp_path):
    out = tmp_path / "cli"
    shown = run_wargame("robustness", tiny, "--postures", "push,hold", "--samples", "3",
                        "--runs", "2", "--jobs", "1", "--outcomes", ",".join(OUTCOMES),
                        "--out", str(out), "--quiet")
    assert shown.returncode == 0, shown.stderr
    assert "share of assumption sets in which each posture is best" in shown.stdout
    assert "worst-case regret" in shown.stdout
    for name in ("robustness.csv", "robustness-sets.csv", "plots/robustness.png"):
        assert (out / name).stat().st_size > 0
    wrong = run_wargame("robustness", tiny, "--postures", "push", "--out", str(tmp_path / "x"))
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert wrong.stderr.startswith("error: postures: name at least two different postures")
