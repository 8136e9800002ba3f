"""Cross-references in a scenario: every name it uses must resolve, checked at load.

Teams, indicators, moves, parameters, event kinds, postures and the economy's nodes, regions and
links: a dangling name is reported at the field that holds it, with the names that would do.
The engine uses the same checks for what the white cell injects during a game.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from wargame.economy.network import LEVERAGE_BINDINGS, SupplyNetwork
from wargame.economy.spec import EdgeSelector
from wargame.scenario.conditions import Condition, condition_indicators
from wargame.scenario.effects import (
    VALUE_FIELD,
    DisableMoves,
    EconomyEffect,
    Effect,
    EnableMoves,
    ParamRef,
    RestrictLinks,
    SetLeakage,
)
from wargame.scenario.outcomes import IndicatorOutcome
from wargame.scenario.params import IntegerParam, NumberParam, check_params, validate_spec_bounds
from wargame.scenario.types import Loc, Visibility
from wargame.validated import RESERVED_IDS

if TYPE_CHECKING:
    from wargame.scenario.schema import EventSpec, Formula, MoveSpec, Scenario


def unknown_move(s: Scenario, team: str, kind: str) -> str:
    """Why ``kind`` is not a move of ``team``; naming the owner when it is another team's move,
    the commonest slip (a rule or a player giving one side's move to the other)."""
    catalogue = ", ".join(s.teams[team].moves) or "none defined"
    owners = [other for other, spec in s.teams.items() if kind in spec.moves]
    if owners:
        return (f"move '{kind}' belongs to team '{owners[0]}', not '{team}' "
                f"(expected one of: {catalogue})")
    return f"unknown move '{kind}' for team '{team}' (expected one of: {catalogue})"


class References:
    """Checks that names used in a scenario resolve: teams, indicators, moves, parameters.

    Used for whole scenarios at load, and by the engine for what the white cell injects during
    a game, so both get the same messages. Each method yields (field path, message).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.s = scenario
        self.team_list = ", ".join(scenario.teams)
        self.indicator_list = ", ".join(scenario.indicators) or "none defined"
        self._network: SupplyNetwork | None = None

    @property
    def network(self) -> SupplyNetwork | None:
        """A network built from the scenario's world, to resolve selectors against."""
        if self._network is None and self.s.economy is not None:
            self._network = SupplyNetwork(self.s.economy.world)
        return self._network

    def selector(self, loc: Loc, selector: EdgeSelector) -> Iterator[tuple[Loc, str]]:
        """Every name in an edge selector exists in the world, and it selects some link."""
        world = self.s.economy.world  # type: ignore[union-attr]
        known = {
            "edges": self.network.select_edges(EdgeSelector()),  # type: ignore[union-attr]
            "controllers": {n.controller for n in world.nodes}
            | {e.controller for e in world.edges if e.controller},
            "nodes": {n.id for n in world.nodes},
            "regions": set(world.region_ids),
            "sectors": set(world.sectors),
            "routes": set(self.network.route_ids),  # type: ignore[union-attr]
        }
        fields = {"edges": "edges", "controllers": "controllers",
                  "supplier_nodes": "nodes", "supplier_regions": "regions",
                  "supplier_sectors": "sectors", "supplier_controllers": "controllers",
                  "buyer_nodes": "nodes", "buyer_regions": "regions", "buyer_sectors": "sectors",
                  "routes": "routes"}
        bad = False
        for field, kind in fields.items():
            for i, name in enumerate(getattr(selector, field) or ()):
                if name not in known[kind]:
                    bad = True
                    choices = sorted(known[kind])
                    shown = ", ".join(choices[:30]) + (", ..." if len(choices) > 30 else "")
                    yield (*loc, field, i), (f"unknown {kind[:-1]} '{name}' in the world "
                                             f"(expected one of: {shown})")
        if not bad and not self.network.select_edges(selector):  # type: ignore[union-attr]
            yield loc, "selects no links of the world"

    def economy_effect(self, loc: Loc, effect: EconomyEffect) -> Iterator[tuple[Loc, str]]:
        if self.s.economy is None:
            yield (*loc, "op"), f"'{effect.op}' needs an economy section in the scenario"
            return
        if isinstance(effect, RestrictLinks | SetLeakage):
            yield from self.selector((*loc, "select"), effect.select)
            route = getattr(effect, "route", None)
            routes = self.network.route_ids  # type: ignore[union-attr]
            if route is not None and route not in routes:
                yield (*loc, "route"), (f"unknown route '{route}' in the world (expected one "
                                        f"of: {', '.join(routes) or 'none: no edge has routes'})")
            field = "open" if isinstance(effect, RestrictLinks) else "share"
            value = getattr(effect, field)
            if not isinstance(value, ParamRef) and not 0.0 <= value <= 1.0:
                yield (*loc, field), f"must be between 0 and 1 (got {value:g})"
            return
        nodes = {node.id for node in self.s.economy.world.nodes}
        for i, node in enumerate(effect.nodes):
            if node not in nodes:
                yield (*loc, "nodes", i), (f"unknown node '{node}' in the world "
                                           f"(expected one of: {', '.join(sorted(nodes))})")
        if not isinstance(effect.factor, ParamRef) and effect.factor < 0:
            yield (*loc, "factor"), f"must be ≥ 0 (got {effect.factor:g})"

    def team(self, loc: Loc, team: str) -> Iterator[tuple[Loc, str]]:
        if team not in self.s.teams:
            yield loc, f"unknown team '{team}' (expected one of: {self.team_list})"

    def visibility(self, loc: Loc, vis: Visibility) -> Iterator[tuple[Loc, str]]:
        if vis != "all":
            for i, team in enumerate(vis):
                yield from self.team((*loc, i), team)

    def indicator(self, loc: Loc, name: str) -> Iterator[tuple[Loc, str]]:
        if name not in self.s.indicators:
            yield loc, f"unknown indicator '{name}' (expected one of: {self.indicator_list})"

    def condition(self, loc: Loc, cond: Condition | None) -> Iterator[tuple[Loc, str]]:
        if cond is not None:
            for path, name in condition_indicators(cond):
                yield from self.indicator((*loc, *path), name)

    def formula(self, loc: Loc, formula: Formula) -> Iterator[tuple[Loc, str]]:
        for part in ("terms", "over"):
            for i, term in enumerate(getattr(formula, part)):
                for j, name in enumerate(term.of):
                    yield from self.indicator((*loc, part, i, "of", j), name)

    def move_kinds(self, loc: Loc, team: str, kinds: Iterable[str]) -> Iterator[tuple[Loc, str]]:
        catalogue = self.s.teams[team].moves
        for j, kind in enumerate(kinds):
            if kind not in catalogue:
                yield (*loc, j), unknown_move(self.s, team, kind)

    def effects(self, loc: Loc, items: list[Effect],
                move: MoveSpec | None) -> Iterator[tuple[Loc, str]]:
        for i, effect in enumerate(items):
            here = (*loc, i)
            if isinstance(effect, EnableMoves | DisableMoves):
                if effect.team not in self.s.teams:
                    yield from self.team((*here, "team"), effect.team)
                else:
                    yield from self.move_kinds((*here, "moves"), effect.team, effect.moves)
                continue
            if isinstance(effect, EconomyEffect):
                yield from self.economy_effect(here, effect)
                field = VALUE_FIELD[type(effect)]
            else:
                yield from self.indicator((*here, "indicator"), effect.indicator)
                field = VALUE_FIELD[type(effect)]
            value = getattr(effect, field)
            if not isinstance(value, ParamRef):
                continue
            if move is None:
                yield (*here, field, "param"), "a parameter reference needs a move; use a number"
            elif value.param not in move.params:
                yield (*here, field, "param"), (
                    f"unknown parameter '{value.param}' "
                    f"(expected one of: {', '.join(move.params) or 'none defined'})"
                )
            elif not isinstance(move.params[value.param], NumberParam | IntegerParam):
                yield (*here, field, "param"), f"parameter '{value.param}' is not numeric"

    def move(self, loc: Loc, team: str, kind: str,
             params: dict[str, Any]) -> Iterator[tuple[Loc, str]]:
        """A concrete move: its kind in the team's catalogue, its parameters within bounds."""
        if team not in self.s.teams:
            return
        catalogue = self.s.teams[team].moves
        if kind not in catalogue:
            yield (*loc, "kind"), unknown_move(self.s, team, kind)
            return
        _, problems = check_params(catalogue[kind].params, params)
        for path, message in problems:
            yield (*loc, "params", *path), message

    def event(self, loc: Loc, event: EventSpec) -> Iterator[tuple[Loc, str]]:
        if event.actor is not None:
            yield from self.team((*loc, "actor"), event.actor)
        yield from self.visibility((*loc, "visible_to"), event.visible_to)
        yield from self.effects((*loc, "effects"), event.effects, None)


def reference_issues(s: Scenario) -> Iterator[tuple[Loc, str]]:
    """Every dangling or inconsistent reference in a scenario, with the field that holds it."""
    refs = References(s)
    for team_id, team in s.teams.items():
        if team_id in RESERVED_IDS:
            yield ("teams", team_id), f"'{team_id}' is reserved (the white cell); pick another id"
        for kind, move in team.moves.items():
            loc: Loc = ("teams", team_id, "moves", kind)
            for name, spec in move.params.items():
                problem = validate_spec_bounds(spec)
                if problem:
                    yield (*loc, "params", name), problem
            for i, stage in enumerate(move.stages):
                if stage.at_weeks >= move.lag_weeks:
                    yield (*loc, "stages", i, "at_weeks"), (
                        f"must be before the move takes effect (< lag_weeks {move.lag_weeks:g}) "
                        f"(got {stage.at_weeks:g})")
            yield from refs.condition((*loc, "requires"), move.requires)
            yield from refs.visibility((*loc, "visible_to"), move.visible_to)
            yield from refs.effects((*loc, "effects"), move.effects, move)
    derived = [name for name, indicator in s.indicators.items() if indicator.formula]
    for name, indicator in s.indicators.items():
        yield from refs.visibility(("indicators", name, "visible_to"), indicator.visible_to)
        if indicator.formula is not None:
            yield from refs.formula(("indicators", name, "formula"), indicator.formula)
            parts = (("terms", indicator.formula.terms), ("over", indicator.formula.over))
            for part, terms in parts:
                for i, term in enumerate(terms):
                    for j, other in enumerate(term.of):
                        if other in derived and derived.index(other) >= derived.index(name):
                            yield ("indicators", name, "formula", part, i, "of", j), (
                                f"'{other}' is derived too and comes later (or is this one): "
                                "a formula may use only derived indicators defined above it")
        if indicator.economy is not None:
            if refs.network is None:
                yield ("indicators", name, "economy"), (
                    "binding to the economy needs an economy section in the scenario")
            elif indicator.economy not in LEVERAGE_BINDINGS and \
                    indicator.economy not in refs.network.indicator_names():
                names = ", ".join((*LEVERAGE_BINDINGS, *refs.network.indicator_names()))
                yield ("indicators", name, "economy"), (
                    f"unknown economy indicator '{indicator.economy}' (expected one of: {names})")
        for reader in indicator.intel:
            intel_loc: Loc = ("indicators", name, "intel", reader)
            if reader not in s.teams:
                yield from refs.team(intel_loc, reader)
            elif indicator.visible_to != "all" and reader not in indicator.visible_to:
                yield intel_loc, (f"team '{reader}' cannot see this indicator "
                                  "(add it to visible_to)")
    for i, inject in enumerate(s.injects):
        if inject.at_week > s.meta.horizon_weeks:
            yield ("injects", i, "at_week"), (
                f"must be within the horizon (≤ {s.meta.horizon_weeks:g}) (got {inject.at_week:g})"
            )
        if inject.move is not None:
            yield from refs.team(("injects", i, "move", "team"), inject.move.team)
            yield from refs.move(("injects", i, "move"), inject.move.team, inject.move.kind,
                                 inject.move.params)
        if inject.event is not None:
            yield from refs.event(("injects", i, "event"), inject.event)
    for name, source in s.sources.items():
        yield from refs.event(("sources", name, "event"), source.event)
        yield from refs.condition(("sources", name, "active_if"), source.active_if)
    kinds = s.event_kinds()
    for name, rule in s.rules.items():
        yield from refs.team(("rules", name, "team"), rule.team)
        if rule.on not in kinds:
            yield ("rules", name, "on"), (
                f"unknown event kind '{rule.on}' (expected one of: {', '.join(sorted(kinds))})"
            )
        yield from refs.condition(("rules", name, "when"), rule.when)
        yield from refs.move(("rules", name, "move"), rule.team, rule.move.kind, rule.move.params)
    for name, flow in s.flows.items():
        yield from refs.indicator(("flows", name, "indicator"), flow.indicator)
        yield from refs.formula(("flows", name, "rate"), flow.rate)
        target = s.indicators.get(flow.indicator)
        if target is not None and (target.economy or target.formula):
            yield ("flows", name, "indicator"), (
                f"'{flow.indicator}' is set by the economy or a formula; a flow needs a stock")
    for name, posture in s.postures.items():
        loc = ("postures", name)
        yield from refs.team((*loc, "team"), posture.team)
        for rule_id, posture_rule in posture.rules.items():
            if posture_rule is None:
                if rule_id not in s.rules and name not in s.applied_postures:
                    yield (*loc, "rules", rule_id), (
                        f"removes rule '{rule_id}', which does not exist")
                continue
            rule = posture_rule
            if rule.team != posture.team:
                yield (*loc, "rules", rule_id, "team"), (
                    f"must be the posture's team '{posture.team}' (got '{rule.team}')")
            if rule.on not in kinds:
                yield (*loc, "rules", rule_id, "on"), (
                    f"unknown event kind '{rule.on}' (expected one of: {', '.join(sorted(kinds))})"
                )
            yield from refs.condition((*loc, "rules", rule_id, "when"), rule.when)
            yield from refs.move((*loc, "rules", rule_id, "move"), rule.team, rule.move.kind,
                                 rule.move.params)
        for i, inject in enumerate(posture.injects):
            if inject.move is not None:
                yield from refs.team((*loc, "injects", i, "move", "team"), inject.move.team)
                yield from refs.move((*loc, "injects", i, "move"), inject.move.team,
                                     inject.move.kind, inject.move.params)
            if inject.event is not None:
                yield from refs.event((*loc, "injects", i, "event"), inject.event)
    for name in s.applied_postures:
        if name not in s.postures:
            yield ("applied_postures",), f"unknown posture '{name}'"
    for name, trigger in s.triggers.items():
        yield from refs.indicator(("triggers", name, "indicator"), trigger.indicator)
        yield from refs.event(("triggers", name, "event"), trigger.event)
    for name, outcome in s.outcomes.items():
        if isinstance(outcome, IndicatorOutcome):
            yield from refs.indicator(("outcomes", name, "indicator"), outcome.indicator)
        elif outcome.event not in kinds:
            yield ("outcomes", name, "event"), (
                f"unknown event kind '{outcome.event}' "
                f"(expected one of: {', '.join(sorted(kinds))})"
            )
