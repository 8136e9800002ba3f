"""Enter in a form's field submits the form, as a person expects: a seat's move parameters, the
white cell's inject and override fields. Each submission checks the form again, so an error
shown for the last value is cleared (or replaced) by the next."""

from __future__ import annotations

from textual.widgets import Select

from tests.tui.test_app import SIZE, enter_seat, run_async, settle, show_tab, start
from tui.app import WargameApp


async def type_into(app, pilot, field: str, text: str) -> None:
    """Click ``field``, clear it with backspaces and type ``text``, key by key."""
    await pilot.click(field)
    await pilot.press("end", *["backspace"] * len(app.screen.query_one(field).value), *text)


@run_async
async def test_enter_in_a_field_submits_the_seat_and_white_cell_forms(tmp_path):
    app = WargameApp("escalation-ladder", seed=7, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, seats=("us",))
        await enter_seat(app, pilot, "us")
        seat = app.screen
        seat.query_one("#move-kind", Select).value = "tighten_controls"
        await settle(app, pilot)
        await type_into(app, pilot, "#param-levels", "12.5")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "must be a whole number" in str(seat.query_one("#move-error").render())
        await type_into(app, pilot, "#param-levels", "2")
        await pilot.press("enter")
        await settle(app, pilot)
        assert str(seat.query_one("#move-error").render()) == ""
        assert [move.kind for move in app.session.game.pending("us")] == ["tighten_controls"]

        await pilot.press("ctrl+w")
        await settle(app, pilot)
        await enter_seat(app, pilot, "white")
        white = app.screen
        await show_tab(app, pilot, "inject")
        white.query_one("#inject-kind", Select).value = "strait_incident"
        await type_into(app, pilot, "#inject-description", "a patrol boat is rammed")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "rationale" in str(white.query_one("#inject-error").render())
        await type_into(app, pilot, "#inject-rationale", "test their nerves")
        await pilot.press("enter")
        await settle(app, pilot)
        assert str(white.query_one("#inject-error").render()) == ""
        assert any(event.kind == "strait_incident" for event in app.session.game.events())

        await show_tab(app, pilot, "override")
        white.query_one("#override-indicator", Select).value = "tension"
        await settle(app, pilot)
        await type_into(app, pilot, "#override-value", "7")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "value: must be" in str(white.query_one("#override-error").render())
        await type_into(app, pilot, "#override-value", "0.6")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "rationale" in str(white.query_one("#override-error").render())
        await type_into(app, pilot, "#override-rationale", "worse than it looked")
        await pilot.press("enter")
        await settle(app, pilot)
        assert str(white.query_one("#override-error").render()) == ""
        assert abs(app.session.game.indicators()["tension"] - 0.6) < 1e-9
