"""F1 help at the smallest supported terminals: every line can be scrolled to and Close is always
on screen (at 80x24 and 100x30 the text is longer than the box)."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll
from textual.widgets import Button

from tests.tui.test_app import run_async, settle
from tui.app import WargameApp
from tui.dialogs import HelpScreen


def drawn(app) -> str:
    """The screen's text as drawn (through the compositor, so clipped text is not there)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@run_async
async def test_help_scrolls_to_its_last_line_and_close_is_always_reachable(tmp_path, size):
    app = WargameApp("escalation-ladder", seed=7, save=tmp_path / "s.jsonl")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        close = help_screen.query_one("#close-help", Button)
        assert help_screen.region.contains_region(close.region), close.region
        assert "Close" in drawn(app)
        assert "rationale." not in drawn(app)                     # the last line: below
        for _ in range(20):                                          # as a reader would
            await pilot.press("down")
        await settle(app, pilot)
        scroll = help_screen.query_one(VerticalScroll)
        assert scroll.scroll_y == scroll.max_scroll_y > 0
        shown = drawn(app)
        assert "rationale." in shown and "White cell." in shown, shown
        assert help_screen.region.contains_region(close.region) and "Close" in shown
        await pilot.press("tab")                                     # to Close, then Enter
        assert app.focused is close
        await pilot.press("enter")
        await settle(app, pilot)
        assert not isinstance(app.screen, HelpScreen)
