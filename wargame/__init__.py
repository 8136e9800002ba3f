"""wargame: a discrete-event wargame engine for technology-competition crises.

The public API, re-exported here (``tests/test_public_api.py`` keeps ``__all__`` in step)::

    scenario = wargame.load_scenario("escalation-ladder")
    game = wargame.Game(scenario, seed=7)
    game.submit(wargame.Move(team="us", kind="tighten_controls", params={"levels": 2}))
    events = game.advance()
"""

from wargame._version import __version__
from wargame.engine.events import Cause, Event, Move, MoveOption, PendingMove
from wargame.engine.game import Game
from wargame.engine.journal import Journal
from wargame.errors import (
    GameStateError,
    InputTableError,
    Issue,
    JournalError,
    MoveError,
    ScenarioError,
    WargameError,
)
from wargame.scenario.loader import (
    load_scenario,
    load_scenario_text,
    scenario_hash,
    shipped_scenarios,
)
from wargame.scenario.postures import with_postures
from wargame.scenario.schema import Scenario

__all__ = [
    "Cause",
    "Event",
    "Game",
    "GameStateError",
    "InputTableError",
    "Issue",
    "Journal",
    "JournalError",
    "Move",
    "MoveError",
    "MoveOption",
    "PendingMove",
    "Scenario",
    "ScenarioError",
    "WargameError",
    "__version__",
    "load_scenario",
    "load_scenario_text",
    "scenario_hash",
    "shipped_scenarios",
    "with_postures",
]
