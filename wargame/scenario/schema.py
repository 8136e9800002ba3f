"""The scenario file format: pydantic models, validated once at load, frozen after.

A scenario is data only. What teams may do (the move catalogue), what happens on a schedule
(injects), at random (sources), by doctrine (rules) or when an indicator crosses a level
(triggers) is all declared here; the engine interprets it. Conditions and effects are small
structured trees, never Python.

Cross-references (a rule naming a team, an effect naming an indicator, an inject's parameters
against its move's specification) are checked after the fields validate, and reported at the field
that holds the bad reference.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)

from wargame.economy.network import SupplyNetwork
from wargame.economy.spec import DEFAULT_WORLD, EdgeSelector, WorldSpec, load_world
from wargame.scenario.base import ID_PATTERN, RESERVED_IDS, WHITE, FieldIssues, Model
from wargame.scenario.conditions import Condition, condition_indicators
from wargame.scenario.params import (
    IntegerParam,
    NumberParam,
    ParamSpec,
    check_params,
    validate_spec_bounds,
)

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
EventKind = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]


def _by_python_type(string_tag: str, other_tag: str):
    """A discriminator that picks a union member from the input's Python type, so a wrong value
    gets one message instead of one per member."""

    def pick(value: object) -> str:
        return string_tag if isinstance(value, str | int | float) else other_tag

    return pick


Visibility = Annotated[
    Annotated[Literal["all"], Tag("all_teams")] | Annotated[list[Id], Tag("team_list")],
    Discriminator(_by_python_type("all_teams", "team_list")),
]
"""``all`` or a list of team ids. The acting team and the white cell always see their own."""
Loc = tuple[str | int, ...]


class Meta(Model):
    """What the scenario is, where its numbers come from, and its clock."""

    name: str = Field(min_length=1)
    """Short title shown in menus and reports."""
    description: str = ""
    """The question the scenario answers and how it is set up."""
    sources: list[str] = []
    """Citations for the scenario's numbers and events."""
    start: dt.date
    """Calendar date of week 0; event times are shown as dates from here."""
    horizon_weeks: float = Field(gt=0, le=52 * 100)
    """How long the game runs, in weeks."""
    turn_weeks: float = Field(gt=0)
    """Weeks of game time between two turns (the points where players move)."""
    tick_weeks: float = Field(default=1.0, gt=0)
    """Weeks between two updates of the continuous state (the economy); weekly by default."""

    @model_validator(mode="after")
    def _horizon_covers_a_turn(self) -> Meta:
        if self.horizon_weeks < self.turn_weeks:
            raise FieldIssues([(
                ("horizon_weeks",),
                f"must be at least one turn ({self.turn_weeks:g} weeks) "
                f"(got {self.horizon_weeks:g})",
            )])
        return self


class ParamRef(Model):
    """A value taken from the move's parameter, optionally scaled: ``scale * param + offset``."""

    param: Id
    """The parameter's name in the move's ``params``."""
    scale: float = 1.0
    """Multiplier applied to the parameter."""
    offset: float = 0.0
    """Added after scaling."""


Value = Annotated[
    Annotated[float, Tag("number")] | Annotated[ParamRef, Tag("param_ref")],
    Discriminator(_by_python_type("number", "param_ref")),
]
"""A number, or a reference to a numeric parameter of the move that carries the effect."""


class SetIndicator(Model):
    """Set an indicator to a value (clipped to its bounds)."""

    op: Literal["set"]
    indicator: Id
    """The indicator's id."""
    value: Value
    """The new value."""


class ShiftIndicator(Model):
    """Add to an indicator (clipped to its bounds)."""

    op: Literal["shift"]
    indicator: Id
    """The indicator's id."""
    by: Value
    """The amount added (negative to lower it)."""


class ScaleIndicator(Model):
    """Multiply an indicator (clipped to its bounds)."""

    op: Literal["scale"]
    indicator: Id
    """The indicator's id."""
    factor: Value
    """The multiplier."""


