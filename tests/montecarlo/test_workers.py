"""Workers that scale: one BLAS thread each, one warm pool for several batches, chunks sized
for balance, and a chunk's series written from arrays to the same bytes as from rows."""

from __future__ import annotations

import gc
import io
import json
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.montecarlo.conftest import LADDER
from wargame import load_scenario
from wargame.engine.game import Game
from wargame.montecarlo import replication as chunks
from wargame.montecarlo import runner
from wargame.montecarlo.backends import WORKER_ENVIRONMENT, executor, shared_executor
from wargame.montecarlo.replication import ChunkJob, _series_columns
from wargame.montecarlo.runner import _chunk_size, monte_carlo
from wargame.montecarlo.storage import (
    SERIES_SCHEMA,
    read_part,
    series_table,
    summary_schema,
    write_part,
)
from wargame.scenario.hashing import scenario_dump


def worker_environment() -> dict[str, str | None]:
    """What a worker sees of the variables that size BLAS and numba thread pools."""
    return {name: os.environ.get(name) for name in WORKER_ENVIRONMENT}


def worker_pid() -> int:
    return os.getpid()


def test_pool_workers_have_one_blas_thread_and_the_parent_keeps_its_own():
    before = worker_environment()
    with executor("process", 2) as (pool, _):
        seen = [pool.submit(worker_state).result() for _ in range(4)]
    assert all(environment == WORKER_ENVIRONMENT for environment, *_ in seen)
    assert all(engine for _, engine, _, _ in seen)  # imported before the first chunk
    assert all(blas in (None, 1) for *_, blas in seen)
    assert worker_environment() == before


def worker_state() -> tuple[dict[str, str | None], bool, bool, int | None]:
    """A worker's thread variables; whether it has imported the engine and loaded the kernel;
    OpenBLAS's threads as threadpoolctl reports them (None without threadpoolctl)."""
    import sys

    from wargame.economy import kernel

    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        blas = None
    else:
        blas = max((pool["num_threads"] for pool in threadpool_info()
                    if pool.get("internal_api") == "openblas"), default=None)
    return (worker_environment(), "wargame.engine.game" in sys.modules,
            kernel._chosen is not None, blas)


def worker_profiles() -> bool:
    """Whether the Dask worker running this samples its tasks' stacks (its profiler)."""
    import dask

    return bool(dask.config.get("distributed.worker.profile.enabled"))


def test_dask_workers_have_one_blas_and_numba_thread_and_are_warmed(monkeypatch):
    pytest.importorskip("distributed")
    monkeypatch.setenv("OMP_NUM_THREADS", "3")  # set by the user: the workers still get 1
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with executor("dask", 2, warm=True) as (pool, _):
        environment, engine, kernel, blas = pool.submit(worker_state).result()
        profiling = pool.submit(worker_profiles).result()
    assert not profiling  # the batch's own cluster does not sample the chunks' stacks
    assert environment == WORKER_ENVIRONMENT
    assert engine and kernel
    assert blas in (None, 1)
    # the parent's environment as it was, though the nannies wrote theirs into it
    assert os.environ["OMP_NUM_THREADS"] == "3"
    assert "MALLOC_TRIM_THRESHOLD_" not in os.environ


def test_batches_inside_a_shared_executor_use_its_warm_workers(tmp_path):
    with shared_executor("process", 2) as (pool, _):
        with executor("process", 2) as (inner, _):
            assert inner is pool
        before = {pool.submit(worker_pid).result() for _ in range(6)}
        assert pool.submit(worker_state).result()[2]  # its workers loaded the kernel first
        first = monte_carlo(LADDER, 8, seed=1, jobs=2, out=tmp_path / "a", chunk_size=2,
                            progress=False)
        second = monte_carlo(LADDER, 8, seed=1, jobs=2, out=tmp_path / "b", chunk_size=2,
                             progress=False, postures=())
        after = {pool.submit(worker_pid).result() for _ in range(6)}
        assert len(before | after) <= 2  # the same two workers throughout, none restarted
    assert first.outcomes.equals(second.outcomes)
    with executor("process", 2) as (fresh, _):  # outside, a new pool again
        assert fresh is not pool


def test_chunks_give_each_worker_several_and_one_worker_one_long_chunk():
    scenario = load_scenario(LADDER)
    job = ChunkJob(0, 0, 0, 0, json.dumps(scenario_dump(scenario)), tuple(scenario.outcomes), ())
    # a replication of the ladder takes about a millisecond: time alone would give 1000
    assert _chunk_size(job, 40, 2) == 5  # 40 runs, 2 workers, 4 chunks each
    assert _chunk_size(job, 40, 1) == 40


def test_the_chunk_probe_stops_at_one_replication_when_the_balance_decides(monkeypatch):
    scenario = load_scenario(LADDER)
    job = ChunkJob(0, 0, 0, 0, json.dumps(scenario_dump(scenario)), tuple(scenario.outcomes), ())
    probes: list[ChunkJob] = []

    def counted(probe: ChunkJob) -> chunks.ChunkResult:
        probes.append(probe)
        return chunks.run_chunk(probe)

    monkeypatch.setattr(runner, "run_chunk", counted)
    assert _chunk_size(job, 40, 2) == 5 and len(probes) == 1  # even the first allows 5
    # a million runs: each worker's quarter would be far more than 3 s, so time decides, on
    # the faster of the two warm replications (the first pays the template). Timed on a fixed
    # clock: on the real one, a loaded machine (the suite runs on two workers) made a
    # replication slow enough that the chunk came out 757, not the 1000 this asserted.
    for durations, expected in (([0.5, 0.010, 0.006], 500), ([0.5, 0.001, 0.002], 1000)):
        clock = iter(durations)
        probes.clear()
        monkeypatch.setattr(runner, "_timed",
                            lambda probe, clock=clock: (probes.append(probe), next(clock))[1])
        assert runner.TARGET_CHUNK_SECONDS == 3.0 and runner.MAX_CHUNK == 1000
        assert _chunk_size(job, 1_000_000, 2) == expected and len(probes) == 3


