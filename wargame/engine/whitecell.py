"""The white cell's powers: inject an event or a move, override an indicator, veto a team's
submitted move — each with a rationale, journalled as a ``facilitator`` record before it acts, so
a replay repeats it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from wargame.engine.events import Cause, Event, Move
from wargame.errors import Issue, MoveError
from wargame.limits import MAX_TEXT
from wargame.scenario.references import References
from wargame.scenario.schema import EventSpec
from wargame.text import echo_value
from wargame.validated import text_problem
from wargame.yamlio import format_path, issues_from_validation

if TYPE_CHECKING:
    from wargame.engine.core import Engine


class WhiteCell:
    """The facilitator's actions on one game."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.counter = 0
        """Facilitator actions so far: their ids are ``f1``, ``f2``, ..."""

    def _facilitator(self, action: str, rationale: str, detail: dict[str, Any]) -> Cause:
        if not isinstance(rationale, str) or not rationale.strip():
            raise MoveError(Issue("a facilitator action needs a rationale (why it was done)",
                                  "rationale"))
        problem = text_problem(rationale)
        if problem is None and len(rationale) > MAX_TEXT:
            problem = f"may be at most {MAX_TEXT} characters (got {len(rationale)})"
        if problem is not None:
            raise MoveError(Issue(problem, "rationale"))
        self.counter += 1
        action_id = f"f{self.counter}"
        engine = self.engine
        engine.journal.append({"record": "facilitator", "id": action_id, "turn": engine.playing,
                               "week": engine.week, "action": action, "rationale": rationale,
                               "detail": detail})
        return Cause("facilitator", action_id)

    def inject_event(self, event: EventSpec | dict[str, Any], rationale: str) -> Event:
        spec = self._parse_event(event)
        cause = self._facilitator("inject_event", rationale,
                                  spec.model_dump(mode="json", exclude_defaults=True))
        return self.engine.raise_event(spec, cause)

    def _parse_event(self, event: EventSpec | dict[str, Any]) -> EventSpec:
        try:
            spec = event if isinstance(event, EventSpec) else EventSpec.model_validate(event)
        except ValidationError as exc:
            raise MoveError([Issue(i.message, f"event.{i.path}" if i.path else "event")
                             for i in issues_from_validation(exc, event)]) from None
        problems = [Issue(message, format_path(loc))
                    for loc, message in References(self.engine.scenario).event(("event",), spec)]
        if problems:
            raise MoveError(problems)
        return spec

    def inject_move(self, move: Move | dict[str, Any], rationale: str) -> str:
        moves = self.engine.moves
        move = moves.parse(move)
        if self.engine.over:
            raise MoveError(Issue("the game is over; nothing can be injected", "move"))
        params = moves.checked_params(move)
        cause = self._facilitator("inject_move", rationale,
                                  {"team": move.team, "kind": move.kind, "params": params})
        move_id = moves.next_id()
        moves.announce(move_id, move.team, move.kind, params, cause)
        return move_id

    def veto(self, move_id: str, rationale: str) -> Event:
        """Strike a team's submitted (not yet announced) move: it is taken back as a withdrawal
        is, its use given back, and a ``veto`` event tells the team (and the white cell) why."""
        moves = self.engine.moves
        pending = moves.find_submitted(move_id, "veto", "vetoed")
        cause = self._facilitator("veto", rationale, {"move": pending.id})
        moves.take_back(pending.id, "veto", "vetoed")
        return self.engine.emit(
            "veto", None, (pending.team,), cause,
            f"White cell vetoes move {pending.id} ({pending.kind}): {rationale}",
            {"move": pending.id, "team": pending.team, "kind": pending.kind,
             "rationale": rationale})

    def override(self, indicator: str, value: float, rationale: str) -> Event:
        engine = self.engine
        position = engine.check_indicator(indicator, "indicator")
        if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value):
            raise MoveError(Issue(f"must be a finite number (got {echo_value(value)})",
                                  "value"))
        low, high = engine.low[position], engine.high[position]
        if not low <= value <= high:
            raise MoveError(Issue(f"must be within the indicator's bounds [{low:g}, {high:g}] "
                                  f"(got {value:g})", "value"))
        old = engine.values[position]
        cause = self._facilitator("override", rationale,
                                  {"indicator": indicator, "value": float(value)})
        event = engine.emit("override", None, (), cause, f"White cell sets {indicator}",
                           {"indicator": indicator, "old": old, "new": float(value),
                            "rationale": rationale})
        engine.set_indicator(position, float(value), event.id)
        return event


def _finite(value: float) -> bool:
    """``math.isfinite``, taking an int beyond any float (``10**400``) as infinite, not a crash."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False
