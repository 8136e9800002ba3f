"""Keyboard focus as a person sees it: every Tab stop is a widget on screen whose focus is drawn,
and a seat's keys work (and stay in the footer) while a text field has the focus.

Why the screen as drawn and not ``app.focused``: the bugs were a focus Textual had moved while the
screen looked the same (a scroll container as a stop, a compact field's 5 % tint)."""

from __future__ import annotations

from collections import Counter

from rich.color import Color
from rich.style import Style
from textual.widgets import Footer, Select, TabbedContent

from tests.tui.test_app import SIZE, enter_seat, run_async, settle, start
from tui.app import WargameApp
from tui.dialogs import HandoverScreen
from tui.seat import SeatScreen


def drawn(app, widget) -> list[tuple[str, Style]]:
    """The screen's cells inside ``widget``'s region as drawn: (character, style) per cell.

    Through the compositor (Textual is pinned exactly) because a Select or a tab bar is drawn by
    its children: the widget's own ``render_lines`` would leave them out."""
    region = widget.region.intersection(app.screen.region)
    strips = app.screen._compositor.render_strips()
    cells = []
    for y in range(region.y, region.bottom):
        for segment in strips[y].crop(region.x, region.right):
            cells += [(char, segment.style or Style()) for char in segment.text]
    return cells


def _distance(one: Color | None, other: Color | None) -> float:
    if one is None or other is None:
        return 0.0 if one == other else 255.0
    (r1, g1, b1), (r2, g2, b2) = one.get_truecolor(), other.get_truecolor()
    return ((r1 - r2) ** 2 + (g1 - g2) ** 2 + (b1 - b2) ** 2) ** 0.5


def clearly_different(focused: list, blurred: list) -> bool:
    """A person can tell the two apart: three cells or more (not just a text cursor) with other
    characters, another text style (bold, reverse, underline), or a colour that moved by more
    than a faint tint (Textual's compact fields get a 5 % tint on focus: a distance of about 15
    out of 441, which nobody sees)."""
    if len(focused) != len(blurred):
        return True
    changed = 0
    for (char, style), (other_char, other_style) in zip(focused, blurred, strict=True):
        if (char != other_char
                or (style.bold, style.reverse, style.underline)
                != (other_style.bold, other_style.reverse, other_style.underline)
                or _distance(style.bgcolor, other_style.bgcolor) > 60
                or _distance(style.color, other_style.color) > 60):
            changed += 1
    return changed >= min(3, len(focused))


async def tab_stops(app, pilot, key: str = "tab") -> list:
    """Press ``key`` until the focus comes back round; check each stop as it goes: on screen,
    and drawn differently focused (now) than blurred (after the next press)."""
    stops, seen_focused = [], {}
    first = app.focused
    if first is not None:
        seen_focused[first] = drawn(app, first)
    for _ in range(40):
        await pilot.press(key)
        await settle(app, pilot)
        widget = app.focused
        assert widget is not None, f"after {stops}, {key} left nothing focused"
        for earlier, focused_look in seen_focused.items():
            if earlier is not widget and earlier.is_mounted:
                assert clearly_different(focused_look, drawn(app, earlier)), (
                    f"{earlier!r} looks the same focused and not: its focus is invisible")
        seen_focused.clear()
        region = widget.region.intersection(app.screen.region)
        assert region.area > 0, f"{widget!r} took the focus but is not on screen"
        assert widget.visible and widget.display, f"{widget!r} took the focus but is hidden"
        seen_focused[widget] = drawn(app, widget)
        if widget is first or widget in stops:
            break
        stops.append(widget)
    await pilot.press(key)  # the last stop seen blurred too
    await settle(app, pilot)
    for earlier, focused_look in seen_focused.items():
        if earlier is not app.focused:
            assert clearly_different(focused_look, drawn(app, earlier)), (
                f"{earlier!r}: focus invisible")
    return stops


@run_async
async def test_every_tab_stop_of_the_start_screen_is_seen_and_drawn_focused(tmp_path):
    app = WargameApp("escalation-ladder", save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.focused is app.screen.query_one("#scenario")
        ids = [widget.id for widget in await tab_stops(app, pilot)]
        assert ids == ["scenario-file", "seat-us", "seat-cn", "seed", "save", "start-button"]
        back = [widget.id for widget in await tab_stops(app, pilot, "shift+tab")]
        assert back == ["scenario", "start-button", "save", "seed", "seat-cn", "seat-us"]


@run_async
async def test_every_tab_stop_of_a_seat_is_seen_and_drawn_focused(tmp_path):
    app = WargameApp("escalation-ladder", seed=1, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, seats=("us",))
        await enter_seat(app, pilot, "us")
        screen = app.screen
        screen.query_one("#move-kind", Select).value = "tighten_controls"
        await settle(app, pilot)
        ids = [widget.id for widget in await tab_stops(app, pilot)]
        assert "param-levels" in ids and "submit" in ids and "end-turn" in ids
        assert "move-form" not in ids  # the form's scroll container is no stop of its own
        for tab in ("situation", "events-tab"):
            screen.set_focus(None)
            screen.query_one(TabbedContent).active = tab
            await settle(app, pilot)
            await tab_stops(app, pilot)


async def to_white_cell(app, pilot) -> None:
    """From a seat to the white cell's console, through its hand-over screen."""
    await pilot.press("ctrl+w")
    await settle(app, pilot)
    await enter_seat(app, pilot, "white")


async def open_white_cell(app, pilot) -> None:
    """A game with the US played by people, and the white cell's console open."""
    await start(app, pilot, seats=("us",))
    await enter_seat(app, pilot, "us")
    await to_white_cell(app, pilot)


def footer_keys(app) -> dict[str, str]:
    footer = app.screen.query_one(Footer)
    return {key.key: key.description for key in footer.query("FooterKey")}


@run_async
async def test_seat_keys_work_from_a_text_field_and_stay_in_the_footer(tmp_path):
    app = WargameApp("escalation-ladder", seed=1, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, seats=("us",))
        await enter_seat(app, pilot, "us")
        screen = app.screen
        screen.query_one("#move-kind", Select).value = "tighten_controls"
        await settle(app, pilot)
        screen.query_one("#param-levels").focus()
        await settle(app, pilot)
        keys = footer_keys(app)
        for key, what in (("ctrl+e", "End my turn"), ("ctrl+w", "White cell"),
                          ("ctrl+s", "Save")):
            assert keys.get(key) == what, keys
        await pilot.press("ctrl+w")  # from the field: to the white cell's hand-over
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen) and app.screen.seat == "white"
        await pilot.press("escape")
        app.hand_over("us")
        await settle(app, pilot)
        await enter_seat(app, pilot, "us")
        screen = app.screen
        assert isinstance(screen, SeatScreen)
        screen.set_focus(None)
        screen.query_one(TabbedContent).active = "events-tab"
        await settle(app, pilot)
        screen.query_one("#event-search").focus()
        await pilot.press("ctrl+e")  # from the search box: the turn ends
        await settle(app, pilot)
        assert app.session.game.turn == 1


