"""The game behind the UI: engine calls, autosave, and immutable snapshots for the screens.

Why a session layer: the engine is not thread-safe and a turn can take longer than a frame, so
every call that changes the game runs in one exclusive worker thread (``WargameApp`` makes sure of
that), and screens only ever render ``Snapshot`` objects — frozen copies of what one seat may see.

Saving: a session holds its save file's ``SaveLock`` from start (or resume) to ``close``, so no
second game — another terminal, another browser connection — writes the same file. Its actions
change the game only; the app saves after each one (``save``), so that a save that fails is
reported as a failed save, never as a refused move, and ``unsaved`` says whether the file on disk
has the game's latest state.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from wargame import Game, Journal, load_scenario, shipped_scenarios, views
from wargame.errors import GameStateError, OutputError
from wargame.files import SaveLock
from wargame.scenario.schema import Scenario
from wargame.views import (  # re-exported: the screens import them from here
    Snapshot,
)


class Session:
    """One game in play, its seats, its save file and the lock on it."""

    def __init__(self, game: Game, save_path: Path, seats: tuple[str, ...], lock: SaveLock,
                 *, saved: bool = False) -> None:
        """Takes over ``lock`` (held on ``save_path``); saves at once unless ``saved`` (a
        resumed game is its file already)."""
        self.game = game
        self.save_path = Path(save_path)
        self.seats = seats
        """The human teams, in hand-over order."""
        self.lock = lock
        self.unsaved = not saved
        """True when the save file lacks the latest change (a save failed, or none yet)."""
        if not saved:
            self.save()

    # ---- starting ---------------------------------------------------------------------------

    @staticmethod
    def load(scenario: str | Path) -> Scenario:
        return load_scenario(scenario)

    @classmethod
    def start(cls, scenario: Scenario, seed: int, seats: tuple[str, ...], save_path: Path,
              lock: SaveLock | None = None) -> Session:
        """A new game saved to ``save_path``; ``OutputError`` if another game holds it (or it
        cannot be written — then nothing holds it)."""
        return cls._locked(save_path, lock, lambda held: cls(
            Game(scenario, seed=seed, human_teams=seats), save_path, seats, held))

    @classmethod
    def resume(cls, save_path: Path, lock: SaveLock | None = None) -> Session:
        """Rebuild the game from its journal, checking it replays exactly; the save is locked
        before it is read."""
        def resumed(held: SaveLock) -> Session:
            game = Game.replay(Journal.load(save_path), verify=True)
            humans = set(game.human_teams)
            return cls(game, save_path, tuple(team for team in game.teams if team in humans),
                       held, saved=True)

        return cls._locked(save_path, lock, resumed)

    @staticmethod
    def _locked(save_path: Path, lock: SaveLock | None, make: Any) -> Session:
        held = lock if lock is not None else SaveLock(save_path).acquire()
        try:
            return make(held)
        except BaseException:
            held.release()  # the session did not start: the save is free again
            raise

    def close(self) -> None:
        """The session ends: another game may use the save file now."""
        self.lock.release()

    # ---- acting (call from the engine worker only; the caller saves) -------------------------

    def save(self) -> None:
        """Write the journal atomically; ``OutputError`` names the file and the reason."""
        try:
            self.game.journal.save(self.save_path)
        except OSError as exc:  # save_text_atomic turns its own into OutputError; be sure
            raise OutputError(f"{self.save_path}: cannot write: {exc.strerror or exc}") from None
        self.unsaved = False

    def submit(self, team: str, kind: str, params: dict[str, Any]) -> str:
        pending = self.game.submit({"team": team, "kind": kind, "params": params})
        self.unsaved = True
        return pending.id

    def withdraw(self, move_id: str) -> None:
        self.game.withdraw(move_id)
        self.unsaved = True

    def advance(self) -> int:
        """End the turn: run the game to the next turn boundary. Returns the number of events.

        The app saves after the new turn is on screen: an advance is the one action a lost save
        cannot lose, since replaying the saved journal and advancing again gives the same turn,
        byte for byte."""
        if self.game.over:
            raise GameStateError("the game is over: the horizon has been reached")
        self.unsaved = True
        return len(self.game.advance())

    def step_week(self) -> int:
        """Run one week inside the turn (or to its end). Returns the number of events."""
        if self.game.over:
            raise GameStateError("the game is over: the horizon has been reached")
        self.unsaved = True
        return len(self.game.step(1.0))

    def inject_event(self, kind: str, description: str, rationale: str) -> None:
        self.game.inject_event({"kind": kind, "description": description, "visible_to": "all"},
                               rationale)
        self.unsaved = True

    def inject_move(self, team: str, kind: str, params: dict[str, Any], rationale: str) -> None:
        self.game.inject_move({"team": team, "kind": kind, "params": params}, rationale)
        self.unsaved = True

    def override(self, indicator: str, value: float, rationale: str) -> None:
        self.game.override(indicator, value, rationale)
        self.unsaved = True

    def rollback(self, turn: int) -> None:
        self.game.rollback(turn)
        self.unsaved = True

    # ---- seeing ------------------------------------------------------------------------------

    def snapshot(self, seat: str) -> Snapshot:
        return views.snapshot(self.game, seat)

    def date_of_turn_end(self, turn: int) -> dt.date:
        return self.game.date_of(turn * self.game.scenario.meta.turn_weeks)


def shipped() -> list[str]:
    return shipped_scenarios()
