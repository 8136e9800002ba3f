"""A team's seat: what the team may see, its move form, its pending moves."""

from __future__ import annotations

import re
import textwrap
import time
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, NamedTuple

from rich.cells import cell_len
from rich.text import Text
from textual import events as textual_events
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import (
    Button,
    DataTable,
    Footer,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from tui.forms import FormError, param_widgets, read_params
from tui.typed import game_app
from wargame.text import short_number, sparkline
from wargame.views import EventView, Snapshot


def status_line(snapshot: Snapshot, title: str) -> str:
    """Seat, turn, time, then the scenario (last, so a narrow terminal cuts only that)."""
    state = "game over" if snapshot.over else f"turn {snapshot.turn + 1}"
    return (f"{title} · {state} · week {snapshot.week:g}/{snapshot.horizon_weeks:g} · "
            f"{snapshot.date} · {snapshot.scenario}")


def _same_rows(table: DataTable, keys: list[str], columns: tuple[str, ...]) -> bool:
    return (len(table.columns) == len(columns) and table.row_count == len(keys)
            and [row.value for row in table.rows] == keys)


class TextPanel(Widget):
    """Aligned text that changes every turn but rarely changes size.

    Why not a DataTable or a Static: both re-layout or re-render every cell on each update, and
    with sixty indicators that was most of a turn's time on screen (benchmarks/tui_turn.py). This
    widget asks for a layout pass only when its number of lines changes."""

    # never wrapped: a wrapped row (a sparkline on a line of its own) breaks the columns
    DEFAULT_CSS = """
    TextPanel { height: auto; width: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """
    text: reactive[str] = reactive("", layout=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines = 0
        self._width = 0

    def set_text(self, text: str) -> None:
        lines = text.split("\n")
        width = max(cell_len(line) for line in lines)
        self.text = text
        if (len(lines), width) != (self._lines, self._width):
            self._lines, self._width = len(lines), width
            self.refresh(layout=True)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """The widest line, so that a pane of ``width: auto`` is as wide as its table."""
        return self._width

    def render(self) -> Text:
        return Text(self.text, no_wrap=True, overflow="ellipsis")


class Column(NamedTuple):
    """A column of a fitted table (``fill_fitted``)."""

    label: str
    right: bool = False
    """A number: right-aligned, so its digits line up."""
    rest: bool = False
    """The column that takes the width the others leave, its text wrapped to it (one per
    table)."""
    most: int | None = None
    """Wrap past this many characters (a long cause), so ``rest`` keeps some room."""


REST_AT_LEAST = 16
"""The narrowest the ``rest`` column gets; below it the table scrolls sideways."""


class _Wrapper(textwrap.TextWrapper):
    """Breaks at spaces and after a hyphen or an underscore (an outcome's id wraps by its
    words, ``china_value_`` / ``added_lost_bn``, not at an arbitrary letter)."""

    wordsep_re = re.compile(r"(\s+|(?<=[_-])(?=[^\s_-]))")


def wrap(text: str, width: int) -> list[str]:
    """``text``'s lines wrapped to ``width`` (an empty line stays one line)."""
    return list(_wrapped(text, width))


@lru_cache(maxsize=8192)
def _wrapped(text: str, width: int) -> tuple[str, ...]:
    """``wrap``, remembered: a turn refits every panel, and most of its cells (names, units,
    values that did not move) are the ones wrapped the turn before; wrapping them again was
    most of the time from a turn's snapshot to its first frame."""
    wrapper = _Wrapper(max(1, width))
    return tuple(piece for line in text.split("\n") for piece in (wrapper.wrap(line) or [""]))


def fit_widths(columns: Sequence[Column], cells: Sequence[Sequence[str]], room: int,
               gap: int, least: int = REST_AT_LEAST) -> list[int]:
    """Each column's width so that the row fits in ``room`` (columns ``gap`` apart): the
    widest of its cells and label, a ``most`` column capped when the widest do not fit, the
    ``rest`` column the width left (at least ``least``). ``room`` <= 0 (not laid out yet): the
    widest."""
    natural = [max([len(column.label), *(len(line) for row in cells
                                          for line in row[i].split("\n"))])
               for i, column in enumerate(columns)]
    fits = room <= 0 or sum(natural) + gap * (len(natural) - 1) <= room
    widths = [min(width, column.most) if column.most and not fits else width
              for width, column in zip(natural, columns, strict=True)]
    if room > 0:
        fixed = sum(width + gap for width, column in zip(widths, columns, strict=True)
                    if not column.rest)
        widths = [max(least, room - fixed) if column.rest else width
                  for width, column in zip(widths, columns, strict=True)]
    return widths


def fill_fitted(table: DataTable, columns: Sequence[Column],
                rows: Iterable[tuple[str, Sequence[str]]]) -> None:
    """Fill ``table`` so that every column fits in its width, the ``rest`` column wrapping.

    Why: a DataTable gives each column its widest cell and scrolls sideways, so at 80 or 100
    columns a pending move's parameters and an event's cause were past the edge, where nobody
    looks. Each row is as tall as its most wrapped cell; the text is wrapped here, once, so the
    table measures nothing. ``rows`` are (key, cells)."""
    rows = list(rows)
    # a vertical scrollbar may come with the rows; a cell has a space either side
    widths = fit_widths(columns, [cells for _, cells in rows],
                        table.content_region.width - 2 - 2, gap=2)
    table.clear(columns=True)
    for column, width in zip(columns, widths, strict=True):
        table.add_column(Text(column.label, justify="right" if column.right else "left"),
                         width=width)
    for key, cells in rows:
        wrapped = [[piece for line in cell.split("\n")
                    for piece in (textwrap.wrap(line, width) or [""])]
                   for cell, width in zip(cells, widths, strict=True)]
        table.add_row(*(Text("\n".join(lines), justify="right" if column.right else "left")
                        for lines, column in zip(wrapped, columns, strict=True)),
                      key=key, height=max(len(lines) for lines in wrapped))


def fit_lines(columns: Sequence[Column], rows: Sequence[Sequence[str]], room: int
              ) -> list[str]:
    """A text table (header, a rule, the rows) whose lines fit in ``room`` characters, as
    ``fill_fitted`` fits a DataTable: the ``rest`` column (and a ``most`` one) wrapped, the
    other cells on the row's first line."""
    widths = fit_widths(columns, rows, room, gap=2)
    if room > 0 and sum(widths) + 2 * (len(widths) - 1) > room:
        # too narrow for columns (a side pane at 80 columns): each row's ``rest`` cell on
        # lines of its own, the other cells under it, right-aligned
        header = "  ".join(column.label for column in columns)
        out = [header, "-" * min(room, len(header))]
        for cells in rows:
            rest = [cell for cell, column in zip(cells, columns, strict=True) if column.rest]
            others = [cell for cell, column in zip(cells, columns, strict=True)
                      if not column.rest]
            out += [*(line for cell in rest for line in wrap(cell, room)),
                    "  ".join(others).rjust(room)]
        return out

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.rjust(width) if column.right else cell.ljust(width)
                         for cell, width, column in zip(cells, widths, columns, strict=True)
                         ).rstrip()

    out = [line([column.label for column in columns]), "  ".join("-" * w for w in widths)]
    for cells in rows:
        wrapped = [wrap(cell, width) for cell, width in zip(cells, widths, strict=True)]
        out += [line([lines[i] if i < len(lines) else "" for lines in wrapped])
                for i in range(max(map(len, wrapped)))]
    return out


class FitText(TextPanel):
    """A text table (``fit_lines``) that fits the pane it is in, refitted when its width
    changes: at 80 columns a long name wraps and the values beside it stay on screen.

    Why not a ``FitTable``: see ``TextPanel`` (sixty indicators re-rendered every turn). Its
    width: in a pane of ``width: auto`` the table's natural width (the pane is as wide as the
    table, up to its ``max-width``), then no wider than the pane it was given."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._columns: tuple[Column, ...] = ()
        self._rows: list[tuple[str, ...]] = []
        self._empty = ""
        self._fitted: dict[int, list[str]] = {}

    def show(self, columns: Sequence[Column], rows: Iterable[Sequence[str]],
             empty: str = "") -> None:
        """The table of ``rows`` (``empty``, wrapped, when there is none)."""
        self._columns, self._rows, self._empty = tuple(columns), [tuple(r) for r in rows], empty
        self._fitted = {}
        size = (len(self._lines_at(self.content_region.width)),
                max(map(cell_len, self._lines_at(0))))
        if size != (self._lines, self._width):
            self._lines, self._width = size
            self.refresh(layout=True)
        else:
            self.refresh()

    def _lines_at(self, width: int) -> list[str]:
        if width not in self._fitted:
            if self._rows or not self._empty:
                self._fitted[width] = fit_lines(self._columns, self._rows, width)
            else:
                self._fitted[width] = wrap(self._empty, width) if width > 0 else [self._empty]
        return self._fitted[width]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        # an auto-width pane measures its content with no width (Textual's optimal pass)
        return self._width if container.width <= 0 else min(self._width, container.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines_at(width))

    def render(self) -> Text:
        return Text("\n".join(self._lines_at(self.content_region.width)), no_wrap=True,
                    overflow="ellipsis")


INDICATOR_COLUMNS = (Column("indicator", rest=True), Column("value", right=True),
                     Column("unit", most=8), Column("so far"))
"""Values are right-aligned (their header too), so digits of the same place line up."""


def indicator_rows(snapshot: Snapshot) -> list[tuple[str, ...]]:
    return [(view.label, short_number(view.value), view.unit, sparkline(view.history))
            for view in snapshot.indicators]


LINK_COLUMNS = (Column("supply link", rest=True), Column("status"))


def show_situation(screen: Screen[Any], snapshot: Snapshot) -> None:
    """The indicators and the supply links (a seat's Situation tab, the white cell's Truth)."""
    screen.query_one("#indicators", FitText).show(INDICATOR_COLUMNS, indicator_rows(snapshot))
    screen.query_one("#links", FitText).show(
        LINK_COLUMNS, ((link.edge, link.status) for link in snapshot.links),
        empty="No restricted or cut links.")


class FitTable(DataTable):
    """A ``DataTable`` filled by ``fill_fitted`` that fits itself again when its width changes
    (a terminal resized, a pane laid out after the first fill), the cursor kept on its row."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._shown: tuple[Sequence[Column], list[tuple[str, Sequence[str]]]] | None = None
        self._fitted_to = -1

    def show(self, columns: Sequence[Column], rows: Iterable[tuple[str, Sequence[str]]]
             ) -> None:
        self._shown = (columns, list(rows))
        self._fitted_to = self.content_region.width
        row = self.cursor_row
        fill_fitted(self, *self._shown)
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1), animate=False)

    def on_resize(self, _event: textual_events.Resize) -> None:
        if self._shown is not None and self.content_region.width != self._fitted_to:
            self.show(*self._shown)


