"""One chunk of replications, as a worker runs it: the only code that runs in other processes.

Why chunks carry the scenario as JSON and workers cache it: a process (or Dask worker) validates a
scenario once, however many chunks it runs, and nothing unpicklable crosses a process boundary.
Replication ``i`` plays ``Game(scenario, seed, spawn_key=(i,))``, so its draws come from
``SeedSequence(seed, spawn_key=(i,))`` and nothing else: not the worker, the chunk or the order.
A replication is ``ok`` only if it played to its horizon *and* every outcome and recorded value is
a finite number (or an outcome that did not happen): a value that diverged to inf or NaN is a
failure with a message, never a number a summary would average. The GDP lost by region and year
(``montecarlo.gdp``) is recorded with the outcomes, and checked the same way.

Why a chunk freezes the garbage collector's view of what existed before it (``_long_lived``):
each replication leaves its game as cyclic garbage (SimPy processes, closures), which only a full
collection frees; a full collection comes every ten or so games and walked every object of the
process, some 150,000 (the engine's modules, the validated scenario, its template), to free a
few games. That walk was a quarter of a 10-year replication's CPU time and a third of a
status-quo-2022 one's, and it is what a median per-game time (``benchmarks/replication.py``)
leaves out and a batch's mean pays. Frozen for the chunk, those objects are not walked; the
games' garbage is collected as before, and everything is unfrozen when the chunk ends, so
nothing is kept from the collector for longer than a chunk. Collection only frees memory: no
value a replication computes depends on it.
"""

from __future__ import annotations

import gc
import json
import math
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from wargame.engine.game import Game
from wargame.engine.journal import Journal
from wargame.montecarlo.gdp import gdp_values, is_gdp_column
from wargame.scenario.schema import Scenario


@dataclass(frozen=True)
class ChunkJob:
    """What a worker needs to run replications ``start`` to ``stop - 1``."""

    index: int
    start: int
    stop: int
    seed: int
    scenario_json: str
    outcomes: tuple[str, ...]
    series: tuple[str, ...]
    journal_text: str | None = None
    """With ``at_turn``: continue this saved game from that turn (fork and rerun)."""
    at_turn: int | None = None


@dataclass
class ChunkResult:
    """Columns of the chunk's summary and series tables, and its failures."""

    index: int
    summary: dict[str, list[Any]]
    series: dict[str, Any]
    """Arrays ``replication``, ``week``, ``indicator`` (codes into ``names``), ``value``."""
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """The CPU time of the process that ran it over the chunk (``seconds`` is its wall): a worker
    sharing its core with other work shows a wall above its CPU."""


@lru_cache(maxsize=4)
def _scenario(scenario_json: str) -> Scenario:
    return Scenario.model_validate(json.loads(scenario_json))


@lru_cache(maxsize=2)
def _saved_game(journal_text: str) -> Game:
    return Game.replay(Journal.parse(journal_text, "<journal>"), verify=False)


def play_replication(job: ChunkJob, replication: int) -> Game:
    """Play replication ``replication`` of the job to its horizon, doctrines only."""
    if job.journal_text is not None:
        game = _saved_game(job.journal_text).fork(job.seed, (replication,), at_turn=job.at_turn,
                                                   human_teams=())
    else:
        game = Game(_scenario(job.scenario_json), seed=job.seed, spawn_key=(replication,))
    game.run()
    return game


class NotFinite(ArithmeticError):
    """A replication's outcome or recorded value is infinite or NaN: something diverged."""


def _check_finite(values: dict[str, float | None],
                  histories: dict[str, np.ndarray]) -> None:
    for name, value in values.items():
        if value is not None and not math.isfinite(value):
            raise NotFinite(f"outcome '{name}' is {value!r}, not a finite number: something in "
                            "the scenario diverges (give its indicators bounds, or smaller rates)")
    for name, history in histories.items():
        bad = np.flatnonzero(~np.isfinite(history).all(axis=1))
        if bad.size:
            week, value = history[bad[0]].tolist()
            raise NotFinite(f"indicator '{name}' is {value!r} at week {week:g}, not a finite "
                            "number: something in the scenario diverges (give it bounds, or "
                            "smaller rates)")


@contextmanager
def _long_lived() -> Iterator[None]:
    """What exists now kept out of the garbage collector's walks until the block ends
    (``gc.freeze``; see the module's docstring). A process that froze objects itself (a
    server that forks, say) is left as it is: unfreezing would undo its freeze."""
    if gc.get_freeze_count() or not gc.isenabled():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run_chunk(job: ChunkJob) -> ChunkResult:
    """Run a chunk; a replication that raises becomes an error row, and the chunk goes on."""
    with _long_lived():
        return _run_chunk(job)


def _run_chunk(job: ChunkJob) -> ChunkResult:
    started, cpu_started = time.perf_counter(), time.process_time()
    summary: dict[str, list[Any]] = {"replication": [], "status": []}
    summary.update({name: [] for name in job.outcomes})
    pieces: list[tuple[int, list[np.ndarray]]] = []
    failures: list[dict[str, Any]] = []
    gdp = [name for name in job.outcomes if is_gdp_column(name)]
    for replication in range(job.start, job.stop):
        summary["replication"].append(replication)
        try:
            game = play_replication(job, replication)
            outcomes = game.outcomes()
            if gdp:  # GDP lost by region and year, recorded as outcomes (montecarlo.gdp)
                outcomes = {**outcomes, **gdp_values(game, gdp)}
            values = {name: None if (value := outcomes.get(name)) is None else float(value)
                      for name in job.outcomes}
            histories = {name: np.array(game.history(name), dtype=float).reshape(-1, 2)
                         for name in job.series}
            _check_finite(values, histories)
        except Exception as exc:  # one bad replication must not sink the batch
            summary["status"].append("error")
            for name in job.outcomes:
                summary[name].append(None)
            failures.append({
                "replication": replication, "seed": job.seed, "spawn_key": [replication],
                "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(),
            })
            continue
        summary["status"].append("ok")
        for name in job.outcomes:
            summary[name].append(values[name])
        pieces.append((replication, [histories[name] for name in job.series]))
    return ChunkResult(job.index, summary, _series_columns(pieces, job.series), failures,
                       time.perf_counter() - started, time.process_time() - cpu_started)


def _series_columns(pieces: list[tuple[int, list[np.ndarray]]], names: tuple[str, ...]
                    ) -> dict[str, Any]:
    """The series table's columns as arrays (``storage.series_table`` makes the table): for
    each replication, each series in order, its weeks. Built from arrays, not from a quarter of
    a million Python objects a chunk (which cost more than the chunk's replications did)."""
    if not pieces or not names:
        return {"replication": np.zeros(0, dtype=np.int64), "week": np.zeros(0),
                "indicator": np.zeros(0, dtype=np.int32), "value": np.zeros(0), "names": ()}
    replications, weeks, codes, values = [], [], [], []
    for replication, histories in pieces:
        for code, history in enumerate(histories):
            rows = history.shape[0]
            replications.append(np.full(rows, replication, dtype=np.int64))
            codes.append(np.full(rows, code, dtype=np.int32))
            weeks.append(history[:, 0])
            values.append(history[:, 1])
    return {"replication": np.concatenate(replications), "week": np.concatenate(weeks),
            "indicator": np.concatenate(codes), "value": np.concatenate(values),
            "names": tuple(names)}
