"""Is the ranking of the postures robust to the assumptions? Shares of wins and worst regret.

``N`` assumption sets are drawn as a Latin hypercube over the same groups of behaviour
assumptions as the sensitivity analysis (``montecarlo.sensitivity``: each group one quantile in
[0, 1], every member at that quantile of its own range). In each set every posture is played
``K`` times on the same seeds — the same seeds in every set and for every posture (common random
numbers) — as a batch of its own under ``OUT/points/NNNN/``. Then, per outcome, with the
direction that is better for the US (leverage and R&D higher; China's self-sufficiency, blockade
frequency, smuggling and GDP lost lower):

- the **share of sets in which each posture is best** (a tie shares the set equally, so the
  shares of an outcome add up to 1);
- each posture's **regret** in a set, its shortfall from the set's best posture (0 for the best,
  never negative), and its **worst-case regret** over the sets, with the set where it happens;
- how many sets the winner wins **clearly**: its lead over the runner-up is more than twice the
  standard error of their paired difference over the ``K`` replications (otherwise the set's
  ranking could be the dice's).

A finished point is skipped when the same command runs again (the analysis resumes);
``OUT/robustness.json`` holds the plan, and a folder holding another plan is refused (another
choice of outcomes is computed from the points on disk: each records every outcome).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from wargame.errors import RequestError, ScenarioError
from wargame.montecarlo.backends import default_jobs
from wargame.montecarlo.design import latin_hypercube
from wargame.montecarlo.headline import POSTURES
from wargame.montecarlo.plots import COLOURS
from wargame.montecarlo.progress import ProgressCallback
from wargame.montecarlo.report import number as report_number
from wargame.montecarlo.sensitivity import (
    DEFAULT_SCENARIO,
    Group,
    Outcome,
    PointJob,
    analysis_lock,
    behaviour_groups,
    choose_outcomes,
    drop_idle,
    effective_members,
    open_plan,
    point_dir,
    point_overrides,
    point_values,
    posture_paths,
    postures_of,
    remember,
    run_points,
    whole,
    write_csv,
)
from wargame.montecarlo.stats import wilson_interval
from wargame.montecarlo.storage import prepare_folder
from wargame.text import table

DEFAULT_SAMPLES = 40
DEFAULT_RUNS = 16
TIE = 1e-9
"""Two postures within this (relative to the outcome's scale) share a set's win."""


@dataclass(frozen=True)
class PostureRow:
    """One posture on one outcome, across the assumption sets."""

    outcome: str
    posture: str
    share_best: float
    mean: float
    """The outcome's mean over the sets (each set's mean over its replications)."""
    mean_regret: float
    worst_regret: float
    worst_set: int
    """The assumption set where the worst regret happens."""


@dataclass
class Robustness:
    """The result: per outcome and posture, the share of wins and the regrets; per set and
    posture, the values (``values[outcome]`` is sets × postures)."""

    path: Path
    scenario: str
    postures: tuple[str, ...]
    groups: list[Group]
    outcomes: list[Outcome]
    samples: int
    runs: int
    seed: int
    quantiles: np.ndarray
    """Sets × groups: each group's quantile in each set."""
    values: dict[str, np.ndarray] = field(default_factory=dict)
    regret: dict[str, np.ndarray] = field(default_factory=dict)
    rows: dict[str, list[PostureRow]] = field(default_factory=dict)
    clear: dict[str, int] = field(default_factory=dict)
    """Outcome → sets whose winner leads the runner-up by more than twice the paired SE."""
    missing: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    left_out: list[str] = field(default_factory=list)
    """Groups not varied: all their numbers belong to postures not compared."""

    def records(self) -> list[dict[str, Any]]:
        return [{"outcome": row.outcome, "better": outcome.better, "posture": row.posture,
                 "share_best": row.share_best,
                 "share_low": share_interval(row.share_best, self.samples)[0],
                 "share_high": share_interval(row.share_best, self.samples)[1],
                 "mean": row.mean, "mean_regret": row.mean_regret,
                 "worst_regret": row.worst_regret, "worst_set": row.worst_set,
                 "clear_sets": self.clear.get(outcome.column, 0), "sets": self.samples}
                for outcome in self.outcomes for row in self.rows.get(outcome.column, [])]

    def set_records(self) -> list[dict[str, Any]]:
        """One row per set, posture and outcome: the value and the regret, with the set's
        quantiles (for finding what the sets where a posture loses have in common)."""
        rows = []
        for outcome in self.outcomes:
            if outcome.column not in self.values:
                continue
            values, regret = self.values[outcome.column], self.regret[outcome.column]
            for number in range(self.samples):
                quantiles = {f"q.{group.name}": float(self.quantiles[number, i])
                             for i, group in enumerate(self.groups)}
                for p, posture in enumerate(self.postures):
                    rows.append({"set": number, "outcome": outcome.column, "posture": posture,
                                 "value": float(values[number, p]),
                                 "regret": float(regret[number, p]), **quantiles})
        return rows


