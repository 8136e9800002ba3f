"""The move lifecycle: a team's catalogue, what is legal now, and a move from submission to effect.

A move is *submitted* during a turn (validated, journalled, withdrawable), *announced* when the
turn is played (an ``<kind>.announced`` event, then its stages), and *takes effect* after its lag
(the ``<kind>`` event carrying the move's effects). Doctrine rules, injects and the white cell
announce moves directly; only a submitted move can be withdrawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import simpy
from pydantic import ValidationError

from wargame.engine.effects import EffectFn
from wargame.engine.events import Cause, Move, MoveOption, PendingMove
from wargame.errors import Issue, MoveError
from wargame.frozen import FrozenDict
from wargame.limits import MAX_RATIONALE
from wargame.scenario.conditions import Predicate, compile_condition
from wargame.scenario.params import check_params
from wargame.scenario.references import unknown_move
from wargame.scenario.schema import Stage
from wargame.text import echo_value
from wargame.validated import text_problem
from wargame.yamlio import issues_from_validation

if TYPE_CHECKING:
    from wargame.engine.core import Engine


class MoveBook:
    """Every team's catalogue and every move not yet in effect."""

    def __init__(self, engine: Engine) -> None:
        scenario = engine.scenario
        self.engine = engine
        self.scenario = scenario
        self.available: dict[str, dict[str, bool]] = {
            team: {kind: spec.available for kind, spec in t.moves.items()}
            for team, t in scenario.teams.items()}
        """Per team and kind, whether the catalogue offers the move now (effects change it)."""
        self.uses: dict[tuple[str, str], int] = {}
        """Moves made (and submitted, not withdrawn) per (team, kind), against ``max_uses``."""
        self.requires: dict[tuple[str, str], Predicate] = {
            (team, kind): compile_condition(spec.requires, engine.index, engine.values)
            for team, t in scenario.teams.items() for kind, spec in t.moves.items()
        }
        self.effects: dict[tuple[str, str], tuple[EffectFn, ...]] = {}
        """Compiled by ``compile_effects`` once the effect compiler exists (it needs this
        catalogue's availability flags)."""
        self.visible: dict[tuple[str, str], tuple[str, ...]] = {
            (team, kind): engine.expand(spec.visible_to, team)
            for team, t in scenario.teams.items() for kind, spec in t.moves.items()
        }
        self.submitted: list[PendingMove] = []
        """Submitted this turn, in order; announced when the turn is played."""
        self.announced: dict[str, PendingMove] = {}
        """Announced and waiting for their lag, by id."""
        self.counter = 0

    def compile_effects(self) -> None:
        compile_effects = self.engine.compiler.effects
        self.effects = {
            (team, kind): compile_effects(spec.effects)
            for team, t in self.scenario.teams.items() for kind, spec in t.moves.items()
        }

    # ---- what is legal ----------------------------------------------------------------------

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
        self.engine.check_team(team, "team")
        options = []
        for kind, spec in self.scenario.teams[team].moves.items():
            if self.legal(team, kind) is None:
                uses_left = None if spec.max_uses is None else \
                    spec.max_uses - self.uses.get((team, kind), 0)
                options.append(MoveOption(team, kind, spec.description, spec.params,
                                          spec.lag_weeks, uses_left))
        return options

    # ---- input ------------------------------------------------------------------------------

    def parse(self, move: Move | dict[str, Any]) -> Move:
        if isinstance(move, Move):
            return move
        try:
            return Move.model_validate(move)
        except ValidationError as exc:
            issues = issues_from_validation(exc, move)
            raise MoveError([Issue(i.message, f"move.{i.path}" if i.path else "move")
                             for i in issues]) from None

    def checked_params(self, move: Move) -> FrozenDict:
        self.engine.check_team(move.team, "move.team")
        catalogue = self.scenario.teams[move.team].moves
        if move.kind not in catalogue:
            raise MoveError(Issue(unknown_move(self.scenario, move.team, move.kind),
                                  "move.kind"))
        params, problems = check_params(catalogue[move.kind].params, move.params)
        if problems:
            raise MoveError([Issue(message, ".".join(("move.params", *map(str, path))))
                             for path, message in problems])
        return FrozenDict(params)

    def submit(self, move: Move | dict[str, Any], rationale: str | None = None) -> PendingMove:
        engine = self.engine
        move = self.parse(move)
        check_rationale(rationale)
        if engine.over:
            raise MoveError(Issue("the game is over; no more moves can be made", "move"))
        params = self.checked_params(move)
        key = (move.team, move.kind)
        why = self.legal(move.team, move.kind)
        spec = self.scenario.teams[move.team].moves[move.kind]
        if why is None:
            queued = sum(1 for p in self.submitted if (p.team, p.kind) == key)
            if spec.max_uses is not None and self.uses.get(key, 0) + queued >= spec.max_uses:
                why = f"has no uses left (at most {spec.max_uses} a game)"
        if why is not None:
            legal = ", ".join(o.kind for o in self.legal_moves(move.team)) or "none"
            raise MoveError(Issue(f"'{move.kind}' {why} (legal now: {legal})", "move.kind"))
        move_id = self.next_id()
        self.uses[key] = self.uses.get(key, 0) + 1
        record = {"record": "move", "id": move_id, "turn": engine.playing, "week": engine.week,
                  "team": move.team, "kind": move.kind, "params": params}
        if rationale is not None:  # no key without one: older journals stay byte for byte
            record["rationale"] = rationale
        engine.journal.append(record)
        pending = PendingMove(move_id, move.team, move.kind, params, "submitted", None,
                              spec.lag_weeks, rationale)
        self.submitted.append(pending)
        return pending

    def withdraw(self, move_id: str, rationale: str | None = None) -> None:
        check_rationale(rationale)
        pending = self.take_back(move_id, "withdraw", "withdrawn")
        record = {"record": "withdraw", "move": pending.id, "turn": self.engine.playing}
        if rationale is not None:
            record["rationale"] = rationale
        self.engine.journal.append(record)

    def find_submitted(self, move_id: object, verb: str, done: str) -> PendingMove:
        """The submitted move ``move_id``; else ``MoveError`` naming it and what ``verb`` (to
        withdraw, to veto) could take."""
        for pending in self.submitted:
            if pending.id == move_id:
                return pending
        if not isinstance(move_id, str):  # ids come from clients as JSON: anything at all
            raise MoveError(Issue(f"a move id is text like 'm1' (got {move_id!r})", "move"))
        if move_id in self.announced:
            raise MoveError(Issue(f"move {move_id} was announced at the turn's start and can no "
                                  f"longer be {done}", "move"))
        known = ", ".join(p.id for p in self.submitted) or "none"
        listed = "withdrawable" if verb == "withdraw" else "submitted"
        raise MoveError(Issue(f"no submitted move {move_id!r} to {verb} ({listed}: {known})",
                              "move"))

    def take_back(self, move_id: object, verb: str, done: str) -> PendingMove:
        """Remove a submitted move and give its use back (a withdrawal, a veto)."""
        pending = self.find_submitted(move_id, verb, done)
        self.submitted.remove(pending)  # ids are unique: this is the one found
        self.uses[(pending.team, pending.kind)] -= 1
        return pending

    def pending(self, team: str | None = None) -> list[PendingMove]:
        if team is not None:
            self.engine.check_team(team, "team")
        moves = [*self.submitted, *self.announced.values()]
        return [p for p in moves if team is None or p.team == team]

    # ---- from announcement to effect --------------------------------------------------------

    def next_id(self) -> str:
        self.counter += 1
        return f"m{self.counter}"

    def announce_submitted(self) -> None:
        """The turn is being played: every move submitted in it is announced, in order."""
        submitted, self.submitted = self.submitted, []
        for pending in submitted:
            self.announce(pending.id, pending.team, pending.kind, pending.params,
                          Cause("move", pending.id), pending.rationale)

    def announce(self, move_id: str, team: str, kind: str, params: dict[str, Any],
                 cause: Cause, rationale: str | None = None) -> None:
        engine = self.engine
        spec = self.scenario.teams[team].moves[kind]
        key = (team, kind)
        if cause.kind != "move":  # player moves were counted when submitted
            self.uses[key] = self.uses.get(key, 0) + 1
        lag = spec.lag_weeks
        if lag <= 0:
            self.take_effect(move_id, team, kind, params, cause)
            return
        env, emit, visible = engine.env, engine.emit, self.visible[key]
        effective = env.now + lag
        emit(f"{kind}.announced", team, visible, cause, spec.description,
             {"move": move_id, "params": params, "effective_week": effective})
        self.announced[move_id] = PendingMove(move_id, team, kind, params, "announced",
                                              effective, lag, rationale)
        for stage in spec.stages:
            def reach_stage(_event: simpy.Event, stage: Stage = stage) -> None:
                emit(f"{kind}.{stage.name}", team, visible, Cause("move", move_id),
                     stage.description, {"move": move_id, "params": params,
                                         "effective_week": effective})

            env.timeout(stage.at_weeks).callbacks.append(reach_stage)

        def take_effect(_event: simpy.Event) -> None:
            self.take_effect(move_id, team, kind, params, Cause("move", move_id))

        env.timeout(lag).callbacks.append(take_effect)

    def take_effect(self, move_id: str, team: str, kind: str, params: dict[str, Any],
                    cause: Cause) -> None:
        self.announced.pop(move_id, None)
        key = (team, kind)
        self.engine.emit(kind, team, self.visible[key], cause,
                         self.scenario.teams[team].moves[kind].description,
                         {"move": move_id, "params": params}, self.effects[key], params)


def check_rationale(rationale: object) -> None:
    """A player's rationale (for a move, a withdrawal): None, or text that is not blank, has no
    control or invisible characters and is at most ``MAX_RATIONALE`` characters long; else
    ``MoveError`` on the field ``rationale``."""
    if rationale is None:
        return
    if not isinstance(rationale, str):
        problem: str | None = f"must be text or None (got {echo_value(rationale)})"
    elif not rationale.strip():
        problem = "when given, says why in words (got blank text); leave it out for none"
    else:
        problem = text_problem(rationale)
        if problem is None and len(rationale) > MAX_RATIONALE:
            problem = f"may be at most {MAX_RATIONALE} characters (got {len(rationale)})"
    if problem is not None:
        raise MoveError(Issue(problem, "rationale"))
