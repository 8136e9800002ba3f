"""Play a game from Python: one team by hand, the other by its doctrine; save, replay, roll back.

What a notebook or another tool does with the engine: ``Game`` is the whole API (see
docs/engine.md). Run: ``python examples/play_from_python.py``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import wargame


def main() -> None:
    scenario = wargame.load_scenario("escalation-ladder")
    game = wargame.Game(scenario, seed=7, human_teams=["us"])

    print("US moves available now:")
    for option in game.legal_moves("us"):
        bounds = ", ".join(f"{name} ({spec.type})" for name, spec in option.params.items())
        print(f"  {option.kind:<18} lag {option.lag_weeks:g} wk  {bounds}")

    game.submit(wargame.Move(team="us", kind="tighten_controls", params={"levels": 2}))
    for _ in range(3):
        for event in game.advance():
            if event.kind != "turn":
                print(f"  week {event.week:5.2f}  {event.actor or '-':<3} {event.kind:<28} "
                      f"[{event.cause}]")

    print("What China sees:", {k: round(v, 3) for k, v in game.indicators("cn").items()})
    print("The truth:      ", {k: round(v, 3) for k, v in game.indicators().items()})

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "game.jsonl"
        game.journal.save(path)
        again = wargame.Game.replay(path)          # checks it replays byte for byte
        print("replayed identically:", again.indicators() == game.indicators())

    game.rollback(1)
    print("after rolling back to turn 1: week", game.week, "tension",
          round(game.indicators()["tension"], 3))


if __name__ == "__main__":
    main()
