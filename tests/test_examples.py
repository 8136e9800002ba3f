"""The scripts in examples/ run and print exactly their stored output (examples/NAME.out).

After an intended change, regenerate the outputs with
``WARGAME_UPDATE_EXAMPLES=1 python -m pytest tests/test_examples.py`` and read the diff.
"""

from __future__ import annotations

import difflib
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def test_there_are_examples_for_each_kind_of_user():
    names = {path.stem for path in EXAMPLES}
    assert {"play_from_python", "batch_and_compare", "custom_doctrine",
            "custom_io_table"} <= names


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.stem)
def test_example_prints_its_stored_output(script, tmp_path):
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    stored = script.with_suffix(".out")
    if os.environ.get("WARGAME_UPDATE_EXAMPLES"):
        stored.write_text(done.stdout, encoding="utf-8")
    expected = stored.read_text(encoding="utf-8")
    assert done.stdout == expected, "\n".join(difflib.unified_diff(
        expected.splitlines(), done.stdout.splitlines(), "stored", "printed", lineterm=""))
