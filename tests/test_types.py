"""The code type-checks: mypy over wargame/ and tui/ (configured in pyproject.toml) reports
nothing, in the same test command CI and the README run."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def test_mypy_reports_nothing(tmp_path):
    # a cache of its own: a stale shared cache could hide an error, and none is left behind
    done = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "cache")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_packages_say_they_are_typed():
    """``py.typed`` (PEP 561) tells a user's type checker to read wargame's annotations."""
    for package in ("wargame", "tui"):
        assert (ROOT / package / "py.typed").is_file()
