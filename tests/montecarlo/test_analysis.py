"""Summaries, comparisons, designs, plots and the showcase, checked against independent numbers."""

from __future__ import annotations

import math
import statistics
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT
from wargame.montecarlo.analysis import (
    compare,
    mean_interval,
    shares_seeds,
    summarise,
    t_quantile,
    wilson_interval,
)
from wargame.montecarlo.design import design_from_args, latin_hypercube, load_design
from wargame.montecarlo.plots import plot_all


def _values(results, name):
    rows = results.outcomes.to_pylist()
    return [row[name] for row in rows if row["status"] == "ok" and row[name] is not None]


@pytest.mark.parametrize(("df", "expected"), [(1, 12.7062), (2, 4.3027), (3, 3.1824),
                                              (5, 2.5706), (10, 2.2281), (30, 2.0423),
                                              (120, 1.9799)])
def test_t_quantiles_match_the_tables(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=2e-4)
    assert t_quantile(0.025, df) == pytest.approx(-expected, abs=2e-4)


def test_wilson_interval_known_values():
    assert wilson_interval(5, 10) == pytest.approx((0.2366, 0.7634), abs=1e-4)
    low, high = wilson_interval(0, 20)
    assert low == pytest.approx(0, abs=1e-12) and high == pytest.approx(0.1611, abs=1e-4)


def test_summary_equals_numbers_computed_independently(ladder_batches):
    base = ladder_batches[0]
    rows = {row.outcome: row for row in summarise(base)}
    for name in ("final_tension", "mean_openness", "crises"):
        values = _values(base, name)
        row = rows[name]
        assert row.n == len(values)
        assert row.mean == pytest.approx(statistics.fmean(values))
        assert row.sd == pytest.approx(statistics.stdev(values))
        half = t_quantile(0.975, len(values) - 1) * statistics.stdev(values) / math.sqrt(
            len(values))
        assert (row.ci_low, row.ci_high) == pytest.approx(
            (statistics.fmean(values) - half, statistics.fmean(values) + half))
        assert row.median == pytest.approx(float(np.median(values)))
        assert row.p5 == pytest.approx(float(np.percentile(values, 5)))
    crises = _values(base, "crises")
    hits = sum(1 for value in crises if value > 0)
    assert rows["crises"].share_above_zero == pytest.approx(hits / len(crises))
    assert (rows["crises"].share_ci_low, rows["crises"].share_ci_high) == pytest.approx(
        wilson_interval(hits, len(crises)))
    assert rows["first_cut_off"].none == 40 - rows["first_cut_off"].n


def test_compare_pairs_batches_that_share_seeds_and_uses_welch_otherwise(ladder_batches):
    base, variant, other_seed = ladder_batches
    assert shares_seeds(base, variant) and not shares_seeds(base, other_seed)
    rows = compare([base, variant, other_seed])
    paired = next(r for r in rows if r.variant == "variant" and r.outcome == "final_tension")
    welch = next(r for r in rows if r.variant == "other" and r.outcome == "final_tension")
    a = np.array(base.outcomes.column("final_tension").to_pylist(), dtype=float)
    b = np.array(variant.outcomes.column("final_tension").to_pylist(), dtype=float)
    assert paired.paired and paired.n == 40
    assert paired.difference == pytest.approx(float((b - a).mean()))
    assert (paired.ci_low, paired.ci_high) == pytest.approx(mean_interval(b - a))
    c = np.array(other_seed.outcomes.column("final_tension").to_pylist(), dtype=float)
    se = math.sqrt(a.var(ddof=1) / 40 + c.var(ddof=1) / 40)
    df = se**4 / ((a.var(ddof=1) / 40) ** 2 / 39 + (c.var(ddof=1) / 40) ** 2 / 39)
    assert not welch.paired
    assert welch.ci_high - welch.difference == pytest.approx(t_quantile(0.975, df) * se)
    # pairing removes the shared noise: the paired interval is the narrower one here
    assert paired.ci_high - paired.ci_low < welch.ci_high - welch.ci_low


