"""The supply network inside a game: built from the scenario, stepped every tick, read back
into the indicators bound to it, and its value added lost kept by calendar year."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable

import simpy

from wargame.economy.network import LEVERAGE_BINDINGS, SupplyNetwork
from wargame.engine.tick import Factory, read_bindings
from wargame.memo import per_object
from wargame.scenario.schema import Meta, Scenario

GdpLoss = dict[str, dict[int, dict[str, float]]]
"""``{region: {year: {"bn_usd": lost, "share": lost / GDP}}}``, with ``"world"`` too."""


def year_starts(start: dt.date, horizon_weeks: float) -> list[tuple[int, float]]:
    """Each 1 January after ``start`` and within the horizon, as (year, weeks from the start)."""
    found: list[tuple[int, float]] = []
    year = start.year + 1
    while True:
        weeks = (dt.date(year, 1, 1) - start).days / 7.0
        if weeks > horizon_weeks:
            return found
        found.append((year, weeks))
        year += 1


@per_object
def _bindings_reader(scenario: Scenario) -> Factory:
    """The bound indicators' update, compiled once per scenario (``tick.read_bindings``)."""
    assert scenario.economy is not None
    bound = [(position, indicator.economy)
             for position, indicator in enumerate(scenario.indicators.values())
             if indicator.economy is not None and indicator.economy not in LEVERAGE_BINDINGS]
    return read_bindings(scenario, [(position, number)
                                    for number, (position, _) in enumerate(bound)])


@per_object
def _bound_places(scenario: Scenario) -> tuple[int, ...]:
    """Where the bound indicators are in the network's ``indicator_names``, in binding order."""
    assert scenario.economy is not None
    names = SupplyNetwork.for_world(scenario.economy.world).indicator_names()
    place = {name: i for i, name in enumerate(names)}
    return tuple(place[indicator.economy] for indicator in scenario.indicators.values()
                 if indicator.economy is not None and indicator.economy not in LEVERAGE_BINDINGS)


class EconomyLink:
    """Binds indicators to the network and steps it."""

    def __init__(self, scenario: Scenario, network: SupplyNetwork, env: simpy.Environment,
                 values: list[float], low: list[float], high: list[float],
                 set_indicator: Callable[[int, float, str | None], None],
                 not_finite: Callable[[int, float, str | None], None]) -> None:
        """Sets the bound indicators' start values in ``values`` (the game's own list);
        ``set_indicator`` sets an indicator within its bounds and fires its triggers;
        ``not_finite`` reports an indicator that became infinite or NaN."""
        assert scenario.economy is not None
        self.network = network
        self.env = env
        self.meta: Meta = scenario.meta
        self.set_indicator = set_indicator
        self.bindings: list[tuple[int, str]] = []
        """Indicators that read a network figure each tick: (position, figure's name)."""
        self.leverage_positions: list[tuple[int, bool]] = []
        """Indicators bound to the network's leverage: (position, as an index of the start's)."""
        start = network.indicator_values()
        binds_leverage = any(indicator.economy in LEVERAGE_BINDINGS
                             for indicator in scenario.indicators.values())
        # two counterfactual runs of the network: only for a scenario that reads them
        self.leverage_start = network.start_leverage() if binds_leverage else 0.0
        """The network's leverage at the start, what ``leverage_index`` is measured against."""
        for position, indicator in enumerate(scenario.indicators.values()):
            if indicator.economy is None:
                continue
            if indicator.economy in LEVERAGE_BINDINGS:
                relative = indicator.economy == "leverage_index"
                self.leverage_positions.append((position, relative))
                value = self._leverage_reading(self.leverage_start, relative)
            else:
                self.bindings.append((position, indicator.economy))
                value = start[indicator.economy]
            values[position] = min(max(value, low[position]), high[position])
        self._read_bindings = _bindings_reader(scenario)(values, set_indicator, not_finite)
        self._read_network = network.indicator_reader(_bound_places(scenario))
        """Sets every bound indicator from the network's ``indicator_list``."""
        self.leverage_period = max(1, round(scenario.economy.leverage_every_weeks
                                            / self.meta.tick_weeks))
        """Ticks between two readings of the leverage (each costs two counterfactual runs)."""
        self.year_marks: list[tuple[int, list[float]]] = []
        """(year, value added lost by region since the start, at its 1 January), as years pass."""
        self.pending_years = year_starts(self.meta.start, self.meta.horizon_weeks)

    def step(self, tick: float, ticks_done: int) -> None:
        """One tick of the supply network; bound indicators follow it (and may cross triggers)."""
        network = self.network
        network.step(tick)
        pending = self.pending_years
        if pending and self.env.now >= pending[0][1]:
            self._mark_years(network)
        if self.bindings:
            self._read_bindings(self._read_network())
        if self.leverage_positions and ticks_done % self.leverage_period == 0:
            leverage = network.leverage()
            for position, relative in self.leverage_positions:
                self.set_indicator(position, self._leverage_reading(leverage, relative), None)

    def _leverage_reading(self, leverage: float, relative: bool) -> float:
        """``leverage`` in bn, or as a multiple of the start's (0 when the start's is 0)."""
        if not relative:
            return leverage
        return leverage / self.leverage_start if self.leverage_start > 0 else 0.0

    def _mark_years(self, network: SupplyNetwork) -> None:
        """Record the losses so far at each 1 January this tick passed. Output is constant
        within a tick, so the loss at a date inside it is exact: now's total less the weekly
        rate for the weeks since that date."""
        now = float(self.env.now)
        total = network.losses_by_region(cumulative=True)
        rate = network.losses_by_region()
        while self.pending_years and now >= self.pending_years[0][1]:
            year, week = self.pending_years.pop(0)
            self.year_marks.append((year, [total[r] - rate[r] * (now - week) for r in total]))

    def gdp_loss(self) -> GdpLoss:
        """Value added (GDP) lost by region and calendar year so far, in the world's value unit
        and as a share of the region's GDP a year; ``"world"`` sums the regions. Years run from
        the start's (partial) to now's; a loss is against the baseline world (no growth)."""
        network = self.network
        regions = network.regions
        gdp = network.gdp_by_region()
        start_year = self.meta.start.year
        now_year = (self.meta.start + dt.timedelta(weeks=float(self.env.now))).year
        now_total = network.losses_by_region(cumulative=True)
        marks = [(start_year, [0.0] * len(regions)), *self.year_marks]
        if marks[-1][0] <= now_year and self.env.now > 0:
            marks.append((now_year + 1, [now_total[r] for r in regions]))
        result: GdpLoss = {region: {} for region in (*regions, "world")}
        world_gdp = sum(gdp.values())
        for (year, before), (_, after) in itertools.pairwise(marks):
            lost = [b - a for a, b in zip(before, after, strict=True)]
            for r, region in enumerate(regions):
                result[region][year] = {"bn_usd": lost[r], "share": lost[r] / gdp[region]}
            total = sum(lost)
            result["world"][year] = {"bn_usd": total, "share": total / world_gdp}
        return result
