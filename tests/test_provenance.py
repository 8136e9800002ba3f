"""Every model number of the library's base scenario says where it comes from.

``scenarios/status-quo-2022.yaml`` writes each model number as ``{value: X, source: "..."}``,
where the source is ``figure: <expression>`` on rows of the calibration file
(``wargame/calibration/data/figures.csv``) or ``assumption [low, high] (group): reason``
(``wargame.calibration.sources``). This test walks the file's raw YAML and fails on a model
number written bare, and on any source that disagrees with its number.

A number needs no source when it is **structural**: it says what the model's quantities *are*,
not how the world behaves. Five kinds, and nothing else (``structural`` below is the rule):

1. **The clock**: ``meta.horizon_weeks`` and ``meta.turn_weeks`` (the game's length and its
   turns). ``meta.tick_weeks`` is a modelling choice (the integration step) and is sourced.
2. **Domain bounds**: an indicator's ``min`` or ``max`` of 0 or 1 (a share, a 0-1 scale, a
   quantity that cannot be negative). Any other bound (a cap of 0.9, a ceiling of 6) is a model
   number.
3. **Players' choices**: a move parameter's ``min`` and ``max`` (what a player may choose), its
   ``default`` unless a doctrine of the file relies on it (a rule, a posture's rule or an
   inject making the move without that parameter: then the default is the model's number), and
   a move's ``max_uses``.
4. **Switches**: 0 and 1 of an on/off indicator (a flag: bounded to [0, 1], starting at 0 or 1
   and only ever ``set`` to 0 or 1), as its initial value, a ``set`` effect's value or the
   level of a condition on it; and ``probability: 0`` of a posture's rule, the way a posture
   switches a rule of the base off (postures never remove rules).
5. **Algebra and reference points**: a formula's or flow's coefficient of 1 or -1 (sums,
   differences, products and ratios of indicators; ``1 - self_sufficiency``), a parameter
   map's ``scale`` of 1 or -1 and ``offset`` of 0 or 1 (the parameter itself, or its
   complement); and the initial 0 or 1 of an indicator measured from the start or relative to
   2022 (``REFERENCE_POINTS``: a rise, a total or a change since the start begins at 0, a level
   "x 2022" at 1).

Everything else is a model number: rule probabilities, delays and ``max_fires``, trigger and
condition levels, flow and formula coefficients, initial values, effect amounts (shift, scale
and set of non-flag values, open fractions, capacity and demand factors, leakage shares), lags
and stages, source rates, intelligence lags and noise, inject weeks, the tick and the leverage
recomputation interval.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import ROOT
from wargame import load_scenario
from wargame.calibration.assumptions import declared
from wargame.calibration.sources import Assumption, check, parse
from wargame.montecarlo.overrides import apply_overrides
from wargame.scenario.loader import scenario_numbers
from wargame.sourced import is_sourced
from wargame.yamlio import format_path, parse_yaml

BASE = "status-quo-2022"
FILE = ROOT / "scenarios" / f"{BASE}.yaml"

CLOCK = frozenset({("meta", "horizon_weeks"), ("meta", "turn_weeks")})
REFERENCE_POINTS = {
    # levels relative to 2022 ("x 2022"): 1 is the 2022 level
    "cn_investment": 1, "us_capital_in_cn": 1, "cn_share_us_imports": 1, "allied_us_output": 1,
    # policy levels beyond what the 2022 network already holds: none at the start
    "control_stringency": 0, "allied_controls": 0, "tariff_rate": 0, "mineral_ban": 0,
    "smuggling_effort": 0, "cn_policy_push": 0, "license_backlog": 0,
    # totals and changes since the start
    "us_rd_funding": 0, "smuggled_total": 0, "coauthored_papers_change": 0,
    "us_fab_capacity": 0,
}
"""Indicators whose initial value is fixed by what they measure, not chosen."""

HEADLINE_GROUPS = ("m8_decision", "m7_leverage", "m2_investment_response", "m2_growth")
"""The groups of the assumptions behind the showcase's headline differences: China's decision
rule (M8), the definition of leverage (M7), China's investment response and capability growth
(M2). Each is varied on its own."""

Path = tuple[Any, ...]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _raw() -> Any:
    return parse_yaml(FILE.read_text(encoding="utf-8"), str(FILE)).data


def _value(node: Any) -> Any:
    return node["value"] if is_sourced(node) else node


def _walk(node: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every mapping and list of the raw file, with its path (sourced numbers not entered)."""
    yield path, node
    if isinstance(node, dict) and not is_sourced(node):
        for key, item in node.items():
            yield from _walk(item, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, (*path, index))


