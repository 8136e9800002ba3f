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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wargame import Game, Journal, load_scenario, shipped_scenarios
from wargame.errors import GameStateError, OutputError
from wargame.files import SaveLock
from wargame.scenario.schema import Scenario

WHITE_CELL = "white"
"""The seat that sees the truth (the facilitator's)."""
@dataclass(frozen=True)
class IndicatorView:
    name: str
    label: str
    unit: str
    value: float
    history: tuple[float, ...]
    minimum: float | None = None
    """The scenario's bounds (None: unbounded on that side): the override form shows them."""
    maximum: float | None = None


@dataclass(frozen=True)
class EventView:
    id: str
    turn: int
    week: float
    date: str
    actor: str
    kind: str
    description: str
    cause: str


@dataclass(frozen=True)
class ParamView:
    name: str
    type: str
    description: str
    unit: str
    minimum: float | None
    maximum: float | None
    default: Any
    choices: tuple[str, ...]


@dataclass(frozen=True)
class MoveView:
    kind: str
    description: str
    lag_weeks: float
    uses_left: int | None
    params: tuple[ParamView, ...]


@dataclass(frozen=True)
class PendingView:
    id: str
    kind: str
    params: str
    status: str
    effective_in: float | None
    """Weeks until it takes effect (None while only submitted: its lag starts at the turn)."""
    lag_weeks: float
    team: str = ""


@dataclass(frozen=True)
class LinkView:
    edge: str
    open: float
    leakage: float | None
    """None for seats that cannot see smuggling."""

    @property
    def status(self) -> str:
        if self.open <= 0.001:
            state = "cut"
        elif self.open < 0.999:
            state = f"restricted ({self.open:.0%} open)"
        else:
            state = "open"
        if self.leakage:
            state += f", leaking {self.leakage:.0%}"
        return state


@dataclass(frozen=True)
class Snapshot:
    """What one seat sees at one moment: everything a screen renders."""

    seat: str
    scenario: str
    turn: int
    week: float
    date: str
    horizon_weeks: float
    over: bool
    indicators: tuple[IndicatorView, ...]
    events: tuple[EventView, ...]
    """Newest first."""
    moves: tuple[MoveView, ...]
    pending: tuple[PendingView, ...]
    links: tuple[LinkView, ...]
    outcomes: tuple[tuple[str, float | None], ...]


def _cause(cause: Any) -> str:
    """``rule us_signals after e4``, ``move m3``, ``inject #0``: what produced an event."""
    return str(cause)


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
        game = self.game
        team = None if seat == WHITE_CELL else seat
        specs = game.scenario.indicators
        indicators = tuple(
            IndicatorView(name, specs[name].name or name, specs[name].unit, value,
                          tuple(v for _, v in game.history(name, team)), specs[name].min,
                          specs[name].max)
            for name, value in game.indicators(team).items())
        events = tuple(
            EventView(e.id, e.turn, e.week, game.date_of(e.week).isoformat(), e.actor or "-",
                      e.kind, e.description, _cause(e.cause))
            for e in reversed(game.events(team)) if e.kind != "turn")
        moves: tuple[MoveView, ...] = ()
        if team is not None:
            moves = tuple(
                MoveView(option.kind, option.description, option.lag_weeks, option.uses_left,
                         tuple(ParamView(name, spec.type, spec.description,
                                         getattr(spec, "unit", ""), getattr(spec, "min", None),
                                         getattr(spec, "max", None), spec.default,
                                         tuple(getattr(spec, "choices", ()) or ()))
                               for name, spec in option.params.items()))
                for option in game.legal_moves(team))
        # a team sees its own moves; the white cell every team's, before the turn ends too
        pending: tuple[PendingView, ...] = tuple(
            PendingView(p.id, p.kind, ", ".join(f"{k}={v}" for k, v in p.params.items()),
                        p.status, None if p.effective_week is None
                        else max(0.0, p.effective_week - game.week), p.lag_weeks, p.team)
            for p in game.pending(team))
        links: tuple[LinkView, ...] = ()
        if game.economy is not None:
            links = tuple(LinkView(edge, open_, leak if team is None or leak == 0 else None)
                          for edge, open_, leak in game.economy.edge_status()
                          if open_ < 0.999 or (leak and team is None))
        return Snapshot(
            seat, game.scenario.meta.name, game.turn, game.week, game.date.isoformat(),
            game.scenario.meta.horizon_weeks, game.over, indicators, events, moves, pending,
            links, tuple(game.outcomes().items()) if team is None else ())

    def date_of_turn_end(self, turn: int) -> dt.date:
        return self.game.date_of(turn * self.game.scenario.meta.turn_weeks)


def shipped() -> list[str]:
    return shipped_scenarios()
