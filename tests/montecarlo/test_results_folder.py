"""The results folder: nothing of the user's is deleted, damage is named with its cure and
``--resume`` repairs it, one writer at a time, and an ``--out`` that cannot hold a batch is
refused before anything runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.montecarlo.conftest import LADDER, run_wargame, small_batch
from wargame.errors import WargameError
from wargame.montecarlo.results import Results
from wargame.montecarlo.runner import monte_carlo
from wargame.montecarlo.storage import ResultsError

# ---- 1. only our own files are ever deleted ---------------------------------------------------

USER_FILES = ("summary/part-00001.bak", "summary/part-abc.parquet", "summary/part-mine.parquet",
              "summary/notes.txt", "series/part-00002.parquet.orig", "series/part-1.parquet",
              "summary/.part-notes.txt")


def test_resume_and_a_fresh_run_leave_files_that_are_not_ours_alone(tmp_path):
    out = tmp_path / "b"
    whole = small_batch(out)
    expected = whole.outcomes
    for name in USER_FILES:
        (out / name).write_text("the user's", encoding="utf-8")
    (out / "summary" / "part-00007.parquet").write_bytes(b"an unlisted part a killed run left")
    (out / "series" / ".part-k2j4h_x1.tmp").write_bytes(b"a killed write's temp file")

    resumed = small_batch(out, resume=True)
    assert resumed.outcomes.equals(expected)
    for name in USER_FILES:
        assert (out / name).read_text(encoding="utf-8") == "the user's", name
    assert not (out / "summary" / "part-00007.parquet").exists()  # ours, and not listed
    assert not (out / "series" / ".part-k2j4h_x1.tmp").exists()

    again = small_batch(out)  # without --resume: the batch is replaced, the user's files are not
    assert again.outcomes.equals(expected)
    for name in USER_FILES:
        assert (out / name).read_text(encoding="utf-8") == "the user's", name


# ---- 3. damage is named, and --resume rebuilds it ----------------------------------------------

def _damage_missing(path: Path) -> None:
    path.unlink()


def _damage_truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _damage_garbage(path: Path) -> None:
    path.write_bytes(b"PAR1 this is not a parquet file at all PAR1")


def _damage_empty(path: Path) -> None:
    path.write_bytes(b"")


def _damage_foreign(path: Path) -> None:
    """A valid Parquet file, but not this part (another chunk's rows)."""
    path.write_bytes((path.parent / "part-00000.parquet").read_bytes())


@pytest.mark.parametrize("kind", ["summary", "series"])
@pytest.mark.parametrize("damage", [_damage_missing, _damage_truncated, _damage_garbage,
                                    _damage_empty, _damage_foreign])
def test_a_damaged_listed_part_is_named_and_resume_rebuilds_it(tmp_path, kind, damage):
    out = tmp_path / "b"
    whole = small_batch(out)
    outcomes, series = whole.outcomes, whole.series
    part = out / kind / "part-00001.parquet"
    damage(part)

    with pytest.raises(ResultsError) as caught:
        results = Results(out)
        results.outcomes  # noqa: B018
        results.series  # noqa: B018
    message = str(caught.value)
    assert str(part) in message and "--resume" in message

    if damage in (_damage_missing, _damage_garbage):  # the commands say the same
        shown = run_wargame("summary", str(out)) if kind == "summary" else run_wargame(
            "plot", str(out), "--out", str(tmp_path / "plots"))
        assert shown.returncode == 1, shown.stderr
        assert "internal error" not in shown.stderr
        assert "part-00001.parquet" in shown.stderr and "--resume" in shown.stderr

    resumed = small_batch(out, resume=True)
    assert resumed.outcomes.equals(outcomes)
    assert resumed.series.equals(series)
    assert [chunk["index"] for chunk in resumed.manifest["chunks"]] == [0, 1, 2]


def test_a_damaged_manifest_is_named_not_a_crash(tmp_path):
    out = tmp_path / "b"
    small_batch(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for change in ({"chunks": "all of them"}, {"runs": "six"}, {"outcomes": None},
                   {"chunks": [{"index": 0, "start": 0, "stop": 2,
                                "file": "../../../etc/passwd"}]}):
        (out / "manifest.json").write_text(json.dumps({**manifest, **change}), encoding="utf-8")
        with pytest.raises(ResultsError, match="manifest"):
            Results(out).outcomes  # noqa: B018
    shown = run_wargame("summary", str(out))
    assert shown.returncode == 1 and "internal error" not in shown.stderr, shown.stderr
    assert "manifest" in shown.stderr


# ---- 3. one writer at a time -------------------------------------------------------------------

def _chunks(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text(encoding="utf-8"))["chunks"])
    except (OSError, ValueError, KeyError):
        return 0


def test_a_second_batch_on_the_same_folder_is_refused_at_once(tmp_path):
    out = tmp_path / "busy"
    first = subprocess.Popen(
        [sys.executable, "-m", "wargame", "mc", "status-quo-2022", "--runs", "2000", "--jobs",
         "1", "--chunk-size", "1", "--out", str(out), "--quiet"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while _chunks(out) < 1 and time.monotonic() < deadline and first.poll() is None:
            time.sleep(0.05)
        assert _chunks(out) >= 1 and first.poll() is None
        for resume in (False, True):
            started = time.monotonic()
            with pytest.raises(ResultsError) as caught:
                monte_carlo("status-quo-2022", 4, seed=0, jobs=1, out=out, chunk_size=1,
                            resume=resume, progress=False)
            assert time.monotonic() - started < 10
            assert str(out) in str(caught.value) and "another" in str(caught.value)
        second = run_wargame("mc", LADDER, "--runs", "2", "--jobs", "1", "--out", str(out),
                          "--quiet")
        assert second.returncode == 1 and "another" in second.stderr, second.stderr
        assert first.poll() is None  # the first batch goes on, untouched
    finally:
        first.kill()
        first.wait()
    small_batch(out, runs=2)  # the lock went with the killed process


# ---- 3. an --out that cannot hold a batch --------------------------------------------------------

def test_an_out_that_is_a_file_or_cannot_be_written_is_refused(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine", encoding="utf-8")
    for out, why in ((a_file, "not a folder"), (a_file / "batch", "cannot"),
                     (Path("/proc/wargame-batch"), "cannot"),
                     (Path("/proc/self/status/batch"), "cannot"),
                     (Path("/dev/null/batch"), "cannot")):
        started = time.monotonic()
        with pytest.raises(WargameError) as caught:
            monte_carlo(LADDER, 2, jobs=1, out=out, progress=False)
        assert str(out) in str(caught.value) and why in str(caught.value), caught.value
        assert time.monotonic() - started < 5  # refused before anything ran
        shown = run_wargame("mc", LADDER, "--runs", "2", "--jobs", "1", "--out", str(out),
                         "--quiet")
        assert shown.returncode == 1, shown.stderr
        assert "internal error" not in shown.stderr and str(out) in shown.stderr
    assert a_file.read_text(encoding="utf-8") == "mine"


def test_results_of_a_path_that_is_not_a_results_folder(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine", encoding="utf-8")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    (tmp_path / "pipe").mkdir()
    os.mkfifo(tmp_path / "pipe" / "manifest.json")
    for path, why in ((tmp_path / "missing", "no such folder"), (a_file, "not a folder"),
                      (fifo, "not a folder"), (tmp_path, "no manifest.json"),
                      (tmp_path / "pipe", "not a regular file")):
        with pytest.raises(ResultsError) as caught:
            Results(path)
        assert str(path) in str(caught.value) and why in str(caught.value), caught.value
    for wrong in (None, 3, ["a"]):
        with pytest.raises(ResultsError, match="Results needs"):
            Results(wrong)

