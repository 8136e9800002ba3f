"""Same scenario, seed and moves: the same journal, byte for byte, in any process; replay and
rollback rebuild exactly the game that was played."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.scripted_play import SEEDS, digest, play
from wargame import Game, GameStateError, Journal, JournalError, shipped_scenarios


def _start_subprocess(hash_seed: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.Popen([sys.executable, "-m", "tests.scripted_play"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _digests(process: subprocess.Popen[str]) -> list[str]:
    out, err = process.communicate(timeout=900)
    assert process.returncode == 0, err
    return out.splitlines()


def test_journals_are_byte_identical_across_processes_for_every_scenario_and_20_seeds():
    # the two other processes (other hash seeds) play while this one does: the same work on
    # every core instead of three times in a row
    first, second = _start_subprocess("1"), _start_subprocess("4242")
    try:
        here = [f"{name} {seed} {digest(play(name, seed))}"
                for name in shipped_scenarios() for seed in SEEDS]
        first_lines, second_lines = _digests(first), _digests(second)
    finally:
        for process in (first, second):
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert len(first_lines) == len(shipped_scenarios()) * len(SEEDS) >= 40
    assert first_lines == second_lines == here
    assert len({line.split()[2] for line in here}) == len(here)  # seeds do differ


@pytest.mark.parametrize("name", shipped_scenarios())
def test_replay_reproduces_every_indicator_and_event(name, tmp_path):
    for seed in range(5):
        game = play(name, seed)
        path = tmp_path / f"{seed}.jsonl"
        game.journal.save(path)
        again = Game.replay(path)
        assert again.indicators() == game.indicators()
        assert again.outcomes() == game.outcomes()
        assert [e.to_json() for e in again.events()] == [e.to_json() for e in game.events()]
        assert again.journal.text() == path.read_text(encoding="utf-8")
        assert again.turn == game.turn and again.week == game.week


@pytest.mark.parametrize("name", shipped_scenarios())
def test_rollback_to_turn_k_equals_a_fresh_game_played_to_turn_k(name):
    full = play(name, 3)
    for turn in (0, 1, 4, full.turn - 1, full.turn):
        game = play(name, 3)
        game.rollback(turn)
        fresh = Game.replay(full.journal.upto_turn(turn), verify=False)
        assert game.turn == turn
        assert game.journal.text() == fresh.journal.text()
        assert game.indicators() == fresh.indicators()
        # and the rolled-back game plays on exactly as the original did from there
        if turn == 1:
            rest = [r for r in full.journal.records if r["turn"] > turn]
            for record in rest:
                game._apply_input(record)
            assert game.journal.text() == full.journal.text()


def test_rollback_out_of_range_is_refused():
    game = play("escalation-ladder", 1)
    with pytest.raises(GameStateError, match="from 0 to 13"):
        game.rollback(14)
    with pytest.raises(GameStateError):
        game.rollback(-1)


def test_a_journal_whose_events_were_edited_does_not_replay(tmp_path):
    game = play("escalation-ladder", 2)
    text = game.journal.text()
    lines = text.splitlines(keepends=True)
    position = next(i for i, line in enumerate(lines) if '"record":"event"' in line)
    lines[position] = lines[position].replace('"week":', '"week":1', 1) \
        if '"week":0' not in lines[position] else lines[position].replace('"week":0', '"week":9')
    with pytest.raises(JournalError, match=f"diverges from the journal at line {position + 1}"):
        Game.replay(Journal.parse("".join(lines)))
