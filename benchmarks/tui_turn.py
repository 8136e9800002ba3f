"""How long the UI makes a person wait for a turn: from the call to advance to the first frame
painted after the new snapshot is in the widgets.

Drives the real app headless (Textual's Pilot) on the default scenario (status-quo-2022, the US
seat played by people, the others by doctrine): each sample is the white cell's "advance to the
end of the turn" — the engine worker runs the turn (economy, doctrines), the snapshot is put in
the widgets and the screen composes its next frame; the journal is saved after that frame, so
the save does not compete with the paint. A frame is timed when Textual hands its compositor
update to the display (``App._display``; headless, nothing is written, the frame is made all
the same). Prints the median and spread (goal: median < 30 ms).

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
        frames: list[float] = []
        display = app._display

        def timed_display(screen: object, renderable: object) -> None:
            if renderable is not None:
                frames.append(time.perf_counter())
            display(screen, renderable)  # type: ignore[arg-type]

        app._display = timed_display  # type: ignore[method-assign]
        for _ in range(turns):
            started = time.perf_counter()
            app.advance_turn()
            await app.workers.wait_for_complete()
            shown = app.screen.rendered_at                   # the new snapshot is in the widgets
            await pilot.pause()
            painted = [frame for frame in frames if frame >= shown]
            samples.append(shown - started)
            drawn.append((painted[0] if painted else time.perf_counter()) - started)
            frames.clear()
    return samples, drawn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=40)
    args = parser.parse_args()
    shown, drawn = asyncio.run(measure(args.turns))
    print(f"advance one turn of status-quo-2022 in the UI, {len(shown)} turns:")
    for label, samples in (("call → new snapshot in the widgets", shown),
                           ("call → first frame painted after it", drawn)):
        ms = sorted(1000 * s for s in samples)
        print(f"  {label}: median {statistics.median(ms):.1f} ms · p10 "
              f"{ms[len(ms) // 10]:.1f} · p90 {ms[9 * len(ms) // 10]:.1f} · max {ms[-1]:.1f}")
    median = statistics.median(drawn) * 1000
    print(f"  goal: median < 30 ms from the call to the first frame: "
          f"{'met' if median < 30 else 'not met'}")


if __name__ == "__main__":
    main()