def test_grid_and_latin_hypercube_designs():
    grid = design_from_args(["rules.a.probability=0:1:3", "meta.x=2:4:2"])
    assert grid.kind == "grid" and len(grid.points) == 6
    assert {point["meta.x"] for point in grid.points} == {2.0, 4.0}
    samples = latin_hypercube([(0.0, 1.0), (10.0, 30.0)], 16, seed=3)
    for dimension, (low, high) in enumerate([(0.0, 1.0), (10.0, 30.0)]):
        strata = np.floor((samples[:, dimension] - low) / (high - low) * 16)
        assert sorted(strata) == list(range(16))  # one sample in each stratum
    assert np.array_equal(samples, latin_hypercube([(0.0, 1.0), (10.0, 30.0)], 16, seed=3))
    with pytest.raises(Exception, match="PATH=LOW:HIGH:N"):
        design_from_args(["nonsense"])


def test_a_sobol_design_runs_and_gives_indices(tmp_path):
    pytest.importorskip("SALib", reason="the sensitivity extra (SALib) is not installed")
    out = tmp_path / "sobol"
    done = subprocess.run(
        [sys.executable, "-m", "wargame", "mc", "escalation-ladder", "--runs", "2", "--jobs", "1",
         "--out", str(out), "--sobol", "4", "--quiet",
         "--sweep", "rules.cn_patrols.probability=0:1",
         "--sweep", "indicators.tension.initial=0:0.5"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    design, points = load_design(out)
    assert design.kind == "sobol" and len(points) == 16 and all(p.complete for p in points)
    summary = subprocess.run([sys.executable, "-m", "wargame", "summary", str(out)], cwd=ROOT,
                             capture_output=True, text=True, timeout=120)
    assert summary.returncode == 0, summary.stderr
    assert "Sobol indices" in summary.stdout
    line = next(line for line in summary.stdout.splitlines()
                if line.strip().startswith("peak_tension") and " S1 " in line
                and "indicators.tension.initial" in line)
    total = float(line.split("ST ")[1].split()[0])
    assert total > 0.3  # the starting tension drives peak tension


def test_plots_are_written_as_real_pngs(ladder_batches, tmp_path):
    written = plot_all(list(ladder_batches[:2]), tmp_path / "plots")
    names = sorted(path.name for path in written)
    assert "comparison.png" in names and "outcomes.png" in names
    assert any(name.startswith("fan-") for name in names)
    for path in written:
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_results_open_in_pandas_polars_and_duckdb(ladder_batches):
    base = ladder_batches[0]
    pattern = str(base.path / "summary" / "*.parquet")
    pandas = pytest.importorskip("pandas")
    polars = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    frame = pandas.concat(pandas.read_parquet(p) for p in sorted(
        (base.path / "summary").glob("*.parquet")))
    assert len(frame) == 40
    assert polars.read_parquet(pattern).height == 40
    mean = duckdb.sql(f"select avg(final_tension) from '{pattern}'").fetchall()[0][0]
    assert mean == pytest.approx(statistics.fmean(_values(base, "final_tension")))
    assert base.to_pandas()["final_tension"].mean() == pytest.approx(mean)


def test_summary_compare_and_plot_commands(ladder_batches, tmp_path):
    base, variant, _ = ladder_batches
    def run(*args):
        done = subprocess.run([sys.executable, "-m", "wargame", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout
    assert "final_tension" in run("summary", str(base.path), "--csv", str(tmp_path / "s.csv"))
    assert (tmp_path / "s.csv").read_text().startswith("outcome,n,none,errors,mean")
    compared = run("compare", str(base.path), str(variant.path))
    assert "paired" in compared and "variant" in compared
    plotted = run("plot", str(base.path), str(variant.path), "--out", str(tmp_path / "p"))
    assert "comparison.png" in plotted
    missing = subprocess.run([sys.executable, "-m", "wargame", "summary", str(tmp_path)],
                             cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert missing.returncode == 1 and "not a results directory" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_the_showcase_compares_the_three_us_postures(tmp_path):
    done = subprocess.run([sys.executable, "-m", "wargame", "showcase", "--runs", "4", "--jobs",
                           "1", "--out", str(tmp_path / "show"), "--quiet"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    for posture in ("small-yard-high-fence", "maximal-embargo", "weaponized-interdependence"):
        assert posture in out
    assert "US leverage at the crisis" in out and "paired by replication" in out
    assert "frequencies with Wilson intervals" in out
    plots = list((tmp_path / "show" / "plots").glob("*.png"))
    assert len(plots) == 6
