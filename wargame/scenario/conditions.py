"""Conditions as data: comparisons of indicators, combined with all/any/not.

A scenario never contains Python. A condition is a small tree that the loader validates and the
engine compiles once into a closure over the indicator values, so evaluating it in the hot loop is
a few Python comparisons, not a tree walk.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from wargame.validated import Model

Comparator = Literal["<", "<=", ">", ">=", "==", "!="]

COMPARATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}


class Compare(Model):
    """True when an indicator compares with a fixed value, e.g. ``tension >= 0.7``."""

    indicator: str
    """The indicator's id."""
    op: Comparator
    """How to compare: one of <, <=, >, >=, ==, !=."""
    value: float
    """The value compared against, in the indicator's unit."""


class AllOf(Model):
    """True when every condition in the list holds (an empty list holds)."""

    all: list[Condition]
    """The conditions that must all hold."""


class AnyOf(Model):
    """True when at least one condition in the list holds (an empty list does not)."""

    any: list[Condition]
    """The conditions of which one must hold."""


class NotOf(Model):
    """True when the inner condition does not hold."""

    not_: Condition = Field(alias="not")
    """The condition negated."""


def _condition_tag(value: Any) -> str | None:
    """Pick the condition class from the keys present, so YAML stays terse (no ``kind:``)."""
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return f"{key}_of"
        return "compare"
    for key, cls in (("all_of", AllOf), ("any_of", AnyOf), ("not_of", NotOf), ("compare", Compare)):
        if isinstance(value, cls):
            return key
    return None


Condition = Annotated[
    Annotated[Compare, Tag("compare")]
    | Annotated[AllOf, Tag("all_of")]
    | Annotated[AnyOf, Tag("any_of")]
    | Annotated[NotOf, Tag("not_of")],
    Discriminator(
        _condition_tag,
        custom_error_type="condition",
        custom_error_message="must be a condition: {indicator, op, value}, {all: [...]}, "
        "{any: [...]} or {not: ...}",
    ),
]

AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


def condition_indicators(condition: Condition) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yield (relative field path, indicator id) for every indicator a condition reads."""
    if isinstance(condition, Compare):
        yield ("indicator",), condition.indicator
    elif isinstance(condition, AllOf | AnyOf):
        key = "all" if isinstance(condition, AllOf) else "any"
        items = condition.all if isinstance(condition, AllOf) else condition.any
        for i, inner in enumerate(items):
            for path, name in condition_indicators(inner):
                yield (key, i, *path), name
    elif isinstance(condition, NotOf):
        for path, name in condition_indicators(condition.not_):
            yield ("not", *path), name


Predicate = Callable[[], bool]


def compile_condition(condition: Condition | None, index: dict[str, int],
                      values: Sequence[float],
                      readings: Mapping[int, Sequence[float]] | None = None) -> Predicate:
    """Turn a validated condition into a closure reading ``values`` (a list the engine mutates).

    ``index`` maps indicator ids to positions in ``values``. ``readings`` maps a position to
    another list to read it from instead: a team's lagged, noisy reading of that indicator, so a
    doctrine decides on what its team sees. References were checked at load, so a missing id here
    is an engine bug and raises ``KeyError``.
    """
    if condition is None:
        return lambda: True
    if isinstance(condition, Compare):
        position = index[condition.indicator]
        source = (readings or {}).get(position, values)
        compare = COMPARATORS[condition.op]
        threshold = condition.value
        return lambda: compare(source[position], threshold)
    if isinstance(condition, AllOf):
        parts = [compile_condition(c, index, values, readings) for c in condition.all]
        return lambda: all(part() for part in parts)
    if isinstance(condition, AnyOf):
        parts = [compile_condition(c, index, values, readings) for c in condition.any]
        return lambda: any(part() for part in parts)
    inner = compile_condition(condition.not_, index, values, readings)
    return lambda: not inner()
