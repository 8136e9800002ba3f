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
import datetime as dt
import html
import math
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from wargame.engine.events import Event
from wargame.engine.game import Game
from wargame.engine.journal import Journal
from wargame.errors import JournalError
from wargame.files import check_output, save_text_atomic
from wargame.montecarlo.labels import outcome_label
from wargame.text import (
    gdp_loss_note,
    gdp_loss_rows,
    gdp_loss_title,
    region_names,
    short_number,
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


def _vetoes(game: Game) -> dict[str, dict[str, Any]]:
    """The white cell's vetoes by the id of the move each struck."""
    return {action["detail"]["move"]: action for action in _facilitator(game)
            if action.get("action") == "veto"}


def _not_played(game: Game) -> set[str]:
    """Ids of the players' moves that were never played: withdrawn before their turn advanced,
    vetoed by the white cell, or still waiting for it when the game was saved."""
    ids = {record["move"] for record in game.journal.records
           if record.get("record") == "withdraw"}
    return ids | set(_vetoes(game)) | {move.id for move in game.pending()
                                       if move.status == "submitted"}


def _said(rationale: Any) -> str:
    """A player's rationale before what became of the move ("rationale: ...; "), or nothing."""
    return f"rationale: {rationale}; " if rationale is not None else ""


def _with_rationale(text: str, rationale: Any) -> str:
    """A move (or what became of it) with the player's rationale, when one was given."""
    return f"{text}; rationale: {rationale}" if rationale is not None else text


def _decisions(game: Game) -> dict[str, list[dict[str, Any]]]:
    """Each team's own decisions: the moves its players submitted and did not withdraw."""
    by_team: dict[str, list[dict[str, Any]]] = {team: [] for team in game.teams}
    not_played = _not_played(game)
    for record in game.journal.records:
        if record.get("record") == "move" and record["id"] not in not_played:
            by_team[record["team"]].append({
                "id": record["id"], "turn": record["turn"], "week": record["week"],
                "kind": record["kind"], "params": record.get("params", {}),
                "move": _with_rationale(record["kind"], record.get("rationale"))})
    for moves in by_team.values():
        moves.sort(key=lambda move: move["week"])
    return by_team


_MAKERS = ("inject", "rule", "facilitator")
"""The causes of a move its team's players did not make: the scenario's script, a doctrine
rule, the white cell's ``inject_move``."""


def _inject_number(ref: str) -> int | None:
    """An inject's index in the scenario from a cause's ref (None for one that is not)."""
    return int(ref) if ref.isdigit() else None


def _made_for(game: Game) -> dict[str, dict[str, Any]]:
    """The moves the game made for a team, by id: by the scenario's script (an inject), a
    doctrine rule or the white cell (``inject_move``), each with who made it. A move is known
    by its first event, which happens (or, for a lagged move, is announced) with that cause."""
    rationales = {action["id"]: action.get("rationale", "") for action in _facilitator(game)}
    seen: set[str] = set()
    made: dict[str, dict[str, Any]] = {}
    for event in game.events():
        move = event.data.get("move") if isinstance(event.data, dict) else None
        if not isinstance(move, str) or move in seen:
            continue
        seen.add(move)
        cause = event.cause
        if cause.kind not in _MAKERS or event.actor not in game.teams:
            continue
        if cause.kind == "inject":
            number = _inject_number(cause.ref)
            label = f"inject {number + 1 if number is not None else cause.ref}"
            by, short = f"scripted ({label})", f"scripted, {label}"
        elif cause.kind == "rule":
            by, short = f"doctrine ({cause.ref})", f"doctrine, rule {cause.ref}"
        else:
            rationale = rationales.get(cause.ref, "")
            by = f"white cell ({cause.ref}: {rationale})" if rationale else \
                f"white cell ({cause.ref})"
            short = f"white cell {cause.ref}"
        made[move] = {"id": move, "team": event.actor, "turn": event.turn, "week": event.week,
                      "kind": event.kind.split(".")[0], "params": event.data.get("params", {}),
                      "by": by, "short": short}
    return made


def _made_for_teams(game: Game) -> dict[str, list[dict[str, Any]]]:
    """``_made_for`` by team, in the order the moves were made."""
    by_team: dict[str, list[dict[str, Any]]] = {team: [] for team in game.teams}
    for move in _made_for(game).values():
        by_team[move["team"]].append(move)
    return by_team


def _cause(game: Game, cause: Any, made: dict[str, dict[str, Any]]) -> str:
    """Why an event happened, for a reader: a scripted inject by its number (from 1) and what
    it does, a move the game made for a team with who made it ("move m4 (scripted, inject
    2)"); the players' moves ("move m1") and every other cause as the engine names them."""
    if cause.kind == "inject":
        number = _inject_number(cause.ref)
        injects = game.scenario.injects
        if number is None or number >= len(injects):
            return f"scripted (inject {cause.ref})"
        inject = injects[number]
        if inject.move is not None:
            params = f", {_params(inject.move.params)}" if inject.move.params else ""
            what = f"{inject.move.kind}{params}"
        else:
            assert inject.event is not None  # the schema requires one of the two
            what = inject.event.kind
        return f"scripted (inject {number + 1}: {what})"
    if cause.kind == "move" and cause.ref in made:
        return f"move {cause.ref} ({made[cause.ref]['short']})"
    return str(cause)


def _unplayed(game: Game) -> dict[str, list[dict[str, Any]]]:
    """Each team's moves its players submitted but that never happened, listed apart from the
    decisions so the report shows what was considered without counting it as done."""
    withdrawn = {record["move"]: record for record in game.journal.records
                 if record.get("record") == "withdraw"}
    vetoed = _vetoes(game)
    not_played = _not_played(game)
    by_team: dict[str, list[dict[str, Any]]] = {team: [] for team in game.teams}
    for record in game.journal.records:
        if record.get("record") == "move" and record["id"] in not_played:
            move_id = record["id"]
            if move_id in withdrawn:
                why = withdrawn[move_id].get("rationale")
                what = "withdrawn before the turn advanced" + (
                    f" (rationale for withdrawing: {why})" if why is not None else "")
            elif move_id in vetoed:
                veto = vetoed[move_id]
                what = f"vetoed by the white cell ({veto['id']}: {veto['rationale']})"
            else:
                what = "submitted, the turn not yet advanced"
            by_team[record["team"]].append({
                "id": move_id, "turn": record["turn"], "week": record["week"],
                "kind": record["kind"], "params": record.get("params", {}),
                "rationale": record.get("rationale"),
                "move": _with_rationale(record["kind"], record.get("rationale")), "what": what})
    return by_team


def _facilitator(game: Game) -> list[dict[str, Any]]:
    return [record for record in game.journal.records if record.get("record") == "facilitator"]


def _params(params: dict[str, Any], scale: float = 1.0) -> str:
    """``key=value, ...``: numbers as the report shows them (``_shown``, at ``scale``), a
    nested mapping in parentheses (an empty one left out), "-" for none."""
    def value_text(value: Any) -> str:
        if isinstance(value, dict):
            return f"({_params(value, scale)})"
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _shown(float(value), scale)
        return str(value)

    return ", ".join(f"{key}={value_text(value)}" for key, value in params.items()
                     if value != {}) or "-"


def _detail(game: Game, action: dict[str, Any]) -> str:
    """A white-cell action's detail; an override's value at its indicator's scale, as the
    indicators table shows it."""
    detail = action.get("detail", {})
    return _params(detail, _scale(game, detail.get("indicator")))


def _team_names(game: Game, teams: Any) -> str:
    return ", ".join(game.scenario.teams[team].name for team in teams)


def _economic_losses(game: Game) -> tuple[str, str, list[str], list[list[str]]] | None:
    """The "Economic losses" section's heading line, note, headers and rows (the same table
    ``wargame run`` prints); None for a scenario without an economy (no section)."""
    economy = game.scenario.economy
    loss = game.gdp_loss()
    if economy is None or not loss:
        return None
    headers, rows = gdp_loss_rows(loss, region_names(economy.world))
    return gdp_loss_title(game), gdp_loss_note(game), headers, rows


def _overrides(game: Game) -> dict[str, list[dict[str, Any]]]:
    """The white cell's overrides by indicator, in the order they were made."""
    by_indicator: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for action in _facilitator(game):
        if action.get("action") == "override":
            by_indicator[action["detail"]["indicator"]].append(action)
    return dict(by_indicator)


def _chart_indicators(game: Game, limit: int = 12) -> list[str]:
    """Indicators worth a chart: those the outcomes use first, then every one the white cell
    overrode (always, beyond ``limit``: an override is an intervention a reader must see, and
    a derived indicator's formula resets it at the next tick, so its path may never show it),
    then any that moved."""
    chosen: list[str] = []
    for outcome in game.scenario.outcomes.values():
        name = getattr(outcome, "indicator", None)
        if name and name not in chosen:
            chosen.append(name)
    overridden = [name for name in _overrides(game) if name not in chosen]
    for name in game.scenario.indicators:
        values = [value for _, value in game.history(name)]
        if name not in chosen and name not in overridden and values \
                and max(values) - min(values) > 1e-9:
            chosen.append(name)
    return chosen[:max(0, limit - len(overridden))] + overridden


NOISE = 1e-9
"""A value smaller than this times the scale of the numbers it sits among (at least 1) is float
noise, shown as 0: three shifts of -0.1 from 0.3 leave -2.8e-17, which no scenario means."""


def _shown(value: float | None, scale: float = 1.0) -> str:
    """A number as a reader wants it: float noise as 0, four significant figures, thousands
    in full ("12,346", not "1.235e+04")."""
    if value is None:
        return "-"
    if not math.isfinite(value):
        return short_number(value)
    if abs(value) <= NOISE * max(1.0, abs(scale)):
        return "0"
    return short_number(value)


def _scale(game: Game, indicator: str | None) -> float:
    """The size of an indicator's numbers (its largest absolute value), for ``_shown``."""
    if indicator is None or indicator not in game.scenario.indicators:
        return 1.0
    return max((abs(value) for _, value in game.history(indicator)), default=1.0)


def _outcome_rows(game: Game) -> list[tuple[str, str]]:
    """(label, value) of each outcome: what it measures, from the scenario, not its id; a
    week as its date too."""
    rows = []
    for name, value in game.outcomes().items():
        spec = game.scenario.outcomes.get(name)
        indicator = getattr(spec, "indicator", None)
        shown = _shown(value, _scale(game, indicator))
        if value is not None and getattr(spec, "stat", None) == "first_week":
            shown = f"week {_shown(value)} ({game.date_of(value).isoformat()})"
        rows.append((outcome_label(game.scenario, name), shown))
    return rows


def _indicator_label(game: Game, name: str) -> str:
    spec = game.scenario.indicators[name]
    label = spec.name or name
    return f"{label} ({spec.unit})" if spec.unit else label


def _override_note(game: Game, action: dict[str, Any], scale: float) -> str:
    return (f"{action['id']}: set to {_shown(action['detail']['value'], scale)} in week "
            f"{action['week']:g} ({game.date_of(action['week']).isoformat()})")


def _automated(game: Game) -> list[str]:
    return [team for team in game.teams if team not in game.human_teams]


_DECIDED = "Decisions of its players:"
_NOT_DECIDED = "Its players made no moves."
_AUTOMATED = "An automated team (no players)."


def _made_heading(human: bool) -> str:
    """Above the moves the game made for a team: who makes them, and for a team played by
    people that they are not its players' decisions."""
    return ("Made for the team by the scenario's script, its doctrine or the white cell"
            + (" (not its players' decisions):" if human else ":"))


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
        f"- **Seats played by people**: "
        f"{_md(_team_names(game, game.human_teams)) or 'none (doctrines only)'}",
        f"- **Automated teams**: "
        f"{_md(_team_names(game, _automated(game))) or 'none'}",
    ]
    if meta.sources:
        out += ["- **Sources**:", *(f"  - {_md(source)}" for source in meta.sources)]
    out += ["", "## Outcomes", "", "| outcome | value |", "|---|---|"]
    out += [f"| {_md(label)} | {value} |" for label, value in _outcome_rows(game)]  # ours
    losses = _economic_losses(game)
    if losses is not None:
        title, note, headers, rows = losses
        out += ["", "## Economic losses", "", f"{_md(title)}; {_md(note)}.", "",
                "| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        # a region's name is the world file's text (escaped); the numbers are ours
        out += ["| " + " | ".join([_md(row[0]), *row[1:]]) + " |" for row in rows]
    out += ["", "## Timeline", ""]
    made = _made_for(game)
    for turn, events in _events_by_turn(game).items():
        began = game.date_of((turn - 1) * meta.turn_weeks).isoformat()
        out += [f"### Turn {turn} (from {began})", "",
                "| week | date | actor | event | what happened | cause |",
                "|---|---|---|---|---|---|"]
        for event in events:
            out.append(f"| {event.week:.1f} | {game.date_of(event.week).isoformat()} | "
                       f"{_md(event.actor or '-')} | {_md(event.kind)} | "
                       f"{_md(event.description)} | {_md(_cause(game, event.cause, made))} |")
        out.append("")
    out += ["## Decisions by team", ""]
    unplayed = _unplayed(game)
    made_for = _made_for_teams(game)
    for team, moves in _decisions(game).items():
        out += [f"### {_md(scenario.teams[team].name)} ({_md(team)})", ""]
        human = team in game.human_teams
        if human:
            out += ([_DECIDED, "", "| turn | week | move | parameters | id |",
                     "|---|---|---|---|---|",
                     *(f"| {m['turn']} | {m['week']:.1f} | {_md(m['move'])} | "
                       f"{_md(_params(m['params']))} | {_md(m['id'])} |" for m in moves), ""]
                    if moves else [_NOT_DECIDED, ""])
        else:
            out += [_AUTOMATED, ""]
        if made_for[team]:
            out += [_made_heading(human), "", "| turn | week | move | parameters | id | made by |",
                    "|---|---|---|---|---|---|"]
            out += [f"| {m['turn']} | {m['week']:.1f} | {_md(m['kind'])} | "
                    f"{_md(_params(m['params']))} | {_md(m['id'])} | {_md(m['by'])} |"
                    for m in made_for[team]]
            out.append("")
        elif not human:
            out += ["No moves.", ""]
        if unplayed[team]:
            out += ["Withdrawn or not played (not decisions):", ""]
            out += [f"- {_md(m['id'])}, turn {m['turn']}: {_md(m['kind'])} "
                    f"({_md(_params(m['params']))}), {_md(_said(m['rationale']))}"
                    f"{_md(m['what'])}" for m in unplayed[team]]
            out.append("")
    out += ["## Facilitator actions", ""]
    actions = _facilitator(game)
    if actions:
        out += ["| id | turn | week | action | detail | rationale |", "|---|---|---|---|---|---|"]
        out += [f"| {_md(a['id'])} | {a['turn']} | {a['week']:.1f} | {_md(a['action'])} | "
                f"{_md(_detail(game, a))} | {_md(a.get('rationale', ''))} |"
                for a in actions]
    else:
        out.append("None: the game ran as the scenario and the players made it.")
    out += ["", "## Indicators", "",
            f"From {meta.start.isoformat()} (week 0) to {game.date.isoformat()} "
            f"(week {game.week:g}).", "",
            "| indicator | start | end | min | max | over the game | white cell |",
            "|---|---|---|---|---|---|---|"]
    overrides = _overrides(game)
    for name in _chart_indicators(game):
        values = [value for _, value in game.history(name)]
        scale = max(abs(value) for value in values)
        notes = "; ".join(f"overridden, {_override_note(game, action, scale)}"
                          for action in overrides.get(name, ())) or "-"
        out.append(f"| {_md(_indicator_label(game, name))} | {_shown(values[0], scale)} | "
                   f"{_shown(values[-1], scale)} | {_shown(min(values), scale)} | "
                   f"{_shown(max(values), scale)} | `{sparkline(values, 40, sample=True)}` | "
                   f"{_md(notes)} |")
    return "\n".join(out) + "\n"


_NUMBERED = re.compile(r"\d+[.)]")
_MD_SPECIAL = str.maketrans({character: "\\" + character for character in "\\`*_[]|~!#"}
                            | {"<": "\\<", ">": "\\>", "\n": " ", "\r": " "})
_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")
"""An ``&`` that would start an HTML entity in Markdown (``&copy;``): escaped, every other
``&`` left as written ("R&D")."""


def _md(text: object) -> str:
    """Text from a scenario or a journal as Markdown that shows it and does nothing else: no
    raw HTML, no link or image (a scenario is someone else's data, and an image URL in a report
    would call home when the report is opened), no emphasis or table breaks. Markdown's own
    escapes (a backslash, never an HTML entity: the Markdown is read as text too) keep every
    character visible as written."""
    escaped = _ENTITY.sub(r"\\&", str(text).translate(_MD_SPECIAL))
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
svg{max-width:100%;height:auto}
"""


CHART_WIDTH, CHART_HEIGHT = 600, 240
"""The size of an indicator's chart in the HTML report: two to a printed page's width, tall
enough for five value ticks and a date axis in 11 px text."""


def _value_ticks(low: float, high: float, most: int = 6) -> tuple[list[float], int]:
    """Round value ticks (steps of 1, 2, 2.5 or 5 times a power of ten) that cover
    [low, high], and the decimals their labels need. A flat path gets a band around it."""
    if high - low <= NOISE * max(1.0, abs(high), abs(low)):
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / (most - 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step + 1e-9) * step
    count = math.ceil((high - first) / step - 1e-9)
    ticks = [first + number * step for number in range(count + 1)]
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) + (1 if step / magnitude == 2.5
                                                                 else 0)
    return ticks, decimals


def _tick_text(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return "0" if float(text) == 0 else text  # never "-0.0"


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def _date_ticks(start: dt.date, first: float, last: float, most: int = 6
                ) -> list[tuple[float, str]]:
    """(week, ISO date) ticks over weeks [first, last]: every 1, 2 or 4 weeks from the start
    for a short game, else the first days of every 1, 2, 3 or 6 months, else of years; the
    finest spacing that gives at most ``most`` ticks (ISO dates: what the report's tables
    show)."""
    def week_of(day: dt.date) -> float:
        return (day - start).days / 7

    begin, end = start + dt.timedelta(weeks=first), start + dt.timedelta(weeks=last)
    for step in (1, 2, 4):
        weeks = [first + step * n for n in range(int((last - first) / step + 1e-9) + 1)]
        if len(weeks) <= most:
            return [(week, (start + dt.timedelta(weeks=week)).isoformat()) for week in weeks]
    for months in (1, 2, 3, 6, 12, 24, 60, 120):
        day = _add_months(begin, 0 if begin.day == 1 else 1)
        while (day.month - 1) % min(months, 12) or (months > 12 and day.year % (months // 12)):
            day = _add_months(day, 1)
        days = []
        while day <= end:
            days.append(day)
            day = _add_months(day, months)
        if len(days) <= most:
            return [(week_of(day), day.isoformat()) for day in days]
    return [(first, begin.isoformat()), (last, end.isoformat())]


def _svg_chart(game: Game, name: str) -> str:
    """An indicator's path as an inline SVG line chart: value ticks with the indicator's unit,
    date ticks along the time axis, and every white-cell override marked where it was made
    (the value set, its id), even when the path never shows it."""
    points = game.history(name)
    if not points:
        return ""
    e = html.escape
    overrides = _overrides(game).get(name, [])
    width, height = CHART_WIDTH, CHART_HEIGHT
    left, right, top, bottom = 58, 36, 26, 40  # room for the labels at the corners
    weeks = [week for week, _ in points]
    values = [value for _, value in points]
    marked = [float(action["detail"]["value"]) for action in overrides]
    scale = max(abs(value) for value in values + marked)
    clean = [0.0 if abs(value) <= NOISE * max(1.0, scale) else value for value in values]
    ticks, decimals = _value_ticks(min(clean + marked), max(clean + marked))
    low, high = ticks[0], ticks[-1]
    x0 = weeks[0]
    x1 = weeks[-1] if weeks[-1] > weeks[0] else weeks[0] + 1

    def x(week: float) -> float:
        return left + (week - x0) / (x1 - x0) * (width - left - right)

    def y(value: float) -> float:
        return top + (1 - (value - low) / (high - low)) * (height - top - bottom)

    spec = game.scenario.indicators[name]
    label = spec.name or name
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" font-size="11" '
             f'font-family="system-ui,sans-serif"><title>{e(label)}</title>'
             f'<rect width="100%" height="100%" fill="#fafafa"/>']
    for tick in ticks:
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" '
                     f'y2="{y(tick):.1f}" stroke="#ddd"/>'
                     f'<text class="y-tick" x="{left - 6}" y="{y(tick) + 4:.1f}" '
                     f'text-anchor="end">{_tick_text(tick, decimals)}</text>')
    for week, text in _date_ticks(game.scenario.meta.start, x0, x1):
        parts.append(f'<line x1="{x(week):.1f}" x2="{x(week):.1f}" y1="{height - bottom}" '
                     f'y2="{height - bottom + 4}" stroke="#444"/>'
                     f'<text class="x-tick" x="{x(week):.1f}" y="{height - bottom + 17}" '
                     f'text-anchor="middle">{text}</text>')
    parts.append(f'<line x1="{left}" x2="{width - right}" y1="{height - bottom}" '
                 f'y2="{height - bottom}" stroke="#444"/>'
                 f'<line x1="{left}" x2="{left}" y1="{top}" y2="{height - bottom}" '
                 f'stroke="#444"/>')
    if spec.unit:
        parts.append(f'<text class="y-unit" x="{left - 6}" y="{top - 9}" '
                     f'text-anchor="end">{e(spec.unit)}</text>')
    parts.append(f'<text x="{width - right}" y="{height - 6}" text-anchor="end" '
                 f'fill="#555">date (week 0 = {game.scenario.meta.start.isoformat()})</text>')
    path = " ".join(f"{x(w):.1f},{y(v):.1f}" for w, v in zip(weeks, clean, strict=True))
    parts.append(f'<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="{path}"/>')
    for action in overrides:
        value = float(action["detail"]["value"])
        px, py = x(float(action["week"])), y(value)
        anchor = "end" if px > width / 2 else "start"
        shift = -7 if anchor == "end" else 7
        parts.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{top}" y2="{height - bottom}" '
                     f'stroke="#d62728" stroke-dasharray="4 3"/>'
                     f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="#d62728"/>'
                     f'<text class="override" x="{px + shift:.1f}" y="{max(top + 10, py - 7):.1f}"'
                     f' text-anchor="{anchor}" fill="#d62728">{e(action["id"])}: set to '
                     f'{_shown(value, scale)}</text>')
    parts.append("</svg>")
    return "".join(parts)


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
        f"<b>Seats played by people</b>: {e(_team_names(game, game.human_teams) or 'none')}. "
        f"<b>Automated teams</b>: {e(_team_names(game, _automated(game)) or 'none')}.</p>")
    if meta.sources:
        parts.append("<p><b>Sources</b></p><ul>" + "".join(
            f"<li>{e(source)}</li>" for source in meta.sources) + "</ul>")
    parts.append("<h2>Outcomes</h2>" + _table(
        ["outcome", "value"], [list(row) for row in _outcome_rows(game)]))
    losses = _economic_losses(game)
    if losses is not None:
        title, note, headers, rows = losses
        parts.append(f"<h2>Economic losses</h2><p>{e(title)}; {e(note)}.</p>"
                     + _table(headers, rows))
    parts.append("<h2>Indicators</h2><div class='charts'>")
    overrides = _overrides(game)
    for name in _chart_indicators(game):
        label = scenario.indicators[name].name or name
        marked = "".join(f"; overridden by the white cell ({e(action['id'])}, week "
                         f"{action['week']:g})" for action in overrides.get(name, ()))
        parts.append(f"<figure>{_svg_chart(game, name)}"
                     f"<figcaption>{e(label)} ({e(name)}){marked}</figcaption></figure>")
    parts.append("</div><h2>Timeline</h2>")
    made = _made_for(game)
    for turn, events in _events_by_turn(game).items():
        parts.append(f"<h3>Turn {turn}</h3>" + _table(
            ["week", "date", "actor", "event", "what happened", "cause"],
            [[f"{ev.week:.1f}", game.date_of(ev.week).isoformat(), ev.actor or "-", ev.kind,
              ev.description, _cause(game, ev.cause, made)] for ev in events]))
    parts.append("<h2>Decisions by team</h2>")
    unplayed = _unplayed(game)
    made_for = _made_for_teams(game)
    for team, moves in _decisions(game).items():
        parts.append(f"<h3>{e(scenario.teams[team].name)} ({e(team)})</h3>")
        human = team in game.human_teams
        if not human:
            parts.append(f"<p>{e(_AUTOMATED)}</p>")
        elif moves:
            parts.append(f"<p>{e(_DECIDED)}</p>" + _table(
                ["turn", "week", "move", "parameters", "id"],
                [[m["turn"], f"{m['week']:.1f}", m["move"], _params(m["params"]), m["id"]]
                 for m in moves]))
        else:
            parts.append(f"<p>{e(_NOT_DECIDED)}</p>")
        if made_for[team]:
            parts.append(f"<p>{e(_made_heading(human))}</p>" + _table(
                ["turn", "week", "move", "parameters", "id", "made by"],
                [[m["turn"], f"{m['week']:.1f}", m["kind"], _params(m["params"]), m["id"],
                  m["by"]] for m in made_for[team]]))
        elif not human:
            parts.append("<p>No moves.</p>")
        if unplayed[team]:
            parts.append("<p>Withdrawn or not played (not decisions):</p>" + _table(
                ["id", "turn", "move", "parameters", "what happened"],
                [[m["id"], m["turn"], m["move"], _params(m["params"]), m["what"]]
                 for m in unplayed[team]]))
    actions = _facilitator(game)
    parts.append("<h2>Facilitator actions</h2>" + (_table(
        ["id", "turn", "week", "action", "detail", "rationale"],
        [[a["id"], a["turn"], f"{a['week']:.1f}", a["action"], _detail(game, a),
          a.get("rationale", "")] for a in actions]) if actions else
        "<p>None: the game ran as the scenario and the players made it.</p>"))
    parts.append("</body></html>\n")
    return "".join(parts)


def report_path(save: Path | str, fmt: str = "md") -> Path:
    """Where a save's after-action report goes unless told otherwise, for ``wargame report``
    and the UI's ctrl+r alike: beside the save, its suffix replaced (``games/g1.jsonl`` ->
    ``games/g1.report.md`` or ``games/g1.report.html``), a name no save has."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    return Path(save).with_suffix(f".report.{fmt}")


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
                        help="write here (default: beside SAVE, SAVE.report.md or "
                             "SAVE.report.html, as the UI's ctrl+r names it)")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing file that is not a report (never the save)")
    parser.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    if not Path(args.save).name:
        raise JournalError(f"SAVE: give the path of a saved game's journal (got {args.save!r})")
    output = Path(args.output) if args.output else report_path(args.save, args.format)
    check_output(output, inputs=[args.save], force=args.force, ours=is_report,
                 what="after-action report")
    game = Game.replay(Journal.load(args.save), verify=True)
    text = after_action_report(game, args.format)
    save_text_atomic(output, text)
    print(f"wrote {output}")
    return 0
