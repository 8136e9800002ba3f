"""Monte Carlo throughput, scaling, backend, writing cost and memory, printed in one run.

Figures (the goals are issue 14's). 400 replications a timing by default, so that starting
workers (about a second) is not what is timed; chunks as the runner sizes them (about 3 s of
work, at least four a worker), printed with each timing. About two minutes on 2 cores.

1. replications/s per core on the 10-year weekly reference scenario (benchmarks/reference-10y.yaml;
   goal ≥ 100), with a profile of where a replication's time goes;
2. speed-up of 2 workers over 1 (goal ≥ 1.8×);
3. a Dask LocalCluster against the process pool, both 2 workers (goal ≥ 0.9×);
4. writing results as a share of compute (goal ≤ 3%), from the manifest's timings;
5. peak memory of a 10k-run batch against a 1k-run batch (goal ≤ 1.2×), each in a fresh
   subprocess (peak RSS), on a light scenario so that 10k runs take seconds, not hours.

Run: ``python benchmarks/monte_carlo.py [--runs N] [--memory-runs N]``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
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


def timed_batch(runs: int, jobs: int, out: Path, backend: str = "process") -> tuple[float, dict]:
    import wargame

    started = time.perf_counter()
    results = wargame.monte_carlo(REFERENCE, runs, seed=1, jobs=jobs, out=out, backend=backend,
                                  progress=False)
    return time.perf_counter() - started, results.manifest


def profile_one() -> str:
    from wargame import Game, load_scenario

    scenario = load_scenario(REFERENCE)
    profile = cProfile.Profile()
    profile.enable()
    Game(scenario, seed=3).run()
    profile.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream).sort_stats("tottime")
    stats.print_stats(5)
    lines = [line for line in stream.getvalue().splitlines() if "(" in line and ":" in line]
    return "\n".join(f"      {line.strip()}" for line in lines[:5])


def peak_rss_kb(scenario: Path, runs: int, out: Path) -> int:
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE, str(scenario), str(runs),
                           str(out)], capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=400,
                        help="replications per timing (default 400)")
    parser.add_argument("--memory-runs", type=int, default=10_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wargame-bench-"))

    one, _ = timed_batch(args.runs, 1, work / "one")
    per_core = args.runs / one
    print(f"1. reference scenario (10 years, weekly): {per_core:.1f} replications/s per core "
          f"({1000 / per_core:.0f} ms each; goal ≥ 100/s)")
    print("   where a replication's time goes (top functions by own time):")
    print(profile_one())

    two, manifest_two = timed_batch(args.runs, 2, work / "two")
    print(f"2. 2 workers: {args.runs / two:.1f} replications/s, speed-up {one / two:.2f}× "
          f"(goal ≥ 1.8×; includes starting 2 spawned workers; chunks of "
          f"{manifest_two['chunk_size']})")

    try:
        dask_time, _ = timed_batch(args.runs, 2, work / "dask", backend="dask")
        print(f"3. Dask LocalCluster (2 workers): {args.runs / dask_time:.1f} replications/s, "
              f"{two / dask_time:.2f}× the process pool (goal ≥ 0.9×; includes starting the "
              "cluster)")
    except Exception as exc:  # the extra may be absent
        print(f"3. Dask LocalCluster: not measured ({exc})")

    timings = manifest_two["timings"]
    share = timings["write_seconds"] / timings["compute_seconds"]
    print(f"4. writing results: {100 * share:.2f}% of compute "
          f"({timings['write_seconds']:.3f} s writing, {timings['compute_seconds']:.2f} s "
          "computing; goal ≤ 3%)")

    light = work / "light.yaml"
    light.write_text(LIGHT, encoding="utf-8")
    small = peak_rss_kb(light, args.memory_runs // 10, work / "mem-small")
    large = peak_rss_kb(light, args.memory_runs, work / "mem-large")
    print(f"5. peak memory: {large / 1024:.0f} MB at {args.memory_runs} runs against "
          f"{small / 1024:.0f} MB at {args.memory_runs // 10}: {large / small:.2f}× "
          "(goal ≤ 1.2×; light scenario, in-process)")


if __name__ == "__main__":
    main()
