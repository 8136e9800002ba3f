"""A batch continuing a saved game records the game it continues (the journal up to the fork
turn), so a resume never mixes replications of two games saved at one path."""

from __future__ import annotations

import hashlib

import pytest

from wargame import Game, load_scenario
from wargame.montecarlo.results import Results
from wargame.montecarlo.runner import monte_carlo
from wargame.montecarlo.storage import ResultsError


class _Stop(Exception):
    pass


def _save_game(path, levels: int, turns: int = 2) -> Game:
    game = Game(load_scenario("escalation-ladder"), seed=3, human_teams=("us",))
    game.submit({"team": "us", "kind": "tighten_controls", "params": {"levels": levels}})
    for _ in range(turns):
        game.advance()
    game.journal.save(path)
    return game


def _forked(journal, out, **options):
    return monte_carlo(None, 8, seed=8, jobs=1, out=out, from_journal=journal, at_turn=2,
                       chunk_size=2, progress=False, **options)


def _interrupted(journal, out) -> None:
    def stop(done, total, failures):
        if done >= 4:
            raise _Stop

    with pytest.raises(_Stop):
        monte_carlo(None, 8, seed=8, jobs=1, out=out, from_journal=journal, at_turn=2,
                    chunk_size=2, progress=stop)


def test_resume_refuses_another_game_saved_at_the_same_path(tmp_path):
    journal = tmp_path / "exercise.jsonl"
    first = _save_game(journal, levels=3)
    _interrupted(journal, tmp_path / "b")
    fork = Results(tmp_path / "b").manifest["fork"]
    expected = "sha256:" + hashlib.sha256(first.journal.upto_turn(2).text().encode()).hexdigest()
    assert fork["journal_hash"] == expected  # the game's content, not its scenario's
    assert fork["journal_hash"] != Results(tmp_path / "b").manifest["scenario"]["hash"]

    _save_game(journal, levels=1)  # another game of the same scenario, saved over the first
    with pytest.raises(ResultsError) as caught:
        _forked(journal, tmp_path / "b", resume=True)
    assert "cannot resume" in str(caught.value) and "fork" in str(caught.value)
    assert Results(tmp_path / "b").outcomes.num_rows == 4  # nothing of the other game added


def test_resume_continues_when_the_saved_game_was_only_played_on(tmp_path):
    """What the replications depend on is the journal up to the fork turn: a game played on
    past it and saved again is still the same starting point."""
    journal = tmp_path / "exercise.jsonl"
    _save_game(journal, levels=3)
    whole = _forked(journal, tmp_path / "whole")
    _interrupted(journal, tmp_path / "b")
    _save_game(journal, levels=3, turns=4)
    resumed = _forked(journal, tmp_path / "b", resume=True)
    assert resumed.outcomes.equals(whole.outcomes) and resumed.series.equals(whole.series)