class EnableMoves(Model):
    """Put moves into a team's catalogue (they become legal if their other conditions hold)."""

    op: Literal["enable_moves"]
    team: Id
    """The team whose catalogue changes."""
    moves: list[Id] = Field(min_length=1)
    """The move kinds made available."""


class DisableMoves(Model):
    """Take moves out of a team's catalogue."""

    op: Literal["disable_moves"]
    team: Id
    """The team whose catalogue changes."""
    moves: list[Id] = Field(min_length=1)
    """The move kinds withdrawn."""


class RestrictLinks(Model):
    """Restrict trade on supply links by a named measure (export controls, a tariff, a blockade).

    Each measure leaves a fraction of trade open on the links it selects; a link's open fraction
    is the product over all measures, so controls, tariffs and a blockade stack, and setting a
    measure again (``open: 1`` lifts it) changes only that measure's part.
    """

    op: Literal["restrict_links"]
    measure: Id
    """Name of the measure; measures compose multiplicatively."""
    select: EdgeSelector
    """The links (economy edges) it applies to."""
    open: Value
    """Fraction of baseline trade the measure leaves open on each link, 0..1."""


class SetLeakage(Model):
    """Set the share of the closed part of links that still gets through (smuggling)."""

    op: Literal["set_leakage"]
    select: EdgeSelector
    """The links it applies to."""
    share: Value
    """Share of the restricted trade that leaks through, 0..1."""


class SetCapacity(Model):
    """Scale nodes' production capacity (a blockade, sanctions on a fab, new fabs)."""

    op: Literal["set_capacity"]
    nodes: list[Id] = Field(min_length=1)
    """Economy node ids."""
    factor: Value
    """Capacity relative to baseline (0 shut down, 1 normal, above 1 expanded)."""


class SetDemand(Model):
    """Scale nodes' final demand (a tariff or boycott lowers it, stimulus raises it)."""

    op: Literal["set_demand"]
    nodes: list[Id] = Field(min_length=1)
    """Economy node ids."""
    factor: Value
    """Final demand relative to baseline."""


EconomyEffect = RestrictLinks | SetLeakage | SetCapacity | SetDemand

Effect = Annotated[
    SetIndicator | ShiftIndicator | ScaleIndicator | EnableMoves | DisableMoves
    | RestrictLinks | SetLeakage | SetCapacity | SetDemand,
    Field(discriminator="op"),
]
"""A change of state caused by an event; tagged by ``op``."""


class Stage(Model):
    """A milestone between a move's announcement and its effect, e.g. a comment period closing."""

    name: Id
    """Raised as the event ``<move kind>.<name>``."""
    at_weeks: float = Field(gt=0)
    """Weeks after the announcement."""
    description: str = ""
    """A line for the event log."""


class MoveSpec(Model):
    """One entry of a team's move catalogue: what the move is, its parameters and its effects."""

    description: str = ""
    """What the move does, shown to players."""
    params: dict[Id, ParamSpec] = {}
    """Typed parameters with bounds, by name."""
    lag_weeks: float = Field(default=0.0, ge=0)
    """Weeks from announcement to effect (0: effective at once), like a rule's comment period."""
    stages: list[Stage] = []
    """Milestones between announcement and effect (each before ``lag_weeks``)."""
    available: bool = True
    """Whether the move is in the catalogue at the start (effects can enable it later)."""
    max_uses: int | None = Field(default=None, ge=1)
    """How many times the team may make the move in a game (no limit when omitted)."""
    requires: Condition | None = None
    """A condition on indicators that must hold for the move to be legal."""
    visible_to: Visibility = "all"
    """Teams that see the move's announcement and effect."""
    effects: list[Effect] = []
    """What changes when the move takes effect."""


class Team(Model):
    """A seat at the table (a player team) with its catalogue of moves."""

    name: str = Field(min_length=1)
    """Display name, e.g. ``United States``."""
    description: str = ""
    """The team's role and goals, shown on its seat."""
    moves: dict[Id, MoveSpec] = {}
    """The team's move catalogue, by move kind."""


