"""The scripts in examples/ run and print exactly their stored output (examples/NAME.out).

After an intended change, regenerate the outputs with
``WARGAME_UPDATE_EXAMPLES=1 python -m pytest tests/test_examples.py`` and read the diff. In that
mode each script runs twice and its output is stored only if it exits cleanly and prints the same
both times: a stored output is what every later run must print, so an output that changes from
run to run (a time, a temporary path, an unseeded draw) is refused rather than stored.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def test_there_are_examples_for_each_kind_of_user():
    names = {path.stem for path in EXAMPLES}
    assert {"play_from_python", "batch_and_compare", "custom_doctrine",
            "custom_io_table"} <= names


def _run(script: Path, directory: Path) -> str:
    """What the script prints, run from an empty directory; it must exit cleanly."""
    directory.mkdir()
    done = subprocess.run([sys.executable, str(script)], cwd=directory, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _diff(expected: str, printed: str, expected_name: str, printed_name: str) -> str:
    return "\n".join(difflib.unified_diff(expected.splitlines(), printed.splitlines(),
                                          expected_name, printed_name, lineterm=""))


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.stem)
def test_example_prints_its_stored_output(script, tmp_path):
    printed = _run(script, tmp_path / "run")
    stored = script.with_suffix(".out")
    if os.environ.get("WARGAME_UPDATE_EXAMPLES"):
        # the stored output becomes the reference: refuse one a second run would not reproduce
        again = _run(script, tmp_path / "again")
        assert printed == again, "not deterministic, not stored:\n" + _diff(
            printed, again, "first run", "second run")
        stored.write_text(printed, encoding="utf-8")
    expected = stored.read_text(encoding="utf-8")
    assert printed == expected, _diff(expected, printed, "stored", "printed")


def test_update_mode_refuses_an_output_that_changes_from_run_to_run(tmp_path, monkeypatch):
    script = tmp_path / "clock.py"
    script.write_text("import time\nprint(time.perf_counter_ns())\n", encoding="utf-8")
    monkeypatch.setenv("WARGAME_UPDATE_EXAMPLES", "1")
    with pytest.raises(AssertionError, match="not deterministic, not stored"):
        test_example_prints_its_stored_output(script, tmp_path)
    assert not script.with_suffix(".out").exists()


def test_update_mode_refuses_a_script_that_fails(tmp_path, monkeypatch):
    script = tmp_path / "broken.py"
    script.write_text("print('half an output')\nraise SystemExit('broken')\n", encoding="utf-8")
    monkeypatch.setenv("WARGAME_UPDATE_EXAMPLES", "1")
    with pytest.raises(AssertionError, match="broken"):
        test_example_prints_its_stored_output(script, tmp_path)
    assert not script.with_suffix(".out").exists()
