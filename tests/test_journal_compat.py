"""Saves survive the engine and the format growing.

The journals in tests/fixtures/journals/ were written by earlier versions and are never
regenerated: each must keep replaying, byte for byte, under the rules of the version that wrote
it. And a save must not look "edited" because the scenario format gained a field with a default.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wargame import Game, Journal, JournalError, load_scenario
from wargame.canonical import content_hash
from wargame.engine.journal import FORMAT_VERSION

FIXTURES = sorted((ROOT / "tests" / "fixtures" / "journals").glob("*.jsonl"))


def test_there_are_fixtures_of_every_version():
    versions = {json.loads(path.read_text().split("\n", 1)[0])["format_version"]
                for path in FIXTURES}
    assert versions >= {1, FORMAT_VERSION}


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_a_journal_of_an_earlier_version_replays_byte_for_byte(path: Path):
    game = Game.replay(path)  # verify=True: every line regenerated and compared with the file
    assert game.journal.text() == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_a_game_continued_from_an_old_save_keeps_its_version_and_replays(path: Path, tmp_path):
    game = Game.replay(path)
    if not game.over:
        game.advance()
    saved = tmp_path / "continued.jsonl"
    game.journal.save(saved)
    assert game.journal.header == Game.replay(path).journal.header  # same version, same header
    assert Game.replay(saved).journal.text() == saved.read_text(encoding="utf-8")


def test_version_1_fired_triggers_between_effects_and_version_2_applies_them_as_one():
    """The same inputs, read under each version's rules: v1 fired the alarm between the surge and
    the settle (and China mobilised); v2 applies both effects first, so the level is never
    crossed."""
    v1 = Game.replay(ROOT / "tests/fixtures/journals/v1-effects-fire-triggers-one-by-one.jsonl")
    assert [e.kind for e in v1.events() if e.kind != "turn"] == [
        "surge_and_settle", "alarm", "mobilise"]
    v2 = Game(v1.scenario, seed=v1.seed, human_teams=v1.human_teams)
    v2.submit({"team": "us", "kind": "surge_and_settle"})
    v2.advance()
    assert [e.kind for e in v2.events() if e.kind != "turn"] == ["surge_and_settle"]
    assert v2.indicators()["readiness"] == 0.0
    assert v2.journal.header["format_version"] == FORMAT_VERSION == 2


def _saved_by_an_older_writer(lines: list[str], drop: tuple[str, ...]) -> str:
    """The journal as a version without the field ``drop`` would have written it: the field
    absent from the stored scenario, and the hash taken of what it stored."""
    header = json.loads(lines[0])
    parent = header["scenario"]
    for step in drop[:-1]:
        parent = parent[step]
    del parent[drop[-1]]
    header["scenario_hash"] = content_hash(header["scenario"])
    return "\n".join([json.dumps(header, ensure_ascii=False, separators=(",", ":")),
                      *lines[1:]]) + "\n"


@pytest.mark.parametrize("field", [("meta", "tick_weeks"), ("applied_postures",),
                                   ("meta", "sources"), ("flows",)])
def test_a_save_from_before_a_field_with_a_default_existed_still_verifies(field, tmp_path):
    game = Game(load_scenario("escalation-ladder"), seed=2, human_teams=["us"])
    game.submit({"team": "us", "kind": "tighten_controls", "params": {"levels": 1}})
    game.advance()
    old = tmp_path / "old.jsonl"
    old.write_text(_saved_by_an_older_writer(list(game.journal.lines()), field),
                   encoding="utf-8")
    replayed = Game.replay(old)
    assert replayed.journal.text() == old.read_text(encoding="utf-8")
    assert replayed.indicators() == game.indicators()


def test_an_edited_scenario_still_fails_its_hash(tmp_path):
    game = Game(load_scenario("escalation-ladder"), seed=2)
    lines = list(game.journal.lines())
    header = json.loads(lines[0])
    header["scenario"]["meta"]["horizon_weeks"] = 40
    edited = tmp_path / "edited.jsonl"
    edited.write_text(json.dumps(header) + "\n", encoding="utf-8")
    with pytest.raises(JournalError, match="does not match its recorded hash"):
        Journal.load(edited)
