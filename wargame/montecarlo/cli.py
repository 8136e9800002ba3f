"""The batch command ``mc`` (``summary``, ``compare``, ``plot`` and ``showcase`` are in
``analysis_cli``).

``add_parser`` registers it on the main CLI. Heavy imports (pyarrow, matplotlib) happen inside
the commands, so ``wargame --help`` and the other commands stay fast.

Ctrl-C (SIGINT) and SIGTERM (a job scheduler, ``kill``, a container stopping) stop a batch the same
way: the workers are stopped, the chunks already written stay listed, and the command says how to
finish with ``--resume`` and exits with 128 + the signal's number (130, 143).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wargame.errors import RequestError, WargameError


class Interrupted(KeyboardInterrupt):
    """A batch stopped by a signal (a ``KeyboardInterrupt``, so every cleanup path treats Ctrl-C
    and SIGTERM alike)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise ``Interrupted`` once; a second one while the batch is stopping
    is ignored, so the stopping itself is never cut short."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised = False

    def handler(signum: int, _frame: Any) -> None:
        nonlocal raised
        if not raised:
            raised = True
            raise Interrupted(signum)

    previous: dict[int, Callable[..., Any] | int | None] = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, handler)
    try:
        yield
    finally:
        for number, old in previous.items():
            signal.signal(number, old if old is not None else signal.SIG_DFL)


def _interrupted(exc: KeyboardInterrupt, out: Path) -> int:
    """Say what was kept and how to go on; the exit code of a process ended by the signal."""
    from wargame.montecarlo.results import Results

    signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
    try:
        results = Results(out)
        kept = f"{results.done} of {results.runs} replications are saved in {out}"
    except WargameError:
        kept = f"finished chunks are saved in {out}"
    print(f"interrupted ({signal.Signals(signum).name}): {kept}; run the same command with "
          "--resume to finish the batch", file=sys.stderr)
    return 128 + int(signum)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    mc = subparsers.add_parser(
        "mc", help="run seeded replications of a scenario in parallel, streamed to Parquet",
        description="Run N replications of a scenario with its doctrines (replication i uses "
                    "SeedSequence(seed, spawn_key=(i,))) and write Parquet parts and a manifest "
                    "to --out. Batches with the same --seed and --runs share seeds.")
    mc.add_argument("scenario", nargs="?", help="scenario file or shipped name (not with --from)")
    mc.add_argument("--runs", type=int, required=True, metavar="N")
    mc.add_argument("--seed", type=int, default=0, metavar="S")
    mc.add_argument("--jobs", type=int, metavar="J", help="workers (default: all cores; 1: here)")
    mc.add_argument("--out", required=True, metavar="DIR", help="results directory")
    mc.add_argument("--posture", action="append", default=[], metavar="P",
                    help="apply a named posture (repeatable, one a team)")
    mc.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", dest="sets",
                    help="override a scenario value, e.g. rules.cn_blockades.probability=0.4")
    mc.add_argument("--series", metavar="A,B,...",
                    help="indicators to record weekly (default: those the outcomes use)")
    mc.add_argument("--backend", choices=("process", "dask"), default="process")
    mc.add_argument("--address", metavar="URL", help="Dask scheduler (default: a LocalCluster)")
    mc.add_argument("--chunk-size", type=int, metavar="K",
                    help="replications per chunk (default: about a second of work)")
    mc.add_argument("--resume", action="store_true", help="run only the chunks not yet on disk")
    mc.add_argument("--from", dest="from_journal", metavar="JOURNAL",
                    help="continue a saved game (with --at TURN) instead of starting a scenario")
    mc.add_argument("--at", type=int, dest="at_turn", metavar="TURN")
    mc.add_argument("--sweep", action="append", default=[], metavar="PATH=LO:HI[:N]",
                    help="a design over a parameter: a grid (with N), or a range for "
                         "--lhs/--sobol")
    mc.add_argument("--lhs", type=int, metavar="N", help="Latin hypercube of N points")
    mc.add_argument("--sobol", type=int, metavar="N",
                    help="Sobol design (N a power of 2; needs the sensitivity extra)")
    mc.add_argument("--quiet", action="store_true", help="no progress output")
    mc.set_defaults(func=cmd_mc)


def _overrides(assignments: list[str]) -> dict[str, Any]:
    from wargame.montecarlo.overrides import parse_assignment

    return dict(parse_assignment(text) for text in assignments)


def cmd_mc(args: argparse.Namespace) -> int:
    from wargame.montecarlo.runner import monte_carlo

    if args.from_journal is None and args.scenario is None:
        raise RequestError("mc needs a SCENARIO (or --from JOURNAL --at TURN)")
    if args.from_journal is not None and args.scenario is not None:
        raise RequestError("give a SCENARIO or --from JOURNAL, not both")
    series = [name.strip() for name in args.series.split(",")] if args.series else None
    overrides = _overrides(args.sets)
    progress = False if args.quiet else None

    def run(extra: dict[str, Any], out: Path):
        return monte_carlo(args.scenario, args.runs, args.seed, args.jobs, out=out,
                           postures=args.posture, overrides={**overrides, **extra},
                           backend=args.backend, address=args.address,
                           chunk_size=args.chunk_size, series=series, resume=args.resume,
                           progress=progress, from_journal=args.from_journal,
                           at_turn=args.at_turn)

    if args.sweep or args.lhs or args.sobol:
        from wargame.montecarlo.backends import default_jobs, shared_executor
        from wargame.montecarlo.design import design_from_args, run_design

        design = design_from_args(args.sweep, args.lhs, args.sobol, args.seed)
        print(f"{design.kind} design: {len(design.points)} points × {args.runs} replications")
        jobs = default_jobs() if args.jobs is None else args.jobs
        try:
            with _stopped_by_signals(), shared_executor(args.backend, jobs, args.address):
                run_design(design, lambda point, directory: run(point, directory),
                           Path(args.out))
        except KeyboardInterrupt as exc:
            return _interrupted(exc, Path(args.out))
        print(f"wrote {args.out} (design.json, points/NNN/); `wargame summary {args.out}`")
        return 0
    try:
        with _stopped_by_signals():
            results = run({}, Path(args.out))
    except KeyboardInterrupt as exc:
        return _interrupted(exc, Path(args.out))
    manifest = results.manifest
    failed = results.failed
    print(f"wrote {results.path}: {manifest['runs']} replications of "
          f"{manifest['scenario']['name']} in {len(manifest['chunks'])} chunks"
          f"{f', {failed} failed (see manifest.json)' if failed else ''}")
    from wargame.montecarlo.report import failure_lines, summary_blocks

    rows = results.summary()
    for line in summary_blocks(results, rows):
        print(f"  {line}" if line else "")
    for line in failure_lines(results, rows):
        print(f"  {line}")
    return 0
