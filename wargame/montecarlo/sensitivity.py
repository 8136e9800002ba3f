"""Global sensitivity of the headline outcomes to the declared assumptions: Morris over groups.

What it varies: every assumption the scenario and its embedded world declare with a range
(``wargame.calibration.assumptions.declared``) whose kind is ``behaviour`` — how economies and
teams respond. The world's sizes (outputs, flows, GDP) are its accounting, tied to each other by
the network's balance, and are not varied. A range that is a single value (a normalisation) is
not varied either.

How: each declared ``group`` is one factor. A factor's value is a quantile ``q`` in [0, 1], and
every member of the group is set to the same quantile of its own range
(``low + q (high - low)``): the group moves as one ("stocks are longer than we assumed"), never
with members cancelling each other. (SALib's own group sampler moves the members of a group at
the same step but each from its own random level and in its own random direction; setting them
together is the question an analyst asks of a group.) The design is SALib's Morris sample over
the groups' quantiles (``R`` trajectories of ``G + 1`` points, one group moving a step of
``levels / (2 (levels - 1))`` at each), and each point is a batch of ``K`` replications
(``monte_carlo`` with the point's ``--set`` overrides) under ``OUT/points/NNN/``, every point on
the same seed: common random numbers, so a step's difference is the group's effect and not the
dice. A group's elementary effect is the change of an outcome's mean per unit of quantile: about
what moving the group across its whole range does. ``mu_star`` (the mean absolute effect over
the trajectories) ranks the groups; ``sigma`` (their spread) says the effect depends on the other
groups (interactions, or a curve); ``noise`` is the ``mu_star`` the replications' sampling error
alone would give — a ``mu_star`` not well above it is not told apart from chance.

Points run on a pool of workers, each a whole in-process batch; a finished point is skipped when
the same command runs again, so an interrupted analysis resumes. ``OUT/sensitivity.json`` holds
the plan (groups and their members, sizes, seed, the unit design); a folder holding another plan
is refused. Every point records all the scenario's outcomes and GDP columns, so another choice of
``outcomes`` on the same folder is computed from the points on disk.
"""

from __future__ import annotations

import csv
import io
import json
import math
import numbers
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from wargame.calibration.assumptions import declared
from wargame.errors import (
    Issue,
    RequestError,
    ResultsError,
    ScenarioError,
    SetupError,
    WargameError,
)
from wargame.files import SaveLock, read_regular_file, save_text_atomic
from wargame.montecarlo.backends import default_jobs, executor
from wargame.montecarlo.gdp import WORLD, gdp_columns, parse_column, unknown_outcome
from wargame.montecarlo.headline import OUTCOMES, SHARES
from wargame.montecarlo.progress import Progress, ProgressCallback
from wargame.montecarlo.report import number
from wargame.montecarlo.results import Results
from wargame.montecarlo.runner import monte_carlo
from wargame.montecarlo.storage import prepare_folder
from wargame.scenario.loader import load_scenario, scenario_dump, scenario_hash
from wargame.scenario.schema import Scenario
from wargame.text import region_names, table

DEFAULT_SCENARIO = "status-quo-2022"
DEFAULT_TRAJECTORIES = 6
DEFAULT_RUNS = 4
LEVELS = 4
PLAN_BYTES = 64 << 20

HEADLINE = (
    # the showcase's outcomes: column, short label, which way is better for the US
    ("self_sufficiency", "CN self-sufficiency", "lower"),
    ("leverage_at_crisis", "US leverage", "higher"),
    ("blockades", "blockade freq.", "lower"),
    ("us_rd_funding_bn", "US R&D", "higher"),
    ("smuggled_bn", "smuggled", "lower"),
)
"""The showcase's outcomes (its labels; blockades as a frequency), and which way is better."""


# ---- outcomes -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """A headline outcome: a column of the batches, how it is read and which way is better."""

    column: str
    label: str
    short: str
    better: str | None = None
    """``higher`` or ``lower`` (for the US); None when not said (sensitivity does not need it)."""
    share: bool = False
    """Read as the share of runs with a count above zero (blockade frequency)."""
    scale: float = 1.0
    """Each replication's value times this (GDP shares shown in % of GDP)."""

    def values(self, column: np.ndarray) -> np.ndarray:
        if self.share:
            return np.where(np.isnan(column), np.nan, (column > 0).astype(float))
        return column * self.scale


