"""One 10-year weekly replication on a 2,000-node user network (goal ≤ 100 ms).

Builds a world of ``--nodes`` country-sectors in six regions (five suppliers each, about 10,000
edges, a hundred substitution rules, every seventeenth node pooling its inputs) through the
public ``WorldSpec`` and a scenario that closes US-controlled links into China in week 10 and
reads leverage yearly, then times replications (CPU time, the compiled kernel loaded first, as in
a batch) and prints the cost of one network step and one leverage reading beside it, and what
they come to in a replication (measured in the same run).

Run: ``python benchmarks/large_network.py [--nodes N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

from wargame import Game, Scenario
from wargame.economy import kernel

REGIONS = ("us", "china", "taiwan", "japan", "eu", "row")
GOAL_MS = 100.0
CUT_WEEK = 10


def world(nodes: int, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)
    node_list = [{"id": f"n{i}", "region": REGIONS[i % len(REGIONS)], "sector": f"s{i % 50}",
                  "controller": REGIONS[i % len(REGIONS)], "output": 10.0,
                  "value_added_share": 0.5, **({"inputs": "pool"} if i % 17 == 0 else {})}
                 for i in range(nodes)]
    links: list[tuple[int, int]] = []
    seen = set()
    for buyer in range(nodes):
        for _ in range(5):
            supplier = rng.randrange(nodes)
            if supplier != buyer and (supplier, buyer) not in seen:
                seen.add((supplier, buyer))
                links.append((supplier, buyer))
    edges = [{"supplier": f"n{s}", "buyer": f"n{b}", "coefficient": 0.04,
              "essential": 0.8 if b % 3 else 1.0} for s, b in links]
    substitutes = [{"edge": f"n{s}->n{b}", "by": f"n{(s + 1) % nodes}", "cap": 0.5,
                    "ramp_weeks": 20}
                   for s, b in links[::max(1, len(links) // 100)] if (s + 1) % nodes != b]
    gdp = nodes / len(REGIONS) * 10.0 * 0.5 * 52
    return {"regions": [{"id": region, "gdp": gdp} for region in REGIONS],
            "nodes": node_list, "edges": edges, "substitutes": substitutes,
            "indicators": [{"name": "cn_out", "kind": "output",
                            "nodes": [f"n{i}" for i in range(1, nodes, len(REGIONS))]}],
            "parameters": {"leverage_region": "china", "leverage_controllers": ["us"]}}


def scenario(nodes: int) -> Scenario:
    cut = {"op": "restrict_links", "measure": "cut", "open": 0.2,
           "select": {"controllers": ["us"], "buyer_regions": ["china"]}}
    return Scenario.model_validate({
        "meta": {"name": f"{nodes}-node benchmark", "start": "2025-01-06", "horizon_weeks": 520,
                 "turn_weeks": 13, "tick_weeks": 1},
        "teams": {"us": {"name": "US", "moves": {"cut": {"effects": [cut]}}}},
        "indicators": {"cn_out": {"initial": 1.0, "economy": "cn_out"},
                       "leverage": {"initial": 0.0, "economy": "leverage_index"},
                       "lost": {"initial": 0.0, "economy": "va_lost_china"}},
        "injects": [{"at_week": CUT_WEEK, "move": {"team": "us", "kind": "cut"}}],
        "economy": {"world": world(nodes), "leverage_every_weeks": 52},
        "outcomes": {"final_out": {"indicator": "cn_out", "stat": "final"}},
    })


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    kernel.warm_up()
    built = time.perf_counter()
    game_scenario = scenario(args.nodes)
    first = Game(game_scenario, seed=0).economy
    assert first is not None
    print(f"world of {args.nodes} nodes, {len(first.edge_ids)} edges "
          f"({kernel.kernel_name()}): scenario validated and first game built in "
          f"{time.perf_counter() - built:.2f} s (once per scenario)")
    times = []
    for seed in range(args.repeat):
        started = time.process_time()
        Game(game_scenario, seed=seed).run()
        times.append(time.process_time() - started)
    network = Game(game_scenario, seed=0).economy
    assert network is not None
    network.set_edges_open({"controllers": ["us"], "buyer_regions": ["china"]}, 0.2)
    started = time.process_time()
    for _ in range(100):
        network.step()
    step = (time.process_time() - started) / 100
    readings = []
    for _ in range(9):
        started = time.process_time()
        network.leverage()
        readings.append(time.process_time() - started)
    leverage = statistics.median(readings)
    median = statistics.median(times) * 1e3
    print(f"one replication, 10 years weekly: {median:.0f} ms CPU, median of {args.repeat} "
          f"(goal ≤ {GOAL_MS:.0f} ms: {'met' if median <= GOAL_MS else 'not met'})")
    print(f"one network step: {step * 1e6:.0f} µs; one leverage reading (two 26-week paths): "
          f"{leverage * 1e3:.1f} ms, median of {len(readings)}")
    meta = game_scenario.meta
    assert game_scenario.economy is not None
    moved = int(meta.horizon_weeks) - CUT_WEEK + 1  # steps once the cut has moved the network
    every = game_scenario.economy.leverage_every_weeks
    count = int(meta.horizon_weeks // every)
    steps_ms, leverage_ms = moved * step * 1e3, count * leverage * 1e3
    print(f"of a replication: {moved} steps ≈ {steps_ms:.0f} ms, {count} leverage readings ≈ "
          f"{leverage_ms:.0f} ms, the rest (the game's Python, indicator readings, building "
          f"the game) ≈ {median - steps_ms - leverage_ms:.0f} ms")

if __name__ == "__main__":
    main()
