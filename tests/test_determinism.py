"""Same scenario, seed and moves: the same journal, byte for byte, in any process; replay and
rollback rebuild exactly the game that was played.

Cost: every game is played once in this process and once in each of two fresh interpreters.
The two interpreters start with the module's first test and play while this process runs the
replay and rollback tests (their digests are collected by the cross-process test, last), so
both cores work for the whole module; the games the replay and rollback tests only read are
the cross-process test's own, played once (``_played``). The comparisons are the same as when
each test played its own games one after another.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from functools import cache

import pytest

from tests.conftest import ROOT
from tests.scripted_play import SEEDS, digest, play
from wargame import Game, GameStateError, Journal, JournalError, shipped_scenarios

CROSS_PROCESS_TEST = ("test_journals_are_byte_identical_across_processes_for_every_scenario"
                      "_and_20_seeds")
REPLAYED_SEEDS = range(5)
ROLLBACK_SEED = 3


@cache
def _played(name: str, seed: int) -> Game:
    """The scripted game, played once in this process for every test that only reads it (the
    rollback test plays its own copies to roll back: a rollback changes the game)."""
    return play(name, seed)


def _game(name: str, seed: int) -> Game:
    """The shared game where another test reads it too, else one played and let go (keeping all
    260 would hold some 300 MB)."""
    return _played(name, seed) if seed in REPLAYED_SEEDS else play(name, seed)


def _start_subprocess(hash_seed: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    return subprocess.Popen([sys.executable, "-m", "tests.scripted_play"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _digests(process: subprocess.Popen[str]) -> list[str]:
    out, err = process.communicate(timeout=900)
    assert process.returncode == 0, err
    return out.splitlines()


@pytest.fixture(scope="module", autouse=True)
def other_processes(request: pytest.FixtureRequest) -> Iterator[list[subprocess.Popen[str]]]:
    """Two fresh interpreters with other hash seeds playing every scenario and seed, started as
    the module starts (only when the cross-process test is selected) so that they play while
    this process runs the other tests."""
    wanted = any(item.name == CROSS_PROCESS_TEST for item in request.session.items)
    processes = [_start_subprocess("1"), _start_subprocess("4242")] if wanted else []
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.communicate()
        _played.cache_clear()


@pytest.mark.parametrize("name", shipped_scenarios())
def test_replay_reproduces_every_indicator_and_event(name, tmp_path):
    for seed in REPLAYED_SEEDS:
        game = _played(name, seed)
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
    full = _played(name, ROLLBACK_SEED)
    for turn in (0, 1, 4, full.turn - 1, full.turn):
        game = play(name, ROLLBACK_SEED)
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


def test_journals_are_byte_identical_across_processes_for_every_scenario_and_20_seeds(
        other_processes):
    here = [f"{name} {seed} {digest(_game(name, seed))}"
            for name in shipped_scenarios() for seed in SEEDS]
    first_lines, second_lines = (_digests(process) for process in other_processes)
    assert len(first_lines) == len(shipped_scenarios()) * len(SEEDS) >= 40
    assert first_lines == second_lines == here
    assert len({line.split()[2] for line in here}) == len(here)  # seeds do differ