def winners(values: np.ndarray, better: str) -> tuple[np.ndarray, np.ndarray]:
    """Per set (row): each posture's share of the win (ties split it) and its regret."""
    utility = values if better == "higher" else -values
    best = utility.max(axis=1, keepdims=True)
    scale = np.nanmax(np.abs(values)) if np.isfinite(values).any() else 1.0
    tied = utility >= best - TIE * max(scale, 1.0)
    credit = tied / tied.sum(axis=1, keepdims=True)
    regret = np.maximum(best - utility, 0.0)
    regret[tied] = 0.0
    return credit, regret


def _clear_wins(per_rep: np.ndarray, means: np.ndarray, better: str) -> int:
    """Sets whose winner leads the runner-up by more than twice the paired SE (``per_rep``:
    sets × postures × replications)."""
    utility = means if better == "higher" else -means
    count = 0
    for number in range(len(means)):
        order = np.argsort(-utility[number], kind="stable")
        first, second = order[0], order[1]
        a, b = per_rep[number, first], per_rep[number, second]
        both = np.isfinite(a) & np.isfinite(b)
        differences = (a - b)[both]
        lead = utility[number, first] - utility[number, second]
        if len(differences) < 2:
            continue
        se = float(np.std(differences, ddof=1)) / math.sqrt(len(differences))
        if lead > 2 * se:
            count += 1
    return count


