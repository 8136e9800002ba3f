"""Forking a game: carry on from a turn on fresh random streams, and replay the fork exactly."""

from __future__ import annotations

import pytest

from tests.scripted_play import play
from wargame import Game, GameStateError


def test_a_fork_starts_from_the_same_state_and_then_goes_its_own_way(ladder):
    game = Game(ladder, seed=3, human_teams=["us"])
    game.submit({"team": "us", "kind": "tighten_controls", "params": {"levels": 2}})
    game.advance()
    game.advance()
    fork_a = game.fork(seed=100, spawn_key=(0,))
    fork_b = game.fork(seed=100, spawn_key=(1,))
    same_a = game.fork(seed=100, spawn_key=(0,))
    for fork in (fork_a, fork_b, same_a):
        assert fork.turn == 2 and fork.indicators() == game.indicators()
        assert fork.human_teams == ()
        fork.run()
    assert fork_a.journal.text() == same_a.journal.text()
    after = [[e.to_json() for e in f.events() if e.turn > 2] for f in (fork_a, fork_b)]
    assert after[0] != after[1]  # different futures
    assert game.turn == 2  # the original is untouched


def test_a_fork_replays_from_its_journal_and_keeps_the_prefix(ladder):
    game = play("escalation-ladder", 5)
    fork = game.fork(seed=9, at_turn=4, human_teams=["cn"])
    fork.run()
    again = Game.replay(fork.journal)
    assert again.journal.text() == fork.journal.text()
    prefix = game.journal.upto_turn(4).text()
    assert fork.journal.text().startswith(prefix)
    assert again.human_teams == ("cn",)


def test_automated_doctrines_take_over_human_seats_in_a_fork(ladder):
    game = Game(ladder, seed=2, human_teams=["us", "cn"])
    game.advance()
    quiet = game.fork(seed=1, human_teams=["us", "cn"])
    busy = game.fork(seed=1)
    quiet.run()
    busy.run()
    rule_moves = [len([e for e in g.events() if e.cause.kind == "rule"]) for g in (quiet, busy)]
    assert rule_moves[0] == 0 < rule_moves[1]


def test_fork_turn_out_of_range():
    game = play("escalation-ladder", 1)
    with pytest.raises(GameStateError, match="can fork only at a turn from 0 to 13"):
        game.fork(seed=1, at_turn=20)
