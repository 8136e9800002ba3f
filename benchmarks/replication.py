"""Cost of one automated replication of each shipped scenario, the unit of work of a batch.

Run: ``python benchmarks/replication.py [--repeat R] [--only NAME]``. Prints, per shipped scenario
and for the benchmarks' reference scenario (benchmarks/reference-10y.yaml), the median CPU time
(``time.process_time``, one core) to build a game and play it to the horizon with its doctrines,
replications per second on one core, and the economy's share of that time: the same scenario is
timed again with its economy removed (no ``economy:`` section, the network's effects dropped
from every move and event, each network-bound indicator held at the value the network gives it
at week 0), on the same seeds, and the share is (with − without) ÷ with. Both variants play
the same doctrines, but the one without an economy can take other paths (its indicators no
longer move with the network), so the share is of this scenario's cost, not an exact split of
one run. The reference scenario's replications per second per core is printed against its goal
(≥ 100).

The compiled network kernel is loaded first (``kernel.warm_up``), as a batch worker does, so
no replication pays for it; the first replication of each variant is not timed.
About 40 s at the default 20 repeats.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import time
from pathlib import Path
from typing import Any

from wargame import Game, Scenario, load_scenario, shipped_scenarios
from wargame.scenario.hashing import scenario_dump

REFERENCE = Path(__file__).parent / "reference-10y.yaml"
GOAL_PER_CORE = 100.0
NETWORK_OPS = {"restrict_links", "set_leakage", "set_capacity", "set_demand"}


def _drop_network_effects(node: Any) -> Any:
    """The data with every effect that acts on the supply network removed, wherever it is."""
    if isinstance(node, dict):
        return {key: _drop_network_effects(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_drop_network_effects(item) for item in node
                if not (isinstance(item, dict) and item.get("op") in NETWORK_OPS)]
    return node


def without_economy(scenario: Scenario) -> Scenario:
    """The scenario with no supply network: its bound indicators held at their week-0 values."""
    start = Game(scenario, seed=0).indicators()  # the network's values at week 0
    data = _drop_network_effects(copy.deepcopy(scenario_dump(scenario)))
    data["economy"] = None
    for name, indicator in data["indicators"].items():
        if indicator.get("economy") is not None:
            indicator["economy"] = None
            value = float(start[name])
            if indicator.get("min") is not None:
                value = max(value, indicator["min"])
            if indicator.get("max") is not None:
                value = min(value, indicator["max"])
            indicator["initial"] = value
    data["applied_postures"] = []  # their rules and injects are already merged in the dump
    data["apply_postures"] = []
    return Scenario.model_validate(data)


def cpu_seconds(scenario: Scenario, repeat: int) -> tuple[float, int]:
    """Median CPU time of one replication (seeds 1..repeat, after an untimed seed 0) and the
    events of the last one."""
    Game(scenario, seed=0).run()
    times, events = [], 0
    for seed in range(1, repeat + 1):
        start = time.process_time()
        game = Game(scenario, seed=seed)
        game.run()
        times.append(time.process_time() - start)
        events = len(game.events())
    return statistics.median(times), events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", help="one scenario (a shipped name or 'reference')")
    args = parser.parse_args()
    from wargame.economy import kernel

    kernel.warm_up()
    print(f"network step: {kernel.kernel_name()}; median CPU time of {args.repeat} replications")
    print(f"{'scenario':<32} {'weeks':>6} {'events':>7} {'ms/replication':>15} {'per s':>7} "
          f"{'no economy ms':>14} {'economy share':>14}")
    names: list[tuple[str, str | Path]] = [(name, name) for name in shipped_scenarios()]
    names.append(("reference (benchmarks)", REFERENCE))
    reference_median = None
    for label, source in names:
        if args.only and args.only not in (label, str(source), label.split()[0]):
            continue
        scenario = load_scenario(source)
        median, events = cpu_seconds(scenario, args.repeat)
        if scenario.economy is not None:
            bare, _ = cpu_seconds(without_economy(scenario), args.repeat)
            share = f"{100 * (median - bare) / median:13.0f}%"
            bare_text = f"{bare * 1e3:14.2f}"
        else:
            share, bare_text = f"{'(none)':>14}", f"{'-':>14}"
        print(f"{label:<32} {scenario.meta.horizon_weeks:>6g} {events:>7} "
              f"{median * 1e3:>15.2f} {1 / median:>7.1f} {bare_text} {share}")
        if source == REFERENCE:
            reference_median = median
    if reference_median is not None:
        per_core = 1 / reference_median
        print(f"reference scenario (10 years, weekly): {per_core:.1f} replications/s per core, "
              f"goal ≥ {GOAL_PER_CORE:.0f} ({per_core / GOAL_PER_CORE:.2f}× the goal)")


if __name__ == "__main__":
    main()
