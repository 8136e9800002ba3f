"""``wargame play`` and ``wargame serve``: registered through the ``wargame.commands`` entry
points, so the engine's CLI never imports the UI."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

DEFAULT_PORT = 8000
DEFAULT_SAVE = "wargame-save.jsonl"


def seed_number(text: str) -> int:
    """``--seed``: a whole number ≥ 0, as the start screen's seed field takes."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number ≥ 0 (got {text!r})")
    return int(text)


SEED_HELP = ("the random seed the start screen offers (default: 0); the same seed, scenario "
             "and moves replay the same game")


def add_play_parser(subparsers: argparse._SubParsersAction) -> None:
    play = subparsers.add_parser(
        "play", help="play a scenario at the terminal: seats for teams and the white cell")
    play.add_argument("scenario", nargs="?",
                      help="scenario file or shipped name (default: status-quo-2022, changeable "
                           "on the start screen)")
    play.add_argument("--seed", type=seed_number, default=0, help=SEED_HELP)
    play.add_argument("--save", default=DEFAULT_SAVE, metavar="FILE",
                      help=f"where the game is autosaved (default: {DEFAULT_SAVE})")
    play.add_argument("--resume", metavar="SAVE", help="continue a saved game exactly")
    play.add_argument("--root", metavar="DIR",
                      help="read and write files only inside DIR, relative paths taken in it "
                           "(what wargame serve gives each app it starts)")
    play.set_defaults(func=cmd_play)


def add_serve_parser(subparsers: argparse._SubParsersAction) -> None:
    serve = subparsers.add_parser(
        "serve", help="serve the terminal UI in a browser on 127.0.0.1 (one app per connection)",
        description="Serve the terminal UI to a browser on this machine: open the tokened "
                    "address it prints; each connection is its own game, with the start "
                    "screen's fields filled in from these options.")
    serve.add_argument("scenario", nargs="?",
                       help="the scenario each game starts with: a shipped name, or a file "
                            "inside the root (default: status-quo-2022, changeable on the "
                            "start screen)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT,
                       help=f"the port on 127.0.0.1 to serve on (default: {DEFAULT_PORT})")
    serve.add_argument("--seed", type=seed_number, default=0, help=SEED_HELP)
    serve.add_argument("--save", metavar="FILE",
                       help=f"the default save file, inside the root (default: "
                            f"ROOT/{DEFAULT_SAVE})")
    serve.add_argument("--root", metavar="DIR", default=".",
                       help="the only folder the served app may read scenarios from and save to "
                            "(default: the current directory)")
    serve.set_defaults(func=cmd_serve)


def cmd_play(args: argparse.Namespace) -> int:
    from tui.app import run_app
    from wargame.errors import RequestError

    root = None
    if args.root is not None:
        root = Path(args.root).resolve()
        if not root.is_dir():
            raise RequestError(f"--root {args.root}: not a folder")
        os.chdir(root)  # relative paths, as typed on the start screen, are the root's
    run_app(args.scenario, args.seed, args.save, args.resume, root=root)
    return 0


def play_command(scenario: str | None, save: str, root: Path | None = None, seed: int = 0
                 ) -> str:
    """The app process textual-serve starts for each connection. ``-P``: the current folder
    (the root, where a served user may write files) is not on ``sys.path``."""
    parts = [sys.executable, "-P", "-m", "tui"]
    if scenario:
        parts.append(scenario)
    parts += ["--seed", str(seed), "--save", save]
    if root is not None:
        parts += ["--root", str(root)]
    return shlex.join(parts)


def _inside_root(text: str, root: Path, what: str) -> str:
    """A host's path (relative to where serve runs) as the app will take it: relative to the
    root, which it must be in."""
    from wargame.errors import OutputError, ScenarioError
    from wargame.files import is_within

    path = Path(text)
    if not is_within(path, [root]):
        # as the app's own check (tui.paths): a scenario outside is a ScenarioError, a save an
        # OutputError
        error = ScenarioError if what == "scenario file" else OutputError
        raise error(f"{text}: the {what} is outside the served folder {root}; move it there, or "
                    "serve another folder with --root")
    return os.path.relpath(path.resolve(), root)


def cmd_serve(args: argparse.Namespace) -> int:
    from wargame import shipped_scenarios
    from wargame.errors import RequestError, SetupError

    try:
        from tui.serve import WargameServer
    except ImportError:
        raise SetupError('wargame serve needs textual-serve: pip install "wargame[serve]"'
                           ) from None
    root = Path(args.root).resolve()
    if not root.is_dir():
        raise RequestError(f"--root {args.root}: not a folder")
    scenario = args.scenario
    if scenario and not (scenario in shipped_scenarios() and not Path(scenario).exists()):
        scenario = _inside_root(scenario, root, "scenario file")
    save = DEFAULT_SAVE if args.save is None else _inside_root(args.save, root, "save file")
    server = WargameServer(play_command(scenario, save, root, args.seed), port=args.port,
                           root=root)
    try:
        server.serve()
    except OSError as exc:
        raise SetupError(f"cannot serve on 127.0.0.1:{args.port}: "
                           f"{exc.strerror or exc}") from None
    return 0