def _gdp_outcomes(scenario: Scenario) -> list[Outcome]:
    if scenario.economy is None:
        return []
    names = region_names(scenario.economy.world)
    found = []
    for name in gdp_columns(scenario):
        column = parse_column(name)
        if column is None or column.measure != "share" or column.year is not None:
            continue
        where = "the world" if column.region == WORLD else names.get(column.region,
                                                                      column.region)
        short = "world" if column.region == WORLD else column.region
        found.append(Outcome(name, f"GDP lost by {where} (% of its GDP a year, over the run)",
                             f"GDP loss {short}", "lower", scale=100.0))
    world = [item for item in found if item.column.endswith(f".{WORLD}")]
    return world + [item for item in found if item not in world]


def available_outcomes(scenario: Scenario) -> dict[str, Outcome]:
    """Every outcome a batch of the scenario records, the headline ones with their labels and
    directions (the showcase's, and the GDP lost by the world and each region)."""
    known = {column: Outcome(column, OUTCOMES.get(column, column), short, better,
                             column in SHARES) for column, short, better in HEADLINE}
    found = {name: known.get(name, Outcome(name, name, name)) for name in scenario.outcomes}
    found.update({item.column: item for item in _gdp_outcomes(scenario)})
    return found


def default_outcomes(scenario: Scenario) -> list[Outcome]:
    """The showcase's outcomes the scenario has, then the GDP lost by the world and each region;
    a scenario with none of them: all its outcomes."""
    available = available_outcomes(scenario)
    chosen = [available[column] for column, *_ in HEADLINE if column in available]
    chosen += _gdp_outcomes(scenario)
    return chosen or list(available.values())


def choose_outcomes(scenario: Scenario, names: Sequence[str] | None) -> list[Outcome]:
    """The outcomes asked for: ``NAME`` or ``NAME:higher`` / ``NAME:lower`` (which way is better,
    for an outcome the headline list does not know); None: the defaults."""
    if names is None:
        return default_outcomes(scenario)
    if isinstance(names, str | bytes) or not isinstance(names, Iterable):
        raise RequestError(f"outcomes must be a list of outcome names (got {names!r})")
    available = available_outcomes(scenario)
    chosen: list[Outcome] = []
    for text in names:
        if not isinstance(text, str) or not text.strip():
            raise RequestError(f"outcomes: each is an outcome's name (got {text!r})")
        name, _, better = text.strip().partition(":")
        if name not in available:
            raise RequestError(unknown_outcome(name, available, scenario.meta.name))
        outcome = available[name]
        if better:
            if better not in ("higher", "lower"):
                raise RequestError(f"outcomes: '{text}': say which way is better as "
                                   f"{name}:higher or {name}:lower")
            outcome = Outcome(outcome.column, outcome.label, outcome.short, better,
                              outcome.share, outcome.scale)
        if outcome.column in (item.column for item in chosen):
            raise RequestError(f"outcomes: '{name}' is named twice")
        chosen.append(outcome)
    if not chosen:
        raise RequestError("outcomes: name at least one outcome")
    return chosen


# ---- the groups of assumptions ----------------------------------------------------------------

@dataclass(frozen=True)
class Member:
    path: str
    low: float
    high: float
    whole: bool = False
    """The scenario holds a whole number there: values are rounded."""

    def at(self, quantile: float) -> float | int:
        value = self.low + quantile * (self.high - self.low)
        return round(value) if self.whole else value


@dataclass(frozen=True)
class Group:
    """A declared group of behaviour assumptions: one factor of the analyses."""

    name: str
    members: tuple[Member, ...]

    def overrides(self, quantile: float) -> dict[str, float | int]:
        return {member.path: member.at(quantile) for member in self.members}


def _node(data: Any, path: str) -> Any:
    node = data
    for step in path.split("."):
        if isinstance(node, dict):
            node = node.get(step)
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return None
    return node