class Term(Model):
    """One term of a formula: ``coef`` times the product of the listed indicators."""

    coef: float = 1.0
    """The coefficient (its unit makes the term's unit right)."""
    of: list[Id] = []
    """Indicators multiplied together (none: the term is the constant ``coef``)."""


class Formula(Model):
    """A sum of products of indicators, e.g. expected cost = leverage × credibility − resolve.

    Data, not code: a list of terms, each a coefficient times a product of indicators.
    """

    terms: list[Term] = Field(min_length=1)
    """The terms summed."""


class Flow(Model):
    """A rate of change: every tick the indicator moves by ``rate × tick_weeks``.

    This is how slow dynamics are written (investment accumulating into capability, alignment
    drifting): stocks and flows, integrated once per tick (explicit Euler).
    """

    indicator: Id
    """The indicator that changes (a stock)."""
    rate: Formula
    """Change per week."""
    description: str = ""
    """What the flow represents, and its source."""


class Intel(Model):
    """How one team reads an indicator: late and with error, as intelligence is."""

    lag_weeks: float = Field(default=0.0, ge=0, le=520)
    """Age of the team's reading: it sees the value of this many weeks ago (rounded up to ticks)."""
    noise_sd: float = Field(default=0.0, ge=0)
    """Standard deviation of the error on the team's reading, in the indicator's unit; a new
    error is drawn every tick (the reading is then clipped to the indicator's bounds)."""


class Indicator(Model):
    """A number describing the state of the world, with bounds and who may see it."""

    name: str = ""
    """Display name (the id when omitted)."""
    description: str = ""
    """What it measures."""
    unit: str = ""
    """Unit shown beside the value."""
    initial: float | None = None
    """Value at week 0 (required unless the indicator is bound to the economy)."""
    economy: str | None = None
    """Bind to one of the economy's indicators (or ``leverage``): its value is then set every
    tick from the supply network, starting from the network's own value."""
    formula: Formula | None = None
    """Derive it from other indicators: recomputed every tick (after the economy and the flows)
    and at the start; no ``initial`` needed."""
    min: float | None = None
    """Lower bound; values are clipped to it."""
    max: float | None = None
    """Upper bound; values are clipped to it."""
    visible_to: Visibility = "all"
    """Teams that may see it; the white cell always does."""
    intel: dict[Id, Intel] = {}
    """Per team that may see it: the lag and noise of that team's reading (exact and current
    when a team is not listed). Doctrine rules decide on their team's reading."""

    @model_validator(mode="after")
    def _initial_within_bounds(self) -> Indicator:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise FieldIssues([(("min",), f"must be ≤ max ({self.max:g}) (got {self.min:g})")])
        if self.economy is not None and self.formula is not None:
            raise FieldIssues([(("formula",), "give 'economy' or 'formula', not both")])
        if self.initial is None:
            if self.economy is None and self.formula is None:
                raise FieldIssues([(("initial",), "required field missing (or bind the "
                                                  "indicator to the economy or a formula)")])
            return self
        if self.min is not None and self.initial < self.min:
            raise FieldIssues([(("initial",), f"must be ≥ {self.min:g} (got {self.initial:g})")])
        if self.max is not None and self.initial > self.max:
            raise FieldIssues([(("initial",), f"must be ≤ {self.max:g} (got {self.initial:g})")])
        return self


class MoveRef(Model):
    """A concrete move: a team, a kind from its catalogue, and parameter values."""

    team: Id
    """The team making the move."""
    kind: Id
    """The move kind, from the team's catalogue."""
    params: dict[str, Any] = {}
    """Parameter values; omitted ones take their defaults (checked against the catalogue)."""