def flags(data: Any) -> set[str]:
    """On/off indicators: bounded to [0, 1], starting at 0 or 1, only ever set to 0 or 1."""
    candidates = {name for name, spec in data.get("indicators", {}).items()
                  if _value(spec.get("min")) == 0 and _value(spec.get("max")) == 1
                  and _value(spec.get("initial")) in (0, 1) and "formula" not in spec}
    for _, node in _walk(data):
        if isinstance(node, dict) and node.get("indicator") in candidates and "op" in node \
                and node["op"] in ("set", "shift", "scale"):
            value = node.get("value")
            if node["op"] != "set" or not _number(value) or value not in (0, 1):
                candidates.discard(node["indicator"])
    for flow in data.get("flows", {}).values():
        candidates.discard(flow.get("indicator"))
    return candidates


def _unit_bounded(data: Any) -> set[str]:
    return {name for name, spec in data.get("indicators", {}).items()
            if _value(spec.get("min")) == 0 and _value(spec.get("max")) == 1}


def relied_defaults(data: Any) -> set[tuple[str, str]]:
    """(move kind, parameter) pairs whose default a doctrine of the file uses."""
    team_of = {kind: team for team, spec in data["teams"].items()
               for kind in spec.get("moves", {})}
    calls: list[dict[str, Any]] = []
    rule_sets = [data.get("rules", {})]
    inject_lists = [data.get("injects", [])]
    for posture in data.get("postures", {}).values():
        rule_sets.append(posture.get("rules") or {})
        inject_lists.append(posture.get("injects") or [])
    for rules in rule_sets:
        calls.extend(rule["move"] for rule in rules.values() if rule and "move" in rule)
    for injects in inject_lists:
        calls.extend(inject["move"] for inject in injects if "move" in inject)
    relied = set()
    for call in calls:
        kind = call["kind"]
        spec = data["teams"][team_of[kind]]["moves"][kind]
        for name in spec.get("params", {}):
            if name not in (call.get("params") or {}):
                relied.add((kind, name))
    return relied


def structural(path: Path, value: float, parent: dict[str, Any], data: Any,
               flag_ids: set[str], relied: set[tuple[str, str]]) -> bool:
    """Whether the number at ``path`` (in the mapping ``parent``) needs no source."""
    key = path[-1]
    if path in CLOCK:
        return True
    if len(path) == 3 and path[0] == "indicators":
        if key in ("min", "max") and value in (0, 1):
            return True
        if key == "initial" and value in (0, 1) and (
                path[1] in flag_ids or REFERENCE_POINTS.get(path[1]) == value):
            return True
    if path[0] == "teams" and len(path) == 7 and path[2] == "moves" and path[4] == "params":
        if key in ("min", "max"):
            return True
        if key == "default" and (path[3], path[5]) not in relied:
            return True
    if path[0] == "teams" and len(path) == 5 and key == "max_uses":
        return True
    if key == "value" and parent.get("indicator") in flag_ids and value in (0, 1):
        return True
    if key == "value" and parent.get("op") == "set" and value in (0, 1) \
            and parent.get("indicator") in _unit_bounded(data):
        return True
    if key == "open" and parent.get("op") == "restrict_links" and value in (0, 1):
        return True
    if key == "factor" and parent.get("op") in ("set_demand", "set_capacity") and value == 1:
        return True
    if path[0] == "postures" and len(path) == 5 and path[2] == "rules" \
            and key == "probability" and value == 0:
        return True
    if key == "coef" and value in (1, -1) and len(path) >= 4 \
            and path[-3] in ("terms", "over"):
        return True
    return "param" in parent and (
        (key == "scale" and value in (1, -1)) or (key == "offset" and value in (0, 1)))


