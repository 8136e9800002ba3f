"""wargame: a discrete-event wargame engine for technology-competition crises.

The public API, re-exported here (``tests/test_public_api.py`` keeps ``__all__`` in step)::

    scenario = wargame.load_scenario("escalation-ladder")
    results = wargame.monte_carlo(scenario, runs=1000, seed=1, jobs=2, out="batch/")
    game = wargame.Game(scenario, seed=7)
    game.submit(wargame.Move(team="us", kind="tighten_controls", params={"levels": 2}))
    events = game.advance()
"""

import importlib as _importlib

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
    OutputError,
    RequestError,
    ResultsError,
    ScenarioError,
    SetupError,
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

# Batches need pyarrow; they are imported on first use so that ``import wargame`` (and every worker
# process) stays light.
_LAZY = {"monte_carlo": "wargame.montecarlo.runner", "Results": "wargame.montecarlo.results"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(_importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'wargame' has no attribute {name!r}")


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
    "OutputError",
    "PendingMove",
    "RequestError",
    "Results",
    "ResultsError",
    "Scenario",
    "ScenarioError",
    "SetupError",
    "WargameError",
    "__version__",
    "load_scenario",
    "load_scenario_text",
    "monte_carlo",
    "scenario_hash",
    "shipped_scenarios",
    "with_postures",
]