EVENT_COLUMNS = (Column("week", right=True), Column("date"), Column("actor"),
                 Column("what happened", rest=True), Column("cause", most=20))


def event_rows(events: tuple[EventView, ...], query: str = ""
               ) -> list[tuple[str, Sequence[str]]]:
    needle = query.lower().strip()
    return [(event.id, (f"{event.week:.1f}", event.date, event.actor,
                        f"{event.kind}: {event.description}", event.cause))
            for event in events
            if not needle or needle in
            f"{event.actor} {event.kind} {event.description} {event.cause}".lower()]


def fill_events(table: DataTable, events: tuple[EventView, ...], query: str = "") -> None:
    """The event log, newest first, filtered by ``query``; each row's cause in its own column,
    the kind and what happened wrapped to the width left."""
    if isinstance(table, FitTable):
        table.show(EVENT_COLUMNS, event_rows(events, query))
    else:
        fill_fitted(table, EVENT_COLUMNS, event_rows(events, query))


class EventLogScreen(Screen[None]):
    """A screen with an ``#events`` log tab and a search box (a seat, the white cell)."""

    snapshot: Snapshot

    def _show_events_if_visible(self) -> None:
        """The event log is refilled only while its tab is shown (and when it is opened): a
        table of hundreds of rows hidden behind another tab need not be rebuilt every turn."""
        if self.query_one(TabbedContent).active == "events-tab":
            fill_events(self.query_one("#events", DataTable), self.snapshot.events,
                        self.query_one("#event-search", Input).value)

    @on(TabbedContent.TabActivated)
    def _tab_shown(self) -> None:
        self._show_events_if_visible()

    @on(Input.Changed, "#event-search")
    def _search(self, event: Input.Changed) -> None:
        fill_events(self.query_one("#events", DataTable), self.snapshot.events, event.value)


