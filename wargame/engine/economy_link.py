"""The supply network inside a game: built from the scenario, stepped every tick, read back
into the indicators bound to it. Mixed into ``Engine``."""

from __future__ import annotations

from collections.abc import Callable

from wargame.economy.network import SupplyNetwork
from wargame.scenario.schema import Meta, Scenario


class EconomyLink:
    """Binds indicators to the network and steps it (a mixin of ``Engine``)."""

    network: SupplyNetwork | None
    values: list[float]
    low: list[float]
    high: list[float]
    meta: Meta
    bindings: list[tuple[int, str]]
    leverage_position: int | None
    leverage_period: int
    set_indicator: Callable[[int, float, str | None], None]
    """Provided by ``Engine``: set an indicator within its bounds and fire its triggers."""

    def _bind_economy(self, scenario: Scenario) -> None:
        network = self.network
        assert network is not None and scenario.economy is not None
        start = network.indicator_values()
        for position, indicator in enumerate(scenario.indicators.values()):
            if indicator.economy is None:
                continue
            if indicator.economy == "leverage":
                self.leverage_position = position
                value = network.leverage()
            else:
                self.bindings.append((position, indicator.economy))
                value = start[indicator.economy]
            self.values[position] = min(max(value, self.low[position]), self.high[position])
        self.leverage_period = max(1, round(scenario.economy.leverage_every_weeks
                                            / self.meta.tick_weeks))

    def _step_economy(self, tick: float, ticks_done: int) -> None:
        """One tick of the supply network; bound indicators follow it (and may cross triggers)."""
        network = self.network
        assert network is not None
        network.step(tick)
        if self.bindings:
            values = network.indicator_values()
            for position, name in self.bindings:
                self.set_indicator(position, values[name], None)
        if self.leverage_position is not None and ticks_done % self.leverage_period == 0:
            self.set_indicator(self.leverage_position, network.leverage(), None)
