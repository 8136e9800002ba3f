"""Cost of one automated replication of each shipped scenario, the unit of work of a batch.

Run: ``python benchmarks/replication.py [--repeat R] [--only NAME]``. Prints, per shipped scenario
and for the benchmarks' reference scenario (benchmarks/reference-10y.yaml), the median CPU time
(``time.process_time``, one core) to build a game and play it to the horizon with its doctrines,
replications per second on one core, and the economy's share of that time, two ways: the CPU
time inside the economy's tick (the network's step, the readings bound to it, the leverage
counterfactuals), timed within the same replications, as a share of theirs; and the same scenario
timed again with its economy removed (no ``economy:`` section, the network's effects dropped
from every move and event, each network-bound indicator held at the value the network gives it
at week 0), on the same seeds, and the share is (with − without) ÷ with. Both variants play
the same doctrines, but the one without an economy can take other paths (its indicators no
longer move with the network), so the share is of this scenario's cost, not an exact split of
one run (the in-run tick share is); it also counts what the tick share leaves out, such as
setting up the network for each game. The reference scenario's replications per second per core
is printed against its goal (≥ 100).

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


def _time_the_economy(game: Game) -> list[float]:
    """Wrap the game's economy tick in a CPU timer; the list holds its total so far."""
    total = [0.0]
    link = game._engine.economy
    if link is None:
        return total
    step = link.step

    def timed(tick: float, ticks_done: int) -> None:
        started = time.process_time()
        step(tick, ticks_done)
        total[0] += time.process_time() - started

    link.step = timed  # type: ignore[method-assign]
    return total


def cpu_seconds(scenario: Scenario, repeat: int) -> tuple[float, float, int]:
    """Median CPU time of one replication (seeds 1..repeat, after an untimed seed 0), the median
    share of it spent in the economy's tick, and the events of the last one."""
    Game(scenario, seed=0).run()  # the scenario's template is prepared once, as in a batch
    times, shares, events = [], [], 0
    for seed in range(1, repeat + 1):
        start = time.process_time()
        game = Game(scenario, seed=seed)
        in_economy = _time_the_economy(game)
        game.run()
        times.append(time.process_time() - start)
        shares.append(in_economy[0] / times[-1])
        events = len(game.events())
    return statistics.median(times), statistics.median(shares), events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", help="one scenario (a shipped name or 'reference')")
    args = parser.parse_args()
    from wargame.economy import kernel

    kernel.warm_up()
    print(f"network step: {kernel.kernel_name()}; median CPU time of {args.repeat} replications")
    print(f"{'scenario':<32} {'weeks':>6} {'events':>7} {'ms/replication':>15} {'per s':>7} "
          f"{'tick share':>10} {'no economy ms':>14} {'with − without':>15}")
    names: list[tuple[str, str | Path]] = [(name, name) for name in shipped_scenarios()]
    names.append(("reference (benchmarks)", REFERENCE))
    reference_median = None
    for label, source in names:
        if args.only and args.only not in (label, str(source), label.split()[0]):
            continue
        scenario = load_scenario(source)
        median, tick, events = cpu_seconds(scenario, args.repeat)
        if scenario.economy is not None:
            bare, _, _ = cpu_seconds(without_economy(scenario), args.repeat)
            tick_text = f"{100 * tick:9.0f}%"
            share = f"{100 * (median - bare) / median:14.0f}%"
            bare_text = f"{bare * 1e3:14.2f}"
        else:
            tick_text, share, bare_text = f"{'-':>10}", f"{'(no economy)':>15}", f"{'-':>14}"
        print(f"{label:<32} {scenario.meta.horizon_weeks:>6g} {events:>7} "
              f"{median * 1e3:>15.2f} {1 / median:>7.1f} {tick_text} {bare_text} {share}")
        if source == REFERENCE:
            reference_median = median
    if reference_median is not None:
        per_core = 1 / reference_median
        print(f"reference scenario (10 years, weekly): {per_core:.1f} replications/s per core, "
              f"goal ≥ {GOAL_PER_CORE:.0f}: {'met' if per_core >= GOAL_PER_CORE else 'not met'} "
              f"({per_core / GOAL_PER_CORE:.2f}× the goal)")
        print("(what it exercises: python benchmarks/reference_check.py)")


if __name__ == "__main__":
    main()
