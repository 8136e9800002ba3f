"""The per-tick update of the indicators, compiled once per game into one Python function.

Every tick sets dozens of indicators: those bound to the economy, the stocks that flows
integrate, the derived formulas. Done as one ``set_indicator`` call and one formula closure per
indicator, that was about half of a replication's Python time. Here the whole update is written
out as the source of one function (each formula as arithmetic on the values list, each bound and
comparison inline, constants as literals) and compiled with ``compile``; only indicators that
triggers watch still go through ``set_indicator``, which fires them.

Same numbers and same order as the closures it replaces (``EffectCompiler.formula`` and
``Responders.set_indicator``): a formula is ``((0.0 + c₀·a·b) + c₁·c)`` as the closure's loop
adds it; an indicator is clipped to its bounds, refused when it is not finite, and left alone
(its old zero's sign kept) when the new value equals it. The source is built from validated
numbers and positions only, never from text in a scenario, and can be read with ``source``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from wargame.memo import per_object
from wargame.scenario.schema import Formula, Scenario, Term

SetIndicator = Callable[[int, float, "str | None"], None]
NotFinite = Callable[[int, float, "str | None"], None]


def _number(value: float) -> str:
    """A finite float as a literal that reads back as the same float."""
    number = float(value)
    assert math.isfinite(number), number  # scenario numbers are validated finite
    return repr(number)


Factory = Callable[[list[float], SetIndicator, NotFinite], Callable[..., None]]
"""Makes the compiled function for one game: from its values list and its setters."""


class TickCode:
    """Builds the source of a function that sets indicators, and compiles it."""

    def __init__(self, scenario: Scenario) -> None:
        indicators = scenario.indicators.values()
        self.low = [-math.inf if ind.min is None else ind.min for ind in indicators]
        self.high = [math.inf if ind.max is None else ind.max for ind in indicators]
        self.index = {name: i for i, name in enumerate(scenario.indicators)}
        self.watched = {self.index[trigger.indicator] for trigger in scenario.triggers.values()}
        """Positions that triggers watch: set through ``set_indicator``, which fires them."""
        self.lines: list[str] = []

    # ---- expressions ----------------------------------------------------------------------

    def _sum(self, terms: list[Term]) -> str:
        result = "0.0"
        for term in terms:
            product = _number(term.coef)
            for name in term.of:
                product = f"({product} * v[{self.index[name]}])"
            result = f"({result} + {product})"
        return result

    def formula(self, formula: Formula) -> str:
        """A formula as an expression on ``v`` (the values list)."""
        if not formula.over:
            return self._sum(formula.terms)
        return f"_share({self._sum(formula.terms)}, {self._sum(formula.over)})"

    # ---- statements -----------------------------------------------------------------------

    def let(self, name: str, expression: str) -> None:
        self.lines.append(f"{name} = {expression}")

    def set(self, position: int, expression: str) -> None:
        """Set indicator ``position`` to ``expression`` as ``set_indicator`` would."""
        if position in self.watched:
            self.lines.append(f"set_indicator({position}, {expression}, None)")
            return
        low, high = self.low[position], self.high[position]
        lines = [f"x = {expression}"]
        keyword = "if"
        if low > -math.inf:
            lines += [f"if x < {_number(low)}:", f"    x = {_number(low)}"]
            keyword = "elif"
        if high < math.inf:
            lines += [f"{keyword} x > {_number(high)}:", f"    x = {_number(high)}"]
            keyword = "elif"
        lines += [f"{keyword} x - x:", f"    not_finite({position}, x, None)",
                  f"if x != v[{position}]:", f"    v[{position}] = x"]
        self.lines += lines

    # ---- the function ---------------------------------------------------------------------

    def source(self, name: str, arguments: str) -> str:
        body = "\n".join("        " + line for line in self.lines) or "        pass"
        return (f"def make(v, set_indicator, not_finite):\n"
                f"    def {name}({arguments}):\n{body}\n"
                f"    return {name}\n")

    def compile(self, name: str, arguments: str) -> Factory:
        """The factory of the function: compiled once, made for each game."""
        namespace: dict[str, object] = {"_share": share}
        exec(compile(self.source(name, arguments), f"<wargame tick: {name}>", "exec"),
             namespace)
        make = namespace["make"]
        assert callable(make)
        return make


def share(numerator: float, denominator: float) -> float:
    """A formula with ``over``: the sum over the denominator, 0 when the denominator is 0."""
    return numerator / denominator if denominator else 0.0


@per_object
def update_indicators(scenario: Scenario) -> Factory:
    """The tick's flows and formulas, compiled once per scenario: ``update_indicators(tick)``.

    Explicit Euler: every rate is taken on the same state, then every stock moves; then each
    derived indicator follows its formula, in scenario order."""
    code = TickCode(scenario)
    flows = [(code.index[flow.indicator], flow.rate) for flow in scenario.flows.values()]
    for number, (_, rate) in enumerate(flows):
        code.let(f"rate_{number}", code.formula(rate))
    for number, (position, _) in enumerate(flows):
        code.set(position, f"v[{position}] + rate_{number} * tick")
    for position, indicator in enumerate(scenario.indicators.values()):
        if indicator.formula is not None:
            code.set(position, code.formula(indicator.formula))
    return code.compile("update_indicators", "tick")


def read_bindings(scenario: Scenario, bindings: list[tuple[int, int]]) -> Factory:
    """Indicators bound to the network, set from its ``indicator_list``: ``read(network)``.
    ``bindings``: (indicator position, place in the list), in the order they are set."""
    code = TickCode(scenario)
    for position, place in bindings:
        code.set(position, f"network[{place}]")
    return code.compile("read_bindings", "network")
