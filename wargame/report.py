"""The after-action report: what a facilitator hands out when an exercise ends.

Built from a game (or its saved journal) alone, so it can be written from the white cell console
or later with ``wargame report SAVE --format md|html``: the scenario and its sources, the seats,
a timeline by turn with the cause of every event, each team's decisions, charts of the
indicators, every facilitator override and inject with its rationale, the outcomes and, for a
scenario with an economy, the GDP lost by region and year (``Game.gdp_loss()``). HTML is a
single self-contained file (inline SVG charts, no scripts), so it can be mailed or printed.
"""

from __future__ import annotations

import argparse
import html
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from wargame.engine.events import Event
from wargame.engine.game import Game
from wargame.engine.journal import Journal
from wargame.errors import WargameError
from wargame.files import check_output, save_text_atomic
from wargame.text import (
    format_value,
    gdp_loss_note,
    gdp_loss_rows,
    gdp_loss_title,
    region_names,
    sparkline,
)

FORMATS = ("md", "html")
MARKER = "<!-- wargame after-action report -->"
"""On the first line of every report (after the doctype in HTML): how ``wargame report`` tells a
report it may regenerate from a file it must not overwrite."""
_LEGACY_STARTS = (b"# After-action report: ", b"<!doctype html><html lang='en'><meta charset")


def is_report(path: Path) -> bool:
    """Whether ``path`` holds an after-action report wargame wrote (so it may be rewritten)."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(256)
    except OSError:
        return False
    return MARKER.encode() in start or start.startswith(_LEGACY_STARTS)


def _events_by_turn(game: Game) -> dict[int, list[Event]]:
    turns: dict[int, list[Event]] = defaultdict(list)
    for event in game.events():
        if event.kind != "turn":
            turns[event.turn].append(event)
    return dict(sorted(turns.items()))


def _decisions(game: Game) -> dict[str, list[dict[str, Any]]]:
    """Each team's moves: those its players submitted, and those its doctrine made."""
    by_team: dict[str, list[dict[str, Any]]] = {team: [] for team in game.teams}
    humans = set(game.human_teams)
    for record in game.journal.records:
        if record.get("record") == "move":
            by_team[record["team"]].append({
                "turn": record["turn"], "week": record["week"], "kind": record["kind"],
                "params": record.get("params", {}), "by": "players"})
    for event in game.events():
        kind = event.kind.removesuffix(".announced")  # a lagged move is decided when announced
        if event.cause.kind == "rule" and event.actor in by_team and event.actor not in humans \
                and "move" in event.data and "." not in kind:
            by_team[event.actor].append({
                "turn": event.turn, "week": event.week, "kind": kind,
                "params": event.data.get("params", {}), "by": f"doctrine ({event.cause.ref})"})
    for moves in by_team.values():
        moves.sort(key=lambda move: move["week"])
    return by_team


def _facilitator(game: Game) -> list[dict[str, Any]]:
    return [record for record in game.journal.records if record.get("record") == "facilitator"]


def _params(params: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in params.items()) or "-"


def _economic_losses(game: Game) -> tuple[str, str, list[str], list[list[str]]] | None:
    """The "Economic losses" section's heading line, note, headers and rows (the same table
    ``wargame run`` prints); None for a scenario without an economy (no section)."""
    economy = game.scenario.economy
    loss = game.gdp_loss()
    if economy is None or not loss:
        return None
    headers, rows = gdp_loss_rows(loss, region_names(economy.world))
    return gdp_loss_title(game), gdp_loss_note(game), headers, rows


def _chart_indicators(game: Game, limit: int = 12) -> list[str]:
    """Indicators worth a chart: those the outcomes use first, then any that moved."""
    chosen: list[str] = []
    for outcome in game.scenario.outcomes.values():
        name = getattr(outcome, "indicator", None)
        if name and name not in chosen:
            chosen.append(name)
    for name in game.scenario.indicators:
        values = [value for _, value in game.history(name)]
        if name not in chosen and values and max(values) - min(values) > 1e-9:
            chosen.append(name)
    return chosen[:limit]


# ---- Markdown ---------------------------------------------------------------------------------

