"""Designs over scenario parameters: full grids, Latin hypercubes and Sobol samples.

A parameter is any number the scenario holds, named by its ``--set`` path
(``rules.cn_blockades.probability``). Each point of a design is a batch of its own (same seed and
runs at every point: common random numbers across the design), written under
``OUT/points/NNN/``, with ``OUT/design.json`` saying which point is which. A point already
complete is skipped, so an interrupted design resumes.
"""

from __future__ import annotations

import itertools
import json
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from wargame.errors import RequestError, ResultsError, SetupError, WargameError
from wargame.files import read_regular_file, save_text_atomic
from wargame.montecarlo.analysis import outcome_values
from wargame.montecarlo.results import Results
from wargame.montecarlo.storage import prepare_folder

DESIGN_FILE = "design.json"
MAX_DESIGN_BYTES = 64 << 20


@dataclass(frozen=True)
class Design:
    kind: str
    """``grid``, ``lhs`` or ``sobol``."""
    parameters: list[str]
    ranges: list[tuple[float, float]]
    points: list[dict[str, float]]
    seed: int = 0
    base_samples: int | None = None
    """For a Sobol design, SALib's N (points = N × (parameters + 2))."""
    extra: dict[str, Any] = field(default_factory=dict)


def parse_sweep(spec: str) -> tuple[str, float, float, int | None]:
    """``path=lo:hi:n`` (or ``path=lo:hi`` for sampled designs) → (path, lo, hi, n)."""
    path, sep, values = spec.partition("=")
    parts = values.split(":")
    try:
        if not sep or not path or len(parts) not in (2, 3):
            raise ValueError
        low, high = float(parts[0]), float(parts[1])
        count = int(parts[2]) if len(parts) == 3 else None
    except ValueError:
        raise RequestError(f"--sweep {spec}: expected PATH=LOW:HIGH:N (e.g. "
                           "rules.cn_blockades.probability=0.2:0.8:4)") from None
    if not (np.isfinite(low) and np.isfinite(high)) or high < low:
        raise RequestError(f"--sweep {spec}: LOW and HIGH must be numbers with LOW ≤ HIGH")
    if count is not None and count < 1:
        raise RequestError(f"--sweep {spec}: N must be ≥ 1")
    return path.strip(), low, high, count


def latin_hypercube(ranges: Sequence[tuple[float, float]], samples: int, seed: int
                    ) -> np.ndarray:
    """``samples`` points, one in each of ``samples`` equal strata of every dimension."""
    generator = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0x1A5,)))
    dims = len(ranges)
    strata = np.stack([generator.permutation(samples) for _ in range(dims)], axis=1)
    unit = (strata + generator.random((samples, dims))) / samples
    low = np.array([r[0] for r in ranges])
    high = np.array([r[1] for r in ranges])
    return low + unit * (high - low)


def _sobol_problem(parameters: Sequence[str], ranges: Sequence[tuple[float, float]]
                   ) -> dict[str, Any]:
    return {"num_vars": len(parameters), "names": list(parameters),
            "bounds": [list(bounds) for bounds in ranges]}


def design_from_args(sweeps: Sequence[str], lhs: int | None = None, sobol: int | None = None,
                     seed: int = 0) -> Design:
    """The design the ``mc`` options ask for: a grid from ``--sweep`` alone, or ``--lhs N`` /
    ``--sobol N`` samples over the ``--sweep`` ranges."""
    if lhs is not None and sobol is not None:
        raise RequestError("choose one of --lhs and --sobol")
    parsed = [parse_sweep(spec) for spec in sweeps]
    if not parsed:
        raise RequestError("--lhs and --sobol need the ranges: --sweep PATH=LOW:HIGH")
    names = [path for path, *_ in parsed]
    if len(set(names)) != len(names):
        raise RequestError("each --sweep path may appear once")
    ranges = [(low, high) for _, low, high, _ in parsed]
    if lhs is not None:
        if lhs < 2:
            raise RequestError("--lhs needs at least 2 samples")
        matrix = latin_hypercube(ranges, lhs, seed)
        return Design("lhs", names, ranges, _rows(names, matrix), seed)
    if sobol is not None:
        try:
            from SALib.sample import sobol as sobol_sample
        except ImportError:
            raise SetupError('--sobol needs SALib: pip install "wargame[sensitivity]"') from None
        if sobol < 2 or sobol & (sobol - 1):
            raise RequestError("--sobol N must be a power of 2 (Sobol sequences balance there)")
        matrix = sobol_sample.sample(_sobol_problem(names, ranges), sobol,
                                     calc_second_order=False, seed=seed)
        return Design("sobol", names, ranges, _rows(names, matrix), seed, base_samples=sobol)
    grid = [(low, high, count) for _, low, high, count in parsed if count is not None]
    if len(grid) < len(parsed):
        missing = next(path for path, _, _, count in parsed if count is None)
        raise RequestError(f"a grid needs N for each --sweep (PATH=LOW:HIGH:N): {missing}")
    axes = [np.linspace(low, high, count) if count > 1 else np.array([low])
            for low, high, count in grid]
    matrix = np.array(list(itertools.product(*axes)), dtype=float)
    return Design("grid", names, ranges, _rows(names, matrix), seed)


