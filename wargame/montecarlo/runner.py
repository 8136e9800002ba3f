"""``monte_carlo``: seeded replications of a scenario in chunks, streamed to disk, resumable.

Why it is built this way (what EMA Workbench and Mesa's batch_run do not give analysts):
- replication ``i`` depends only on (scenario, postures, overrides, seed, i), so results do not
  change with workers, backend, chunk size, completion order or a resume;
- every finished chunk is on disk (Parquet parts + manifest) before the next is counted, so a
  crash loses at most the chunks in flight, memory stays flat in the number of runs, and
  ``resume=True`` reruns only what is missing — refusing a changed configuration;
- a replication that raises is an error row with its seed and traceback, and the batch goes on;
- one batch writes a folder at a time (a lock the OS releases when its holder dies), and a resume
  first checks every part the manifest lists, rerunning any chunk whose part is missing or
  damaged; a resume of a fork checks the saved game is the same game (``fork.journal_hash``).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import numbers
import os
import platform
import sys
import time
from collections.abc import Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from wargame._version import __version__
from wargame.economy.kernel import NUMPY_STEPS_FIRST, warm_up
from wargame.engine.game import Game
from wargame.engine.journal import Journal
from wargame.errors import (
    GameStateError,
    JournalError,
    RequestError,
    ScenarioError,
    SetupError,
    WargameError,
)
from wargame.files import is_regular_file
from wargame.montecarlo.backends import BACKENDS, default_jobs, executor
from wargame.montecarlo.gdp import gdp_columns, scenario_outcomes
from wargame.montecarlo.overrides import apply_overrides
from wargame.montecarlo.progress import Progress, ProgressCallback
from wargame.montecarlo.replication import ChunkJob, ChunkResult, run_chunk
from wargame.montecarlo.results import Results
from wargame.montecarlo.storage import (
    FORMAT,
    KINDS,
    SERIES_SCHEMA,
    FolderLock,
    ResultsError,
    load_manifest,
    part_name,
    prepare_folder,
    read_part,
    remove_unlisted_parts,
    save_manifest,
    series_table,
    summary_schema,
    write_part,
)
from wargame.scenario.loader import load_scenario, scenario_dump, scenario_hash
from wargame.scenario.postures import with_postures
from wargame.scenario.schema import Scenario

TARGET_CHUNK_SECONDS = 3.0
"""About this much work a chunk: each chunk's parts and manifest are written (and fsynced) in
about 50 ms (a Parquet part of series, one of outcomes, the manifest), so 3 s keeps writing
near 2 % of compute."""
CHUNKS_PER_WORKER = 4
"""At least this many chunks per worker where the batch allows, so that no worker is left with
a long last chunk while the others wait (the balance a 2-worker speed-up needs)."""
MAX_CHUNK = 1000
MAX_SERIES = 12
# What must match for a resume to continue a batch rather than mix two.
CONFIG_KEYS = ("scenario", "postures", "overrides", "seed", "runs", "chunk_size", "outcomes",
               "series_indicators", "fork")


def _resolve_scenario(scenario: Scenario | str | Path, postures: list[str],
                      overrides: Mapping[str, Any] | None) -> tuple[Scenario, str]:
    if isinstance(scenario, Scenario):
        loaded, source = scenario, scenario.meta.name
    else:
        loaded, source = load_scenario(scenario), str(scenario)
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


def _timed(job: ChunkJob) -> float:
    started = time.perf_counter()
    run_chunk(job)
    return time.perf_counter() - started


def _chunk_size(job: ChunkJob, runs: int, jobs: int) -> int:
    """Replications per chunk for about ``TARGET_CHUNK_SECONDS`` of work, and (with more than
    one worker) small enough to give each of ``jobs`` workers ``CHUNKS_PER_WORKER`` chunks.

    The work is the faster of the second and third of three timed replications: the first in a
    process prepares the scenario's template, and one of the next may load the compiled network
    kernel (``economy.kernel.NUMPY_STEPS_FIRST``), neither of which a worker pays again. When
    the first (the slowest) already leaves the balance the smaller bound, the other two are not
    run: the answer is the balance's (a showcase's postures each paid them while the workers
    waited). Chunking never changes a result, only how the work is cut."""
    probe = ChunkJob(-1, 0, 1, job.seed, job.scenario_json, job.outcomes, (), job.journal_text,
                     job.at_turn)
    balanced = runs if jobs <= 1 else -(-runs // (CHUNKS_PER_WORKER * jobs))
    timed = [_timed(probe)]
    if round(TARGET_CHUNK_SECONDS / max(timed[0], 1e-4)) >= balanced:
        return max(1, min(MAX_CHUNK, balanced))
    timed += [_timed(probe), _timed(probe)]
    seconds = max(min(timed[1:]), 1e-4)
    by_time = round(TARGET_CHUNK_SECONDS / seconds)
    return max(1, min(MAX_CHUNK, by_time, balanced))


def _check_same_config(old: dict[str, Any], new: dict[str, Any], out: Path) -> None:
    changed = [key for key in CONFIG_KEYS if old.get(key) != new.get(key)]
    if changed:
        details = "; ".join(f"{key}: was {json.dumps(old.get(key))[:80]}, "
                            f"now {json.dumps(new.get(key))[:80]}" for key in changed)
        raise ResultsError(f"{out}: cannot resume: the configuration changed ({details}); "
                           "use a new --out directory, or rerun without --resume to replace it")


# ---- the arguments, checked before anything is read or written ---------------------------------

def _whole(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise RequestError(f"{name} must be a whole number ≥ {low} (got {value!r})")
    return int(value)


def _names(value: Any, name: str, what: str,
           error: type[WargameError] = RequestError) -> list[str]:
    """A list of names from any iterable of str (a str alone is refused: it would be letters).
    ``error``: the class the same mistake raises elsewhere (``with_postures``: ScenarioError)."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise error(f"{name} must be a list of {what} names (got {value!r})")
    names = list(value)
    wrong = [item for item in names if not isinstance(item, str)]
    if wrong:
        raise error(f"{name} must be a list of {what} names (got {wrong[0]!r} in it)")
    return names


