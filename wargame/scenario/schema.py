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
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from wargame.economy.spec import DEFAULT_WORLD, WorldSpec, load_world
from wargame.limits import (
    MAX_HORIZON_WEEKS,
    MAX_SOURCE_EVENTS,
    MAX_SOURCE_RATE,
    MAX_TICKS,
    MAX_TURNS,
)
from wargame.scenario.conditions import Condition
from wargame.scenario.effects import (
    DisableMoves,
    Effect,
    EnableMoves,
    ParamRef,
    RestrictLinks,
    ScaleIndicator,
    SetCapacity,
    SetDemand,
    SetIndicator,
    SetLeakage,
    ShiftIndicator,
)
from wargame.scenario.outcomes import EventOutcome, IndicatorOutcome, Outcome
from wargame.scenario.params import ParamSpec
from wargame.scenario.references import reference_issues
from wargame.scenario.types import EventKind, Id, Visibility
from wargame.validated import WHITE, FieldIssues, Model


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
    horizon_weeks: float = Field(gt=0, le=MAX_HORIZON_WEEKS)
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
        problems: list[tuple[tuple[str | int, ...], str]] = []
        for field, count, most in (("tick_weeks", "ticks", MAX_TICKS),
                                   ("turn_weeks", "turns", MAX_TURNS)):
            step = getattr(self, field)
            if self.horizon_weeks / step > most:
                problems.append(((field,), (
                    f"must be ≥ {self.horizon_weeks / most:.3g} weeks: a game has at most "
                    f"{most} {count} (got {step:g}, which makes "
                    f"{self.horizon_weeks / step:.3g} over {self.horizon_weeks:g} weeks)")))
        if problems:
            raise FieldIssues(problems)
        return self


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
    """A sum of products of indicators, e.g. expected cost = leverage × credibility − resolve,
    optionally divided by another such sum (``over``).

    Data, not code: a list of terms, each a coefficient times a product of indicators.
    """

    terms: list[Term] = Field(min_length=1)
    """The terms summed."""
    over: list[Term] = []
    """Terms summed into a denominator the sum is divided by (a share: China's tool purchases
    over the world's); a denominator of 0 gives 0."""


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
    """Bind to one of the economy's indicators (or ``leverage``, or ``leverage_index``: the
    leverage as a multiple of its value at the start): its value is then set every tick from
    the supply network, starting from the network's own value."""
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
    rate_per_week: float = Field(gt=0, le=MAX_SOURCE_RATE)
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
    apply_postures: list[str] = []
    """Postures of this scenario to apply when it is loaded, as ``--posture`` would: how a
    variant says "the base, played with this policy" without restating the policy's rules."""
    applied_postures: list[str] = []
    """Postures already merged into this scenario (set by ``with_postures``, not by authors)."""

    @model_validator(mode="after")
    def _sources_are_bounded(self) -> Scenario:
        """Random sources may not ask for more events than a game can hold (``wargame.limits``)."""
        rate = sum(source.rate_per_week for source in self.sources.values())
        if rate > MAX_SOURCE_RATE:
            raise FieldIssues([(("sources",), (
                f"all sources together may raise at most {MAX_SOURCE_RATE:g} events a week "
                f"(got {rate:.6g})"))])
        if rate * self.meta.horizon_weeks > MAX_SOURCE_EVENTS:
            raise FieldIssues([(("sources",), (
                f"all sources together may raise at most {MAX_SOURCE_EVENTS} events over the "
                f"horizon (got {rate:.6g} a week × {self.meta.horizon_weeks:g} weeks = "
                f"{rate * self.meta.horizon_weeks:.6g})"))])
        return self

    @model_validator(mode="after")
    def _references_resolve(self) -> Scenario:
        issues = list(reference_issues(self))
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
