"""``monte_carlo``: seeded replications of a scenario in chunks, streamed to disk, resumable.

Why it is built this way (what EMA Workbench and Mesa's batch_run do not give analysts):
- replication ``i`` depends only on (scenario, postures, overrides, seed, i), so results do not
  change with workers, backend, chunk size, completion order or a resume;
- every finished chunk is on disk (Parquet parts + manifest) before the next is counted, so a
  crash loses at most the chunks in flight, memory stays flat in the number of runs, and
  ``resume=True`` reruns only what is missing — refusing a changed configuration;
- a replication that raises is an error row with its seed and traceback, and the batch goes on.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from wargame._version import __version__
from wargame.engine.game import Game
from wargame.engine.journal import Journal
from wargame.errors import WargameError
from wargame.montecarlo.backends import default_jobs, executor
from wargame.montecarlo.overrides import apply_overrides
from wargame.montecarlo.progress import Progress, ProgressCallback
from wargame.montecarlo.replication import ChunkJob, ChunkResult, run_chunk
from wargame.montecarlo.results import Results
from wargame.montecarlo.storage import (
    FORMAT,
    SERIES_SCHEMA,
    ResultsError,
    load_manifest,
    part_name,
    remove_unlisted_parts,
    save_manifest,
    summary_schema,
    write_part,
)
from wargame.scenario.loader import load_scenario, scenario_dump, scenario_hash
from wargame.scenario.postures import with_postures
from wargame.scenario.schema import Scenario

TARGET_CHUNK_SECONDS = 1.0
MAX_CHUNK = 1000
MAX_SERIES = 12
# What must match for a resume to continue a batch rather than mix two.
CONFIG_KEYS = ("scenario", "postures", "overrides", "seed", "runs", "chunk_size", "outcomes",
               "series_indicators", "fork")


def _resolve_scenario(scenario: Scenario | str | Path, postures: Iterable[str],
                      overrides: Mapping[str, Any] | None) -> tuple[Scenario, str]:
    if isinstance(scenario, Scenario):
        loaded, source = scenario, scenario.meta.name
    else:
        loaded, source = load_scenario(scenario), str(scenario)
    postures = list(postures)
    if postures:
        loaded = with_postures(loaded, postures)
    return apply_overrides(loaded, overrides), source


def _default_series(scenario: Scenario) -> list[str]:
    """The indicators the outcomes are measured on, in outcome order, at most ``MAX_SERIES``."""
    chosen: list[str] = []
    for outcome in scenario.outcomes.values():
        indicator = getattr(outcome, "indicator", None)
        if indicator and indicator not in chosen:
            chosen.append(indicator)
    return chosen[:MAX_SERIES]


def _chunk_size(job: ChunkJob) -> int:
    """Replications per chunk for about a second of work, from one timed replication."""
    started = time.perf_counter()
    run_chunk(ChunkJob(-1, 0, 1, job.seed, job.scenario_json, job.outcomes, (),
                       job.journal_text, job.at_turn))
    seconds = max(time.perf_counter() - started, 1e-4)
    return max(1, min(MAX_CHUNK, round(TARGET_CHUNK_SECONDS / seconds)))


def _check_same_config(old: dict[str, Any], new: dict[str, Any], out: Path) -> None:
    changed = [key for key in CONFIG_KEYS if old.get(key) != new.get(key)]
    if changed:
        details = "; ".join(f"{key}: was {json.dumps(old.get(key))[:80]}, "
                            f"now {json.dumps(new.get(key))[:80]}" for key in changed)
        raise ResultsError(f"{out}: cannot resume: the configuration changed ({details}); "
                           "use a new --out directory, or rerun without --resume to replace it")


def monte_carlo(scenario: Scenario | str | Path, runs: int, seed: int = 0,
                jobs: int | None = None, *, out: str | Path, postures: Iterable[str] = (),
                overrides: Mapping[str, Any] | None = None, backend: str = "process",
                address: str | None = None, chunk_size: int | None = None,
                series: Iterable[str] | None = None, resume: bool = False,
                progress: ProgressCallback | bool | None = None,
                from_journal: str | Path | None = None, at_turn: int | None = None) -> Results:
    """Run ``runs`` replications of a scenario with its doctrines, writing results under ``out``.

    ``postures`` and ``overrides`` (``{"rules.cn_blockades.probability": 0.4}``) are applied to
    the scenario first; two batches with the same ``seed`` and ``runs`` share replication seeds
    (common random numbers), so ``compare`` pairs them. With ``from_journal`` and ``at_turn`` each
    replication continues that saved game from the end of that turn, every team automated.
    ``progress``: None or True (a bar on a terminal, else log lines on stderr), False (quiet),
    or ``callback(done, total, failures)`` (called after every chunk, nothing printed).
    """
    if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
        raise WargameError(f"runs must be a whole number ≥ 1 (got {runs!r})")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise WargameError(f"seed must be a whole number ≥ 0 (got {seed!r})")
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise WargameError(f"jobs must be ≥ 1 (got {jobs})")
    out = Path(out)
    journal_text = None
    fork = None
    if from_journal is not None:
        if at_turn is None:
            raise WargameError("--from needs --at TURN (the turn to continue from)")
        journal = Journal.load(from_journal)
        saved = Game.replay(journal, verify=False)
        if isinstance(at_turn, bool) or not 0 <= at_turn <= saved.turn:
            raise WargameError(f"--at must be a turn from 0 to {saved.turn} of the saved game "
                               f"(got {at_turn})")
        if postures or overrides:
            raise WargameError("--from continues a saved game as it was: no --posture or --set")
        journal_text = "\n".join(journal.lines()) + "\n"
        resolved, source = saved.scenario, str(from_journal)
        fork = {"journal": str(from_journal), "journal_hash": scenario_hash(resolved),
                "turn": at_turn}
    else:
        resolved, source = _resolve_scenario(scenario, postures, overrides)
    outcomes = list(resolved.outcomes)
    series_names = list(series) if series is not None else _default_series(resolved)
    unknown = [name for name in series_names if name not in resolved.indicators]
    if unknown:
        raise WargameError(f"unknown indicator(s) for --series: {', '.join(unknown)} "
                           f"(expected some of: {', '.join(resolved.indicators)})")
    scenario_json = json.dumps(scenario_dump(resolved), separators=(",", ":"))
    template = ChunkJob(0, 0, 0, seed, scenario_json, tuple(outcomes), tuple(series_names),
                        journal_text, at_turn)

    config = {
        "scenario": {"name": resolved.meta.name, "source": source,
                     "hash": scenario_hash(resolved)},
        "postures": list(postures), "overrides": dict(overrides or {}), "seed": seed,
        "runs": runs, "outcomes": outcomes, "series_indicators": series_names, "fork": fork,
    }
    manifest_path = out / "manifest.json"
    if resume and manifest_path.exists():
        manifest = load_manifest(out)
        if chunk_size is None:
            chunk_size = manifest.get("chunk_size")
        _check_same_config(manifest, {**config, "chunk_size": chunk_size}, out)
    else:
        if manifest_path.exists() and not resume:
            for kind in ("summary", "series"):
                for old in (out / kind).glob("part-*.parquet"):
                    old.unlink()
        chunk_size = chunk_size or _chunk_size(template)
        manifest = {"format": FORMAT, "engine_version": __version__, **config,
                    "chunk_size": chunk_size, "backend": backend, "jobs": jobs,
                    "chunks": [], "failures": [],
                    "timings": {"started": time.time(), "compute_seconds": 0.0,
                                "write_seconds": 0.0, "wall_seconds": 0.0},
                    "platform": platform.platform()}
    if chunk_size < 1:
        raise WargameError(f"chunk size must be ≥ 1 (got {chunk_size})")
    out.mkdir(parents=True, exist_ok=True)
    done = {chunk["index"] for chunk in manifest["chunks"]}
    remove_unlisted_parts(out, done)
    manifest.update(backend=backend, jobs=jobs)
    save_manifest(out, manifest)

    total_chunks = -(-runs // chunk_size)
    pending = [index for index in range(total_chunks) if index not in done]
    jobs_for = {index: ChunkJob(index, index * chunk_size, min(runs, (index + 1) * chunk_size),
                                seed, scenario_json, tuple(outcomes), tuple(series_names),
                                journal_text, at_turn) for index in pending}
    schema = summary_schema(outcomes)
    callback = progress if callable(progress) else None
    shown = progress is None or progress is True  # a callback (a UI) draws its own
    wall_started = time.perf_counter()
    with Progress(runs, callback=callback, enabled=shown) as bar:
        bar.start_at(sum(chunk["stop"] - chunk["start"] for chunk in manifest["chunks"]))
        with executor(backend, jobs, address) as (pool, workers):
            in_flight: dict[Future, int] = {}
            queue = list(pending)
            limit = max(2, 2 * workers)
            try:
                while queue or in_flight:
                    while queue and len(in_flight) < limit:
                        index = queue.pop(0)
                        in_flight[pool.submit(run_chunk, jobs_for[index])] = index
                    finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in finished:
                        in_flight.pop(future)
                        result: ChunkResult = future.result()
                        _store(out, manifest, jobs_for[result.index], result, schema)
                        bar.advance(len(result.summary["replication"]), len(result.failures))
            except BrokenProcessPool:
                raise WargameError(
                    "a worker process died. If you started the batch from a script, put the call "
                    "under `if __name__ == \"__main__\":` (workers re-import your script); "
                    "otherwise rerun with --resume: finished chunks are kept") from None
    manifest["timings"]["wall_seconds"] += time.perf_counter() - wall_started
    manifest["timings"]["finished"] = time.time()
    save_manifest(out, manifest)
    return Results(out)


def _store(out: Path, manifest: dict[str, Any], job: ChunkJob, result: ChunkResult,
           schema: Any) -> None:
    """Write the chunk's parts, then list them in the manifest (in that order: see storage)."""
    started = time.perf_counter()
    write_part(out / "summary", job.index, result.summary, schema)
    write_part(out / "series", job.index, result.series, SERIES_SCHEMA)
    manifest["chunks"].append({"index": job.index, "start": job.start, "stop": job.stop,
                               "file": part_name(job.index),
                               "seconds": round(result.seconds, 6)})
    manifest["chunks"].sort(key=lambda chunk: chunk["index"])
    manifest["failures"].extend(result.failures)
    manifest["failures"].sort(key=lambda failure: failure["replication"])
    timings = manifest["timings"]
    timings["compute_seconds"] += result.seconds
    save_manifest(out, manifest)
    timings["write_seconds"] += time.perf_counter() - started
