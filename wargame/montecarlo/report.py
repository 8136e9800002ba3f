"""Text tables of batches: what ``wargame summary``, ``compare`` and ``showcase`` print."""

from __future__ import annotations

import math
from collections.abc import Sequence

from wargame.montecarlo.analysis import Difference, OutcomeSummary, failed_count
from wargame.montecarlo.results import Results, resume_hint
from wargame.text import table


def number(value: float | None) -> str:
    """Up to four significant digits; "-" for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.4g}"


def interval(low: float | None, high: float | None) -> str:
    return f"[{number(low)}, {number(high)}]"


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
