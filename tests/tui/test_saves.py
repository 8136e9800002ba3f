"""Saves are never overwritten unasked, never shared by two games, and a failed save is said.

Real games on real files through the app's Pilot; a real ``wargame play --resume`` subprocess
against a save this test holds with ``SaveLock`` (the lock is the operating system's)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest
from textual.widgets import Input

from tests.conftest import ROOT
from tests.tui.test_app import SIZE, enter_seat, run_async, settle, start, submit
from tui.app import WargameApp, run_app
from tui.dialogs import ConfirmScreen, HandoverScreen
from tui.start import StartScreen
from wargame import Game, Journal, JournalError, load_scenario
from wargame.errors import OutputError
from wargame.files import SaveLock


def saved_game(path, seed: int = 5) -> str:
    """A real journal at ``path``; returns its text."""
    game = Game(load_scenario("escalation-ladder"), seed=seed, human_teams=("us",))
    game.advance()
    game.journal.save(path)
    return path.read_text(encoding="utf-8")


def error_text(app) -> str:
    return str(app.screen.query_one("#start-error").render())


def messages(app) -> list[str]:
    """The notifications shown (Textual keeps them on the app; 8.2.8 is pinned)."""
    return [note.message for note in app._notifications]


def free(path) -> bool:
    try:
        SaveLock(path).acquire().release()
    except OutputError:
        return False
    return True


# ---- a new game over an existing file ---------------------------------------------------------

@run_async
async def test_a_new_game_asks_before_overwriting_a_save_and_no_keeps_the_form(tmp_path):
    save = tmp_path / "exercise.jsonl"
    before = saved_game(save)
    app = WargameApp("escalation-ladder", seed=7, save=save)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Overwrite it?" in str(app.screen.query_one("#confirm-question").render())
        await pilot.click("#no")
        await settle(app, pilot)
        assert isinstance(app.screen, StartScreen) and app.session is None
        assert app.screen.focused is app.screen.query_one("#save", Input)  # change the name
        assert save.read_text(encoding="utf-8") == before
        assert free(save)  # refusing let the save go
        app.screen.query_one("#save", Input).value = str(tmp_path / "other.jsonl")
        await pilot.click("#start-button")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
    assert save.read_text(encoding="utf-8") == before
    assert (tmp_path / "other.jsonl").exists()

    app = WargameApp("escalation-ladder", seed=7, save=save)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.click("#yes")
        await settle(app, pilot)
        assert isinstance(app.screen, HandoverScreen)
    assert Journal.load(save).header["seed"] == 7  # overwritten, as asked


@run_async
async def test_a_file_that_is_not_a_save_is_never_overwritten(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("a year of notes\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    app = WargameApp("escalation-ladder", seed=7, save=notes)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert isinstance(app.screen, StartScreen)  # no question: a refusal
        assert "not a wargame save" in error_text(app)
        app.screen.query_one("#save", Input).value = str(folder)
        await pilot.click("#start-button")
        await settle(app, pilot)
        assert "is a directory" in error_text(app)
        assert app.session is None
    assert notes.read_text() == "a year of notes\n"
    assert free(notes)


# ---- one game per save -----------------------------------------------------------------------

@run_async
async def test_a_save_in_use_is_refused_to_a_second_game_and_freed_when_the_first_ends(tmp_path):
    save = tmp_path / "shared.jsonl"
    first = WargameApp("escalation-ladder", seed=7, save=save)
    async with first.run_test(size=SIZE) as pilot:
        await start(first, pilot)
        assert isinstance(first.screen, HandoverScreen)
        assert not free(save)  # held for as long as the game runs
        second = WargameApp("escalation-ladder", seed=8, save=save)
        async with second.run_test(size=SIZE) as other:
            await settle(second, other)
            assert "in use by another game" in error_text(second)  # said on opening
            await start(second, other)
            assert "in use by another game" in error_text(second)  # and refused on starting
            assert isinstance(second.screen, StartScreen) and second.session is None
        resumed = WargameApp(resume=save)
        async with resumed.run_test(size=SIZE, notifications=True) as other:
            await settle(resumed, other)
            assert resumed.session is None
            assert any("in use by another game" in m for m in messages(resumed))
        assert Journal.load(save).header["seed"] == 7
    assert free(save)  # the first game ended: the save is free


@run_async
async def test_the_save_stays_held_through_rollback_and_resume(tmp_path):
    save = tmp_path / "s.jsonl"
    app = WargameApp("escalation-ladder", seed=3, save=save)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, seats=("us",))
        await enter_seat(app, pilot, "us")
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        assert app.session.game.turn == 1
        app.confirm_rollback(1)  # the start of turn 1, as the white cell's Turns tab does
        await settle(app, pilot)
        await pilot.click("#yes")
        await settle(app, pilot)
        assert app.session.game.turn == 0
        assert not free(save)
    assert free(save)
    resumed = WargameApp(resume=save)
    async with resumed.run_test(size=SIZE) as pilot:
        await settle(resumed, pilot)
        assert resumed.session is not None and not free(save)
    assert free(save)


def test_play_resume_on_a_save_in_use_is_a_clear_error(tmp_path):
    save = tmp_path / "s.jsonl"
    saved_game(save)
    with SaveLock(save):
        result = subprocess.run([sys.executable, "-m", "wargame", "play", "--resume", str(save)],
                                cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "in use by another game" in result.stderr
    assert "Traceback" not in result.stderr


def test_resuming_a_save_that_does_not_exist_is_a_journal_error(tmp_path):
    """The documented class for a save that cannot be read, as ``Journal.load`` raises."""
    with pytest.raises(JournalError, match="no such save file"):
        run_app(None, 0, str(tmp_path / "new.jsonl"), str(tmp_path / "missing.jsonl"))


# ---- saying what happened when saving fails ----------------------------------------------------

@run_async
async def test_a_failed_save_is_said_the_move_stands_and_a_later_save_works(tmp_path):
    folder = tmp_path / "games"
    save = folder / "s.jsonl"
    app = WargameApp("escalation-ladder", seed=3, save=save)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start(app, pilot, seats=("us",))
        await enter_seat(app, pilot, "us")
        shutil.rmtree(folder)
        folder.write_text("a file where the save's folder was\n")  # saving must fail now
        assert await submit(app, pilot, "tighten_controls", levels="1") == ""  # not refused
        assert app.session.game.pending("us")  # the move stands
        said = " ".join(messages(app))
        assert "could not save" in said and str(save) in said
        assert "is saved" not in said and "internal error" not in said
        assert "NOT SAVED" in app.sub_title
        await pilot.press("ctrl+q")  # quitting now would lose the move: asked first
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "not saved" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("escape")
        await settle(app, pilot)
        app.run_engine(lambda: {}["a bug"], None)  # an unexpected error now: no false comfort
        await settle(app, pilot)
        bug = [m for m in messages(app) if "internal error" in m][-1]
        assert "not saved" in bug and "is saved in" not in bug
        folder.unlink()  # the cause is fixed: saving again works
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "NOT SAVED" not in app.sub_title
        app.run_engine(lambda: {}["a bug"], None)
        await settle(app, pilot)
        bug = [m for m in messages(app) if "internal error" in m][-1]
        assert f"the game is saved in {save}" in bug
        await pilot.press("ctrl+e")  # the UI is still usable: the turn ends
        await settle(app, pilot)
        assert app.session.game.turn == 1
    game = Game.replay(Journal.load(save), verify=True)
    assert [r["kind"] for r in game.journal.records if r["record"] == "move"] == [
        "tighten_controls"]


@run_async
async def test_the_report_replaces_an_older_report_but_no_other_file(tmp_path):
    save = tmp_path / "s.jsonl"
    (tmp_path / "s.report.md").write_text("my own notes, not a report\n")
    app = WargameApp("escalation-ladder", seed=3, save=save)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await start(app, pilot, seats=("us",))
        app.write_report()
        await settle(app, pilot)
        assert any("is not an after-action report" in m for m in messages(app))
        assert not (tmp_path / "s.report.html").exists()  # nothing half-written
        (tmp_path / "s.report.md").unlink()
        app.write_report()
        await settle(app, pilot)
        app.write_report()  # again, over its own reports
        await settle(app, pilot)
    assert "# After-action report" in (tmp_path / "s.report.md").read_text()[:300]
    assert (tmp_path / "s.report.html").exists()


@run_async
async def test_a_turn_is_saved_whole_after_its_first_frame_is_drawn(tmp_path):
    """The save of an advance waits for the new turn's first frame (it would hold the GIL while
    the frame is drawn), and then holds the whole turn."""
    save = tmp_path / "game.jsonl"
    app = WargameApp("escalation-ladder", seed=2, save=save)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, seats=("us",))
        app.hand_over("white")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        happened: list[tuple[str, float]] = []
        display, session_save = app._display, app.session.save

        def drawn(screen, renderable):
            if renderable is not None:
                happened.append(("frame", time.perf_counter()))
            display(screen, renderable)

        def saved():
            happened.append(("save", time.perf_counter()))  # when it starts
            session_save()

        app._display = drawn
        app.session.save = saved
        asked = time.perf_counter()
        app.advance_turn()
        await settle(app, pilot)
        turn = app.session.game.turn
        text = app.session.game.journal.text()
        shown = app.screen.rendered_at  # the new turn's snapshot went into the widgets
    assert asked < shown
    kinds = [kind for kind, at in happened if at >= shown]
    assert "save" in kinds and "frame" in kinds[:kinds.index("save")]
    assert save.read_text(encoding="utf-8") == text
    assert Game.replay(Journal.load(save)).turn == turn == 1


@run_async
async def test_quitting_during_a_turn_waits_for_its_save_and_asks_nothing(tmp_path):
    """Quit pressed while a turn (and its save after the first frame) is still in flight: the
    app waits for that save, does not mistake it for a failed one (no "not saved" question),
    and the file on disk holds the whole new turn."""
    save = tmp_path / "game.jsonl"
    app = WargameApp("escalation-ladder", seed=2, save=save)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot, seats=("us",))
        app.hand_over("white")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        app.advance_turn()
        assert app.busy
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.return_code is not None  # the app has exited
        turn, text = app.session.game.turn, app.session.game.journal.text()
    assert turn == 1
    assert save.read_text(encoding="utf-8") == text
    assert Game.replay(Journal.load(save)).turn == 1
    assert free(save)
