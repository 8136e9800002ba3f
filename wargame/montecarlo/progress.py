"""Progress of a batch: a rich bar on a terminal, plain lines in logs, a callback for a UI."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:  # rich is imported only when a bar is drawn (a terminal)
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

ProgressCallback = Callable[[int, int, int], None]
"""``callback(done, total, failures)`` after every finished chunk."""


class Progress:
    """Reports replications done, rate, ETA and failures.

    On a terminal it draws a rich progress bar; otherwise (CI, a log file, a pipe) it prints a
    plain line at most every ``every_seconds`` and at the end, so logs stay readable.
    """

    def __init__(self, total: int, *, label: str = "replications", stream: TextIO | None = None,
                 callback: ProgressCallback | None = None, enabled: bool = True,
                 every_seconds: float = 5.0) -> None:
        self.total = total
        self.label = label
        self.stream = stream or sys.stderr
        self.callback = callback
        self.enabled = enabled
        self.every = every_seconds
        self.started = time.perf_counter()
        self.last_line = 0.0
        self.done = 0
        self.failures = 0
        self._rich: tuple[RichProgress, TaskID] | None = None
        """The bar and its task, when one is drawn."""
        self._resumed = 0

    def __enter__(self) -> Progress:
        if self.enabled and self.stream.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            bar = RichProgress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:.1f}/s"), TimeRemainingColumn(),
                TextColumn("{task.fields[failed]}"), transient=False,
            )
            bar.start()
            self._rich = (bar, bar.add_task(self.label, total=self.total, rate=0.0, failed=""))
        return self

    def start_at(self, done: int) -> None:
        """Count replications finished before this run (a resume) as done, not as speed."""
        self.done = done
        self._resumed = done
        if self._rich is not None:
            bar, task = self._rich
            bar.update(task, completed=done)

    def advance(self, replications: int, failures: int) -> None:
        self.done += replications
        self.failures += failures
        elapsed = time.perf_counter() - self.started
        rate = (self.done - self._resumed) / elapsed if elapsed > 0 else 0.0
        if self._rich is not None:
            bar, task = self._rich
            failed = f"[red]{self.failures} failed" if self.failures else ""
            bar.update(task, completed=self.done, rate=rate, failed=failed)
        elif self.enabled and (elapsed - self.last_line >= self.every or self.done >= self.total):
            self.last_line = elapsed
            remaining = (self.total - self.done) / rate if rate > 0 else float("nan")
            print(f"{self.done}/{self.total} {self.label} · {rate:.1f}/s · "
                  f"ETA {remaining:.0f} s · {self.failures} failed", file=self.stream, flush=True)
        if self.callback is not None:
            self.callback(self.done, self.total, self.failures)

    def __exit__(self, *exc: object) -> None:
        if self._rich is not None:
            self._rich[0].stop()
