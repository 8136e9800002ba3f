"""Plot labels come from the batch's scenario (names and units), and fall back to ids."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from wargame.montecarlo.analysis import compare
from wargame.montecarlo.labels import labels_for
from wargame.montecarlo.plots import comparison_chart, fan_chart
from wargame.montecarlo.results import Results


def test_labels_name_indicators_and_outcomes_with_units(ladder_batches):
    labels = labels_for(ladder_batches[0])
    assert labels.indicator("trade_openness") == "Trade openness (share)"
    assert labels.outcome("mean_openness") == "Trade openness, mean over the game (share)"
    assert labels.outcome("peak_tension") == "Strait tension, highest"
    assert labels.outcome("crises") == "crisis threshold events (count a run)"
    assert labels.outcome("first_cut_off") == "first kill switch (week)"


def test_labels_fall_back_to_ids_when_the_scenario_is_gone(ladder_batches, tmp_path):
    copy = tmp_path / "moved"
    shutil.copytree(ladder_batches[0].path, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["scenario"]["source"] = str(tmp_path / "deleted.yaml")
    (copy / "manifest.json").write_text(json.dumps(manifest))
    moved = Results(copy)
    labels = labels_for(moved)
    assert labels.indicator("tension") == "tension" and labels.outcome("crises") == "crises"
    path = fan_chart([moved], "tension", tmp_path / "fan.png")  # still plots, with ids
    assert path.read_bytes()[:4] == b"\x89PNG"


def test_compare_as_shares_differences_the_frequency_above_zero(ladder_batches, tmp_path):
    base, variant, _ = ladder_batches
    row = next(r for r in compare([base, variant], shares={"crises"}) if r.outcome == "crises")
    a = np.array(base.outcomes.column("crises").to_pylist(), dtype=float)
    b = np.array(variant.outcomes.column("crises").to_pylist(), dtype=float)
    assert row.paired
    assert row.baseline_mean == pytest.approx(float((a > 0).mean()))
    assert row.difference == pytest.approx(float((b > 0).mean() - (a > 0).mean()))
    chart = comparison_chart([base, variant], tmp_path / "c.png", ["crises"], shares={"crises"})
    assert chart.stat().st_size > 5_000


def test_plots_are_the_same_bytes_twice(ladder_batches, tmp_path):
    base, variant, _ = ladder_batches
    first = comparison_chart([base, variant], tmp_path / "a.png")
    second = comparison_chart([base, variant], tmp_path / "b.png")
    assert first.read_bytes() == second.read_bytes()
    fans = [fan_chart([base, variant], "tension", tmp_path / f"fan{n}.png") for n in (1, 2)]
    assert fans[0].read_bytes() == fans[1].read_bytes()
