"""Intelligence: what each team believes the indicators are.

A team told about an indicator (the indicator's ``intel`` block) reads it late and with an error:
the true value ``lag`` ticks ago plus a fresh normal draw from the team's own stream, within the
indicator's bounds. Kept apart from the truth so that conditions of a team's doctrine, and what a
seat is shown, use the team's belief, and the white cell can compare the two.
"""

from __future__ import annotations

import math

from wargame.engine.rng import RandomStreams, Stream
from wargame.scenario.schema import Scenario

History = list[tuple[float, tuple[float, ...]]]
"""(week, every indicator's value) once a tick, from week 0."""


class Intelligence:
    """Each team's lagged, noisy reading of the indicators it is told about."""

    def __init__(self, scenario: Scenario, streams: RandomStreams, values: list[float],
                 low: list[float], high: list[float]) -> None:
        tick = scenario.meta.tick_weeks
        self.entries: dict[str, list[tuple[int, int, float]]] = {}
        """Per team, (indicator position, lag in ticks, noise sd), in scenario order."""
        for position, indicator in enumerate(scenario.indicators.values()):
            for team, intel in indicator.intel.items():
                lag_ticks = math.ceil(intel.lag_weeks / tick - 1e-9)
                self.entries.setdefault(team, []).append((position, lag_ticks, intel.noise_sd))
        self.views: dict[str, list[float]] = {team: list(values) for team in self.entries}
        """Per team, its current reading of every indicator (true values where it has no intel)."""
        self.view_history: dict[str, History] = {
            team: [(0.0, tuple(values))] for team in self.entries}
        self.streams: dict[str, Stream] = {
            team: streams.stream(f"intel.{team}") for team in self.entries}
        self.low = low
        self.high = high

    def __bool__(self) -> bool:
        """Whether any team reads anything through intelligence (else the tick skips it)."""
        return bool(self.entries)

    def readings(self, team: str) -> dict[int, list[float]]:
        """Positions that ``team`` reads from its own view, mapped to that view (for conditions,
        which index the list they are given)."""
        view = self.views.get(team)
        return {position: view for position, _, _ in self.entries.get(team, ())} if view else {}

    def update(self, history: History, now: float) -> None:
        """Each team's reading: the value ``lag`` ticks ago plus a fresh error, within bounds.

        Errors are drawn from the team's own stream in scenario order, once a tick, so readings
        are the same however often anyone looks at them.
        """
        latest = len(history) - 1
        low, high = self.low, self.high
        for team, entries in self.entries.items():
            view = self.views[team]
            stream = self.streams[team]
            for position, lag, noise_sd in entries:
                reading = history[max(0, latest - lag)][1][position]
                if noise_sd:
                    reading += noise_sd * stream.normal()
                view[position] = min(max(reading, low[position]), high[position])
            self.view_history[team].append((now, tuple(view)))