def _path(value: Any, name: str) -> Path:
    if isinstance(value, bool) or not isinstance(value, str | os.PathLike) or not str(value) \
            or "\0" in str(value):
        raise RequestError(f"{name} must be the path of a {'folder' if name == 'out' else 'file'}"
                           f" (got {value!r})")
    return Path(value)


def _overrides(value: Any) -> dict[str, Any]:
    """The overrides as a dict; anything wrong in them is a ``ScenarioError``, as a bad ``--set``
    on the command line is (``overrides.parse_assignment``, ``apply_overrides``)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ScenarioError("overrides must be a mapping of scenario paths to values, e.g. "
                           f"{{'rules.cn_blockades.probability': 0.4}} (got {value!r:.80})")
    overrides = dict(value)
    for key, item in overrides.items():
        if not isinstance(key, str):
            raise ScenarioError(f"overrides: each key must be a scenario path as text, e.g. "
                               f"'rules.cn_blockades.probability' (got {key!r})")
        try:
            json.dumps(item, allow_nan=True)
        except (TypeError, ValueError, RecursionError):
            raise ScenarioError(f"overrides: the value for '{key}' must be a number, text, "
                               "true/false, null, or a list or mapping of those (got "
                               f"{type(item).__name__} {item!r:.60})") from None
    return overrides


def _check_progress(value: Any) -> None:
    if value is not None and not isinstance(value, bool) and not callable(value):
        raise RequestError("progress must be None, True, False or a callback(done, total, "
                           f"failures) (got {value!r})")


def _journal_hash(journal: Journal, turn: int) -> str:
    """What a fork's replications depend on: the saved game's journal up to the fork turn (its
    lines as the file holds them). A different game saved at the same path differs here; the
    same game played on past the fork turn and saved again does not."""
    text = journal.upto_turn(turn).text()
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---- damage found on resume ------------------------------------------------------------------

def _drop_damaged_chunks(out: Path, manifest: dict[str, Any]) -> list[int]:
    """Unlist each chunk whose parts are missing or unreadable (they run again); their index."""
    schemas = {"summary": summary_schema(manifest["outcomes"]), "series": SERIES_SCHEMA}
    damaged = []
    for chunk in manifest["chunks"]:
        for kind in KINDS:
            try:
                read_part(out / kind / chunk["file"], schemas[kind], chunk["start"],
                          chunk["stop"], series=kind == "series")
            except ResultsError:
                damaged.append(chunk)
                break
    if not damaged:
        return []
    manifest["chunks"] = [chunk for chunk in manifest["chunks"] if chunk not in damaged]
    return [chunk["index"] for chunk in damaged]


def _keep_listed_failures(manifest: dict[str, Any]) -> None:
    """Failures are those of listed chunks (a chunk run again lists its own again)."""
    listed = [(chunk["start"], chunk["stop"]) for chunk in manifest["chunks"]]
    manifest["failures"] = [failure for failure in manifest["failures"]
                            if any(start <= failure["replication"] < stop
                                   for start, stop in listed)]


def monte_carlo(scenario: Scenario | str | Path | None, runs: int, seed: int = 0,
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
    A wrong argument is a ``RequestError`` naming it (a wrong ``scenario``, ``postures`` or
    ``overrides``, a ``ScenarioError``, as from ``load_scenario``, ``with_postures`` and
    ``--set``); another batch writing ``out`` at the same time, or an ``out`` that is not a
    folder, a ``ResultsError``; a place that cannot be written, an ``OutputError``.
    """
    runs = _whole(runs, "runs", 1)
    seed = _whole(seed, "seed", 0)
    jobs = default_jobs() if jobs is None else _whole(jobs, "jobs", 1)
    out = _path(out, "out")
    postures = _names(postures, "postures", "posture", ScenarioError)
    overrides = _overrides(overrides)
    if backend not in BACKENDS:
        raise RequestError(f"unknown backend {backend!r} (expected one of: "
                           f"{', '.join(BACKENDS)})")
    if address is not None and not isinstance(address, str):
        raise RequestError(f"address must be a Dask scheduler's address as text, e.g. "
                           f"'tcp://scheduler:8786' (got {address!r})")
    if chunk_size is not None:
        chunk_size = _whole(chunk_size, "chunk_size", 1)
    if series is not None:
        series = _names(series, "series", "indicator")
    if not isinstance(resume, bool):
        raise RequestError(f"resume must be True or False (got {resume!r})")
    _check_progress(progress)
    journal_text = None
    fork = None
    if from_journal is not None:
        journal_path = _path(from_journal, "from_journal")
        if at_turn is None:
            raise RequestError("--from needs --at TURN (the turn to continue from)")
        if isinstance(at_turn, bool) or not isinstance(at_turn, numbers.Integral):
            raise RequestError(f"at_turn (--at) must be a whole number (got {at_turn!r})")
        if scenario is not None:
            raise RequestError("give a scenario or from_journal (--from), not both")
        if os.path.exists(journal_path) and not is_regular_file(journal_path):
            raise JournalError(f"{journal_path}: is not a regular file; --from needs a saved "
                               "game's journal (.jsonl)")
        journal = Journal.load(journal_path)
        saved = Game.replay(journal, verify=False)
        at_turn = int(at_turn)
        if not 0 <= at_turn <= saved.turn:
            # as Game.fork: the turns a saved game allows are those it has played
            raise GameStateError(f"--at must be a turn from 0 to {saved.turn} of the saved game "
                               f"(got {at_turn})")
        if postures or overrides:
            raise RequestError("--from continues a saved game as it was: no --posture or --set")
        journal_text = journal.upto_turn(at_turn).text()
        resolved, source = saved.scenario, str(from_journal)
        fork = {"journal": str(from_journal), "journal_hash": _journal_hash(journal, at_turn),
                "turn": at_turn}
    else:
        if at_turn is not None:
            raise RequestError("at_turn (--at) continues a saved game: it needs from_journal "
                               "(--from JOURNAL)")
        if scenario is None or not isinstance(scenario, Scenario | str | os.PathLike):
            raise ScenarioError("scenario must be a Scenario, a scenario file's path or a "
                               f"shipped scenario's name (got {scenario!r})")
        resolved, source = _resolve_scenario(scenario, postures, overrides)
    # the scenario's outcomes, then (with an economy) GDP lost by region and year
    outcomes = list(resolved.outcomes) + gdp_columns(resolved)
    series_names = series if series is not None else _default_series(resolved)
    unknown = [name for name in series_names if name not in resolved.indicators]
    if unknown:
        raise RequestError(f"unknown indicator(s) for --series: "
                           f"{', '.join(name or repr(name) for name in unknown)} "
                           f"(expected some of: {', '.join(resolved.indicators)})")
    # a batch that would load the compiled kernel anyway loads it before timing its chunks,
    # and its workers before their first chunk
    warm = resolved.economy is not None and \
        runs * resolved.meta.horizon_weeks / resolved.meta.tick_weeks >= NUMPY_STEPS_FIRST
    if warm:
        warm_up()
    scenario_json = json.dumps(scenario_dump(resolved), separators=(",", ":"))
    template = ChunkJob(0, 0, 0, seed, scenario_json, tuple(outcomes), tuple(series_names),
                        journal_text, at_turn)

    config = {
        "scenario": {"name": resolved.meta.name, "source": source,
                     "hash": scenario_hash(resolved)},
        "postures": postures, "overrides": overrides, "seed": seed,
        "runs": runs, "outcomes": outcomes, "series_indicators": series_names, "fork": fork,
    }
    shown = progress is None or progress is True  # a callback (a UI) draws its own
    with FolderLock(prepare_folder(out)):
        manifest, chunk_size = _open_batch(out, config, template, chunk_size, resume, shown,
                                           jobs)
        if tuple(manifest["outcomes"]) != template.outcomes:  # an older batch, resumed as it was
            template = dataclasses.replace(template, outcomes=tuple(manifest["outcomes"]))
        manifest.update(backend=backend, jobs=jobs)
        save_manifest(out, manifest)  # listed first, so a kill now never lists a removed part
        # leftovers of a killed run, damaged parts unlisted above, an older batch's parts
        remove_unlisted_parts(out, {chunk["index"] for chunk in manifest["chunks"]})
        _run(out, manifest, template, chunk_size, backend, jobs, address, progress, shown,
             warm)
    return Results(out)


