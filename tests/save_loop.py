"""Child process for the crash test: saves two different journals over one path, forever.

It prints ``ready`` once the first save is complete; the test then kills it with SIGKILL at
random moments and checks the file is always one whole journal, never a torn one.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.scripted_play import play
from wargame import Journal
from wargame.files import save_text_atomic


def journals() -> tuple[Journal, Journal]:
    small = play("escalation-ladder", 1).journal
    large = Journal(small.header, small.records * 400)  # several MB: a save takes a while
    return small, large


def main(path: str) -> None:
    small, large = journals()
    small.save(path)
    texts = (large.text(), small.text())  # serialise once: the loop is all writing and renaming
    print("ready", flush=True)
    while True:
        for text in texts:
            save_text_atomic(Path(path), text)


if __name__ == "__main__":
    main(sys.argv[1])
