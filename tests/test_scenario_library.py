"""The scenario library: every shipped scenario says what question it answers and where its
numbers come from, runs to its horizon with doctrines only, replays byte for byte, and prints a
timeline a facilitator can read aloud."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SCENARIOS
from wargame import Game, shipped_scenarios
from wargame.cli import main

LIBRARY = shipped_scenarios()
SEED_QUESTIONS = {  # issue 4's list: each question has a scenario
    "status-quo-2022", "maximal-embargo", "weaponized-interdependence", "taiwan-blockade",
    "salami-tactics", "smuggling-enforcement", "mineral-ban", "ai-diffusion-rule",
}


def _header(name: str) -> str:
    lines = (SCENARIOS / f"{name}.yaml").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines[: next(i for i, line in enumerate(lines)
                                                     if not line.startswith("#"))])


def test_the_library_answers_each_question_of_the_seeds():
    assert set(LIBRARY) >= SEED_QUESTIONS
    assert len(LIBRARY) >= 8


@pytest.mark.parametrize("name", LIBRARY)
def test_header_says_the_question_and_the_sources(name):
    header = _header(name)
    assert "# Question it answers:" in header
    assert "# Sources:" in header


def test_wargame_run_prints_a_timeline_a_facilitator_can_read_aloud():
    command = [sys.executable, "-m", "wargame", "run", "taiwan-blockade", "--seed", "3"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert re.search(r"^Turn 1 \(from 2022-10-07\)$", out, re.MULTILINE)
    lines = [line for line in out.splitlines() if re.match(r"\s+wk\s+\d", line)]
    assert len(lines) > 20
    # every event line has a date, a sentence and its cause in brackets
    for line in lines:
        assert re.search(r"\d{4}-\d\d-\d\d", line) and line.rstrip().endswith("]"), line
    assert "Taiwan" in out and "blockade" in out.lower()
    assert "Economy (white cell view)" in out



EVENT_LINE = re.compile(  # week, date, actor, kind, description, [cause]
    r"^\s+wk\s+[\d.]+\s+(\d{4}-\d\d-\d\d)\s+(\S+)\s+(\S+)\s+(.+?)\s+\[[^\]]+\]$")


@pytest.mark.parametrize("name", LIBRARY)
def test_wargame_run_plays_to_the_horizon_in_sentences_and_replays_byte_for_byte(
        name, tmp_path, capsys):
    """One `wargame run` a scenario (doctrines only), then the journal it saved replayed."""
    path = tmp_path / "game.jsonl"
    assert main(["run", name, "--seed", "11", "--journal", str(path)]) == 0
    out = capsys.readouterr().out
    events = [EVENT_LINE.match(line) for line in out.splitlines() if re.match(r"\s+wk\s", line)]
    assert len(events) > 5 and all(events), name
    for event in events:
        kind, what = event.group(3), event.group(4)
        # a sentence a facilitator reads aloud, not the event's id repeated
        assert what != kind and " " in what, (kind, what)
        assert what[0].isupper() or what[0].isdigit(), (kind, what)
    assert "outcome" in out

    game = Game.replay(path, verify=True)
    assert game.over and game.week == game.scenario.meta.horizon_weeks
    assert len(game.events()) > game.turn  # more than the turn markers: the doctrines acted
    assert game.journal.text() == path.read_text(encoding="utf-8")
