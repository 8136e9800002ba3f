"""Validating parsed data as a scenario, and picking named policies: merging a posture's rules
and injects into a scenario, which is validated again as a whole.

The two live together because each needs the other: a scenario may name postures to apply
(``apply_postures``), and a scenario with postures applied is validated like any other.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from wargame.errors import Issue, ScenarioError
from wargame.scenario.hashing import scenario_dump
from wargame.scenario.schema import Scenario
from wargame.yamlio import Path_, Where, issues_from_validation


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


def validate_scenario_data(located_data: Any, where: dict[Path_, Where] | None = None,
                           file: str | None = None) -> Scenario:
    """Validate already-parsed data as a scenario, raising located ``ScenarioError``.

    A scenario that names postures in ``apply_postures`` comes back with them applied."""
    try:
        scenario = Scenario.model_validate(located_data)
    except ValidationError as exc:
        raise ScenarioError(issues_from_validation(exc, located_data, where, file)) from None
    except RecursionError:
        raise ScenarioError(Issue("nested too deeply", file=file)) from None
    if not scenario.apply_postures:
        return scenario
    line = (where or {}).get(("apply_postures",), (file, None))[1]
    try:
        return with_postures(scenario.model_copy(update={"apply_postures": []}),
                             scenario.apply_postures)
    except ScenarioError as exc:
        raise ScenarioError([
            Issue(issue.message, "apply_postures", file, line) if issue.path == "posture"
            else issue for issue in exc.issues]) from None
