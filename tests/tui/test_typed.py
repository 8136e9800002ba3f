"""The screens call the app through typed access (``tui.typed.game_app``), so the type checker
checks every call; a silenced call (``# type: ignore``) would hide a renamed method or a wrong
argument until a person pressed the key."""

from __future__ import annotations

from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "tui"


def test_no_call_in_the_ui_is_silenced_for_the_type_checker():
    silenced = [f"{path.name}:{number}" for path in sorted(TUI.glob("*.py"))
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if "# type: ignore" in line]
    assert silenced == []
