"""Designs: run_design resumes (complete points are skipped) and refuses a different design;
bad specifications name the argument."""

from __future__ import annotations

import shutil

import pytest

from wargame.errors import WargameError
from wargame.montecarlo.design import design_from_args, load_design, point_dir, run_design
from wargame.montecarlo.runner import monte_carlo


def test_run_design_skips_complete_points_and_refuses_another_design(tmp_path):
    design = design_from_args(["rules.cn_patrols.probability=0.2:0.8:2"], seed=3)
    calls = []

    def run_point(point, directory):
        calls.append(point["rules.cn_patrols.probability"])
        return monte_carlo("escalation-ladder", 2, seed=3, jobs=1, out=directory,
                           overrides=point, progress=False)

    out = tmp_path / "grid"
    run_design(design, run_point, out)
    assert calls == [0.2, 0.8]
    run_design(design, run_point, out)  # everything on disk: nothing reruns
    assert calls == [0.2, 0.8]
    shutil.rmtree(point_dir(out, 1))
    run_design(design, run_point, out)  # only the missing point
    assert calls == [0.2, 0.8, 0.8]
    loaded, points = load_design(out)
    assert loaded == design and [p.manifest["overrides"] for p in points] == design.points
    other = design_from_args(["rules.cn_patrols.probability=0.1:0.9:3"])
    with pytest.raises(WargameError, match="holds a different design"):
        run_design(other, run_point, out)


@pytest.mark.parametrize(("sweeps", "lhs", "sobol", "message"), [
    (["p=1:0:3"], None, None, "LOW ≤ HIGH"),
    (["p=0:1:0"], None, None, "N must be ≥ 1"),
    (["p=0:1"], None, None, "a grid needs N"),
    ([], 4, None, "need the ranges"),
    (["p=0:1", "p=0:2"], 4, None, "may appear once"),
    (["p=0:1"], 4, 4, "one of --lhs and --sobol"),
    (["p=0:1"], 1, None, "at least 2"),
])
def test_bad_design_arguments_say_what_was_expected(sweeps, lhs, sobol, message):
    with pytest.raises(WargameError, match=message):
        design_from_args(sweeps, lhs, sobol)


def test_sobol_size_must_be_a_power_of_two():
    pytest.importorskip("SALib", reason="the sensitivity extra (SALib) is not installed")
    with pytest.raises(WargameError, match="power of 2"):
        design_from_args(["p=0:1", "q=0:1"], sobol=6)
    design = design_from_args(["p=0:1", "q=2:3"], sobol=8, seed=1)
    assert len(design.points) == 8 * (2 + 2)
    assert all(0 <= pt["p"] <= 1 and 2 <= pt["q"] <= 3 for pt in design.points)
    assert design == design_from_args(["p=0:1", "q=2:3"], sobol=8, seed=1)


def test_summary_of_an_unfinished_or_broken_design_says_so(tmp_path):
    design = design_from_args(["rules.cn_patrols.probability=0.2:0.8:2"])
    out = tmp_path / "grid"
    run_design(design, lambda point, directory: monte_carlo(
        "escalation-ladder", 2, seed=0, jobs=1, out=directory, overrides=point,
        progress=False), out)
    shutil.rmtree(point_dir(out, 1))
    with pytest.raises(WargameError, match="point 1 of 2 has not run yet"):
        load_design(out)
    (out / "design.json").write_text("{not json")
    with pytest.raises(WargameError, match="not a design written by"):
        load_design(out)


def test_a_design_file_that_is_a_fifo_is_refused_not_waited_on(tmp_path):
    import os
    import subprocess
    import sys

    from tests.conftest import ROOT

    os.mkfifo(tmp_path / "design.json")
    shown = subprocess.run([sys.executable, "-m", "wargame", "summary", str(tmp_path)], cwd=ROOT,
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 1 and "not a regular file" in shown.stderr, shown.stderr
    design = design_from_args(["rules.cn_patrols.probability=0.2:0.8:2"], seed=3)
    with pytest.raises(WargameError, match="not a regular file"):
        run_design(design, lambda point, directory: None, tmp_path)