def behaviour_groups(source: str | Path, only: Sequence[str] | None = None
                     ) -> tuple[Scenario, list[Group]]:
    """The scenario and its behaviour assumptions with a range wider than a point, by group
    (sorted by name); ``only`` keeps the groups named (an unknown name lists the known)."""
    scenario = load_scenario(source)
    dump = scenario_dump(scenario)
    by_group: dict[str, list[Member]] = {}
    for item in declared(source):
        if item.kind != "behaviour" or not item.low < item.high:
            continue
        node = _node(dump, item.path)
        whole = isinstance(node, int) and not isinstance(node, bool)
        by_group.setdefault(item.group, []).append(Member(item.path, item.low, item.high, whole))
    groups = [Group(name, tuple(members)) for name, members in sorted(by_group.items())]
    if only is not None:
        if isinstance(only, str | bytes) or not isinstance(only, Iterable):
            raise RequestError(f"groups must be a list of group names (got {only!r})")
        wanted = list(only)
        unknown = [name for name in wanted if name not in by_group]
        if unknown:
            raise RequestError(f"unknown assumption group(s) {', '.join(map(repr, unknown))} "
                               f"(expected some of: {', '.join(by_group) or 'none'}; "
                               f"`wargame assumptions {source} --groups`)")
        groups = [group for group in groups if group.name in wanted]
    if not groups:
        raise RequestError(f"{source}: no behaviour assumption with a range to vary (declare "
                           "one as 'assumption [low, high] (group): reason')")
    return scenario, groups


def posture_paths(scenario: Scenario, postures: Sequence[str]) -> Callable[[str], str | None]:
    """Where an assumption's path lands once ``postures`` are applied (``monte_carlo`` applies
    postures, then overrides): a base rule a posture replaces is the posture's choice (None: not
    set); a number inside an applied posture (``postures.P.rules.R.x``, ``postures.P.injects.I.x``)
    is set where the posture put it (``rules.R.x``, the appended inject); one inside a posture
    not applied has no effect (None)."""
    owner: dict[str, str] = {}
    offsets: dict[str, int] = {}
    count = len(scenario.injects)
    for name in postures:
        posture = scenario.postures[name]
        for rule in posture.rules:
            owner[rule] = name
        offsets[name] = count
        count += len(posture.injects)
    applied = set(scenario.applied_postures)

    def where(path: str) -> str | None:
        steps = path.split(".")
        if steps[0] == "rules" and len(steps) > 1 and steps[1] in owner:
            return None
        if steps[0] != "postures":
            return path
        if len(steps) < 5:
            return None
        name, part, index = steps[1], steps[2], steps[3]
        if part == "rules" and (owner.get(index) == name
                                or (name in applied and index not in owner)):
            return ".".join(["rules", *steps[3:]])
        if part == "injects" and name in offsets and index.isdigit():
            return ".".join(["injects", str(offsets[name] + int(index)), *steps[4:]])
        return None

    return where


def point_overrides(groups: Sequence[Group], quantiles: Sequence[float],
                    where: Callable[[str], str | None]) -> dict[str, float | int]:
    """The ``--set`` overrides of a design point: each group's members at its quantile."""
    overrides: dict[str, float | int] = {}
    for group, quantile in zip(groups, quantiles, strict=True):
        for member in group.members:
            path = where(member.path)
            if path is not None:
                overrides[path] = member.at(float(quantile))
    return overrides


def drop_idle(groups: Sequence[Group], counts: Sequence[int], named: bool, why: str
              ) -> tuple[list[Group], list[str]]:
    """The groups a run sets some member of, and the names of those left out (a group named
    with ``--groups`` that no run would set is an error instead)."""
    idle = [group.name for group, count in zip(groups, counts, strict=True) if not count]
    if idle and named:
        raise RequestError(f"group(s) {', '.join(idle)} {why}: leave them out of --groups")
    kept = [group for group in groups if group.name not in idle]
    if len(kept) < 2:
        raise RequestError(f"fewer than two groups of assumptions to vary (left out: "
                           f"{', '.join(idle) or 'none'})")
    return kept, idle


def effective_members(groups: Sequence[Group], where: Callable[[str], str | None]) -> list[int]:
    """How many of each group's members a run under these postures sets."""
    return [sum(where(member.path) is not None for member in group.members) for group in groups]


# ---- running the points ---------------------------------------------------------------------

@dataclass(frozen=True)
class PointJob:
    """One point: a whole batch of ``runs`` replications, in one process."""

    number: int
    source: str
    scenario_hash: str
    """The content hash of the scenario the plan was made on (a worker checks it loads the same:
    a file edited while the analysis runs must not mix two scenarios)."""
    postures: tuple[str, ...]
    overrides: dict[str, float | int]
    runs: int
    seed: int
    directory: str


_LOADED: dict[str, tuple[Scenario, str]] = {}
"""The scenario a process last loaded for its points, with its content hash."""


def remember(source: str, scenario: Scenario) -> str:
    """Keep the scenario the plan is made on for the points run here; its content hash."""
    content = scenario_hash(scenario)
    _LOADED.clear()
    _LOADED[source] = (scenario, content)
    return content


