"""``Game``: the public face of a running game, in the spirit of python-chess.

You push moves onto a game and advance it; it can be saved (its journal), replayed and rolled
back::

    game = Game(load_scenario("escalation-ladder"), seed=7)
    game.legal_moves("us")
    game.submit(Move(team="us", kind="tighten_controls", params={"levels": 2}))
    events = game.advance()          # to the next turn boundary
    game.indicators("cn")            # what China's team may see
    game.journal.save("game.jsonl")
    same = Game.replay("game.jsonl")

Turns are synchronisation points in continuous game time (weeks), not the time model: events
happen at any moment between them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from wargame.canonical import content_hash
from wargame.economy.network import SupplyNetwork
from wargame.engine import readout
from wargame.engine.core import Engine, TickHook
from wargame.engine.events import Event, Move, MoveOption, PendingMove
from wargame.engine.journal import Journal
from wargame.engine.rng import checked_seed
from wargame.errors import (
    GameStateError,
    Issue,
    JournalError,
    RequestError,
    ScenarioError,
    WargameError,
)
from wargame.scenario.schema import EventSpec, Scenario
from wargame.yamlio import issues_from_validation

T = TypeVar("T")


def _positive_weeks(weeks: object, *, or_zero: bool = False) -> bool:
    """A finite number of weeks > 0 (or ≥ 0); an int beyond any float is not finite."""
    if isinstance(weeks, bool) or not isinstance(weeks, int | float):
        return False
    try:
        return math.isfinite(weeks) and (weeks > 0 or (or_zero and weeks == 0))
    except OverflowError:
        return False


def team_list(teams: object, what: str) -> tuple[str, ...]:
    """Team ids given as a list (or tuple, set): a bare string would be read letter by letter."""
    if isinstance(teams, str) or not isinstance(teams, list | tuple | set | frozenset):
        raise RequestError(f"{what} must be a list of team ids (got {teams!r})")
    for team in teams:
        if not isinstance(team, str):
            raise RequestError(f"{what} must be a list of team ids (got {team!r} in it)")
    return tuple(teams)


class Game:
    """A seeded game of a scenario: submit moves, advance turns, read what each team may see."""

    def __init__(self, scenario: Scenario, seed: int = 0, *, human_teams: Iterable[str] = (),
                 spawn_key: tuple[int, ...] = ()) -> None:
        """Start a game at week 0.

        ``seed`` (with ``spawn_key``, used by batches: replication i passes ``(i,)``) fixes every
        random draw. Teams in ``human_teams`` are played by people: their doctrine rules are off.
        """
        if not isinstance(scenario, Scenario):
            raise ScenarioError(Issue(f"a game needs a Scenario (from load_scenario) (got "
                                      f"{type(scenario).__name__})"))
        self._engine = Engine(scenario, seed, human_teams=team_list(human_teams, "human_teams"),
                              spawn_key=spawn_key)

    # ---- identity and clock -----------------------------------------------------------------

    @property
    def scenario(self) -> Scenario:
        return self._engine.scenario

    @property
    def seed(self) -> int:
        return self._engine.seed

    @property
    def teams(self) -> tuple[str, ...]:
        """Team ids in scenario order."""
        return self._engine.teams

    @property
    def human_teams(self) -> tuple[str, ...]:
        """Teams played by people now: their doctrine rules are off."""
        return self._engine.human_teams

    @property
    def turn(self) -> int:
        """Turns completed (0 before the first ``advance``)."""
        return self._engine.turn

    @property
    def week(self) -> float:
        """Game time now, in weeks from the start."""
        return self._engine.week

    @property
    def date(self) -> dt.date:
        """Calendar date now."""
        return self._engine.date()

    def date_of(self, week: float) -> dt.date:
        """Calendar date of a game time."""
        return self._engine.date(week)

    @property
    def over(self) -> bool:
        """True once the horizon is reached; ``advance`` then raises ``GameStateError``."""
        return self._engine.over

    # ---- moves ------------------------------------------------------------------------------

    def legal_moves(self, team: str) -> list[MoveOption]:
        """The moves ``team`` may submit now, with their parameter specifications and lags."""
        return self._engine.moves.legal_moves(team)

    def submit(self, move: Move | dict[str, Any], rationale: str | None = None) -> PendingMove:
        """Queue a move for the next ``advance``; raises ``MoveError`` and changes nothing if the
        move is illegal (unknown team or kind, not available, parameters out of bounds).

        ``rationale`` is the player's why, free text of at most ``wargame.limits.MAX_RATIONALE``
        characters: journalled with the move, on its ``PendingMove``, in the after-action
        report, and in no event (other teams never see it)."""
        return self._engine.moves.submit(move, rationale)

    def withdraw(self, move_id: str, rationale: str | None = None) -> None:
        """Take back a submitted move before the turn advances (``rationale`` as for
        ``submit``: journalled with the withdrawal and shown in the report)."""
        self._engine.moves.withdraw(move_id, rationale)

    def pending(self, team: str | None = None) -> list[PendingMove]:
        """Moves submitted but not yet announced, and moves announced but not yet in effect."""
        return self._engine.moves.pending(team)

    def advance(self) -> list[Event]:
        """Announce the submitted moves and run game time to the next turn boundary.

        Returns the events that happened, in order (all of them: filter with
        ``event.visible(team)`` for a team's view).
        """
        return self._undoable(self._engine.advance)

    def step(self, weeks: float = 1.0) -> list[Event]:
        """Run ``weeks`` of game time inside the current turn (the white cell's "step a week");
        a step that would reach the end of the turn ends it instead, as ``advance`` does."""
        if not _positive_weeks(weeks):
            raise RequestError(f"step needs a number of weeks > 0 (got {weeks!r})")
        engine = self._engine
        boundary = min(engine.playing * self.scenario.meta.turn_weeks,
                       self.scenario.meta.horizon_weeks)
        if self.week + weeks >= boundary:
            return self.advance()
        return self._undoable(lambda: engine.step_until(self.week + weeks))

    def run(self, weeks: float | None = None) -> list[Event]:
        """Advance turn by turn until the horizon, or until ``weeks`` of game time have passed."""
        if weeks is not None and not _positive_weeks(weeks, or_zero=True):
            raise RequestError(f"run needs a number of weeks ≥ 0, or None for the horizon "
                                 f"(got {weeks!r})")
        stop = self.scenario.meta.horizon_weeks if weeks is None else self.week + weeks
        events: list[Event] = []
        while not self.over and self.week < stop:
            events.extend(self.advance())
        return events

    # ---- the white cell ---------------------------------------------------------------------

    def inject_event(self, event: EventSpec | dict[str, Any], rationale: str) -> Event:
        """Raise an event now on the facilitator's authority (journalled with the rationale)."""
        return self._undoable(lambda: self._engine.white_cell.inject_event(event, rationale))

    def inject_move(self, move: Move | dict[str, Any], rationale: str) -> str:
        """Make a move now on a team's behalf (legal or not: the white cell adjudicates)."""
        return self._undoable(lambda: self._engine.white_cell.inject_move(move, rationale))

    def override(self, indicator: str, value: float, rationale: str) -> Event:
        """Set an indicator to a value within its bounds, recording why."""
        return self._undoable(lambda: self._engine.white_cell.override(indicator, value, rationale))

    def veto(self, move_id: str, rationale: str) -> Event:
        """Strike a team's submitted move before the turn advances (its use is given back, as
        by ``withdraw``); returns the ``veto`` event, which the move's team sees with the
        rationale. A move unknown or already announced raises ``MoveError``, changing nothing."""
        return self._undoable(lambda: self._engine.white_cell.veto(move_id, rationale))

    def _undoable(self, action: Callable[[], T]) -> T:
        """Run an action that plays game time or applies effects; if it fails half-way (a bound
        of ``wargame.limits`` hit, an indicator diverging), put the game back as it was before
        the action, then raise. The journal never holds an action that did not complete, so the
        save stays replayable and the facilitator can intervene and try again."""
        engine = self._engine
        mark = len(engine.journal_entries)
        try:
            return action()
        except Exception:
            if len(engine.journal_entries) > mark and not engine.tick_hooks:
                kept = Journal(engine.journal.header, engine.journal_entries[:mark])
                self._engine = Game.replay(kept, verify=False)._engine
            raise

    # ---- reading ----------------------------------------------------------------------------

    def indicators(self, team: str | None = None) -> dict[str, float]:
        """Indicator values ``team`` may see; None is the white cell's view of the truth."""
        return readout.indicators(self._engine, team)

    def events(self, team: str | None = None) -> list[Event]:
        """Every event so far that ``team`` may see (None: all)."""
        events = self._engine.events
        if team is None:
            return list(events)
        self._engine.check_team(team, "team")
        return [e for e in events if e.visible(team)]

    def history(self, indicator: str, team: str | None = None) -> list[tuple[float, float]]:
        """(week, value) of an indicator at the start and after every tick so far, as ``team``
        read it (None: the truth)."""
        return readout.indicator_history(self._engine, indicator, team)

    def outcomes(self) -> dict[str, float | None]:
        """The scenario's outcomes measured on the game so far."""
        return readout.outcomes(self._engine)

    @property
    def economy(self) -> SupplyNetwork | None:
        """A copy of the supply network as it is now, to read (changing the copy changes nothing
        in the game: the network changes only through moves and events), or None."""
        network = self._engine.network
        return None if network is None else network.copy()

    def gdp_loss(self) -> dict[str, dict[int, dict[str, float]]]:
        """GDP (value added) lost by region and calendar year so far, against the baseline
        world: ``{region: {year: {"bn_usd": x, "share": x / GDP}}}`` and ``"world"``; empty
        without an economy. The first and last years are the parts of them played."""
        return self._engine.economy.gdp_loss() if self._engine.economy is not None else {}

    def link_measures(self) -> dict[str, dict[str, float]]:
        """Per link-restricting measure, the open fraction it leaves on each link it touches."""
        network = self._engine.network
        if network is None:
            return {}
        names = {index: edge for edge, index in network.select_edges({}).items()}
        return {measure: {names[i]: value for i, value in edges.items()}
                for measure, edges in self._engine.measures.items()}

    @property
    def journal(self) -> Journal:
        """Every input and event so far, as they are now; ``game.journal.save(path)`` saves the
        game. A snapshot: its records are read-only and appending to it changes nothing."""
        journal = self._engine.journal
        return Journal(journal.header, journal._entries)

    def add_tick_hook(self, hook: TickHook) -> None:
        """Run ``hook(tick_weeks)`` at every tick (the economy's step plugs in here)."""
        self._engine.tick_hooks.append(hook)

    # ---- replay and rollback ----------------------------------------------------------------

    @classmethod
    def replay(cls, journal: Journal | str | Path, *, verify: bool = True) -> Game:
        """Rebuild a game from its journal (a ``Journal`` or a path).

        The inputs (moves, withdrawals, facilitator actions, advances) are applied to a fresh
        game; with ``verify`` the regenerated journal must equal the stored one line for line,
        else ``JournalError`` says where they part.
        """
        if not isinstance(journal, Journal):
            if not isinstance(journal, str | Path):
                raise JournalError(f"replay needs a Journal or a path to a journal file (got "
                                   f"{type(journal).__name__})")
            journal = Journal.load(journal)
        header = journal.header
        if verify and content_hash(header["scenario"]) != header["scenario_hash"]:
            raise JournalError("the journal's scenario does not match its recorded hash "
                               "(edited or damaged)")
        try:
            scenario = Scenario.model_validate(header["scenario"])
        except ValidationError as exc:
            first = issues_from_validation(exc, header["scenario"])[0]
            raise JournalError(f"the journal's scenario does not validate: scenario.{first}") \
                from None
        game = cls.__new__(cls)
        game._engine = Engine(scenario, header["seed"], human_teams=header.get("human_teams", ()),
                              spawn_key=tuple(header.get("spawn_key", ())), header=header)
        for number, record in journal.inputs():
            try:
                game._apply_input(record)
            except WargameError as exc:
                raise JournalError(f"line {number}: the journal's {record['record']} record "
                                   f"cannot be replayed: {exc}") from None
        if verify:
            game._verify_against(journal)
        return game

    def _apply_input(self, record: dict[str, Any]) -> None:
        kind = record["record"]
        engine = self._engine
        if kind == "move":
            pending = engine.moves.submit(Move(team=record["team"], kind=record["kind"],
                                               params=record["params"]),
                                          record.get("rationale"))
            if pending.id != record["id"]:
                raise JournalError(f"move id {record['id']} replays as {pending.id}")
        elif kind == "withdraw":
            engine.moves.withdraw(record["move"], record.get("rationale"))
        elif kind == "advance":
            engine.advance()
        elif kind == "step":
            engine.step_until(record["week"])
        elif kind == "fork":
            engine.fork_here(record["seed"], tuple(record["spawn_key"]), record["human_teams"])
        elif kind == "facilitator":
            action, detail, why = record["action"], record["detail"], record["rationale"]
            if action == "inject_event":
                engine.white_cell.inject_event(detail, why)
            elif action == "inject_move":
                engine.white_cell.inject_move(detail, why)
            elif action == "veto":
                engine.white_cell.veto(detail["move"], why)
            else:
                engine.white_cell.override(detail["indicator"], detail["value"], why)

    def _verify_against(self, journal: Journal) -> None:
        mine = list(self.journal.lines())
        theirs = journal.raw_lines if journal.raw_lines is not None else list(journal.lines())
        for number, (a, b) in enumerate(zip(mine, theirs, strict=False), start=1):
            if a != b:
                note = ""
                if journal.header.get("engine") != self.journal.header["engine"]:
                    note = (f" (written by engine {journal.header.get('engine')}, replayed by "
                            f"{self.journal.header['engine']})")
                raise JournalError(f"replay diverges from the journal at line {number}{note}:\n"
                                   f"  journal: {b[:200]}\n  replay:  {a[:200]}")
        if len(mine) != len(theirs):
            raise JournalError(f"replay produced {len(mine)} lines but the journal has "
                               f"{len(theirs)}: it is incomplete or has extra records")

    def fork(self, seed: int, spawn_key: tuple[int, ...] = (), *, at_turn: int | None = None,
             human_teams: Iterable[str] | None = None) -> Game:
        """A new game that carries on from this one (at the end of ``at_turn``, default now) on
        fresh random streams: the facilitator's "what happens if we keep playing from here?".

        The fork's journal is this game's journal up to there, then a ``reseed`` record, so it
        replays exactly. Events already scheduled (a lagged move, a source's next arrival) stay
        as they were; every draw after the fork comes from ``(seed, spawn_key)``. By default all
        teams are automated in the fork (``human_teams`` to keep some seats human).
        """
        turn = self.turn if at_turn is None else at_turn
        if isinstance(turn, bool) or not isinstance(turn, int) or not 0 <= turn <= self.turn:
            raise GameStateError(f"can fork only at a turn from 0 to {self.turn} (got {turn!r})")
        humans = team_list(human_teams or (), "human_teams")
        seed, keys = checked_seed(seed, spawn_key)
        fork = Game.replay(self.journal.upto_turn(turn), verify=False)
        fork._engine.fork_here(seed, keys, humans)
        return fork

    def rollback(self, turn: int) -> None:
        """Return the game to the end of turn ``turn`` (0: the start), discarding what followed.

        The result equals a fresh game played to that turn with the same inputs: it is rebuilt by
        replaying the journal up to there.
        """
        if isinstance(turn, bool) or not isinstance(turn, int) or not 0 <= turn <= self.turn:
            raise GameStateError(f"can roll back only to a turn from 0 to {self.turn} "
                                 f"(got {turn!r})")
        hooks = list(self._engine.tick_hooks)
        if hooks:
            raise GameStateError("rollback of a game with tick hooks is done by the owner of the "
                                 "hooks (they hold state the journal cannot rebuild)")
        self._engine = Game.replay(self.journal.upto_turn(turn), verify=False)._engine
