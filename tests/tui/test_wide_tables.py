"""The large scenario (status-quo-2022: 71 indicators, labels up to 55 characters, 22 outcomes)
at 80×24 and 100×30, read off the screen as drawn: every indicator row shows its value, unit and
sparkline, every outcome its value, and every event of the white cell's log its cause.

Why: the name column was as wide as the longest label, so at 80 columns the panes showed names
only (the values past the pane's edge) and the white cell's outcomes bare ids."""

from __future__ import annotations

import re

import pytest

from tests.tui.test_app import enter_seat, run_async, settle, show_tab, start
from tests.tui.test_layout import lines_of
from tui.app import WargameApp
from wargame.text import short_number, sparkline

LONGEST = "Change in yearly China-US co-authored papers since 2022"


def drawn(app, panel) -> list[str]:
    """What the screen shows of ``panel`` inside the scrolling pane that holds it."""
    pane = panel.parent
    region = panel.region.intersection(pane.scrollable_content_region)
    strips = app.screen._compositor.render_strips()
    return [strips[y].crop(region.x, region.right).text for y in range(region.y, region.bottom)]


def spans(rule: str) -> list[tuple[int, int]]:
    """The columns of a table, from its rule line (``-----  ---``)."""
    return [match.span() for match in re.finditer(r"-+", rule)]


def rows_of(lines: list[str], columns: list[tuple[int, int]], key: int) -> list[list[str]]:
    """The table's rows as drawn, each cell's lines joined: a row starts on a line whose
    ``key`` column is not blank (a wrapped name goes on below it). The last row is left out:
    the pane's bottom may cut it."""
    rows: list[list[str]] = []
    for line in lines:
        cells = [line[a:b if i + 1 < len(columns) else None].strip()
                 for i, (a, b) in enumerate(columns)]
        if cells[key]:
            rows.append(cells)
        elif rows:
            rows[-1] = [f"{old} {new}".strip() for old, new in zip(rows[-1], cells, strict=True)]
    return rows[:-1]


def flat(text: str) -> str:
    return "".join(text.split())


async def check_indicators(app, pilot, snapshot) -> set[str]:
    """Every indicator row drawn, at the top of the pane and at its end, shows the indicator's
    whole name, value, unit and sparkline; returns the names seen."""
    panel = app.screen.query_one("#indicators")
    pane = panel.parent
    lines = drawn(app, panel)
    assert not pane.horizontal_scrollbar.display, "the table is wider than its pane"
    assert lines[0].split() == ["indicator", "value", "unit", "so", "far"], "\n".join(lines)
    columns = spans(lines[1])
    views = {flat(view.label): view for view in snapshot.indicators}
    seen: set[str] = set()
    for at_end in (False, True):
        if at_end:
            pane.scroll_end(animate=False)
            await settle(app, pilot)
            lines = drawn(app, panel)
        rows = rows_of(lines if at_end else lines[2:], columns, key=1)
        assert len(rows) >= 4, "\n".join(lines)
        for name, value, unit, so_far in rows:
            view = views.get(flat(name))
            assert view is not None, f"{name!r} is no whole indicator name:\n" + "\n".join(lines)
            assert (value, flat(unit), so_far) == (
                short_number(view.value), flat(view.unit), sparkline(view.history)), (
                f"{view.label}:\n" + "\n".join(lines))
            seen.add(view.label)
    return seen


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@run_async
async def test_the_large_scenario_shows_every_value_outcome_and_cause(tmp_path, size):
    app = WargameApp("status-quo-2022", seed=7, save=tmp_path / "s.jsonl")
    async with app.run_test(size=size) as pilot:
        await start(app, pilot, seats=("us",))
        await enter_seat(app, pilot, "us")
        await show_tab(app, pilot, "situation")
        seat_seen = await check_indicators(app, pilot, app.screen.snapshot)
        links = " ".join(drawn(app, app.screen.query_one("#links")))
        assert "…" not in links and flat(links) == flat("No restricted or cut links."), links

        await pilot.press("ctrl+w")
        await settle(app, pilot)
        await enter_seat(app, pilot, "white")
        white = app.screen
        for _ in range(6):  # events to show, outcomes with values
            await pilot.press("ctrl+a")
            await settle(app, pilot)
        assert LONGEST in await check_indicators(app, pilot, white.snapshot) | seat_seen

        outcomes = white.query_one("#outcomes")
        lines = drawn(app, outcomes)
        assert lines[0].split() == ["outcome", "so", "far"], "\n".join(lines)
        # each id (wrapped perhaps) then its value, in order: ids and values alike whole
        expected = "".join(flat(name) + short_number(value)
                           for name, value in white.snapshot.outcomes)
        text = flat(" ".join(lines[2:]))
        assert len(text) > 60 and expected.startswith(text), "\n".join(lines)

        await show_tab(app, pilot, "events-tab")
        table = white.query_one("#events")
        shown = lines_of(app, table)
        words = set(" ".join(shown).split())
        starts = [i for event in white.snapshot.events for i, line in enumerate(shown)
                  if f"{event.week:.1f}" in line.split() and event.date in line.split()]
        visible = [event for event in white.snapshot.events
                   if any(f"{event.week:.1f}" in line.split() and event.date in line.split()
                          for line in shown[:-3])]
        assert starts and len(visible) >= 3, "\n".join(shown)
        for event in visible:
            assert set(event.cause.split()) <= words, (
                f"{event.cause!r} not shown:\n" + "\n".join(shown))
        assert "…" not in " ".join(shown), "\n".join(shown)
