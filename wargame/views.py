"""What one seat sees of a game at one moment: the ``Snapshot`` every screen and every networked
client renders.

Why here, in the engine, and not in the UI: the same view is built for the Textual UI in one
terminal, for a seat on the game server (``wargame.host``) and for a bot (``wargame.client``), and
access control depends on it being built in one place, from the ``Game`` calls that already
filter by team (``indicators``, ``history`` and ``events`` with the team, ``pending(team)``,
``legal_moves(team)``). A team's snapshot holds its intelligence readings, the events it may
see and its own moves; the white cell's holds the truth, every team's pending moves and the
outcomes; an observer's (``public``) holds only the events every team sees.

Views are frozen dataclasses (cheap to build each frame) and go over the wire as JSON
(``snapshot_to_json`` / ``snapshot_from_json``, checked by pydantic on the way in).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from wargame.engine.events import Cause
from wargame.engine.game import Game

WHITE_CELL = "white"
"""The seat that sees the truth (the facilitator's)."""
OBSERVER = "observer"
"""A read-only seat that sees what every team sees (announced, public events)."""


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
    rationale: str | None = None
    """Why the team made it, as it said when submitting (None: it gave no reason)."""


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


def _cause(cause: Cause) -> str:
    """``rule us_signals after e4``, ``move m3``, ``inject #0``: what produced an event."""
    return str(cause)


def seats_of(game: Game) -> tuple[str, ...]:
    """Every seat a game has: its teams, then the white cell and the observer."""
    return (*game.teams, WHITE_CELL, OBSERVER)


def snapshot(game: Game, seat: str) -> Snapshot:
    """The view of ``seat`` (a team, ``WHITE_CELL`` or ``OBSERVER``); ``RequestError`` for a
    seat the game does not have (from the engine's own team check)."""
    if seat == OBSERVER:
        return _public(game)
    team = None if seat == WHITE_CELL else seat
    specs = game.scenario.indicators
    indicators = tuple(
        IndicatorView(name, specs[name].name or name, specs[name].unit, value,
                      tuple(v for _, v in game.history(name, team)), specs[name].min,
                      specs[name].max)
        for name, value in game.indicators(team).items())
    events = tuple(_event_view(game, e) for e in reversed(game.events(team)) if e.kind != "turn")
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
    economy = game.economy
    if economy is not None:
        links = tuple(LinkView(edge, open_, leak if team is None or leak == 0 else None)
                      for edge, open_, leak in economy.edge_status()
                      if open_ < 0.999 or (leak and team is None))
    return Snapshot(
        seat, game.scenario.meta.name, game.turn, game.week, game.date.isoformat(),
        game.scenario.meta.horizon_weeks, game.over, indicators, events, moves, pending,
        links, tuple(game.outcomes().items()) if team is None else ())


def _event_view(game: Game, event: Any) -> EventView:
    return EventView(event.id, event.turn, event.week, game.date_of(event.week).isoformat(),
                     event.actor or "-", event.kind, event.description, _cause(event.cause))


def _public(game: Game) -> Snapshot:
    """The observer's view: the clock and the events every team sees, nothing else."""
    teams = set(game.teams)
    events = tuple(_event_view(game, e) for e in reversed(game.events())
                   if e.kind != "turn" and teams <= set(e.visible_to))
    return Snapshot(OBSERVER, game.scenario.meta.name, game.turn, game.week,
                    game.date.isoformat(), game.scenario.meta.horizon_weeks, game.over, (),
                    events, (), (), (), ())


_SNAPSHOT: TypeAdapter[Snapshot] = TypeAdapter(Snapshot)


def snapshot_to_json(view: Snapshot) -> dict[str, Any]:
    """A JSON-ready dict of the view (tuples become lists)."""
    return dataclasses.asdict(view)


def snapshot_from_json(data: Any) -> Snapshot:
    """The view back from JSON, checked field by field (``pydantic.ValidationError`` if not a
    snapshot)."""
    return _SNAPSHOT.validate_python(data)
