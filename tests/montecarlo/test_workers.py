"""Workers that scale: one BLAS thread each, one warm pool for several batches, chunks sized
for balance, and a chunk's series written from arrays to the same bytes as from rows."""

from __future__ import annotations

import io
import json
import os

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.montecarlo.conftest import LADDER
from wargame import load_scenario
from wargame.montecarlo.backends import WORKER_ENVIRONMENT, executor, shared_executor
from wargame.montecarlo.replication import ChunkJob
from wargame.montecarlo.runner import _chunk_size, monte_carlo
from wargame.montecarlo.storage import SERIES_SCHEMA, series_table
from wargame.scenario.hashing import scenario_dump


def worker_environment() -> dict[str, str | None]:
    """What a worker sees of the variables that size BLAS and numba thread pools."""
    return {name: os.environ.get(name) for name in WORKER_ENVIRONMENT}


def worker_pid() -> int:
    return os.getpid()


def test_pool_workers_have_one_blas_thread_and_the_parent_keeps_its_own():
    before = worker_environment()
    with executor("process", 2) as (pool, _):
        seen = [pool.submit(worker_environment).result() for _ in range(4)]
    assert all(environment == WORKER_ENVIRONMENT for environment in seen)
    assert worker_environment() == before


def test_dask_workers_have_one_blas_thread():
    pytest.importorskip("distributed")
    with executor("dask", 2) as (pool, _):
        seen = pool.submit(worker_environment).result()
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        assert seen[name] == "1", (name, seen)


def test_batches_inside_a_shared_executor_use_its_warm_workers(tmp_path):
    with shared_executor("process", 2) as (pool, _):
        with executor("process", 2) as (inner, _):
            assert inner is pool
        before = {pool.submit(worker_pid).result() for _ in range(6)}
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
