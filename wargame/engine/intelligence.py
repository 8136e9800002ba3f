"""Intelligence: what each team believes the indicators are.

A team told about an indicator (the indicator's ``intel`` block) reads it late and with an error:
the true value ``lag`` ticks ago plus a fresh normal draw from the team's own stream, within the
indicator's bounds. Kept apart from the truth so that conditions of a team's doctrine, and what a
seat is shown, use the team's belief, and the white cell can compare the two.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from wargame.engine.rng import RandomStreams, Stream
from wargame.memo import per_object
from wargame.scenario.schema import Scenario

History = list[tuple[float, tuple[float, ...]]]
"""(week, every indicator's value) once a tick, from week 0."""


class Intelligence:
    """Each team's lagged, noisy reading of the indicators it is told about."""

    def __init__(self, scenario: Scenario, streams: RandomStreams, values: list[float],
                 low: list[float], high: list[float]) -> None:
        self.entries: dict[str, list[tuple[int, int, float]]] = _entries(scenario)
        """Per team, (indicator position, lag in ticks, noise sd), in scenario order."""
        self.views: dict[str, list[float]] = {team: list(values) for team in self.entries}
        """Per team, its current reading of every indicator (true values where it has no intel)."""
        self.view_history: dict[str, History] = {
            team: [(0.0, tuple(values))] for team in self.entries}
        self.streams: dict[str, Stream] = {
            team: streams.stream(f"intel.{team}") for team in self.entries}
        self.low = low
        self.high = high
        self._update = self._compile(scenario)

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
        are the same however often anyone looks at them. Compiled once per scenario
        (``_update_source``) into one function: the loop over teams and entries written out.
        """
        self._update(history, now)

    def _compile(self, scenario: Scenario) -> Callable[[History, float], None]:
        views = [self.views[team] for team in self.entries]
        normals = [self.streams[team].normal for team in self.entries]
        appends = [self.view_history[team].append for team in self.entries]
        make = _update_factory(scenario)
        update: Callable[[History, float], None] = make(views, normals, appends, self.low,
                                                        self.high)
        return update


def _entries(scenario: Scenario) -> dict[str, list[tuple[int, int, float]]]:
    """Per team, (indicator position, lag in ticks, noise sd), in scenario order."""
    tick = scenario.meta.tick_weeks
    entries: dict[str, list[tuple[int, int, float]]] = {}
    for position, indicator in enumerate(scenario.indicators.values()):
        for team, intel in indicator.intel.items():
            lag_ticks = math.ceil(intel.lag_weeks / tick - 1e-9)
            entries.setdefault(team, []).append((position, lag_ticks, intel.noise_sd))
    return entries


def _update_source(scenario: Scenario) -> str:
    """The source of ``update`` for this scenario: per team, each reading as one statement
    doing what the loop it replaces did (``min(max(...))`` with the same bounds, the error added
    to the lagged value)."""
    lines = ["def make(views, normals, appends, low, high):",
             "    def update(history, now):",
             "        latest = len(history) - 1"]
    lags = sorted({lag for entries in _entries(scenario).values() for _, lag, _ in entries})
    for lag in lags:
        row = "history[latest]" if lag == 0 else \
            f"history[latest - {lag} if latest > {lag} else 0]"
        lines.append(f"        row_{lag} = {row}[1]")
    for number, entries in enumerate(_entries(scenario).values()):
        lines.append(f"        view = views[{number}]")
        lines.append(f"        normal = normals[{number}]")
        for position, lag, noise_sd in entries:
            reading = f"row_{lag}[{position}]"
            if noise_sd:
                reading = f"{reading} + {float(noise_sd)!r} * normal()"
            lines.append(f"        view[{position}] = min(max({reading}, low[{position}]), "
                         f"high[{position}])")
        lines.append(f"        appends[{number}]((now, tuple(view)))")
    lines.append("    return update")
    return "\n".join(lines) + "\n"


@per_object
def _update_factory(scenario: Scenario) -> Callable[..., Callable[[History, float], None]]:
    namespace: dict[str, object] = {}
    exec(compile(_update_source(scenario), "<wargame intelligence>", "exec"), namespace)
    make = namespace["make"]
    assert callable(make)
    return make
