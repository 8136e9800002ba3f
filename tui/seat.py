"""A team's seat: what the team may see, its move form, its pending moves."""

from __future__ import annotations

import textwrap
import time
from collections.abc import Iterable, Sequence
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
from tui.session import EventView, Snapshot
from tui.typed import game_app
from wargame.text import format_value, sparkline, table


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


def links_text(snapshot: Snapshot) -> str:
    if not snapshot.links:
        return "No restricted or cut links."
    return "\n".join(table(((link.edge, link.status) for link in snapshot.links),
                           ("supply link", "status")))


def indicator_text(snapshot: Snapshot) -> str:
    """The indicator panel as aligned text: one render per snapshot, however many rows.

    A DataTable re-renders every visible cell when one changes; with sixty indicators that was
    most of a turn's time on screen (benchmarks/tui_turn.py), and the panel needs no cursor.
    Values are right-aligned (their header too), so digits of the same place line up."""
    values = [format_value(view.value) for view in snapshot.indicators]
    width = max([len("value"), *map(len, values)])
    rows = [(view.label, value.rjust(width), view.unit, sparkline(view.history))
            for view, value in zip(snapshot.indicators, values, strict=True)]
    return "\n".join(table(rows, ("indicator", "value".rjust(width), "unit", "so far")))


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


def fill_fitted(table: DataTable, columns: Sequence[Column],
                rows: Iterable[tuple[str, Sequence[str]]]) -> None:
    """Fill ``table`` so that every column fits in its width, the ``rest`` column wrapping.

    Why: a DataTable gives each column its widest cell and scrolls sideways, so at 80 or 100
    columns a pending move's parameters and an event's cause were past the edge, where nobody
    looks. Each row is as tall as its most wrapped cell; the text is wrapped here, once, so the
    table measures nothing. ``rows`` are (key, cells)."""
    rows = list(rows)
    natural = [max([len(column.label), *(len(line) for _, cells in rows
                                          for line in cells[i].split("\n"))])
               for i, column in enumerate(columns)]
    widths = [min(width, column.most) if column.most else width
              for width, column in zip(natural, columns, strict=True)]
    room = table.content_region.width - 2  # a vertical scrollbar may come with the rows
    if room > 0:
        fixed = sum(width + 2 for width, column in zip(widths, columns, strict=True)
                    if not column.rest)
        widths = [max(REST_AT_LEAST, room - fixed - 2) if column.rest else width
                  for width, column in zip(widths, columns, strict=True)]
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
                    yield TextPanel(id="indicators")
                with VerticalScroll(id="links-pane"):
                    yield Label("Supply network")
                    yield TextPanel(id="links")
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
        self.query_one("#indicators", TextPanel).set_text(indicator_text(snapshot))
        self.query_one("#links", TextPanel).set_text(links_text(snapshot))
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
