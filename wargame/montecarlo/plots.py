"""Plots of batches (matplotlib, Agg: no display needed): fan charts of indicators over time,
outcome distributions, differences against a baseline with their confidence intervals, and for
a scenario with an economy the GDP lost by region (over the run, and year by year)."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Collection, Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless, before pyplot is imported anywhere
import matplotlib.pyplot as plt
import numpy as np
import pyarrow.compute as pc

from wargame.montecarlo.analysis import compare, outcome_values
from wargame.montecarlo.gdp import (
    WORLD,
    WORLD_TOTALS,
    column_name,
    gdp_columns_of,
    scenario_outcomes,
)
from wargame.montecarlo.labels import Labels, labels_for
from wargame.montecarlo.results import Results
from wargame.montecarlo.storage import ResultsError
from wargame.text import billions, percent

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"]
DPI = 120


def _indicator_matrix(results: Results, indicator: str) -> tuple[np.ndarray, np.ndarray]:
    """(weeks, replications × weeks matrix) of one indicator's series."""
    table = results.series.filter(pc.equal(pc.cast(results.series.column("indicator"),
                                                   "string"), indicator))
    replications = table.column("replication").to_numpy()
    weeks = table.column("week").to_numpy()
    values = table.column("value").to_numpy()
    grid = np.unique(weeks)
    rows = np.unique(replications)
    matrix = np.full((len(rows), len(grid)), np.nan)
    matrix[np.searchsorted(rows, replications), np.searchsorted(grid, weeks)] = values
    return grid, matrix


def _label(results: Results) -> str:
    return results.label


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def fan_chart(batches: Sequence[Results], indicator: str, path: Path,
              labels: Labels | None = None) -> Path:
    """Median and 50% / 90% bands of an indicator over time, one colour per batch."""
    labels = labels or labels_for(batches[0])
    figure, axes = plt.subplots(figsize=(8, 4.5), dpi=DPI, layout="constrained")
    for number, results in enumerate(batches):
        weeks, matrix = _indicator_matrix(results, indicator)
        if not len(weeks):
            continue
        colour = COLOURS[number % len(COLOURS)]
        p5, p25, p50, p75, p95 = np.nanpercentile(matrix, [5, 25, 50, 75, 95], axis=0)
        axes.fill_between(weeks, p5, p95, color=colour, alpha=0.12, linewidth=0)
        axes.fill_between(weeks, p25, p75, color=colour, alpha=0.28, linewidth=0)
        axes.plot(weeks, p50, color=colour, linewidth=1.8,
                  label=_label(results))
    scenario = batches[0].manifest["scenario"]["name"]
    axes.set_title(f"{labels.indicator(indicator)} [{indicator}]: median, 50% and 90% bands\n"
                   f"{scenario}", fontsize=10)
    axes.set_xlabel("week of the game")
    axes.set_ylabel(_wrap(labels.indicator(indicator), 40))
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="best")
    figure.savefig(path)
    plt.close(figure)
    return path


def distributions(batches: Sequence[Results], path: Path, outcomes: Sequence[str] | None = None,
                  labels: Labels | None = None) -> Path:
    """A histogram per outcome, batches overlaid (step outlines, so all stay visible)."""
    labels = labels or labels_for(batches[0])
    names = list(outcomes or scenario_outcomes(batches[0].outcome_names)
                 or [name for name in batches[0].outcome_names if name in WORLD_TOTALS])
    columns = 3
    rows = math.ceil(len(names) / columns)
    figure, grid = plt.subplots(rows, columns, figsize=(4 * columns, 2.6 * rows + 0.8), dpi=DPI,
                                squeeze=False, layout="constrained")
    for axes, name in zip(grid.flat, names, strict=False):
        data = []
        for results in batches:
            data.append(outcome_values(results, name))  # failed replications left out
        finite = [values for values in data if len(values)]
        if not finite:
            axes.set_title(f"{_wrap(labels.outcome(name), 45)}\n(never happened)", fontsize=9)
            axes.set_axis_off()
            continue
        low = min(float(values.min()) for values in finite)
        high = max(float(values.max()) for values in finite)
        bins = np.linspace(low, high if high > low else low + 1, 25)
        for number, (results, values) in enumerate(zip(batches, data, strict=True)):
            if len(values):
                axes.hist(values, bins=bins, histtype="step", linewidth=1.6,
                          color=COLOURS[number % len(COLOURS)], label=_label(results))
        axes.set_title(_wrap(labels.outcome(name), 45), fontsize=9)
        axes.tick_params(labelsize=7)
        axes.set_ylabel("runs", fontsize=7)
    for axes in list(grid.flat)[len(names):]:
        axes.set_axis_off()
    handles, names_shown = grid.flat[0].get_legend_handles_labels()
    figure.legend(handles, names_shown, loc="outside lower center", ncol=min(3, len(batches)),
                  fontsize=8)
    figure.suptitle(f"Outcome distributions — {batches[0].manifest['scenario']['name']}",
                    fontsize=11)
    figure.savefig(path)
    plt.close(figure)
    return path


