"""A partial batch (interrupted, or with a chunk missing) can be looked at: summary, compare and
plot show what is there with a warning and the cure, and paired comparisons pair replications by
number, so a gap never pairs replication i with replication j."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.montecarlo.conftest import LADDER, run_wargame, small_batch
from wargame.montecarlo.analysis import compare
from wargame.montecarlo.results import Results
from wargame.montecarlo.runner import monte_carlo


class _Stop(Exception):
    pass


def _partial(out: Path, runs: int, chunks: int, **options):
    """A batch interrupted after ``chunks`` chunks (the progress callback raises)."""

    def stop_after(done, total, failures):
        if done >= 2 * chunks:
            raise _Stop

    with pytest.raises(_Stop):
        monte_carlo(LADDER, runs, seed=2, jobs=1, out=out, chunk_size=2, progress=stop_after,
                    **options)
    return Results(out)


def test_summary_compare_and_plot_of_an_incomplete_batch_show_what_is_there(tmp_path):
    full = small_batch(tmp_path / "full", runs=12)
    partial = _partial(tmp_path / "partial", 12, 2,
                       overrides={"rules.cn_patrols.probability": 0.2})
    assert not partial.complete and partial.outcomes.num_rows == 4

    compared = run_wargame("compare", str(tmp_path / "full"), str(tmp_path / "partial"))
    assert compared.returncode == 0, compared.stderr
    assert "internal error" not in compared.stderr
    assert "incomplete" in compared.stderr and "4 of 12" in compared.stderr
    assert "--resume" in compared.stderr
    line = next(line for line in compared.stdout.splitlines() if "final_tension" in line)
    assert line.split()[-2:] == ["paired", "4"]  # replications 0-3, each against itself

    row = next(r for r in compare([full, partial]) if r.outcome == "final_tension")
    a = full.outcomes.column("final_tension").to_pylist()[:4]
    b = partial.outcomes.column("final_tension").to_pylist()
    assert row.paired and row.n == 4
    assert row.difference == pytest.approx(sum(y - x for x, y in zip(a, b, strict=True)) / 4)

    summary = run_wargame("summary", str(tmp_path / "partial"))
    assert summary.returncode == 0, summary.stderr
    assert "4/12 replications" in summary.stdout and "incomplete" in summary.stderr

    plotted = run_wargame("plot", str(tmp_path / "full"), str(tmp_path / "partial"), "--out",
                       str(tmp_path / "plots"))
    assert plotted.returncode == 0, plotted.stderr
    assert "incomplete" in plotted.stderr


def test_paired_comparison_pairs_replications_by_number_when_batches_have_gaps(tmp_path):
    full = small_batch(tmp_path / "full", runs=8)
    gappy = small_batch(tmp_path / "gappy", runs=8)
    (tmp_path / "gappy" / "summary" / "part-00001.parquet").unlink()
    small_batch(tmp_path / "gappy", runs=8, resume=True)  # rebuilt: the same rows again
    manifest_path = tmp_path / "gappy" / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["chunks"] = [chunk for chunk in manifest["chunks"] if chunk["index"] != 1]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")  # as if chunk 1 never ran
    gappy = Results(tmp_path / "gappy")
    assert gappy.outcomes.column("replication").to_pylist() == [0, 1, 4, 5, 6, 7]

    for row in compare([full, gappy]):
        assert row.paired and row.n <= 6
        if row.outcome == "final_tension":
            assert row.n == 6 and row.difference == pytest.approx(0.0, abs=1e-12)
