"""The override form shows the chosen indicator's true value and its bounds, and refuses a value
outside them inline, naming the field and the bounds (nothing is journalled)."""

from __future__ import annotations

import pytest
from textual.widgets import Button, Input, Select

from tests.tui.test_app import enter_seat, run_async, settle, show_tab, start
from tui.app import WargameApp
from tui.whitecell import WhiteCellScreen, bounds_text, within
from wargame.views import IndicatorView


@run_async
async def test_the_override_form_shows_value_and_bounds_and_refuses_a_value_outside(tmp_path):
    app = WargameApp("escalation-ladder", seed=7, save=tmp_path / "s.jsonl")
    async with app.run_test(size=(100, 30)) as pilot:
        await start(app, pilot, seats=("us",))
        app.hand_over("white")
        await settle(app, pilot)
        await enter_seat(app, pilot, "white")
        white = app.screen
        assert isinstance(white, WhiteCellScreen)
        await show_tab(app, pilot, "override")
        current = white.query_one("#override-current")
        assert str(current.render()) == ""
        white.query_one("#override-indicator", Select).value = "tension"
        await settle(app, pilot)
        assert str(current.render()) == "now 0.3 · bounds 0 to 1"
        before = list(app.session.game.journal.lines())
        white.query_one("#override-rationale", Input).value = "the incident was worse"
        apply = white.query_one("#apply-override", Button)
        for typed in ("1.5", "-0.1", "inf", "nan"):
            white.query_one("#override-value", Input).value = typed
            apply.press()
            await settle(app, pilot)
            error = str(white.query_one("#override-error").render())
            assert error == f"value: must be within 0 to 1 for Strait tension (got {typed})"
        assert list(app.session.game.journal.lines()) == before
        white.query_one("#override-value", Input).value = "1"          # a bound is allowed
        apply.press()
        await settle(app, pilot)
        assert str(white.query_one("#override-error").render()) == ""
        assert app.session.game.indicators()["tension"] == 1.0
        assert str(current.render()) == "now 1 · bounds 0 to 1"       # as of the override


@pytest.mark.parametrize("low, high, text", [
    (0, 1, "bounds 0 to 1 %"), (0, None, "at least 0 %"), (None, 5, "at most 5 %"),
    (None, None, "no bounds")])
def test_bounds_are_worded_for_each_kind_of_limit(low, high, text):
    view = IndicatorView("x", "X", "%", 0.5, (), low, high)
    assert bounds_text(view) == text
    assert within(view, 0.5) and not within(view, float("nan"))
    assert within(view, -1e9) == (low is None) and within(view, 1e9) == (high is None)
