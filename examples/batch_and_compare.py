"""A batch and a comparison: does a less aggressive Chinese patrol doctrine lower tension?

Two batches of the worked example on the same seed (common random numbers), one with the patrol
rule's probability lowered through an override, then a paired comparison with 95% CIs.
Run: ``python examples/batch_and_compare.py`` (a few seconds; ``jobs=2`` or more parallelises
with identical results).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import wargame
from wargame.montecarlo.analysis import compare


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        base = wargame.monte_carlo("escalation-ladder", runs=60, seed=1, jobs=1,
                                   out=out / "base", progress=False)
        calmer = wargame.monte_carlo("escalation-ladder", runs=60, seed=1, jobs=1,
                                     out=out / "calmer", progress=False,
                                     overrides={"rules.cn_patrols.probability": 0.2})
        for row in base.summary():
            print(f"{row.outcome:<14} mean {row.mean:7.3f}  95% CI [{row.ci_low:.3f}, "
                  f"{row.ci_high:.3f}]  (n={row.n})")
        print("calmer patrols, against the base (paired by replication):")
        for row in compare([base, calmer]):
            print(f"  {row.outcome:<14} {row.difference:+.4f}  95% CI [{row.ci_low:+.4f}, "
                  f"{row.ci_high:+.4f}]")


if __name__ == "__main__":
    main()
