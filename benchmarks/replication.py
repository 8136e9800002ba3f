"""Cost of one automated replication of each shipped scenario, the unit of work of a batch.

Run: ``python benchmarks/replication.py [--repeat R]``. Prints, per scenario, the median CPU
time to build a game and play it to the horizon with its doctrines, replications per second on
one core, and, for scenarios with an economy, the economy's share: the CPU time inside its
tick (the network's step, the readings bound to it, the leverage counterfactuals), timed within
the same replications, as a share of theirs. Then the 10-year weekly reference scenario
(benchmarks/reference-10y.yaml) against the goal of 100 replications a second per core, and a
check that it pulls every lever its header promises.

The compiled network kernel is loaded first (``kernel.warm_up``), as a batch does: a one-game
command steps on numpy instead (``economy/kernel.py``, ``NUMPY_STEPS_FIRST``).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from pathlib import Path

from wargame import Game, Scenario, load_scenario, shipped_scenarios
from wargame.economy import kernel

REFERENCE = Path(__file__).parent / "reference-10y.yaml"
GOAL_PER_SECOND = 100
PROMISED = ("set_tariff", "cloud_cutoff", "restore_cloud", "trusted_partnership")


def median_seconds(scenario: Scenario, repeat: int) -> tuple[float, float, int]:
    """Median CPU seconds of a replication (build and play), the median share of it spent in
    the economy's tick, and the events of the last replication."""
    Game(scenario, seed=repeat).run()  # the scenario's template is prepared once, as in a batch
    times, shares, events = [], [], 0
    for seed in range(repeat):
        start = time.process_time()
        game = Game(scenario, seed=seed)
        in_economy = _time_the_economy(game)
        game.run()
        times.append(time.process_time() - start)
        shares.append(in_economy[0] / times[-1])
        events = len(game.events())
    return statistics.median(times), statistics.median(shares), events


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


def reference_mechanisms(scenario: Scenario, seeds: int) -> tuple[Counter[str], int]:
    """In how many seeds each promised move is made, and in how many every year has a scripted
    or reviewed event (an inject's or a source's)."""
    made: Counter[str] = Counter()
    every_year = 0
    years = int(scenario.meta.horizon_weeks // 52)
    for seed in range(seeds):
        game = Game(scenario, seed=seed)
        game.run()
        events = game.events()
        made.update({kind for kind in PROMISED if any(e.kind == kind for e in events)})
        covered = {int(e.week // 52) for e in events if e.cause.kind in ("inject", "source")}
        every_year += covered >= set(range(years))
    return made, every_year


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    kernel.warm_up()
    print(f"network step: {kernel.kernel_name()}; CPU time, median of {args.repeat}")
    print(f"{'scenario':<32} {'weeks':>6} {'events':>7} {'ms/replication':>15} {'per s':>7} "
          f"{'economy':>8}")
    for name in [*shipped_scenarios(), str(REFERENCE)]:
        scenario = load_scenario(name)
        seconds, in_economy, events = median_seconds(scenario, args.repeat)
        share = f"{in_economy:.0%}" if scenario.economy is not None else ""
        label = "reference-10y (benchmarks)" if name == str(REFERENCE) else name
        print(f"{label:<32} {scenario.meta.horizon_weeks:>6g} {events:>7} "
              f"{seconds * 1e3:>15.2f} {1 / seconds:>7.0f} {share:>8}")
        if name == str(REFERENCE):
            reference = seconds
    print(f"\nreference scenario: {1 / reference:.0f} replications/s per core "
          f"(goal ≥ {GOAL_PER_SECOND}: {'met' if 1 / reference >= GOAL_PER_SECOND else 'not met'},"
          f" {reference * GOAL_PER_SECOND:.1f}× the goal's time)")
    seeds = 20
    made, every_year = reference_mechanisms(load_scenario(REFERENCE), seeds)
    print(f"reference mechanisms over seeds 0-{seeds - 1}: "
          + ", ".join(f"{kind} in {made[kind]}" for kind in PROMISED)
          + f"; every year with a scripted or reviewed event in {every_year}")


if __name__ == "__main__":
    main()
