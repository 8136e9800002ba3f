"""Plots of batches (matplotlib, Agg: no display needed): fan charts of indicators over time,
outcome distributions, and differences against a baseline with their confidence intervals."""

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
from wargame.montecarlo.labels import Labels, labels_for
from wargame.montecarlo.results import Results
from wargame.montecarlo.storage import ResultsError

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
    names = list(outcomes or batches[0].outcome_names)
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
    rows = [row for row in compare(batches, shares=shares)
            if outcomes is None or row.outcome in outcomes]
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


def plot_all(batches: Sequence[Results], out: Path, indicators: Sequence[str] | None = None
             ) -> list[Path]:
    """Fan charts for the batches' series, the outcome distributions and, for two or more
    batches, the comparison chart. Returns the files written."""
    labels = labels_for(batches[0])
    written = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for indicator in indicators or batches[0].manifest.get("series_indicators", []):
            written.append(fan_chart(batches, indicator, out / f"fan-{indicator}.png", labels))
        written.append(distributions(batches, out / "outcomes.png", labels=labels))
        if len(batches) > 1:
            written.append(comparison_chart(batches, out / "comparison.png", labels=labels))
    except OSError as exc:
        plt.close("all")
        raise ResultsError(f"{out}: cannot write the plots here: {exc.strerror or exc}") from None
    return written