def robustness(scenario: str | Path = DEFAULT_SCENARIO, postures: Sequence[str] | None = None,
               outcomes: Sequence[str] | None = None, samples: int = DEFAULT_SAMPLES,
               runs: int = DEFAULT_RUNS, jobs: int | None = None, seed: int = 0,
               out: str | Path = "wargame-robustness", groups: Sequence[str] | None = None,
               progress: ProgressCallback | bool | None = None) -> Robustness:
    """Each posture in ``samples`` Latin-hypercube assumption sets, ``runs`` replications each
    on common seeds; per outcome the share of sets each posture is best in and its regrets."""
    samples = whole(samples, "samples", 2)
    runs = whole(runs, "runs", 1)
    seed = whole(seed, "seed", 0)
    jobs = default_jobs() if jobs is None else whole(jobs, "jobs", 1)
    if isinstance(scenario, bool) or not isinstance(scenario, str | os.PathLike):
        raise ScenarioError(f"scenario must be a scenario file's path or a shipped scenario's "
                           f"name (got {scenario!r})")
    if isinstance(out, bool) or not isinstance(out, str | os.PathLike) or not str(out):
        raise RequestError(f"out must be the path of a folder (got {out!r})")

    source = str(scenario)
    loaded, chosen = behaviour_groups(source, groups)
    if postures is None:
        if not all(name in loaded.postures for name in POSTURES):
            raise RequestError(f"{source}: name the postures to compare (--postures A,B,...; "
                               f"the scenario has: {', '.join(loaded.postures) or 'none'})")
        postures = POSTURES
    names = postures_of(loaded, postures)
    if len(names) < 2 or len(set(names)) != len(names):
        raise RequestError(f"postures: name at least two different postures (got "
                           f"{', '.join(names) or 'none'})")
    teams = {loaded.postures[name].team for name in names}
    if len(teams) != 1:
        raise RequestError(f"postures: compare postures of one team (got teams "
                           f"{', '.join(sorted(teams))})")
    measured = choose_outcomes(loaded, outcomes)
    undirected = [outcome.column for outcome in measured if outcome.better is None]
    if undirected:
        raise RequestError(f"outcomes: say which way is better for {', '.join(undirected)} "
                           f"(e.g. {undirected[0]}:higher or {undirected[0]}:lower)")
    wheres = {name: posture_paths(loaded, [name]) for name in names}
    used = np.sum([effective_members(chosen, where) for where in wheres.values()], axis=0)
    chosen, left_out = drop_idle(chosen, [int(count) for count in used], groups is not None,
                                 "only hold numbers of postures not compared")
    quantiles = latin_hypercube([(0.0, 1.0)] * len(chosen), samples, seed)
    out = Path(out)
    content = remember(source, loaded)
    plan = {"analysis": "robustness", "design": "lhs", "scenario": source,
            "scenario_hash": content,
            "postures": list(names), "seed": seed, "runs": runs, "samples": samples,
            "groups": {group.name: [[m.path, m.low, m.high] for m in group.members]
                       for group in chosen},
            "quantiles": quantiles.tolist()}
    prepare_folder(out)
    with analysis_lock(out):
        open_plan(out, "robustness.json", plan)
        points = [PointJob(number * len(names) + p, source, content, (name,),
                           point_overrides(chosen, quantiles[number], wheres[name]), runs, seed,
                           str(point_dir(out, number * len(names) + p)))
                  for number in range(samples) for p, name in enumerate(names)]
        failed = run_points(points, jobs, progress)
        result = Robustness(out, loaded.meta.name, names, chosen, measured, samples, runs, seed,
                            quantiles, failed=failed, left_out=left_out)
        per_point = [point_values(Path(job.directory), measured) for job in points]
        for outcome in measured:
            per_rep = np.array([values[outcome.column] for values in per_point]).reshape(
                samples, len(names), -1)
            finite = np.isfinite(per_rep).any(axis=2)
            if not finite.all():
                result.missing[outcome.column] = int((~finite).sum())
                continue
            means = np.nanmean(per_rep, axis=2)
            credit, regret = winners(means, outcome.better or "higher")
            result.values[outcome.column] = means
            result.regret[outcome.column] = regret
            result.clear[outcome.column] = _clear_wins(per_rep, means, outcome.better or "higher")
            result.rows[outcome.column] = [
                PostureRow(outcome.column, name, float(credit[:, p].mean()),
                           float(means[:, p].mean()), float(regret[:, p].mean()),
                           float(regret[:, p].max()), int(np.argmax(regret[:, p])))
                for p, name in enumerate(names)]
        write_csv(out / "robustness.csv", result.records())
        write_csv(out / "robustness-sets.csv", result.set_records())
    return result


# ---- what is printed and drawn ------------------------------------------------------------------

def _number(value: float) -> str:
    return report_number(value)


def _extremes(result: Robustness, number: int, count: int = 3) -> str:
    """The groups furthest from their middle in a set: ``tech 0.97, chip_stocks 0.02``."""
    row = result.quantiles[number]
    order = np.argsort(-np.abs(row - 0.5), kind="stable")[:count]
    return ", ".join(f"{result.groups[i].name} {row[i]:.2f}" for i in order)


def share_interval(share: float, sets: int) -> tuple[float, float]:
    """The Wilson 95% interval of a share of ``sets`` (ties counted as their fraction)."""
    return wilson_interval(round(share * sets), sets)


def _share(share: float, sets: int) -> str:
    low, high = share_interval(share, sets)
    return f"{share:.0%} [{low:.0%}, {high:.0%}]"


