"""What a number's source says, and whether the number agrees with it.

Two forms, nothing else (``check`` says which a source is and what is wrong with it):

- ``figure: <expression>[; comment]``: the number is the expression, evaluated on figures of the
  project's calibration file (``gdp_us_2022 / 52``, ``0.66 * foundry_market_2022``); numbers,
  ``+ - * /``, parentheses and figure ids only. It must equal the number to 0.1 %.
- ``assumption [low, high]: reason`` (optionally ``assumption [low, high] (group): reason``):
  our own choice, with the range it could plausibly take and why. The number must lie in the
  range. The group gathers assumptions a sensitivity analysis varies together.

The older form ``figure:<id>`` (the figure itself) and ``figure:<id> per week`` (divided by 52)
are read as the expressions ``<id>`` and ``<id> / 52``.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass

from wargame.calibration.figures import Figure, figures

TOLERANCE = 1e-3
"""A ``figure:`` number must equal its expression to this relative error."""

_ASSUMPTION = re.compile(
    r"^assumption\s*\[\s*(?P<low>[-+0-9.eE]+)\s*,\s*(?P<high>[-+0-9.eE]+)\s*\]"
    r"(?:\s*\((?P<group>[a-z][a-z0-9_]*)\))?\s*:\s*(?P<reason>\S.*)$", re.DOTALL)
_FIGURE = re.compile(r"^figure:\s*(?P<expr>[^;]+?)\s*(?:;\s*(?P<comment>.*))?$", re.DOTALL)
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
              ast.Div: operator.truediv}


@dataclass(frozen=True, slots=True)
class Assumption:
    low: float
    high: float
    group: str | None
    reason: str


@dataclass(frozen=True, slots=True)
class FigureSource:
    expression: str
    value: float
    cited: tuple[str, ...]
    """The figure ids the expression uses."""


class SourceError(ValueError):
    """A source that does not say where its number comes from, or disagrees with it."""


def parse(source: str, known: Mapping[str, Figure] | None = None
          ) -> Assumption | FigureSource:
    """Read a source; ``SourceError`` says what is wrong with it."""
    known = figures() if known is None else known
    text = source.strip()
    match = _ASSUMPTION.match(text)
    if match:
        low, high = float(match["low"]), float(match["high"])
        if not low <= high:
            raise SourceError(f"the range [{low:g}, {high:g}] is empty")
        return Assumption(low, high, match["group"], match["reason"])
    if text.startswith("assumption"):
        raise SourceError("an assumption gives its range: 'assumption [low, high]: reason'")
    match = _FIGURE.match(text)
    if match:
        expression = re.sub(r"^([a-z][a-z0-9_]*)\s+per week$", r"\1 / 52", match["expr"])
        value, cited = evaluate(expression, known)
        return FigureSource(expression, value, cited)
    raise SourceError("a source is 'figure: <expression>' or 'assumption [low, high]: reason'")


def evaluate(expression: str, known: Mapping[str, Figure]) -> tuple[float, tuple[str, ...]]:
    """The value of an arithmetic expression on figure ids, and the ids it used."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        raise SourceError(f"'{expression}' is not an arithmetic expression on figure ids"
                          ) from None
    cited: list[str] = []

    def value(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return value(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float) \
                and not isinstance(node.value, bool):
            return float(node.value)
        if isinstance(node, ast.Name):
            figure = known.get(node.id)
            if figure is None:
                raise SourceError(f"unknown figure '{node.id}' (not in the calibration file)")
            if figure.value is None:
                raise SourceError(f"figure '{node.id}' is not a single number "
                                  f"({figure.text!r}): use it in an assumption's reason")
            cited.append(node.id)
            return figure.value
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](value(node.left), value(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -value(node.operand)
        raise SourceError(f"'{expression}' may use only figure ids, numbers, + - * / and "
                          "parentheses")

    try:
        result = value(tree)
    except ZeroDivisionError:
        raise SourceError(f"'{expression}' divides by zero") from None
    return result, tuple(dict.fromkeys(cited))


def check(number: float, source: str, known: Mapping[str, Figure] | None = None) -> str | None:
    """None when ``number`` agrees with ``source``, else what is wrong (for a test or a
    command to print beside the number's location)."""
    try:
        parsed = parse(source, known)
    except SourceError as exc:
        return str(exc)
    if isinstance(parsed, Assumption):
        if not parsed.low <= number <= parsed.high:
            return f"{number:g} is outside its range [{parsed.low:g}, {parsed.high:g}]"
        return None
    if not math.isclose(number, parsed.value, rel_tol=TOLERANCE, abs_tol=1e-12):
        return (f"{number:g} differs from {parsed.expression} = {parsed.value:.6g} "
                f"(more than {TOLERANCE:.1%})")
    return None
