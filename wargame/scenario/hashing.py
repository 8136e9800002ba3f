"""A validated scenario as plain data, and its content hash: what a journal embeds and names.

Its own module so that the engine, which journals both, depends on the scenario's model and not
on the file loader.
"""

from __future__ import annotations

from typing import Any

from wargame.canonical import content_hash
from wargame.frozen import freeze
from wargame.memo import per_object
from wargame.scenario.schema import Scenario

__all__ = ["frozen_scenario_dump", "scenario_dump", "scenario_hash"]


@per_object
def _dump_and_hash(scenario: Scenario) -> tuple[dict[str, Any], str, dict[str, Any]]:
    """Dump and hash once per scenario object: every game journals both, and a batch starts
    thousands of games of one scenario (a dump of the library's base costs ~3 ms). Scenarios
    are frozen, so the result cannot go stale."""
    dump = scenario.model_dump(mode="json", by_alias=True)
    return dump, content_hash(dump), freeze(dump)


def scenario_dump(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain JSON data: what a journal embeds and what the hash is taken of.

    The same dict is returned for the same scenario object: treat it as read-only (``thaw`` it
    for a copy to change)."""
    return _dump_and_hash(scenario)[0]


def frozen_scenario_dump(scenario: Scenario) -> dict[str, Any]:
    """``scenario_dump`` made read-only (``wargame.frozen``): what a game's journal header holds."""
    return _dump_and_hash(scenario)[2]


def scenario_hash(scenario: Scenario) -> str:
    """Content hash of a validated scenario: equal for equal content, whatever the file layout."""
    return _dump_and_hash(scenario)[1]
