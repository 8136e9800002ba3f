"""One chunk of replications, as a worker runs it: the only code that runs in other processes.

Why chunks carry the scenario as JSON and workers cache it: a process (or Dask worker) validates a
scenario once, however many chunks it runs, and nothing unpicklable crosses a process boundary.
Replication ``i`` plays ``Game(scenario, seed, spawn_key=(i,))``, so its draws come from
``SeedSequence(seed, spawn_key=(i,))`` and nothing else: not the worker, the chunk or the order.
"""

from __future__ import annotations

import json
import time
import traceback
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from wargame.engine.game import Game
from wargame.engine.journal import Journal
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
    series: dict[str, list[Any]]
    failures: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


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


def run_chunk(job: ChunkJob) -> ChunkResult:
    """Run a chunk; a replication that raises becomes an error row, and the chunk goes on."""
    started = time.perf_counter()
    summary: dict[str, list[Any]] = {"replication": [], "status": []}
    summary.update({name: [] for name in job.outcomes})
    series: dict[str, list[Any]] = {"replication": [], "week": [], "indicator": [], "value": []}
    failures: list[dict[str, Any]] = []
    for replication in range(job.start, job.stop):
        summary["replication"].append(replication)
        try:
            game = play_replication(job, replication)
            outcomes = game.outcomes()
            histories = {name: game.history(name) for name in job.series}
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
            value = outcomes.get(name)
            summary[name].append(None if value is None else float(value))
        for name, history in histories.items():
            for week, value in history:
                series["replication"].append(replication)
                series["week"].append(float(week))
                series["indicator"].append(name)
                series["value"].append(float(value))
    return ChunkResult(job.index, summary, series, failures, time.perf_counter() - started)
