"""``python -m tui [SCENARIO] [--seed N] [--save FILE] [--resume SAVE]``."""

from __future__ import annotations

import sys

from wargame.cli import main

if __name__ == "__main__":
    sys.exit(main(["play", *sys.argv[1:]]))