def test_series_from_arrays_are_the_bytes_series_from_rows_were():
    names = ("a", "b")
    weeks = np.array([0.0, 1.0, 2.0])
    rows: dict[str, list] = {"replication": [], "week": [], "indicator": [], "value": []}
    for replication in (3, 4):
        for code, name in enumerate(names):
            for week in weeks:
                rows["replication"].append(replication)
                rows["week"].append(float(week))
                rows["indicator"].append(name)
                rows["value"].append(replication * 10 + code + week / 7)
    arrays = {"replication": np.array(rows["replication"]), "week": np.array(rows["week"]),
              "indicator": np.array([names.index(n) for n in rows["indicator"]]),
              "value": np.array(rows["value"]), "names": names}

    def parquet(table: pa.Table) -> bytes:
        sink = io.BytesIO()
        pq.write_table(table, sink, compression="zstd")
        return sink.getvalue()

    assert parquet(series_table(arrays)) == parquet(pa.Table.from_pydict(rows,
                                                                         schema=SERIES_SCHEMA))
    empty = {"replication": np.zeros(0), "week": np.zeros(0), "indicator": np.zeros(0),
             "value": np.zeros(0), "names": names}
    nothing = {"replication": [], "week": [], "indicator": [], "value": []}
    assert parquet(series_table(empty)) == parquet(pa.Table.from_pydict(nothing,
                                                                        schema=SERIES_SCHEMA))


def test_series_with_an_indicator_missing_from_some_chunks_are_the_bytes_from_rows():
    """The dictionary holds the names that have rows, in the order they first appear."""
    names = ("a", "b", "c")
    empty = np.zeros((0, 2))
    pieces = [(0, [empty, np.array([[0.0, 1.0], [1.0, 2.0]]), np.array([[0.0, 3.0]])]),
              (1, [empty, empty, np.array([[0.0, 4.0]])]),
              (2, [np.array([[5.0, 6.0]]), empty, empty])]
    rows: dict[str, list] = {"replication": [], "week": [], "indicator": [], "value": []}
    for replication, histories in pieces:
        for name, history in zip(names, histories, strict=True):
            for week, value in history.tolist():
                rows["replication"].append(replication)
                rows["week"].append(week)
                rows["indicator"].append(name)
                rows["value"].append(value)
    ours = series_table(_series_columns(pieces, names))
    assert ours.equals(pa.Table.from_pydict(rows, schema=SERIES_SCHEMA))
    assert ours.column("indicator").chunk(0).dictionary.to_pylist() == ["b", "c", "a"]
    assert series_table(_series_columns([(0, [empty] * 3)], names)).num_rows == 0


def test_a_part_reads_back_as_the_table_written(tmp_path):
    schema = summary_schema(["x", "y"])
    columns = {"replication": [4, 5, 6], "status": ["ok", "error", "ok"],
               "x": [0.5, None, 1e300], "y": [None, None, -0.0]}
    write_part(tmp_path, 2, columns, schema)
    table = read_part(tmp_path / "part-00002.parquet", schema, 4, 7, series=False)
    assert table.equals(pa.Table.from_pydict(columns, schema=schema))
    assert [path.name for path in tmp_path.iterdir()] == ["part-00002.parquet"]


def _frozen_during(job: ChunkJob) -> list[int]:
    """How many objects the collector leaves out while the chunk's games are built."""
    seen: list[int] = []
    original = chunks.play_replication

    def watched(job: ChunkJob, number: int) -> Game:
        seen.append(gc.get_freeze_count())
        return original(job, number)

    chunks.play_replication = watched  # type: ignore[assignment]
    try:
        chunks.run_chunk(job)
    finally:
        chunks.play_replication = original  # type: ignore[assignment]
    return seen


def test_a_chunk_keeps_what_existed_before_it_out_of_the_collectors_walks_and_no_longer():
    scenario = load_scenario(LADDER)
    job = ChunkJob(0, 0, 3, 1, json.dumps(scenario_dump(scenario)), tuple(scenario.outcomes),
                   ())
    assert gc.get_freeze_count() == 0
    seen = _frozen_during(job)
    assert len(seen) == 3 and min(seen) > 1000  # the process's modules, the scenario: frozen
    assert gc.get_freeze_count() == 0  # and given back to the collector when the chunk ends
    # the same numbers with the collector as it was: collection only frees memory
    plain = chunks._run_chunk(job)
    assert chunks.run_chunk(job).summary == plain.summary


def test_a_process_that_froze_objects_itself_keeps_its_freeze():
    scenario = load_scenario(LADDER)
    job = ChunkJob(0, 0, 1, 1, json.dumps(scenario_dump(scenario)), tuple(scenario.outcomes),
                   ())
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        chunks.run_chunk(job)
        # still frozen (less the frozen objects freed since), and nothing the chunk made added
        assert 0 < gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
