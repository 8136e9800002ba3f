"""The public API is what ``wargame/__init__.py`` exports, and the engine needs no UI package."""

from __future__ import annotations

import subprocess
import sys

import wargame


def test_all_lists_exactly_the_public_names():
    public = {name for name in vars(wargame) if not name.startswith("_")} | set(wargame._LAZY)
    modules = {name for name, value in vars(wargame).items() if type(value).__name__ == "module"}
    assert set(wargame.__all__) == (public - modules) | {"__version__"}


def test_every_exported_name_is_documented():
    for name in wargame.__all__:
        if name != "__version__":
            assert getattr(wargame, name).__doc__, name


def test_the_engine_imports_without_any_ui_package():
    code = ("import sys, wargame, wargame.cli; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'tui', 'rich')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
