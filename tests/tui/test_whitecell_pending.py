"""The white cell sees the teams' moves before the turn ends: team, move and parameters of
every submitted move (and of announced moves still in their lag), as of the last change."""

from __future__ import annotations

from tests.tui.test_app import enter_seat, run_async, settle, show_tab, start, submit
from tui.app import WargameApp
from tui.whitecell import WhiteCellScreen

SIZE = (100, 30)


async def open_white_cell(app, pilot) -> WhiteCellScreen:
    app.hand_over("white")
    await settle(app, pilot)
    await enter_seat(app, pilot, "white")
    assert isinstance(app.screen, WhiteCellScreen)
    await show_tab(app, pilot, "moves-tab")
    return app.screen


def moves_panel(screen: WhiteCellScreen) -> str:
    return str(screen.query_one("#pending-moves").render())


@run_async
async def test_the_white_cell_sees_submitted_moves_with_their_parameters(tmp_path):
    app = WargameApp("escalation-ladder", seed=7, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        white = await open_white_cell(app, pilot)
        assert "No move is waiting" in moves_panel(white)

        app.hand_over("us")
        await settle(app, pilot)
        await enter_seat(app, pilot, "us")
        assert await submit(app, pilot, "tighten_controls", levels="2") == ""
        app.hand_over("cn")
        await settle(app, pilot)
        await enter_seat(app, pilot, "cn")
        assert await submit(app, pilot, "retaliate", severity="0.5") == ""
        white = await open_white_cell(app, pilot)
        shown = moves_panel(white)
        assert "m1  us  tighten_controls" in shown and "levels=2" in shown, shown
        assert "m2  cn  retaliate" in shown and "severity=0.5" in shown, shown
        assert shown.count("submitted") == 2, shown

        app.hand_over("cn")                                 # China thinks again
        await settle(app, pilot)
        await enter_seat(app, pilot, "cn")
        await pilot.click("#withdraw")
        await settle(app, pilot)
        assert app.session.game.pending("cn") == []
        white = await open_white_cell(app, pilot)
        shown = moves_panel(white)
        assert "retaliate" not in shown and "m1  us  tighten_controls" in shown, shown

        await pilot.press("ctrl+a")                         # the turn ends: announced, lagging
        await settle(app, pilot)
        shown = moves_panel(white)
        assert "m1  us  tighten_controls" in shown and "levels=2" in shown, shown
        game = app.session.game
        (move,) = game.pending()
        assert move.status == "announced" and move.effective_week > game.week
        assert f"announced: in effect in {move.effective_week - game.week:g} wk" in shown, shown
