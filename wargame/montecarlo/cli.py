"""The batch commands: ``mc``, ``summary``, ``compare``, ``plot`` and ``showcase``.

``add_parser`` registers them on the main CLI. Heavy imports (pyarrow, matplotlib) happen inside
the commands, so ``wargame --help`` and the other commands stay fast.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from wargame.errors import WargameError


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

    summary = subparsers.add_parser("summary", help="mean, sd, percentiles and 95%% CI per "
                                                    "outcome of a results directory")
    summary.add_argument("directory", metavar="DIR")
    summary.add_argument("--csv", metavar="FILE", help="also write the table as CSV")
    summary.set_defaults(func=cmd_summary)

    comparison = subparsers.add_parser(
        "compare", help="differences of outcomes against the first directory, with 95%% CIs")
    comparison.add_argument("directories", nargs="+", metavar="DIR")
    comparison.add_argument("--csv", metavar="FILE", help="also write the table as CSV")
    comparison.set_defaults(func=cmd_compare)

    plot = subparsers.add_parser("plot", help="fan charts, distributions and comparisons as PNG")
    plot.add_argument("directories", nargs="+", metavar="DIR")
    plot.add_argument("--out", metavar="DIR", help="where to write (default: DIR/plots)")
    plot.add_argument("--indicator", action="append", metavar="NAME",
                      help="fan chart of this indicator (default: every recorded series)")
    plot.set_defaults(func=cmd_plot)

    show = subparsers.add_parser(
        "showcase", help="the three US postures of the seed texts compared on the default scenario")
    show.add_argument("--runs", type=int, default=None, metavar="N",
                      help="replications per posture (default 200)")
    show.add_argument("--seed", type=int, default=0)
    show.add_argument("--jobs", type=int, metavar="J")
    show.add_argument("--out", default="wargame-showcase", metavar="DIR")
    show.add_argument("--quiet", action="store_true")
    show.set_defaults(func=cmd_showcase)


def _overrides(assignments: list[str]) -> dict[str, Any]:
    from wargame.montecarlo.overrides import parse_assignment

    return dict(parse_assignment(text) for text in assignments)


def cmd_mc(args: argparse.Namespace) -> int:
    from wargame.montecarlo.runner import monte_carlo

    if args.from_journal is None and args.scenario is None:
        raise WargameError("mc needs a SCENARIO (or --from JOURNAL --at TURN)")
    if args.from_journal is not None and args.scenario is not None:
        raise WargameError("give a SCENARIO or --from JOURNAL, not both")
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
        from wargame.montecarlo.design import design_from_args, run_design

        design = design_from_args(args.sweep, args.lhs, args.sobol, args.seed)
        print(f"{design.kind} design: {len(design.points)} points × {args.runs} replications")
        run_design(design, lambda point, directory: run(point, directory), Path(args.out))
        print(f"wrote {args.out} (design.json, points/NNN/); `wargame summary {args.out}`")
        return 0
    results = run({}, Path(args.out))
    manifest = results.manifest
    failed = len(manifest["failures"])
    print(f"wrote {results.path}: {manifest['runs']} replications of "
          f"{manifest['scenario']['name']} in {len(manifest['chunks'])} chunks"
          f"{f', {failed} failed (see manifest.json)' if failed else ''}")
    from wargame.montecarlo.report import summary_lines

    for line in summary_lines(results.summary()):
        print(f"  {line}")
    return 0


def _write_csv(path: str, records: list[dict[str, Any]]) -> None:
    from wargame.engine.journal import save_text_atomic

    if not records:
        return
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]))
    writer.writeheader()
    writer.writerows(records)
    save_text_atomic(Path(path), buffer.getvalue())
    print(f"wrote {path}")


def cmd_summary(args: argparse.Namespace) -> int:
    from wargame.montecarlo.analysis import as_records, summarise
    from wargame.montecarlo.design import DESIGN_FILE, load_design, point_means, sobol_indices
    from wargame.montecarlo.report import number, summary_lines
    from wargame.montecarlo.results import Results
    from wargame.text import table

    directory = Path(args.directory)
    if (directory / DESIGN_FILE).exists():
        design, points = load_design(directory)
        outcomes = points[0].outcome_names if points else []
        print(f"{design.kind} design over {', '.join(design.parameters)}: "
              f"{len(points)} points (means of each outcome)")
        rows = [(str(n), *(number(value) for value in point.values()),
                 *(number(point_means(results, name)) for name in outcomes))
                for n, (point, results) in enumerate(zip(design.points, points, strict=True))]
        for line in table(rows, ("point", *design.parameters, *outcomes)):
            print(f"  {line}")
        records = [{"point": n, **point, **{name: point_means(results, name) for name in outcomes}}
                   for n, (point, results) in enumerate(zip(design.points, points, strict=True))]
        if design.kind == "sobol":
            print("\nSobol indices (first order S1, total ST, ± 95% conf.)")
            for name in outcomes:
                for row in sobol_indices(design, points, name):
                    print(f"  {name:<28} {row['parameter']:<40} S1 {row['S1']:+.3f} "
                          f"± {row['S1_conf']:.3f}  ST {row['ST']:+.3f} ± {row['ST_conf']:.3f}")
        if args.csv:
            _write_csv(args.csv, records)
        return 0
    results = Results(directory)
    manifest = results.manifest
    done = sum(chunk["stop"] - chunk["start"] for chunk in manifest["chunks"])
    print(f"{manifest['scenario']['name']} · {done}/{manifest['runs']} replications · seed "
          f"{manifest['seed']}" + (f" · postures {', '.join(manifest['postures'])}"
                                   if manifest["postures"] else "")
          + (f" · overrides {json.dumps(manifest['overrides'])}" if manifest["overrides"] else "")
          + (f" · {len(manifest['failures'])} failed" if manifest["failures"] else ""))
    rows = summarise(results)
    for line in summary_lines(rows):
        print(f"  {line}")
    if args.csv:
        _write_csv(args.csv, as_records(rows))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from wargame.montecarlo.analysis import as_records, compare
    from wargame.montecarlo.report import comparison_lines
    from wargame.montecarlo.results import Results

    batches = [Results(directory) for directory in args.directories]
    rows = compare(batches)
    print(f"baseline: {batches[0].path} ({batches[0].label})")
    for line in comparison_lines(rows):
        print(f"  {line}")
    if args.csv:
        _write_csv(args.csv, as_records(rows))
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from wargame.montecarlo.plots import plot_all
    from wargame.montecarlo.results import Results

    batches = [Results(directory) for directory in args.directories]
    out = Path(args.out) if args.out else batches[0].path / "plots"
    for path in plot_all(batches, out, args.indicator):
        print(path)
    return 0


def cmd_showcase(args: argparse.Namespace) -> int:
    from wargame.montecarlo.showcase import DEFAULT_RUNS, showcase

    showcase(args.runs or DEFAULT_RUNS, args.seed, args.jobs, args.out,
             progress=False if args.quiet else None, stream=sys.stdout)
    return 0
