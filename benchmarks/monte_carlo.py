"""Monte Carlo throughput, scaling, backend, writing cost and memory, printed in one run.

Figures (the goals are issue 14's), each measured in this run and printed with its goal and
whether it is met. 400 replications of the 10-year weekly reference scenario
(benchmarks/reference-10y.yaml) a timing by default, so that starting workers (spawning,
imports, loading the network kernel: about a second) is not what is timed; each timing prints
the part of its wall spent outside replications. Chunks as the runner sizes them (about 3 s of
work, at least four a worker; ``--chunk-size`` fixes them), printed with each timing.

1. replications/s per core (goal ≥ 100): the 1-worker batch's replications over its wall, and
   over its compute alone; with a profile of where a warm replication's time goes; each batch
   prints a replication's wall and CPU time where it ran (in this process, in the workers);
2. speed-up of 2 workers over 1, same batch (goal ≥ 1.8×);
3. a Dask LocalCluster against the process pool, both 2 workers, same batch (goal ≥ 0.9×;
   includes starting the cluster, as a user's batch does);
4. writing results as a share of compute (goal ≤ 3%), from the 2-worker manifest's timings:
   by the wall, and by CPU time (the parent's writing thread against the workers' CPU);
5. peak memory of a 10k-run batch against a 1k-run batch (goal ≤ 1.2×), each in a fresh
   subprocess (peak RSS), on a light scenario so that 10k runs take seconds, not hours.

Run: ``python benchmarks/monte_carlo.py [--runs N] [--memory-runs N] [--chunk-size N]``.
About a minute and a half on 2 idle cores (the 1-worker batch is 400 replications at ~50-70 ms,
the others about half that, the memory probes ~20 s); the load average is printed before and
after, since a busy core slows every line, the 2-worker ones most.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).parent
REFERENCE = HERE / "reference-10y.yaml"
LIGHT = """
meta: {name: Light, start: 2025-01-06, horizon_weeks: 8, turn_weeks: 4}
teams: {us: {name: US, moves: {wait: {}}}}
indicators: {x: {initial: 0, min: -100, max: 100}}
sources:
  shock: {rate_per_week: 1.0, event: {kind: shock, effects: [{op: shift, indicator: x, by: 1}]}}
outcomes: {final_x: {indicator: x, stat: final}}
"""
MEMORY_PROBE = """
import resource, sys, wargame
wargame.monte_carlo(sys.argv[1], int(sys.argv[2]), seed=1, jobs=1, out=sys.argv[3],
                    chunk_size=250, progress=False)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


GOALS = {"per_core": 100.0, "scaling": 1.8, "dask": 0.9, "writing": 0.03, "memory": 1.2}


def timed_batch(runs: int, jobs: int, out: Path, backend: str = "process",
                chunk_size: int | None = None) -> tuple[float, dict]:
    from wargame.montecarlo.runner import monte_carlo

    started = time.perf_counter()
    results = monte_carlo(REFERENCE, runs, seed=1, jobs=jobs, out=out, backend=backend,
                          chunk_size=chunk_size, progress=False)
    return time.perf_counter() - started, results.manifest


def outside(wall: float, manifest: dict) -> str:
    """The batch's wall time not spent in replications (start-up, scheduling, writing), as a
    share of the wall: compute is summed over workers, so divide it by their number."""
    busy = manifest["timings"]["compute_seconds"] / manifest["jobs"]
    return (f"{max(wall - busy, 0.0):.1f} s of the {wall:.1f} s wall outside replications "
            f"({100 * max(wall - busy, 0.0) / wall:.0f}%), chunks of {manifest['chunk_size']}")


def per_replication(manifest: dict) -> str:
    """A replication's cost where the batch ran it: the wall (what the chunks' timing measures)
    and the CPU time of the process running it; a wall above the CPU is a worker waiting for a
    core (the other worker, the parent, other load)."""
    timings, runs = manifest["timings"], manifest["runs"]
    cpu = timings.get("compute_cpu_seconds")
    cpu_text = f", {1000 * cpu / runs:.1f} ms CPU" if cpu is not None else ""
    return f"{1000 * timings['compute_seconds'] / runs:.1f} ms wall{cpu_text} a replication"


def profile_one() -> str:
    from wargame import Game, load_scenario
    from wargame.economy import kernel

    kernel.warm_up()  # as a batch worker does: the profile is of a warm replication
    scenario = load_scenario(REFERENCE)
    Game(scenario, seed=2).run()
    profile = cProfile.Profile()
    profile.enable()
    Game(scenario, seed=3).run()
    profile.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream).sort_stats("tottime")
    stats.print_stats(5)
    lines = [line for line in stream.getvalue().splitlines()
             if "(" in line and ":" in line and not line.strip().startswith("ncalls")]
    return "\n".join(f"      {line.strip()}" for line in lines[:5])