class TeamMoveRef(Model):
    """A move a rule makes on its own team's behalf."""

    kind: Id
    """The move kind, from the rule's team's catalogue."""
    params: dict[str, Any] = {}
    """Parameter values; omitted ones take their defaults (checked against the catalogue)."""


class EventSpec(Model):
    """An event raised directly (not through a move): a crisis, a report, a shock."""

    kind: EventKind
    """The event's kind; rules listen for it by this name."""
    actor: Id | None = None
    """The team it is attributed to, if any."""
    description: str = ""
    """What happened, shown in the event log."""
    visible_to: Visibility = "all"
    """Teams that see it; the white cell always does."""
    effects: list[Effect] = []
    """What changes when it happens."""


class Inject(Model):
    """A scripted happening at a fixed time: a move made for a team, or an event."""

    at_week: float = Field(ge=0)
    """Game time in weeks from the start."""
    move: MoveRef | None = None
    """The move made (give this or ``event``)."""
    event: EventSpec | None = None
    """The event raised (give this or ``move``)."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Inject:
        if (self.move is None) == (self.event is None):
            raise FieldIssues([((), "give exactly one of 'move' or 'event'")])
        return self


class Source(Model):
    """A stochastic source of events, e.g. smuggling attempts arriving as a Poisson process."""

    process: Literal["poisson"] = "poisson"
    """The arrival process; Poisson (exponential gaps) for now."""
    rate_per_week: float = Field(gt=0, le=1000)
    """Mean arrivals per week."""
    event: EventSpec
    """The event raised at each arrival."""
    active_if: Condition | None = None
    """Arrivals only count while this condition holds (thinning)."""
    stream: Id | None = None
    """Named random stream it draws from (its own id when omitted)."""


class Rule(Model):
    """A doctrine rule: on an event, if a condition holds, with a probability, make a move."""

    team: Id
    """The team whose doctrine this is; it is off while a human plays that team."""
    on: EventKind
    """The event kind that wakes the rule."""
    when: Condition | None = None
    """Condition on indicators that must hold when the event happens."""
    probability: float = Field(default=1.0, ge=0, le=1)
    """Chance the rule acts when woken and the condition holds."""
    delay_weeks: float = Field(default=0.0, ge=0)
    """Decision time before the move is made (its own lag then applies)."""
    move: TeamMoveRef
    """The move made."""
    max_fires: int | None = Field(default=None, ge=1)
    """How many times the rule may act in a game (no limit when omitted)."""
    stream: Id | None = None
    """Named random stream for the probability draw (``rule.<id>`` when omitted)."""


class Trigger(Model):
    """A threshold: when an indicator crosses a level, raise an event."""

    indicator: Id
    """The indicator watched."""
    op: Literal["<", "<=", ">", ">="]
    """The side of the level that counts as crossed."""
    value: float
    """The level."""
    event: EventSpec
    """The event raised on crossing."""
    once: bool = True
    """Fire only the first time; otherwise fire again after the indicator leaves and re-enters."""


class IndicatorOutcome(Model):
    """An outcome measured on an indicator's path."""

    indicator: Id
    """The indicator measured."""
    stat: Literal["final", "min", "max", "mean"] = "final"
    """Which statistic of its weekly path (``mean`` is over ticks)."""


class EventOutcome(Model):
    """An outcome measured on events of a kind."""

    event: EventKind
    """The event kind counted."""
    stat: Literal["count", "first_week"] = "count"
    """How many happened, or the week the first happened (empty when none did)."""


def _outcome_tag(value: object) -> str:
    if isinstance(value, dict):
        return "event_outcome" if "event" in value else "indicator_outcome"
    return "event_outcome" if isinstance(value, EventOutcome) else "indicator_outcome"


Outcome = Annotated[
    Annotated[IndicatorOutcome, Tag("indicator_outcome")]
    | Annotated[EventOutcome, Tag("event_outcome")],
    Discriminator(_outcome_tag),
]


