"""``WargameApp``: seats for each team and the white cell, on one terminal (or in a browser).

The engine runs in one exclusive worker thread (a lock serialises every call), and screens only
render immutable snapshots taken in that thread; a turn that takes longer than a blink shows a
loading indicator. Every change is followed by an atomic save of the journal.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.timer import Timer

from tui.dialogs import ConfirmScreen, HandoverScreen, HelpScreen, seat_title
from tui.seat import SeatScreen
from tui.session import WHITE_CELL, Session, Snapshot
from tui.start import StartScreen
from tui.whitecell import WhiteCellScreen
from wargame import WargameError
from wargame.scenario.schema import Scenario

SLOW_SECONDS = 0.15
"""Show the loading indicator when an engine call takes longer than this."""


class WargameApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "wargame"
    BINDINGS = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, scenario: str | None = None, seed: int = 0,
                 save: Path | str = "wargame-save.jsonl", resume: Path | str | None = None
                 ) -> None:
        super().__init__()
        self.initial_scenario = scenario
        self.seed = seed
        self.save_path = Path(resume or save)
        self.resume_path = Path(resume) if resume else None
        self.session: Session | None = None
        self.seats: tuple[str, ...] = ()
        self.turn_seats_done: set[str] = set()
        self.current_seat: str | None = None
        self._lock = threading.Lock()
        self.busy = False

    # ---- start -----------------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.resume_path is not None:
            path = self.resume_path
            self.run_engine(lambda: self._install(Session.resume(path)), None,
                            done=lambda *_: self._first_seat())
        else:
            self.push_screen(StartScreen(self.initial_scenario, self.seed, self.save_path))

    def _install(self, session: Session) -> None:
        self.session = session
        self.seats = session.seats
        self.sub_title = session.game.scenario.meta.name

    def start_game(self, scenario: Scenario, seed: int, seats: tuple[str, ...], save: Path
                   ) -> None:
        self.save_path = save
        self.run_engine(lambda: self._install(Session.start(scenario, seed, seats, save)), None,
                        done=lambda *_: self._first_seat(),
                        failed=lambda exc: self.screen.query_one("#start-error").update(
                            str(exc)))

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
                        done=lambda move_id, snap: (self._render(snap),
                                                    self.notify(f"{kind} submitted ({move_id})")),
                        failed=self._inline_error)

    def withdraw_move(self, team: str, move_id: str) -> None:
        session = self.session
        assert session is not None
        self.run_engine(lambda: session.withdraw(move_id), team,
                        done=lambda _r, snap: (self._render(snap),
                                               self.notify(f"{move_id} withdrawn")),
                        failed=self._inline_error)

    def _inline_error(self, exc: WargameError) -> None:
        screen = self.screen
        if isinstance(screen, SeatScreen):
            screen.show_error(str(exc))
        else:
            self.notify(str(exc), severity="error")

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

        self.run_engine(lambda: session.advance(save=False), WHITE_CELL if from_white else None,
                        done=after, save_after=True)

    def step_week(self) -> None:
        """The white cell runs one week of the turn (the turn stays open unless it ends)."""
        session = self.session
        assert session is not None
        self.run_engine(session.step_week, WHITE_CELL,
                        done=lambda count, snap: (self._render(snap), self.notify(
                            f"week {session.game.week:g}: {count} events")))

    def inject_event(self, kind: str, description: str, rationale: str) -> None:
        session = self.session
        assert session is not None
        self.run_engine(lambda: session.inject_event(kind, description, rationale), WHITE_CELL,
                        done=lambda _r, snap: (self._render(snap),
                                               self.notify(f"inject fired: {kind}")),
                        failed=lambda exc: self._white_error("inject", exc))

    def override(self, indicator: str, value: float, rationale: str) -> None:
        session = self.session
        assert session is not None
        self.run_engine(lambda: session.override(indicator, value, rationale), WHITE_CELL,
                        done=lambda _r, snap: (self._render(snap),
                                               self.notify(f"{indicator} set to {value:g}")),
                        failed=lambda exc: self._white_error("override", exc))

    def _white_error(self, where: str, exc: WargameError) -> None:
        screen = self.screen
        if isinstance(screen, WhiteCellScreen):
            screen.show_error(where, str(exc))

    def confirm_rollback(self, turn: int) -> None:
        def decided(yes: bool | None) -> None:
            if yes:
                session = self.session
                assert session is not None
                self.run_engine(lambda: session.rollback(turn), WHITE_CELL,
                                done=lambda _r, snap: (self._render(snap), self.notify(
                                    f"rolled back to the end of turn {turn}")),
                                failed=lambda exc: self._white_error("turns", exc))

        self.push_screen(ConfirmScreen(
            f"Roll back to the end of turn {turn}? Everything after it is discarded (the save "
            "file is rewritten)."), decided)

    def write_report(self) -> None:
        session = self.session
        assert session is not None
        target = self.save_path.with_suffix(".report.md")

        def write() -> Path:
            from wargame.files import save_text_atomic
            from wargame.report import after_action_report

            save_text_atomic(target, after_action_report(session.game, "md"))
            save_text_atomic(target.with_suffix(".html"),
                             after_action_report(session.game, "html"))
            return target

        self.run_engine(write, None, done=lambda path, _s: self.notify(
            f"report written: {path} and {path.with_suffix('.html')}"))

    def save_now(self) -> None:
        session = self.session
        if session is not None:
            self.run_engine(session.save, None,
                            done=lambda *_: self.notify(f"saved {self.save_path}"))

    # ---- the engine worker -----------------------------------------------------------------------

    def run_engine(self, action: Callable[[], Any], seat: str | None, *,
                   done: Callable[[Any, Snapshot | None], Any] | None = None,
                   failed: Callable[[WargameError], Any] | None = None,
                   save_after: bool = False) -> None:
        """Run ``action`` (and a snapshot for ``seat``) in the engine thread, then ``done`` or
        ``failed`` back on the UI thread; ``save_after`` saves the game once that is shown."""
        screen = self.screen
        self.busy = True
        timer = self.set_timer(SLOW_SECONDS, lambda: setattr(screen, "loading", True))
        self._engine(action, seat, done, failed, timer, screen, save_after)

    @work(thread=True, group="engine", exit_on_error=False)
    def _engine(self, action: Callable[[], Any], seat: str | None,
                done: Callable[[Any, Snapshot | None], Any] | None,
                failed: Callable[[WargameError], Any] | None, timer: Timer,
                screen: Screen[Any], save_after: bool) -> None:
        with self._lock:
            try:
                result = action()
                snapshot = self.session.snapshot(seat) if seat and self.session else None
            except WargameError as exc:
                self.call_from_thread(self._finish, timer, screen)
                if failed is not None:
                    self.call_from_thread(failed, exc)
                else:
                    self.call_from_thread(self.notify, str(exc), severity="error")
                return
            except Exception as exc:  # a bug: say so, keep the game (it was saved)
                self.call_from_thread(self._finish, timer, screen)
                self.call_from_thread(self.notify, f"internal error ({type(exc).__name__}: "
                                      f"{exc}); the game is saved in {self.save_path}",
                                      severity="error", timeout=30)
                return
        self.call_from_thread(self._complete, timer, screen, done, result, snapshot)
        if save_after and self.session is not None:
            with self._lock:
                try:
                    self.session.save()
                except OSError as exc:
                    self.call_from_thread(self.notify, f"could not save {self.save_path}: "
                                          f"{exc.strerror}", severity="error", timeout=30)

    def _complete(self, timer: Timer, screen: Screen[Any],
                  done: Callable[[Any, Snapshot | None], Any] | None, result: Any,
                  snapshot: Snapshot | None) -> None:
        """One trip to the UI thread: stop the loading indicator and show the result."""
        self._finish(timer, screen)
        if done is not None:
            done(result, snapshot)

    def _finish(self, timer: Timer, screen: Screen[Any]) -> None:
        timer.stop()
        screen.loading = False
        self.busy = False

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
        yield SystemCommand("Save", f"Save the game now ({self.save_path})", self.save_now)
        yield SystemCommand("After-action report", "Write the report (Markdown and HTML)",
                            self.write_report)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())


def run_app(scenario: str | None, seed: int, save: str, resume: str | None) -> None:
    if resume is not None and not Path(resume).exists():
        raise WargameError(f"{resume}: no such save file")
    WargameApp(scenario, seed, save, resume).run()


__all__ = ["WargameApp", "run_app"]
