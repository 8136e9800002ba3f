"""The start screen's seed and the white cell's rollback turn and override value, typed key by
key as a person types them (not set with ``Input.value``, which skips the keyboard).

Why: these fields were Textual ``type="integer"``/``"number"`` inputs, which drop a key they do
not accept without a word: ``12.5`` typed as a seed started the game with seed 125, ``1.5`` as a
rollback turn asked to roll back to turn 15, and ``0,5`` as an override value became 5. Every key
now reaches the field and what is not a whole (or finite) number is said inline, as in the move
forms (tests/tui/test_forms.py)."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Select

from tests.tui.test_app import SIZE, run_async, settle, show_tab
from tui.app import WargameApp
from tui.dialogs import ConfirmScreen, HandoverScreen
from tui.start import StartScreen
from tui.whitecell import WhiteCellScreen


async def type_into(app, pilot, field: str, text: str) -> str:
    """Focus ``field``, clear it and type ``text`` key by key; the field's value afterwards."""
    widget = app.screen.query_one(field, Input)
    widget.focus()
    await pilot.press("end", *["backspace"] * (len(widget.value) + 2), *text)
    await settle(app, pilot)
    return widget.value


def error(app, where: str) -> str:
    return str(app.screen.query_one(where).render())


@run_async
async def test_a_fraction_typed_as_the_seed_is_refused_inline_not_read_as_125(tmp_path):
    app = WargameApp("escalation-ladder", seed=0, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for typed in ("12.5", "1e3", "²", "-3", "seven"):
            assert await type_into(app, pilot, "#seed", typed) == typed   # every key kept
            await pilot.press("ctrl+g")
            await settle(app, pilot)
            assert isinstance(app.screen, StartScreen), typed          # nothing started
            assert app.session is None
            assert f"seed: must be a whole number ≥ 0 (got {typed!r})" in error(
                app, "#start-error"), (typed, error(app, "#start-error"))
        assert await type_into(app, pilot, "#seed", "125") == "125"
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
        assert app.session is not None and app.session.game.seed == 125


async def white_cell(app, pilot) -> WhiteCellScreen:
    await settle(app, pilot)
    for box in app.screen.query(Checkbox):
        box.value = False
    await pilot.click("#start-button")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, WhiteCellScreen)
    return app.screen


@run_async
async def test_a_fraction_typed_as_the_rollback_turn_is_refused_not_read_as_turn_15(tmp_path):
    app = WargameApp("escalation-ladder", seed=7, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        white = await white_cell(app, pilot)
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        await show_tab(app, pilot, "turns")
        for typed in ("1.5", "1,5", "²", "one"):
            assert await type_into(app, pilot, "#rollback-turn", typed) == typed
            await pilot.press("enter")
            await settle(app, pilot)
            assert app.screen is white, typed                         # no confirmation asked
            assert f"turn: a whole number from 1 to 2 (got {typed!r})" in error(
                app, "#turns-error"), (typed, error(app, "#turns-error"))
        assert await type_into(app, pilot, "#rollback-turn", "1") == "1"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Roll back to the start of turn 1?" in str(
            app.screen.query_one("#confirm-question").render())


@run_async
async def test_a_comma_typed_in_the_override_value_is_refused_not_read_as_5(tmp_path):
    app = WargameApp("escalation-ladder", seed=7, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        white = await white_cell(app, pilot)
        await show_tab(app, pilot, "override")
        white.query_one("#override-indicator", Select).value = "tension"
        await settle(app, pilot)
        white.query_one("#override-rationale", Input).value = "adjudicated"
        before = list(app.session.game.journal.lines())
        for typed in ("0,5", "half"):
            assert await type_into(app, pilot, "#override-value", typed) == typed
            await pilot.press("enter")
            await settle(app, pilot)
            assert f"value: must be a number (got {typed!r})" in error(app, "#override-error"), (
                typed, error(app, "#override-error"))
        assert list(app.session.game.journal.lines()) == before      # nothing overridden
        assert await type_into(app, pilot, "#override-value", "0.5") == "0.5"
        await pilot.press("enter")
        await settle(app, pilot)
        assert error(app, "#override-error") == ""
        assert app.session.game.indicators()["tension"] == 0.5
