"""Plots of batches (matplotlib, Agg: no display needed): fan charts of indicators over time,
outcome distributions, differences against a baseline with their confidence intervals, and for
a scenario with an economy the GDP lost by region (over the run, and year by year)."""

from __future__ import annotations

import datetime as dt
import math
import textwrap
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # headless, before pyplot is imported anywhere
import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pyarrow.compute as pc
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from wargame.montecarlo.analysis import compare, outcome_values, wilson_interval
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
LINESTYLES: list[Any] = ["-", "--", "-.", ":", (0, (6, 2, 1, 2, 1, 2)), (0, (1, 1))]
"""One per batch after the colour, so batches stay apart printed in grey or seen by a reader
who does not tell red from green."""
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


def _time_axis(labels: Labels, weeks: np.ndarray) -> tuple[Any, str]:
    """The x values of weeks of the game: dates from the scenario's start (what a reader
    plans by), or the weeks themselves when the scenario could not be loaded."""
    if labels.start is None:
        return weeks, "week of the game"
    start = dt.datetime.combine(labels.start, dt.time())
    return ([start + dt.timedelta(weeks=float(week)) for week in weeks],
            f"date (week 0 = {labels.start.isoformat()})")


def _date_ticks(axes: Any) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))


def _readings_note(labels: Labels, indicator: str, readings: tuple[float, ...],
                   at_end: bool) -> str:
    period = readings[1] - readings[0] if len(readings) > 1 else readings[0]
    dots = "; the dots: its median and 90% range, with no week after it to draw" if at_end \
        else ""
    return (f"{labels.indicator(indicator)} is re-read every {period:g} weeks (dotted lines) "
            f"and held in between: each step is the change since the reading before, the "
            f"last (week {readings[-1]:g}, {labels.date(readings[-1])}{dots}) included")


def fan_figure(batches: Sequence[Results], indicator: str, labels: Labels | None = None,
               note: str | None = None) -> Figure:
    """Median and 50% / 90% bands of an indicator over time, one colour and line style per
    batch, against dates. The bands are translucent and under every line, the first batch's
    (the baseline's) median on top, so no band hides a line; the legend sits below the plot.
    An indicator that changes only at the economy's leverage readings has them marked and
    said (else a step at the last reading reads as a collapse in the last week); ``note`` adds
    what the scenario's author knows about those steps."""
    labels = labels or labels_for(batches[0])
    series = [_indicator_matrix(results, indicator) for results in batches]
    readings = labels.readings.get(indicator, ()) if labels.start is not None else ()
    last = max((float(weeks[-1]) for weeks, _ in series if len(weeks)), default=math.nan)
    text = ". ".join(part for part in (_readings_note(labels, indicator, readings,
                                                      readings[-1] == last)
                                       if readings else "", note or "") if part)
    if text:  # the explanation in a panel of its own under the plot: it covers no line
        figure, (axes, notes) = plt.subplots(2, 1, figsize=(9, 5.8), dpi=DPI,
                                             height_ratios=(5, 1), layout="constrained")
        notes.set_axis_off()
        notes.text(0, 1, _wrap(text + ".", 130), fontsize=7.5, va="top",
                   transform=notes.transAxes)
    else:
        figure, axes = plt.subplots(figsize=(9, 5), dpi=DPI, layout="constrained")
    xlabel = "week of the game"
    spreads = []
    for number, (results, (weeks, matrix)) in enumerate(zip(batches, series, strict=True)):
        if not len(weeks):
            continue
        x, xlabel = _time_axis(labels, weeks)
        colour = COLOURS[number % len(COLOURS)]
        p5, p25, p50, p75, p95 = np.nanpercentile(matrix, [5, 25, 50, 75, 95], axis=0)
        spreads.append((x, p5, p25, p75, p95, _label(results)))
        axes.fill_between(x, p5, p95, color=colour, alpha=0.10, linewidth=0, zorder=1)
        axes.fill_between(x, p25, p75, color=colour, alpha=0.22, linewidth=0, zorder=1.5)
        axes.plot(x, p50, color=colour, linestyle=LINESTYLES[number % len(LINESTYLES)],
                  linewidth=2.4 if number == 0 else 1.8, zorder=10 + len(batches) - number,
                  label=_label(results))
        if readings and readings[-1] == weeks[-1]:  # a reading with no time after it to show
            axes.errorbar([x[-1]], [p50[-1]], yerr=[[p50[-1] - p5[-1]], [p95[-1] - p50[-1]]],
                          fmt="o", color=colour, markersize=5, capsize=3, elinewidth=1.2,
                          zorder=20 + len(batches) - number, gid="last-reading")
    for week in readings:
        axes.axvline(labels.date(week), color="#555", linestyle=":", linewidth=0.9,
                     zorder=0.5, gid="reading")
    _clip_outlying_bands(axes, spreads, labels.start is not None)
    scenario = batches[0].manifest["scenario"]["name"]
    axes.set_title(f"{labels.indicator(indicator)} [{indicator}]: median, 50% and 90% bands\n"
                   f"{scenario}", fontsize=10)
    if labels.start is not None:
        _date_ticks(axes)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(_wrap(labels.indicator(indicator), 40))
    axes.grid(alpha=0.3)
    handles, shown = axes.get_legend_handles_labels()
    handles += [Patch(color="grey", alpha=0.22 + 0.10), Patch(color="grey", alpha=0.10)]
    shown += ["50% of runs (25th-75th percentile)", "90% of runs (5th-95th percentile)"]
    figure.legend(handles, shown, loc="outside lower center", ncol=min(3, len(shown)),
                  fontsize=8, frameon=False)
    return figure


