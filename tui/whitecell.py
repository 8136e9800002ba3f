"""The white cell console: the truth, injects, overrides, turns, rollback and the report."""

from __future__ import annotations

import math
import time

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    Footer,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
)

from tui.forms import whole_number
from tui.seat import (
    Column,
    EventLogScreen,
    FitTable,
    FitText,
    TextPanel,
    show_situation,
    status_line,
)
from tui.typed import game_app
from wargame.text import short_number
from wargame.views import IndicatorView, Snapshot

CUSTOM = "__custom__"
OUTCOME_COLUMNS = (Column("outcome", rest=True), Column("so far", right=True))


def _unit(view: IndicatorView) -> str:
    return f" {view.unit}" if view.unit else ""


def bounds_text(view: IndicatorView, lead: str = "bounds") -> str:
    """``bounds 0 to 1``, ``at least 0``, ``no bounds``: the scenario's limits on an indicator
    (``lead="within"`` words them for an error: ``within 0 to 1``)."""
    low, high = view.minimum, view.maximum
    if low is not None and high is not None:
        return f"{lead} {short_number(low)} to {short_number(high)}{_unit(view)}"
    if low is not None:
        return f"at least {short_number(low)}{_unit(view)}"
    if high is not None:
        return f"at most {short_number(high)}{_unit(view)}"
    return "no bounds" if lead == "bounds" else "a finite number"


def within(view: IndicatorView, value: float) -> bool:
    """Inside the indicator's bounds (and finite: the engine refuses infinity and NaN)."""
    return (math.isfinite(value) and (view.minimum is None or value >= view.minimum)
            and (view.maximum is None or value <= view.maximum))


def pending_text(snapshot: Snapshot) -> str:
    """Each move not yet in effect: id, team and move on one line, its parameters (whole, never
    cut at the pane's edge) and where it stands on the next."""
    if not snapshot.pending:
        return "No move is waiting: none submitted this turn, none announced and still lagging."
    lines: list[str] = []
    for move in snapshot.pending:
        if move.status == "submitted":
            lag = f", in effect {move.lag_weeks:g} wk later" if move.lag_weeks else ""
            state = f"submitted: announced when the turn ends{lag}"
        else:
            state = f"announced: in effect in {move.effective_in or 0:g} wk"
        # an arrow, not an indent, marks the details: a wrapped Static drops leading spaces
        lines += [f"{move.id}  {move.team}  {move.kind}", f"↳ {move.params or 'no parameters'}",
                  f"↳ {state}", ""]
    return "\n".join(lines[:-1])


