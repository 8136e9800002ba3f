"""The uncertainty commands: ``sensitivity`` (Morris over the declared assumption groups) and
``robustness`` (the postures compared across Latin-hypercube assumption sets).

Registered from ``analysis_cli.add_parser``. Heavy imports happen inside the commands. Ctrl-C or
SIGTERM stops an analysis with the finished points kept; the same command again resumes it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from wargame.errors import RequestError


def _names(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise RequestError(f"expected names separated by commas (got {text!r})")
    return names


def _common(parser: argparse.ArgumentParser, out: str, runs: int) -> None:
    from wargame.montecarlo.sensitivity import DEFAULT_SCENARIO

    parser.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO,
                        help=f"scenario file or shipped name (default: {DEFAULT_SCENARIO})")
    parser.add_argument("--outcomes", metavar="A,B,...",
                        help="outcome columns (default: the showcase's and the GDP lost by the "
                             "world and each region); NAME:higher or NAME:lower says which way "
                             "is better")
    parser.add_argument("--groups", metavar="A,B,...",
                        help="assumption groups to vary (default: every behaviour group; "
                             "`wargame assumptions SCENARIO --groups`)")
    parser.add_argument("--runs", type=int, default=runs, metavar="K",
                        help=f"replications per point, on common seeds (default {runs})")
    parser.add_argument("--seed", type=int, default=0, metavar="S")
    parser.add_argument("--jobs", type=int, metavar="J",
                        help="points run at once (default: all cores; 1: in this process)")
    parser.add_argument("--out", default=out, metavar="DIR",
                        help=f"where the points, CSV and plots go (default: {out})")
    parser.add_argument("--quiet", action="store_true", help="no progress output")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from wargame.montecarlo.robustness import DEFAULT_RUNS as ROBUST_RUNS
    from wargame.montecarlo.robustness import DEFAULT_SAMPLES
    from wargame.montecarlo.sensitivity import DEFAULT_RUNS, DEFAULT_TRAJECTORIES

    sensitivity = subparsers.add_parser(
        "sensitivity", help="which assumption groups drive which outcome (Morris mu*)",
        description="Morris elementary effects of the headline outcomes over the scenario's "
                    "declared behaviour assumptions, each group moving as one (every member at "
                    "the same quantile of its range); each point a batch of K replications on "
                    "the same seeds. Prints the groups ranked by mu* per outcome; writes "
                    "sensitivity.csv and plots/ under --out (docs/model/sensitivity.md).")
    _common(sensitivity, "wargame-sensitivity", DEFAULT_RUNS)
    sensitivity.add_argument("--method", choices=("morris",), default="morris")
    sensitivity.add_argument("--trajectories", type=int, default=DEFAULT_TRAJECTORIES,
                             metavar="R", help=f"Morris trajectories (default "
                                               f"{DEFAULT_TRAJECTORIES}): R x (groups + 1) points")
    sensitivity.add_argument("--posture", action="append", default=[], metavar="P",
                             help="apply a named posture (repeatable, one a team)")
    sensitivity.add_argument("--top", type=int, default=8, metavar="N",
                             help="groups printed per outcome (default 8; 0: all; the CSV has "
                                  "all)")
    sensitivity.set_defaults(func=cmd_sensitivity)

    robustness = subparsers.add_parser(
        "robustness", help="is the ranking of the postures robust to the assumptions?",
        description="Sample assumption sets (Latin hypercube over the behaviour-assumption "
                    "groups), play every posture K times in each on the same seeds, and print "
                    "per outcome the share of sets where each posture is best and its "
                    "worst-case regret; writes robustness.csv, robustness-sets.csv and "
                    "plots/robustness.png under --out (docs/model/sensitivity.md).")
    _common(robustness, "wargame-robustness", ROBUST_RUNS)
    robustness.add_argument("--postures", metavar="A,B,...",
                            help="postures of one team to compare (default on status-quo-2022: "
                                 "the showcase's three)")
    robustness.add_argument("--samples", type=int, default=DEFAULT_SAMPLES, metavar="N",
                            help=f"assumption sets (default {DEFAULT_SAMPLES})")
    robustness.set_defaults(func=cmd_robustness)


def _interrupted(exc: KeyboardInterrupt, out: str) -> int:
    import signal

    from wargame.montecarlo.cli import Interrupted

    signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
    print(f"interrupted ({signal.Signals(signum).name}): the finished points are saved in "
          f"{out}; run the same command again to finish the analysis", file=sys.stderr)
    return 128 + int(signum)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    from wargame.montecarlo.cli import _stopped_by_signals
    from wargame.montecarlo.sensitivity import plot_sensitivity, sensitivity, sensitivity_lines

    try:
        with _stopped_by_signals():
            result = sensitivity(args.scenario, _names(args.outcomes), args.trajectories,
                                 args.runs, args.jobs, args.seed, args.out, _names(args.groups),
                                 args.posture, progress=False if args.quiet else None)
    except KeyboardInterrupt as exc:
        return _interrupted(exc, args.out)
    for line in sensitivity_lines(result, args.top):
        print(line)
    print(f"\nwrote {Path(args.out) / 'sensitivity.csv'}")
    for path in plot_sensitivity(result):
        print(f"wrote {path}")
    return 0


def cmd_robustness(args: argparse.Namespace) -> int:
    from wargame.montecarlo.cli import _stopped_by_signals
    from wargame.montecarlo.robustness import plot_robustness, robustness, robustness_lines

    try:
        with _stopped_by_signals():
            result = robustness(args.scenario, _names(args.postures), _names(args.outcomes),
                                args.samples, args.runs, args.jobs, args.seed, args.out,
                                _names(args.groups), progress=False if args.quiet else None)
    except KeyboardInterrupt as exc:
        return _interrupted(exc, args.out)
    for line in robustness_lines(result):
        print(line)
    print(f"\nwrote {Path(args.out) / 'robustness.csv'} and "
          f"{Path(args.out) / 'robustness-sets.csv'}")
    for path in plot_robustness(result):
        print(f"wrote {path}")
    return 0