def _scenario(source: str, expected: str) -> Scenario:
    """The scenario of the plan: the one kept, or the file loaded again (a worker, or a file
    edited since); a different content than the plan's is an error, never a mixed analysis."""
    found = _LOADED.get(source)
    if found is None or found[1] != expected:
        remember(source, load_scenario(source))
        found = _LOADED[source]
    if found[1] != expected:
        raise ResultsError(f"{source}: the scenario changed while the analysis ran (its content "
                           "hash differs from the plan's); run the analysis again with a new "
                           "--out")
    return found[0]


def run_point(job: PointJob) -> tuple[int, int]:
    """Run (or finish) the point's batch; its number and how many replications failed."""
    scenario = _scenario(job.source, job.scenario_hash)
    results = monte_carlo(scenario, job.runs, job.seed, 1, out=job.directory,
                          postures=list(job.postures), overrides=job.overrides,
                          chunk_size=job.runs, series=[], resume=True, progress=False)
    return job.number, results.failed


def point_dir(out: Path, number: int) -> Path:
    return out / "points" / f"{number:04d}"


def _complete(directory: Path) -> bool:
    if not (directory / "manifest.json").exists():
        return False
    try:
        return Results(directory).complete
    except WargameError:
        return False


def run_points(jobs_list: Sequence[PointJob], jobs: int,
               progress: ProgressCallback | bool | None) -> int:
    """Run every point not yet complete, ``jobs`` points at a time; failed replications."""
    pending = [job for job in jobs_list if not _complete(Path(job.directory))]
    total = sum(job.runs for job in jobs_list)
    callback = progress if callable(progress) else None
    shown = progress is None or progress is True
    failed = 0
    with Progress(total, callback=callback, enabled=shown) as bar:
        bar.start_at(total - sum(job.runs for job in pending))
        with executor("process", min(jobs, max(1, len(pending))), warm=True) as (pool, workers):
            queue = iter(pending)
            in_flight: dict[Future, PointJob] = {}
            job = next(queue, None)
            while job is not None or in_flight:
                while job is not None and len(in_flight) < 2 * workers:
                    in_flight[pool.submit(run_point, job)] = job
                    job = next(queue, None)
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in finished:
                    done = in_flight.pop(future)
                    _, failures = future.result()
                    failed += failures
                    bar.advance(done.runs, failures)
    return failed


def point_values(directory: Path, outcomes: Sequence[Outcome]) -> dict[str, np.ndarray]:
    """Each outcome's value in each replication of a point (nan: failed, or did not happen),
    in replication order."""
    table = Results(directory).outcomes  # sorted by replication
    ok = np.array([status == "ok" for status in table.column("status").to_pylist()], dtype=bool)
    values = {}
    for outcome in outcomes:
        column = np.array(table.column(outcome.column).to_numpy(zero_copy_only=False),
                          dtype=float)  # nulls → nan
        column[~ok | ~np.isfinite(column)] = np.nan
        values[outcome.column] = outcome.values(column)
    return values


# ---- the plan on disk -------------------------------------------------------------------------

def open_plan(out: Path, name: str, plan: dict[str, Any]) -> Path:
    """Write the plan to ``out/name``, or check the one there is the same (a resume)."""
    out = prepare_folder(Path(out))
    path = out / name
    text = json.dumps(plan, indent=1, sort_keys=True)
    if os.path.lexists(path):
        data = read_regular_file(path, PLAN_BYTES,
                                 lambda message: ResultsError(f"{path}: {message}"), what="plan")
        if data.decode("utf-8", errors="replace") != text:
            raise ResultsError(f"{out}: holds an analysis with another plan (scenario, "
                               "postures, groups, sizes or seed differ, or the scenario or its "
                               "assumptions changed); use a new --out directory, or delete "
                               "this one")
        return path
    save_text_atomic(path, text)
    return path


def analysis_lock(out: Path) -> SaveLock:
    """One analysis writes a folder at a time (the lock dies with its holder)."""
    return SaveLock(out / ".analysis", shown=out, error=ResultsError, in_use=(
        "another sensitivity or robustness analysis is writing this folder now; wait for it, "
        "or choose another --out"))


