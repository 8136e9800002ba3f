"""A game that plays can always be saved, and what is saved can always be read back.

Each case is something that used to make every later save fail, or a save that replay then
refused: text no UTF-8 file can hold, an infinite value reaching an event, a journal larger than
replay reads.
"""

from __future__ import annotations

import pytest

from tests.conftest import tiny
from wargame import Game, GameStateError, JournalError, MoveError
from wargame.engine import journal as journal_module


def _replays(game: Game, path) -> None:
    game.journal.save(path)
    assert Game.replay(path).journal.text() == path.read_text(encoding="utf-8")


def test_a_rationale_no_file_can_hold_is_refused_and_later_saves_work(tmp_path):
    game = Game(tiny(), seed=1)
    with pytest.raises(MoveError, match="rationale: text may not contain a lone surrogate"):
        game.override("level", 0.5, "because \udcff")
    with pytest.raises(MoveError, match="rationale: text may not contain a bidirectional"):
        game.inject_event({"kind": "raise_level"}, "see \u202egnp.exe")
    game.override("level", 0.5, "a rationale in plain words")
    game.advance()
    _replays(game, tmp_path / "save.jsonl")


def test_an_infinite_value_never_reaches_an_event_and_the_save_stays_good(tmp_path):
    scenario = tiny("""
    triggers:
      huge: {indicator: secret, op: ">", value: 1.0e300, event: {kind: huge}}
    """)
    game = Game(scenario, seed=1, human_teams=["us"])
    game.override("secret", 1e308, "near the largest float")
    game.submit({"team": "us", "kind": "quiet"})  # shifts secret by 1: still finite
    game.advance()
    assert [e.kind for e in game.events()].count("huge") == 1
    scaled = Game(tiny("""
    triggers:
      huge: {indicator: secret, op: ">", value: 1.0e300, event: {kind: huge}}
    injects:
      - at_week: 2
        event: {kind: blowup, effects: [{op: scale, indicator: secret, factor: 1.0e300}]}
    """), seed=1)
    scaled.override("secret", 1e10, "start large")
    with pytest.raises(GameStateError, match="indicator 'secret' became inf at week 2"):
        scaled.advance()
    _replays(scaled, tmp_path / "scaled.jsonl")


def test_a_journal_larger_than_replay_reads_is_refused_when_written(tmp_path, monkeypatch):
    """The writer and the reader share one limit; shrink it to see both sides of it."""
    game = Game(tiny(), seed=1)
    game.run()
    size = len(game.journal.text().encode("utf-8"))
    monkeypatch.setattr(journal_module, "MAX_JOURNAL_BYTES", size - 1)
    target = tmp_path / "big.jsonl"
    with pytest.raises(JournalError, match=f"the journal would be {size} bytes, more than a "
                                           f"journal may be \\({size - 1} bytes"):
        game.journal.save(target)
    assert not target.exists()
    monkeypatch.setattr(journal_module, "MAX_JOURNAL_BYTES", size)
    _replays(game, target)


def test_a_save_never_replaces_a_device_fifo_or_folder(tmp_path):
    """Renaming a temporary file over ``/dev/null`` (as root) replaced the device by a file."""
    import os

    from wargame import OutputError
    from wargame.files import save_text_atomic

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    game = Game(tiny(), seed=1)
    for target in (fifo, tmp_path):
        with pytest.raises(OutputError, match=r"is (not a regular file|a directory)"):
            game.journal.save(target)
    with pytest.raises(OutputError, match="not a regular file"):
        save_text_atomic(fifo, "text")
    assert fifo.is_fifo() and os.listdir(tmp_path) == ["pipe"]  # nothing left behind
