"""Small screens: the hand-over between seats, a confirmation, and help."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Markdown, Static

from tui.typed import game_app
from wargame.views import WHITE_CELL


def seat_title(seat: str, names: dict[str, str]) -> str:
    return "the white cell (facilitator)" if seat == WHITE_CELL else names.get(seat, seat)


class HandoverScreen(Screen[None]):
    """Between seats: shows nothing of the previous team, so teams can share a terminal."""

    AUTO_FOCUS = "#ready"
    BINDINGS = [Binding("enter", "ready", "I am ready", id="handover.ready")]

    def __init__(self, seat: str, title: str, turn: int) -> None:
        super().__init__()
        self.seat = seat
        self.seat_name = title
        self.turn = turn

    def compose(self) -> ComposeResult:
        with Vertical(id="handover-box"):
            yield Static(f"Turn {self.turn + 1}", id="handover-turn")
            yield Static(f"Pass the terminal to {self.seat_name}.", id="handover-who")
            yield Static("Nothing on this screen belongs to the previous seat. Press Enter or "
                         "the button when the right people are at the keyboard.")
            yield Button("I am ready", id="ready", variant="primary", compact=True)
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ready":
            self.action_ready()

    def action_ready(self) -> None:
        game_app(self).open_seat(self.seat)


class ConfirmScreen(ModalScreen[bool]):
    """Yes or no, for actions that cannot be undone. "No" has the focus: Enter pressed out of
    habit keeps things as they are."""

    AUTO_FOCUS = "#no"
    BINDINGS = [Binding("escape", "no", "Cancel", id="confirm.cancel")]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                yield Button("Yes", id="yes", variant="error", compact=True)
                yield Button("No", id="no", variant="primary", compact=True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_no(self) -> None:
        self.dismiss(False)


HELP = """\
# wargame — help

**Seats.** Each team played by people has a seat; the white cell (the facilitator) sees the
truth. Between seats a hand-over screen hides everything, so teams can share one terminal.

**A team's seat.** *Situation*: the indicators your team may see (with a sparkline of the game so
far, as your intelligence reports them) and the supply links that are restricted or cut.
*Events*: what your team has seen, newest first; type to search. *Moves*: choose a move, fill in
its parameters (bounds are shown), submit. A submitted move can be withdrawn until the turn ends;
a move with a lag is announced when the turn ends and takes effect later ("effective in 6 weeks").

**Keys.** `ctrl+e` end your turn (hand over) · `ctrl+w` the white cell · `ctrl+s` save now ·
`ctrl+p` command palette (jump to a seat, advance, save, report) · `f1` this help · `ctrl+q` quit.
The game is saved after every turn and every facilitator action; `wargame play --resume SAVE`
continues it exactly.

**White cell.** Fire an inject (a catalogue event or a custom one), override an indicator with a
rationale, step a week (`ctrl+t`) or advance to the end of the turn (`ctrl+a`), roll back to an
earlier turn (asks first), write the after-action report (`ctrl+r`). Every facilitator action is
journalled with its rationale.
"""


class HelpScreen(ModalScreen[None]):
    """The help text scrolls inside the box (arrows, page keys, the mouse wheel) and Close sits
    below it, outside the scrolling part: at 80x24 the text is twice the box's height, and a
    Close at its end was off screen."""

    AUTO_FOCUS = "#help-text"
    BINDINGS = [Binding("escape,f1,q", "close", "Close", id="help.close")]
    # the box takes a fixed share of the screen (an auto height grew past the screen's edge) and
    # the text the rest of it, the Close button's line excepted
    DEFAULT_CSS = """
    HelpScreen #help-text { height: 1fr; }
    HelpScreen #close-help { margin-top: 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            with VerticalScroll(id="help-text"):
                yield Markdown(HELP)
            yield Button("Close", id="close-help", compact=True)

    def on_mount(self) -> None:
        # app.tcss sizes the box to its content (for the confirmation, which shares its rule);
        # an inline height wins over it, so the scrolling part has a height to fill
        self.query_one("#help-box").styles.height = "90%"

    def on_button_pressed(self, _event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
