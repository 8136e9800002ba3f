"""Your own input-output table through the static analysis and the dynamic propagator.

1. Static: a three-sector table (inter-industry flows Z and gross output x, as a CSV with sector
   labels) loaded with ``wargame.economy.static``: Leontief and Ghosh multipliers, and what a fall
   in final demand for electronics does to every sector.
2. Dynamic: the same sectors as a small world for the supply network (``SupplyNetwork``): cut the
   chips supplier, step week by week, and watch electronics output hold on its stocks, fall, then
   partly recover as a substitute supplier ramps up to its cap.

Run: ``python examples/custom_io_table.py``. ``wargame shock TABLE --demand ...`` does step 1 from
the command line.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from wargame.economy import SupplyNetwork, WorldSpec
from wargame.economy.static import (
    demand_effect,
    ghosh_multipliers,
    load_table,
    output_multipliers,
)

TABLE = """\
sector,materials,chips,electronics,x
materials,10,20,10,100
chips,5,10,40,120
electronics,5,5,20,200
"""


def static_analysis(folder: Path) -> None:
    path = folder / "table.csv"
    path.write_text(TABLE, encoding="utf-8")
    table = load_table(path)
    print("sectors:", ", ".join(table.labels))
    print("Leontief output multipliers:", np.round(output_multipliers(table), 3).tolist())
    print("Ghosh multipliers:          ", np.round(ghosh_multipliers(table), 3).tolist())
    shock = np.zeros(len(table.labels))
    shock[table.index("electronics")] = -10.0          # final demand for electronics falls by 10
    effect = demand_effect(table, shock)
    for label, change in zip(table.labels, effect, strict=True):
        print(f"  output of {label:<12} changes by {change:8.3f}")


def dynamic_propagation() -> None:
    world = WorldSpec.model_validate({
        "name": "Three sectors and a substitute chip maker",
        "nodes": [
            {"id": "materials", "region": "home", "sector": "materials", "controller": "home",
             "output": 100, "value_added_share": 0.6},
            {"id": "chips", "region": "abroad", "sector": "chips", "controller": "abroad",
             "output": 120, "value_added_share": 0.5},
            {"id": "chips_alt", "region": "home", "sector": "chips", "controller": "home",
             "output": 30, "capacity": 60, "value_added_share": 0.5},  # room to grow
            {"id": "electronics", "region": "home", "sector": "electronics",
             "controller": "home", "output": 200, "value_added_share": 0.4},
        ],
        "edges": [
            {"supplier": "materials", "buyer": "chips", "coefficient": 0.1667},
            {"supplier": "chips", "buyer": "electronics", "coefficient": 0.2},
            {"supplier": "materials", "buyer": "electronics", "coefficient": 0.05},
        ],
        "stocks": [{"edge": "chips->electronics", "weeks": 3}],
        "substitutes": [{"edge": "chips->electronics", "by": "chips_alt", "cap": 0.5,
                         "ramp_weeks": 6}],
    })
    network = SupplyNetwork(world)
    network.set_edges_open(["chips->electronics"], 0.0)   # an embargo on imported chips
    print("week  electronics output (of 200)")
    for week in range(1, 13):
        network.step()
        print(f"{week:4d}  {network.output()['electronics']:8.2f}")
    lost = network.losses_by_region(cumulative=True)
    print("value added lost by region:", {region: round(value, 2)
                                           for region, value in sorted(lost.items())})


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        static_analysis(Path(folder))
    dynamic_propagation()


if __name__ == "__main__":
    main()
