"""How long ``wargame showcase`` takes, and where its default run count comes from.

Run: ``python benchmarks/showcase.py [--runs N] [--jobs J]``. Prints the median cost of one
replication of status-quo-2022 under each US posture (one core, in-process), the showcase's
wall time for N runs a posture on J workers (written to a temp dir), and the wall time that
projects to the default run count, against the goal (issue 14): the default showcase (3 postures
× 200 runs) on 2 cores in ≤ 8 s of wall time, measured in this run. The machine's load average
is printed too: on a shared machine the figures are only as good as the idle cores. So is the
CPU time the showcase used (this process and its workers, ``getrusage``) and the wall that makes
on J idle cores kept busy (CPU / J): a bound the wall cannot beat, which other processes on the
machine do not move.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import tempfile
import time

from wargame import Game, load_scenario
from wargame.montecarlo.showcase import DEFAULT_RUNS, POSTURES, SCENARIO, showcase
from wargame.scenario.postures import with_postures

GOAL_SECONDS = 8.0
"""The default showcase's wall time on 2 cores (issue 14)."""


def replication_seconds(posture: str, repeat: int) -> float:
    scenario = with_postures(load_scenario(SCENARIO), [posture])
    times = []
    for seed in range(repeat):
        start = time.perf_counter()
        Game(scenario, seed=seed).run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _cpu_seconds() -> float:
    """User and system CPU of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for posture in POSTURES:
        seconds = replication_seconds(posture, args.repeat)
        print(f"one replication, {posture:<28} {seconds * 1e3:8.1f} ms")
    with tempfile.TemporaryDirectory() as out:
        cpu_before = _cpu_seconds()
        start = time.perf_counter()
        showcase(args.runs, jobs=args.jobs, out=out, progress=False, stream=io.StringIO())
        wall = time.perf_counter() - start
        cpu = _cpu_seconds() - cpu_before  # the pool's workers have ended: they are counted
    print(f"showcase, {args.runs} runs a posture on {args.jobs} workers: {wall:.1f} s wall "
          f"(projected for the default {DEFAULT_RUNS}: {wall * DEFAULT_RUNS / args.runs:.1f} s)")
    projected = wall * DEFAULT_RUNS / args.runs
    print(f"CPU time: {cpu:.1f} s (this process and its workers), {cpu / args.jobs:.1f} s on "
          f"{args.jobs} cores kept busy: the wall on an idle machine cannot be less")
    verdict = "met" if projected <= GOAL_SECONDS else "not met"
    cores = "" if args.jobs == 2 else f"; measured on {args.jobs} workers, the goal is for 2"
    print(f"goal: {len(POSTURES)} postures × {DEFAULT_RUNS} on 2 cores in ≤ {GOAL_SECONDS:g} s "
          f"wall: {projected:.1f} s, {verdict} ({projected / GOAL_SECONDS:.2f}× the goal{cores})")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
