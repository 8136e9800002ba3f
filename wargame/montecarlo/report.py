"""Text tables of batches: what ``wargame summary``, ``compare`` and ``showcase`` print.

The GDP lost by region and year (``montecarlo.gdp``: 2 measures × the regions and the world × the
run and each year, over a hundred columns for a four-year game on an eight-region world) is
printed in blocks of its own after the scenario's outcomes rather than as more rows of the
outcome table: one row per region with the loss over the run and its interval, then one row per
region with a column per year. The outcome table stays readable, and every statistic of every
column is still in ``--csv`` (and ``as_records``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

from wargame.montecarlo.analysis import Difference, OutcomeSummary, failed_count
from wargame.montecarlo.gdp import WORLD, GdpColumn, parse_column
from wargame.montecarlo.labels import Labels, labels_for
from wargame.montecarlo.results import Results, resume_hint
from wargame.text import billions, percent, table

Row = TypeVar("Row", OutcomeSummary, Difference)


def number(value: float | None) -> str:
    """Up to four significant digits; "-" for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.4g}"


def interval(low: float | None, high: float | None) -> str:
    return f"[{number(low)}, {number(high)}]"


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else value


def _bn(value: float | None) -> str:
    return billions(_finite(value))


def _pct(value: float | None) -> str:
    return percent(_finite(value))


def _bn_interval(low: float | None, high: float | None) -> str:
    return f"[{_bn(low)}, {_bn(high)}]"


def _pct_interval(low: float | None, high: float | None) -> str:
    return f"[{_pct(low)}, {_pct(high)}]"


def split_gdp(rows: Sequence[Row]) -> tuple[list[Row], dict[GdpColumn, list[Row]]]:
    """The scenario's outcome rows, and the GDP-loss rows by column (in the batch's order)."""
    outcomes: list[Row] = []
    gdp: dict[GdpColumn, list[Row]] = {}
    for row in rows:
        column = parse_column(row.outcome)
        if column is None:
            outcomes.append(row)
        else:
            gdp.setdefault(column, []).append(row)
    return outcomes, gdp


def _regions_and_years(columns: Sequence[GdpColumn]) -> tuple[list[str], list[int]]:
    regions = list(dict.fromkeys(column.region for column in columns))
    regions.sort(key=lambda region: region == WORLD)  # the world last, the rest as recorded
    years = sorted({column.year for column in columns if column.year is not None})
    return regions, years


def summary_lines(rows: Sequence[OutcomeSummary]) -> list[str]:
    """The summary table: the CI of a mean is Student's t, the share above zero Wilson's; "none"
    counts the runs in which the outcome never happened (left out of its statistics)."""
    return table(
        ((row.outcome, str(row.n), number(row.mean), interval(row.ci_low, row.ci_high),
          number(row.sd), number(row.p5), number(row.p25), number(row.median), number(row.p75),
          number(row.p95),
          str(row.none) if row.none else "",
          "" if row.share_above_zero is None else
          f"{number(row.share_above_zero)} {interval(row.share_ci_low, row.share_ci_high)}")
         for row in rows),
        ("outcome", "n", "mean", "95% CI (t)", "sd", "p5", "p25", "median", "p75", "p95",
         "none", "share > 0 [Wilson 95%]"))


def gdp_summary_lines(rows: Sequence[OutcomeSummary], labels: Labels | None = None
                      ) -> list[str]:
    """The GDP lost by region: over the run (mean and its 95% CI in bn USD and in % of the
    region's GDP a year, and the 5th to 95th percentiles of the runs in bn USD), then by year
    (means); nothing for a batch without an economy."""
    _, gdp = split_gdp(rows)
    if not gdp:
        return []
    labels = labels or Labels()
    regions, years = _regions_and_years(list(gdp))

    def get(measure: str, region: str, year: int | None = None) -> OutcomeSummary | None:
        found = gdp.get(GdpColumn(measure, region, year))
        return found[0] if found else None

    total_rows = []
    for region in regions:
        bn, share = get("bn", region), get("share", region)
        total_rows.append((
            labels.region(region),
            "-" if bn is None else f"{_bn(bn.mean)} {_bn_interval(bn.ci_low, bn.ci_high)}",
            "-" if share is None else
            f"{_pct(share.mean)} {_pct_interval(share.ci_low, share.ci_high)}",
            "-" if bn is None else f"{_bn(bn.p5)} to {_bn(bn.p95)}",
            "-" if bn is None else str(bn.n)))
    lines = ["GDP lost over the run, by region: mean [95% CI (t)] across replications", ""]
    lines += table(total_rows, ("region", "bn USD", "% of GDP a year", "bn USD, p5 to p95",
                                "n"))
    if years:
        year_rows = []
        for region in regions:
            cells = []
            for year in years:
                bn, share = get("bn", region, year), get("share", region, year)
                cells.append("-" if bn is None or share is None else
                             f"{_bn(bn.mean)} ({_pct(share.mean)})")
            year_rows.append((labels.region(region), *cells))
        lines += ["", "GDP lost by region and year: mean bn USD (mean % of the region's GDP a "
                  "year)", ""]
        lines += table(year_rows, ("region", *map(str, years)))
    return lines


