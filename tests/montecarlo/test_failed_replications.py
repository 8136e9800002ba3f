"""A replication whose results are not finite numbers is a failure, never an ``ok`` row, and
``summary`` and ``compare`` say how many replications failed."""

from __future__ import annotations

import math

import pyarrow as pa
import pyarrow.parquet as pq

from tests.montecarlo.conftest import LOOPING, run_wargame
from wargame.montecarlo.analysis import compare, summarise
from wargame.montecarlo.results import Results
from wargame.montecarlo.runner import monte_carlo
from wargame.montecarlo.storage import summary_schema

DIVERGES = """
meta: {name: Diverges, start: 2025-01-06, horizon_weeks: 20, turn_weeks: 4}
teams: {us: {name: US, moves: {wait: {}}}}
indicators: {x: {initial: 10}, y: {initial: 1, min: 0, max: 5}}
flows:
  boom: {indicator: x, rate: {terms: [{coef: 1, of: [x, x]}, {coef: -1, of: [x, x, x]}]}}
outcomes:
  final_x: {indicator: x, stat: final}
  final_y: {indicator: y, stat: final}
"""




def test_a_diverging_replication_is_an_error_row_with_a_message(tmp_path):
    scenario = tmp_path / "diverges.yaml"
    scenario.write_text(DIVERGES, encoding="utf-8")
    results = monte_carlo(scenario, 3, seed=1, jobs=1, out=tmp_path / "b", progress=False)
    rows = results.outcomes.to_pylist()
    assert [row["status"] for row in rows] == ["error"] * 3
    assert all(row["final_x"] is None and row["final_y"] is None for row in rows)
    failures = results.manifest["failures"]
    assert [failure["replication"] for failure in failures] == [0, 1, 2]
    assert all("diverges" in failure["error"] for failure in failures), failures[0]["error"]
    for value in results.series.column("value").to_pylist():
        assert math.isfinite(value)


def _with_an_old_writers_rows(out, rows):
    """A batch whose part holds what an older wargame stored: ok rows with inf or NaN."""
    results = Results(out)
    part = out / "summary" / results.manifest["chunks"][0]["file"]
    table = pq.read_table(part).to_pylist()
    for number, values in rows.items():
        table[number].update(values)
    pq.write_table(pa.Table.from_pylist(table, schema=summary_schema(results.outcome_names)),
                   part)
    return Results(out)


def test_non_finite_ok_rows_of_an_older_batch_count_as_failures_not_numbers(tmp_path):
    monte_carlo("escalation-ladder", 8, seed=1, jobs=1, out=tmp_path / "b", progress=False)
    clean = summarise(Results(tmp_path / "b"))
    results = _with_an_old_writers_rows(tmp_path / "b", {
        2: {"final_tension": math.inf, "peak_tension": 0.5},
        5: {"final_tension": math.nan}})
    rows = {row.outcome: row for row in summarise(results)}
    assert rows["final_tension"].errors == 2 and rows["final_tension"].n == 6
    assert math.isfinite(rows["final_tension"].mean)
    assert rows["final_tension"].none == 0
    assert rows["peak_tension"].n == 6  # the whole replication is a failure
    assert clean[0].errors == 0


def test_summary_and_compare_show_how_many_replications_failed(tmp_path):
    scenario = tmp_path / "loops.yaml"
    scenario.write_text(LOOPING, encoding="utf-8")
    monte_carlo(scenario, 20, seed=1, jobs=1, out=tmp_path / "a", progress=False)
    failing = monte_carlo(scenario, 20, seed=2, jobs=1, out=tmp_path / "b", progress=False)
    failed = len(failing.manifest["failures"])
    assert 0 < failed < 20

    summary = run_wargame("summary", str(tmp_path / "b"))
    assert summary.returncode == 0, summary.stderr
    assert f"{failed} of 20 replications failed" in summary.stdout
    assert "manifest.json" in summary.stdout and "GameStateError" in summary.stdout

    compared = run_wargame("compare", str(tmp_path / "a"), str(tmp_path / "b"))
    assert compared.returncode == 0, compared.stderr
    assert f"{failed} of 20 replications failed" in compared.stdout

    rows = compare([Results(tmp_path / "a"), failing])
    assert rows[0].variant_failed == failed
    assert rows[0].baseline_failed == len(Results(tmp_path / "a").manifest["failures"])
