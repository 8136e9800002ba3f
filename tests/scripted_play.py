"""A deterministic scripted player, used to play games the same way in and out of process.

Run as a script it prints one line per (scenario, seed): the sha256 of the journal. The tests
compare those lines across two fresh interpreters (with different hash seeds) and with the same
games played in the test process.
"""

from __future__ import annotations

import hashlib
import sys
from functools import cache

from wargame import Game, Scenario, load_scenario, shipped_scenarios


def default_params(option) -> dict:
    """Each parameter at its default, or its minimum, or its first choice."""
    params = {}
    for name, spec in option.params.items():
        if spec.default is not None:
            params[name] = spec.default
        elif getattr(spec, "min", None) is not None:
            params[name] = spec.min
        elif getattr(spec, "choices", None):
            params[name] = spec.choices[0]
        else:
            params[name] = False
    return params


@cache
def _scenario(scenario_name: str) -> Scenario:
    """Each scenario parsed once a process: scenarios are frozen, and parsing the library's
    1100-line base dominated a game (20 seeds x every scenario x 3 processes)."""
    return load_scenario(scenario_name)


def play(scenario_name: str, seed: int, *, human: bool = True) -> Game:
    """Play a whole game: human teams submit one legal move a turn in rotation."""
    scenario = _scenario(scenario_name)
    teams = list(scenario.teams)
    game = Game(scenario, seed=seed, human_teams=teams[:1] if human else ())
    while not game.over:
        for position, team in enumerate(teams):
            options = game.legal_moves(team)
            if options and (game.turn + position + seed) % 2 == 0:
                option = options[(game.turn + seed) % len(options)]
                game.submit({"team": team, "kind": option.kind,
                             "params": default_params(option)})
        if game.turn == 2 and seed % 3 == 0:
            first = next(iter(scenario.indicators))
            spec = scenario.indicators[first]
            value = spec.min if spec.min is not None else game.indicators()[first] * 0.9
            game.override(first, value, "scripted white-cell override")
        game.advance()
    return game


def digest(game: Game) -> str:
    return hashlib.sha256(game.journal.text().encode("utf-8")).hexdigest()


SEEDS = range(20)


def main() -> None:
    for name in shipped_scenarios():
        for seed in SEEDS:
            print(f"{name} {seed} {digest(play(name, seed))}")


if __name__ == "__main__":
    main()
    sys.stdout.flush()
