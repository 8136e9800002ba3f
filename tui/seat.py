"""A team's seat: what the team may see, its move form, its pending moves."""

from __future__ import annotations

import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
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

    DEFAULT_CSS = "TextPanel { height: auto; width: 1fr; }"
    text: reactive[str] = reactive("", layout=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines = 0

    def set_text(self, text: str) -> None:
        lines = text.count("\n") + 1
        self.text = text
        if lines != self._lines:
            self._lines = lines
            self.refresh(layout=True)

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
    most of a turn's time on screen (benchmarks/tui_turn.py), and the panel needs no cursor."""
    rows = [(view.label, format_value(view.value), view.unit, sparkline(view.history))
            for view in snapshot.indicators]
    return "\n".join(table(rows, ("indicator", "value", "unit", "so far")))


def fill_events(table: DataTable, events: tuple[EventView, ...], query: str = "") -> None:
    table.clear(columns=True)
    table.add_columns("week", "date", "actor", "event", "what happened", "cause")
    needle = query.lower().strip()
    for event in events:
        text = f"{event.actor} {event.kind} {event.description} {event.cause}".lower()
        if needle and needle not in text:
            continue
        table.add_row(f"{event.week:.1f}", event.date, event.actor, event.kind,
                      event.description, event.cause, key=event.id)


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
                yield DataTable(id="events", cursor_type="row", zebra_stripes=True)
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
                    yield DataTable(id="pending", cursor_type="row")
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
        pending = self.query_one("#pending", DataTable)
        pending.clear(columns=True)
        pending.add_columns("takes effect", "move")
        for move in snapshot.pending:
            if move.status == "submitted":
                when = f"turn end+{move.lag_weeks:g} wk" if move.lag_weeks else "at turn end"
            else:
                when = f"in {move.effective_in:g} wk"
            label = f"{move.id} {move.kind}" + (f" ({move.params})" if move.params else "")
            pending.add_row(when, label, key=move.id)

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
        self.app.submit_move(self.seat, move.kind, params)  # type: ignore[attr-defined]

    def show_error(self, message: str) -> None:
        self.query_one("#move-error", Static).update(message)

    @on(Button.Pressed, "#withdraw")
    def _withdraw(self) -> None:
        table = self.query_one("#pending", DataTable)
        if not table.row_count:
            self.show_error("no pending move to withdraw")
            return
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        self.app.withdraw_move(self.seat, str(row_key.value))  # type: ignore[attr-defined]

    @on(Button.Pressed, "#end-turn")
    def _end(self) -> None:
        self.action_end_turn()

    def action_end_turn(self) -> None:
        self.app.end_turn(self.seat)  # type: ignore[attr-defined]

    def action_white_cell(self) -> None:
        self.app.hand_over("white")  # type: ignore[attr-defined]

    def action_save(self) -> None:
        self.app.save_now()  # type: ignore[attr-defined]

    def action_help(self) -> None:
        self.app.action_help()  # type: ignore[attr-defined]