def markdown_report(game: Game) -> str:
    scenario = game.scenario
    meta = scenario.meta
    out = [MARKER, f"# After-action report: {_md(meta.name)}", ""]
    if meta.description:
        out += [_md(meta.description), ""]
    out += [
        f"- **Played**: {game.turn} turns, weeks 0–{game.week:g} "
        f"({meta.start.isoformat()} to {game.date.isoformat()}); seed {game.seed}",
        f"- **Seats played by people**: {', '.join(game.human_teams) or 'none (doctrines only)'}",
        f"- **Automated teams**: "
        f"{', '.join(t for t in game.teams if t not in game.human_teams) or 'none'}",
    ]
    if meta.sources:
        out += ["- **Sources**:", *(f"  - {_md(source)}" for source in meta.sources)]
    out += ["", "## Outcomes", "", "| outcome | value |", "|---|---|"]
    out += [f"| {_md(name)} | {format_value(value)} |"
            for name, value in game.outcomes().items()]
    losses = _economic_losses(game)
    if losses is not None:
        title, note, headers, rows = losses
        out += ["", "## Economic losses", "", f"{_md(title)}; {_md(note)}.", "",
                "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        # a region's name is the world file's text (escaped); the numbers are ours
        out += ["| " + " | ".join([_md(row[0]), *row[1:]]) + " |" for row in rows]
    out += ["", "## Timeline", ""]
    for turn, events in _events_by_turn(game).items():
        began = game.date_of((turn - 1) * meta.turn_weeks).isoformat()
        out += [f"### Turn {turn} (from {began})", "",
                "| week | date | actor | event | what happened | cause |",
                "|---|---|---|---|---|---|"]
        for event in events:
            out.append(f"| {event.week:.1f} | {game.date_of(event.week).isoformat()} | "
                       f"{_md(event.actor or '-')} | {_md(event.kind)} | "
                       f"{_md(event.description)} | {_md(event.cause)} |")
        out.append("")
    out += ["## Decisions by team", ""]
    for team, moves in _decisions(game).items():
        out += [f"### {_md(scenario.teams[team].name)} ({_md(team)})", ""]
        if not moves:
            out += ["No moves.", ""]
            continue
        out += ["| turn | week | move | parameters | made by |", "|---|---|---|---|---|"]
        out += [f"| {m['turn']} | {m['week']:.1f} | {_md(m['kind'])} | "
                f"{_md(_params(m['params']))} | {_md(m['by'])} |" for m in moves]
        out.append("")
    out += ["## Facilitator actions", ""]
    actions = _facilitator(game)
    if actions:
        out += ["| id | turn | week | action | detail | rationale |", "|---|---|---|---|---|---|"]
        out += [f"| {a['id']} | {a['turn']} | {a['week']:.1f} | {a['action']} | "
                f"{_md(_params(a.get('detail', {})))} | {_md(a.get('rationale', ''))} |"
                for a in actions]
    else:
        out.append("None: the game ran as the scenario and the players made it.")
    out += ["", "## Indicators", "", "| indicator | start | end | min | max | over the game |",
            "|---|---|---|---|---|---|"]
    for name in _chart_indicators(game):
        values = [value for _, value in game.history(name)]
        out.append(f"| {_md(name)} | {format_value(values[0])} | {format_value(values[-1])} | "
                   f"{format_value(min(values))} | {format_value(max(values))} | "
                   f"`{sparkline(values, 40, sample=True)}` |")
    return "\n".join(out) + "\n"


_NUMBERED = re.compile(r"\d+[.)]")
_MD_SPECIAL = str.maketrans({character: "\\" + character for character in "\\`*_[]|~!#"}
                            | {"<": "&lt;", ">": "&gt;", "&": "&amp;", "\n": " ", "\r": " "})


def _md(text: object) -> str:
    """Text from a scenario or a journal as Markdown that shows it and does nothing else: no
    raw HTML, no link or image (a scenario is someone else's data, and an image URL in a report
    would call home when the report is opened), no emphasis or table breaks. Markdown's own
    escapes (backslash, entities) keep every character visible as written."""
    escaped = str(text).translate(_MD_SPECIAL)
    if escaped[:1] in ("-", "+", "="):  # would start a list or underline a heading
        return "\\" + escaped
    numbered = _NUMBERED.match(escaped)  # "1. " or "1) " would start a numbered list
    if numbered:
        end = numbered.end() - 1
        return escaped[:end] + "\\" + escaped[end:]
    return escaped


# ---- HTML -------------------------------------------------------------------------------------

STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0 1.5rem;font-size:.9rem}
td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f3f3} h2{border-bottom:2px solid #444;padding-bottom:.2rem}
.charts{display:flex;flex-wrap:wrap;gap:1rem} figure{margin:0} figcaption{font-size:.85rem}
"""


def _svg_chart(points: list[tuple[float, float]], width: int = 280, height: int = 110) -> str:
    """A small line chart of (week, value) as inline SVG, with its range labelled."""
    if not points:
        return ""
    weeks = [w for w, _ in points]
    values = [v for _, v in points]
    low, high = min(values), max(values)
    span = high - low or 1.0
    x0, x1 = weeks[0], weeks[-1] if weeks[-1] > weeks[0] else weeks[0] + 1
    pad = 24

    def x(week: float) -> float:
        return pad + (week - x0) / (x1 - x0) * (width - pad - 6)

    def y(value: float) -> float:
        return 6 + (1 - (value - low) / span) * (height - 30)

    path = " ".join(f"{x(w):.1f},{y(v):.1f}" for w, v in points)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'role="img"><rect width="100%" height="100%" fill="#fafafa"/>'
            f'<polyline fill="none" stroke="#1f77b4" stroke-width="1.8" points="{path}"/>'
            f'<text x="2" y="14" font-size="10">{html.escape(format_value(high))}</text>'
            f'<text x="2" y="{height - 22}" font-size="10">{html.escape(format_value(low))}</text>'
            f'<text x="{pad}" y="{height - 6}" font-size="10">week {x0:g}</text>'
            f'<text x="{width - 60}" y="{height - 6}" font-size="10">week {x1:g}</text></svg>')


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def html_report(game: Game) -> str:
    scenario = game.scenario
    meta = scenario.meta
    e = html.escape
    parts = [f"<!doctype html>{MARKER}<html lang='en'><meta charset='utf-8'>"
             f"<title>After-action report: {e(meta.name)}</title><style>{STYLE}</style><body>",
             f"<h1>After-action report: {e(meta.name)}</h1>"]
    if meta.description:
        parts.append(f"<p>{e(meta.description)}</p>")
    parts.append(
        f"<p><b>Played</b>: {game.turn} turns, weeks 0–{game.week:g} "
        f"({meta.start.isoformat()} to {game.date.isoformat()}), seed {game.seed}. "
        f"<b>Seats played by people</b>: {e(', '.join(game.human_teams) or 'none')}.</p>")
    if meta.sources:
        parts.append("<p><b>Sources</b></p><ul>" + "".join(
            f"<li>{e(source)}</li>" for source in meta.sources) + "</ul>")
    parts.append("<h2>Outcomes</h2>" + _table(
        ["outcome", "value"], [[n, format_value(v)] for n, v in game.outcomes().items()]))
    losses = _economic_losses(game)
    if losses is not None:
        title, note, headers, rows = losses
        parts.append(f"<h2>Economic losses</h2><p>{e(title)}; {e(note)}.</p>"
                     + _table(headers, rows))
    parts.append("<h2>Indicators</h2><div class='charts'>")
    for name in _chart_indicators(game):
        label = scenario.indicators[name].name or name
        parts.append(f"<figure>{_svg_chart(game.history(name))}"
                     f"<figcaption>{e(label)} ({e(name)})</figcaption></figure>")
    parts.append("</div><h2>Timeline</h2>")
    for turn, events in _events_by_turn(game).items():
        parts.append(f"<h3>Turn {turn}</h3>" + _table(
            ["week", "date", "actor", "event", "what happened", "cause"],
            [[f"{ev.week:.1f}", game.date_of(ev.week).isoformat(), ev.actor or "-", ev.kind,
              ev.description, str(ev.cause)] for ev in events]))
    parts.append("<h2>Decisions by team</h2>")
    for team, moves in _decisions(game).items():
        parts.append(f"<h3>{e(scenario.teams[team].name)} ({e(team)})</h3>" + (_table(
            ["turn", "week", "move", "parameters", "made by"],
            [[m["turn"], f"{m['week']:.1f}", m["kind"], _params(m["params"]), m["by"]]
             for m in moves]) if moves else "<p>No moves.</p>"))
    actions = _facilitator(game)
    parts.append("<h2>Facilitator actions</h2>" + (_table(
        ["id", "turn", "week", "action", "detail", "rationale"],
        [[a["id"], a["turn"], f"{a['week']:.1f}", a["action"], _params(a.get("detail", {})),
          a.get("rationale", "")] for a in actions]) if actions else
        "<p>None: the game ran as the scenario and the players made it.</p>"))
    parts.append("</body></html>\n")
    return "".join(parts)


def after_action_report(game: Game, fmt: str = "md") -> str:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    return markdown_report(game) if fmt == "md" else html_report(game)


# ---- command ------------------------------------------------------------------------------------


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report", help="write the after-action report of a saved game (Markdown or HTML)")
    parser.add_argument("save", metavar="SAVE", help="a game's journal (a save file)")
    parser.add_argument("--format", choices=FORMATS, default="md")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write here (default: SAVE with .md or .html)")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing file that is not a report (never the save)")
    parser.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    if not Path(args.save).name:
        raise WargameError(f"SAVE: give the path of a saved game's journal (got {args.save!r})")
    output = Path(args.output) if args.output else Path(args.save).with_suffix(f".{args.format}")
    check_output(output, inputs=[args.save], force=args.force, ours=is_report,
                 what="after-action report")
    game = Game.replay(Journal.load(args.save), verify=True)
    text = after_action_report(game, args.format)
    save_text_atomic(output, text)
    print(f"wrote {output}")
    return 0
