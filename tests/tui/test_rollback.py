"""Rolling back from the white cell, driven by Pilot on a real game: the console stays usable
after each rollback (the loading indicator came and went, the focus is where it was, a key
works), the turn numbers typed are the ones the status line shows, and the safe answer is the
default in the confirmation."""

from __future__ import annotations

from textual.widgets import Button, Checkbox, Input

from tests.tui.test_app import run_async, settle, show_tab
from tui.app import WargameApp
from tui.dialogs import ConfirmScreen, HandoverScreen
from tui.whitecell import WhiteCellScreen

SIZE = (100, 30)


async def white_cell(app, pilot) -> WhiteCellScreen:
    """Start with no seat played by people: the white cell is the only seat."""
    await settle(app, pilot)
    for box in app.screen.query(Checkbox):
        box.value = False
    await pilot.click("#start-button")
    await settle(app, pilot)
    assert isinstance(app.screen, HandoverScreen)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, WhiteCellScreen)
    return app.screen


def status(screen: WhiteCellScreen) -> str:
    return str(screen.query_one("#status").render())


@run_async
async def test_after_each_rollback_the_console_is_usable_even_when_the_indicator_showed(tmp_path):
    """The base scenario's rollback rebuilds its engine (tens of milliseconds), longer than the
    indicator's threshold set here: the indicator covers the console on every rollback. Before
    the fix the cover hid the focused "Roll back..." button, Textual moved the focus to the turn
    field, and after the indicator went Enter and ctrl+a did nothing (a console that looked
    stuck); the indicator's timer also covered the screen in front when the call began."""
    app = WargameApp("status-quo-2022", seed=7, save=tmp_path / "s.jsonl", loading_after=0.005)
    async with app.run_test(size=SIZE) as pilot:
        white = await white_cell(app, pilot)
        covered: list[bool] = []
        app.watch(white, "loading", lambda value: covered.append(value), init=False)
        await show_tab(app, pilot, "turns")
        white.query_one("#rollback-turn", Input).value = "1"
        button = white.query_one("#rollback")
        button.focus()
        await settle(app, pilot)
        for attempt in range(4):
            await pilot.press("ctrl+a")                    # a key works: the turn advances
            await settle(app, pilot)
            assert app.session.game.turn == 1, attempt
            assert "turn 2" in status(white)
            await pilot.press("enter")                     # "Roll back..." still has the focus
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmScreen), attempt
            await pilot.click("#yes")
            await settle(app, pilot)
            assert app.screen is white
            assert app.session.game.turn == 0, attempt
            assert "turn 1" in status(white)
            assert not any(screen.loading for screen in app.screen_stack), attempt
            assert app.focused is button, (attempt, app.focused)
        # the indicator did show (the path above is the one under test) and went each time
        assert covered.count(True) >= 4 and covered[-1] is False, covered


@run_async
async def test_the_rollback_field_takes_the_turn_numbers_the_status_line_shows(tmp_path):
    """Turn k is the turn the status line calls "turn k": rolling back to it puts the game at
    its start, and the status line says "turn k" again. In turn 2 the field takes 1 and 2, and
    anything else is refused with the range."""
    app = WargameApp("escalation-ladder", seed=7, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        white = await white_cell(app, pilot)
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        await pilot.press("ctrl+t")                         # a week into turn 2
        await settle(app, pilot)
        assert "turn 2 · week 5/" in status(white)
        await show_tab(app, pilot, "turns")
        field = white.query_one("#rollback-turn", Input)
        button = white.query_one("#rollback", Button)
        for typed in ("0", "3", "1.5", ""):
            field.value = typed
            button.press()
            await settle(app, pilot)
            assert not isinstance(app.screen, ConfirmScreen), typed
            error = str(white.query_one("#turns-error").render())
            assert f"turn: a whole number from 1 to 2 (got {typed!r})" in error, repr(error)
        for typed, week in (("2", 4), ("1", 0)):           # the turn in play's start, the game's
            field.value = typed
            button.press()
            await settle(app, pilot)
            assert str(white.query_one("#turns-error").render()) == ""
            assert isinstance(app.screen, ConfirmScreen), typed
            question = str(app.screen.query_one("#confirm-question").render())
            assert f"Roll back to the start of turn {typed}?" in question, question
            await pilot.click("#yes")
            await settle(app, pilot)
            assert app.session.game.turn == int(typed) - 1 and app.session.game.week == week
            assert f"turn {typed} · week {week}/" in status(white)


@run_async
async def test_the_confirmation_focuses_no_and_enter_keeps_the_game(tmp_path):
    app = WargameApp("escalation-ladder", seed=7, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        white = await white_cell(app, pilot)
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        app.confirm_rollback(1)
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert app.focused is not None and app.focused.id == "no"
        await pilot.press("enter")                          # the safe choice
        await settle(app, pilot)
        assert app.screen is white and app.session.game.turn == 1
