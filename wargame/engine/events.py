"""What happens in a game (events, with their causes) and what actors decide (moves).

An event is something that happened: it has a time, a kind, an actor, the teams that may see it,
and a cause — the move, rule, stream, trigger, inject or facilitator action that produced it — so
every change of state can be traced back. A move is a team's decision; it is validated when it is
submitted and turns into events when it is announced and when it takes effect.

Inside the engine these are slots dataclasses (cheap to make in the hot loop); at the boundary
(player input, journal files) they are checked by pydantic models, see ``wargame.engine.journal``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from pydantic import ConfigDict, Field

from wargame.validated import Model

CauseKind = Literal["move", "inject", "rule", "source", "trigger", "facilitator", "clock"]


@dataclass(frozen=True, slots=True)
class Cause:
    """Why an event happened.

    ``kind`` says what produced it and ``ref`` names which one: a move id (``m3``), an inject's
    index, a rule, source or trigger id, a facilitator action id. ``parent`` is the id of the
    event that woke the rule or crossed the trigger, when there is one.
    """

    kind: CauseKind
    ref: str
    parent: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "ref": self.ref}
        if self.parent is not None:
            out["parent"] = self.parent
        return out

    def __str__(self) -> str:
        label = _CAUSE_LABELS[self.kind].format(ref=self.ref)
        return f"{label} after {self.parent}" if self.parent else label


_CAUSE_LABELS = {
    "move": "move {ref}",
    "inject": "inject #{ref}",
    "rule": "rule {ref}",
    "source": "source {ref}",
    "trigger": "trigger {ref}",
    "facilitator": "white cell {ref}",
    "clock": "clock",
}


class Event(NamedTuple):
    """Something that happened at a moment of game time.

    Fields: ``id`` (``e1``, ``e2``, ... in the order events happened); ``week`` (game time in
    weeks from the start); ``turn`` (the turn being played, 1 for the first); ``kind`` (a move
    kind such as ``tighten_controls``, its announcement ``tighten_controls.announced``, a
    scenario event kind, ``turn`` or ``override``); ``actor`` (the team it is attributed to, or
    None); ``visible_to`` (teams that see it; the white cell sees every event); ``cause`` (what
    produced it); ``description`` (a line for the event log); ``data`` (details: a move's id and
    parameters, a trigger's value, an override's rationale).

    A named tuple: immutable, and cheap to make in the hot loop.
    """

    id: str
    week: float
    turn: int
    kind: str
    actor: str | None
    visible_to: tuple[str, ...]
    cause: Cause
    description: str = ""
    data: dict[str, Any] = {}
    """Shared default, never mutated: the engine always passes a fresh dict."""

    def visible(self, team: str | None) -> bool:
        """Whether ``team`` may see this event (None is the white cell, which sees all)."""
        return team is None or team in self.visible_to

    def to_json(self) -> dict[str, Any]:
        """The event's journal record."""
        return {
            "record": "event",
            "id": self.id,
            "week": self.week,
            "turn": self.turn,
            "kind": self.kind,
            "actor": self.actor,
            "visible_to": list(self.visible_to),
            "cause": self.cause.to_json(),
            "description": self.description,
            "data": self.data,
        }


class Move(Model):
    """A team's decision as submitted: a kind from its catalogue and parameter values.

    This is the boundary type for players and scripts; ``Game.submit`` checks it against the
    team's current catalogue and the parameter specifications.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    team: str = Field(min_length=1)
    """The team making the move."""
    kind: str = Field(min_length=1)
    """The move kind, from ``Game.legal_moves(team)``."""
    params: dict[str, Any] = {}
    """Parameter values; omitted ones take their defaults."""


@dataclass(frozen=True, slots=True)
class PendingMove:
    """A move that has not fully taken effect: submitted (withdrawable) or announced (lagging)."""

    id: str
    team: str
    kind: str
    params: dict[str, Any]
    status: Literal["submitted", "announced"]
    """``submitted``: waits for the turn to advance and may be withdrawn; ``announced``: made
    public, takes effect at ``effective_week``."""
    effective_week: float | None
    """When it takes effect (None while merely submitted: the lag starts at announcement)."""
    lag_weeks: float
    rationale: str | None = None
    """Why the team made it, as its player gave it with ``Game.submit`` (None: not said). Only
    the team and the white cell see it: it is in no event."""


@dataclass(frozen=True, slots=True)
class MoveOption:
    """A move a team may make now: its catalogue entry and how many uses are left."""

    team: str
    kind: str
    description: str
    params: dict[str, Any]
    """Parameter specifications by name (``NumberParam``, ``ChoiceParam``, ...)."""
    lag_weeks: float
    uses_left: int | None
    """None when unlimited."""
