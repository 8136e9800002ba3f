"""Plot labels come from the batch's scenario (names and units), and fall back to ids; the
showcase's charts (dates on the time axis, translucent bands under the lines, 0/1 outcomes as
shares with their interval, leverage's readings marked) checked on the figure objects."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.patches import Polygon, Rectangle

from wargame import Game, load_scenario
from wargame.montecarlo.analysis import compare, outcome_values, wilson_interval
from wargame.montecarlo.headline import OUTCOMES, SHARES
from wargame.montecarlo.labels import labels_for
from wargame.montecarlo.plots import (
    _indicator_matrix,
    band_limits,
    comparison_chart,
    distributions,
    distributions_figure,
    fan_chart,
    fan_figure,
)
from wargame.montecarlo.results import Results
from wargame.montecarlo.runner import monte_carlo
from wargame.montecarlo.showcase import FANS, NOTES, showcase
from wargame.scenario.postures import with_postures


def test_labels_name_indicators_and_outcomes_with_units(ladder_batches):
    labels = labels_for(ladder_batches[0])
    assert labels.indicator("trade_openness") == "Trade openness (share)"
    assert labels.outcome("mean_openness") == "Trade openness, mean over the game (share)"
    assert labels.outcome("peak_tension") == "Strait tension, highest"
    assert labels.outcome("crises") == "crisis threshold events (count per run)"
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


# ---- the showcase's charts, on a few replications of the base scenario -------------------------

SHOWCASE_POSTURES = ("small-yard-high-fence", "maximal-embargo", "weaponized-interdependence")


@pytest.fixture(scope="module")
def postures(tmp_path_factory):
    """The showcase's three postures, four replications each on the same seeds (~4 s); seed 8
    gives small-yard-high-fence two blockades, one answered by a cut-off and one not."""
    root = tmp_path_factory.mktemp("showcase")
    return [monte_carlo("status-quo-2022", 4, seed=8, jobs=1, out=root / posture,
                        postures=[posture], progress=False,
                        series=["leverage", "self_sufficiency"])
            for posture in SHOWCASE_POSTURES]


def _drawn(figure):
    figure.canvas.draw()  # tick labels exist once the figure is drawn
    return figure


def test_the_fan_chart_time_axis_is_in_dates_from_the_scenario_start(postures):
    figure = _drawn(fan_figure(postures, "self_sufficiency"))
    axes = figure.axes[0]
    first, last = axes.get_xlim()
    shown = [label.get_text() for tick, label in zip(axes.get_xticks(), axes.get_xticklabels(),
                                                     strict=True) if first <= tick <= last]
    assert len(shown) >= 3
    start, end = dt.date(2022, 10, 7), dt.date(2022, 10, 7) + dt.timedelta(weeks=208)
    for text in shown:  # "Jan 2023": a date, not a week number
        day = dt.datetime.strptime(text, "%b %Y").date()
        assert start <= day <= end, text
    low, high = (mdates.num2date(limit).date() for limit in (first, last))
    assert low <= start and high >= end - dt.timedelta(days=1)
    assert "2022-10-07" in axes.get_xlabel()
    plt.close(figure)


def test_fan_bands_are_translucent_under_the_lines_and_the_baseline_is_on_top(postures):
    figure = _drawn(fan_figure(postures, "self_sufficiency"))
    axes = figure.axes[0]
    bands = [c for c in axes.collections if isinstance(c, PolyCollection)]
    lines = [line for line in axes.get_lines() if line.get_label() in
             [results.label for results in postures]]
    assert len(bands) == 2 * len(postures) and len(lines) == len(postures)
    assert all(band.get_alpha() is not None and band.get_alpha() <= 0.3 for band in bands)
    assert max(band.get_zorder() for band in bands) < min(line.get_zorder() for line in lines)
    baseline = next(line for line in lines if line.get_label() == postures[0].label)
    assert baseline.get_zorder() == max(line.get_zorder() for line in lines)
    assert len({str(line.get_linestyle()) for line in lines}) == len(lines)  # told apart in grey
    legend = figure.legends[0] if figure.legends else axes.get_legend()
    texts = [text.get_text() for text in legend.get_texts()]
    assert all(results.label in texts for results in postures)
    assert any("50%" in text for text in texts) and any("90%" in text for text in texts)
    box = legend.get_window_extent()   # below the plot: it hides no band
    assert not box.overlaps(axes.get_window_extent())
    plt.close(figure)


def test_a_zero_one_outcome_is_a_share_with_its_confidence_interval(postures):
    quarantines = [outcome_values(results, "quarantines") for results in postures]
    assert all(set(values.tolist()) <= {0.0, 1.0} for values in quarantines)  # 0/1 here
    figure = _drawn(distributions_figure(postures, ["quarantines", "blockades",
                                                    "self_sufficiency"], shares={"blockades"}))
    for axes, name in zip(figure.axes, ("quarantines", "blockades"), strict=False):
        bars = [patch for patch in axes.patches if isinstance(patch, Rectangle)]
        assert len(bars) == len(postures), name        # a bar per batch, not 25 bins
        assert not [patch for patch in axes.patches if isinstance(patch, Polygon)]
        for bar, results in zip(bars, postures, strict=True):
            values = outcome_values(results, name)
            share = float((values > 0).mean())
            assert bar.get_height() == pytest.approx(share)
            low, high = wilson_interval(int((values > 0).sum()), len(values))
            assert low <= share <= high
        caps = [line for line in axes.get_lines() if len(line.get_ydata()) == 1]
        whiskers = [segment for collection in axes.collections
                    for segment in collection.get_segments()]
        assert len(whiskers) == len(postures) and caps        # an error bar on each
        spans = sorted((min(s[:, 1]), max(s[:, 1])) for s in whiskers)
        expected = sorted(wilson_interval(int((outcome_values(r, name) > 0).sum()),
                                          len(outcome_values(r, name))) for r in postures)
        assert spans == pytest.approx(expected)
        assert "share of runs" in axes.get_ylabel()
    histogram = figure.axes[2]  # a continuous outcome keeps its histogram
    assert [patch for patch in histogram.patches if isinstance(patch, Polygon)]
    plt.close(figure)


def test_the_leverage_fan_marks_its_readings_and_explains_the_last_step(postures):
    """Leverage is a counterfactual the engine re-reads every 52 weeks on this scenario (weeks
    52, 104, 156 and 208, the horizon) and holds in between, so its fan steps at those weeks;
    the last step is the reading of the crisis year, not a value lost at the horizon."""
    labels = labels_for(postures[0])
    assert labels.readings["leverage"] == (52.0, 104.0, 156.0, 208.0)
    figure = _drawn(fan_figure(postures, "leverage", labels))
    axes = figure.axes[0]
    marks = sorted(mdates.num2date(mdates.date2num(line.get_xdata()[0])).date()
                   for line in axes.get_lines() if line.get_gid() == "reading")
    assert marks == [labels.date(week) for week in (52, 104, 156, 208)]
    notes = " ".join(text.get_text() for panel in figure.axes for text in panel.texts)
    assert "re-read every 52 weeks" in notes and "held in between" in notes
    assert "week 208" in notes.replace("\n", " ")
    baseline = next(line for line in axes.get_lines() if line.get_label() == postures[0].label)
    weeks, matrix = _indicator_matrix(postures[0], "leverage")
    assert weeks[-1] == 208.0   # the last point is drawn, at its date: the median of the runs
    assert baseline.get_ydata()[-1] == pytest.approx(float(np.median(matrix[:, -1])))
    plt.close(figure)


def test_the_last_leverage_point_is_the_networks_reading_at_the_horizon():
    """The engine's value at week 208 is a full reading of the network as it stands then (the
    same number ``SupplyNetwork.leverage()`` gives on the game's final network), and leverage
    changes at the reading weeks only: not reset, not a partial tick."""
    game = Game(with_postures(load_scenario("status-quo-2022"), ["small-yard-high-fence"]),
                seed=1)
    game.run()
    path = game.history("leverage_bn")
    assert path[-1][0] == 208.0
    assert path[-1][1] == pytest.approx(game.economy.leverage(), rel=1e-12)
    index = game.history("leverage_index")
    assert index[-1][1] == pytest.approx(path[-1][1] / path[0][1], rel=1e-12)
    changed = [week for (week, value), (_, before) in zip(index[1:], index, strict=False)
               if value != before]
    assert changed == [52.0, 104.0, 156.0, 208.0]


def test_a_far_outlying_band_is_clipped_and_said_so_the_bulk_stays_readable(postures):
    """Leverage's 90% band reaches ~11 at the last reading in a blockade run without a cut-off
    while every median sits in [0, 1]: the axis shows the bulk, a note the band's reach."""
    p25, p75 = np.array([0.0, 0.4, 0.5]), np.array([1.0, 0.6, 0.5])
    assert band_limits(np.array([0.0, 0.3, 0.4]), p25, p75, np.array([1.0, 0.7, 11.7])) \
        == pytest.approx((-0.1, 2.1))              # 50% bands' range 0-1, plus that range
    assert band_limits(np.array([0.0, 0.3, 0.4]), p25, p75, np.array([1.0, 0.7, 1.9])) is None
    figure = _drawn(fan_figure(postures, "leverage"))
    axes = figure.axes[0]
    low, high = axes.get_ylim()
    tops = [float(np.nanpercentile(_indicator_matrix(results, "leverage")[1], 95, axis=0).max())
            for results in postures]
    assert tops[0] > 5 and -1 < low < 0 and high < tops[0]   # the blockade run, off the axis
    off = [text.get_text() for text in axes.texts if text.get_gid() == "off-scale"]
    assert len(off) == 1 and f"{postures[0].label}: {tops[0]:.3g} (Oct 2026)" in off[0]
    dots = [line for line in axes.get_lines() if line.get_marker() == "o"]
    assert len(dots) == len(postures)   # the horizon's reading, drawn as a point with its range
    plt.close(figure)