def _open_batch(out: Path, config: dict[str, Any], template: ChunkJob, chunk_size: int | None,
                resume: bool, shown: bool, jobs: int) -> tuple[dict[str, Any], int]:
    """The manifest to continue (a resume, its damaged chunks unlisted) or a new one."""
    if resume and (out / "manifest.json").exists():
        manifest = load_manifest(out)
        if manifest["outcomes"] == scenario_outcomes(config["outcomes"]):
            # written before batches recorded GDP lost by region: its parts have the scenario's
            # outcomes only, and its remaining chunks are run the same way
            config = {**config, "outcomes": manifest["outcomes"]}
        if chunk_size is None:
            chunk_size = manifest["chunk_size"]
        _check_same_config(manifest, {**config, "chunk_size": chunk_size}, out)
        damaged = _drop_damaged_chunks(out, manifest)
        _keep_listed_failures(manifest)
        if damaged and shown:
            print(f"{out}: rebuilding chunk{'s' if len(damaged) > 1 else ''} "
                  f"{', '.join(map(str, damaged))} (a part was missing or damaged)",
                  file=sys.stderr)
    else:  # a new batch, replacing any batch the folder held (its parts are removed)
        chunk_size = chunk_size or _chunk_size(template, config["runs"], jobs)
        manifest = {"format": FORMAT, "engine_version": __version__, **config,
                    "chunk_size": chunk_size, "backend": "", "jobs": 0,
                    "chunks": [], "failures": [],
                    "timings": {"started": time.time(), "compute_seconds": 0.0,
                                "write_seconds": 0.0, "wall_seconds": 0.0},
                    "platform": platform.platform()}
    return manifest, chunk_size


