"""The analysis commands: ``summary``, ``compare``, ``plot`` and ``showcase``.

``add_parser`` registers them on the main CLI (``mc`` is in ``montecarlo.cli``; ``sensitivity``
and ``robustness``, registered here too, are in ``montecarlo.uncertainty_cli``). Heavy imports
(pyarrow, matplotlib) happen inside the commands, so ``wargame --help`` stays fast.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any


def add_parser(subparsers: argparse._SubParsersAction) -> None:
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

    from wargame.montecarlo.uncertainty_cli import add_parser as add_uncertainty_parsers

    add_uncertainty_parsers(subparsers)


def _write_csv(path: str, records: list[dict[str, Any]]) -> None:
    from wargame.files import save_text_atomic

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
    from wargame.montecarlo.gdp import WORLD_TOTALS, is_gdp_column
    from wargame.montecarlo.report import failure_lines, number, summary_blocks
    from wargame.montecarlo.results import Results
    from wargame.text import table

    directory = Path(args.directory)
    if (directory / DESIGN_FILE).exists():
        design, points = load_design(directory)
        _warn_incomplete(points)
        columns = points[0].outcome_names if points else []
        # printed: the scenario's outcomes and the world's GDP lost over the run (the GDP lost
        # by region and year would make the table unreadable; --csv has every column)
        outcomes = [name for name in columns
                    if not is_gdp_column(name) or name in WORLD_TOTALS]
        print(f"{design.kind} design over {', '.join(design.parameters)}: "
              f"{len(points)} points (means of each outcome)")
        point_rows = [(str(n), *(number(value) for value in point.values()),
                       *(number(point_means(results, name)) for name in outcomes))
                      for n, (point, results) in enumerate(zip(design.points, points, strict=True))]
        for line in table(point_rows, ("point", *design.parameters, *outcomes)):
            print(f"  {line}")
        records = [{"point": n, **point, **{name: point_means(results, name) for name in columns}}
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
    _warn_incomplete([results])
    rows = summarise(results)
    failed = max([results.failed, *(row.errors for row in rows)])
    print(f"{manifest['scenario']['name']} · {results.done}/{manifest['runs']} replications · "
          f"seed {manifest['seed']}" + (f" · postures {', '.join(manifest['postures'])}"
                                        if manifest["postures"] else "")
          + (f" · overrides {json.dumps(manifest['overrides'])}" if manifest["overrides"] else "")
          + (f" · {failed} failed" if failed else ""))
    for line in summary_blocks(results, rows):
        print(f"  {line}" if line else "")
    for line in failure_lines(results, rows):
        print(f"  {line}")
    if args.csv:
        _write_csv(args.csv, as_records(rows))
    return 0


def _warn_incomplete(batches: list[Any]) -> None:
    """A partial batch is shown (what is there), with a warning and the cure, on stderr."""
    from wargame.montecarlo.report import incomplete_warning

    for results in batches:
        warning = incomplete_warning(results)
        if warning:
            print(warning, file=sys.stderr)


def cmd_compare(args: argparse.Namespace) -> int:
    from wargame.montecarlo.analysis import as_records, compare
    from wargame.montecarlo.report import comparison_blocks, failure_lines
    from wargame.montecarlo.results import Results

    batches = [Results(directory) for directory in args.directories]
    _warn_incomplete(batches)
    rows = compare(batches)
    print(f"baseline: {batches[0].path} ({batches[0].label})")
    for line in comparison_blocks(batches, rows):
        print(f"  {line}" if line else "")
    for results in batches:
        for line in failure_lines(results):
            print(f"  {results.label}: {line}")
    if args.csv:
        _write_csv(args.csv, as_records(rows))
    return 0


def cmd_plot(args: argparse.Namespace) -> int:
    from wargame.montecarlo.plots import plot_all
    from wargame.montecarlo.results import Results

    batches = [Results(directory) for directory in args.directories]
    _warn_incomplete(batches)
    out = Path(args.out) if args.out else batches[0].path / "plots"
    for path in plot_all(batches, out, args.indicator):
        print(path)
    return 0


def cmd_showcase(args: argparse.Namespace) -> int:
    from wargame.montecarlo.showcase import DEFAULT_RUNS, showcase

    showcase(args.runs or DEFAULT_RUNS, args.seed, args.jobs, args.out,
             progress=False if args.quiet else None, stream=sys.stdout)
    return 0
