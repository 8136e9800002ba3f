"""What a batch measures of each game: an indicator's path statistic or a count of events.

Its own module so that the cross-reference checks (``references``) can tell the two apart
without importing the whole scenario model.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Discriminator, Tag

from wargame.scenario.types import EventKind, Id
from wargame.validated import Model

__all__ = ["EventOutcome", "IndicatorOutcome", "Outcome"]


class IndicatorOutcome(Model):
    """An outcome measured on an indicator's path."""

    indicator: Id
    """The indicator measured."""
    stat: Literal["final", "min", "max", "mean"] = "final"
    """Which statistic of its weekly path (``mean`` is over ticks)."""


class EventOutcome(Model):
    """An outcome measured on events of a kind."""

    event: EventKind
    """The event kind counted."""
    stat: Literal["count", "first_week"] = "count"
    """How many happened, or the week the first happened (empty when none did)."""


def _outcome_tag(value: object) -> str:
    if isinstance(value, dict):
        return "event_outcome" if "event" in value else "indicator_outcome"
    return "event_outcome" if isinstance(value, EventOutcome) else "indicator_outcome"


Outcome = Annotated[
    Annotated[IndicatorOutcome, Tag("indicator_outcome")]
    | Annotated[EventOutcome, Tag("event_outcome")],
    Discriminator(_outcome_tag),
]