@run_async
async def test_white_cell_keys_work_from_a_text_field_and_stay_in_the_footer(tmp_path):
    """Typing a rationale, the facilitator steps the week and advances the turn from the field
    (a text field would take ctrl+a for "start of line" and ctrl+t for nothing)."""
    app = WargameApp("escalation-ladder", seed=1, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await open_white_cell(app, pilot)
        screen = app.screen
        screen.query_one(TabbedContent).active = "inject"
        await settle(app, pilot)
        screen.query_one("#inject-rationale").focus()
        await settle(app, pilot)
        keys = footer_keys(app)
        for key, what in (("ctrl+a", "Advance the turn"), ("ctrl+t", "Step a week"),
                          ("ctrl+s", "Save")):
            assert keys.get(key) == what, keys
        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert app.session.game.week == 1 and app.session.game.turn == 0
        screen.query_one("#inject-rationale").focus()
        await pilot.press("ctrl+a")
        await settle(app, pilot)
        assert app.session.game.turn == 1


@run_async
async def test_the_white_cells_form_tabs_have_no_invisible_tab_stop(tmp_path):
    """A form tab's scrolling container draws nothing focused: Tab goes to its first field."""
    app = WargameApp("escalation-ladder", seed=1, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await open_white_cell(app, pilot)
        screen = app.screen
        for tab in ("inject", "override", "turns"):
            pane = screen.query_one(f"#{tab}")
            containers = [w for w in pane.walk_children() if w.can_focus
                          and not w.id and type(w).__name__ == "VerticalScroll"]
            assert containers == [], tab


async def focused_look(app, pilot, widget) -> tuple[list, list]:
    """``widget`` drawn blurred, then focused."""
    app.screen.set_focus(None)
    await pilot.pause()
    blurred = drawn(app, widget)
    widget.focus()
    await pilot.pause()
    return blurred, drawn(app, widget)


async def field_focus_colour(app, pilot, field: str):
    """The background of the focused field ``field`` (of most of its cells: its text may be
    selected, its cursor drawn)."""
    _, look = await focused_look(app, pilot, app.screen.query_one(f"#{field}"))
    return Counter(style.bgcolor for _, style in look).most_common(1)[0][0]


async def assert_buttons_drawn_focused_as_a_field(app, pilot, buttons, field_colour) -> None:
    """Each button focused is drawn as a focused field is: the accent background on every cell,
    no reverse video (the default look, a terminal's reverse of the button's own colours: on a
    primary or a plain button a person in tmux saw no change), and clearly unlike it blurred."""
    accent = {field_colour}
    for button_id in buttons:
        blurred, focused = await focused_look(app, pilot, app.screen.query_one(f"#{button_id}"))
        assert clearly_different(focused, blurred), button_id
        assert {style.bgcolor for _, style in focused} == accent, (button_id, focused)
        assert not any(style.reverse for _, style in focused), button_id


@run_async
async def test_every_button_of_a_seat_and_the_white_cells_turns_tab_shows_its_focus(tmp_path):
    app = WargameApp("escalation-ladder", seed=1, save=tmp_path / "s.jsonl")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, seats=("us",))
        await enter_seat(app, pilot, "us")
        screen = app.screen
        screen.query_one("#move-kind", Select).value = "tighten_controls"
        await settle(app, pilot)
        accent = await field_focus_colour(app, pilot, "param-levels")
        await assert_buttons_drawn_focused_as_a_field(
            app, pilot, ("submit", "withdraw", "end-turn"), accent)
        await to_white_cell(app, pilot)
        screen = app.screen
        screen.set_focus(None)
        screen.query_one(TabbedContent).active = "turns"
        await settle(app, pilot)
        ids = [widget.id for widget in await tab_stops(app, pilot)]
        for button in ("step", "advance", "rollback", "report"):
            assert button in ids, ids
        await assert_buttons_drawn_focused_as_a_field(
            app, pilot, ("step", "advance", "rollback", "report"), accent)
        for tab, buttons in (("inject", ("fire",)), ("override", ("apply-override",))):
            screen.set_focus(None)
            screen.query_one(TabbedContent).active = tab
            await settle(app, pilot)
            await assert_buttons_drawn_focused_as_a_field(app, pilot, buttons, accent)