def peak_rss_kb(scenario: Path, runs: int, out: Path) -> int:
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(scenario), str(runs),
                           str(out)], capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1])


def verdict(value: float, goal: float, at_most: bool = False) -> str:
    met = value <= goal if at_most else value >= goal
    return "met" if met else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400,
                        help="replications per timing (default 400)")
    parser.add_argument("--memory-runs", type=int, default=10_000)
    parser.add_argument("--chunk-size", type=int, default=None,
                        help="replications a chunk (default: the runner's own sizing)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wargame-bench-"))
    runs = args.runs
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; "
          f"{runs} replications of {REFERENCE.name} a batch")

    one, manifest_one = timed_batch(runs, 1, work / "one", chunk_size=args.chunk_size)
    per_core = runs / one
    per_core_compute = runs / manifest_one["timings"]["compute_seconds"]
    print(f"1. reference scenario (10 years, weekly), 1 worker: {per_core:.1f} replications/s "
          f"per core over the wall, {per_core_compute:.1f} over compute alone "
          f"({1000 / per_core_compute:.0f} ms each); goal ≥ {GOALS['per_core']:.0f}: "
          f"{per_core / GOALS['per_core']:.2f}× the goal, "
          f"{verdict(per_core, GOALS['per_core'])}")
    print(f"   {outside(one, manifest_one)}")
    print(f"   in this process: {per_replication(manifest_one)}")
    print("   where a replication's time goes (top functions by own time):")
    print(profile_one())

    two, manifest_two = timed_batch(runs, 2, work / "two", chunk_size=args.chunk_size)
    print(f"2. 2 workers: {runs / two:.1f} replications/s, speed-up {one / two:.2f}× over 1 "
          f"worker (goal ≥ {GOALS['scaling']}×: {verdict(one / two, GOALS['scaling'])})")
    print(f"   {outside(two, manifest_two)}")
    print(f"   in the workers: {per_replication(manifest_two)} (in-process: "
          f"{per_replication(manifest_one)})")

    try:
        dask_time, manifest_dask = timed_batch(runs, 2, work / "dask", backend="dask",
                                               chunk_size=args.chunk_size)
        print(f"3. Dask LocalCluster (2 workers): {runs / dask_time:.1f} replications/s, "
              f"{two / dask_time:.2f}× the process pool (goal ≥ {GOALS['dask']}×: "
              f"{verdict(two / dask_time, GOALS['dask'])}; includes starting the cluster)")
        print(f"   {outside(dask_time, manifest_dask)}")
        print(f"   in the Dask workers: {per_replication(manifest_dask)}")
    except Exception as exc:  # the extra may be absent
        print(f"3. Dask LocalCluster: not measured ({exc})")

    timings = manifest_two["timings"]
    share = timings["write_seconds"] / timings["compute_seconds"]
    print(f"4. writing results: {100 * share:.2f}% of compute "
          f"({timings['write_seconds']:.3f} s writing, {timings['compute_seconds']:.2f} s "
          f"computing, 2 workers); goal ≤ {100 * GOALS['writing']:.0f}%: "
          f"{verdict(share, GOALS['writing'], at_most=True)}")
    if "write_cpu_seconds" in timings:  # not in a manifest from before these were timed
        cpu_share = timings["write_cpu_seconds"] / timings["compute_cpu_seconds"]
        print(f"   in CPU time (what writing takes from the workers; the rest of its wall is "
              f"fsync waiting for the disk while the workers compute the next chunks): "
              f"{100 * cpu_share:.2f}% ({timings['write_cpu_seconds']:.3f} s of "
              f"{timings['compute_cpu_seconds']:.2f} s); "
              f"{verdict(cpu_share, GOALS['writing'], at_most=True)}")

    light = work / "light.yaml"
    light.write_text(LIGHT, encoding="utf-8")
    small = peak_rss_kb(light, args.memory_runs // 10, work / "mem-small")
    large = peak_rss_kb(light, args.memory_runs, work / "mem-large")
    print(f"5. peak memory: {large / 1024:.0f} MB at {args.memory_runs} runs against "
          f"{small / 1024:.0f} MB at {args.memory_runs // 10}: {large / small:.2f}× "
          f"(goal ≤ {GOALS['memory']}×: {verdict(large / small, GOALS['memory'], at_most=True)}; "
          "light scenario, in-process)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
