"""The ``wargame`` command line.

Each subcommand is a small function taking parsed arguments and returning an exit code. Errors a
user can cause are ``WargameError``s: ``main`` prints their message and exits 1. Anything else is a
bug; it is reported in one line (with the traceback only under ``WARGAME_DEBUG=1``), so no
traceback reaches a user.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from wargame._version import __version__
from wargame.engine.game import Game
from wargame.errors import OutputError, RequestError, ScenarioError, WargameError
from wargame.files import SaveLock, check_output, same_file, save_text_atomic
from wargame.scenario.jsonschema import scenario_json_schema_text as scenario_json_schema
from wargame.scenario.loader import load_scenario, scenario_hash, shipped_scenarios
from wargame.scenario.postures import with_postures
from wargame.scenario.reference import schema_reference_markdown
from wargame.text import (
    economy_table,
    gdp_loss_total,
    indicator_table,
    outcome_table,
    region_names,
    timeline,
)

DEFAULT_SCENARIO = "escalation-ladder"
"""The scenario embedded in the package that commands use when none is named."""


def cmd_validate(args: argparse.Namespace) -> int:
    failed = 0
    for name in args.files:
        try:
            scenario = load_scenario(name)
        except ScenarioError as exc:
            failed += 1
            print(exc, file=sys.stderr)
        else:
            print(f"ok: {name} ({scenario.meta.name})")
    if len(args.files) > 1:
        print(f"{len(args.files) - failed} valid, {failed} invalid", file=sys.stderr)
    return 1 if failed else 0


def _is_schema_output(path: Path) -> bool:
    """A schema or reference this command wrote: the schema's title or the reference's heading."""
    try:
        with open(path, "rb") as handle:
            text = handle.read(4 * 1024 * 1024)
    except OSError:
        return False
    return (text.startswith(b"{") and b'\n  "title": "wargame scenario"' in text) \
        or text.startswith(b"# Scenario file reference")


def cmd_schema(args: argparse.Namespace) -> int:
    text = scenario_json_schema()
    if args.format == "markdown":
        text = schema_reference_markdown(json.loads(text))
    if args.output:
        check_output(args.output, force=args.force, ours=_is_schema_output,
                     what="schema or reference")
        save_text_atomic(Path(args.output), text)
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_list(_args: argparse.Namespace) -> int:
    for name in shipped_scenarios():
        scenario = load_scenario(name)
        print(f"{name:<36} {scenario.meta.name}")
        for posture_name, posture in scenario.postures.items():
            print(f"  --posture {posture_name:<25} ({posture.team}) {posture.description}")
    return 0


RUN_FORMAT = "wargame-run/1"
"""The ``format`` of the document ``wargame run --json`` writes (docs/run-output.md)."""


def _by_year(game: Game, history: Sequence[tuple[float, float]]) -> dict[str, float]:
    """Calendar year (as text, a JSON key) → the last value recorded in that year."""
    yearly: dict[str, float] = {}
    for week, value in history:
        yearly[str(game.date_of(week).year)] = value
    return yearly


def _years_as_keys(loss: dict[str, dict[int, dict[str, float]]]
                   ) -> dict[str, dict[str, dict[str, float]]]:
    return {region: {str(year): dict(value) for year, value in by_year.items()}
            for region, by_year in loss.items()}


def run_record(game: Game, *, source: str, postures: Sequence[str] = (),
               journal: str | None = None) -> dict[str, object]:
    """What ``wargame run --json`` writes: one JSON document a script or a notebook can load
    (docs/run-output.md, field by field). Every number is the game's own, unrounded: the yearly
    value of an indicator is its last value recorded (at a tick) in that calendar year, and the
    GDP lost is ``Game.gdp_loss()`` with its years as text keys. A scenario without an economy
    has ``"economy"``, ``"gdp_loss"`` and ``"gdp_loss_total"`` null: nothing is modelled, which
    is not the same as nothing lost."""
    scenario = game.scenario
    specs = scenario.indicators
    final = game.indicators()
    indicators = {name: {"name": specs[name].name, "unit": specs[name].unit,
                         "yearly": _by_year(game, game.history(name)), "final": final[name]}
                  for name in specs}
    economy = gdp_loss = gdp_total = None
    network = game.economy
    if network is not None and scenario.economy is not None:
        gdp = network.gdp_by_region()
        names = region_names(scenario.economy.world)
        economy = {"value_unit": scenario.economy.world.value_unit,
                   "regions": {region: names.get(region, region) for region in network.regions},
                   "gdp": {**gdp, "world": sum(gdp.values())}}  # as the engine sums it
        loss = game.gdp_loss()
        gdp_loss = _years_as_keys(loss)
        gdp_total = gdp_loss_total(loss)
    return {
        "format": RUN_FORMAT,
        "engine_version": __version__,
        "scenario": {"name": scenario.meta.name, "source": source,
                     "hash": scenario_hash(scenario)},
        "seed": game.seed,
        "postures": list(postures),
        "start": scenario.meta.start.isoformat(),
        "end": game.date.isoformat(),
        "weeks": game.week,
        "turns": game.turn,
        "journal": journal,
        "indicators": indicators,
        "outcomes": game.outcomes(),
        "economy": economy,
        "gdp_loss": gdp_loss,
        "gdp_loss_total": gdp_total,
    }


def _check_run_outputs(args: argparse.Namespace) -> None:
    """Before anything runs: the journal and the JSON document may replace an existing file
    only with --force, never the scenario file, and not each other."""
    scenario_file = [args.scenario] if os.path.isfile(args.scenario) else []
    if args.journal:
        check_output(args.journal, inputs=scenario_file, force=args.force, what="journal")
    if args.json:
        check_output(args.json, inputs=scenario_file, force=args.force, what="run output")
        if args.journal and same_file(Path(args.journal), Path(args.json)):
            raise OutputError(f"--json {args.json} and --journal {args.journal} name the same "
                               "file; give each its own")


def cmd_run(args: argparse.Namespace) -> int:
    if args.weeks is not None and not (math.isfinite(args.weeks) and args.weeks > 0):
        raise RequestError(f"--weeks must be a positive number of weeks (got {args.weeks:g})")
    _check_run_outputs(args)
    lock = SaveLock(args.journal).acquire() if args.journal else None
    scenario = with_postures(load_scenario(args.scenario), args.posture)
    game = Game(scenario, seed=args.seed)
    events = game.run(args.weeks)
    meta = scenario.meta
    postures = f" · postures: {', '.join(args.posture)}" if args.posture else ""
    print(f"{meta.name}{postures} · seed {args.seed} · weeks {0:g}–{game.week:g} "
          f"({meta.start.isoformat()} to {game.date.isoformat()}) · {len(events)} events")
    print()
    for line in timeline(game, events):
        print(line)
    print()
    print(f"Indicators at week {game.week:g} (white cell view)")
    for line in indicator_table(game):
        print(f"  {line}")
    if scenario.outcomes:
        print()
        for line in outcome_table(game.outcomes()):
            print(f"  {line}")
    if game.economy is not None:
        print()
        print("Economy (white cell view)")
        for line in economy_table(game):
            print(f"  {line}")
    if args.journal or args.json:
        print()
    if args.journal:
        game.journal.save(args.journal)
        print(f"journal: {args.journal} ({len(game.journal)} lines)")
    if lock is not None:
        lock.release()
    if args.json:
        record = run_record(game, source=args.scenario, postures=args.posture,
                            journal=args.journal)
        save_text_atomic(Path(args.json), json.dumps(record, indent=1, ensure_ascii=False,
                                                     allow_nan=False) + "\n")
        print(f"json: {args.json}")
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    game = Game.replay(args.file)
    header = game.journal.header
    records = game.journal.records
    count = {kind: sum(1 for r in records if r["record"] == kind)
             for kind in ("move", "withdraw", "facilitator", "advance", "event")}
    print(f"{args.file}: verified — {len(game.journal)} lines replay byte for byte")
    print(f"  scenario  {game.scenario.meta.name} ({header['scenario_hash'][:19]}…)")
    print(f"  engine    {header['engine']} · seed {game.seed}"
          + (f" · human teams: {', '.join(game.human_teams)}" if game.human_teams else ""))
    print(f"  played    {game.turn} turns, to week {game.week:g} ({game.date.isoformat()})"
          + (" · game over" if game.over else ""))
    print(f"  records   {count['move']} moves submitted, {count['withdraw']} withdrawn, "
          f"{count['facilitator']} facilitator actions, {count['event']} events")
    print()
    for line in indicator_table(game):
        print(f"  {line}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wargame",
        description="Discrete-event wargames of technology-competition crises.",
    )
    parser.add_argument("--version", action="version", version=f"wargame {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    run = commands.add_parser("run", help="run a scenario with its automated doctrines only")
    run.add_argument("scenario", nargs="?", default=DEFAULT_SCENARIO,
                     help=f"scenario file or shipped name (default: {DEFAULT_SCENARIO})")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument("--weeks", type=float, help="stop after this many weeks (default: horizon)")
    run.add_argument("--journal", metavar="FILE", help="save the game's journal here")
    run.add_argument("--json", metavar="FILE",
                     help="also write the run as one JSON document (docs/run-output.md)")
    run.add_argument("--force", action="store_true",
                     help="replace an existing file given as --journal or --json")
    run.add_argument("--posture", action="append", default=[], metavar="NAME",
                     help="apply a named policy posture of the scenario (repeatable, one a team)")
    run.set_defaults(func=cmd_run)

    validate = commands.add_parser("validate", help="check scenario files (exit 1 if any fail)")
    validate.add_argument("files", nargs="+", metavar="FILE")
    validate.set_defaults(func=cmd_validate)

    replay = commands.add_parser("replay", help="check a journal replays exactly and summarise it")
    replay.add_argument("file", metavar="JOURNAL")
    replay.set_defaults(func=cmd_replay)

    schema = commands.add_parser("schema", help="write the JSON Schema of scenario files")
    schema.add_argument("-o", "--output", metavar="FILE", help="write here (default: stdout)")
    schema.add_argument("--force", action="store_true",
                        help="replace an existing file that is not a schema or reference")
    schema.add_argument("--format", choices=("json", "markdown"), default="json",
                        help="json: the JSON Schema (default); markdown: the authoring reference")
    schema.set_defaults(func=cmd_schema)

    listing = commands.add_parser("list", help="list the shipped scenarios")
    listing.set_defaults(func=cmd_list)

    try:
        from wargame.economy.cli import add_parser as add_shock_parser
    except ImportError:
        pass
    else:
        add_shock_parser(commands)
    from wargame.montecarlo.cli import add_parser as add_batch_parsers

    add_batch_parsers(commands)
    try:
        from wargame.montecarlo.analysis_cli import add_parser as add_analysis_parsers
    except ImportError:
        pass
    else:
        add_analysis_parsers(commands)
    from wargame.report import add_parser as add_report_parser

    add_report_parser(commands)
    from wargame.calibration.cli import add_parser as add_calibration_parsers

    add_calibration_parsers(commands)
    _add_plugin_commands(commands)
    return parser


def _add_plugin_commands(commands: argparse._SubParsersAction) -> None:
    """Register subcommands other packages declare under the ``wargame.commands`` entry points.

    Each entry point names a function taking the subparsers, as ``economy.cli.add_parser`` does.
    This is how the terminal UI adds ``play`` and ``serve`` while the engine stays free of it; a
    plugin that cannot be imported (its extra not installed) is skipped, not fatal.
    """
    from importlib.metadata import entry_points

    for entry in sorted(entry_points(group="wargame.commands"), key=lambda e: e.name):
        try:
            add_parser = entry.load()
        except ImportError:
            continue
        add_parser(commands)


def _printable_output() -> None:
    """A file name that is not UTF-8 reaches Python as lone surrogates, and printing a message
    that names it would raise on a UTF-8 terminal: show such characters as escapes instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _printable_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except WargameError as exc:
        print(f"error: {exc}" if "\n" not in str(exc) else str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so in one line, never dump a traceback on a user
        if os.environ.get("WARGAME_DEBUG"):
            traceback.print_exc()
        print(f"internal error ({type(exc).__name__}: {exc}); this is a bug in wargame — "
              "rerun with WARGAME_DEBUG=1 for details and please report it", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
