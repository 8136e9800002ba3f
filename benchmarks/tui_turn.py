"""How long the UI waits for a turn: from its call to advance to the new snapshot on screen.

Drives the real app headless (Textual's Pilot) on the default scenario (status-quo-2022, the US
seat played by people, the others by doctrine): each sample is the white cell's "advance to the
end of the turn" — the engine worker runs the turn (economy, doctrines, saving the journal) and the
snapshot is rendered. Prints the median and spread (goal: median < 50 ms).

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


async def measure(turns: int) -> list[float]:
    save = Path(tempfile.mkdtemp(prefix="wargame-tui-")) / "bench.jsonl"
    app = WargameApp("status-quo-2022", seed=1, save=save)
    samples = []
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
            await pilot.pause()  # the snapshot is rendered
            samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=40)
    args = parser.parse_args()
    samples = asyncio.run(measure(args.turns))
    ms = sorted(1000 * s for s in samples)
    print(f"advance one turn of status-quo-2022 from the UI's call to the new snapshot, "
          f"{len(ms)} turns:")
    print(f"  median {statistics.median(ms):.1f} ms · p10 {ms[len(ms) // 10]:.1f} ms · "
          f"p90 {ms[9 * len(ms) // 10]:.1f} ms · max {ms[-1]:.1f} ms (goal: median < 50 ms)")


if __name__ == "__main__":
    main()