def gdp_comparison_lines(rows: Sequence[Difference], labels: Labels | None = None
                         ) -> list[str]:
    """Differences of the GDP lost by region from the baseline: over the run (bn USD and
    percentage points of GDP, each with its 95% CI), then by year (bn USD); nothing without an
    economy."""
    _, gdp = split_gdp(rows)
    if not gdp:
        return []
    labels = labels or Labels()
    regions, years = _regions_and_years(list(gdp))
    variants = list(dict.fromkeys(row.variant for found in gdp.values() for row in found))

    def get(measure: str, region: str, variant: str, year: int | None = None
            ) -> Difference | None:
        return next((row for row in gdp.get(GdpColumn(measure, region, year), ())
                     if row.variant == variant), None)

    total_rows = []
    for region in regions:
        for variant in variants:
            bn, share = get("bn", region, variant), get("share", region, variant)
            if bn is None or share is None:
                continue
            total_rows.append((
                labels.region(region), variant, _bn(bn.baseline_mean), _bn(bn.variant_mean),
                f"{_bn(bn.difference)} {_bn_interval(bn.ci_low, bn.ci_high)}",
                f"{_pct(share.difference)} {_pct_interval(share.ci_low, share.ci_high)}",
                "paired" if bn.paired else "Welch", str(bn.n)))
    lines = ["GDP lost over the run, by region: difference from the baseline [95% CI]", ""]
    lines += table(total_rows, ("region", "against baseline", "baseline bn USD",
                                "variant bn USD", "difference bn USD",
                                "difference in % of GDP", "test", "n"))
    if years:
        year_rows = []
        for region in regions:
            for variant in variants:
                cells = []
                for year in years:
                    bn = get("bn", region, variant, year)
                    cells.append("-" if bn is None else
                                 f"{_bn(bn.difference)} {_bn_interval(bn.ci_low, bn.ci_high)}")
                year_rows.append((labels.region(region), variant, *cells))
        lines += ["", "GDP lost by region and year: difference from the baseline, bn USD "
                  "[95% CI]", ""]
        lines += table(year_rows, ("region", "against baseline", *map(str, years)))
    return lines


def comparison_lines(rows: Sequence[Difference]) -> list[str]:
    """One row per outcome and variant: "paired" (common random numbers, a t interval of the
    per-replication differences) or "Welch" (independent seeds)."""
    return table(
        ((row.outcome, row.variant, number(row.baseline_mean), number(row.variant_mean),
          number(row.difference), interval(row.ci_low, row.ci_high),
          "paired" if row.paired else "Welch", str(row.n))
         for row in rows),
        ("outcome", "against baseline", "baseline", "variant", "difference", "95% CI", "test",
         "n"))


def summary_blocks(results: Results, rows: Sequence[OutcomeSummary]) -> list[str]:
    """What ``summary`` (and ``mc`` when it finishes) prints: the outcome table, then for a
    batch with an economy the GDP lost by region (labels from the batch's scenario)."""
    outcomes, gdp = split_gdp(rows)
    if not gdp:
        return summary_lines(rows)
    return [*summary_lines(outcomes), "", *gdp_summary_lines(rows, labels_for(results))]


def comparison_blocks(batches: Sequence[Results], rows: Sequence[Difference]) -> list[str]:
    """What ``compare`` prints: the outcome differences, then the GDP lost by region."""
    outcomes, gdp = split_gdp(rows)
    if not gdp:
        return comparison_lines(rows)
    return [*comparison_lines(outcomes), "",
            *gdp_comparison_lines(rows, labels_for(batches[0]))]


def failure_lines(results: Results, rows: Sequence[OutcomeSummary] = ()) -> list[str]:
    """How many replications failed (left out of every figure) and where to see why; nothing
    when none did. Failed rows are counted from the data (``rows``, the summary, or read here),
    so the ok rows with NaN/inf of a batch written by an older wargame count too."""
    failures = results.failures
    counted = rows[0].errors if rows else failed_count(results)
    failed = max(len(failures), counted)
    if not failed:
        return []
    first = ""
    if failures:
        error = " ".join(str(failures[0].get("error") or "an error").split())
        if len(error) > 160:
            error = error[:160].rsplit(" ", 1)[0] + " …"
        first = f" The first, replication {failures[0]['replication']}: {error}"
    return [f"{failed} of {results.done} replications failed and are left out of every figure; "
            f"{results.path / 'manifest.json'} lists each with its error, seed and spawn key "
            f"(to replay it alone).{first}"]


def incomplete_warning(results: Results) -> str | None:
    """A batch not (yet) finished: its figures are from the replications on disk."""
    if results.complete:
        return None
    return (f"warning: {results.path} is incomplete: {results.done} of {results.runs} "
            f"replications are done, and its figures are from those; to finish it, "
            f"{resume_hint(results.path)}")
