"""What the reference scenario (benchmarks/reference-10y.yaml) exercises, measured over seeds.

The benchmarks time this scenario as "a realistic replication", so it must do what its header
says: use every mechanism of the model (M1-M13) and have scripted events in every one of its ten
years. Prints, over N seeds (default 20, about 5 s):

- the base's injects are still the first ones of the reference (it copies them: a list under
  ``extends:`` replaces the base's);
- scripted events (injects) per year, and the years without any;
- per move of the catalogue (docs/model/mechanisms.md), the share of runs in which it takes
  effect at least once and its mean count a run; per mechanism, the share of runs in which at
  least one of its moves does;
- the promised moves (tariff, trusted partnership, direct cloud cut-off) against the goal: in
  at least three runs out of four.

Run: ``python benchmarks/reference_check.py [--seeds N]``.
"""

from __future__ import annotations

import argparse
import collections
import re
from pathlib import Path

from wargame import Game, load_scenario

HERE = Path(__file__).parent
ROOT = HERE.parent
REFERENCE = HERE / "reference-10y.yaml"
BASE = ROOT / "scenarios" / "status-quo-2022.yaml"
CATALOGUE = ROOT / "docs" / "model" / "mechanisms.md"
PROMISED = ("set_tariff", "trusted_partnership", "cloud_cutoff")
GOAL = 0.75  # "in typical runs": at least three runs out of four
# Alternatives to the base's US path (the postures' first move): a run on the path never makes them.
NOT_ON_THE_PATH = {"partial_access", "full_embargo", "lift_controls"}


def catalogue() -> dict[str, tuple[str, list[str]]]:
    """move → (team, mechanisms), from the move catalogue table of docs/model/mechanisms.md."""
    moves = {}
    for line in CATALOGUE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[1].startswith("`"):
            moves[cells[1].strip("`")] = (cells[0], re.findall(r"M\d+", cells[4]))
    return moves


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    reference, base = load_scenario(REFERENCE), load_scenario(BASE)
    copied = reference.injects[:len(base.injects)] == base.injects
    print(f"the base's {len(base.injects)} injects are the reference's first: "
          f"{'yes' if copied else 'NO (copy them again from ' + str(BASE) + ')'}")
    years = int(reference.meta.horizon_weeks // 52)
    per_year = collections.Counter(min(int(i.at_week // 52), years - 1) for i in reference.injects)
    empty = [year + 1 for year in range(years) if not per_year[year]]
    print(f"injects per year (1-{years}): {[per_year[y] for y in range(years)]}; "
          f"years without one: {empty or 'none'} (goal: none)")

    moves = catalogue()
    runs_with: collections.Counter[str] = collections.Counter()
    total: collections.Counter[str] = collections.Counter()
    for seed in range(args.seeds):
        game = Game(reference, seed=seed)
        game.run()
        kinds = collections.Counter(event.kind for event in game.events() if event.kind in moves)
        total.update(kinds)
        runs_with.update(kinds.keys())
    n = args.seeds
    print(f"\nmoves taking effect, over {n} seeds (share of runs · mean count a run):")
    for move, (team, mechanisms) in moves.items():
        note = "  (an alternative path, not the base's)" if move in NOT_ON_THE_PATH else ""
        print(f"  {team:<9} {move:<28} {','.join(mechanisms):<8} {runs_with[move] / n:>5.0%} · "
              f"{total[move] / n:5.2f}{note}")
    print("\nmechanisms (share of runs with at least one of their moves):")
    mechanisms = sorted({m for _, ms in moves.values() for m in ms}, key=lambda m: int(m[1:]))
    line = []
    for mechanism in mechanisms:
        mine = [move for move, (_, ms) in moves.items() if mechanism in ms]
        shares = [runs_with[move] for move in mine if move not in NOT_ON_THE_PATH]
        line.append(f"{mechanism} {max(shares, default=0) / n:.0%}")
    print("  " + " · ".join(line))
    never = [move for move in moves if not runs_with[move] and move not in NOT_ON_THE_PATH]
    print(f"  moves of the path never taken in {n} runs: {', '.join(never) or 'none'}")
    print(f"\npromised moves (goal: in ≥ {GOAL:.0%} of runs):")
    for move in PROMISED:
        share = runs_with[move] / n
        print(f"  {move:<22} {share:>5.0%}  {'ok' if share >= GOAL else 'BELOW GOAL'}")


if __name__ == "__main__":
    main()
