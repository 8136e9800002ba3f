"""The runner: results depend on (scenario, postures, overrides, seed, i) only; batches stream to
disk, survive a SIGKILL and resume; a failing replication is an error row."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.conftest import ROOT
from tests.montecarlo.conftest import LADDER, LOOPING
from wargame import Game, WargameError, load_scenario
from wargame.montecarlo.runner import monte_carlo
from wargame.montecarlo.storage import ResultsError


def _tables(results):
    return results.outcomes, results.series


def test_jobs_chunk_sizes_and_completion_order_do_not_change_results(tmp_path):
    one = monte_carlo(LADDER, 30, seed=3, jobs=1, out=tmp_path / "one", progress=False)
    two = monte_carlo(LADDER, 30, seed=3, jobs=2, out=tmp_path / "two", chunk_size=4,
                      progress=False)
    odd = monte_carlo(LADDER, 30, seed=3, jobs=2, out=tmp_path / "odd", chunk_size=7,
                      progress=False)
    assert one.outcomes.num_rows == 30
    assert _tables(one)[0].equals(_tables(two)[0]) and _tables(one)[0].equals(_tables(odd)[0])
    assert _tables(one)[1].equals(_tables(two)[1]) and _tables(one)[1].equals(_tables(odd)[1])
    assert len(two.manifest["chunks"]) == 8 and len(odd.manifest["chunks"]) == 5


def test_replication_i_is_the_game_with_spawn_key_i(tmp_path):
    results = monte_carlo(LADDER, 5, seed=9, jobs=1, out=tmp_path / "b", progress=False)
    game = Game(load_scenario(LADDER), seed=9, spawn_key=(3,))
    game.run()
    row = results.outcomes.slice(3, 1).to_pylist()[0]
    assert row["replication"] == 3
    for name, value in game.outcomes().items():
        assert row[name] == value


def test_a_dask_local_cluster_gives_the_same_results(tmp_path):
    pytest.importorskip("distributed")
    pool = monte_carlo(LADDER, 16, seed=2, jobs=2, out=tmp_path / "pool", chunk_size=4,
                       progress=False)
    dask = monte_carlo(LADDER, 16, seed=2, jobs=2, out=tmp_path / "dask", chunk_size=4,
                       backend="dask", progress=False)
    assert dask.manifest["backend"] == "dask"
    assert pool.outcomes.equals(dask.outcomes) and pool.series.equals(dask.series)


def _chunks_on_disk(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text())["chunks"])
    except (FileNotFoundError, ValueError):
        return 0


def test_a_batch_killed_with_sigkill_resumes_with_nothing_lost_or_duplicated(tmp_path):
    out = tmp_path / "killed"
    command = [sys.executable, "-m", "wargame", "mc", "status-quo-2022", "--runs", "24",
               "--jobs", "1", "--chunk-size", "2", "--seed", "4", "--out", str(out), "--quiet"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _chunks_on_disk(out) < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    finished_before = _chunks_on_disk(out)
    assert 3 <= finished_before < 12, "the batch must be killed part-way"

    resumed = monte_carlo("status-quo-2022", 24, seed=4, jobs=2, out=out, chunk_size=2,
                          resume=True, progress=False)
    whole = monte_carlo("status-quo-2022", 24, seed=4, jobs=2, out=tmp_path / "whole",
                        chunk_size=2, progress=False)
    replications = resumed.outcomes.column("replication").to_pylist()
    assert replications == list(range(24))  # nothing lost, nothing twice
    assert resumed.outcomes.equals(whole.outcomes)
    assert resumed.series.equals(whole.series)
    parts = sorted(p.name for p in (out / "summary").iterdir())
    assert parts == [f"part-{i:05d}.parquet" for i in range(12)]  # no temp files left


def test_resume_refuses_a_changed_configuration(tmp_path):
    out = tmp_path / "b"
    monte_carlo(LADDER, 6, seed=1, jobs=1, out=out, chunk_size=3, progress=False)
    with pytest.raises(ResultsError) as caught:
        monte_carlo(LADDER, 6, seed=2, jobs=1, out=out, chunk_size=3, resume=True,
                    progress=False)
    assert "cannot resume: the configuration changed (seed: was 1, now 2)" in str(caught.value)
    with pytest.raises(ResultsError, match="overrides"):
        monte_carlo(LADDER, 6, seed=1, jobs=1, out=out, resume=True, progress=False,
                    overrides={"rules.cn_patrols.probability": 0.5})




def test_a_replication_that_raises_is_an_error_row_and_the_batch_goes_on(tmp_path):
    scenario_file = tmp_path / "loops.yaml"
    scenario_file.write_text(LOOPING, encoding="utf-8")
    results = monte_carlo(scenario_file, 20, seed=1, jobs=1, out=tmp_path / "b", progress=False)
    statuses = results.outcomes.column("status").to_pylist()
    failures = results.manifest["failures"]
    assert 0 < statuses.count("error") < 20  # some replications met the loop, others did not
    assert [f["replication"] for f in failures] == [
        i for i, status in enumerate(statuses) if status == "error"]
    first = failures[0]
    assert first["seed"] == 1 and first["spawn_key"] == [first["replication"]]
    assert first["error"].startswith("GameStateError: trigger")
    assert "Traceback" in first["traceback"]
    error_rows = [row for row in results.outcomes.to_pylist() if row["status"] == "error"]
    assert all(row["final_x"] is None for row in error_rows)


def test_progress_prints_plain_lines_when_not_a_terminal_and_calls_back(tmp_path):
    done = subprocess.run([sys.executable, "-m", "wargame", "mc", LADDER, "--runs", "12",
                           "--jobs", "1", "--chunk-size", "4", "--out", str(tmp_path / "b")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "12/12 replications · " in done.stderr and "0 failed" in done.stderr
    assert "wrote" in done.stdout and "final_tension" in done.stdout
    calls = []
    monte_carlo(LADDER, 12, seed=1, jobs=1, out=tmp_path / "c", chunk_size=4,
                progress=lambda done, total, failures: calls.append((done, total, failures)))
    assert calls == [(4, 12, 0), (8, 12, 0), (12, 12, 0)]


def test_parts_are_plain_parquet_listed_by_the_manifest(tmp_path):
    results = monte_carlo(LADDER, 8, seed=1, jobs=1, out=tmp_path / "b", chunk_size=4,
                          progress=False)
    manifest = results.manifest
    assert manifest["format"] == "wargame-mc/1" and manifest["seed"] == 1
    assert manifest["scenario"]["hash"].startswith("sha256:")
    part = pq.read_table(tmp_path / "b" / "summary" / manifest["chunks"][0]["file"])
    assert part.column_names[:2] == ["replication", "status"]
    assert set(manifest["outcomes"]) <= set(part.column_names)


def test_overrides_and_postures_reach_the_games_and_bad_ones_are_named(tmp_path):
    base = monte_carlo(LADDER, 20, seed=1, jobs=1, out=tmp_path / "a", progress=False)
    calm = monte_carlo(LADDER, 20, seed=1, jobs=1, out=tmp_path / "b", progress=False,
                       overrides={"indicators.tension.initial": 0.0})
    mean = lambda r: sum(r.outcomes.column("peak_tension").to_pylist()) / 20  # noqa: E731
    assert mean(calm) < mean(base)
    with pytest.raises(WargameError) as caught:
        monte_carlo(LADDER, 2, out=tmp_path / "c", overrides={"indicators.tensoin.initial": 0})
    assert "no 'tensoin' at 'indicators.tensoin'" in str(caught.value)


def test_a_saved_game_continues_from_a_turn_in_many_replications(tmp_path):
    game = Game(load_scenario(LADDER), seed=3, human_teams=("us",))
    game.submit({"team": "us", "kind": "tighten_controls", "params": {"levels": 3}})
    game.advance()
    game.advance()
    journal = tmp_path / "game.jsonl"
    game.journal.save(journal)
    forked = monte_carlo(None, 10, seed=8, jobs=1, out=tmp_path / "f", from_journal=journal,
                         at_turn=2, series=["control_stringency"], progress=False)
    again = monte_carlo(None, 10, seed=8, jobs=2, out=tmp_path / "g", from_journal=journal,
                        at_turn=2, chunk_size=3, series=["control_stringency"], progress=False)
    fresh = monte_carlo(LADDER, 10, seed=8, jobs=1, out=tmp_path / "h", progress=False)
    assert forked.outcomes.equals(again.outcomes)
    assert forked.manifest["fork"]["turn"] == 2
    # the human's tightening of turn 1 is in every continuation, not in fresh games
    at_fork = [row["value"] for row in forked.series.to_pylist() if row["week"] == 8.0]
    assert len(at_fork) == 10 and all(value >= 0.6 for value in at_fork)
    assert not forked.outcomes.equals(fresh.outcomes)
    with pytest.raises(WargameError, match="--at must be a turn from 0 to 2"):
        monte_carlo(None, 2, out=tmp_path / "x", from_journal=journal, at_turn=5)


def test_a_script_without_a_main_guard_can_start_a_parallelsmall_batch(tmp_path):
    script = tmp_path / "batch.py"
    script.write_text(
        "import wargame\n"
        f"r = wargame.monte_carlo('{LADDER}', 6, seed=1, jobs=2, out='out', chunk_size=2,"
        " progress=False)\n"
        "print('rows', r.outcomes.num_rows)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("rows 6") == 1  # run once, not once per worker


def test_a_batch_of_a_billion_runs_starts_at_once_and_stops_cleanly(tmp_path):
    """Chunk jobs are made as they are submitted, not all up front (that took minutes and
    gigabytes before the first chunk ran)."""

    class Stop(Exception):
        pass

    def stop(done, total, failures):
        raise Stop

    started = time.monotonic()
    with pytest.raises(Stop):
        monte_carlo(LADDER, 10**9, seed=1, jobs=1, out=tmp_path / "b", chunk_size=1,
                    progress=stop)
    assert time.monotonic() - started < 20
    chunks = json.loads((tmp_path / "b" / "manifest.json").read_text())["chunks"]
    assert [chunk["stop"] - chunk["start"] for chunk in chunks] == [1]  # one chunk of one run
