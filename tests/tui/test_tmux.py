"""The real app in a real terminal (tmux): keys typed as a person would, the screen read back."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid

import pytest

from wargame import Game, Journal

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None,
                                reason="tmux is not installed (CI installs it when it can)")


class Terminal:
    def __init__(self, command: str, cwd) -> None:
        self.name = f"wargame-{uuid.uuid4().hex[:8]}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", "100", "-y", "30",
                        f"cd {cwd} && {command}"], check=True)

    def keys(self, *keys: str, literal: bool = False) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *(["-l"] if literal else []),
                        *keys], check=True)
        time.sleep(0.4)

    def screen(self, target: str | None = None) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-J", "-t", target or self.name],
                              capture_output=True, text=True, check=True).stdout

    def wait_for(self, text: str, timeout: float = 30.0, target: str | None = None) -> str:
        """Wait until ``text`` is on the screen (of pane ``target``; default: the first)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen(target)
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen(target)}")

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


def test_a_person_plays_a_turn_in_a_real_terminal(tmp_path):
    command = f"{sys.executable} -m tui escalation-ladder --seed 7 --save game.jsonl"
    terminal = Terminal(command, tmp_path)
    try:
        terminal.wait_for("Start the game")
        terminal.keys("C-g")                                  # start, as the footer says
        terminal.wait_for("Pass the terminal to United States.")
        terminal.keys("Enter")                                # I am ready
        terminal.wait_for("choose a move")
        terminal.keys("Enter")                                # open the move list
        terminal.keys("Down")
        terminal.keys("Enter")                                # tighten_controls
        terminal.wait_for("levels: Stringency levels added")
        terminal.keys("Tab")
        terminal.keys("9", literal=True)                      # out of bounds
        terminal.keys("Tab")
        terminal.keys("Enter")                                # submit
        terminal.wait_for("levels: must be ≤ 3 (got 9)")      # inline, nothing submitted
        assert "m1 tighten_controls" not in terminal.screen()
        terminal.keys("BTab")                                 # back to the field
        terminal.keys("2", literal=True)
        terminal.keys("Tab")
        terminal.keys("Enter")
        terminal.wait_for("m1 tighten_contr")                 # pending (cut at 80 columns)
        assert "turn end+6 wk" in terminal.screen()           # the lag, as players see it
        terminal.keys("C-e")                                  # end the turn
        screen = terminal.wait_for("Turn 2")
        assert "tighten_controls" not in screen               # the hand-over shows nothing
        terminal.keys("C-q")
        time.sleep(1.0)
    finally:
        terminal.close()
    game = Game.replay(Journal.load(tmp_path / "game.jsonl"), verify=True)
    assert game.turn == 1
    assert [r["kind"] for r in game.journal.records if r["record"] == "move"] == [
        "tighten_controls"]


def test_two_terminals_on_one_save_the_second_is_told_it_is_in_use(tmp_path):
    """Two panes of one tmux window, as two facilitators at one machine would have them."""
    first = Terminal(f"{sys.executable} -m tui escalation-ladder --save game.jsonl", tmp_path)
    try:
        first.wait_for("Start the game")
        first.keys("C-g")
        first.wait_for("Pass the terminal to United States.")
        second = f"{first.name}:0.1"
        subprocess.run(["tmux", "split-window", "-d", "-t", first.name, "-v", "-c", str(tmp_path),
                        f"{sys.executable} -m tui --resume game.jsonl; echo EXIT=$?; sleep 60"],
                       check=True)
        screen = first.wait_for("EXIT=", target=second)
        assert "in use by another game" in screen and "EXIT=1" in screen
        assert "Traceback" not in screen
        subprocess.run(["tmux", "respawn-pane", "-k", "-t", second, "-c", str(tmp_path),
                        f"{sys.executable} -m tui escalation-ladder --save game.jsonl"],
                       check=True)
        first.wait_for("in use by another game", target=second)  # said on the start screen
        first.keys("C-q")
        time.sleep(1.0)
    finally:
        first.close()
    assert Game.replay(Journal.load(tmp_path / "game.jsonl"), verify=True).turn == 0


def test_after_a_rollback_the_white_cell_answers_keys_in_a_real_terminal(tmp_path):
    """Roll back twice as a facilitator would (the palette's "Roll back", the turn typed, Enter,
    then Tab to "Yes" since "No" has the focus), with the loading indicator shown on every engine
    call (WARGAME_LOADING_AFTER): afterwards the console is on screen with the focus back in the
    turn field, so Enter asks again. Before the fix the indicator sent the focus to the button
    before the field, and the next Enter advanced the turn instead."""
    command = (f"WARGAME_LOADING_AFTER=0.005 {sys.executable} -m tui status-quo-2022 --seed 7 "
               "--save game.jsonl")
    terminal = Terminal(command, tmp_path)
    try:
        terminal.wait_for("Start the game")
        terminal.keys("C-g")
        terminal.wait_for("Pass the terminal to United States.")
        terminal.keys("Enter")
        terminal.wait_for("choose a move")
        terminal.keys("C-w")
        terminal.wait_for("Pass the terminal to the white cell")
        terminal.keys("Enter")
        terminal.wait_for("White cell · turn 1 ")
        for _ in range(2):
            terminal.keys("C-p")                            # ctrl+a is "home" in a text field
            terminal.keys("Advance the turn", literal=True)
            terminal.wait_for("Run the game to the end of the turn")
            terminal.keys("Enter")
            terminal.wait_for("White cell · turn 2 ")
            terminal.keys("C-p")
            terminal.keys("Roll back", literal=True)
            terminal.wait_for("Roll back to the start of an earlier turn")
            terminal.keys("Enter")                          # the Turns tab, in the turn field
            terminal.wait_for("Roll back to the start of turn (1 = the game's start)")
            terminal.keys("C-u")
            terminal.keys("1", literal=True)
            terminal.keys("Enter")
            terminal.wait_for("Roll back to the start of turn 1?")
            terminal.keys("Tab")                            # from "No" to "Yes"
            terminal.keys("Enter")
            screen = terminal.wait_for("rolled back to the start of turn 1")
            assert "White cell · turn 1 " in screen and "Step one week" in screen, screen
            terminal.keys("Enter")                          # a key works: the field asks again
            screen = terminal.wait_for("Roll back to the start of turn 1?")
            assert "White cell · turn 1 " in screen, screen
            terminal.keys("Escape")                         # no
            time.sleep(0.5)
            assert "Roll back to the start of turn 1?" not in terminal.screen()
        terminal.keys("C-q")
        time.sleep(1.0)
    finally:
        terminal.close()
    assert Game.replay(Journal.load(tmp_path / "game.jsonl"), verify=True).turn == 0