PENDING_COLUMNS = (Column("takes effect"), Column("move", rest=True))


class SeatScreen(EventLogScreen):
    """One team's view. Everything shown comes from a snapshot taken for this seat."""

    AUTO_FOCUS = "#move-kind"
    # priority: a text field has bindings of its own for ctrl+e and ctrl+w (end of line, delete a
    # word), which would swallow these keys and hide them from the footer while it has focus
    BINDINGS = [
        Binding("ctrl+e", "end_turn", "End my turn", id="seat.end_turn", priority=True),
        Binding("ctrl+w", "white_cell", "White cell", id="seat.white_cell", priority=True),
        Binding("ctrl+s", "save", "Save", id="seat.save", priority=True),
        Binding("f1", "help", "Help", id="seat.help"),
    ]

    def __init__(self, seat: str, title: str, snapshot: Snapshot) -> None:
        super().__init__()
        self.seat = seat
        self.seat_name = title
        self.snapshot = snapshot

    def compose(self) -> ComposeResult:
        yield TextPanel(id="status")
        with TabbedContent(initial="moves"):
            with TabPane("Situation", id="situation"), Horizontal():
                with VerticalScroll(id="indicators-pane"):
                    yield FitText(id="indicators")
                with VerticalScroll(id="links-pane"):
                    yield Label("Supply network")
                    yield FitText(id="links")
            with TabPane("Events", id="events-tab"):
                yield Input(placeholder="search the events you have seen", id="event-search",
                            compact=True)
                yield FitTable(id="events", cursor_type="row", zebra_stripes=True)
            with TabPane("Moves", id="moves"), Horizontal():
                # not a Tab stop: its fields are, and focusing one scrolls it into view
                with VerticalScroll(id="move-form", can_focus=False):
                    yield Select([(f"{m.kind} (lag {m.lag_weeks:g} wk)" if m.lag_weeks
                                   else m.kind, m.kind) for m in self.snapshot.moves],
                                 prompt="choose a move", id="move-kind", compact=True)
                    yield Static("", id="move-description")
                    yield Vertical(id="move-params")
                    yield Static("", id="move-error", classes="error")
                    yield Button("Submit the move", id="submit", variant="primary", compact=True)
                with Vertical(id="pending-pane"):
                    yield Label("Your pending moves")
                    yield FitTable(id="pending", cursor_type="row")
                    yield Button("Withdraw the selected move", id="withdraw", compact=True)
                    yield Button("End my turn", id="end-turn", variant="warning", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.render_snapshot(self.snapshot)

    def render_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.rendered_at = time.perf_counter()  # when this screen last took a new snapshot
        self.query_one("#status", TextPanel).set_text(status_line(snapshot, self.seat_name))
        show_situation(self, snapshot)
        self._show_events_if_visible()
        rows = []
        for move in snapshot.pending:
            if move.status == "submitted":
                when = f"turn end+{move.lag_weeks:g} wk" if move.lag_weeks else "at turn end"
            else:
                when = f"in {move.effective_in:g} wk"
            # the parameters on a line of their own, wrapped to the pane: never cut off
            rows.append((move.id, (when, f"{move.id} {move.kind}"
                                   + (f"\n{move.params}" if move.params else ""))))
        self.query_one("#pending", FitTable).show(PENDING_COLUMNS, rows)

    def _chosen_move(self):
        value = self.query_one("#move-kind", Select).value
        return next((m for m in self.snapshot.moves if m.kind == value), None)

    @on(Select.Changed, "#move-kind")
    async def _move_chosen(self) -> None:
        move = self._chosen_move()
        container = self.query_one("#move-params", Vertical)
        await container.remove_children()
        self.query_one("#move-error", Static).update("")
        if move is None:
            self.query_one("#move-description", Static).update("")
            return
        lag = (f" Announced when the turn ends; effective {move.lag_weeks:g} weeks later."
               if move.lag_weeks else " Takes effect when the turn ends.")
        uses = "" if move.uses_left is None else f" Uses left: {move.uses_left}."
        self.query_one("#move-description", Static).update(move.description + lag + uses)
        await container.mount_all(param_widgets(move, "param"))

    @on(Button.Pressed, "#submit")
    @on(Input.Submitted, "#move-params Input")  # Enter in a parameter submits (checked again)
    def _submit(self) -> None:
        error = self.query_one("#move-error", Static)
        move = self._chosen_move()
        if move is None:
            error.update("choose a move first")
            return
        try:
            params = read_params(move, self.query_one("#move-params", Vertical), "param")
        except FormError as exc:
            error.update(str(exc))
            return
        error.update("")
        game_app(self).submit_move(self.seat, move.kind, params)

    def show_error(self, message: str) -> None:
        self.query_one("#move-error", Static).update(message)

    @on(Button.Pressed, "#withdraw")
    def _withdraw(self) -> None:
        table = self.query_one("#pending", DataTable)
        if not table.row_count:
            self.show_error("no pending move to withdraw")
            return
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        game_app(self).withdraw_move(self.seat, str(row_key.value))

    @on(Button.Pressed, "#end-turn")
    def _end(self) -> None:
        self.action_end_turn()

    def action_end_turn(self) -> None:
        game_app(self).end_turn(self.seat)

    def action_white_cell(self) -> None:
        game_app(self).hand_over("white")

    def action_save(self) -> None:
        game_app(self).save_now()

    def action_help(self) -> None:
        game_app(self).action_help()