def robustness_lines(result: Robustness) -> list[str]:
    lines = [f"{result.scenario}: {len(result.postures)} postures in {result.samples} "
             f"assumption sets (Latin hypercube over {len(result.groups)} groups of behaviour "
             f"assumptions), {result.runs} replications each, seed {result.seed}, the same seeds "
             "in every set and for every posture"]
    if result.left_out:
        lines.append(f"not varied: {', '.join(result.left_out)} (numbers of postures not "
                     "compared)")
    if result.failed:
        lines.append(f"{result.failed} replications failed and are left out (each point's "
                     "manifest.json lists them)")
    lines += ["", "share of assumption sets in which each posture is best (ties shared); "
              "clear: sets whose winner leads by more than 2 paired SE", ""]
    rows = []
    for outcome in result.outcomes:
        found = result.rows.get(outcome.column)
        if not found:
            rows.append((outcome.label, outcome.better or "", *("-" for _ in result.postures),
                         "not measured"))
            continue
        rows.append((outcome.label, outcome.better or "",
                     *(_share(row.share_best, result.samples) for row in found),
                     f"{result.clear[outcome.column]}/{result.samples}"))
    lines += table(rows, ("outcome", "better", *result.postures, "clear"))
    lines.append(f"(95% Wilson intervals for {result.samples} sets in brackets: how far the "
                 "share could be from the share over all assumption sets)")
    lines += ["", "worst-case regret (the largest shortfall from the set's best posture, in the "
              "outcome's unit) [set where it happens]; mean regret below", ""]
    rows = []
    for outcome in result.outcomes:
        found = result.rows.get(outcome.column)
        if not found:
            continue
        rows.append((outcome.label, *(f"{_number(row.worst_regret)} [set {row.worst_set}]"
                                      if row.worst_regret > 0 else "0"
                                      for row in found)))
        rows.append(("  mean regret", *(_number(row.mean_regret) for row in found)))
    lines += table(rows, ("outcome", *result.postures))
    worst = {row.worst_set for found in result.rows.values() for row in found
             if row.worst_regret > 0}
    if worst:
        lines += ["", "the sets named, by their most extreme groups (quantile 0 = low end of "
                  "each range, 1 = high end):"]
        lines += [f"  set {number}: {_extremes(result, number)}" for number in sorted(worst)]
    for column, points in result.missing.items():
        lines.append(f"{column}: not measured (no replication recorded it at {points} points)")
    return lines


def plot_robustness(result: Robustness, out: Path | None = None) -> list[Path]:
    """Shares of wins (stacked bars per outcome) beside each posture's worst and mean regret
    relative to the outcome's spread across postures and sets."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt


    folder = Path(out) if out is not None else result.path / "plots"
    folder.mkdir(parents=True, exist_ok=True)
    measured = [outcome for outcome in result.outcomes if outcome.column in result.rows]
    if not measured:
        return []
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 0.42 * len(measured) + 1.8),
                                         dpi=120, layout="constrained", sharey=True)
    y = np.arange(len(measured))[::-1]
    starts = np.zeros(len(measured))
    height = 0.8 / len(result.postures)
    for p, posture in enumerate(result.postures):
        colour = COLOURS[p % len(COLOURS)]
        shares = np.array([result.rows[o.column][p].share_best for o in measured])
        left.barh(y, shares, left=starts, color=colour, label=posture)
        starts += shares
        spread = np.array([max(np.ptp(result.values[o.column]), 1e-300) for o in measured])
        worst = np.array([result.rows[o.column][p].worst_regret for o in measured]) / spread
        mean = np.array([result.rows[o.column][p].mean_regret for o in measured]) / spread
        offset = y + 0.4 - height * (p + 0.5)
        right.barh(offset, worst, height=height, color=colour, alpha=0.35)
        right.barh(offset, mean, height=height, color=colour)
    left.set_yticks(y, [f"{o.short} ({o.better})" for o in measured], fontsize=8)
    left.set_xlim(0, 1)
    left.set_xlabel("share of assumption sets where the posture is best", fontsize=8)
    left.legend(fontsize=7, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3)
    right.set_xlabel("regret / the outcome's range over sets and postures\n"
                     "(pale: worst case, dark: mean over the sets)", fontsize=8)
    right.grid(axis="x", alpha=0.3)
    figure.suptitle(f"Are the postures' rankings robust? {result.scenario}, {result.samples} "
                    f"assumption sets × {result.runs} runs", fontsize=9)
    path = folder / "robustness.png"
    figure.savefig(path)
    plt.close(figure)
    return [path]
