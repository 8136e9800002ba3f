"""``WargameApp``: seats for each team and the white cell, on one terminal (or in a browser).

The engine runs in one exclusive worker thread (a lock serialises every call), and screens only
render immutable snapshots taken in that thread; a turn that takes longer than a blink shows a
loading indicator. Every change is followed by an atomic save of the journal, and a save that
fails is said as such (the change stands, the file lacks it, the title says NOT SAVED until a save
works). The save file is locked for as long as the game uses it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Literal

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget

from tui.dialogs import ConfirmScreen, HandoverScreen, HelpScreen, seat_title
from tui.paths import Root, is_report, replaceable_save
from tui.seat import SeatScreen
from tui.session import Session
from tui.start import StartScreen
from tui.whitecell import WhiteCellScreen
from wargame import WargameError
from wargame.errors import JournalError, OutputError
from wargame.files import SaveLock, save_text_atomic
from wargame.report import after_action_report
from wargame.scenario.schema import Scenario
from wargame.views import WHITE_CELL, Snapshot

SLOW_SECONDS = 0.15
"""Show the loading indicator when an engine call takes longer than this."""

PAINT_WAIT_SECONDS = 0.5
"""How long a save after an advance waits for the new turn's first frame to be drawn."""

Saving = Literal["first", "after_shown"] | None
"""When ``run_engine`` saves after its action: before showing the result (every change a lost
save would lose), after it is on screen (an advance, which replaying gives back), or not."""


class WargameApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "wargame"
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, scenario: str | None = None, seed: int = 0,
                 save: Path | str = "wargame-save.jsonl", resume: Path | str | None = None,
                 *, root: Path | str | None = None, lock: SaveLock | None = None,
                 loading_after: float | None = None) -> None:
        """``root``: the only folder the start screen may read and write (``wargame serve``);
        ``lock``: the resumed save's lock, when the caller already holds it; ``loading_after``:
        seconds an engine call runs before the loading indicator shows (default
        ``SLOW_SECONDS``, or ``$WARGAME_LOADING_AFTER``: tests set it low to see the indicator
        on calls that are fast on their machine)."""
        super().__init__()
        self.initial_scenario = scenario
        self.seed = seed
        self.root = Root(root)
        self.save_path = Path(resume or save)
        self.resume_path = Path(resume) if resume else None
        self._resume_lock = lock
        self.session: Session | None = None
        self.seats: tuple[str, ...] = ()
        self.turn_seats_done: set[str] = set()
        self.current_seat: str | None = None
        self._lock = threading.Lock()
        self.busy = False
        """True while an engine call is queued or running."""
        self.loading_after = _loading_after(loading_after)
        self._in_flight = 0
        self._loading_timer: Timer | None = None
        self._covered: tuple[Screen[Any], Widget | None] | None = None
        """The screen the loading indicator covers, and what had the focus on it."""

    # ---- start -----------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.resume_path is not None:
            path, lock = self.resume_path, self._resume_lock
            self.run_engine(lambda: self._install(Session.resume(path, lock)), None,
                            done=lambda *_: self._first_seat(),
                            failed=lambda exc: self.notify(str(exc), severity="error",
                                                           timeout=60, markup=False))
        else:
            self.push_screen(StartScreen(self.initial_scenario, self.seed, self.save_path,
                                         self.root))

    def on_unmount(self) -> None:
        """The app ends: let go of the save (after a save in progress has finished)."""
        session = self.session
        if session is not None:
            locked = self._lock.acquire(timeout=10)
            try:
                session.close()
            finally:
                if locked:
                    self._lock.release()

    def _install(self, session: Session) -> None:
        self.session = session
        self.seats = session.seats
        self.sub_title = session.game.scenario.meta.name

    def start_game(self, scenario: Scenario, seed: int, seats: tuple[str, ...], save: Path
                   ) -> None:
        """Start a new game saved to ``save``: never over a file that is not a save, over an
        existing save only when the player says so, never on a save another game holds."""
        start = self.screen
        assert isinstance(start, StartScreen)
        try:
            existing = replaceable_save(save)
            lock = SaveLock(save).acquire()
        except OutputError as exc:
            start.refuse(str(exc), field="#save")
            return
        if not existing:
            self._begin(start, scenario, seed, seats, save, lock)
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self._begin(start, scenario, seed, seats, save, lock)
            else:
                lock.release()
                start.refuse("", field="#save")  # the form as it was: change the name

        self.push_screen(ConfirmScreen(
            f"{save} already holds a saved game. Overwrite it? That game is lost. (No: keep "
            "it and change the save file's name.)"), decided)

    def _begin(self, start: StartScreen, scenario: Scenario, seed: int, seats: tuple[str, ...],
               save: Path, lock: SaveLock) -> None:
        """The session takes the lock over (and lets it go if the game does not start)."""
        self.save_path = save
        self.run_engine(lambda: self._install(Session.start(scenario, seed, seats, save, lock)),
                        None, done=lambda *_: self._first_seat(),
                        failed=lambda exc: start.refuse(str(exc)))

    def _first_seat(self) -> None:
        self.turn_seats_done = set()
        self.hand_over(self.seats[0] if self.seats else WHITE_CELL)

    # ---- seats -----------------------------------------------------------------------------------

    @property
    def team_names(self) -> dict[str, str]:
        if self.session is None:
            return {}
        return {team: spec.name for team, spec in self.session.game.scenario.teams.items()}

    def _show(self, screen: Screen[Any]) -> None:
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def hand_over(self, seat: str) -> None:
        """Hide everything and ask for the next seat's player: teams share the terminal."""
        if self.session is None:
            return
        self.current_seat = None
        self.clear_notifications()  # a toast from the last seat must not show to the next
        self._show(HandoverScreen(seat, seat_title(seat, self.team_names),
                                  self.session.game.turn))

    def open_seat(self, seat: str) -> None:
        self.run_engine(lambda: None, seat, done=lambda _r, snap: self._open(seat, snap))

    def _open(self, seat: str, snapshot: Snapshot | None) -> None:
        assert snapshot is not None
        self.current_seat = seat
        if seat == WHITE_CELL:
            self._show(WhiteCellScreen(snapshot, self._catalogue()))
        else:
            self._show(SeatScreen(seat, seat_title(seat, self.team_names), snapshot))

    def _catalogue(self) -> list[tuple[str, str]]:
        """Events the white cell can fire: those the scenario itself can raise."""
        assert self.session is not None
        scenario = self.session.game.scenario
        found: dict[str, str] = {}
        for inject in scenario.injects:
            if inject.event is not None:
                found.setdefault(inject.event.kind, inject.event.description)
        for source in scenario.sources.values():
            found.setdefault(source.event.kind, source.event.description)
        for trigger in scenario.triggers.values():
            found.setdefault(trigger.event.kind, trigger.event.description)
        return sorted(found.items())

    def refresh_seat(self) -> None:
        seat = self.current_seat
        if seat is not None:
            self.run_engine(lambda: None, seat, done=lambda _r, snap: self._render(snap))

    def _render(self, snapshot: Snapshot | None) -> None:
        screen = self.screen
        if snapshot is not None and isinstance(screen, SeatScreen | WhiteCellScreen):
            screen.render_snapshot(snapshot)

    def back_to_seats(self) -> None:
        if self.seats:
            self.hand_over(self.seats[0])
        else:
            self.notify("every team follows its doctrine: there is no player seat",
                        severity="warning")

    # ---- players' actions ------------------------------------------------------------------------

    def submit_move(self, team: str, kind: str, params: dict[str, Any]) -> None:
        session = self.session
        assert session is not None
        self.run_engine(lambda: session.submit(team, kind, params), team,
                        done=self._then_say(lambda move_id: f"{kind} submitted ({move_id})"),
                        failed=self._inline_error, save="first")

    def withdraw_move(self, team: str, move_id: str) -> None:
        session = self.session
        assert session is not None
        self.run_engine(lambda: session.withdraw(move_id), team,
                        done=self._then_say(lambda _r: f"{move_id} withdrawn"),
                        failed=self._inline_error, save="first")

    def _then_say(self, message: Callable[[Any], str]) -> Callable[[Any, Snapshot | None], None]:
        """A ``done`` for ``run_engine``: show the new snapshot, then say ``message(result)``."""
        def done(result: Any, snapshot: Snapshot | None) -> None:
            self._render(snapshot)
            self.notify(message(result))

        return done

    def _inline_error(self, exc: WargameError) -> None:
        screen = self.screen
        if isinstance(screen, SeatScreen):
            screen.show_error(str(exc))
        else:
            self.notify(str(exc), severity="error", markup=False)

    def end_turn(self, seat: str) -> None:
        """The seat is done: hand over to the next seat, or end the turn after the last one."""
        self.turn_seats_done.add(seat)
        waiting = [s for s in self.seats if s not in self.turn_seats_done]
        if waiting:
            self.hand_over(waiting[0])
        else:
            self.advance_turn()

    # ---- the white cell --------------------------------------------------------------------------

    def advance_turn(self) -> None:
        session = self.session
        assert session is not None
        if session.game.over:
            self.notify("the game is over: write the report from the white cell",
                        severity="warning")
            return
        from_white = self.current_seat == WHITE_CELL

        def after(_count: int, snapshot: Snapshot | None) -> None:
            # no toast here: the status line shows the new turn, and a toast costs a layout pass
            self.turn_seats_done = set()
            if from_white:
                self._render(snapshot)
            else:
                self._first_seat()

        self.run_engine(session.advance, WHITE_CELL if from_white else None,
                        done=after, save="after_shown")

    def step_week(self) -> None:
        """The white cell runs one week of the turn (the turn stays open unless it ends)."""
        session = self.session
        assert session is not None
        self.run_engine(session.step_week, WHITE_CELL,
                        done=self._then_say(
                            lambda count: f"week {session.game.week:g}: {count} events"),
                        save="first")

    def inject_event(self, kind: str, description: str, rationale: str) -> None:
        session = self.session
        assert session is not None
        self.run_engine(lambda: session.inject_event(kind, description, rationale), WHITE_CELL,
                        done=self._then_say(lambda _r: f"inject fired: {kind}"),
                        failed=lambda exc: self._white_error("inject", exc), save="first")

    def override(self, indicator: str, value: float, rationale: str) -> None:
        session = self.session
        assert session is not None
        self.run_engine(lambda: session.override(indicator, value, rationale), WHITE_CELL,
                        done=self._then_say(lambda _r: f"{indicator} set to {value:g}"),
                        failed=lambda exc: self._white_error("override", exc), save="first")

    def _white_error(self, where: str, exc: WargameError) -> None:
        screen = self.screen
        if isinstance(screen, WhiteCellScreen):
            screen.show_error(where, str(exc))

    def confirm_rollback(self, turn: int) -> None:
        """Ask, then roll back to the start of ``turn``, numbered as the status line numbers
        turns (1: the game's start), which is the end of the engine's turn ``turn - 1``."""
        def decided(yes: bool | None) -> None:
            if yes:
                session = self.session
                assert session is not None
                self.run_engine(lambda: session.rollback(turn - 1), WHITE_CELL,
                                done=self._then_say(
                                    lambda _r: f"rolled back to the start of turn {turn}"),
                                failed=lambda exc: self._white_error("turns", exc),
                                save="first")

        self.push_screen(ConfirmScreen(
            f"Roll back to the start of turn {turn}? Everything after it is discarded (the save "
            "file is rewritten)."), decided)

    def write_report(self) -> None:
        session = self.session
        assert session is not None
        target = self.save_path.with_suffix(".report.md")

        def write() -> Path:
            for path in (target, target.with_suffix(".html")):
                if self.root.check(path).exists() and not is_report(path):
                    raise OutputError(f"{path}: exists and is not an after-action report, so "
                                      "it is not overwritten; move it away, or save the game "
                                      "under another name")
            save_text_atomic(target, after_action_report(session.game, "md"))
            save_text_atomic(target.with_suffix(".html"),
                             after_action_report(session.game, "html"))
            return target

        self.run_engine(write, None, done=lambda path, _s: self.notify(
            f"report written: {path} and {path.with_suffix('.html')}"))

    def save_now(self) -> None:
        session = self.session

        def saved(_result: None, _snapshot: Snapshot | None) -> None:
            self._saved()
            self.notify(f"saved {self.save_path}", markup=False)

        if session is not None:
            self.run_engine(session.save, None, done=saved, failed=self._save_failed)

    # ---- saying how saving went ------------------------------------------------------------------

    def _title(self) -> str:
        return self.session.game.scenario.meta.name if self.session is not None else ""

    def _save_failed(self, exc: Exception) -> None:
        """The change stands but the file lacks it: say so, and keep saying it in the title."""
        self.sub_title = f"{self._title()} — NOT SAVED"
        self.notify(f"could not save the game ({exc}). The game goes on, but the save file does "
                    "not have the latest change: fix the cause, then save again (ctrl+s, or Save "
                    "in the palette).", severity="error", timeout=60, markup=False)

    def _saved(self) -> None:
        self.sub_title = self._title()

    def _internal_error(self, exc: Exception) -> None:
        """A bug: say what is true of the save file, which depends on how far saving got."""
        session = self.session
        if session is None:
            state = "no game was saved"
        elif session.unsaved:
            state = (f"the latest changes are not saved: {session.save_path} has the game as "
                     "of its last successful save (try ctrl+s)")
        else:
            state = f"the game is saved in {session.save_path} as it was before this action"
        self.notify(f"internal error ({type(exc).__name__}: {exc}), a bug in wargame; {state}",
                    severity="error", timeout=60, markup=False)

    async def action_quit(self) -> None:
        if self.busy:
            # an engine call is in flight, perhaps an advance whose save waits for its first
            # frame: let it finish (and save) first, so that its pending save is neither lost
            # nor taken for a failed one; only a save that failed asks below
            await self.workers.wait_for_complete(
                [worker for worker in self.workers if worker.group == "engine"])
        session = self.session
        if session is None or not session.unsaved:
            self.exit()
            return

        def decided(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen(
            f"The latest changes are not saved ({session.save_path} could not be written). Quit "
            "anyway and lose them?"), decided)

    # ---- the engine worker -----------------------------------------------------------------------

    def run_engine(self, action: Callable[[], Any], seat: str | None, *,
                   done: Callable[[Any, Snapshot | None], Any] | None = None,
                   failed: Callable[[WargameError], Any] | None = None,
                   save: Saving = None) -> None:
        """Run ``action`` (and a snapshot for ``seat``) in the engine thread, then ``done`` or
        ``failed`` back on the UI thread; ``save`` says when the game is saved (``Saving``).
        ``failed`` hears only of the action refused; a failed save is reported on its own."""
        self._in_flight += 1
        self.busy = True
        if self._loading_timer is None and self._covered is None:
            self._loading_timer = self.set_timer(self.loading_after, self._cover)
        self._engine(action, seat, done, failed, save)

    def _cover(self) -> None:
        """Calls still running after ``loading_after``: cover the screen in front *now* (the one
        in front when a call began may be a dialog that has gone since), and remember what had
        the focus there, since covering hides it and Textual moves the focus away."""
        self._loading_timer = None
        if self._in_flight == 0 or self._covered is not None:
            return
        screen = self.screen
        self._covered = (screen, screen.focused)
        screen.loading = True

    def _uncover(self) -> None:
        """The last call has finished: take the indicator off the screen it covers and give the
        focus back to the widget that had it (else Enter and keys went to the field before it)."""
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        if self._covered is None:
            return
        screen, focused = self._covered
        self._covered = None
        screen.loading = False

        def refocus() -> None:
            if (focused is not None and screen is self.screen and focused.is_attached
                    and focused.screen is screen and screen.focused is not focused
                    and focused.focusable):
                screen.set_focus(focused)

        screen.call_after_refresh(refocus)

    def _save(self) -> Exception | None:
        """Save (in the engine thread, under the lock); the failure, or None."""
        session = self.session
        if session is None:
            return None
        try:
            session.save()
        except (OutputError, OSError) as exc:
            return exc
        return None

    @work(thread=True, group="engine", exit_on_error=False)
    def _engine(self, action: Callable[[], Any], seat: str | None,
                done: Callable[[Any, Snapshot | None], Any] | None,
                failed: Callable[[WargameError], Any] | None, save: Saving) -> None:
        try:
            with self._lock:
                result = action()
                problem = self._save() if save == "first" else None
                snapshot = self.session.snapshot(seat) if seat and self.session else None
        except WargameError as exc:  # refused: nothing changed
            self.call_from_thread(self._complete, failed or self._error, exc, None, refused=True)
            return
        except BaseException as exc:  # a bug: say so, and what is true of the save
            self.call_from_thread(self._complete, self._internal_error, exc, None, refused=True)
            if not isinstance(exc, Exception):
                raise
            return
        self.call_from_thread(self._complete, done, result, snapshot)
        if save == "after_shown":
            # the save (a journal serialised in Python) would hold the GIL while the new turn is
            # drawn: wait for that frame first (at most PAINT_WAIT_SECONDS), then save
            painted = threading.Event()
            self.call_from_thread(self.call_after_refresh, painted.set)
            painted.wait(PAINT_WAIT_SECONDS)
            with self._lock:
                problem = self._save()
        if problem is not None:
            self.call_from_thread(self._save_failed, problem)
        elif save is not None and "NOT SAVED" in self.sub_title:
            self.call_from_thread(self._saved)

    def _complete(self, then: Callable[..., Any] | None, result: Any, snapshot: Snapshot | None,
                  *, refused: bool = False) -> None:
        """One trip to the UI thread: this call is over (the indicator goes with the last one),
        then show its result (``then(result, snapshot)``) or its refusal (``then(exc)``)."""
        self._in_flight -= 1
        if self._in_flight == 0:
            self.busy = False
            self._uncover()
        if then is None:
            return
        if refused:
            then(result)
        else:
            then(result, snapshot)

    def _error(self, exc: Exception) -> None:
        self.notify(str(exc), severity="error", markup=False)

    # ---- palette and help ------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.session is None:
            return
        for seat in self.seats:
            yield SystemCommand(f"Seat: {seat_title(seat, self.team_names)}",
                                f"Hand the terminal to the {seat} seat",
                                lambda seat=seat: self.hand_over(seat))
        yield SystemCommand("White cell", "Hand the terminal to the facilitator",
                            lambda: self.hand_over(WHITE_CELL))
        yield SystemCommand("Advance the turn", "Run the game to the end of the turn",
                            self.advance_turn)
        if isinstance(screen, WhiteCellScreen):
            yield SystemCommand("Roll back", "Roll back to the start of an earlier turn (asks "
                                "first)", screen.show_rollback)
        yield SystemCommand("Save", f"Save the game now ({self.save_path})", self.save_now)
        yield SystemCommand("After-action report", "Write the report (Markdown and HTML)",
                            self.write_report)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())


def _loading_after(seconds: float | None) -> float:
    """The indicator's threshold: given, else ``$WARGAME_LOADING_AFTER``, else SLOW_SECONDS;
    never 0 (a Textual timer of 0 seconds divides by its interval and dies)."""
    if seconds is None:
        text = os.environ.get("WARGAME_LOADING_AFTER", "")
        try:
            seconds = float(text) if text else SLOW_SECONDS
        except ValueError:
            seconds = SLOW_SECONDS
    return max(seconds, 0.001)


def run_app(scenario: str | None, seed: int, save: str, resume: str | None,
            root: Path | None = None) -> None:
    """Run the app at this terminal. A resumed save is locked first, so a save in use is this
    command's error (exit 1), before any screen."""
    lock = None
    if resume is not None:
        path = Root(root).save(resume)
        if not path.exists():
            raise JournalError(f"{resume}: no such save file")
        lock = SaveLock(path).acquire()
    try:
        WargameApp(scenario, seed, save, resume, root=root, lock=lock).run()
    finally:
        if lock is not None:
            lock.release()


__all__ = ["WargameApp", "run_app"]
