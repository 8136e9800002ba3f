"""``--set path=value``: change any number (or value) of a scenario for a batch, re-validated whole.

Why paths into the scenario's data rather than declared knobs: every default in the model card is a
field of the scenario file (a rule's probability, a flow's coefficient, an indicator's start), so a
dotted path reaches all of them with nothing to declare, and the merged scenario is validated
exactly as a file would be, with the path named in any error.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from wargame.errors import Issue, ScenarioError
from wargame.scenario.loader import scenario_dump, validate_scenario_data
from wargame.scenario.schema import Scenario
from wargame.yamlio import parse_yaml

Overrides = Mapping[str, Any]


def parse_assignment(text: str) -> tuple[str, Any]:
    """``rules.cn_blockades.probability=0.4`` → (path, 0.4); the value is read as YAML by the
    reader scenario files go through (``yamlio.parse_yaml``): YAML 1.2 core scalars (numbers,
    true/false, null; ``1:30`` and ``yes`` stay text), ``[lists]`` and ``{mappings}``, no aliases
    (a few bytes of them expand to billions of values) and no nesting past its limit. A value that
    is not valid YAML is refused, naming the path, rather than guessed at."""
    if not isinstance(text, str):
        raise ScenarioError(Issue(f"expected PATH=VALUE text (got {text!r:.60})", "--set"))
    path, sep, raw = text.partition("=")
    path = path.strip()
    if not sep or not path:
        raise ScenarioError(Issue(f"expected PATH=VALUE (got {text[:80]!r})", "--set"))
    if not raw.strip():
        return path, None
    try:
        value = parse_yaml(raw, "--set", ScenarioError).data
    except ScenarioError as exc:
        hint = f"quote text that is not meant as YAML: --set '{path}=\"...\"'"
        raise ScenarioError([Issue(f"{issue.message.replace(' (use extends:)', '')} ({hint})",
                                   f"--set {path}") for issue in exc.issues]) from None
    return path, value


_STEP = re.compile(r"\[([^\]]+)\]|([^.\[\]]+)")


class _ById(str):
    """A list step written ``[tw_foundry]`` or ``[us_chip_design->cn_ai_compute]``: the item
    whose id (or edge) it is, so a path into the embedded world does not depend on positions."""


def _steps(path: str) -> list[str | int]:
    """``injects[3].at_week``, ``injects.3.at_week`` → ["injects", 3, "at_week"];
    ``economy.world.nodes[tw_foundry].output`` names the list item by its id."""
    steps: list[str | int] = []
    for bracket, name in _STEP.findall(path):
        if bracket:
            steps.append(int(bracket) if bracket.isdigit() else _ById(bracket.strip()))
        else:
            steps.append(int(name) if name.isdigit() else name)
    return steps


def _item_id(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    if isinstance(item.get("id"), str):
        return item["id"]
    if isinstance(item.get("supplier"), str) and isinstance(item.get("buyer"), str):
        return f"{item['supplier']}->{item['buyer']}"
    return item.get("edge") if isinstance(item.get("edge"), str) else None


def _set(data: Any, path: str, value: Any) -> None:
    steps = _steps(path)
    if not steps:
        raise ScenarioError(Issue("empty path", "--set"))
    node = data
    for depth, step in enumerate(steps):
        last = depth == len(steps) - 1
        where = ".".join(str(s) for s in steps[: depth + 1])
        if isinstance(node, dict):
            if not isinstance(step, str) or (step not in node and not last):
                known = ", ".join(sorted(map(str, node))) or "none"
                raise ScenarioError(Issue(f"no '{step}' at '{where}' (expected one of: {known})",
                                          path))
            if last:
                node[step] = value
            else:
                node = node[step]
        elif isinstance(node, list):
            if isinstance(step, _ById):
                ids = [_item_id(item) for item in node]
                if step not in ids:
                    known = ", ".join(i for i in ids if i)[:300] or "none"
                    raise ScenarioError(Issue(f"no item '{step}' at '{where}' (expected one "
                                              f"of: {known})", path))
                step = ids.index(step)
            if not isinstance(step, int) or not 0 <= step < len(node):
                raise ScenarioError(Issue(
                    f"'{where}' needs an index from 0 to {len(node) - 1} (got {step!r})", path))
            if last:
                node[step] = value
            else:
                node = node[step]
        else:
            raise ScenarioError(Issue(f"'{where}' is inside a value, not a section", path))


def apply_overrides(scenario: Scenario, overrides: Overrides | None) -> Scenario:
    """The scenario with each ``path: value`` set, validated as a whole (errors name the path)."""
    if not overrides:
        return scenario
    data = copy.deepcopy(scenario_dump(scenario))
    for path, value in overrides.items():
        _set(data, path, value)
    return validate_scenario_data(data, file="--set")
