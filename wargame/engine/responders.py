"""Responders: what reacts to a change without anyone deciding — triggers on indicators and the
doctrine rules of the teams played by the computer.

An indicator is changed only through ``set_indicator``: clipped to its bounds, refused if it
became infinite or NaN, and the triggers on it checked. A trigger fires its event when the value
crosses its level (armed again when it crosses back, unless ``once``). A rule is woken by an
event of the kind it listens for that its team can see, and makes its move (after its delay,
with its probability, while its condition holds and the move is legal). Chains of events that
answer each other at one instant stop at ``MAX_CHAIN``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import simpy

from wargame.engine.effects import EffectFn
from wargame.engine.events import Cause, Event
from wargame.engine.rng import Stream
from wargame.errors import GameStateError
from wargame.frozen import FrozenDict
from wargame.limits import MAX_CHAIN
from wargame.scenario.conditions import COMPARATORS, Predicate, compile_condition
from wargame.scenario.params import check_params
from wargame.scenario.schema import EventSpec

if TYPE_CHECKING:
    from wargame.engine.core import Engine


class RuleState:
    """One doctrine rule as the game plays it: its compiled condition, stream and fire count."""

    __slots__ = ("active", "delay", "fired", "id", "kind", "max_fires", "params", "probability",
                 "stream", "team", "when")

    def __init__(self, *, id: str, team: str, kind: str, active: bool, params: FrozenDict,
                 when: Predicate, probability: float, delay: float, max_fires: int | None,
                 stream: Stream) -> None:
        self.id = id
        self.team = team
        self.kind = kind
        self.active = active
        """False while the team is played by a person (its doctrine is off)."""
        self.params = params
        self.when = when
        self.probability = probability
        self.delay = delay
        self.max_fires = max_fires
        self.fired = 0
        self.stream = stream


class TriggerState:
    """One trigger as the game plays it: armed until its level is crossed."""

    __slots__ = ("armed", "compare", "effects", "event", "id", "once", "value")

    def __init__(self, *, id: str, compare: Callable[[float, float], bool], value: float,
                 event: EventSpec, effects: tuple[EffectFn, ...], once: bool, armed: bool) -> None:
        self.id = id
        self.compare = compare
        self.value = value
        self.event = event
        self.effects = effects
        self.once = once
        self.armed = armed


class Responders:
    """The triggers by indicator and the rules by the event kind they listen for."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.values = engine.values
        self.low = engine.low
        self.high = engine.high
        self.rules_by_kind: dict[str, list[RuleState]] = {}
        self.triggers_by_indicator: dict[int, list[TriggerState]] = {}
        self.cascade = 0
        """Depth of the chain of events raising one another in this instant (``MAX_CHAIN``)."""
        self.deferred: list[int] | None = None
        """While an event's effects apply (atomic games): indicators changed whose triggers wait
        for the last effect."""

    def add_rules(self) -> None:
        """Compile the doctrine rules; their conditions read each team's intelligence."""
        engine = self.engine
        scenario = engine.scenario
        for rule_id, rule in scenario.rules.items():
            state = RuleState(
                id=rule_id, team=rule.team, kind=rule.move.kind,
                active=rule.team not in engine.human_teams,
                params=FrozenDict(check_params(
                    scenario.teams[rule.team].moves[rule.move.kind].params, rule.move.params)[0]),
                when=compile_condition(rule.when, engine.index, engine.values,
                                       engine.intelligence.readings(rule.team)),
                probability=rule.probability, delay=rule.delay_weeks,
                max_fires=rule.max_fires,
                stream=engine.streams.stream(rule.stream or f"rule.{rule_id}"),
            )
            self.rules_by_kind.setdefault(rule.on, []).append(state)

    def add_triggers(self) -> None:
        """Compile the triggers, armed unless their condition already holds at the start (so the
        start's values must be final when this is called)."""
        engine = self.engine
        compile_effects = engine.compiler.effects
        for trigger_id, trigger in engine.scenario.triggers.items():
            position = engine.index[trigger.indicator]
            compare = COMPARATORS[trigger.op]
            self.triggers_by_indicator.setdefault(position, []).append(TriggerState(
                id=trigger_id, compare=compare, value=trigger.value, event=trigger.event,
                effects=compile_effects(trigger.event.effects), once=trigger.once,
                armed=not compare(engine.values[position], trigger.value)))

    def set_humans(self, humans: tuple[str, ...]) -> None:
        """Teams played by people have their doctrine off (a fork may change who plays)."""
        for rules in self.rules_by_kind.values():
            for rule in rules:
                rule.active = rule.team not in humans

    # ---- indicators and triggers -------------------------------------------------------------

    def set_indicator(self, position: int, value: float, event_id: str | None) -> None:
        """Set an indicator (clipped to its bounds) and fire any trigger it crosses."""
        low = self.low[position]
        if value < low:
            value = low
        else:
            high = self.high[position]
            if value > high:
                value = high
            elif value - value:  # inf - inf and nan - nan are nan (true); a finite value gives 0
                self.not_finite(position, value, event_id)
        values = self.values
        if value == values[position]:
            return
        values[position] = value
        triggers = self.triggers_by_indicator.get(position)
        if triggers is not None:
            deferred = self.deferred
            if deferred is None:
                self.check_triggers(triggers, value, event_id)
            elif position not in deferred:
                deferred.append(position)

    def apply_as_one(self, effects: tuple[EffectFn, ...], params: dict[str, Any] | None,
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
            self.check_triggers(triggers_by_indicator[position], values[position], event_id)

    def not_finite(self, position: int, value: float, event_id: str | None) -> None:
        """An indicator may not become infinite or NaN: it could not be compared, journalled or
        summarised. Something in the scenario diverged; say what and where."""
        engine = self.engine
        name = engine.indicator_ids[position]
        spec = engine.scenario.indicators[name]
        flows = [flow_id for flow_id, flow in engine.scenario.flows.items()
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
            f"indicator '{name}' became {value!r} at week {engine.env.now:g} (from {source}): "
            "something in the scenario diverges; give the indicator bounds (min/max) or "
            "smaller rates")

    def check_triggers(self, triggers: list[TriggerState], value: float,
                       event_id: str | None) -> None:
        """Arm and disarm every trigger on the new value first, then fire the crossed ones.

        Two phases, so that a trigger whose event changes the indicator again cannot hide the
        crossing from the triggers after it in the list.
        """
        crossed = None  # most calls cross nothing: no list is made for them
        for trigger in triggers:
            if trigger.compare(value, trigger.value):
                if trigger.armed:
                    trigger.armed = False
                    if crossed is None:
                        crossed = [trigger]
                    else:
                        crossed.append(trigger)
            elif not trigger.armed and not trigger.once:
                trigger.armed = True
        if crossed is None:
            return
        engine = self.engine
        for trigger in crossed:
            if self.cascade >= MAX_CHAIN:
                raise GameStateError(
                    f"trigger '{trigger.id}' fired in a chain of {MAX_CHAIN} events at "
                    f"week {engine.env.now:g}: triggers and rules whose effects answer each "
                    "other at once loop forever; change their effects, add a delay or set "
                    "once: true")
            self.cascade += 1
            spec = trigger.event
            try:
                engine.emit(spec.kind, spec.actor, engine.expand(spec.visible_to, spec.actor),
                            Cause("trigger", trigger.id, event_id), spec.description,
                            {"value": value}, trigger.effects)
            finally:
                self.cascade -= 1

    # ---- doctrine rules ---------------------------------------------------------------------

    def wake(self, rules: list[RuleState], event: Event) -> None:
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
                def act_later(_event: simpy.Event, rule: RuleState = rule) -> None:
                    self.rule_acts(rule, event_id)

                self.engine.env.timeout(rule.delay).callbacks.append(act_later)
                continue
            if self.cascade >= MAX_CHAIN:
                raise GameStateError(
                    f"rule '{rule.id}' acted in a chain of {MAX_CHAIN} events at week "
                    f"{self.engine.env.now:g}: rules (and triggers) that answer each other at "
                    "once loop forever; give one a delay_weeks, a max_fires or a condition")
            self.cascade += 1
            try:
                self.rule_acts(rule, event_id)
            finally:
                self.cascade -= 1

    def rule_acts(self, rule: RuleState, event_id: str) -> None:
        """A doctrine makes its move if the move is legal at decision time; else it stands."""
        engine = self.engine
        moves = engine.moves
        if engine.over or moves.legal(rule.team, rule.kind) is not None:
            return
        moves.announce(moves.next_id(), rule.team, rule.kind, rule.params,
                       Cause("rule", rule.id, event_id))