class Posture(Model):
    """A named policy: doctrine rules and scripted moves a run can pick for a team.

    Picking a posture merges its rules into the scenario's (a rule with the same id replaces the
    scenario's; ``null`` removes it) and appends its injects. The merged scenario is validated as
    a whole and is what the journal records.
    """

    team: Id
    """The team whose policy this is."""
    description: str = ""
    """What the policy is and where it comes from."""
    rules: dict[Id, Rule | None] = {}
    """Doctrine rules added, replaced (same id) or removed (``null``)."""
    injects: list[Inject] = []
    """Scripted moves and events added."""


class Economy(Model):
    """The supply network the shock propagator steps every tick."""

    world: WorldSpec
    """The network: ``default`` (the shipped world), a path to a world file relative to the
    scenario, or the world inline. Loaded worlds are embedded, so journals are self-contained."""
    leverage_every_weeks: float = Field(default=13.0, gt=0)
    """How often an indicator bound to ``leverage`` is recomputed: it is two counterfactual
    runs of the network (about 3.5 ms on the default world), so quarterly by default."""

    @field_validator("world", mode="before")
    @classmethod
    def _shipped_world(cls, value: Any) -> Any:
        if isinstance(value, str):
            if value != DEFAULT_WORLD:
                raise ValueError(f"unknown world '{value}' (expected '{DEFAULT_WORLD}', a path "
                                 "to a world file next to the scenario, or a world inline)")
            return load_world(value)
        return value


class Scenario(Model):
    """A whole scenario: the top level of a scenario file."""

    extends: str | None = None
    """Path of a base scenario (relative to this file) whose values this file overrides."""
    meta: Meta
    """Title, sources and clock."""
    teams: dict[Id, Team] = Field(min_length=1)
    """The teams, by id, each with its move catalogue."""
    indicators: dict[Id, Indicator] = {}
    """The indicators, by id."""
    injects: list[Inject] = []
    """Scripted moves and events."""
    sources: dict[Id, Source] = {}
    """Stochastic event sources, by id."""
    rules: dict[Id, Rule] = {}
    """Automated doctrine rules, by id."""
    triggers: dict[Id, Trigger] = {}
    """Threshold triggers, by id."""
    outcomes: dict[Id, Outcome] = {}
    """What to record at the end of a game, by name."""
    economy: Economy | None = None
    """The supply network (none: indicators move only by effects)."""
    flows: dict[Id, Flow] = {}
    """Rates of change of indicators, integrated every tick, by id."""
    postures: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")], Posture] = {}
    """Named policies a run may pick (``--posture NAME``), by name."""
    applied_postures: list[str] = []
    """Postures already merged into this scenario (set by ``with_postures``, not by authors)."""

    @model_validator(mode="after")
    def _references_resolve(self) -> Scenario:
        issues = list(_reference_issues(self))
        if issues:
            raise FieldIssues(issues)
        return self

    def event_kinds(self) -> set[str]:
        """Every event kind the scenario can raise, for checking what rules listen to."""
        kinds = {"turn", "override"}
        for team in self.teams.values():
            for kind, move in team.moves.items():
                kinds.add(kind)
                kinds.add(f"{kind}.announced")
                kinds.update(f"{kind}.{stage.name}" for stage in move.stages)
        kinds.update(inject.event.kind for inject in self.injects if inject.event)
        kinds.update(source.event.kind for source in self.sources.values())
        kinds.update(trigger.event.kind for trigger in self.triggers.values())
        for posture in self.postures.values():
            kinds.update(inject.event.kind for inject in posture.injects if inject.event)
        return kinds


