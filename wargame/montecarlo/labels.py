"""Readable labels for plots and tables: an indicator's display name and unit, an outcome's
meaning, a region's name (GDP-loss columns: "GDP lost by China in 2025 (bn USD)").

A results directory keeps only ids (``smuggled_bn``); the scenario it came from says what they
measure ("Smuggled chips (cumulative)", "bn USD"). The scenario is reloaded from the manifest's
source; when that fails (a moved file, a fork from a journal) the plots fall back to the ids,
since labels are a courtesy and must never stop a plot being written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wargame.errors import WargameError
from wargame.montecarlo.gdp import WORLD, parse_column
from wargame.montecarlo.results import Results
from wargame.text import region_names

STAT_WORDS = {"final": "at the end", "min": "lowest", "max": "highest",
              "mean": "mean over the game"}


@dataclass(frozen=True)
class Labels:
    """Id → label maps for one batch's indicators and outcomes (ids missing map to themselves)."""

    indicators: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    """Region id → the name the world gives it (GDP-loss columns)."""

    def indicator(self, name: str) -> str:
        return self.indicators.get(name, name)

    def region(self, region: str) -> str:
        """A region's name, "world" for the sum of the regions, else the id."""
        return self.regions.get(region, region)

    def outcome(self, name: str) -> str:
        column = parse_column(name)
        if column is not None and name not in self.outcomes:
            where = "the world" if column.region == WORLD else self.region(column.region)
            when = "over the run" if column.year is None else f"in {column.year}"
            unit = "bn USD" if column.measure == "bn" else "share of its GDP a year"
            return f"GDP lost by {where} {when} ({unit})"
        return self.outcomes.get(name, name)


def _with_unit(text: str, unit: str) -> str:
    return f"{text} ({unit})" if unit else text


def labels_for(results: Results) -> Labels:
    """Labels from the batch's scenario, or empty maps (ids shown) when it cannot be loaded."""
    from wargame.scenario.loader import load_scenario

    try:
        scenario = load_scenario(results.manifest["scenario"]["source"])
    except (WargameError, OSError, KeyError, ValueError):
        return Labels()
    indicators = {name: _with_unit(spec.name or name, spec.unit)
                  for name, spec in scenario.indicators.items()}
    outcomes = {}
    for name, spec in scenario.outcomes.items():
        indicator = getattr(spec, "indicator", None)
        if indicator is not None:
            measured = scenario.indicators.get(indicator)
            display = (measured.name or indicator) if measured else indicator
            unit = measured.unit if measured else ""
            outcomes[name] = _with_unit(f"{display}, {STAT_WORDS[spec.stat]}", unit)
        elif spec.stat == "count":
            outcomes[name] = f"{spec.event.replace('_', ' ')} events (count a run)"
        else:
            outcomes[name] = f"first {spec.event.replace('_', ' ')} (week)"
    regions = region_names(scenario.economy.world) if scenario.economy is not None else {}
    return Labels(indicators, outcomes, regions)