def band_limits(p5: np.ndarray, p25: np.ndarray, p75: np.ndarray, p95: np.ndarray
                ) -> tuple[float, float] | None:
    """The value axis's limits when a 90% band reaches far beyond where the runs mostly are
    (beyond the 50% bands' range by more than that range itself, which would squeeze them
    into a sliver: leverage after a blockade without a cut-off reads ~11 where the rest read
    under 1), else None (the axis shows everything)."""
    core_low, core_high = float(np.nanmin(p25)), float(np.nanmax(p75))
    span = core_high - core_low or abs(core_high) or 1.0
    low, high = float(np.nanmin(p5)), float(np.nanmax(p95))
    clipped_low = max(low, core_low - span)
    clipped_high = min(high, core_high + span)
    if (clipped_low, clipped_high) == (low, high):
        return None
    margin = 0.05 * (clipped_high - clipped_low)
    return clipped_low - margin, clipped_high + margin


def _clip_outlying_bands(axes: Any, spreads: list[tuple[Any, ...]], dated: bool) -> None:
    """Clip the value axis to ``band_limits`` and say in the chart where a band leaves it and
    how far it goes, so nothing is hidden and the bulk of the runs stays readable."""
    if not spreads:
        return
    limits = band_limits(*(np.concatenate([spread[k] for spread in spreads])
                           for k in range(1, 5)))
    if limits is None:
        return
    axes.set_ylim(*limits)
    notes = []
    for x, p5, _, _, p95, label in spreads:
        for values, beyond in ((p95, p95 > limits[1]), (p5, p5 < limits[0])):
            if beyond.any():  # the farthest point off the scale
                where = int(np.argmax(np.where(beyond, np.abs(values - limits[0]), -1.0)))
                when = x[where].strftime("%b %Y") if dated else f"week {x[where]:g}"
                notes.append(f"{label}: {values[where]:.3g} ({when})")
    axes.text(0.99, 0.98, "90% band off the scale, reaching\n" + "\n".join(notes),
              transform=axes.transAxes, ha="right", va="top", fontsize=7.5, zorder=30,
              gid="off-scale",
              bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "#bbb"})


def _save(figure: Figure, path: Path) -> Path:
    try:
        figure.savefig(path)
    finally:
        plt.close(figure)
    return path


def fan_chart(batches: Sequence[Results], indicator: str, path: Path,
              labels: Labels | None = None, note: str | None = None) -> Path:
    """``fan_figure`` written to ``path`` (PNG)."""
    return _save(fan_figure(batches, indicator, labels, note), path)


def _binary(data: Sequence[np.ndarray]) -> bool:
    """Whether an outcome only ever took 0 or 1 (a thing happened or not)."""
    return any(len(values) for values in data) and all(
        bool(np.isin(values, (0.0, 1.0)).all()) for values in data)


def _share_panel(axes: Any, batches: Sequence[Results], data: Sequence[np.ndarray]) -> None:
    """The share of runs in which the outcome happened (above 0), a bar per batch, with its
    95% Wilson interval: a 0/1 outcome's whole distribution, which a histogram would spread
    over two bins at its ends."""
    for number, (results, values) in enumerate(zip(batches, data, strict=True)):
        if not len(values):
            continue
        hits = int((values > 0).sum())
        share = hits / len(values)
        low, high = wilson_interval(hits, len(values))
        axes.bar(number, share, 0.7, color=COLOURS[number % len(COLOURS)], alpha=0.75,
                 label=_label(results))
        axes.errorbar([number], [share], yerr=[[share - low], [high - share]], fmt="none",
                      ecolor="black", elinewidth=1.1, capsize=4)
        axes.annotate(f"{share:.0%}", (number, high), xytext=(0, 3),
                      textcoords="offset points", ha="center", fontsize=7)
    axes.set_ylim(0, 1.12)
    axes.set_xticks(range(len(batches)), [""] * len(batches))
    axes.set_ylabel("share of runs (95% CI)", fontsize=7)


def distributions_figure(batches: Sequence[Results], outcomes: Sequence[str] | None = None,
                         labels: Labels | None = None, shares: Collection[str] = ()) -> Figure:
    """A panel per outcome, batches overlaid: a histogram (step outlines, so all stay
    visible), or for an outcome that is 0 or 1 in every run, or named in ``shares`` (a count
    read as "it happened"), the share of runs with its confidence interval."""
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
        if name in shares or _binary(data):
            _share_panel(axes, batches, data)
            what = labels.outcome(name).removesuffix(" (count per run)")
            axes.set_title(_wrap(f"{what}: share of runs with at least one", 45), fontsize=9)
            axes.tick_params(labelsize=7)
            continue
        low = min(float(values.min()) for values in finite)
        high = max(float(values.max()) for values in finite)
        bins = np.linspace(low, high if high > low else low + 1, 25)
        for number, (results, values) in enumerate(zip(batches, data, strict=True)):
            if len(values):
                axes.hist(values, bins=bins, histtype="step", linewidth=1.6,
                          linestyle=LINESTYLES[number % len(LINESTYLES)],
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
    return figure


def distributions(batches: Sequence[Results], path: Path, outcomes: Sequence[str] | None = None,
                  labels: Labels | None = None, shares: Collection[str] = ()) -> Path:
    """``distributions_figure`` written to ``path`` (PNG)."""
    return _save(distributions_figure(batches, outcomes, labels, shares), path)


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
