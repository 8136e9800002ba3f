"""Readable labels for plots and tables: an indicator's display name and unit, an outcome's
meaning, a region's name (GDP-loss columns: "GDP lost by China in 2025 (bn USD)").

A results directory keeps only ids (``smuggled_bn``); the scenario it came from says what they
measure ("Smuggled chips (cumulative)", "bn USD"). The scenario is reloaded from the manifest's
source; when that fails (a moved file, a fork from a journal) the plots fall back to the ids,
since labels are a courtesy and must never stop a plot being written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wargame.economy.network import LEVERAGE_BINDINGS
from wargame.errors import WargameError
from wargame.montecarlo.gdp import WORLD, parse_column
from wargame.scenario.loader import load_scenario
from wargame.scenario.schema import IndicatorOutcome, Scenario
from wargame.text import region_names

if TYPE_CHECKING:
    from wargame.montecarlo.results import Results

STAT_WORDS = {"final": "at the end", "min": "lowest", "max": "highest",
              "mean": "mean over the game"}


@dataclass(frozen=True)
class Labels:
    """Id → label maps for one batch's indicators and outcomes (ids missing map to themselves)."""

    indicators: dict[str, str] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    """Region id → the name the world gives it (GDP-loss columns)."""
    start: dt.date | None = None
    """The scenario's week 0, so time axes can be dates (None: unknown, axes in weeks)."""
    readings: dict[str, tuple[float, ...]] = field(default_factory=dict)
    """Indicators that change in steps at the economy's leverage readings (bound to
    ``leverage``/``leverage_index``, or derived from one), with the weeks of those readings:
    between two readings they hold the last one, so a chart must say so or a step at the
    last reading reads as a collapse in the last week."""

    def date(self, week: float) -> dt.date | None:
        """The calendar date of a week of the game (None when the start is unknown)."""
        return None if self.start is None else self.start + dt.timedelta(weeks=float(week))

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
    try:
        scenario = load_scenario(results.manifest["scenario"]["source"])
    except (WargameError, OSError, KeyError, ValueError):
        return Labels()
    return scenario_labels(scenario)


def outcome_label(scenario: Scenario, name: str) -> str:
    """What an outcome of the scenario measures, with its unit ("Trade openness, mean over the
    game (share)"); the id for a name the scenario does not define."""
    spec = scenario.outcomes.get(name)
    if spec is None:
        return name
    if isinstance(spec, IndicatorOutcome):
        indicator = spec.indicator
        measured = scenario.indicators.get(indicator)
        display = (measured.name or indicator) if measured else indicator
        unit = measured.unit if measured else ""
        return _with_unit(f"{display}, {STAT_WORDS[spec.stat]}", unit)
    if spec.stat == "count":
        return f"{spec.event.replace('_', ' ')} events (count per run)"
    return f"first {spec.event.replace('_', ' ')} (week)"


def leverage_readings(scenario: Scenario) -> dict[str, tuple[float, ...]]:
    """The indicators that move in steps at the economy's leverage readings, each with the weeks
    of the readings (the engine recomputes leverage every ``leverage_every_weeks`` rounded to
    whole ticks, the horizon included when it falls on one; see ``engine/economy_link.py``)."""
    economy = scenario.economy
    if economy is None:
        return {}
    held = {name for name, spec in scenario.indicators.items()
            if spec.economy in LEVERAGE_BINDINGS}
    grown = True
    while grown:  # formulas of formulas: follow them until nothing new depends on a reading
        grown = False
        for name, spec in scenario.indicators.items():
            if name not in held and spec.formula is not None and any(
                    factor in held for term in (*spec.formula.terms, *spec.formula.over)
                    for factor in term.of):
                held.add(name)
                grown = True
    if not held:
        return {}
    tick = scenario.meta.tick_weeks
    period = max(1, round(economy.leverage_every_weeks / tick))
    count = int(scenario.meta.horizon_weeks / tick + 1e-9) // period
    weeks = tuple(number * period * tick for number in range(1, count + 1))
    return {name: weeks for name in scenario.indicators if name in held}


def scenario_labels(scenario: Scenario) -> Labels:
    """Labels from a scenario: its indicators' names and units, what each outcome measures,
    its world's region names, its start date and its leverage readings."""
    indicators = {name: _with_unit(spec.name or name, spec.unit)
                  for name, spec in scenario.indicators.items()}
    outcomes = {name: outcome_label(scenario, name) for name in scenario.outcomes}
    regions = region_names(scenario.economy.world) if scenario.economy is not None else {}
    return Labels(indicators, outcomes, regions, scenario.meta.start,
                  leverage_readings(scenario))