def unsourced(data: Any) -> list[str]:
    """The model numbers of the raw file written without a source."""
    flag_ids, relied = flags(data), relied_defaults(data)
    found = []
    for path, node in _walk(data):
        if not isinstance(node, dict) or is_sourced(node):
            continue
        for key, item in node.items():
            if _number(item) and not structural((*path, key), item, node, data, flag_ids,
                                                 relied):
                found.append(format_path((*path, key)))
    for path, node in _walk(data):
        if isinstance(node, list):
            found.extend(format_path((*path, i)) for i, item in enumerate(node) if _number(item))
    return found


@pytest.fixture(scope="module")
def numbers() -> dict[str, tuple[Any, str]]:
    return scenario_numbers(BASE)


def test_every_model_number_of_the_base_scenario_has_a_source():
    assert unsourced(_raw()) == []


def test_every_source_agrees_with_its_number(numbers):
    problems = {path: check(float(value), source) for path, (value, source) in numbers.items()}
    assert {path: why for path, why in problems.items() if why} == {}
    assert len(numbers) >= 300


def test_the_structural_rule_catches_a_new_bare_number():
    data = _raw()
    data["rules"]["cn_blockades"]["probability"] = 0.6
    data["indicators"]["cn_investment"]["max"] = 6
    data["teams"]["us"]["moves"]["rule_oct2022"]["params"]["licensed_share"]["default"] = 0.1
    data["flows"]["resolve_drifts"]["rate"]["terms"][0]["coef"] = 0.000385
    assert unsourced(data) == [
        "teams.us.moves.rule_oct2022.params.licensed_share.default",
        "indicators.cn_investment.max", "flows.resolve_drifts.rate.terms[0].coef",
        "rules.cn_blockades.probability"]


def test_flags_and_relied_defaults_are_what_the_file_says():
    data = _raw()
    assert flags(data) == {"cloud_cut", "cutoff_active", "kill_switch_used", "guardrails",
                           "outbound_review", "quarantine_active", "blockade_active",
                           "invasion_under_way", "crisis_latch"}
    assert ("rule_oct2022", "licensed_share") in relied_defaults(data)
    assert ("signal_red_line", "clarity") not in relied_defaults(data)


def test_every_assumption_of_the_base_has_a_group_and_the_headline_ones_their_own(numbers):
    assumptions = {path: parse(source) for path, (_, source) in numbers.items()}
    assumptions = {path: a for path, a in assumptions.items() if isinstance(a, Assumption)}
    assert [path for path, a in assumptions.items() if a.group is None] == []
    groups: dict[str, list[str]] = defaultdict(list)
    for path, a in assumptions.items():
        groups[a.group].append(path)  # type: ignore[index]
    for group in HEADLINE_GROUPS:
        assert groups[group], f"no assumption in group {group}"
    assert any("cn_blockades" in path for path in groups["m8_decision"])
    assert any("leverage" in path for path in groups["m7_leverage"])
    assert any("investment_adjusts" in path for path in groups["m2_investment_response"])
    assert any("capability_grows" in path for path in groups["m2_growth"])


def test_the_base_assumptions_are_declared_with_their_groups_and_take_their_bounds(numbers):
    found = [item for item in declared(BASE) if item.origin == FILE.name]
    expected = {path.replace("[", ".").replace("]", ""): parse(source)
                for path, (_, source) in numbers.items()}
    expected = {path: a for path, a in expected.items() if isinstance(a, Assumption)}
    assert {item.path: (item.low, item.high, item.group) for item in found} == {
        path: (a.low, a.high, a.group) for path, a in expected.items()}
    scenario = load_scenario(BASE)
    by_group: dict[str, list] = defaultdict(list)
    for item in found:
        assert item.low <= item.value <= item.high, item
        by_group[item.group].append(item)
    # Each group at its low and at its high bound together (what a sensitivity analysis
    # varying the group does), and a sample of single assumptions at each bound: all validate.
    for items in by_group.values():
        for bound in ("low", "high"):
            apply_overrides(scenario, {item.path: getattr(item, bound) for item in items})
    for item in random.Random(12).sample(found, min(30, len(found))):
        for bound in (item.low, item.high):
            apply_overrides(scenario, {item.path: bound})

