"""``wargame play`` and ``wargame serve``: registered through the ``wargame.commands`` entry
points, so the engine's CLI never imports the UI."""

from __future__ import annotations

import argparse
import shlex
import sys

DEFAULT_PORT = 8000


def add_play_parser(subparsers: argparse._SubParsersAction) -> None:
    play = subparsers.add_parser(
        "play", help="play a scenario at the terminal: seats for teams and the white cell")
    play.add_argument("scenario", nargs="?",
                      help="scenario file or shipped name (default: status-quo-2022, changeable "
                           "on the start screen)")
    play.add_argument("--seed", type=int, default=0)
    play.add_argument("--save", default="wargame-save.jsonl", metavar="FILE",
                      help="where the game is autosaved (default: wargame-save.jsonl)")
    play.add_argument("--resume", metavar="SAVE", help="continue a saved game exactly")
    play.set_defaults(func=cmd_play)


def add_serve_parser(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser(
        "serve", help="serve the terminal UI in a browser on 127.0.0.1 (one app per connection)")
    serve.add_argument("scenario", nargs="?")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--save", default="wargame-save.jsonl", metavar="FILE")
    serve.set_defaults(func=cmd_serve)


def cmd_play(args: argparse.Namespace) -> int:
    from tui.app import run_app

    run_app(args.scenario, args.seed, args.save, args.resume)
    return 0


def play_command(scenario: str | None, save: str) -> str:
    parts = [sys.executable, "-m", "tui"]
    if scenario:
        parts.append(scenario)
    parts += ["--save", save]
    return shlex.join(parts)


def cmd_serve(args: argparse.Namespace) -> int:
    from wargame.errors import WargameError

    try:
        from textual_serve.server import Server
    except ImportError:
        raise WargameError('wargame serve needs textual-serve: pip install "wargame[serve]"'
                           ) from None
    print(f"serving on http://127.0.0.1:{args.port} — each browser connection starts its own "
          "game (Ctrl+C to stop)")
    Server(play_command(args.scenario, args.save), host="127.0.0.1", port=args.port,
           title="wargame").serve()
    return 0
