"""mypy (configured in pyproject.toml) finds no error in the modules listed here: the batch and
analysis layer, the economy, the calibration, the errors and text helpers and the command lines.
A module joins the list once it is clean, and may not leave it."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

CLEAN = [
    "wargame/__init__.py", "wargame/errors.py", "wargame/text.py", "wargame/cli.py",
    "wargame/yamlio.py", "wargame/files.py", "tui/cli.py",
    *(f"wargame/economy/{name}.py" for name in ("__init__", "cli", "network", "spec", "static")),
    *(f"wargame/calibration/{name}.py" for name in ("__init__", "assumptions", "cli", "figures",
                                                     "mechanisms_doc", "sources", "targets")),
    *(f"wargame/montecarlo/{name}.py" for name in (
        "__init__", "analysis", "analysis_cli", "backends", "cli", "design", "gdp", "labels",
        "overrides", "progress", "replication", "report", "results", "robustness", "runner",
        "sensitivity", "stats", "storage", "uncertainty_cli")),
]


def test_the_listed_modules_exist():
    missing = [path for path in CLEAN if not (ROOT / path).is_file()]
    assert not missing


def test_mypy_finds_no_error_in_the_listed_modules():
    pytest.importorskip("mypy", reason="mypy is not installed (pip install -e '.[dev]')")
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "error: " in done.stdout or done.returncode == 0, done.stdout + done.stderr
    errors = [line for line in done.stdout.splitlines()
              if re.match(r"[\w/]+\.py:\d+: error:", line) and line.split(":")[0] in CLEAN]
    assert not errors, "\n".join(errors)

