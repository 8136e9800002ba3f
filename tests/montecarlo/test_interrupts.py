"""A batch that is killed or stopped leaves no process behind, and a stopped one keeps its
finished chunks for ``--resume`` (real subprocesses and process pools, real signals)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wargame.montecarlo.runner import monte_carlo


def _chunks(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["chunks"])
    except (OSError, ValueError, KeyError):
        return 0


def _children(pid: int) -> dict[int, str]:
    """The processes whose parent is ``pid``, with their command lines."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry)] = command
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan's zombie waits for init to reap it: it runs nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _wait_gone(pids, seconds: float) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [pid for pid in pids if _running(pid)]
        if not left:
            return []
        time.sleep(0.1)
    return [pid for pid in pids if _running(pid)]


def _start(out: Path, scenario: str, runs: int, chunk_size: int) -> subprocess.Popen:
    """The batch, its output to files (a pipe would stay open as long as any worker lives)."""
    log = out.parent / "stderr.txt"
    with open(log, "w", encoding="utf-8") as stderr:
        return subprocess.Popen(
            [sys.executable, "-m", "wargame", "mc", scenario, "--runs", str(runs), "--jobs", "2",
             "--chunk-size", str(chunk_size), "--seed", "7", "--out", str(out), "--quiet"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)


def _started(process: subprocess.Popen, out: Path, chunks: int) -> dict[int, str]:
    """Wait until the batch has listed ``chunks`` chunks; its pool's processes then."""
    deadline = time.monotonic() + 90
    while _chunks(out) < chunks and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    assert process.poll() is None, "the batch must still be running"
    assert _chunks(out) >= chunks
    children = _children(process.pid)
    workers = [pid for pid, command in children.items() if "spawn_main" in command]
    trackers = [pid for pid, command in children.items() if "resource_tracker" in command]
    assert len(workers) == 2 and len(trackers) == 1, children
    return children


def _clean_up(pids) -> None:
    """Processes the test's batch started, should any survive a failed test: by their id."""
    for pid in pids:
        if _running(pid):
            os.kill(pid, signal.SIGKILL)


def test_kill_9_of_a_parallel_batch_leaves_no_worker_or_tracker_behind(tmp_path):
    out = tmp_path / "b"
    process = _start(out, "status-quo-2022", 2000, 1)
    children: dict[int, str] = {}
    try:
        children = _started(process, out, 1)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        left = _wait_gone(children, 10)
        assert not left, {pid: children[pid] for pid in left}
    finally:
        _clean_up(children)  # first: a surviving worker holds the pipes open
        process.kill()
        process.wait(timeout=30)


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_sigterm_or_ctrl_c_stops_a_parallel_batch_cleanly_and_resume_finishes_it(
        tmp_path, stop, code):
    out = tmp_path / "b"
    runs, chunk_size = 240, 2
    process = _start(out, "escalation-ladder", runs, chunk_size)
    children: dict[int, str] = {}
    try:
        children = _started(process, out, 2)
        started = time.monotonic()
        process.send_signal(stop)
        process.wait(timeout=30)
        stderr = (tmp_path / "stderr.txt").read_text(encoding="utf-8")
        assert time.monotonic() - started < 15, "stopping must not wait for the whole batch"
        assert process.returncode == code, stderr
        assert "interrupted" in stderr and "--resume" in stderr, stderr
        assert "Traceback" not in stderr and "internal error" not in stderr, stderr
        left = _wait_gone(children, 10)
        assert not left, {pid: children[pid] for pid in left}
    finally:
        _clean_up(children)  # first: a surviving worker holds the pipes open
        process.kill()
        process.wait(timeout=30)
    kept = _chunks(out)
    assert 2 <= kept < runs // chunk_size, "finished chunks are kept, the rest is not done"
    assert not list((out / "summary").glob(".part-*"))
    resumed = monte_carlo("escalation-ladder", runs, seed=7, jobs=1, out=out,
                          chunk_size=chunk_size, resume=True, progress=False)
    whole = monte_carlo("escalation-ladder", runs, seed=7, jobs=1, out=tmp_path / "whole",
                        chunk_size=chunk_size, progress=False)
    assert resumed.outcomes.column("replication").to_pylist() == list(range(runs))
    assert resumed.outcomes.equals(whole.outcomes) and resumed.series.equals(whole.series)
