"""Focus in a real terminal, as a person sees it: tmux draws the screen, Tab moves the focus, and
the colours tmux says it shows (``capture-pane -e``) change on the field left and the one reached.

Why colours and not text: a focus that only Textual knows of (a scroll container as a stop, a 5 %
tint) leaves the same text and, in tmux's 256 colours, the same cells."""

from __future__ import annotations

import itertools
import re
import subprocess
import sys
import time

from tests.tui.test_tmux import Terminal, pytestmark  # noqa: F401  (tmux or skip)

SGR = re.compile(r"\x1b\[([0-9;]*)m")
BLACK, WHITE = (0, 0, 0), (229, 229, 229)


def xterm_rgb(index: int) -> tuple[int, int, int]:
    """The colour an xterm-256 index stands for (the 16 system colours roughly)."""
    if index < 16:
        base = [(0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205),
                (0, 205, 205), (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0),
                (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255)]
        return base[index]
    if index < 232:
        index -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return steps[index // 36], steps[index // 6 % 6], steps[index % 6]
    grey = 8 + 10 * (index - 232)
    return grey, grey, grey


def cell_backgrounds(line: str) -> list[tuple[int, int, int]]:
    """The background each character of a ``capture-pane -e`` line is drawn on (the foreground
    where the cell is reversed, as a terminal does)."""
    fg, bg, reverse = WHITE, BLACK, False
    cells = []
    position = 0
    for match in [*SGR.finditer(line), None]:
        end = match.start() if match else len(line)
        cells += [fg if reverse else bg] * len(line[position:end])
        if match is None:
            break
        position = match.end()
        codes = [int(code) if code else 0 for code in match.group(1).split(";")]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code == 0:
                fg, bg, reverse = WHITE, BLACK, False
            elif code == 7:
                reverse = True
            elif code == 27:
                reverse = False
            elif code == 39:
                fg = WHITE
            elif code == 49:
                bg = BLACK
            elif code in (38, 48) and i + 1 < len(codes):
                if codes[i + 1] == 5:
                    colour = xterm_rgb(codes[i + 2])
                    i += 2
                else:
                    colour = (codes[i + 2], codes[i + 3], codes[i + 4])
                    i += 4
                if code == 38:
                    fg = colour
                else:
                    bg = colour
            elif 30 <= code <= 37 or 90 <= code <= 97:
                fg = xterm_rgb(code - 30 if code < 90 else code - 82)
            elif 40 <= code <= 47 or 100 <= code <= 107:
                bg = xterm_rgb(code - 40 if code < 100 else code - 92)
            i += 1
    return cells


def drawn(terminal: Terminal) -> tuple[list[str], list[list[tuple[int, int, int]]]]:
    """The screen's text lines and each cell's background, as tmux draws them."""
    styled = subprocess.run(["tmux", "capture-pane", "-p", "-e", "-t", terminal.name],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    return [SGR.sub("", line) for line in styled], [cell_backgrounds(line) for line in styled]


def changed_cells(before: list, after: list) -> int:
    """Cells whose background moved clearly (more than a faint tint) between two looks."""
    def far(one, other) -> bool:
        return sum((a - b) ** 2 for a, b in zip(one, other, strict=True)) ** 0.5 > 60

    return sum(far(one, other) for one, other in zip(before, after, strict=False))


def settled(terminal: Terminal) -> tuple[list[str], list[list[tuple[int, int, int]]]]:
    """The screen once two looks 0.3 s apart are the same (at most 10 s): the app has drawn
    its first frame with the focus in place, so a look taken now is not of a half-drawn one."""
    deadline = time.monotonic() + 10
    last = drawn(terminal)
    while time.monotonic() < deadline:
        time.sleep(0.3)
        now = drawn(terminal)
        if now == last:
            break
        last = now
    return last


def test_tab_moves_a_focus_a_person_can_see_on_the_start_screen(tmp_path):
    command = f"{sys.executable} -m tui escalation-ladder --seed 7 --save game.jsonl"
    terminal = Terminal(command, tmp_path)
    try:
        terminal.wait_for("China (cn)")
        # each stop in Tab order, by a text on its row (the first row with it)
        stops = ["escalation-ladder", "path/to/scenario.yaml", "United States", "China (cn)",
                 "7", "game.jsonl", "Start the game", "escalation-ladder"]
        text, look = settled(terminal)  # the first frame drawn with the focus on its first stop

        def row_of(wanted: str) -> int:
            if wanted == "7":  # the seed's field: the row under its label
                return text.index(next(line for line in text if line.strip() == "Seed")) + 1
            return next(i for i, line in enumerate(text) if wanted in line)

        for left, reached in itertools.pairwise(stops):
            terminal.keys("Tab")
            at_left, at_reached = row_of(left), row_of(reached)
            deadline = time.monotonic() + 5  # a loaded machine draws the next frame late
            while True:
                text, new_look = drawn(terminal)
                moved = [changed_cells(look[row], new_look[row]) >= 5
                         for row in (at_reached, at_left)]
                if all(moved) or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            assert changed_cells(look[at_reached], new_look[at_reached]) >= 5, (
                f"Tab to {reached!r}: its row looks as it did:\n" + "\n".join(text))
            assert changed_cells(look[at_left], new_look[at_left]) >= 5, (
                f"Tab from {left!r}: its row still looks focused")
            look = new_look
        terminal.keys("C-q")
    finally:
        terminal.close()


def test_after_a_rollback_the_focus_is_seen_back_on_the_button_it_was_on(tmp_path):
    """A facilitator advances and rolls back from the "Roll back..." button, with the loading
    indicator shown on every engine call: after each call the button's row is drawn focused again
    (as tmux shows it) and Enter asks again. The loading indicator hides the focused button and
    Textual moves the focus to the field before it; without the focus given back, the field's
    row was drawn focused instead (test_tmux.py's run, from the field, cannot see that)."""
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
        terminal.keys("C-p")
        terminal.keys("Roll back", literal=True)
        terminal.wait_for("Roll back to the start of an earlier turn")
        terminal.keys("Enter")                                # the Turns tab, in the field
        terminal.wait_for("Roll back to the start of turn (1 = the game's start)")
        terminal.keys("1", literal=True)
        text, blurred_look = drawn(terminal)
        row = next(i for i, line in enumerate(text) if "Roll back..." in line)
        field = row - 3                                       # the field: its error line between
        assert text[field].strip("▊ ") == "1", text
        terminal.keys("Tab")                                  # to "Roll back..."
        deadline = time.monotonic() + 10
        while True:                                           # until tmux draws it focused
            text, focused_look = drawn(terminal)
            if changed_cells(blurred_look[row], focused_look[row]) >= 5:
                break
            assert time.monotonic() < deadline, "Tab: the button never looked focused"
            time.sleep(0.2)

        def still_focused(when: str) -> None:
            time.sleep(0.5)
            text, look = drawn(terminal)
            assert changed_cells(focused_look[row], look[row]) == 0, (
                f"{when}: the button's row is not drawn focused:\n" + "\n".join(text))
            assert changed_cells(focused_look[field], look[field]) == 0, (
                f"{when}: the field's row is drawn otherwise (focused?):\n" + "\n".join(text))

        for attempt in range(3):
            terminal.keys("C-a")                              # a priority key: from the button
            terminal.wait_for("White cell · turn 2 ")
            still_focused(f"try {attempt}, after the advance")
            terminal.keys("Enter")
            terminal.wait_for("Roll back to the start of turn 1?")
            terminal.keys("Tab")                              # from "No" to "Yes"
            terminal.keys("Enter")
            screen = terminal.wait_for("rolled back to the start of turn 1")
            assert "White cell · turn 1 " in screen and "Step one week" in screen, screen
            still_focused(f"try {attempt}, after the rollback")
            terminal.keys("Enter")                            # the button still has the keys
            terminal.wait_for("Roll back to the start of turn 1?")
            terminal.keys("Escape")
            time.sleep(0.5)
        terminal.keys("C-q")
    finally:
        terminal.close()