def test_the_showcase_draws_its_plots_in_its_workers_to_the_bytes_drawn_here(tmp_path):
    """The showcase's plots are drawn by its pool's workers while it prints the table: the
    same files as the charts drawn in this process from the same batches, listed in the
    same order (the fan charts, the distributions, the comparison)."""
    stream = io.StringIO()
    batches = showcase(3, seed=8, jobs=2, out=tmp_path / "show", progress=False,
                       stream=stream)
    listed = [line.strip() for line in stream.getvalue().splitlines()
              if line.startswith("  ") and line.strip().endswith(".png")]
    names = [f"fan-{indicator}.png" for indicator in FANS] + ["outcomes.png", "comparison.png"]
    assert [Path(line).name for line in listed] == names
    here = tmp_path / "here"
    here.mkdir()
    labels = labels_for(batches[0])
    for indicator in FANS:
        drawn = fan_chart(batches, indicator, here / f"fan-{indicator}.png", labels,
                          NOTES.get(indicator))
        assert drawn.read_bytes() == (tmp_path / "show" / "plots" / drawn.name).read_bytes()
    for drawn in (distributions(batches, here / "outcomes.png", list(OUTCOMES), labels,
                                shares=SHARES),
                  comparison_chart(batches, here / "comparison.png", list(OUTCOMES), labels,
                                   shares=SHARES)):
        assert drawn.read_bytes() == (tmp_path / "show" / "plots" / drawn.name).read_bytes()