def _run(out: Path, manifest: dict[str, Any], template: ChunkJob, chunk_size: int,
         backend: str, jobs: int, address: str | None,
         progress: ProgressCallback | bool | None, shown: bool, warm: bool) -> None:
    """Run the chunks the manifest does not list, storing each as it finishes (``warm``: the
    workers load the compiled kernel before their first chunk)."""
    runs = manifest["runs"]
    done = {chunk["index"] for chunk in manifest["chunks"]}
    total_chunks = -(-runs // chunk_size)
    # made as they are submitted: a batch of millions of chunks holds only those in flight
    pending = (ChunkJob(index, index * chunk_size, min(runs, (index + 1) * chunk_size),
                        template.seed, template.scenario_json, template.outcomes,
                        template.series, template.journal_text, template.at_turn)
               for index in range(total_chunks) if index not in done)
    schema = summary_schema(manifest["outcomes"])
    callback = progress if callable(progress) else None
    timings = manifest["timings"]
    wall_started = time.perf_counter()
    with Progress(runs, callback=callback, enabled=shown) as bar:
        bar.start_at(sum(chunk["stop"] - chunk["start"] for chunk in manifest["chunks"]))
        with executor(backend, jobs, address, warm=warm) as (pool, workers):
            in_flight: dict[Future, ChunkJob] = {}
            limit = max(2, 2 * workers)
            try:
                job = next(pending, None)
                while job is not None or in_flight:
                    while job is not None and len(in_flight) < limit:
                        in_flight[pool.submit(run_chunk, job)] = job
                        job = next(pending, None)
                    finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                    for future in finished:
                        submitted = in_flight.pop(future)
                        result: ChunkResult = future.result()
                        _store(out, manifest, submitted, result, schema)
                        bar.advance(len(result.summary["replication"]), len(result.failures))
            except BrokenProcessPool:
                raise SetupError(
                    "a worker process died. If you started the batch from a script, put the call "
                    "under `if __name__ == \"__main__\":` (workers re-import your script); "
                    "otherwise rerun with --resume: finished chunks are kept") from None
    timings["wall_seconds"] = timings.get("wall_seconds", 0.0) + time.perf_counter() - wall_started
    timings["finished"] = time.time()
    save_manifest(out, manifest)


def _store(out: Path, manifest: dict[str, Any], job: ChunkJob, result: ChunkResult,
           schema: Any) -> None:
    """Write the chunk's parts, then list them in the manifest (in that order: see storage).
    Timed by the wall (``write_seconds``) and by this thread's CPU (``write_cpu_seconds``: what
    writing takes from the workers on a machine whose cores they keep busy; the rest of the wall
    is fsync waiting for the disk)."""
    started, cpu_started = time.perf_counter(), time.thread_time()
    write_part(out / "summary", job.index, result.summary, schema)
    write_part(out / "series", job.index, series_table(result.series), SERIES_SCHEMA)
    manifest["chunks"].append({"index": job.index, "start": job.start, "stop": job.stop,
                               "file": part_name(job.index),
                               "seconds": round(result.seconds, 6)})
    manifest["chunks"].sort(key=lambda chunk: chunk["index"])
    manifest["failures"].extend(result.failures)
    manifest["failures"].sort(key=lambda failure: failure["replication"])
    timings = manifest["timings"]
    timings["compute_seconds"] = timings.get("compute_seconds", 0.0) + result.seconds
    timings["compute_cpu_seconds"] = timings.get("compute_cpu_seconds", 0.0) + result.cpu_seconds
    save_manifest(out, manifest)
    timings["write_seconds"] = timings.get("write_seconds", 0.0) + time.perf_counter() - started
    timings["write_cpu_seconds"] = (timings.get("write_cpu_seconds", 0.0) + time.thread_time()
                                    - cpu_started)
