"""A doctrine written in Python, against the scenario's own doctrines, on the same seeds.

The scenario's doctrine rules are data; a research question sometimes needs a policy that reads
the situation and decides in code. Here both teams are "human" (their rules off) and two Python
functions play them turn by turn through the public API, reading only what their team may see.
Run: ``python examples/custom_doctrine.py``.
"""

from __future__ import annotations

import statistics

import wargame

SEEDS = range(20)


def cautious_us(game: wargame.Game) -> None:
    """Tighten one level at a time, and only while tension (as the US sees it) stays low."""
    seen = game.indicators("us")
    legal = {option.kind for option in game.legal_moves("us")}
    if seen["tension"] < 0.5 and seen["control_stringency"] < 0.6 and "tighten_controls" in legal:
        game.submit({"team": "us", "kind": "tighten_controls", "params": {"levels": 1}})
    elif seen["tension"] >= 0.7 and "signal_resolve" in legal:
        game.submit({"team": "us", "kind": "signal_resolve", "params": {"clarity": "clear"}})


def tit_for_tat_cn(game: wargame.Game) -> None:
    """Retaliate in proportion to the controls China can see, never at full strength."""
    seen = game.indicators("cn")
    legal = {option.kind for option in game.legal_moves("cn")}  # retaliation has limited uses
    if seen["control_stringency"] > 0.3 and "retaliate" in legal:
        severity = min(0.8, seen["control_stringency"])
        game.submit({"team": "cn", "kind": "retaliate", "params": {"severity": severity}})


def play(scenario: wargame.Scenario, seed: int, python_policies: bool) -> dict:
    humans = ["us", "cn"] if python_policies else []
    game = wargame.Game(scenario, seed=seed, human_teams=humans)
    while not game.over:
        if python_policies:
            cautious_us(game)
            tit_for_tat_cn(game)
        game.advance()
    return game.outcomes()


def main() -> None:
    scenario = wargame.load_scenario("escalation-ladder")
    for label, python_policies in (("scenario doctrines", False), ("Python policies", True)):
        runs = [play(scenario, seed, python_policies) for seed in SEEDS]
        tension = statistics.fmean(run["peak_tension"] for run in runs)
        crises = statistics.fmean(run["crises"] for run in runs)
        openness = statistics.fmean(run["mean_openness"] for run in runs)
        print(f"{label:<20} peak tension {tension:.3f}  crises {crises:.2f}  "
              f"mean openness {openness:.3f}  ({len(runs)} seeds)")


if __name__ == "__main__":
    main()
