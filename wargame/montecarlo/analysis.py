"""Summaries and comparisons of batches, with confidence intervals.

The intervals and the per-outcome summary are ``stats``'s (its docstring states the choices);
here are those of a ``Results`` and the comparisons: against a baseline, paired by replication
when both batches used the same seed and run count (common random numbers: replication i saw
the same draws) — pairs are made by replication number, so a partial batch is compared on the
replications both have — and Welch's unequal-variance interval otherwise. A failed replication
is left out of every figure and counted in ``errors`` / ``*_failed``.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from wargame.errors import RequestError
from wargame.montecarlo.gdp import unknown_outcome
from wargame.montecarlo.results import Results
from wargame.montecarlo.stats import (
    LEVEL,
    OutcomeColumns,
    OutcomeSummary,
    mean_interval,
    outcome_columns,
    summarise_columns,
    t_quantile,
    wilson_interval,
)

__all__ = ["LEVEL", "Difference", "OutcomeSummary", "as_records", "compare", "failed_count",
           "mean_interval", "outcome_values", "shares_seeds", "summarise", "t_quantile",
           "wilson_interval"]


def _columns(results: Results) -> OutcomeColumns:
    return outcome_columns(results.outcomes, results.outcome_names)


def failed_count(results: Results) -> int:
    """Replications left out as failed: error rows, and ok rows holding a NaN or inf."""
    return _columns(results).failed


def outcome_values(results: Results, name: str) -> np.ndarray:
    """An outcome's values in the replications that succeeded and in which it happened; an
    outcome the batch did not record is a ``RequestError`` listing those it did."""
    if name not in results.outcome_names:
        raise RequestError(unknown_outcome(name, results.outcome_names,
                                           results.manifest["scenario"]["name"]))
    batch = _columns(results)
    column = batch.columns[name]
    return column[batch.ok & ~np.isnan(column)]


def summarise(results: Results, level: float = LEVEL) -> list[OutcomeSummary]:
    """Per outcome: n, mean, sd, CI of the mean, percentiles; for counts the share above zero."""
    return summarise_columns(_columns(results), level)


@dataclass(frozen=True)
class Difference:
    outcome: str
    baseline: str
    variant: str
    paired: bool
    n: int
    baseline_mean: float
    variant_mean: float
    difference: float
    ci_low: float
    ci_high: float
    baseline_failed: int = 0
    """Failed replications of the baseline (left out)."""
    variant_failed: int = 0
    """Failed replications of the variant (left out)."""


def shares_seeds(a: Results, b: Results) -> bool:
    """Common random numbers: same seed and run count, and continuing the same game (if any)."""
    keys = ("seed", "runs")
    same_fork = (a.manifest.get("fork") or {}).get("turn") == (b.manifest.get("fork") or {}).get(
        "turn")
    return all(a.manifest[key] == b.manifest[key] for key in keys) and same_fork


def _as_shares(columns: dict[str, np.ndarray], shares: Collection[str]) -> dict[str, np.ndarray]:
    """Outcomes named in ``shares`` become 1.0 when above zero (0.0 otherwise, nan kept), so
    their means are frequencies: "a blockade happened" rather than "blockades a run"."""
    return {name: np.where(np.isnan(column), np.nan, (column > 0).astype(float))
            if name in shares else column for name, column in columns.items()}


def compare(batches: Sequence[Results], level: float = LEVEL, shares: Collection[str] = ()
            ) -> list[Difference]:
    """Each batch's outcomes against the first (the baseline): difference of means with a CI.
    Outcomes named in ``shares`` are compared as frequencies of a value above zero."""
    if len(batches) < 2:
        raise RequestError("compare needs a baseline and at least one other results directory")
    baseline = batches[0]
    base = _columns(baseline)
    base_ok, base_columns = base.ok, _as_shares(base.columns, shares)
    rows = []
    for other in batches[1:]:
        batch = _columns(other)
        ok, columns = batch.ok, _as_shares(batch.columns, shares)
        paired = shares_seeds(baseline, other)
        # replication i against replication i: the rows both batches have (a partial batch)
        _, mine, theirs = np.intersect1d(base.replications, batch.replications,
                                         assume_unique=True, return_indices=True)
        for name, base_column in base_columns.items():
            if name not in columns:
                continue
            column = columns[name]
            if paired:
                x, y = base_column[mine], column[theirs]
                both = base_ok[mine] & ok[theirs] & ~np.isnan(x) & ~np.isnan(y)
                a, b = x[both], y[both]
                diffs = b - a
                low, high = mean_interval(diffs, level)
                n = len(diffs)
                difference = float(diffs.mean()) if n else math.nan
            else:
                a = base_column[base_ok & ~np.isnan(base_column)]
                b = column[ok & ~np.isnan(column)]
                n = min(len(a), len(b))
                difference = float(b.mean() - a.mean()) if n else math.nan
                low, high = _welch(a, b, difference, level)
            rows.append(Difference(name, baseline.label, other.label, paired, n,
                                   float(a.mean()) if len(a) else math.nan,
                                   float(b.mean()) if len(b) else math.nan,
                                   difference, low, high, base.failed, batch.failed))
    return rows


def _welch(a: np.ndarray, b: np.ndarray, difference: float, level: float) -> tuple[float, float]:
    if len(a) < 2 or len(b) < 2:
        return (math.nan, math.nan)
    va, vb = float(a.var(ddof=1)) / len(a), float(b.var(ddof=1)) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return (difference, difference)
    df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
    half = t_quantile(0.5 + level / 2, df) * se
    return (difference - half, difference + half)


def as_records(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Rows as plain dicts: for ``pandas.DataFrame(...)``, CSV or JSON."""
    return [asdict(row) for row in rows]
