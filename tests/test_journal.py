"""The journal file: atomic saves that survive a kill, clear errors for damaged or foreign files."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.save_loop import journals
from tests.scripted_play import play
from wargame import Game, Journal, JournalError


def test_killing_the_process_during_a_save_leaves_a_whole_journal(tmp_path):
    path = tmp_path / "game.jsonl"
    small, large = journals()
    whole = {small.text(), large.text()}
    rng = random.Random(5)
    torn_chances = 0
    for attempt in range(40):  # at least 6 kills, and on until one has landed mid-write
        if attempt >= 6 and torn_chances:
            break
        child = subprocess.Popen([sys.executable, "-m", "tests.save_loop", str(path)], cwd=ROOT,
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        assert path.read_text(encoding="utf-8") in whole
        loaded = Journal.load(path)
        assert loaded.header == small.header
        torn_chances += len(list(tmp_path.glob(".game.jsonl.*.tmp")))  # killed mid-write
    assert torn_chances > 0, "no kill landed during a save: the test proved nothing"
    small.save(path)  # the next save sweeps what killed saves left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["game.jsonl"]


def test_save_replaces_atomically_and_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "g.jsonl"
    game = play("escalation-ladder", 4)
    game.journal.save(path)
    game.journal.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["g.jsonl"]
    assert Game.replay(path).indicators() == game.indicators()


@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty file, not a wargame journal"),
    (b"hello\n", ":1: not a wargame journal (line 1 is not JSON)"),
    (b'{"a": 1}\n', ":1: not a wargame journal (no 'wargame-journal' header)"),
    (b"\xff\xfe\n", "not a wargame journal (not UTF-8 text)"),
    (b'{"format": "wargame-journal", "format_version": 99}\n',
     ":1: journal format version 99 is not supported (this engine reads versions 1, 2; a newer "
     "wargame wrote it?)"),
])
def test_foreign_files_are_refused_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "x.jsonl"
    path.write_bytes(content)
    with pytest.raises(JournalError) as info:
        Journal.load(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_damaged_journals_name_the_line(tmp_path):
    game = play("escalation-ladder", 1)
    lines = game.journal.text().splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(lines)[:-10], encoding="utf-8")
    with pytest.raises(JournalError, match="the last line is incomplete"):
        Journal.load(cut)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("".join(lines[:3]) + '{"record": "event", "id": 3}\n', encoding="utf-8")
    with pytest.raises(JournalError,
                       match=r"broken.jsonl:4: damaged journal: actor: required field missing"):
        Journal.load(broken)
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text("".join(lines[:2]) + "{not json\n", encoding="utf-8")
    with pytest.raises(JournalError, match=r"garbage.jsonl:3: damaged journal: not JSON"):
        Journal.load(garbage)


def test_a_scenario_edited_inside_the_journal_is_detected():
    game = play("escalation-ladder", 1)
    text = game.journal.text().replace('"horizon_weeks":52.0', '"horizon_weeks":50.0', 1)
    with pytest.raises(JournalError, match="does not match its recorded hash"):
        Game.replay(Journal.parse(text))


def test_missing_and_directory_paths(tmp_path):
    with pytest.raises(JournalError, match="file not found"):
        Journal.load(tmp_path / "nope.jsonl")
    with pytest.raises(JournalError, match="is a directory"):
        Journal.load(tmp_path)


def test_a_partial_game_replays_and_plays_on(tmp_path):
    game = play("escalation-ladder", 6)
    partial = game.journal.upto_turn(5)
    path = tmp_path / "p.jsonl"
    partial.save(path)
    resumed = Game.replay(path)
    assert resumed.turn == 5
    resumed.advance()
    assert resumed.turn == 6
