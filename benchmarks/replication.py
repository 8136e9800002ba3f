"""Cost of one automated replication of each shipped scenario, the unit of work of a batch.

Run: ``python benchmarks/replication.py [--repeat R]``. Prints, per scenario, the median time
to build a game and play it to the horizon with its doctrines, and replications per second on
one core. The economy's share is the difference between a scenario with and without one.
"""

from __future__ import annotations

import argparse
import statistics
import time

from wargame import Game, load_scenario, shipped_scenarios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"{'scenario':<32} {'weeks':>6} {'events':>7} {'ms/replication':>15} {'per s':>7}")
    for name in shipped_scenarios():
        scenario = load_scenario(name)
        times, events = [], 0
        for seed in range(args.repeat):
            start = time.perf_counter()
            game = Game(scenario, seed=seed)
            game.run()
            times.append(time.perf_counter() - start)
            events = len(game.events())
        median = statistics.median(times)
        print(f"{name:<32} {scenario.meta.horizon_weeks:>6g} {events:>7} "
              f"{median * 1e3:>15.2f} {1 / median:>7.0f}")


if __name__ == "__main__":
    main()