def comparison_chart(batches: Sequence[Results], path: Path,
                     outcomes: Sequence[str] | None = None, labels: Labels | None = None,
                     shares: Collection[str] = ()) -> Path:
    """Each outcome's difference from the first batch, with its 95% CI, one row per outcome
    (outcomes in ``shares`` as differences of the frequency of a value above zero)."""
    labels = labels or labels_for(batches[0])
    names = batches[0].outcome_names
    wanted = set(outcomes if outcomes is not None else scenario_outcomes(names)
                 or [name for name in names if name in WORLD_TOTALS])
    rows = [row for row in compare(batches, shares=shares) if row.outcome in wanted]
    names = list(dict.fromkeys(row.outcome for row in rows))
    variants = list(dict.fromkeys(row.variant for row in rows))
    figure, grid = plt.subplots(len(names), 1, figsize=(8, 0.75 * len(names) + 1.2), dpi=DPI,
                                squeeze=False, layout="constrained")
    for axes, name in zip(grid.flat, names, strict=True):
        for number, variant in enumerate(variants):
            row = next(r for r in rows if r.outcome == name and r.variant == variant)
            if math.isnan(row.difference):
                continue
            low = row.difference - row.ci_low if not math.isnan(row.ci_low) else 0
            high = row.ci_high - row.difference if not math.isnan(row.ci_high) else 0
            axes.errorbar([row.difference], [number], xerr=[[low], [high]], fmt="o",
                          color=COLOURS[(number + 1) % len(COLOURS)], capsize=3,
                          label=variant)
        axes.axvline(0, color="black", linewidth=0.8)
        axes.set_yticks([])
        axes.set_ylim(-0.8, len(variants) - 0.2)
        shown = f"{name}: share of runs > 0" if name in shares else labels.outcome(name)
        axes.set_ylabel(_wrap(shown, 30), rotation=0, ha="right", va="center",
                        fontsize=8)
        axes.tick_params(labelsize=7)
        axes.grid(axis="x", alpha=0.3)
    handles, names_shown = grid.flat[0].get_legend_handles_labels()
    paired = all(row.paired for row in rows)
    figure.legend(handles, names_shown, loc="outside lower center", ncol=min(3, len(variants)),
                  fontsize=8)
    figure.suptitle(f"Difference from {batches[0].label} (95% CI, "
                    f"{'paired by replication' if paired else 'Welch'})", fontsize=10)
    figure.savefig(path)
    plt.close(figure)
    return path


def _gdp_layout(batches: Sequence[Results]) -> tuple[list[str], list[int]]:
    """The regions (the world last) and years of the batches' GDP-loss columns."""
    columns = [column for results in batches for column in gdp_columns_of(results.outcome_names)]
    regions = list(dict.fromkeys(column.region for column in columns))
    regions.sort(key=lambda region: region == WORLD)
    years = sorted({column.year for column in columns if column.year is not None})
    return regions, years


def _spread(results: Results, name: str) -> tuple[float, float, float] | None:
    """Median, 5th and 95th percentiles of a column across the replications (None: no
    values, or a batch without that column)."""
    if name not in results.outcome_names:
        return None
    values = outcome_values(results, name)
    if not len(values):
        return None
    p5, p50, p95 = (float(x) for x in np.percentile(values, [5, 50, 95]))
    return p50, p5, p95


def gdp_loss_chart(batches: Sequence[Results], path: Path, labels: Labels | None = None
                   ) -> Path:
    """GDP lost over the run by region, as % of the region's GDP a year (left) and in bn USD
    (right): the median across replications (its value written beside it) with the 5th-95th
    percentile interval, the batches side by side in each region's row."""
    labels = labels or labels_for(batches[0])
    regions, _ = _gdp_layout(batches)
    height = max(3.2, 0.42 * len(regions) * max(1, len(batches)) ** 0.5 + 1.6)
    figure, panels = plt.subplots(1, 2, figsize=(11, height), dpi=DPI, sharey=True,
                                  layout="constrained")
    step = 0.8 / max(1, len(batches))
    for axes, measure, scale, unit in ((panels[0], "share", 100.0, "% of the region's GDP a year"),
                                       (panels[1], "bn", 1.0, "bn USD")):
        for number, results in enumerate(batches):
            offset = (number - (len(batches) - 1) / 2) * step
            for row, region in enumerate(regions):
                found = _spread(results, column_name(measure, region))
                if found is None:
                    continue
                median, low, high = (value * scale for value in found)
                colour = COLOURS[number % len(COLOURS)]
                axes.errorbar([median], [row + offset], xerr=[[median - low], [high - median]],
                              fmt="o", markersize=4, capsize=3, linewidth=1.4, color=colour,
                              label=_label(results) if row == 0 else None)
                # the median written beside it: one region's loss (a blockaded Taiwan) can
                # dwarf the rest, whose markers then sit near zero
                shown = percent(median / 100) if measure == "share" else billions(median)
                axes.annotate(shown, (max(high, median), row + offset), xytext=(4, 0),
                              textcoords="offset points", va="center", fontsize=6.5,
                              color=colour)
        axes.axvline(0, color="black", linewidth=0.8)
        axes.margins(x=0.12)  # room for the last label
        if regions and regions[-1] == WORLD:  # the world is the sum of the rows above it
            axes.axhline(len(regions) - 1.5, color="grey", linewidth=0.8, linestyle="--")
        axes.set_xlabel(f"GDP lost over the run ({unit})", fontsize=9)
        axes.grid(axis="x", alpha=0.3)
        axes.tick_params(labelsize=8)
    panels[0].set_yticks(range(len(regions)),
                         [labels.region(region) for region in regions])
    panels[0].set_ylim(len(regions) - 0.5, -0.5)  # the first region at the top, the world last
    handles, shown = panels[0].get_legend_handles_labels()
    figure.legend(handles, shown, loc="outside lower center", ncol=min(3, len(batches)),
                  fontsize=8)
    figure.suptitle(f"GDP lost by region — {batches[0].manifest['scenario']['name']}\n"
                    "median across replications, bars from the 5th to the 95th percentile",
                    fontsize=10)
    figure.savefig(path)
    plt.close(figure)
    return path


