"""The running game: a SimPy environment interpreting a compiled scenario.

Everything that happens goes through ``_emit``: the event is journalled, its effects change the
indicators (which may cross triggers, which emit events in turn), then the doctrine rules that
listen for its kind are woken. Discrete happenings (injects, source arrivals, rule decisions,
lagged moves taking effect) are SimPy events; the continuous state is stepped once per tick by one
process. Indicator values live in a plain Python list: the hot loop reads and writes Python
floats, never numpy scalars.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from typing import Any

import simpy
from pydantic import ValidationError

from wargame._version import __version__
from wargame.economy.network import SupplyNetwork
from wargame.engine.economy_link import EconomyLink
from wargame.engine.effects import EffectCompiler, EffectFn
from wargame.engine.events import Cause, Event, Move, MoveOption, PendingMove
from wargame.engine.journal import FORMAT, FORMAT_VERSION, Journal, atomic_effects
from wargame.engine.rng import RandomStreams, checked_seed
from wargame.engine.whitecell import WhiteCell
from wargame.errors import GameStateError, Issue, MoveError
from wargame.frozen import EMPTY, FrozenDict, freeze
from wargame.limits import MAX_CHAIN, MAX_EVENTS, MAX_EVENTS_PER_WEEK, RATE_WINDOW
from wargame.scenario.conditions import COMPARATORS, Predicate, compile_condition
from wargame.scenario.loader import frozen_scenario_dump, scenario_hash
from wargame.scenario.params import check_params
from wargame.scenario.references import unknown_move
from wargame.scenario.schema import (
    EventOutcome,
    EventSpec,
    Scenario,
    Visibility,
)
from wargame.yamlio import issues_from_validation

TickHook = Callable[[float], None]
"""Called once per tick with the tick length in weeks, after time has moved on."""



class _RuleState:
    __slots__ = ("active", "delay", "fired", "id", "kind", "max_fires", "params", "probability",
                 "stream", "team", "when")

    def __init__(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self, name, value)


_new_event = tuple.__new__
"""Builds an ``Event`` from a full tuple of fields without the named tuple's Python-level
``__new__`` (a third of the cost of an event in the hot loop)."""



class _TriggerState:
    __slots__ = ("armed", "compare", "effects", "event", "id", "once", "value")

    def __init__(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self, name, value)


class Engine(EffectCompiler, EconomyLink, WhiteCell):
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
                raise GameStateError(f"unknown team '{team}' in human_teams "
                                     f"(expected one of: {', '.join(scenario.teams)})")
        self.meta = scenario.meta
        self.teams: tuple[str, ...] = tuple(scenario.teams)
        self.streams = RandomStreams(self.seed, self.spawn_key)
        self.env = simpy.Environment()
        self.turn = 0

        # indicators: parallel Python lists, indexed by position
        self.indicator_ids: tuple[str, ...] = tuple(scenario.indicators)
        self.index = {name: i for i, name in enumerate(self.indicator_ids)}
        self.values: list[float] = [0.0 if ind.initial is None else ind.initial
                                     for ind in scenario.indicators.values()]
        self.low = [-math.inf if ind.min is None else ind.min
                    for ind in scenario.indicators.values()]
        self.high = [math.inf if ind.max is None else ind.max
                     for ind in scenario.indicators.values()]

        # the economy: a supply network stepped every tick; some indicators read from it
        self.network = SupplyNetwork(scenario.economy.world) if scenario.economy else None
        self.bindings: list[tuple[int, str]] = []
        self.leverage_positions: list[tuple[int, bool]] = []
        self.leverage_start = 0.0
        self.leverage_period = 0
        self.measures: dict[str, dict[int, float]] = {}
        """Per link-restricting measure, the open fraction it leaves on each edge it touches."""
        if self.network is not None:
            self._bind_economy(scenario)

        # system dynamics: flows integrate rates into stocks; derived indicators follow formulas
        self.flows = [(self.index[flow.indicator], self._compile_formula(flow.rate))
                      for flow in scenario.flows.values()]
        self.derived = [(position, self._compile_formula(indicator.formula))
                        for position, indicator in enumerate(scenario.indicators.values())
                        if indicator.formula is not None]
        for position, formula in self.derived:
            self.values[position] = min(max(formula(), self.low[position]), self.high[position])
        self.indicator_visible = [self._expand(ind.visible_to)
                                  for ind in scenario.indicators.values()]
        self.history: list[tuple[float, tuple[float, ...]]] = [(0.0, tuple(self.values))]

        # intelligence: each team's lagged, noisy reading of the indicators it is told about
        tick = self.meta.tick_weeks
        self.intel: dict[str, list[tuple[int, int, float]]] = {}
        for position, indicator in enumerate(scenario.indicators.values()):
            for team, intel in indicator.intel.items():
                lag_ticks = math.ceil(intel.lag_weeks / tick - 1e-9)
                self.intel.setdefault(team, []).append((position, lag_ticks, intel.noise_sd))
        self.views: dict[str, list[float]] = {team: list(self.values) for team in self.intel}
        self.view_history: dict[str, list[tuple[float, tuple[float, ...]]]] = {
            team: [(0.0, tuple(self.values))] for team in self.intel}
        self.intel_streams = {team: self.streams.stream(f"intel.{team}") for team in self.intel}

        # the move catalogue, whose availability effects can change
        self.available = {team: {kind: spec.available for kind, spec in t.moves.items()}
                          for team, t in scenario.teams.items()}
        self.uses: dict[tuple[str, str], int] = {}
        self.requires: dict[tuple[str, str], Predicate] = {
            (team, kind): compile_condition(spec.requires, self.index, self.values)
            for team, t in scenario.teams.items() for kind, spec in t.moves.items()
        }
        self.move_effects = {
            (team, kind): self._compile_effects(spec.effects)
            for team, t in scenario.teams.items() for kind, spec in t.moves.items()
        }
        self.move_visible = {
            (team, kind): self._expand(spec.visible_to, team)
            for team, t in scenario.teams.items() for kind, spec in t.moves.items()
        }

        self.rules_by_kind: dict[str, list[_RuleState]] = {}
        for rule_id, rule in scenario.rules.items():
            state = _RuleState(
                id=rule_id, team=rule.team, kind=rule.move.kind,
                active=rule.team not in self.human_teams,
                params=FrozenDict(check_params(
                    scenario.teams[rule.team].moves[rule.move.kind].params, rule.move.params)[0]),
                when=compile_condition(rule.when, self.index, self.values,
                                       self._readings(rule.team)),
                probability=rule.probability, delay=rule.delay_weeks,
                max_fires=rule.max_fires, fired=0,
                stream=self.streams.stream(rule.stream or f"rule.{rule_id}"),
            )
            self.rules_by_kind.setdefault(rule.on, []).append(state)

        self.triggers_by_indicator: dict[int, list[_TriggerState]] = {}
        for trigger_id, trigger in scenario.triggers.items():
            position = self.index[trigger.indicator]
            compare = COMPARATORS[trigger.op]
            state = _TriggerState(
                id=trigger_id, compare=compare, value=trigger.value, event=trigger.event,
                effects=self._compile_effects(trigger.event.effects), once=trigger.once,
                armed=not compare(self.values[position], trigger.value),
            )
            self.triggers_by_indicator.setdefault(position, []).append(state)

        self.events: list[Event] = []
        self.submitted: list[PendingMove] = []
        self.announced: dict[str, PendingMove] = {}
        self.move_counter = 0
        self.facilitator_counter = 0
        self.tick_hooks: list[TickHook] = []
        self.cascade = 0
        """Depth of the chain of events raising one another in this instant (``MAX_CHAIN``)."""
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
        self.deferred: list[int] | None = None
        """While an event's effects apply (atomic games): indicators changed whose triggers wait
        for the last effect."""
        self.journal_entries = self.journal._entries  # the hot loop appends events directly
        for number, inject in enumerate(scenario.injects):
            self.env.process(self._inject_process(number, inject.at_week))
        for source_id, source in scenario.sources.items():
            self.env.process(self._source_process(
                source_id, source.event, self._compile_effects(source.event.effects),
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
        return self.env.now >= self.meta.horizon_weeks

    @property
    def playing(self) -> int:
        """The turn that inputs and events now belong to: the one being prepared or played."""
        return self.turn + 1

    def date(self, week: float | None = None) -> dt.date:
        return self.meta.start + dt.timedelta(weeks=self.week if week is None else week)

    def advance(self) -> list[Event]:
        if self.over:
            raise GameStateError(
                f"the game is over: week {self.meta.horizon_weeks:g} (the horizon) was reached "
                f"after turn {self.turn}")
        turn = self.playing
        self.journal.append({"record": "advance", "turn": turn})
        first = len(self.events)
        submitted, self.submitted = self.submitted, []
        for pending in submitted:
            self._announce(pending.id, pending.team, pending.kind, pending.params,
                           Cause("move", pending.id))
        boundary = min(turn * self.meta.turn_weeks, self.meta.horizon_weeks)
        self.env.run(until=boundary)
        while self.env.peek() <= boundary:  # the turn ends after everything due at its boundary
            self.env.step()
        self._emit("turn", None, self.teams, Cause("clock", str(turn)),
                   f"Turn {turn} ends", {"turn": turn})
        self.turn = turn
        return self.events[first:]

    def step_until(self, week: float) -> list[Event]:
        """Run the game to ``week`` inside the turn being played, without ending the turn.

        The facilitator's "step a week": moves submitted so far are announced (time moves on
        for them too), everything due before ``week`` happens, and the turn stays open.
        """
        if self.over:
            raise GameStateError(
                f"the game is over: week {self.meta.horizon_weeks:g} (the horizon) was reached")
        turn = self.playing
        boundary = min(turn * self.meta.turn_weeks, self.meta.horizon_weeks)
        if not self.env.now < week < boundary:
            raise GameStateError(
                f"can step only to a week after {self.env.now:g} and before the end of turn "
                f"{turn} (week {boundary:g}); to reach it, advance the turn")
        self.journal.append({"record": "step", "turn": turn, "week": week})
        first = len(self.events)
        submitted, self.submitted = self.submitted, []
        for pending in submitted:
            self._announce(pending.id, pending.team, pending.kind, pending.params,
                           Cause("move", pending.id))
        self.env.run(until=week)
        return self.events[first:]

    # ---- processes --------------------------------------------------------------------------

    def _inject_process(self, number: int, at_week: float):
        yield self.env.timeout(at_week)
        inject = self.scenario.injects[number]
        cause = Cause("inject", str(number))
        if inject.move is not None:
            move = inject.move
            spec = self.scenario.teams[move.team].moves[move.kind]
            params = FrozenDict(check_params(spec.params, move.params)[0])
            self._announce(self._next_move_id(), move.team, move.kind, params, cause)
        else:
            self._raise(inject.event, cause)

    def _source_process(self, source_id: str, event: EventSpec, effects: tuple[EffectFn, ...],
                        mean_gap: float, stream, active: Predicate | None):
        """A Poisson source: exponential gaps from its own stream, an event at each arrival
        (while its condition holds). Hot: one pass of this loop per event it raises."""
        cause = Cause("source", source_id)
        timeout = self.env.timeout
        emit = self._emit
        draw = stream.exponential
        kind, actor, description = event.kind, event.actor, event.description
        visible_to = self._expand(event.visible_to, actor)
        while True:
            yield timeout(draw(mean_gap))
            if active is None or active():
                emit(kind, actor, visible_to, cause, description, None, effects)

    def _ticker(self, tick: float):
        timeout = self.env.timeout
        history = self.history
        values = self.values
        hooks = self.tick_hooks
        network = self.network
        ticks_done = 0
        while True:
            yield timeout(tick)
            ticks_done += 1
            if network is not None:
                self._step_economy(tick, ticks_done)
            if self.flows:
                self._integrate_flows(tick)
            for position, formula in self.derived:
                self.set_indicator(position, formula(), None)
            for hook in hooks:
                hook(tick)
            history.append((self.env.now, tuple(values)))
            if self.intel:
                self._update_readings()

    def _integrate_flows(self, tick: float) -> None:
        """Explicit Euler: every rate is taken on the same state, then every stock moves."""
        values = self.values
        rates = [(position, rate()) for position, rate in self.flows]
        for position, rate in rates:
            self.set_indicator(position, values[position] + rate * tick, None)

    def _readings(self, team: str) -> dict[int, list[float]]:
        """Positions that ``team`` reads from its own (lagged, noisy) view, for conditions."""
        view = self.views.get(team)
        return {position: view for position, _, _ in self.intel.get(team, ())} if view else {}

    def _update_readings(self) -> None:
        """Each team's reading: the value ``lag`` ticks ago plus a fresh error, within bounds.

        Errors are drawn from the team's own stream in scenario order, once a tick, so readings
        are the same however often anyone looks at them.
        """
        history = self.history
        latest = len(history) - 1
        for team, entries in self.intel.items():
            view = self.views[team]
            stream = self.intel_streams[team]
            for position, lag, noise_sd in entries:
                reading = history[max(0, latest - lag)][1][position]
                if noise_sd:
                    reading += noise_sd * stream.normal()
                view[position] = min(max(reading, self.low[position]), self.high[position])
            self.view_history[team].append((self.env.now, tuple(view)))

    # ---- moves ------------------------------------------------------------------------------

    def _next_move_id(self) -> str:
        self.move_counter += 1
        return f"m{self.move_counter}"

    def _announce(self, move_id: str, team: str, kind: str, params: dict[str, Any],
                  cause: Cause) -> None:
        spec = self.scenario.teams[team].moves[kind]
        key = (team, kind)
        if cause.kind != "move":  # player moves were counted when submitted
            self.uses[key] = self.uses.get(key, 0) + 1
        lag = spec.lag_weeks
        if lag <= 0:
            self._take_effect(move_id, team, kind, params, cause)
            return
        effective = self.env.now + lag
        self._emit(f"{kind}.announced", team, self.move_visible[key], cause,
                   spec.description,
                   {"move": move_id, "params": params, "effective_week": effective})
        self.announced[move_id] = PendingMove(move_id, team, kind, params, "announced",
                                              effective, lag)
        for stage in spec.stages:
            self.env.timeout(stage.at_weeks).callbacks.append(
                lambda _event, stage=stage: self._emit(
                    f"{kind}.{stage.name}", team, self.move_visible[key], Cause("move", move_id),
                    stage.description, {"move": move_id, "params": params,
                                        "effective_week": effective}))
        self.env.timeout(lag).callbacks.append(
            lambda _event: self._take_effect(move_id, team, kind, params, Cause("move", move_id)))

    def _take_effect(self, move_id: str, team: str, kind: str, params: dict[str, Any],
                     cause: Cause) -> None:
        self.announced.pop(move_id, None)
        spec = self.scenario.teams[team].moves[kind]
        self._emit(kind, team, self.move_visible[(team, kind)], cause, spec.description,
                   {"move": move_id, "params": params}, self.move_effects[(team, kind)], params)

    def legal(self, team: str, kind: str) -> str | None:
        """None when ``team`` may make ``kind`` now, else why not."""
        spec = self.scenario.teams[team].moves[kind]
        if not self.available[team][kind]:
            return "is not in the team's catalogue now"
        if spec.max_uses is not None:
            used = self.uses.get((team, kind), 0)
            if used >= spec.max_uses:
                return f"has no uses left (at most {spec.max_uses} a game)"
        if not self.requires[(team, kind)]():
            return "is not legal now: its condition on the indicators does not hold"
        return None

    def legal_moves(self, team: str) -> list[MoveOption]:
        self._check_team(team, "team")
        options = []
        for kind, spec in self.scenario.teams[team].moves.items():
            if self.legal(team, kind) is None:
                uses_left = None if spec.max_uses is None else \
                    spec.max_uses - self.uses.get((team, kind), 0)
                options.append(MoveOption(team, kind, spec.description, spec.params,
                                          spec.lag_weeks, uses_left))
        return options

    def _check_team(self, team: object, path: str) -> None:
        if not isinstance(team, str) or team not in self.scenario.teams:
            raise MoveError(Issue(f"unknown team {team!r} (expected one of: "
                                  f"{', '.join(self.teams)})", path))

    def _check_indicator(self, indicator: object, path: str) -> int:
        """The indicator's position; a name the scenario lacks is the caller's error."""
        if not isinstance(indicator, str) or indicator not in self.index:
            raise MoveError(Issue(f"unknown indicator {indicator!r} (expected one of: "
                                  f"{', '.join(self.indicator_ids)})", path))
        return self.index[indicator]

    def _parse_move(self, move: Move | dict[str, Any]) -> Move:
        if isinstance(move, Move):
            return move
        try:
            return Move.model_validate(move)
        except ValidationError as exc:
            issues = issues_from_validation(exc, move)
            raise MoveError([Issue(i.message, f"move.{i.path}" if i.path else "move")
                             for i in issues]) from None

    def _checked_params(self, move: Move) -> dict[str, Any]:
        self._check_team(move.team, "move.team")
        catalogue = self.scenario.teams[move.team].moves
        if move.kind not in catalogue:
            raise MoveError(Issue(unknown_move(self.scenario, move.team, move.kind),
                                  "move.kind"))
        params, problems = check_params(catalogue[move.kind].params, move.params)
        if problems:
            raise MoveError([Issue(message, ".".join(("move.params", *map(str, path))))
                             for path, message in problems])
        return FrozenDict(params)

    def submit(self, move: Move | dict[str, Any]) -> PendingMove:
        move = self._parse_move(move)
        if self.over:
            raise MoveError(Issue("the game is over; no more moves can be made", "move"))
        params = self._checked_params(move)
        why = self.legal(move.team, move.kind)
        if why is None:
            spec = self.scenario.teams[move.team].moves[move.kind]
            queued = sum(1 for p in self.submitted if (p.team, p.kind) == (move.team, move.kind))
            if spec.max_uses is not None and \
                    self.uses.get((move.team, move.kind), 0) + queued >= spec.max_uses:
                why = f"has no uses left (at most {spec.max_uses} a game)"
        if why is not None:
            legal = ", ".join(o.kind for o in self.legal_moves(move.team)) or "none"
            raise MoveError(Issue(f"'{move.kind}' {why} (legal now: {legal})", "move.kind"))
        spec = self.scenario.teams[move.team].moves[move.kind]
        move_id = self._next_move_id()
        key = (move.team, move.kind)
        self.uses[key] = self.uses.get(key, 0) + 1
        self.journal.append({"record": "move", "id": move_id, "turn": self.playing,
                             "week": self.week, "team": move.team, "kind": move.kind,
                             "params": params})
        pending = PendingMove(move_id, move.team, move.kind, params, "submitted", None,
                              spec.lag_weeks)
        self.submitted.append(pending)
        return pending

    def withdraw(self, move_id: str) -> None:
        for position, pending in enumerate(self.submitted):
            if pending.id == move_id:
                del self.submitted[position]
                key = (pending.team, pending.kind)
                self.uses[key] -= 1
                self.journal.append({"record": "withdraw", "move": move_id,
                                     "turn": self.playing})
                return
        if not isinstance(move_id, str):  # ids come from clients as JSON: anything at all
            raise MoveError(Issue(f"a move id is text like 'm1' (got {move_id!r})", "move"))
        if move_id in self.announced:
            raise MoveError(Issue(f"move {move_id} was announced at the turn's start and can no "
                                  "longer be withdrawn", "move"))
        known = ", ".join(p.id for p in self.submitted) or "none"
        raise MoveError(Issue(f"no submitted move {move_id!r} to withdraw (withdrawable: {known})",
                              "move"))

    def pending(self, team: str | None = None) -> list[PendingMove]:
        if team is not None:
            self._check_team(team, "team")
        moves = [*self.submitted, *self.announced.values()]
        return [p for p in moves if team is None or p.team == team]

    # ---- events and effects -----------------------------------------------------------------

    def _expand(self, visibility: Visibility, actor: str | None = None) -> tuple[str, ...]:
        if visibility == "all":
            return self.teams
        chosen = set(visibility)
        if actor is not None:
            chosen.add(actor)
        return tuple(team for team in self.teams if team in chosen)

    def _raise(self, spec: EventSpec, cause: Cause) -> Event:
        return self._emit(spec.kind, spec.actor, self._expand(spec.visible_to, spec.actor), cause,
                          spec.description, None, self._compile_effects(spec.effects))

    def _emit(self, kind: str, actor: str | None, visible_to: tuple[str, ...], cause: Cause,
              description: str = "", data: dict[str, Any] | None = None,
              effects: tuple[EffectFn, ...] = (), params: dict[str, Any] | None = None) -> Event:
        """Record an event, apply its effects, wake the rules listening for its kind.

        The hot path of the engine: every event of a game passes here once.
        """
        events = self.events
        count = len(events) + 1
        if not count % RATE_WINDOW or count > MAX_EVENTS:
            self._check_event_rate(count)
        event = _new_event(Event, ("e" + str(count), self.env.now, self.turn + 1,
                                   kind, actor, visible_to, cause, description,
                                   EMPTY if data is None else FrozenDict(data)))
        events.append(event)
        self.journal_entries.append(event)
        if effects:
            event_id = event.id
            if self.atomic:
                self._apply_as_one(effects, params, event_id)
            else:
                for effect in effects:
                    effect(params, event_id)
        rules = self.rules_by_kind.get(kind)
        if rules:
            self._wake(rules, event)
        return event

    def _apply_as_one(self, effects: tuple[EffectFn, ...], params: dict[str, Any] | None,
                      event_id: str) -> None:
        """Apply every effect of one event, then check the triggers of the indicators they
        changed, in the order the effects first changed them, each on its final value: a level
        crossed by the first effect and uncrossed by the second was never crossed."""
        outer, self.deferred = self.deferred, []
        try:
            for effect in effects:
                effect(params, event_id)
        finally:
            changed, self.deferred = self.deferred, outer
        triggers_by_indicator = self.triggers_by_indicator
        values = self.values
        for position in changed:
            self._check_triggers(triggers_by_indicator[position], values[position], event_id)

    def set_indicator(self, position: int, value: float, event_id: str | None) -> None:
        """Set an indicator (clipped to its bounds) and fire any trigger it crosses."""
        if value < self.low[position]:
            value = self.low[position]
        elif value > self.high[position]:
            value = self.high[position]
        elif value - value:  # inf - inf and nan - nan are nan (true); a finite value gives 0
            self._not_finite(position, value, event_id)
        values = self.values
        if value == values[position]:
            return
        values[position] = value
        triggers = self.triggers_by_indicator.get(position)
        if triggers:
            deferred = self.deferred
            if deferred is None:
                self._check_triggers(triggers, value, event_id)
            elif position not in deferred:
                deferred.append(position)

    def _not_finite(self, position: int, value: float, event_id: str | None) -> None:
        """An indicator may not become infinite or NaN: it could not be compared, journalled or
        summarised. Something in the scenario diverged; say what and where."""
        name = self.indicator_ids[position]
        spec = self.scenario.indicators[name]
        flows = [flow_id for flow_id, flow in self.scenario.flows.items()
                 if flow.indicator == name]
        if event_id is not None:
            source = f"event {event_id}"
        elif flows:
            source = "its flow " + ", ".join(repr(flow_id) for flow_id in flows)
        elif spec.formula is not None:
            source = "its formula"
        elif spec.economy is not None:
            source = f"the economy ({spec.economy})"
        else:
            source = "the tick"
        raise GameStateError(
            f"indicator '{name}' became {value!r} at week {self.env.now:g} (from {source}): "
            "something in the scenario diverges; give the indicator bounds (min/max) or "
            "smaller rates")

    def _check_event_rate(self, count: int) -> None:
        """Stop a game that raises events without end: more than ``MAX_EVENTS`` in all, or more
        than ``MAX_EVENTS_PER_WEEK`` sustained (a loop of rules with tiny delays)."""
        recent = self.events[-RATE_WINDOW:]
        causes: dict[str, int] = {}
        for event in recent:
            label = str(event.cause).split(" after ")[0]
            causes[label] = causes.get(label, 0) + 1
        busiest = max(causes, key=causes.__getitem__) if causes else "nothing"
        if count > MAX_EVENTS:
            raise GameStateError(
                f"the game raised more than {MAX_EVENTS} events by week {self.env.now:g} "
                f"(most recently from {busiest}): a game may hold at most {MAX_EVENTS}")
        elapsed = self.env.now - self.rate_window_start
        self.rate_window_start = float(self.env.now)
        if elapsed * MAX_EVENTS_PER_WEEK < RATE_WINDOW:
            raise GameStateError(
                f"{RATE_WINDOW} events in {elapsed:.3g} weeks up to week {self.env.now:g}, "
                f"most from {busiest}: more than {MAX_EVENTS_PER_WEEK} events a week is a loop "
                "(rules answering each other with tiny delays?)")

    def _check_triggers(self, triggers: list[_TriggerState], value: float,
                        event_id: str | None) -> None:
        """Arm and disarm every trigger on the new value first, then fire the crossed ones.

        Two phases, so that a trigger whose event changes the indicator again cannot hide the
        crossing from the triggers after it in the list.
        """
        crossed = []
        for trigger in triggers:
            holds = trigger.compare(value, trigger.value)
            if holds and trigger.armed:
                trigger.armed = False
                crossed.append(trigger)
            elif not holds and not trigger.armed and not trigger.once:
                trigger.armed = True
        for trigger in crossed:
            if self.cascade >= MAX_CHAIN:
                raise GameStateError(
                    f"trigger '{trigger.id}' fired in a chain of {MAX_CHAIN} events at "
                    f"week {self.env.now:g}: triggers and rules whose effects answer each other "
                    "at once loop forever; change their effects, add a delay or set once: true")
            self.cascade += 1
            spec = trigger.event
            try:
                self._emit(spec.kind, spec.actor, self._expand(spec.visible_to, spec.actor),
                           Cause("trigger", trigger.id, event_id), spec.description,
                           {"value": value}, trigger.effects)
            finally:
                self.cascade -= 1

    def _wake(self, rules: list[_RuleState], event: Event) -> None:
        """Doctrines react only to events their team can see (a covert move wakes no rival)."""
        event_id = event.id
        visible_to = event.visible_to
        for rule in rules:
            if not rule.active or rule.team not in visible_to:
                continue
            if rule.max_fires is not None and rule.fired >= rule.max_fires:
                continue
            if not rule.when():
                continue
            if not rule.stream.bernoulli(rule.probability):
                continue
            rule.fired += 1
            if rule.delay > 0:
                self.env.timeout(rule.delay).callbacks.append(
                    lambda _event, rule=rule: self._rule_acts(rule, event_id))
                continue
            if self.cascade >= MAX_CHAIN:
                raise GameStateError(
                    f"rule '{rule.id}' acted in a chain of {MAX_CHAIN} events at week "
                    f"{self.env.now:g}: rules (and triggers) that answer each other at once "
                    "loop forever; give one a delay_weeks, a max_fires or a condition")
            self.cascade += 1
            try:
                self._rule_acts(rule, event_id)
            finally:
                self.cascade -= 1

    def _rule_acts(self, rule: _RuleState, event_id: str) -> None:
        """A doctrine makes its move if the move is legal at decision time; else it stands."""
        if self.over or self.legal(rule.team, rule.kind) is not None:
            return
        self._announce(self._next_move_id(), rule.team, rule.kind, rule.params,
                       Cause("rule", rule.id, event_id))

    def fork_here(self, seed: int, spawn_key: tuple[int, ...], human_teams: Iterable[str]
                  ) -> None:
        """Continue on new random streams, with new seats; journalled so the fork replays."""
        humans = tuple(sorted(set(human_teams)))
        for team in humans:
            self._check_team(team, "human_teams")
        seed, spawn_key = checked_seed(seed, spawn_key)
        self.streams.reseed(seed, spawn_key)
        self.human_teams = humans
        for rules in self.rules_by_kind.values():
            for rule in rules:
                rule.active = rule.team not in humans
        self.journal.append({"record": "fork", "turn": self.playing, "seed": int(seed),
                             "spawn_key": [int(k) for k in spawn_key],
                             "human_teams": list(humans)})

    # ---- reading ----------------------------------------------------------------------------

    def indicators(self, team: str | None = None) -> dict[str, float]:
        if team is None:
            return dict(zip(self.indicator_ids, self.values, strict=True))
        self._check_team(team, "team")
        readings = self._readings(team)
        return {name: readings.get(i, self.values)[i] for i, name in enumerate(self.indicator_ids)
                if team in self.indicator_visible[i]}

    def indicator_history(self, indicator: str, team: str | None = None
                          ) -> list[tuple[float, float]]:
        position = self._check_indicator(indicator, "indicator")
        history = self.history
        if team is not None:
            self._check_team(team, "team")
            if team not in self.indicator_visible[position]:
                raise MoveError(Issue(f"team '{team}' cannot see indicator '{indicator}'",
                                      "indicator"))
            if position in self._readings(team):
                history = self.view_history[team]
        return [(week, values[position]) for week, values in history]

    def outcomes(self) -> dict[str, float | None]:
        result: dict[str, float | None] = {}
        for name, outcome in self.scenario.outcomes.items():
            if isinstance(outcome, EventOutcome):
                weeks = [e.week for e in self.events if e.kind == outcome.event]
                if outcome.stat == "count":
                    result[name] = float(len(weeks))
                else:
                    result[name] = weeks[0] if weeks else None
                continue
            position = self.index[outcome.indicator]
            if outcome.stat == "final":
                result[name] = self.values[position]
                continue
            path = [values[position] for _, values in self.history]
            path.append(self.values[position])
            if outcome.stat == "min":
                result[name] = min(path)
            elif outcome.stat == "max":
                result[name] = max(path)
            else:
                ticks = path[:-1]
                try:
                    result[name] = math.fsum(ticks) / len(ticks)
                except OverflowError:  # values near the largest float: sum them scaled down
                    scale = max(abs(value) for value in ticks)
                    result[name] = scale * (math.fsum(v / scale for v in ticks) / len(ticks))
        return result
