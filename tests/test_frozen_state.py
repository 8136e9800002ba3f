"""What leaves the engine cannot change the game behind its back.

Each test plays a game twice from the same inputs: once untouched, once while trying to change in
place everything the API handed out (events' data and parameters, pending moves, the journal and
its records, the economy, the scenario, move options). The second game must end exactly as the
first, and its save must replay.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest

from tests.conftest import SCENARIOS
from wargame import Game, load_scenario
from wargame.frozen import FrozenDict, FrozenList, freeze, thaw


def _tamper(value: Any, depth: int = 0) -> None:
    """Try every in-place change on ``value`` and whatever it contains (errors swallowed: the
    point is what happens to the game)."""
    if depth > 6:
        return
    if isinstance(value, dict):
        for key, item in list(value.items()):
            _tamper(item, depth + 1)
            with contextlib.suppress(Exception):
                value[key] = 999
        with contextlib.suppress(Exception):
            value["injected"] = 1
        with contextlib.suppress(Exception):
            value.clear()
    elif isinstance(value, list):
        for item in list(value):
            _tamper(item, depth + 1)
        with contextlib.suppress(Exception):
            value.append(999)
        with contextlib.suppress(Exception):
            value.clear()
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        for name, item in list(vars(value).items()):
            _tamper(item, depth + 1)
            with contextlib.suppress(Exception):
                setattr(value, name, None)
    elif isinstance(value, tuple):
        for item in value:
            _tamper(item, depth + 1)


def _play(scenario_name: str, tamper: bool) -> Game:
    game = Game(load_scenario(SCENARIOS / f"{scenario_name}.yaml"), seed=3, human_teams=["us"])
    for turn in range(4):
        options = game.legal_moves("us")
        option = options[turn % len(options)]
        params = {name: spec.default for name, spec in option.params.items()
                  if spec.default is not None}
        pending = game.submit({"team": "us", "kind": option.kind, "params": params})
        events = game.advance()
        if tamper:
            for handed_out in (events, pending, options, game.pending(), game.events(),
                               game.journal.header, game.journal.records, game.outcomes(),
                               game.indicators(), game.link_measures()):
                _tamper(handed_out)
            game.journal.append({"record": "advance", "turn": 99})
            economy = game.economy
            if economy is not None:
                with contextlib.suppress(Exception):
                    economy.set_edges_open({}, 0.0)
                economy.step(10.0)
                for name, array in vars(economy).items():
                    if hasattr(array, "fill") and not name.startswith("__"):
                        with contextlib.suppress(Exception):
                            array.fill(0.0)
            _tamper(game.scenario.teams)
            _tamper(game.scenario.indicators)
            _tamper(game.scenario.rules)
    game.run()
    return game


@pytest.mark.parametrize("scenario_name", ["escalation-ladder", "embargo-shock"])
def test_changing_what_the_api_returns_changes_nothing_in_the_game(scenario_name, tmp_path):
    untouched = _play(scenario_name, tamper=False)
    tampered = _play(scenario_name, tamper=True)
    assert tampered.journal.text() == untouched.journal.text()
    assert tampered.indicators() == untouched.indicators()
    tampered.journal.save(tmp_path / "save.jsonl")
    assert Game.replay(tmp_path / "save.jsonl").journal.text() == untouched.journal.text()


def test_event_parameters_are_read_only_and_shared_with_nothing_changeable():
    game = Game(load_scenario(SCENARIOS / "escalation-ladder.yaml"), seed=1, human_teams=["us"])
    pending = game.submit({"team": "us", "kind": "tighten_controls", "params": {"levels": 2}})
    with pytest.raises(TypeError, match="read-only"):
        pending.params["levels"] = 3  # type: ignore[index]
    event = next(e for e in game.advance() if e.data.get("params"))
    with pytest.raises(TypeError, match="read-only"):
        event.data["params"]["levels"] = 3
    with pytest.raises(TypeError, match="read-only"):
        game.scenario.teams["us"].moves.clear()
    with pytest.raises(TypeError, match="read-only"):
        game.journal.header["seed"] = 4


def test_frozen_containers_behave_as_plain_ones_for_readers():
    data = freeze({"a": [1, {"b": 2}], "c": (3, [4])})
    assert isinstance(data, FrozenDict) and isinstance(data["a"], FrozenList)
    assert data == {"a": [1, {"b": 2}], "c": (3, [4])}
    import copy
    import json
    import pickle

    assert json.loads(json.dumps(data)) == {"a": [1, {"b": 2}], "c": [3, [4]]}
    assert pickle.loads(pickle.dumps(data)) == data and copy.deepcopy(data) is data
    plain = thaw(data)
    plain["a"].append(5)
    assert data["a"] == [1, {"b": 2}] and plain["a"] == [1, {"b": 2}, 5]
