"""The statistics of a batch's outcomes: confidence intervals and per-outcome summaries.

Choices, stated once: the CI of a mean is Student's t interval (t quantiles computed here, see
``t_quantile``: no scipy needed); a frequency (the share of runs in which a count outcome is
above zero, e.g. "a blockade happened") gets a Wilson score interval, which behaves at 0% and
100%. An outcome that did not happen in a run (null) is left out of its mean and counted as
"none". A failed replication (status ``error``, or — in a batch written before such rows were
refused — an ``ok`` row holding an infinite or NaN value) is left out of every figure and counted
in ``errors``: a failure is never silently a "none" or a number.

This module works on arrays and reads no folder, so both ``results`` (``Results.summary``) and
``analysis`` (comparisons of batches) build on it without importing each other.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
import pyarrow as pa

LEVEL = 0.95


def _t_cdf(x: float, df: float) -> float:
    """Student's t CDF by Simpson's rule on the density (smooth, so 2000 panels are exact to
    ~1e-10 for the moderate x a CI needs)."""
    log_norm = math.lgamma((df + 1) / 2) - math.lgamma(df / 2) - 0.5 * math.log(df * math.pi)
    grid = np.linspace(0.0, abs(x), 2001)
    density = np.exp(log_norm - (df + 1) / 2 * np.log1p(grid * grid / df))
    step = grid[1] - grid[0] if abs(x) > 0 else 0.0
    area = step / 3 * (density[0] + density[-1] + 4 * density[1:-1:2].sum()
                       + 2 * density[2:-1:2].sum())
    return 0.5 + math.copysign(area, x)


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom: exact closed forms for
    1 and 2, bisection on the CDF below 30, the Cornish-Fisher expansion (error < 1e-4) above."""
    if df <= 0 or not math.isfinite(df):
        return NormalDist().inv_cdf(p)
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) * math.sqrt(2 / (4 * p * (1 - p)))
    z = NormalDist().inv_cdf(p)
    if df >= 30:
        return (z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)
                + (3 * z**7 + 19 * z**5 + 17 * z**3 - 15 * z) / (384 * df**3))
    low, high = (z, 60.0) if p >= 0.5 else (-60.0, z)
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (middle, high) if _t_cdf(middle, df) < p else (low, middle)
    return (low + high) / 2


def mean_interval(values: np.ndarray, level: float = LEVEL) -> tuple[float, float]:
    n = len(values)
    if n < 2:
        return (math.nan, math.nan)
    half = t_quantile(0.5 + level / 2, n - 1) * float(np.std(values, ddof=1)) / math.sqrt(n)
    mean = float(np.mean(values))
    return (mean - half, mean + half)


def wilson_interval(successes: int, n: int, level: float = LEVEL) -> tuple[float, float]:
    if n == 0:
        return (math.nan, math.nan)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    share = successes / n
    centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class OutcomeSummary:
    outcome: str
    n: int
    none: int
    errors: int
    mean: float
    sd: float
    ci_low: float
    ci_high: float
    p5: float
    p25: float
    median: float
    p75: float
    p95: float
    share_above_zero: float | None
    share_ci_low: float | None
    share_ci_high: float | None


@dataclass
class OutcomeColumns:
    """A batch's outcomes as arrays: which rows are usable (``ok``), by replication number.
    Each call of ``outcome_columns`` makes its own arrays (a comparison may rewrite them)."""

    replications: np.ndarray
    ok: np.ndarray
    columns: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return int((~self.ok).sum())


def outcome_columns(table: pa.Table, names: Sequence[str]) -> OutcomeColumns:
    """A summary table's outcome columns as float arrays (null: nan), with the rows that are
    usable: status ``ok`` and no inf or NaN that is not a null (a failure is never a number)."""
    ok = np.array([status == "ok" for status in table.column("status").to_pylist()], dtype=bool)
    columns = {}
    for name in names:
        column = table.column(name)
        values = np.array(column.to_numpy(zero_copy_only=False), dtype=float)  # nulls → nan
        present = ~np.asarray(column.is_null().to_numpy(zero_copy_only=False), dtype=bool)
        ok &= ~(present & ~np.isfinite(values))  # inf, or a NaN that is not a null
        columns[name] = values
    for values in columns.values():
        values[~ok] = np.nan
    replications = np.asarray(table.column("replication").to_numpy(zero_copy_only=False),
                              dtype=np.int64)
    return OutcomeColumns(replications, ok, columns)


def _is_count(values: np.ndarray) -> bool:
    whole = bool(np.all(values == np.round(values)))
    return len(values) > 0 and bool(np.all(values >= 0)) and whole


def summarise_columns(batch: OutcomeColumns, level: float = LEVEL) -> list[OutcomeSummary]:
    """Per outcome: n, mean, sd, CI of the mean, percentiles; for counts the share above zero."""
    ok, errors = batch.ok, batch.failed
    rows = []
    for name, column in batch.columns.items():
        values = column[ok & ~np.isnan(column)]
        none = int((ok & np.isnan(column)).sum())
        if len(values):
            percentiles = np.percentile(values, [5, 25, 50, 75, 95])
            p5, p25, median, p75, p95 = (float(x) for x in percentiles)
            mean = float(values.mean())
            sd = float(values.std(ddof=1)) if len(values) > 1 else math.nan
        else:
            p5 = p25 = median = p75 = p95 = mean = sd = math.nan
        low, high = mean_interval(values, level)
        share = share_low = share_high = None
        if _is_count(values):
            hits = int((values > 0).sum())
            share = hits / len(values)
            share_low, share_high = wilson_interval(hits, len(values), level)
        rows.append(OutcomeSummary(name, len(values), none, errors, mean, sd, low, high, p5, p25,
                                   median, p75, p95, share, share_low, share_high))
    return rows
