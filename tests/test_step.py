"""The white cell's "step a week": time moves inside a turn without ending it, and replays."""

from __future__ import annotations

import pytest

from wargame import Game, RequestError, load_scenario


def _game() -> Game:
    game = Game(load_scenario("escalation-ladder"), seed=7, human_teams=["us"])
    game.submit({"team": "us", "kind": "tighten_controls", "params": {"levels": 2}})
    return game


def test_a_step_runs_inside_the_turn_and_announces_submitted_moves():
    game = _game()
    events = game.step(1)
    assert game.week == 1 and game.turn == 0          # the turn is still being played
    assert [e.kind for e in events] == ["tighten_controls.announced"]
    assert game.pending("us")[0].status == "announced"
    events = game.step(2)
    assert game.week == 3 and "chip_breakthrough" in [e.kind for e in events]


def test_a_step_that_reaches_the_end_of_the_turn_ends_it():
    game = _game()
    game.step(3)
    events = game.step(5)
    assert game.turn == 1 and game.week == 4 and events[-1].kind == "turn"


def test_stepped_and_advanced_games_end_the_turn_in_the_same_state():
    stepped, advanced = _game(), _game()
    stepped.step(1)
    stepped.step(1)
    stepped.advance()
    advanced.advance()
    assert stepped.indicators() == advanced.indicators()
    assert [e.kind for e in stepped.events()] == [e.kind for e in advanced.events()]


def test_steps_are_journalled_replayed_and_rolled_back(tmp_path):
    game = _game()
    game.advance()
    game.step(1.5)
    game.override("tension", 0.7, "the white cell judged the incident worse")
    game.step(1)
    path = tmp_path / "g.jsonl"
    game.journal.save(path)
    again = Game.replay(path, verify=True)
    assert again.week == 6.5 and again.indicators() == game.indicators()
    game.rollback(1)
    assert game.week == 4 and game.indicators() == Game.replay(
        game.journal, verify=True).indicators()


@pytest.mark.parametrize("weeks", [0, -1, "1", True, float("nan")])
def test_bad_steps_are_refused(weeks):
    game = _game()
    with pytest.raises(RequestError):  # a wrong argument, as ``wargame run --weeks 0`` is
        game.step(weeks)
    assert game.week == 0
