"""Economic shock propagation: the supply network stepped each tick, and static IO analysis.

::

    world = load_world("default")          # or a path to a world YAML file
    net = SupplyNetwork(world)
    net.set_edges_open({"controllers": ["us"], "buyer_regions": ["china"]}, 0.0)
    net.step()
    net.indicator_values()                 # {"cn_ai_compute": 0.98, ...}

``wargame.economy.static`` holds the Leontief/Ghosh analysis of any input-output table, and
``wargame.economy.cli`` the ``wargame shock`` subcommand.
"""

from wargame.economy.network import SupplyNetwork
from wargame.economy.spec import (
    EdgeSelector,
    WorldSpec,
    load_world,
    world_numbers,
    world_sources,
)

__all__ = ["EdgeSelector", "SupplyNetwork", "WorldSpec", "load_world", "world_numbers",
           "world_sources"]
