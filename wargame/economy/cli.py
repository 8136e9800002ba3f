"""``wargame shock TABLE``: static Leontief/Ghosh analysis of a user's input-output table.

``add_parser`` registers the subcommand on the main CLI's subparsers; ``run_shock`` returns the
exit code and raises ``WargameError`` subclasses for anything the user got wrong, which the main
CLI prints as one message.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

import numpy as np

from wargame.economy import static
from wargame.errors import InputTableError, Issue
from wargame.text import amount

DEFAULT_TOP = 10
"""Sectors listed when ``--top`` is not given."""


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``shock`` on the main CLI."""
    parser = subparsers.add_parser(
        "shock",
        help="effects of a demand or supply shock on an input-output table",
        description=(
            "Leontief (demand-driven) or Ghosh (supply-driven) effects of a shock on a symmetric "
            "input-output table in CSV or Parquet: first column row labels, header column "
            "labels; sectors are the labels that are both rows and columns; a column named "
            "'output' gives gross output; other columns are final demand. Without a shock, "
            "prints the multipliers."),
    )
    parser.add_argument("table", help="CSV or Parquet file")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--demand", action="append", metavar="SECTOR=CHANGE",
                       help="final-demand change, absolute (-500) or relative to the sector's "
                            "final demand (-10%%); repeat or separate with commas")
    group.add_argument("--supply", action="append", metavar="SECTOR=CHANGE",
                       help="primary-input (value added, imports) change, absolute or relative "
                            "to the sector's primary inputs (-10%%)")
    parser.add_argument("--coefficients", action="store_true",
                        help="the sector block holds coefficients A, not flows Z")
    parser.add_argument("--top", type=int, default=DEFAULT_TOP, metavar="N",
                        help=f"sectors to list (default {DEFAULT_TOP})")
    parser.set_defaults(func=run_shock)


def parse_changes(items: Sequence[str] | None) -> dict[str, str]:
    """``["a=-10%,b=5", "c=1"]`` → ``{"a": "-10%", "b": "5", "c": "1"}``."""
    changes: dict[str, str] = {}
    for item in items or ():
        for part in item.split(","):
            if not part.strip():
                continue
            label, sep, value = part.rpartition("=")
            if not sep or not label.strip() or not value.strip():
                raise InputTableError(Issue(f"'{part}' should be SECTOR=CHANGE, "
                                            "e.g. Manufacturing=-10%"))
            changes[label.strip()] = value.strip()
    return changes


def run_shock(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Print the largest effects of the shock by sector and by region (or the multipliers)."""
    stream = out if out is not None else sys.stdout
    if args.top < 1:
        raise InputTableError(Issue(f"--top must be at least 1 (got {args.top})"))
    table = static.load_table(args.table, coefficients=args.coefficients)
    n = len(table.labels)
    regions = table.regions
    region_count = len({r for r in regions if r}) or 1
    lines = [f"{args.table}: {n} sectors, {region_count} region{'s' * (region_count > 1)}, "
             f"gross output {amount(float(table.x.sum()))}"]
    if args.demand or args.supply:
        if args.demand:
            delta = static.shock_vector(table, parse_changes(args.demand),
                                        table.final_demand)
            effect = static.demand_effect(table, delta)
            lines.append(f"Demand-driven (Leontief) effect of a final-demand change of "
                         f"{amount(float(delta.sum()), signed=True)}:")
        else:
            delta = static.shock_vector(table, parse_changes(args.supply),
                                        table.primary_inputs)
            effect = static.supply_effect(table, delta)
            lines.append(f"Supply-driven (Ghosh) effect of a primary-input change of "
                         f"{amount(float(delta.sum()), signed=True)}:")
        order = np.argsort(-np.abs(effect), kind="stable")[: args.top]
        rows = [(table.labels[i], amount(float(effect[i]), signed=True),
                 _pct(float(effect[i]), float(table.x[i]))) for i in order]
        lines += _table(rows, ("sector", "Δ output", "% of output"))
        if region_count > 1:
            by_region: dict[str, list[float]] = {}
            for i, region in enumerate(regions):
                totals = by_region.setdefault(region or "-", [0.0, 0.0])
                totals[0] += float(effect[i])
                totals[1] += float(table.x[i])
            ranked = sorted(by_region.items(), key=lambda item: -abs(item[1][0]))
            lines.append("By region:")
            lines += _table([(name, amount(d, signed=True), _pct(d, x)) for name, (d, x) in ranked],
                            ("region", "Δ output", "% of output"))
        total = float(effect.sum())
        shock = float(delta.sum())
        ratio = f" ({total / shock:.4g} × the shock)" if shock != 0.0 else ""
        lines.append(f"Total output change {amount(total, signed=True)}{ratio}")
    else:
        backward = static.output_multipliers(table)
        forward = static.ghosh_multipliers(table)
        order = np.argsort(-backward, kind="stable")[: args.top]
        lines.append("Output multipliers (Leontief, column sums of L; Ghosh, row sums of G):")
        lines += _table([(table.labels[i], f"{backward[i]:.4f}", f"{forward[i]:.4f}")
                         for i in order], ("sector", "Leontief", "Ghosh"))
    stream.write("\n".join(lines) + "\n")
    return 0


def _pct(delta: float, base: float) -> str:
    return f"{100.0 * delta / base:+.2f}%" if base else "-"


def _table(rows: list[tuple[str, str, str]], headers: tuple[str, str, str]) -> list[str]:
    widths = [max(len(headers[k]), *(len(r[k]) for r in rows)) for k in range(3)]
    out = ["  " + f"{headers[0]:<{widths[0]}}  {headers[1]:>{widths[1]}}  "
           f"{headers[2]:>{widths[2]}}"]
    out += ["  " + f"{r[0]:<{widths[0]}}  {r[1]:>{widths[1]}}  {r[2]:>{widths[2]}}"
            for r in rows]
    return out
