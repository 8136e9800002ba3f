"""The running game: a SimPy environment interpreting a compiled scenario.

This module is the event loop and the state every part shares: the indicators (plain Python
lists: the hot loop reads and writes Python floats, never numpy scalars), the events, the journal
and the clock. Everything that happens goes through ``Engine.emit``: the event is journalled, its
effects change the indicators (which may cross triggers, which emit events in turn), then the
doctrine rules that listen for its kind are woken. Discrete happenings (injects, source arrivals,
rule decisions, lagged moves taking effect) are SimPy events; the continuous state is stepped
once per tick by one process.

The jobs around it have their own modules, each holding its own state:

- ``effects``: effects and formulas compiled into closures (``EffectCompiler``)
- ``moves``: the catalogue and a move from submission to effect (``MoveBook``)
- ``responders``: indicator changes, triggers and doctrine rules (``Responders``)
- ``intelligence``: each team's lagged, noisy reading (``Intelligence``)
- ``economy_link``: the supply network stepped and read back (``EconomyLink``)
- ``whitecell``: the facilitator's actions (``WhiteCell``)
- ``readout``: what a team (or the white cell) sees, and the outcomes
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Generator, Iterable
from typing import Any

import simpy

from wargame._version import __version__
from wargame.economy.network import SupplyNetwork
from wargame.engine.economy_link import EconomyLink
from wargame.engine.effects import EffectCompiler, EffectFn
from wargame.engine.events import Cause, Event
from wargame.engine.intelligence import Intelligence
from wargame.engine.journal import FORMAT, FORMAT_VERSION, Journal, atomic_effects
from wargame.engine.moves import MoveBook
from wargame.engine.responders import Responders
from wargame.engine.rng import RandomStreams, Stream, checked_seed
from wargame.engine.tick import update_indicators
from wargame.engine.whitecell import WhiteCell
from wargame.errors import GameStateError, Issue, MoveError, RequestError
from wargame.frozen import EMPTY, FrozenDict, freeze
from wargame.limits import MAX_EVENTS, MAX_EVENTS_PER_WEEK, RATE_WINDOW
from wargame.scenario.conditions import Predicate, compile_condition
from wargame.scenario.hashing import frozen_scenario_dump, scenario_hash
from wargame.scenario.params import check_params
from wargame.scenario.schema import EventSpec, Scenario, Visibility

TickHook = Callable[[float], None]
"""Called once per tick with the tick length in weeks, after time has moved on."""

_new_event = tuple.__new__
"""Builds an ``Event`` from a full tuple of fields without the named tuple's Python-level
``__new__`` (a third of the cost of an event in the hot loop)."""


class Engine:
    """The mutable state of one game and the processes that change it. Use ``Game``."""

    def __init__(self, scenario: Scenario, seed: int = 0, *, human_teams: Iterable[str] = (),
                 spawn_key: tuple[int, ...] = (), header: dict[str, Any] | None = None) -> None:
        """``header``: a saved journal's header, kept as it was (a replay); its format version
        decides the rules the game is played by (``journal.atomic_effects``)."""
        self.scenario = scenario
        self.seed, self.spawn_key = checked_seed(seed, spawn_key)
        self.human_teams = tuple(sorted(set(human_teams)))
        for team in self.human_teams:
            if team not in scenario.teams:
                raise RequestError(f"unknown team '{team}' in human_teams "
                                     f"(expected one of: {', '.join(scenario.teams)})")
        self.meta = scenario.meta
        self.teams: tuple[str, ...] = tuple(scenario.teams)
        self.streams = RandomStreams(self.seed, self.spawn_key)
        self.env = simpy.Environment()
        self.turn = 0
        """Turns played (ended) so far."""

        # indicators: parallel Python lists, indexed by position
        self.indicator_ids: tuple[str, ...] = tuple(scenario.indicators)
        self.index = {name: i for i, name in enumerate(self.indicator_ids)}
        self.values: list[float] = [0.0 if ind.initial is None else ind.initial
                                     for ind in scenario.indicators.values()]
        self.low = [-math.inf if ind.min is None else ind.min
                    for ind in scenario.indicators.values()]
        self.high = [math.inf if ind.max is None else ind.max
                     for ind in scenario.indicators.values()]
        self.events: list[Event] = []

        self.moves = MoveBook(self)
        self.responders = Responders(self)
        self.set_indicator = self.responders.set_indicator
        """Set an indicator within its bounds and fire the triggers it crosses."""
        self.measures: dict[str, dict[int, float]] = {}
        """Per link-restricting measure, the open fraction it leaves on each edge it touches."""
        self.network = (SupplyNetwork.for_world(scenario.economy.world) if scenario.economy
                        else None)
        self.compiler = EffectCompiler(self.values, self.index, self.moves.available,
                                       self.network, self.measures, self.set_indicator)
        # the economy: a supply network stepped every tick; some indicators read from it
        self.economy = None if self.network is None else EconomyLink(
            scenario, self.network, self.env, self.values, self.low, self.high,
            self.set_indicator, self.responders.not_finite)

        # system dynamics: flows integrate rates into stocks; derived indicators follow formulas
        # (each tick by ``update_indicators``; here the derived ones start on their formula)
        formula = self.compiler.formula
        for position, indicator in enumerate(scenario.indicators.values()):
            if indicator.formula is not None:
                start = formula(indicator.formula)()
                self.values[position] = min(max(start, self.low[position]), self.high[position])
        self.indicator_visible = [self.expand(ind.visible_to)
                                  for ind in scenario.indicators.values()]
        self.history: list[tuple[float, tuple[float, ...]]] = [(0.0, tuple(self.values))]

        self.intelligence = Intelligence(scenario, self.streams, self.values, self.low,
                                         self.high)
        self.moves.compile_effects()
        self.responders.add_rules()
        self.responders.add_triggers()
        self.update_indicators = update_indicators(scenario)(
            self.values, self.set_indicator, self.responders.not_finite)
        """Once a tick after the economy: flows integrate, then derived formulas follow."""
        self.rules_by_kind = self.responders.rules_by_kind
        # bound once: the hot path (emit) calls these for every event
        self._apply_as_one = self.responders.apply_as_one
        self._wake = self.responders.wake
        self.white_cell = WhiteCell(self)

        self.tick_hooks: list[TickHook] = []
        self.rate_window_start = 0.0
        """Game time at the start of the last ``RATE_WINDOW`` events (``MAX_EVENTS_PER_WEEK``)."""
        if header is None:
            header = {
                "record": "header",
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "engine": __version__,
                "seed": self.seed,
                "spawn_key": list(self.spawn_key),
                "human_teams": list(self.human_teams),
                "scenario_hash": scenario_hash(scenario),
                "scenario": frozen_scenario_dump(scenario),
            }
        self.journal = Journal(freeze(header))
        self.atomic = atomic_effects(int(header["format_version"]))
        """Version 2 on: an event's effects apply as one before triggers and rules see them."""
        self.journal_entries = self.journal._entries  # the hot loop appends events directly
        for number, inject in enumerate(scenario.injects):
            self.env.process(self._inject_process(number, inject.at_week))
        for source_id, source in scenario.sources.items():
            self.env.process(self._source_process(
                source_id, source.event, self.compiler.effects(source.event.effects),
                1.0 / source.rate_per_week,
                self.streams.stream(source.stream or source_id),
                None if source.active_if is None
                else compile_condition(source.active_if, self.index, self.values),
            ))
        self.env.process(self._ticker(self.meta.tick_weeks))

    # ---- time -------------------------------------------------------------------------------

    @property
    def week(self) -> float:
        return float(self.env.now)

    @property
    def over(self) -> bool:
        return bool(self.env.now >= self.meta.horizon_weeks)

    @property
    def playing(self) -> int:
        """The turn that inputs and events now belong to: the one being prepared or played."""
        return self.turn + 1

    def date(self, week: float | None = None) -> dt.date:
        return self.meta.start + dt.timedelta(weeks=self.week if week is None else week)

    def _turn_end(self, turn: int) -> float:
        return min(turn * self.meta.turn_weeks, self.meta.horizon_weeks)

    def advance(self) -> list[Event]:
        """Play the rest of the turn: its moves are announced, everything due up to and at its
        last week happens, and the turn ends (a ``turn`` event)."""
        if self.over:
            raise GameStateError(
                f"the game is over: week {self.meta.horizon_weeks:g} (the horizon) was reached "
                f"after turn {self.turn}")
        turn = self.playing
        return self._play({"record": "advance", "turn": turn}, self._turn_end(turn),
                          end_turn=True)

    def step_until(self, week: float) -> list[Event]:
        """Run the game to ``week`` inside the turn being played, without ending the turn.

        The facilitator's "step a week": moves submitted so far are announced (time moves on
        for them too), everything due before ``week`` happens, and the turn stays open.
        """
        if self.over:
            raise GameStateError(
                f"the game is over: week {self.meta.horizon_weeks:g} (the horizon) was reached")
        turn = self.playing
        boundary = self._turn_end(turn)
        if not self.env.now < week < boundary:
            raise GameStateError(
                f"can step only to a week after {self.env.now:g} and before the end of turn "
                f"{turn} (week {boundary:g}); to reach it, advance the turn")
        return self._play({"record": "step", "turn": turn, "week": week}, week, end_turn=False)

    def _play(self, record: dict[str, Any], until: float, *, end_turn: bool) -> list[Event]:
        """The one loop of both ``advance`` and ``step_until``: journal the input, announce the
        turn's moves, run to ``until``; at a turn's end, also what is due at ``until`` itself."""
        self.journal.append(record)
        first = len(self.events)
        self.moves.announce_submitted()
        self.env.run(until=until)
        if end_turn:
            while self.env.peek() <= until:  # the turn ends after everything due at its end
                self.env.step()
            turn = self.playing
            self.emit("turn", None, self.teams, Cause("clock", str(turn)),
                      f"Turn {turn} ends", {"turn": turn})
            self.turn = turn
        return self.events[first:]

    # ---- processes --------------------------------------------------------------------------

    def _inject_process(self, number: int, at_week: float) -> Generator[simpy.Event, Any, None]:
        yield self.env.timeout(at_week)
        inject = self.scenario.injects[number]
        cause = Cause("inject", str(number))
        if inject.move is not None:
            move = inject.move
            moves = self.moves
            spec = self.scenario.teams[move.team].moves[move.kind]
            params = FrozenDict(check_params(spec.params, move.params)[0])
            moves.announce(moves.next_id(), move.team, move.kind, params, cause)
        else:
            assert inject.event is not None  # the schema requires one of the two
            self.raise_event(inject.event, cause)

    def _source_process(self, source_id: str, event: EventSpec, effects: tuple[EffectFn, ...],
                        mean_gap: float, stream: Stream, active: Predicate | None
                        ) -> Generator[simpy.Event, Any, None]:
        """A Poisson source: exponential gaps from its own stream, an event at each arrival
        (while its condition holds). Hot: one pass of this loop per event it raises."""
        cause = Cause("source", source_id)
        timeout = self.env.timeout
        emit = self.emit
        draw = stream.exponential
        kind, actor, description = event.kind, event.actor, event.description
        visible_to = self.expand(event.visible_to, actor)
        if active is None:
            while True:
                yield timeout(draw(mean_gap))
                emit(kind, actor, visible_to, cause, description, None, effects)
        while True:
            yield timeout(draw(mean_gap))
            if active():
                emit(kind, actor, visible_to, cause, description, None, effects)

    def _ticker(self, tick: float) -> Generator[simpy.Event, Any, None]:
        """Once a tick: economy, then flows, then derived formulas, then tick hooks; the history
        records the result and the teams read it."""
        timeout = self.env.timeout
        history = self.history
        values = self.values
        hooks = self.tick_hooks
        economy = self.economy
        update = self.update_indicators
        intelligence = self.intelligence
        ticks_done = 0
        while True:
            yield timeout(tick)
            ticks_done += 1
            if economy is not None:
                economy.step(tick, ticks_done)
            update(tick)
            for hook in hooks:
                hook(tick)
            history.append((self.env.now, tuple(values)))
            if intelligence:
                intelligence.update(history, self.env.now)

    # ---- checks of what callers name ----------------------------------------------------------

    def check_team(self, team: object, path: str) -> None:
        if not isinstance(team, str) or team not in self.scenario.teams:
            raise MoveError(Issue(f"unknown team {team!r} (expected one of: "
                                  f"{', '.join(self.teams)})", path))

    def check_indicator(self, indicator: object, path: str) -> int:
        """The indicator's position; a name the scenario lacks is the caller's error."""
        if not isinstance(indicator, str) or indicator not in self.index:
            raise MoveError(Issue(f"unknown indicator {indicator!r} (expected one of: "
                                  f"{', '.join(self.indicator_ids)})", path))
        return self.index[indicator]

    # ---- events -----------------------------------------------------------------------------

    def expand(self, visibility: Visibility, actor: str | None = None) -> tuple[str, ...]:
        if visibility == "all":
            return self.teams
        chosen = set(visibility)
        if actor is not None:
            chosen.add(actor)
        return tuple(team for team in self.teams if team in chosen)

    def raise_event(self, spec: EventSpec, cause: Cause) -> Event:
        """Emit an event written in the scenario's terms (an inject's, the white cell's)."""
        return self.emit(spec.kind, spec.actor, self.expand(spec.visible_to, spec.actor), cause,
                         spec.description, None, self.compiler.effects(spec.effects))

    def emit(self, kind: str, actor: str | None, visible_to: tuple[str, ...], cause: Cause,
              description: str = "", data: dict[str, Any] | None = None,
              effects: tuple[EffectFn, ...] = (), params: dict[str, Any] | None = None) -> Event:
        """Record an event, apply its effects, wake the rules listening for its kind.

        The hot path of the engine: every event of a game passes here once.
        """
        events = self.events
        count = len(events) + 1
        if not count % RATE_WINDOW or count > MAX_EVENTS:
            self._check_event_rate(count)
        event_id = "e" + str(count)
        event = _new_event(Event, (event_id, self.env.now, self.turn + 1,
                                   kind, actor, visible_to, cause, description,
                                   EMPTY if data is None else FrozenDict(data)))
        events.append(event)
        self.journal_entries.append(event)
        if effects:
            if len(effects) == 1:  # it sets at most one indicator, last: "as one" is the same
                effects[0](params, event_id)
            elif self.atomic:
                self._apply_as_one(effects, params, event_id)
            else:
                for effect in effects:
                    effect(params, event_id)
        rules = self.rules_by_kind.get(kind)
        if rules is not None:
            self._wake(rules, event)
        return event

    def _check_event_rate(self, count: int) -> None:
        """Stop a game that raises events without end: more than ``MAX_EVENTS`` in all, or more
        than ``MAX_EVENTS_PER_WEEK`` sustained (a loop of rules with tiny delays)."""
        if count > MAX_EVENTS:
            raise GameStateError(
                f"the game raised more than {MAX_EVENTS} events by week {self.env.now:g} "
                f"(most recently from {self._busiest()}): a game may hold at most {MAX_EVENTS}")
        elapsed = self.env.now - self.rate_window_start
        self.rate_window_start = float(self.env.now)
        if elapsed * MAX_EVENTS_PER_WEEK < RATE_WINDOW:
            raise GameStateError(
                f"{RATE_WINDOW} events in {elapsed:.3g} weeks up to week {self.env.now:g}, "
                f"most from {self._busiest()}: more than {MAX_EVENTS_PER_WEEK} events a week is "
                "a loop (rules answering each other with tiny delays?)")

    def _busiest(self) -> str:
        """What caused most of the last ``RATE_WINDOW`` events (for the error only: counting
        them at every check cost a microsecond an event)."""
        causes: dict[str, int] = {}
        for event in self.events[-RATE_WINDOW:]:
            label = str(event.cause).split(" after ")[0]
            causes[label] = causes.get(label, 0) + 1
        return max(causes, key=causes.__getitem__) if causes else "nothing"

    def fork_here(self, seed: int, spawn_key: tuple[int, ...], human_teams: Iterable[str]
                  ) -> None:
        """Continue on new random streams, with new seats; journalled so the fork replays."""
        humans = tuple(sorted(set(human_teams)))
        for team in humans:
            self.check_team(team, "human_teams")
        seed, spawn_key = checked_seed(seed, spawn_key)
        self.streams.reseed(seed, spawn_key)
        self.human_teams = humans
        self.responders.set_humans(humans)
        self.journal.append({"record": "fork", "turn": self.playing, "seed": int(seed),
                             "spawn_key": [int(k) for k in spawn_key],
                             "human_teams": list(humans)})

