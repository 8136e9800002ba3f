"""A seat at 80×24 and 100×30, read off the screen as drawn: a pending move's parameters, each
event's cause and the right edge of numbers must be there to see, not past the table's edge.

Why the drawn screen and not the table's cells: the cells always held everything; what was lost
was what fitted in the pane (a DataTable scrolls sideways instead of wrapping)."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from tests.tui.test_app import enter_seat, run_async, settle, show_tab, start
from tui.app import WargameApp


def lines_of(app, widget) -> list[str]:
    """The text the screen shows inside ``widget`` (through the compositor: what is drawn)."""
    region = widget.region.intersection(app.screen.region)
    strips = app.screen._compositor.render_strips()
    return [strips[y].crop(region.x, region.right).text for y in range(region.y, region.bottom)]


def right_edges(lines: list[str], header: str, values: list[str]) -> set[int]:
    """Where ``header`` and each of ``values`` end, on the lines that hold them (the first
    occurrence on each line): one edge means right-aligned."""
    edges = set()
    for wanted in (header, *values):
        line = next(line for line in lines if wanted in line.split())
        edges.add(line.index(wanted) + len(wanted))
    return edges


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@run_async
async def test_a_seat_shows_parameters_causes_and_aligned_numbers(tmp_path, size):
    app = WargameApp("escalation-ladder", seed=7, save=tmp_path / "s.jsonl")
    async with app.run_test(size=size) as pilot:
        await start(app, pilot, seats=("us",))
        for turn in range(3):  # weeks past 10, so week numbers differ in width
            await enter_seat(app, pilot, "us")
            if turn == 0:
                app.screen.query_one("#move-kind", Select).value = "tighten_controls"
                await settle(app, pilot)
                app.screen.query_one("#param-levels", Input).value = "2"
                await pilot.click("#submit")
                await settle(app, pilot)
                shown = "\n".join(lines_of(app, app.screen.query_one("#pending")))
                assert "m1 tighten_controls" in shown and "levels=2" in shown, shown
                assert "turn end+6 wk" in shown, shown
            if turn == 1:  # announced, effective 6 weeks after the first turn's end
                shown = "\n".join(lines_of(app, app.screen.query_one("#pending")))
                assert "m1 tighten_controls" in shown and "levels=2" in shown, shown
                assert "in 2 wk" in shown, shown
            await pilot.press("ctrl+e")
            await settle(app, pilot)
        await enter_seat(app, pilot, "us")
        screen = app.screen

        await show_tab(app, pilot, "situation")
        indicators = lines_of(app, screen.query_one("#indicators"))
        rows = [line for line in indicators if line.strip()]
        assert len(rows) > 4
        header = rows[0]
        edge = header.index("value") + len("value")
        for row in rows[2:]:
            assert row[edge - 1] != " " and (len(row) == edge or row[edge] == " "), (
                f"value not right-aligned under 'value':\n{header}\n{row}")

        await show_tab(app, pilot, "events-tab")
        table = screen.query_one("#events")
        shown = lines_of(app, table)
        words = set(" ".join(shown).split())
        starts = {(event.id, i) for event in screen.snapshot.events
                  for i, line in enumerate(shown)
                  if f"{event.week:.1f}" in line.split() and event.date in line.split()}
        visible = [event for event in screen.snapshot.events
                   if any(key == event.id and i + 3 < len(shown) for key, i in starts)]
        assert len(visible) >= 3
        for event in visible:  # its cause, wrapped perhaps, but all there
            assert set(event.cause.split()) <= words, (
                f"{event.cause!r} not shown:\n" + "\n".join(shown))
        weeks = sorted({f"{event.week:.1f}" for event in visible}, key=len)
        assert len({len(week) for week in weeks}) > 1, weeks  # 9.0 and 10.0, say
        assert len(right_edges(shown, "week", weeks)) == 1, "\n".join(shown)