class WhiteCellScreen(EventLogScreen):
    AUTO_FOCUS = "#indicators-pane"
    BINDINGS = [
        Binding("ctrl+a", "advance", "Advance the turn", id="white.advance",
                priority=True),
        Binding("ctrl+t", "step", "Step a week", id="white.step",
                priority=True),
        Binding("ctrl+r", "report", "Report", id="white.report",
                priority=True),
        Binding("ctrl+s", "save", "Save", id="white.save",
                priority=True),
        Binding("ctrl+n", "next_seat", "Back to the seats", id="white.seats",
                priority=True),
        Binding("f1", "help", "Help", id="white.help"),
    ]

    def __init__(self, snapshot: Snapshot, catalogue: list[tuple[str, str]]) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.catalogue = catalogue
        """(event kind, description) the facilitator can fire as injects."""

    def compose(self) -> ComposeResult:
        yield TextPanel(id="status")
        with TabbedContent(initial="truth"):
            with TabPane("Truth", id="truth"), Horizontal():
                with VerticalScroll(id="indicators-pane"):
                    yield FitText(id="indicators")
                with VerticalScroll(id="truth-side"):
                    yield FitText(id="outcomes")
                    yield Label("")
                    yield FitText(id="links")
            with TabPane("Events", id="events-tab"):
                yield Input(placeholder="search every event", id="event-search", compact=True)
                yield FitTable(id="events", cursor_type="row", zebra_stripes=True)
            with TabPane("Moves", id="moves-tab"), VerticalScroll():
                yield Static("Every team's moves not yet in effect: submitted this turn (the "
                             "team may still withdraw them) or announced and in their lag.")
                yield Static("", id="pending-moves")
            with TabPane("Inject", id="inject"), VerticalScroll(can_focus=False):
                yield Label("Event to fire now (visible to every team)")
                yield Select([*((f"{kind}: {text[:60]}", kind) for kind, text in self.catalogue),
                              ("a custom event...", CUSTOM)], prompt="choose an event",
                             id="inject-kind", compact=True)
                yield Input(placeholder="custom event kind (lower_case)", id="inject-custom",
                            compact=True)
                yield Input(placeholder="what happens (one sentence)", id="inject-description",
                            compact=True)
                yield Input(placeholder="rationale (recorded in the journal)",
                            id="inject-rationale", compact=True)
                yield Static("", id="inject-error", classes="error")
                yield Button("Fire the inject", id="fire", variant="primary", compact=True)
            with TabPane("Override", id="override"), VerticalScroll(can_focus=False):
                yield Label("Set an indicator to a value (an adjudication)")
                yield Select([(view.label, view.name) for view in self.snapshot.indicators],
                             prompt="choose an indicator", id="override-indicator", compact=True)
                yield Static("", id="override-current")
                # no type="number": it dropped keys it did not take (0,5 became 5); the
                # value is read and refused inline (_override)
                yield Input(placeholder="new value", id="override-value", compact=True)
                yield Input(placeholder="rationale (recorded in the journal)",
                            id="override-rationale", compact=True)
                yield Static("", id="override-error", classes="error")
                yield Button("Override", id="apply-override", variant="warning", compact=True)
            with TabPane("Turns", id="turns"), VerticalScroll(can_focus=False):
                yield Button("Step one week (the turn stays open)", id="step", compact=True)
                yield Button("Advance to the end of the turn", id="advance", variant="primary",
                             compact=True)
                yield Label("Roll back to the start of turn (1 = the game's start)")
                # no type="integer": it dropped the "." of 1.5 and asked for turn 15
                yield Input(placeholder="turn", id="rollback-turn", compact=True)
                yield Static("", id="turns-error", classes="error")
                yield Button("Roll back...", id="rollback", variant="error", compact=True)
                yield Button("Write the after-action report", id="report", compact=True)
                yield Label("", id="turns-info")
        yield Footer()

    def on_mount(self) -> None:
        self.render_snapshot(self.snapshot)

    def render_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.rendered_at = time.perf_counter()  # when this screen last took a new snapshot
        self.query_one("#status", TextPanel).set_text(status_line(snapshot, "White cell"))
        show_situation(self, snapshot)
        self._show_events_if_visible()
        # the id wraps (at its underscores) in the narrow side pane, the value stays in sight
        self.query_one("#outcomes", FitText).show(
            OUTCOME_COLUMNS, ((name, short_number(value)) for name, value in snapshot.outcomes))
        self.query_one("#pending-moves", Static).update(Text(pending_text(snapshot)))
        self._show_current()

    def _chosen(self) -> IndicatorView | None:
        """The indicator chosen in the override form, as of the last snapshot."""
        name = self.query_one("#override-indicator", Select).value
        return next((view for view in self.snapshot.indicators if view.name == name), None)

    @on(Select.Changed, "#override-indicator")
    def _show_current(self) -> None:
        """The chosen indicator's true value now and its bounds, beside the new value's field."""
        view = self._chosen()
        self.query_one("#override-current", Static).update(
            "" if view is None else f"now {short_number(view.value)}{_unit(view)} · "
                                    f"{bounds_text(view)}")

    def show_error(self, where: str, message: str) -> None:
        self.query_one(f"#{where}-error", Static).update(message)

    @on(Button.Pressed, "#fire")
    @on(Input.Submitted, "#inject Input")  # Enter in a field fires (the form checked again)
    def _fire(self) -> None:
        kind = self.query_one("#inject-kind", Select).value
        description = self.query_one("#inject-description", Input).value.strip()
        rationale = self.query_one("#inject-rationale", Input).value.strip()
        if kind is Select.NULL:
            self.show_error("inject", "choose an event (or a custom one)")
            return
        if kind == CUSTOM:
            kind = self.query_one("#inject-custom", Input).value.strip()
            if not kind:
                self.show_error("inject", "a custom event needs a kind")
                return
        if not description:
            description = dict(self.catalogue).get(str(kind), "")
        if not rationale:
            self.show_error("inject", "rationale: say why (it goes into the journal)")
            return
        self.show_error("inject", "")
        game_app(self).inject_event(str(kind), description, rationale)

    @on(Button.Pressed, "#apply-override")
    @on(Input.Submitted, "#override Input")
    def _override(self) -> None:
        indicator = self.query_one("#override-indicator", Select).value
        text = self.query_one("#override-value", Input).value.strip()
        rationale = self.query_one("#override-rationale", Input).value.strip()
        if indicator is Select.NULL:
            self.show_error("override", "choose an indicator")
            return
        try:
            value = float(text)
        except ValueError:
            self.show_error("override", f"value: must be a number (got {text!r})")
            return
        view = self._chosen()
        if view is not None and not within(view, value):
            self.show_error("override", f"value: must be {bounds_text(view, 'within')} for "
                                        f"{view.label} (got {text})")
            return
        if not rationale:
            self.show_error("override", "rationale: say why (it goes into the journal)")
            return
        self.show_error("override", "")
        game_app(self).override(str(indicator), value, rationale)

    @on(Button.Pressed, "#advance")
    def _advance(self) -> None:
        self.action_advance()

    @on(Button.Pressed, "#step")
    def _step(self) -> None:
        self.action_step()

    def action_step(self) -> None:
        game_app(self).step_week()

    def show_rollback(self) -> None:
        """The Turns tab with the focus in the rollback field (the palette's "Roll back")."""
        self.query_one(TabbedContent).active = "turns"
        self.query_one("#rollback-turn", Input).focus()

    @on(Input.Submitted, "#rollback-turn")
    @on(Button.Pressed, "#rollback")
    def _rollback(self) -> None:
        """Turns are numbered as the status line numbers them ("turn 2" is the turn in play
        after the first has ended): rolling back to turn k puts the game at its start, so the
        status line says "turn k" again. The last one allowed is the turn in play (its start
        undoes what this turn has done so far); after the horizon, the last turn played."""
        text = self.query_one("#rollback-turn", Input).value.strip()
        last = self.snapshot.turn if self.snapshot.over else self.snapshot.turn + 1
        turn = whole_number(text)
        if turn is None or not 1 <= turn <= last:
            self.show_error("turns", f"turn: a whole number from 1 to {last} (got {text!r})")
            return
        self.show_error("turns", "")
        game_app(self).confirm_rollback(turn)

    @on(Button.Pressed, "#report")
    def _report(self) -> None:
        self.action_report()

    def action_advance(self) -> None:
        game_app(self).advance_turn()

    def action_report(self) -> None:
        game_app(self).write_report()

    def action_save(self) -> None:
        game_app(self).save_now()

    def action_next_seat(self) -> None:
        game_app(self).back_to_seats()

    def action_help(self) -> None:
        game_app(self).action_help()
