"""The Python API answers a wrong argument with one of the project's errors, never a raw
TypeError or AttributeError from deep inside, and a refused call changes nothing."""

from __future__ import annotations

import math

import pytest

import wargame
from tests.conftest import tiny
from wargame import Game, WargameError


@pytest.fixture
def game() -> Game:
    return Game(tiny(), seed=1, human_teams=["us"])


WRONG = [None, 1.5, "x", -1, True, [], {}, object(), float("nan"), 10**400, "\udcff"]

CALLS = {
    "Game(scenario)": lambda g, x: Game(x),
    "Game(seed)": lambda g, x: Game(g.scenario, seed=x),
    "Game(human_teams)": lambda g, x: Game(g.scenario, human_teams=x),
    "Game(spawn_key)": lambda g, x: Game(g.scenario, spawn_key=x),
    "legal_moves": lambda g, x: g.legal_moves(x),
    "submit": lambda g, x: g.submit(x),
    "submit(params)": lambda g, x: g.submit({"team": "us", "kind": "raise_level",
                                             "params": {"by": x}}),
    "withdraw": lambda g, x: g.withdraw(x),
    "pending": lambda g, x: g.pending(x),
    "step": lambda g, x: g.step(x),
    "run": lambda g, x: g.run(x),
    "inject_event": lambda g, x: g.inject_event(x, "why"),
    "inject_event(rationale)": lambda g, x: g.inject_event({"kind": "raise_level"}, x),
    "inject_move": lambda g, x: g.inject_move(x, "why"),
    "override(indicator)": lambda g, x: g.override(x, 0.5, "why"),
    "override(value)": lambda g, x: g.override("level", x, "why"),
    "override(rationale)": lambda g, x: g.override("level", 0.5, x),
    "indicators": lambda g, x: g.indicators(x),
    "events": lambda g, x: g.events(x),
    "history": lambda g, x: g.history(x),
    "history(team)": lambda g, x: g.history("level", x),
    "fork(seed)": lambda g, x: g.fork(x),
    "fork(at_turn)": lambda g, x: g.fork(1, at_turn=x),
    "fork(human_teams)": lambda g, x: g.fork(1, human_teams=x or ["x"]),
    "rollback": lambda g, x: g.rollback(x),
    "replay": lambda g, x: Game.replay(x),
    "load_scenario": lambda g, x: wargame.load_scenario(x),
    "load_scenario_text": lambda g, x: wargame.load_scenario_text(x),
    "with_postures": lambda g, x: wargame.with_postures(g.scenario, [x]),
    "Journal.parse": lambda g, x: wargame.Journal.parse(x),
    "Journal.load": lambda g, x: wargame.Journal.load(x),
}

ACCEPTED = {  # a wrong-looking value some calls legitimately take
    ("Game(human_teams)", "[]"), ("Game(spawn_key)", "[]"), ("pending", "None"),
    ("indicators", "None"), ("events", "None"), ("history(team)", "None"), ("run", "None"),
    ("fork(human_teams)", "None"), ("fork(human_teams)", "[]"), ("fork(human_teams)", "{}"),
    ("fork(at_turn)", "None"), ("submit(params)", "1.5"), ("override(value)", "-1"),
    ("Game(seed)", "None"), ("step", "1.5"), ("run", "1.5"), ("override(rationale)", "x"),
    ("inject_event(rationale)", "x"), ("history(team)", "x"),
}


CASES = [pytest.param(call, value, id=f"{call}-{repr(value)[:12]}")
         for call in CALLS for value in WRONG
         if (call, repr(value)) not in ACCEPTED and (call, str(value)) not in ACCEPTED]


@pytest.mark.parametrize(("call", "value"), CASES)
def test_a_wrong_argument_is_a_project_error_and_changes_nothing(game, call, value):
    before = game.journal.text()
    try:
        CALLS[call](game, value)
    except WargameError as exc:
        assert str(exc)  # a message for a person
        assert game.journal.text() == before  # refused: nothing changed
    except Exception as exc:
        pytest.fail(f"{call}({value!r}) raised {type(exc).__name__}: {exc}")


def test_a_seed_that_is_not_a_whole_number_is_refused_not_rounded(game):
    for seed in (1.5, 2.0, "3", True, math.inf):
        with pytest.raises(wargame.RequestError, match="seed and spawn key must be whole"):
            Game(game.scenario, seed=seed)
