"""``wargame calibration``: the model's 2022 baseline beside the figures it can be compared with,
and ``wargame assumptions``: every assumption the model rests on, with its range."""

from __future__ import annotations

import argparse
import sys

from wargame.text import table

DEFAULT = "status-quo-2022"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    calibration = subparsers.add_parser(
        "calibration", help="the model's 2022 baseline beside the published figures",
        description="Print every calibration target: the published 2022 figure, the model's "
                    "value at the start of the scenario, the relative error and the tolerance "
                    "the tests hold (docs/model/calibration.md).")
    calibration.add_argument("scenario", nargs="?", default=DEFAULT,
                             help=f"a scenario on the default world (default: {DEFAULT})")
    calibration.set_defaults(func=cmd_calibration)
    assumptions = subparsers.add_parser(
        "assumptions", help="every assumption of a scenario and its world, with its range",
        description="List the numbers whose source is an assumption, with the --set path that "
                    "changes each, its value, its range and its group.")
    assumptions.add_argument("scenario", nargs="?", default=DEFAULT)
    assumptions.add_argument("--groups", action="store_true",
                             help="one line per group instead of one per assumption")
    assumptions.set_defaults(func=cmd_assumptions)


def _number(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:.4g}"


def cmd_calibration(args: argparse.Namespace) -> int:
    from wargame.calibration.targets import baseline_rows

    rows = baseline_rows(args.scenario)
    print(f"Calibration of {args.scenario} at its start (October 2022) against the 2022 figures")
    print("(set: the world file takes the figure; derived: the model computes it from other "
          "numbers)\n")
    shown = []
    for row in rows:
        target = row.target
        verdict = ("ok" if row.within else "OUT") if target.held else "not held"
        shown.append((target.what, target.figure, _number(row.figure), _number(row.model),
                      f"{row.error:+.1%}", f"±{target.tolerance:.0%}" if target.tolerance >= 0.01
                      else f"±{target.tolerance:.1%}", target.how, verdict))
    for line in table(shown, ("target", "figure", "published", "model", "error", "tolerance",
                              "how", "")):
        print(line)
    print()
    for row in rows:
        if row.target.note:
            print(f"- {row.target.what}: {row.target.note}")
    failed = [row for row in rows if row.target.held and not row.within]
    if failed:
        print(f"\n{len(failed)} held target(s) out of tolerance", file=sys.stderr)
        return 1
    return 0


def cmd_assumptions(args: argparse.Namespace) -> int:
    from wargame.calibration.assumptions import declared

    found = declared(args.scenario)
    if args.groups:
        groups: dict[str, list[float]] = {}
        for item in found:
            groups.setdefault(item.group, []).append(1.0)
        for line in table(((group, str(len(items))) for group, items in sorted(groups.items())),
                          ("group", "assumptions")):
            print(line)
        print(f"\n{len(found)} assumptions in {len(groups)} groups")
        return 0
    for line in table(((item.path, _number(item.value), f"[{_number(item.low)}, "
                        f"{_number(item.high)}]", item.group, item.origin) for item in found),
                      ("--set path", "value", "range", "group", "declared in")):
        print(line)
    print(f"\n{len(found)} assumptions")
    return 0
