"""Move forms as a person types into them: keys pressed one by one, the inline error read back.

Why keys and not ``Input.value = ...``: the bug these guard against lived between the keyboard
and the value (an integer-only field dropped the ``.`` of ``12.5`` and submitted ``125``), which
setting the value directly never goes through."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Select

from tests.tui.test_app import SIZE, enter_seat, run_async, settle, start
from tui.app import WargameApp


async def at_us_seat(app, pilot) -> None:
    await start(app, pilot, seats=("us",))
    await enter_seat(app, pilot, "us")


async def type_and_submit(app, pilot, field: str, text: str) -> str:
    """Focus ``field``, clear it, type ``text`` key by key, Tab to Submit and press Enter."""
    app.screen.query_one(f"#{field}", Input).focus()
    await pilot.press("end", *["backspace"] * 12, *text)
    await pilot.press("tab", "enter")
    await settle(app, pilot)
    return str(app.screen.query_one("#move-error").render())


@run_async
async def test_a_fraction_typed_into_a_whole_number_field_is_refused_inline(tmp_path):
    app = WargameApp("escalation-ladder", seed=1, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await at_us_seat(app, pilot)
        app.screen.query_one("#move-kind", Select).value = "tighten_controls"
        await settle(app, pilot)
        before = list(app.session.game.journal.lines())
        error = await type_and_submit(app, pilot, "param-levels", "12.5")
        assert app.screen.query_one("#param-levels", Input).value == "12.5"  # as typed
        assert error == "levels: must be a whole number (got 12.5)"
        assert app.screen.query_one("#pending").row_count == 0
        assert list(app.session.game.journal.lines()) == before  # nothing submitted
        # out of bounds: said inline too, naming the bound
        assert await type_and_submit(app, pilot, "param-levels", "9") == (
            "levels: must be ≤ 3 (got 9)")
        assert await type_and_submit(app, pilot, "param-levels", "0") == (
            "levels: must be ≥ 1 (got 0)")
        assert app.screen.query_one("#pending").row_count == 0
        # a whole number written with a zero fraction is the whole number
        assert await type_and_submit(app, pilot, "param-levels", "2.0") == ""
        assert app.screen.query_one("#pending").row_count == 1
        moves = [m for m in app.session.game.pending("us")]
        assert [(m.kind, m.params["levels"]) for m in moves] == [("tighten_controls", 2)]


@run_async
async def test_letters_typed_into_a_number_field_are_refused_inline_not_dropped(tmp_path):
    app = WargameApp("escalation-ladder", seed=1, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, seats=("cn",))
        await enter_seat(app, pilot, "cn")
        app.screen.query_one("#move-kind", Select).value = "retaliate"
        await settle(app, pilot)
        assert await type_and_submit(app, pilot, "param-severity", "0.5x") == (
            "severity: must be a number (got 0.5x)")
        assert await type_and_submit(app, pilot, "param-severity", "nan") == (
            "severity: must be a finite number (got nan)")
        assert app.screen.query_one("#pending").row_count == 0
        assert await type_and_submit(app, pilot, "param-severity", "1.5") == (
            "severity: must be ≤ 1 (got 1.5)")
        assert await type_and_submit(app, pilot, "param-severity", ".25") == ""
        assert [m.params["severity"] for m in app.session.game.pending("cn")] == [0.25]


def box(checkbox: Checkbox) -> tuple[str, str]:
    """The tick box as drawn: its three characters, and the colour the middle one is drawn in
    (the widget's visual style for its button part, as the terminal shows it)."""
    content = checkbox.render()
    text = str(content)[:3]
    style = checkbox.get_visual_style("toggle--button")
    return text, str(style.foreground)


@run_async
async def test_ticked_and_unticked_boxes_look_different(tmp_path):
    app = WargameApp("escalation-ladder", seed=1, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        ticked = app.screen.query_one("#seat-us", Checkbox)
        unticked = app.screen.query_one("#seat-cn", Checkbox)
        assert ticked.value and not unticked.value
        on, off = box(ticked), box(unticked)
        assert on[0][1] != " " and off[0][1] == " "  # a mark, or no mark: not colour alone
        assert on[1] != off[1]
        unticked.focus()
        await pilot.press("space")  # ticking it by the keyboard changes how it looks
        await settle(app, pilot)
        assert unticked.value and box(unticked)[0] == on[0]
