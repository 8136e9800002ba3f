"""The public API is what ``wargame/__init__.py`` exports, and the engine needs no UI package."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from typing import NamedTuple

import wargame


def test_all_lists_exactly_the_public_names():
    public = {name for name in vars(wargame) if not name.startswith("_")} | set(wargame._LAZY)
    modules = {name for name, value in vars(wargame).items() if type(value).__name__ == "module"}
    assert set(wargame.__all__) == (public - modules) | {"__version__"}


def _hand_written_doc(value: object) -> str | None:
    """The docstring a person wrote for ``value``, or None.

    Python writes some docstrings itself: a dataclass without one gets its signature
    (``Name(field: type, ...)``), a NamedTuple its fields (``Name(a, b)``); a class without one
    has ``__doc__`` None rather than its base's. Those say nothing a reader did not know.
    """
    doc = vars(value).get("__doc__") if isinstance(value, type) else getattr(value, "__doc__", None)
    if not isinstance(doc, str) or not doc.strip():
        return None
    name = getattr(value, "__name__", "")
    if re.fullmatch(rf"{re.escape(name)}\(.*\)", doc.strip(), re.DOTALL):
        return None
    return doc


def test_the_documentation_check_rejects_generated_docstrings():
    @dataclasses.dataclass(frozen=True)
    class Plain:
        field: int

    class Pair(NamedTuple):
        left: int
        right: str

    @dataclasses.dataclass(frozen=True)
    class Written:
        """A reason to exist."""

        field: int

    class Undocumented(ValueError):
        pass

    assert Plain.__doc__ and Pair.__doc__  # Python did write these
    assert _hand_written_doc(Plain) is None
    assert _hand_written_doc(Pair) is None
    assert _hand_written_doc(Undocumented) is None
    assert _hand_written_doc(Written) == "A reason to exist."
    assert _hand_written_doc(_hand_written_doc)


def test_every_exported_name_is_documented_by_hand():
    undocumented = [name for name in wargame.__all__
                    if name != "__version__" and _hand_written_doc(getattr(wargame, name)) is None]
    assert not undocumented, f"exports without a hand-written docstring: {undocumented}"


def test_the_engine_imports_without_any_ui_package():
    code = ("import sys, wargame, wargame.cli; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'tui', 'rich')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