def gdp_loss_by_year_chart(batches: Sequence[Results], path: Path,
                           labels: Labels | None = None) -> Path:
    """GDP lost each calendar year as % of the region's GDP, one panel per region (the world
    last): a bar per batch at the median across replications, with the 5th-95th percentile
    interval. Bars, not lines: the first and last years are only the parts of them the game
    covers, and a line would join a whole year to a few weeks."""
    labels = labels or labels_for(batches[0])
    regions, years = _gdp_layout(batches)
    columns = 3
    rows = math.ceil(len(regions) / columns)
    figure, grid = plt.subplots(rows, columns, figsize=(4 * columns, 2.5 * rows + 1.0), dpi=DPI,
                                squeeze=False, sharex=True, layout="constrained")
    width = 0.8 / max(1, len(batches))
    for axes, region in zip(grid.flat, regions, strict=False):
        for number, results in enumerate(batches):
            offset = (number - (len(batches) - 1) / 2) * width
            for position, year in enumerate(years):
                found = _spread(results, column_name("share", region, year))
                if found is None:
                    continue
                median, low, high = (value * 100 for value in found)
                axes.bar(position + offset, median, width * 0.9,
                         color=COLOURS[number % len(COLOURS)], alpha=0.75,
                         label=_label(results) if position == 0 else None)
                axes.errorbar([position + offset], [median],
                              yerr=[[median - low], [high - median]], fmt="none",
                              ecolor="black", elinewidth=0.9, capsize=2)
        axes.axhline(0, color="black", linewidth=0.8)
        axes.set_title(labels.region(region), fontsize=9)
        axes.set_xticks(range(len(years)), [str(year) for year in years])
        axes.tick_params(labelsize=7)
        axes.set_ylabel("% of GDP", fontsize=7)
        axes.grid(axis="y", alpha=0.3)
    for axes in list(grid.flat)[len(regions):]:
        axes.set_axis_off()
    handles, shown = grid.flat[0].get_legend_handles_labels()
    figure.legend(handles, shown, loc="outside lower center", ncol=min(3, len(batches)),
                  fontsize=8)
    figure.suptitle(f"GDP lost by region and year (% of the region's GDP a year) — "
                    f"{batches[0].manifest['scenario']['name']}\nmedian across replications, bars "
                    "from the 5th to the 95th percentile; the first and last years are partial",
                    fontsize=10)
    figure.savefig(path)
    plt.close(figure)
    return path


def plot_all(batches: Sequence[Results], out: Path, indicators: Sequence[str] | None = None
             ) -> list[Path]:
    """Fan charts for the batches' series, the outcome distributions, for two or more batches
    the comparison chart, and for a scenario with an economy the GDP lost by region (over the
    run, and by year). Returns the files written."""
    labels = labels_for(batches[0])
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for indicator in indicators or batches[0].manifest.get("series_indicators", []):
            written.append(fan_chart(batches, indicator, out / f"fan-{indicator}.png", labels))
        written.append(distributions(batches, out / "outcomes.png", labels=labels))
        if len(batches) > 1:
            written.append(comparison_chart(batches, out / "comparison.png", labels=labels))
        if any(gdp_columns_of(results.outcome_names) for results in batches):
            written.append(gdp_loss_chart(batches, out / "gdp-loss.png", labels))
            if _gdp_layout(batches)[1]:
                written.append(gdp_loss_by_year_chart(batches, out / "gdp-loss-by-year.png",
                                                      labels))
    except OSError as exc:
        plt.close("all")
        raise ResultsError(f"{out}: cannot write the plots here: {exc.strerror or exc}") from None
    return written
