"""Picking named policies: merging a posture's rules and injects into a scenario."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from wargame.errors import Issue, ScenarioError
from wargame.scenario.loader import scenario_dump, validate_scenario_data
from wargame.scenario.schema import Scenario


def with_postures(scenario: Scenario, names: Iterable[str]) -> Scenario:
    """The scenario with the named postures applied, in order, validated as a whole.

    At most one posture per team (two policies for one team would fight each other's rules);
    applying the same posture twice is an error too. Unknown names list the known ones.
    """
    if isinstance(names, str):
        names = [names]
    data = copy.deepcopy(scenario_dump(scenario))  # the cached dump is shared: never mutate it
    teams_done: dict[str, str] = {
        scenario.postures[name].team: name for name in scenario.applied_postures
    }
    for name in names:
        if not isinstance(name, str):
            raise ScenarioError(Issue(f"a posture is named by text (got {name!r})", "posture"))
        posture = scenario.postures.get(name)
        if posture is None:
            known = ", ".join(scenario.postures) or "none defined"
            raise ScenarioError(Issue(f"unknown posture '{name}' (expected one of: {known})",
                                      "posture"))
        if posture.team in teams_done:
            raise ScenarioError(Issue(
                f"posture '{name}' is for team '{posture.team}', which already has posture "
                f"'{teams_done[posture.team]}'", "posture"))
        teams_done[posture.team] = name
        raw = data["postures"][name]
        for rule_id, rule in raw["rules"].items():
            if rule is None:
                data["rules"].pop(rule_id, None)
            else:
                data["rules"][rule_id] = rule
        data["injects"] = [*data["injects"], *raw["injects"]]
        data["applied_postures"] = [*data["applied_postures"], name]
    return validate_scenario_data(data, file=f"{scenario.meta.name} with postures")
