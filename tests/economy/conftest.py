"""Small worlds written inline, so each test shows the whole network it works by hand."""

from __future__ import annotations

from typing import Any

from wargame.economy.network import SupplyNetwork
from wargame.economy.spec import WorldSpec


def world(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], **sections: Any
          ) -> WorldSpec:
    """A world from plain dicts; nodes default to region ``r``, sector = id, controller ``c``."""
    full_nodes = [{"region": "r", "sector": node["id"], "controller": "c",
                   "value_added_share": 0.5, **node} for node in nodes]
    return WorldSpec.model_validate({"nodes": full_nodes, "edges": edges, **sections})


def chain(stock_weeks: float = 0.0, **sections: Any) -> SupplyNetwork:
    """Supplier ``a`` (output 8) sells 5 a week to buyer ``b`` (output 10, coefficient 0.5).

    ``a`` has final demand 3, ``b`` 10; ``b`` holds ``stock_weeks`` of ``a``'s input.
    """
    spec = world(
        [{"id": "a", "output": 8.0, "region": "us", "controller": "us",
          "value_added_share": 0.6},
         {"id": "b", "output": 10.0, "region": "china", "controller": "china"}],
        [{"supplier": "a", "buyer": "b", "coefficient": 0.5}],
        stocks=[{"edge": "a->b", "weeks": stock_weeks}],
        **sections,
    )
    return SupplyNetwork(spec)


def run(net: SupplyNetwork, weeks: int, node: str) -> list[float]:
    """Step ``weeks`` times and return ``node``'s output after each step."""
    out = []
    for _ in range(weeks):
        net.step()
        out.append(net.output()[node])
    return out
