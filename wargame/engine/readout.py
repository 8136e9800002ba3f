"""Reading a game: indicators as one team sees them (or the truth), their history, the outcomes.

Nothing here changes the game; what a team may see is decided here and nowhere else, so a seat
(the UI, a server, a policy) is shown exactly what its team's visibility and intelligence allow.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from wargame.errors import Issue, MoveError
from wargame.scenario.schema import EventOutcome

if TYPE_CHECKING:
    from wargame.engine.core import Engine


def indicators(engine: Engine, team: str | None = None) -> dict[str, float]:
    """Every indicator's true value (``team`` None), or those ``team`` may see, as it reads them
    (late and noisy where it learns of them by intelligence)."""
    if team is None:
        return dict(zip(engine.indicator_ids, engine.values, strict=True))
    engine.check_team(team, "team")
    readings = engine.intelligence.readings(team)
    values, visible = engine.values, engine.indicator_visible
    return {name: readings.get(i, values)[i] for i, name in enumerate(engine.indicator_ids)
            if team in visible[i]}


def indicator_history(engine: Engine, indicator: str, team: str | None = None
                      ) -> list[tuple[float, float]]:
    """(week, value) once a tick from week 0: the truth, or ``team``'s reading of it."""
    position = engine.check_indicator(indicator, "indicator")
    history = engine.history
    if team is not None:
        engine.check_team(team, "team")
        if team not in engine.indicator_visible[position]:
            raise MoveError(Issue(f"team '{team}' cannot see indicator '{indicator}'",
                                  "indicator"))
        if position in engine.intelligence.readings(team):
            history = engine.intelligence.view_history[team]
    return [(week, values[position]) for week, values in history]


def outcomes(engine: Engine) -> dict[str, float | None]:
    """Each outcome the scenario declares, now: None for the first week of an event that has not
    happened."""
    result: dict[str, float | None] = {}
    for name, outcome in engine.scenario.outcomes.items():
        if isinstance(outcome, EventOutcome):
            weeks = [e.week for e in engine.events if e.kind == outcome.event]
            if outcome.stat == "count":
                result[name] = float(len(weeks))
            else:
                result[name] = weeks[0] if weeks else None
            continue
        position = engine.index[outcome.indicator]
        if outcome.stat == "final":
            result[name] = engine.values[position]
            continue
        path = [values[position] for _, values in engine.history]
        path.append(engine.values[position])
        if outcome.stat == "min":
            result[name] = min(path)
        elif outcome.stat == "max":
            result[name] = max(path)
        else:
            result[name] = _mean(path[:-1])
    return result


def _mean(ticks: list[float]) -> float:
    """The exact mean (``math.fsum``), scaled down for values near the largest float."""
    try:
        return math.fsum(ticks) / len(ticks)
    except OverflowError:
        scale = max(abs(value) for value in ticks)
        return scale * (math.fsum(v / scale for v in ticks) / len(ticks))