def _rows(names: Sequence[str], matrix: np.ndarray) -> list[dict[str, float]]:
    return [{name: float(value) for name, value in zip(names, row, strict=True)}
            for row in np.atleast_2d(matrix)]


def _read_design(path: Path) -> str:
    """design.json's text: a regular file of bounded size (a FIFO there would block forever)."""
    data = read_regular_file(path, MAX_DESIGN_BYTES,
                             lambda message: ResultsError(f"{path}: {message}"), what="design")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ResultsError(f"{path}: not a design written by `wargame mc --sweep` (not UTF-8 "
                           "text)") from None


def point_dir(out: Path, number: int) -> Path:
    return out / "points" / f"{number:03d}"


def run_design(design: Design, run_point: Callable[[dict[str, float], Path], Results],
               out: Path) -> Path:
    """Run every point of the design (``run_point(overrides, directory)``), skipping points
    already complete; refuses a directory holding a different design."""
    out = prepare_folder(Path(out))
    record = json.dumps(asdict(design), indent=1)
    existing = out / DESIGN_FILE
    if os.path.lexists(existing) and _read_design(existing) != record:
        raise ResultsError(f"{out}: holds a different design; use a new --out directory")
    save_text_atomic(existing, record)
    for number, point in enumerate(design.points):
        directory = point_dir(out, number)
        if (directory / "manifest.json").exists():
            try:
                if Results(directory).complete:
                    continue
            except WargameError:
                pass
        run_point(point, directory)
    return out


def load_design(out: Path) -> tuple[Design, list[Results]]:
    """The design and a ``Results`` per point; a point not yet run is named, with the cure."""
    path = Path(out) / DESIGN_FILE
    try:
        data = json.loads(_read_design(path))
        data["ranges"] = [tuple(bounds) for bounds in data["ranges"]]
        design = Design(**data)
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise ResultsError(f"{path}: not a design written by `wargame mc --sweep` ({exc})"
                           ) from None
    points = []
    for number in range(len(design.points)):
        directory = point_dir(Path(out), number)
        if not (directory / "manifest.json").exists():
            raise ResultsError(f"{out}: point {number} of {len(design.points)} has not run yet "
                               "(run the same `wargame mc` command again to resume the design)")
        points.append(Results(directory))
    return design, points


def point_means(results: Results, outcome: str) -> float:
    """The outcome's mean over the point's replications that succeeded and in which it
    happened."""
    values = outcome_values(results, outcome)
    return float(values.mean()) if len(values) else float("nan")


def sobol_indices(design: Design, points: Sequence[Results], outcome: str
                  ) -> list[dict[str, float | str]]:
    """First-order (S1) and total (ST) Sobol indices of an outcome's mean, per parameter."""
    if design.kind != "sobol":
        raise RequestError("Sobol indices need a --sobol design")
    from SALib.analyze import sobol as sobol_analyze

    y = np.array([point_means(point, outcome) for point in points])
    if np.isnan(y).any():
        y = np.nan_to_num(y, nan=0.0)  # an outcome that never happened counts as 0
    with warnings.catch_warnings():  # an outcome constant over the design: its indices are 0
        warnings.simplefilter("ignore")
        indices = sobol_analyze.analyze(_sobol_problem(design.parameters, design.ranges), y,
                                        calc_second_order=False, seed=design.seed)
    clean = {key: np.nan_to_num(np.asarray(indices[key], dtype=float))
             for key in ("S1", "S1_conf", "ST", "ST_conf")}
    return [{"parameter": name, **{key: float(values[i]) for key, values in clean.items()}}
            for i, name in enumerate(design.parameters)]
