"""Effects: what an event changes — indicators, the move catalogue, the supply network.

A tagged union on ``op``. Numbers may be taken from the move that carries the effect
(``{param: levels, scale: 0.2}``), so one catalogue entry serves every parameter value.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Discriminator, Field, Tag

from wargame.economy.spec import EdgeSelector
from wargame.scenario.types import Id, by_python_type
from wargame.validated import Model


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
    Discriminator(by_python_type("number", "param_ref")),
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
    route: Id | None = None
    """A shipping route (``taiwan_strait``): the measure then closes only the share of each
    link's flow that takes the route, so a link's open fraction under it is
    ``1 − share × (1 − open)`` (trade that can reroute or does not pass is untouched)."""


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


VALUE_FIELD: dict[type, str] = {
    SetIndicator: "value", ShiftIndicator: "by", ScaleIndicator: "factor",
    RestrictLinks: "open", SetLeakage: "share", SetCapacity: "factor", SetDemand: "factor",
}
"""The field of each effect that holds its number (or parameter reference)."""
