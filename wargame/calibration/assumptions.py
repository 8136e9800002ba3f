"""Every assumption a scenario's numbers rest on, with its range, as a ``--set`` path.

The default world and the scenario files write each number with its source; an ``assumption
[low, high]`` source declares the range the number could plausibly take. Collected here, they
are the uncertain inputs of the sensitivity and robustness analyses: each is a path into the
validated scenario (what ``wargame mc --set PATH=VALUE`` changes), with its value, its range and
its group, in the units of the validated scenario (the world's annual figures become the weekly
outputs and the coefficients the network uses).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wargame.calibration.sources import Assumption as Range
from wargame.calibration.sources import SourceError, parse
from wargame.economy.spec import WEEKS_PER_YEAR, world_numbers
from wargame.scenario.loader import (
    _shipped_dir,
    load_scenario,
    scenario_dump,
    scenario_numbers,
    shipped_scenarios,
)
from wargame.scenario.schema import Scenario

_INDEX = re.compile(r"\[(\d+)\]")
SIZES = frozenset({"output", "capacity", "coefficient", "flow", "gdp", "value_added_share"})
"""World fields that are accounting: tied to one another by the balance of the network."""


@dataclass(frozen=True, slots=True)
class Assumption:
    """One uncertain number: where it is, what it is now, and what it could be."""

    path: str
    """A ``--set`` path into the scenario (``economy.world.edges.12.essential``)."""
    value: float
    low: float
    high: float
    group: str
    """The sensitivity group it varies with (its declared group, else its field)."""
    reason: str
    origin: str
    """``world`` or the scenario file that declares it."""
    kind: str = "behaviour"
    """``size`` for the accounting of the world (outputs, flows, GDP, value-added shares: tied
    to each other, so a value far from the others may not balance) or ``behaviour`` (how an
    economy or a team responds: essential shares, stocks, substitution, routes, the
    mechanisms' coefficients). The sensitivity analysis varies the behaviours."""


def _dotted(path: str) -> str:
    return _INDEX.sub(r".\1", path)


def _range(source: str) -> Range | None:
    try:
        parsed = parse(source)
    except SourceError:
        return None
    return parsed if isinstance(parsed, Range) else None


def world_assumptions(scenario: Scenario, origin: str = "world") -> list[Assumption]:
    """The default world's assumptions, as paths into a scenario that embeds it."""
    if scenario.economy is None:
        return []
    world = scenario.economy.world
    found = []
    for path, (number, source) in world_numbers("default").items():
        declared = _range(source)
        if declared is None:
            continue
        dotted = _dotted(path)
        scale = 1.0
        if dotted.endswith((".output", ".capacity")):
            scale = 1.0 / WEEKS_PER_YEAR
        elif dotted.endswith(".flow"):
            index = int(dotted.split(".")[1])
            coefficient = world.edges[index].coefficient
            assert coefficient is not None  # a valid world turned the declared flow into one
            scale = coefficient / float(number) if number else 0.0
            dotted = dotted.removesuffix(".flow") + ".coefficient"
        group = declared.group or dotted.rsplit(".", 1)[-1]
        kind = "size" if dotted.rsplit(".", 1)[-1] in SIZES else "behaviour"
        found.append(Assumption(f"economy.world.{dotted}", float(number) * scale,
                                declared.low * scale, declared.high * scale, group,
                                declared.reason, origin, kind))
    return found


def _file_chain(source: str | Path) -> list[Path]:
    """The scenario file and the files it extends, base first."""
    path = Path(source)
    if not path.exists() and str(source) in _library():
        path = _shipped_dir() / f"{source}.yaml"
    chain = [path]
    seen = {path.resolve()}
    while True:
        text = chain[-1].read_text(encoding="utf-8")
        match = re.search(r"^extends:\s*(\S+)", text, re.M)
        if not match:
            return list(reversed(chain))
        parent = (chain[-1].parent / match.group(1).strip("'\"")).resolve()
        if parent in seen:
            return list(reversed(chain))
        seen.add(parent)
        chain.append(parent)


def _library() -> set[str]:
    return set(shipped_scenarios())


def declared(source: str | Path) -> list[Assumption]:
    """Every assumption with a range in a scenario (its file and the files it extends, the
    last to set a number winning) and in the default world it embeds, if it does."""
    scenario = load_scenario(source)
    dump = scenario_dump(scenario)
    by_path: dict[str, Assumption] = {}
    for file in _file_chain(source):
        for path, (number, text) in scenario_numbers(file).items():
            declared_range = _range(text)
            dotted = _dotted(path)
            if declared_range is None or not _present(dump, dotted):
                by_path.pop(dotted, None)
                continue
            group = declared_range.group or dotted.rsplit(".", 1)[-1]
            by_path[dotted] = Assumption(dotted, float(number), declared_range.low,
                                         declared_range.high, group, declared_range.reason,
                                         file.name)
    world = world_assumptions(scenario) if _uses_default_world(source) else []
    return [*by_path.values(), *world]


def _present(data: Any, dotted: str) -> bool:
    node = data
    for step in dotted.split("."):
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return False
    return isinstance(node, int | float) and not isinstance(node, bool)


def _uses_default_world(source: str | Path) -> bool:
    for file in _file_chain(source):
        if re.search(r"^\s+world:\s*default\s*$", file.read_text(encoding="utf-8"), re.M):
            return True
    return False
