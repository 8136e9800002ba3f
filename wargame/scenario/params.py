"""Typed move parameters: their specifications and the one check used at load and at submit.

The same function validates a scripted inject's parameters when the scenario loads and a player's
parameters when a move is submitted, so the two can never disagree about what is legal.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field

from wargame.limits import MAX_WHOLE_NUMBER
from wargame.text import echo_value
from wargame.validated import Model

ParamValue = bool | int | float | str
"""What a move parameter may hold once validated."""


class NumberParam(Model):
    """A real-valued parameter with optional bounds, e.g. a tariff rate in percent."""

    type: Literal["number"]
    description: str = ""
    """What the parameter means, shown to players."""
    unit: str = ""
    """Unit shown beside the value (e.g. ``%``, ``bn USD``)."""
    min: float | None = None
    """Smallest legal value (inclusive)."""
    max: float | None = None
    """Largest legal value (inclusive)."""
    default: float | None = None
    """Value used when the move omits the parameter; without one the parameter is required."""


class IntegerParam(Model):
    """A whole-number parameter with optional bounds, e.g. a control stringency level."""

    type: Literal["integer"]
    description: str = ""
    """What the parameter means, shown to players."""
    unit: str = ""
    """Unit shown beside the value."""
    min: int | None = None
    """Smallest legal value (inclusive)."""
    max: int | None = None
    """Largest legal value (inclusive)."""
    default: int | None = None
    """Value used when the move omits the parameter; without one the parameter is required."""


class ChoiceParam(Model):
    """One of a fixed list of labels, e.g. the clarity of a signal."""

    type: Literal["choice"]
    description: str = ""
    """What the parameter means, shown to players."""
    choices: list[str] = Field(min_length=1)
    """The legal labels."""
    default: str | None = None
    """Label used when the move omits the parameter; without one the parameter is required."""


class BooleanParam(Model):
    """A yes/no switch."""

    type: Literal["boolean"]
    description: str = ""
    """What the parameter means, shown to players."""
    default: bool | None = None
    """Value used when the move omits the parameter; without one the parameter is required."""


ParamSpec = Annotated[
    NumberParam | IntegerParam | ChoiceParam | BooleanParam, Field(discriminator="type")
]


def check_param(spec: ParamSpec, value: object) -> tuple[ParamValue | None, str | None]:
    """Return (normalised value, None) or (None, message saying what was expected)."""
    if isinstance(spec, BooleanParam):
        if isinstance(value, bool):
            return value, None
        return None, f"must be true or false (got {echo_value(value)})"
    if isinstance(spec, ChoiceParam):
        if isinstance(value, str) and value in spec.choices:
            return value, None
        return None, f"must be one of: {', '.join(spec.choices)} (got {echo_value(value)})"
    if isinstance(value, bool) or not isinstance(value, int | float):
        kind = "a whole number" if isinstance(spec, IntegerParam) else "a number"
        return None, f"must be {kind} (got {echo_value(value)})"
    if isinstance(spec, IntegerParam):
        if isinstance(value, float):
            if not value.is_integer():
                return None, f"must be a whole number (got {echo_value(value)})"
            value = int(value)
    else:
        try:
            value = float(value)
        except OverflowError:  # an int beyond any float: as good as infinite
            return None, f"must be a finite number (got {echo_value(value)})"
        if not math.isfinite(value):
            return None, f"must be a finite number (got {echo_value(value)})"
    if spec.min is not None and value < spec.min:
        return None, f"must be ≥ {echo_value(spec.min)} (got {echo_value(value)})"
    if spec.max is not None and value > spec.max:
        return None, f"must be ≤ {echo_value(spec.max)} (got {echo_value(value)})"
    if isinstance(value, int) and abs(value) > MAX_WHOLE_NUMBER:  # effects compute in floats
        return None, f"must be a whole number from -2**53 to 2**53 (got {echo_value(value)})"
    return value, None


def check_params(
    specs: dict[str, ParamSpec], params: object
) -> tuple[dict[str, ParamValue], list[tuple[tuple[str | int, ...], str]]]:
    """Validate a move's parameters against its specs; fill defaults; collect every problem.

    Returns the normalised parameters (in the spec's order, so journals are byte-stable) and the
    problems as (path relative to ``params``, message).
    """
    if not isinstance(params, dict):
        return {}, [((), "must be a mapping of parameter names to values "
                         f"(got {echo_value(params)})")]
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for name in params:
        if name not in specs:
            expected = (f"expected one of: {', '.join(specs)}" if specs
                        else "this move takes no parameters")
            problems.append(((str(name),), f"unknown parameter ({expected})"))
    result: dict[str, ParamValue] = {}
    for name, spec in specs.items():
        if name in params:
            value, problem = check_param(spec, params[name])
            if problem is not None:
                problems.append(((name,), problem))
            else:
                result[name] = value  # type: ignore[assignment]
        elif spec.default is not None:
            result[name] = spec.default
        else:
            problems.append(((name,), "required parameter missing"))
    return result, problems


def validate_spec_bounds(spec: ParamSpec) -> str | None:
    """Check a parameter spec is coherent (min ≤ default ≤ max); return a message or None."""
    if isinstance(spec, NumberParam | IntegerParam):
        if spec.min is not None and spec.max is not None and spec.min > spec.max:
            return f"min ({spec.min}) is greater than max ({spec.max})"
        if spec.default is not None:
            _, problem = check_param(spec, spec.default)
            if problem:
                return f"default {problem}"
    if isinstance(spec, ChoiceParam) and spec.default is not None and (
        spec.default not in spec.choices
    ):
        return f"default must be one of: {', '.join(spec.choices)} (got {spec.default!r})"
    return None
