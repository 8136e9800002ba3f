"""How long the UI waits for a turn: from its call to advance to the new snapshot on screen.

Drives the real app headless (Textual's Pilot) on the default scenario (status-quo-2022, the US
seat played by people, the others by doctrine): each sample is the white cell's "advance to the
end of the turn" — the engine worker runs the turn (economy, doctrines, saving the journal) and the
snapshot is rendered. Prints the median and spread of two spans (goal: median < 50 ms for the
first): the call until the new snapshot is in the widgets, and until Pilot's next pause has let
the screen draw (that pause alone costs ~35 ms of harness on this machine).

Run: ``python benchmarks/tui_turn.py [--turns N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from tui.app import WargameApp


async def measure(turns: int) -> tuple[list[float], list[float]]:
    save = Path(tempfile.mkdtemp(prefix="wargame-tui-")) / "bench.jsonl"
    app = WargameApp("status-quo-2022", seed=1, save=save)
    samples: list[float] = []
    drawn: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        app.screen.query_one("#start-button").press()
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        app.hand_over("white")
        await pilot.pause()
        await pilot.press("enter")
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        for _ in range(turns):
            started = time.perf_counter()
            app.advance_turn()
            await app.workers.wait_for_complete()
            shown = app.screen.rendered_at - started        # the new snapshot is in the widgets
            await pilot.pause()                              # ... and drawn
            samples.append(shown)
            drawn.append(time.perf_counter() - started)
    return samples, drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=40)
    args = parser.parse_args()
    shown, drawn = asyncio.run(measure(args.turns))
    print(f"advance one turn of status-quo-2022 in the UI, {len(shown)} turns:")
    for label, samples in (("call → new snapshot in the widgets", shown),
                           ("call → drawn (incl. the test harness's pause)", drawn)):
        ms = sorted(1000 * s for s in samples)
        print(f"  {label}: median {statistics.median(ms):.1f} ms · p10 "
              f"{ms[len(ms) // 10]:.1f} · p90 {ms[9 * len(ms) // 10]:.1f} · max {ms[-1]:.1f}")
    print("  goal: median < 50 ms from the call to the new snapshot")


if __name__ == "__main__":
    main()