_VALUE_FIELD: dict[type, str] = {
    SetIndicator: "value", ShiftIndicator: "by", ScaleIndicator: "factor",
    RestrictLinks: "open", SetLeakage: "share", SetCapacity: "factor", SetDemand: "factor",
}
"""The field of each effect that holds its number (or parameter reference)."""


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
            "regions": set(world.regions),
            "sectors": set(world.sectors),
        }
        fields = {"edges": "edges", "controllers": "controllers",
                  "supplier_nodes": "nodes", "supplier_regions": "regions",
                  "supplier_sectors": "sectors", "supplier_controllers": "controllers",
                  "buyer_nodes": "nodes", "buyer_regions": "regions", "buyer_sectors": "sectors"}
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
        for i, term in enumerate(formula.terms):
            for j, name in enumerate(term.of):
                yield from self.indicator((*loc, "terms", i, "of", j), name)

    def move_kinds(self, loc: Loc, team: str, kinds: Iterable[str]) -> Iterator[tuple[Loc, str]]:
        catalogue = self.s.teams[team].moves
        for j, kind in enumerate(kinds):
            if kind not in catalogue:
                yield (*loc, j), (f"unknown move '{kind}' for team '{team}' "
                                  f"(expected one of: {', '.join(catalogue) or 'none defined'})")

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
                field = _VALUE_FIELD[type(effect)]
            else:
                yield from self.indicator((*here, "indicator"), effect.indicator)
                field = _VALUE_FIELD[type(effect)]
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
            yield (*loc, "kind"), (
                f"unknown move '{kind}' for team '{team}' "
                f"(expected one of: {', '.join(catalogue) or 'none defined'})"
            )
            return
        _, problems = check_params(catalogue[kind].params, params)
        for path, message in problems:
            yield (*loc, "params", *path), message

    def event(self, loc: Loc, event: EventSpec) -> Iterator[tuple[Loc, str]]:
        if event.actor is not None:
            yield from self.team((*loc, "actor"), event.actor)
        yield from self.visibility((*loc, "visible_to"), event.visible_to)
        yield from self.effects((*loc, "effects"), event.effects, None)


def _reference_issues(s: Scenario) -> Iterator[tuple[Loc, str]]:
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
            for i, term in enumerate(indicator.formula.terms):
                for j, other in enumerate(term.of):
                    if other in derived and derived.index(other) >= derived.index(name):
                        yield ("indicators", name, "formula", "terms", i, "of", j), (
                            f"'{other}' is derived too and comes later (or is this one): "
                            "a formula may use only derived indicators defined above it")
        if indicator.economy is not None:
            if refs.network is None:
                yield ("indicators", name, "economy"), (
                    "binding to the economy needs an economy section in the scenario")
            elif indicator.economy != "leverage" and \
                    indicator.economy not in refs.network.indicator_names():
                names = ", ".join(("leverage", *refs.network.indicator_names()))
                yield ("indicators", name, "economy"), (
                    f"unknown economy indicator '{indicator.economy}' (expected one of: {names})")
        for team in indicator.intel:
            loc = ("indicators", name, "intel", team)
            if team not in s.teams:
                yield from refs.team(loc, team)
            elif indicator.visible_to != "all" and team not in indicator.visible_to:
                yield loc, f"team '{team}' cannot see this indicator (add it to visible_to)"
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
        for rule_id, rule in posture.rules.items():
            if rule is None:
                if rule_id not in s.rules and name not in s.applied_postures:
                    yield (*loc, "rules", rule_id), (
                        f"removes rule '{rule_id}', which does not exist")
                continue
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


__all__ = [
    "WHITE",
    "Condition",
    "DisableMoves",
    "Economy",
    "Effect",
    "EnableMoves",
    "EventOutcome",
    "EventSpec",
    "Flow",
    "Formula",
    "Indicator",
    "IndicatorOutcome",
    "Inject",
    "Intel",
    "Meta",
    "MoveRef",
    "MoveSpec",
    "Outcome",
    "ParamRef",
    "Posture",
    "References",
    "RestrictLinks",
    "Rule",
    "ScaleIndicator",
    "Scenario",
    "SetCapacity",
    "SetDemand",
    "SetIndicator",
    "SetLeakage",
    "ShiftIndicator",
    "Source",
    "Stage",
    "Team",
    "TeamMoveRef",
    "Term",
    "Trigger",
]
