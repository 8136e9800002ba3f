"""Compiling a scenario's effects and formulas into closures over the game's state.

Done once when a game starts, so applying an effect in the hot loop is one call, not a type
switch over pydantic models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wargame.economy.network import SupplyNetwork
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
from wargame.scenario.schema import Formula

EffectFn = Callable[[dict[str, Any] | None, str], None]
"""A compiled effect: called with the move's parameters (or None) and the causing event's id."""


def _amount(value: float | ParamRef) -> Callable[[dict[str, Any] | None], float]:
    """A number or a scaled move parameter, as a function of the move's parameters."""
    if isinstance(value, ParamRef):
        name, scale, offset = value.param, value.scale, value.offset
        return lambda params: scale * float(params[name]) + offset  # type: ignore[index]
    constant = float(value)
    return lambda _params: constant


class EffectCompiler:
    """Turns effects and formulas into closures over one game's live state."""

    def __init__(self, values: list[float], index: dict[str, int],
                 available: dict[str, dict[str, bool]], network: SupplyNetwork | None,
                 measures: dict[str, dict[int, float]],
                 set_indicator: Callable[[int, float, str | None], None]) -> None:
        """``values`` and ``available`` are the game's own (closures read and change them);
        ``set_indicator`` sets an indicator within its bounds and fires its triggers."""
        self.values = values
        self.index = index
        self.available = available
        self.network = network
        self.measures = measures
        """Per link-restricting measure, the open fraction it leaves on each edge it touches."""
        self.set_indicator = set_indicator

    def effects(self, effects: list[Effect]) -> tuple[EffectFn, ...]:
        """Turn validated effects into closures, so applying one is a call, not a type switch."""
        return tuple(self._effect(effect) for effect in effects)

    def _effect(self, effect: Effect) -> EffectFn:
        if isinstance(effect, EnableMoves | DisableMoves):
            flag = isinstance(effect, EnableMoves)
            catalogue = self.available[effect.team]
            kinds = tuple(effect.moves)

            def change_catalogue(_params: dict[str, Any] | None, _event_id: str) -> None:
                for kind in kinds:
                    catalogue[kind] = flag

            return change_catalogue
        if isinstance(effect, RestrictLinks | SetLeakage | SetCapacity | SetDemand):
            return self._economy_effect(effect)
        position = self.index[effect.indicator]
        values = self.values
        set_indicator = self.set_indicator
        if isinstance(effect, SetIndicator):
            operand, combine = effect.value, lambda old, x: x
        elif isinstance(effect, ShiftIndicator):
            operand, combine = effect.by, float.__add__
        else:
            assert isinstance(effect, ScaleIndicator)
            operand, combine = effect.factor, float.__mul__
        if isinstance(operand, ParamRef):
            name, scale, offset = operand.param, operand.scale, operand.offset

            def from_param(params: dict[str, Any] | None, event_id: str) -> None:
                x = scale * float(params[name]) + offset  # type: ignore[index]
                set_indicator(position, combine(float(values[position]), x), event_id)

            return from_param
        constant = float(operand)

        def from_constant(_params: dict[str, Any] | None, event_id: str) -> None:
            set_indicator(position, combine(float(values[position]), constant), event_id)

        return from_constant

    def _economy_effect(self, effect: RestrictLinks | SetLeakage | SetCapacity | SetDemand
                                ) -> EffectFn:
        """Effects on the supply network; numbers outside their range are clipped to it."""
        network = self.network
        assert network is not None  # the scenario's references were checked at load
        operand = {RestrictLinks: "open", SetLeakage: "share"}.get(type(effect), "factor")
        amount = _amount(getattr(effect, operand))
        if isinstance(effect, RestrictLinks):
            edges = tuple(network.select_edges(effect.select).items())
            measures = self.measures
            mine = measures.setdefault(effect.measure, {})
            on_route = (tuple(1.0 for _ in edges) if effect.route is None else
                        tuple(network.route_shares(effect.route)[position].item()
                              for _, position in edges))

            def restrict(params: dict[str, Any] | None, _event_id: str) -> None:
                fraction = min(max(amount(params), 0.0), 1.0)
                for (edge, position), share in zip(edges, on_route, strict=True):
                    mine[position] = 1.0 - share * (1.0 - fraction)
                    total = 1.0
                    for measure in measures.values():
                        total *= measure.get(position, 1.0)
                    network.set_edge_open(edge, total)

            return restrict
        if isinstance(effect, SetLeakage):
            leaky = tuple(network.select_edges(effect.select))

            def leak(params: dict[str, Any] | None, _event_id: str) -> None:
                share = min(max(amount(params), 0.0), 1.0)
                for edge in leaky:
                    network.set_leakage(edge, share)

            return leak
        nodes = tuple(effect.nodes)
        setter = (network.set_capacity_factor if isinstance(effect, SetCapacity)
                  else network.set_final_demand_factor)

        def scale_nodes(params: dict[str, Any] | None, _event_id: str) -> None:
            factor = max(amount(params), 0.0)
            for node in nodes:
                setter(node, factor)

        return scale_nodes

    def formula(self, formula: Formula) -> Callable[[], float]:
        """A sum of products of indicators (over another, if given), as a closure over the live
        values."""
        values = self.values
        terms = [(term.coef, tuple(self.index[name] for name in term.of))
                 for term in formula.terms]
        over = [(term.coef, tuple(self.index[name] for name in term.of))
                for term in formula.over]

        def total(parts: list[tuple[float, tuple[int, ...]]]) -> float:
            result = 0.0
            for coef, positions in parts:
                product = coef
                for position in positions:
                    product *= values[position]
                result += product
            return result

        if not over:
            return lambda: total(terms)

        def share() -> float:
            denominator = total(over)
            return total(terms) / denominator if denominator else 0.0

        return share
