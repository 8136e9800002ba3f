"""The showcase: the seed texts' three US postures compared on the library's base scenario.

This is what the README's first command runs: on the embedded default (``status-quo-2022``,
shipped in the package), the same replications (common random numbers) are played under
``small-yard-high-fence`` (the 2022-2025 path), ``maximal-embargo`` and
``weaponized-interdependence`` (seed 000's proposal); a table of China's self-sufficiency, US
leverage at the crisis, blockade frequency, US R&D funding, smuggled chips and GDP lost (the
world's, China's, the US's) is printed with 95% CIs and paired differences, and plots are
written.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from wargame.montecarlo.analysis import OutcomeSummary, compare, summarise
from wargame.montecarlo.backends import default_jobs, shared_executor
from wargame.montecarlo.headline import OUTCOMES, POSTURES, SCENARIO, SHARES
from wargame.montecarlo.labels import Labels, labels_for
from wargame.montecarlo.plots import comparison_chart, distributions, fan_chart
from wargame.montecarlo.progress import ProgressCallback
from wargame.montecarlo.report import interval, number
from wargame.montecarlo.results import Results
from wargame.montecarlo.runner import monte_carlo
from wargame.text import table

FANS = ("leverage", "self_sufficiency", "smuggled_total", "us_rd_funding")
NOTES = {
    "leverage": "The last reading (the horizon) is the first after the crisis of week 157: in a "
                "run with a blockade it reads 0 where the US then cut China off (nothing left "
                "to cut) and far above 1 where it did not (a cut-off on top of a blockade would "
                "cost China more than one in 2022): the last step of the median and the wide "
                "last range are these runs, not an end-of-run artefact",
}
"""What the fan charts cannot say by themselves: why leverage steps at its last reading
(docs/analysis.md, "Plots", says the same)."""
DEFAULT_RUNS = 200


def showcase(runs: int = DEFAULT_RUNS, seed: int = 0, jobs: int | None = None,
             out: str | Path = "wargame-showcase", progress: ProgressCallback | bool | None = None,
             stream: TextIO | None = None) -> list[Results]:
    """Run the three postures on the same seeds, print the comparison, write the plots."""
    stream = stream or sys.stdout
    out = Path(out)
    batches = []
    jobs = default_jobs() if jobs is None else jobs
    with shared_executor("process", jobs) as (pool, _):  # one warm pool for all of it
        for posture in POSTURES:
            print(f"running {runs} replications of {SCENARIO} under {posture} ...", file=stream,
                  flush=True)
            batches.append(monte_carlo(SCENARIO, runs, seed, jobs, out=out / posture,
                                       postures=[posture], progress=progress,
                                       series=list(FANS)))
        # the plots drawn by the pool's workers (about 3 s of matplotlib, one core's worth,
        # split over the cores) while this process prints the table
        plots = out / "plots"
        plots.mkdir(parents=True, exist_ok=True)
        folders = tuple(str(results.path) for results in batches)
        labels = labels_for(batches[0])  # made here: a worker would parse the scenario again
        drawn = [pool.submit(draw, kind, folders, str(plots / name), indicator, labels)
                 for kind, name, indicator in plot_list()]
        for line in comparison_table(batches, OUTCOMES):
            print(line, file=stream)
        order = [future.result() for future in drawn]
    written = [plots / name for name in sorted(order, key=_shown_order)]
    print(f"\nresults: {out}/<posture>/ (Parquet; `wargame summary {out}/{POSTURES[0]}`)",
          file=stream)
    print("plots:", file=stream)
    for path in written:
        print(f"  {path}", file=stream)
    return batches


def plot_list() -> list[tuple[str, str, str | None]]:
    """The showcase's plots (kind, file name, indicator), the longest to draw first so that
    the last to finish is a short one: the outcome distributions (nine panels), the comparison,
    then the fan charts."""
    return [("distributions", "outcomes.png", None), ("comparison", "comparison.png", None),
            *(("fan", f"fan-{indicator}.png", indicator) for indicator in FANS)]


def _shown_order(name: str) -> int:
    """The order the plots are listed in: the fan charts, the distributions, the comparison."""
    names = [f"fan-{indicator}.png" for indicator in FANS] + ["outcomes.png", "comparison.png"]
    return names.index(name)


def draw(kind: str, folders: tuple[str, ...], path: str, indicator: str | None,
         labels: Labels) -> str:
    """Draw one of the showcase's plots of the batches in ``folders`` to ``path`` (in a pool
    worker or here: the same bytes); its file name."""
    batches = [Results(Path(folder)) for folder in folders]
    target = Path(path)
    if kind == "fan":
        assert indicator is not None
        fan_chart(batches, indicator, target, labels, NOTES.get(indicator))
    elif kind == "distributions":
        distributions(batches, target, list(OUTCOMES), labels, shares=SHARES)
    else:
        comparison_chart(batches, target, list(OUTCOMES), labels, shares=SHARES)
    return target.name


def _estimate(value: float, low: float, high: float) -> str:
    return f"{number(value)} {interval(low, high)}"


def _cell(row: OutcomeSummary, as_share: bool) -> str:
    if as_share:
        share, low, high = row.share_above_zero, row.share_ci_low, row.share_ci_high
        if share is None or low is None or high is None:  # not a count: nothing to show
            return _estimate(math.nan, math.nan, math.nan)
        return _estimate(share, low, high)
    return _estimate(row.mean, row.ci_low, row.ci_high)


def comparison_table(batches: Sequence[Results], outcomes: dict[str, str]) -> list[str]:
    """Mean [95% CI] per posture, then the paired difference from the first posture."""
    summaries = [{row.outcome: row for row in summarise(results)} for results in batches]
    differences = {(row.variant, row.outcome): row for row in compare(batches, shares=SHARES)}
    runs = batches[0].manifest["runs"]
    lines = ["", f"{batches[0].manifest['scenario']['name']}: {runs} replications per posture, "
             f"seed {batches[0].manifest['seed']}, the same seeds for every posture", ""]
    lines += table(
        ((label, *(_cell(summary[name], name in SHARES) for summary in summaries))
         for name, label in outcomes.items()),
        ("mean [95% CI]", *(results.label for results in batches)))
    lines += ["(means with Student's t intervals; frequencies with Wilson intervals)"]
    paired = all(row.paired for row in differences.values())
    how = ("paired by replication (common random numbers)" if paired
           else "Welch (the batches do not share seeds)")
    lines += ["", f"difference from {batches[0].label}, {how} [95% CI]", ""]
    rows = []
    for name, label in outcomes.items():
        cells = [differences[(results.label, name)] for results in batches[1:]]
        rows.append((label, *(_estimate(d.difference, d.ci_low, d.ci_high) for d in cells)))
    lines += table(rows, ("outcome", *(results.label for results in batches[1:])))
    return lines
