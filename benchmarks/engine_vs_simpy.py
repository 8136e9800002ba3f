"""Engine overhead per event, measured against bare SimPy doing the same event schedule.

Both sides run the same processes: ``SOURCES`` Poisson sources, each drawing its gaps from its own
buffered stream (the engine's ``Stream``), over the same horizon, so they process the same events
at the same times. Bare SimPy records each event as a tuple in a list; the engine does what it
does for every event: builds the event with its cause, journals it, applies its effect (an
indicator shift, with a threshold trigger watching), and looks for doctrine rules listening.

Run: ``python benchmarks/engine_vs_simpy.py [--weeks N] [--repeat R]``. Prints events/s for both
and the ratio of time per event (engine ÷ bare SimPy). The goal for later issues is ≤ 1.5.
"""

from __future__ import annotations

import argparse
import statistics
import time

import simpy

from wargame import Game, Scenario
from wargame.engine.rng import RandomStreams

SOURCES = 10
RATE_PER_WEEK = 5.0


def scenario(weeks: float, effects: bool = True) -> Scenario:
    return Scenario.model_validate({
        "meta": {"name": "benchmark", "start": "2025-01-06", "horizon_weeks": weeks,
                 "turn_weeks": 52, "tick_weeks": 1},
        "teams": {"us": {"name": "US", "moves": {"respond": {}}}},
        "indicators": {"level": {"initial": 0.0, "min": -1e9, "max": 1e9}},
        "sources": {
            f"s{i}": {"rate_per_week": RATE_PER_WEEK,
                      "event": {"kind": f"k{i}", "effects": [
                          {"op": "shift", "indicator": "level", "by": 0.001}] if effects else []}}
            for i in range(SOURCES)
        },
        "triggers": {"high": {"indicator": "level", "op": ">=", "value": 1e8,
                              "event": {"kind": "high"}}},
        "rules": {"never": {"team": "us", "on": "high", "move": {"kind": "respond"}}},
    })


def run_engine(weeks: float, seed: int, effects: bool = True) -> tuple[float, int]:
    game = Game(scenario(weeks, effects), seed=seed)
    start = time.perf_counter()
    game.run()
    elapsed = time.perf_counter() - start
    return elapsed, sum(1 for e in game.events() if e.kind.startswith("k"))


def run_bare(weeks: float, seed: int) -> tuple[float, int]:
    env = simpy.Environment()
    streams = RandomStreams(seed)
    log: list[tuple[float, str]] = []

    def source(name: str, stream) -> object:
        mean_gap = 1.0 / RATE_PER_WEEK
        while True:
            yield env.timeout(stream.exponential(mean_gap))
            log.append((env.now, name))

    def ticker() -> object:
        while True:
            yield env.timeout(1.0)

    for i in range(SOURCES):
        env.process(source(f"k{i}", streams.stream(f"s{i}")))
    env.process(ticker())
    start = time.perf_counter()
    turn = 52.0
    while env.now < weeks:  # the same turn boundaries as the engine
        env.run(until=min(env.now + turn, weeks))
    return time.perf_counter() - start, len(log)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--weeks", type=float, default=2000.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine_times, plain_times, bare_times = [], [], []
    for seed in range(args.repeat):
        engine_time, engine_events = run_engine(args.weeks, seed)
        plain_time, plain_events = run_engine(args.weeks, seed, effects=False)
        bare_time, bare_events = run_bare(args.weeks, seed)
        assert engine_events == plain_events == bare_events, (engine_events, bare_events)
        engine_times.append(engine_time / engine_events)
        plain_times.append(plain_time / plain_events)
        bare_times.append(bare_time / bare_events)
    engine = statistics.median(engine_times)
    plain = statistics.median(plain_times)
    bare = statistics.median(bare_times)
    print(f"events per run: {engine_events} ({SOURCES} Poisson sources, {args.weeks:g} weeks), "
          f"median of {args.repeat}")
    print(f"bare SimPy : {1 / bare:12,.0f} events/s  ({bare * 1e6:.2f} µs/event)")
    print(f"engine     : {1 / engine:12,.0f} events/s  ({engine * 1e6:.2f} µs/event)"
          "  with an effect and a watching trigger per event")
    print(f"engine     : {1 / plain:12,.0f} events/s  ({plain * 1e6:.2f} µs/event)"
          "  events only (journalled, rules looked up)")
    print(f"ratio      : {engine / bare:.2f}× bare SimPy per event with effects, "
          f"{plain / bare:.2f}× events only (goal ≤ 1.5)")


if __name__ == "__main__":
    main()