def whole(value: Any, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        raise RequestError(f"{name} must be a whole number ≥ {low} (got {value!r})")
    return int(value)


def postures_of(scenario: Scenario, postures: Any) -> tuple[str, ...]:
    """The postures asked for; a wrong one is a ``ScenarioError``, as from ``with_postures``."""
    if isinstance(postures, str | bytes) or not isinstance(postures, Iterable):
        raise ScenarioError(Issue(f"must be a list of posture names (got {postures!r})",
                                  "postures"))
    names = tuple(postures)
    for name in names:
        if not isinstance(name, str) or name not in scenario.postures:
            known = ", ".join(scenario.postures) or "none defined"
            raise ScenarioError(Issue(f"unknown posture {name!r} for {scenario.meta.name} "
                                      f"(expected one of: {known})", "postures"))
    return names


def write_csv(path: Path, records: Sequence[dict[str, Any]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(records[0]) if records else ["empty"])
    writer.writeheader()
    writer.writerows(records)
    save_text_atomic(path, buffer.getvalue())
    return path


# ---- Morris -----------------------------------------------------------------------------------

def morris_problem(groups: Sequence[Group]) -> dict[str, Any]:
    """SALib's problem: one factor per group, its quantile in [0, 1]."""
    return {"num_vars": len(groups), "names": [group.name for group in groups],
            "bounds": [[0.0, 1.0] for _ in groups]}


def morris_design(groups: Sequence[Group], trajectories: int, seed: int,
                  levels: int = LEVELS) -> np.ndarray:
    """SALib's Morris sample over the groups' quantiles: ``trajectories × (groups + 1)`` rows."""
    try:
        from SALib.sample import morris as morris_sample
    except ImportError:
        raise SetupError('the sensitivity analysis needs SALib: pip install '
                           '"wargame[sensitivity]"') from None
    if len(groups) < 2:
        raise RequestError("the Morris method needs at least two groups of assumptions "
                           f"(got {len(groups)})")
    return morris_sample.sample(morris_problem(groups), trajectories, num_levels=levels,
                                seed=seed)


def step() -> float:
    """The Morris step in quantile: levels / (2 (levels - 1))."""
    return LEVELS / (2 * (LEVELS - 1))


@dataclass(frozen=True)
class Effect:
    """One group's elementary effects on one outcome."""

    outcome: str
    group: str
    members: int
    mu_star: float
    mu_star_conf: float
    mu: float
    sigma: float
    noise: float
    """The mu_star sampling error of the replications alone would give (sqrt(2/pi) times the
    mean standard error of the group's effects)."""


@dataclass
class Sensitivity:
    """The result: the plan, and per outcome the groups ranked by mu_star."""

    path: Path
    scenario: str
    postures: tuple[str, ...]
    groups: list[Group]
    outcomes: list[Outcome]
    trajectories: int
    runs: int
    seed: int
    effects: dict[str, list[Effect]] = field(default_factory=dict)
    """Outcome column → effects, largest mu_star first (empty: the outcome was missing at some
    point, see ``missing``)."""
    missing: dict[str, int] = field(default_factory=dict)
    """Outcome column → points at which no replication recorded it."""
    unresolved: dict[str, tuple[int, float]] = field(default_factory=dict)
    """Outcome column → (points, value): at nearly every point every replication gave this one
    value (``stuck_value``), so the design hardly saw the outcome move."""
    failed: int = 0
    points: int = 0
    left_out: list[str] = field(default_factory=list)
    """Groups not varied: all their numbers belong to postures not applied."""

    def ranking(self, outcome: str) -> list[Effect]:
        return self.effects.get(outcome, [])

    def records(self) -> list[dict[str, Any]]:
        rows = []
        for outcome in self.outcomes:
            for rank, effect in enumerate(self.ranking(outcome.column), 1):
                rows.append({"outcome": outcome.column, "label": outcome.label, "rank": rank,
                             "group": effect.group, "members": effect.members,
                             "mu_star": effect.mu_star, "mu_star_conf": effect.mu_star_conf,
                             "mu": effect.mu, "sigma": effect.sigma, "noise": effect.noise,
                             "resolved": outcome.column not in self.unresolved})
        return rows


UNRESOLVED_SHARE = 0.9
"""An outcome is unresolved when at this share of the points or more every replication gave
one and the same value."""


def stuck_value(per_point: Sequence[np.ndarray]) -> tuple[int, float] | None:
    """(points, value) when at ``UNRESOLVED_SHARE`` of the points or more every replication gave
    the same ``value``: a rare event (a blockade) the few seeds of the design never or always
    produced. Its mu* are then near 0 with a noise floor near 0, which says nothing about the
    assumptions; more replications a point are the remedy."""
    constant: dict[float, int] = {}
    for values in per_point:
        finite = values[np.isfinite(values)]
        if len(finite) and np.all(finite == finite[0]):
            constant[float(finite[0])] = constant.get(float(finite[0]), 0) + 1
    if not constant:
        return None
    value, points = max(constant.items(), key=lambda item: (item[1], -item[0]))
    return (points, value) if points >= UNRESOLVED_SHARE * len(per_point) else None


def elementary_effects(design: np.ndarray, per_point: Sequence[np.ndarray], groups: int,
                       problem: dict[str, Any], seed: int) -> dict[str, np.ndarray]:
    """mu, mu_star (with its bootstrap confidence), sigma (SALib) and the noise floor of one
    outcome from each point's replications (paired by replication across a step)."""
    from SALib.analyze import morris as morris_analyze

    means = np.array([np.nanmean(values) if np.isfinite(values).any() else np.nan
                      for values in per_point])
    with warnings.catch_warnings():  # an outcome constant over the design: effects of 0
        warnings.simplefilter("ignore")
        indices = morris_analyze.analyze(problem, design, means, num_levels=LEVELS,
                                         num_resamples=1000, conf_level=0.95, seed=seed)
    size = groups + 1
    errors = np.zeros((len(design) // size, groups))
    for trajectory in range(len(design) // size):
        for row in range(trajectory * size, trajectory * size + groups):
            moved = int(np.argmax(np.abs(design[row + 1] - design[row])))
            a, b = per_point[row], per_point[row + 1]
            both = np.isfinite(a) & np.isfinite(b)
            differences = (b - a)[both]
            if len(differences) > 1:
                errors[trajectory, moved] = (np.std(differences, ddof=1)
                                             / math.sqrt(len(differences)) / step())
    clean = {key: np.nan_to_num(np.asarray(indices[key], dtype=float))
             for key in ("mu", "mu_star", "sigma", "mu_star_conf")}
    clean["noise"] = math.sqrt(2 / math.pi) * errors.mean(axis=0)
    return clean


def sensitivity(scenario: str | Path = DEFAULT_SCENARIO, outcomes: Sequence[str] | None = None,
                trajectories: int = DEFAULT_TRAJECTORIES, runs: int = DEFAULT_RUNS,
                jobs: int | None = None, seed: int = 0, out: str | Path = "wargame-sensitivity",
                groups: Sequence[str] | None = None, postures: Sequence[str] = (),
                progress: ProgressCallback | bool | None = None) -> Sensitivity:
    """Morris elementary effects of the outcomes over the scenario's behaviour-assumption
    groups: ``trajectories × (groups + 1)`` points of ``runs`` replications, on one seed."""
    trajectories = whole(trajectories, "trajectories", 2)
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
    postures = postures_of(loaded, postures)
    measured = choose_outcomes(loaded, outcomes)
    where = posture_paths(loaded, postures)
    chosen, left_out = drop_idle(chosen, effective_members(chosen, where), groups is not None,
                                 "only hold numbers of postures not applied")
    counts = effective_members(chosen, where)
    design = morris_design(chosen, trajectories, seed)
    out = Path(out)
    content = remember(source, loaded)
    plan = {"analysis": "sensitivity", "method": "morris", "levels": LEVELS,
            "scenario": source, "scenario_hash": content, "postures": list(postures),
            "seed": seed, "runs": runs,
            "trajectories": trajectories,
            "groups": {group.name: [[m.path, m.low, m.high] for m in group.members]
                       for group in chosen},
            "design": design.tolist()}
    prepare_folder(out)
    with analysis_lock(out):
        open_plan(out, "sensitivity.json", plan)
        points = [PointJob(number, source, content, postures,
                           point_overrides(chosen, row, where), runs, seed,
                           str(point_dir(out, number)))
                  for number, row in enumerate(design)]
        failed = run_points(points, jobs, progress)
        result = Sensitivity(out, loaded.meta.name, postures, chosen, measured, trajectories,
                             runs, seed, failed=failed, points=len(points), left_out=left_out)
        values = [point_values(Path(job.directory), measured) for job in points]
        problem = morris_problem(chosen)
        for outcome in measured:
            per_point = [point[outcome.column] for point in values]
            missing = sum(not np.isfinite(v).any() for v in per_point)
            if missing:
                result.missing[outcome.column] = missing
                continue
            stuck = stuck_value(per_point)
            if stuck is not None:
                result.unresolved[outcome.column] = stuck
            found = elementary_effects(design, per_point, len(chosen), problem, seed)
            effects = [Effect(outcome.column, group.name, count, float(found["mu_star"][i]),
                              float(found["mu_star_conf"][i]), float(found["mu"][i]),
                              float(found["sigma"][i]), float(found["noise"][i]))
                       for i, (group, count) in enumerate(zip(chosen, counts, strict=True))]
            result.effects[outcome.column] = sorted(effects, key=lambda e: (-e.mu_star, e.group))
        write_csv(out / "sensitivity.csv", result.records())
    return result


# ---- what is printed and drawn ------------------------------------------------------------------

def _number(value: float) -> str:
    return number(value)


def sensitivity_lines(result: Sensitivity, top: int = 8) -> list[str]:
    """Per outcome, the groups ranked by mu_star (``top`` of them; 0: all)."""
    reps = result.points * result.runs
    lines = [f"{result.scenario}"
             + (f" under {', '.join(result.postures)}" if result.postures else "")
             + f": Morris elementary effects of {len(result.groups)} groups of behaviour "
             f"assumptions ({sum(len(g.members) for g in result.groups)} numbers)",
             f"{result.trajectories} trajectories × {len(result.groups) + 1} points × "
             f"{result.runs} replications = {reps} replications, seed {result.seed}, the same "
             "seeds at every point",
             "mu*: mean |change of the outcome's mean| when the group moves across its whole "
             "range (quantile 0 to 1);",
             "sigma: spread of that change (interactions or a curve); noise: the mu* the "
             "replications' sampling error alone would give"]
    if result.left_out:
        lines.append(f"not varied: {', '.join(result.left_out)} (numbers of postures not "
                     "applied)")
    if result.failed:
        lines.append(f"{result.failed} replications failed and are left out (each point's "
                     "manifest.json lists them)")
    for outcome in result.outcomes:
        lines += ["", f"{outcome.label} [{outcome.column}]"]
        if outcome.column in result.missing:
            lines.append(f"  not measured: no replication recorded it at "
                         f"{result.missing[outcome.column]} of {result.points} points")
            continue
        effects = result.ranking(outcome.column)
        shown = effects if top <= 0 else effects[:top]
        rows = [(str(rank), effect.group, str(effect.members), _number(effect.mu_star),
                 f"± {_number(effect.mu_star_conf)}", _number(effect.mu), _number(effect.sigma),
                 _number(effect.noise))
                for rank, effect in enumerate(shown, 1)]
        lines += [f"  {line}" for line in table(rows, ("rank", "group", "numbers", "mu*",
                                                       "95% conf", "mu", "sigma", "noise"))]
        rest = len(effects) - len(shown)
        if rest:
            quiet = sum(effect.mu_star <= 2 * effect.noise for effect in effects[len(shown):])
            lines.append(f"  ... {rest} more groups, mu* up to "
                         f"{_number(effects[len(shown)].mu_star)} ({quiet} of them within twice "
                         "their noise)")
        if outcome.column in result.unresolved:
            points, value = result.unresolved[outcome.column]
            lines.append(f"  unresolved: at {points} of {result.points} points every "
                         f"replication gave {_number(value)}; {result.runs} replications a "
                         "point hardly see this outcome move, so these mu* say little (raise "
                         "--runs, or vary fewer --groups)")
    return lines


def _matrix(result: Sensitivity) -> tuple[list[Outcome], list[str], np.ndarray, np.ndarray]:
    """Outcomes measured, groups in order of importance, mu* / the outcome's largest mu*, and
    whether each mu* stands out of the noise (more than twice its noise floor, and the outcome
    not unresolved)."""
    measured = [outcome for outcome in result.outcomes if result.ranking(outcome.column)]
    names = [group.name for group in result.groups]
    matrix = np.zeros((len(names), len(measured)))
    clear = np.zeros((len(names), len(measured)), dtype=bool)
    for column, outcome in enumerate(measured):
        for effect in result.ranking(outcome.column):
            matrix[names.index(effect.group), column] = effect.mu_star
            clear[names.index(effect.group), column] = (
                effect.mu_star > 2 * effect.noise and outcome.column not in result.unresolved)
        largest = matrix[:, column].max()
        if largest > 0:
            matrix[:, column] /= largest
    order = np.argsort(-matrix.mean(axis=1), kind="stable") if len(measured) else np.arange(
        len(names))
    return measured, [names[i] for i in order], matrix[order], clear[order]


def heatmap(result: Sensitivity, path: Path) -> Path:
    """Groups × outcomes: each outcome's mu* as a share of its largest (1 = what drives it
    most), groups in order of their mean share; a hatched cell's mu* is within twice its noise
    floor (not told apart from the dice at this many replications), or its outcome is
    unresolved (``stuck_value``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    measured, names, matrix, clear = _matrix(result)
    figure, axes = plt.subplots(figsize=(1.6 + 0.62 * max(len(measured), 1),
                                         1.9 + 0.27 * len(names)), dpi=120, layout="constrained")
    image = axes.imshow(matrix, cmap="viridis", vmin=0, vmax=1, aspect="auto")
    labels = [outcome.short + (" (unresolved)" if outcome.column in result.unresolved else "")
              for outcome in measured]
    axes.set_xticks(range(len(measured)), labels, rotation=50, ha="right", fontsize=8)
    axes.set_yticks(range(len(names)), names, fontsize=8)
    for row in range(len(names)):
        for column in range(len(measured)):
            value = matrix[row, column]
            if value < 0.05:
                continue
            if not clear[row, column]:
                axes.add_patch(Rectangle((column - 0.5, row - 0.5), 1, 1, fill=False,
                                         hatch="////", edgecolor="#bbbbbb", linewidth=0))
            axes.text(column, row, f"{value:.2f}", ha="center", va="center", fontsize=6,
                      color="black" if value > 0.6 else "white")
    figure.colorbar(image, ax=axes, shrink=0.6, label="mu* / the outcome's largest mu*")
    axes.set_title(f"What drives each outcome: Morris mu* by group of assumptions\n"
                   f"{result.scenario}, {result.trajectories} trajectories × {result.runs} runs"
                   "\n(hatched: within twice the noise floor, or an outcome the replications "
                   "hardly saw move)", fontsize=9)
    figure.savefig(path)
    plt.close(figure)
    return path


def bars(result: Sensitivity, path: Path, top: int = 8) -> Path:
    """One panel per outcome: the ``top`` groups' mu* with its 95% bootstrap interval and the
    noise floor (an orange tick: a bar not well past it is not told apart from the dice), in the
    outcome's unit."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    measured = [outcome for outcome in result.outcomes if result.ranking(outcome.column)]
    columns = 1 if len(measured) == 1 else 2 if len(measured) <= 6 else 3
    rows = max(1, math.ceil(len(measured) / columns))
    figure, grid = plt.subplots(rows, columns, figsize=(4.4 * columns, (0.22 * top + 0.8) * rows
                                                        + 0.7), dpi=120, layout="constrained",
                                squeeze=False)
    for axes, outcome in zip(grid.flat, measured, strict=False):
        effects = result.ranking(outcome.column)[:top][::-1]
        y = np.arange(len(effects))
        mu_star = np.array([e.mu_star for e in effects])
        conf = np.array([e.mu_star_conf for e in effects])
        axes.barh(y, mu_star, xerr=[np.minimum(conf, mu_star), conf], color="#1f77b4",
                  alpha=0.85, error_kw={"elinewidth": 0.8, "capsize": 2})
        axes.scatter([e.noise for e in effects], y, marker="|", color="#ff7f0e", s=120,
                     linewidths=2, zorder=3, label="noise floor")
        axes.set_yticks(y, [e.group for e in effects], fontsize=7)
        axes.set_xlim(left=0)
        axes.tick_params(axis="x", labelsize=7)
        axes.set_title(textwrap_label(outcome.label), fontsize=8)
        axes.grid(axis="x", alpha=0.3)
    for axes in list(grid.flat)[len(measured):]:
        axes.set_visible(False)
    handles, labels = grid.flat[0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", fontsize=7)
    figure.suptitle(f"Morris mu* (the change across each group's range) with 95% intervals\n"
                    f"{result.scenario}, {result.trajectories} trajectories × {result.runs} "
                    "runs", fontsize=9)
    figure.savefig(path)
    plt.close(figure)
    return path


def textwrap_label(text: str, width: int = 48) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def plot_sensitivity(result: Sensitivity, out: Path | None = None) -> list[Path]:
    """The heat map and the bar panels, under ``out`` (default: the analysis's plots/)."""
    folder = Path(out) if out is not None else result.path / "plots"
    folder.mkdir(parents=True, exist_ok=True)
    if not any(result.ranking(outcome.column) for outcome in result.outcomes):
        return []
    return [heatmap(result, folder / "sensitivity-heatmap.png"),
            bars(result, folder / "sensitivity-bars.png")]
