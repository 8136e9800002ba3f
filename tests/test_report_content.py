"""What the after-action report says about a game: the decisions actually played (a withdrawn
move is not one), legible charts (size, axis ticks, dates, units), numbers without float noise,
every indicator the white cell overrode charted with the override marked, outcomes by label.

The game is a small scenario written here so every number it should show is known: a stock that
three shifts of -0.1 take from 0.3 to float noise (-2.8e-17), a flow that climbs by 0.05 a week,
and a constant derived indicator the white cell overrides (its formula resets it at the next
tick, so its history never shows the override and it never moves).
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
import xml.etree.ElementTree as ET

import pytest

from wargame import Game, load_scenario_text
from wargame.report import html_report, markdown_report

SCENARIO = textwrap.dedent("""
meta:
  name: Report check
  start: 2025-01-06
  horizon_weeks: 12
  turn_weeks: 4
  tick_weeks: 1
teams:
  us:
    name: United States
    moves:
      tighten:
        params:
          levels: {type: integer, min: 1, max: 3, default: 1}
        effects:
          - {op: shift, indicator: tension, by: {param: levels, scale: 0.01}}
  cn:
    name: China
    moves:
      wait: {}
indicators:
  stock:
    name: Chip stock
    unit: bn USD
    initial: 0.3
    min: -1
  tension:
    name: Strait tension
    unit: index
    initial: 0.2
    min: 0
    max: 2
  posture:
    name: Posture
    initial: 1
  pressure:
    name: Pressure on the strait
    unit: points
    formula: {terms: [{coef: 2.0, of: [posture]}]}
flows:
  tension_rises:
    indicator: tension
    rate: {terms: [{coef: 0.05}]}
injects:
""" + "".join(f"""  - at_week: {week}
    event: {{kind: drawdown, effects: [{{op: shift, indicator: stock, by: -0.1}}]}}
""" for week in (1, 2, 3)) + """outcomes:
  final_stock: {indicator: stock, stat: final}
  peak_tension: {indicator: tension, stat: max}
  draws: {event: drawdown, stat: count}
""")


@pytest.fixture(scope="module")
def game() -> Game:
    game = Game(load_scenario_text(SCENARIO, "report-check.yaml"), seed=1, human_teams=["us"])
    game.submit({"team": "us", "kind": "tighten", "params": {"levels": 2}})
    taken_back = game.submit({"team": "us", "kind": "tighten", "params": {"levels": 3}})
    game.withdraw(taken_back.id)
    game.advance()
    game.step(1)
    game.override("pressure", 5.0, "the white cell judged the strait hotter")
    game.run()
    assert abs(game.history("stock")[-1][1]) < 1e-15 != game.history("stock")[-1][1]
    return game


def _section(text: str, start: str, end: str) -> str:
    return text[text.index(start):text.index(end)]


def _unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown)


# ---- decisions ----------------------------------------------------------------------------------

def test_a_withdrawn_move_is_not_a_decision_but_is_listed_as_withdrawn(game):
    md = _unescape(markdown_report(game))
    decisions = _section(md, "## Decisions by team", "## Facilitator actions")
    us = _section(decisions, "### United States", "### China")
    played = [line for line in us.splitlines() if line.startswith("| 1 |")]
    assert len(played) == 1 and "levels=2" in played[0]   # only the move that was played
    withdrawn = us[us.index("Withdrawn"):]
    assert "levels=3" in withdrawn and "levels=3" not in us[:us.index("Withdrawn")]
    page = html_report(game)
    decisions = _section(page, "<h2>Decisions by team</h2>", "<h2>Facilitator actions</h2>")
    table, rest = decisions.split("Withdrawn", 1)
    assert "levels=2" in table and "levels=3" not in table and "levels=3" in rest


# ---- numbers and outcomes ---------------------------------------------------------------------

def test_float_noise_is_shown_as_zero_and_numbers_keep_few_significant_figures(game):
    md = markdown_report(game)
    page = html_report(game)
    for text in (md, page):
        assert not re.search(r"\de-1\d", text), re.findall(r"\S*\de-1\d\S*", text)
    indicators = md[md.index("## Indicators"):]
    row = next(line for line in indicators.splitlines() if line.startswith("| Chip stock"))
    assert row.split(" | ")[2] == "0"          # the end of the stock: 0, not -2.776e-17


def test_outcomes_are_shown_by_their_label_not_their_id(game):
    md = _unescape(markdown_report(game))
    outcomes = _section(md, "## Outcomes", "## Timeline")
    assert "| Chip stock, at the end (bn USD) | 0 |" in outcomes
    assert "| Strait tension, highest (index) | 0.82 |" in outcomes
    assert "| drawdown events (count per run) | 3 |" in outcomes
    for name in game.outcomes():
        assert f"| {name} |" not in outcomes
    page = html_report(game)
    outcomes = _section(page, "<h2>Outcomes</h2>", "<h2>Indicators</h2>")
    assert "<td>Chip stock, at the end (bn USD)</td><td>0</td>" in outcomes
    assert "<td>final_stock</td>" not in outcomes


# ---- charts -----------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def _charts(page: str) -> dict[str, ET.Element]:
    """Each chart's SVG element by its figure's caption."""
    charts = {}
    for figure in re.findall(r"<figure>(.*?)</figure>", page, re.S):
        svg = ET.fromstring(figure[:figure.index("</svg>") + 6])
        caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.S)
        assert caption is not None
        charts[re.sub(r"<[^>]+>", "", caption.group(1))] = svg
    return charts


def _texts(svg: ET.Element, css_class: str) -> list[str]:
    return ["".join(node.itertext()) for node in svg.iter(f"{SVG}text")
            if css_class in (node.get("class") or "").split()]


def test_charts_are_legible_with_date_and_value_ticks_and_the_unit(game):
    charts = _charts(html_report(game))
    tension = next(svg for caption, svg in charts.items() if caption.startswith("Strait tension"))
    assert int(tension.get("width")) >= 560 and int(tension.get("height")) >= 220
    dates = _texts(tension, "x-tick")
    assert len(dates) >= 3
    start, end = dt.date(2025, 1, 6), dt.date(2025, 3, 31)
    for label in dates:
        assert start <= dt.date.fromisoformat(label) <= end, label
    values = [float(label) for label in _texts(tension, "y-tick")]
    assert len(values) >= 3 and values == sorted(values)
    assert min(values) <= 0.2 + 1e-9 and max(values) >= 0.82 - 1e-9  # the path's range, covered
    assert _texts(tension, "y-unit") == ["index"]


def test_an_overridden_indicator_is_charted_with_the_override_marked(game):
    # the formula resets it at the next tick: its history never shows the override
    assert {value for _, value in game.history("pressure")} == {2.0}
    charts = _charts(html_report(game))
    pressure = next(svg for caption, svg in charts.items()
                    if caption.startswith("Pressure on the strait"))
    marks = _texts(pressure, "override")
    assert marks and "5" in marks[0] and "f1" in marks[0]
    md = _unescape(markdown_report(game))
    indicators = md[md.index("## Indicators"):]
    row = next(line for line in indicators.splitlines()
               if line.startswith("| Pressure on the strait"))
    assert "overridden" in row and "f1" in row


# ---- a played game of the escalation ladder -----------------------------------------------------
# The players (us) signal, take back a tightening, and the white cell moves for China, raises an
# event and sets tension to float noise; the script moves for the US at week 10 (inject 2, a
# lagged tighten_controls) and China's doctrine patrols after strait incidents.

@pytest.fixture(scope="module")
def ladder() -> Game:
    from wargame import load_scenario

    game = Game(load_scenario("escalation-ladder"), seed=3, human_teams=["us"])
    game.submit({"team": "us", "kind": "signal_resolve", "params": {"clarity": "clear"}})
    game.withdraw(game.submit({"team": "us", "kind": "tighten_controls",
                               "params": {"levels": 3}}).id)
    game.advance()
    game.advance()
    game.inject_move({"team": "cn", "kind": "strait_patrol"}, "a patrol to test the US")
    game.inject_event({"kind": "chip_breakthrough", "actor": "cn",
                       "description": "US chip R&D funded by sales &copy; <b>x</b>"},
                      "what if R&D pays off")
    game.override("tension", 1e-14, "calm the strait")
    game.run(24)
    return game


def _move_of(game: Game, cause_kind: str) -> str:
    """The id of the first move the game made for a team with a cause of this kind."""
    return next(event.data["move"] for event in game.events()
                if event.cause.kind == cause_kind and "move" in event.data)


def test_moves_made_for_a_team_are_listed_with_who_made_them_apart_from_its_decisions(ladder):
    scripted, white, doctrine = (_move_of(ladder, kind)
                                 for kind in ("inject", "facilitator", "rule"))
    md = _unescape(markdown_report(ladder))
    decisions = _section(md, "## Decisions by team", "## Facilitator actions")
    us, cn = _section(decisions, "### United States", "### China"), \
        decisions[decisions.index("### China"):]
    assert "No moves." not in us
    players, made_for = us.split("Made for the team", 1)
    assert "signal_resolve" in players and "tighten_controls" not in players.split(
        "Withdrawn")[0]
    row = next(line for line in made_for.splitlines() if f"| {scripted} |" in line)
    assert "tighten_controls" in row and "levels=1" in row and "inject 2" in row
    row = next(line for line in cn.splitlines() if f"| {white} |" in line)
    assert "strait_patrol" in row and "white cell" in row and "f1" in row \
        and "a patrol to test the US" in row
    row = next(line for line in cn.splitlines() if f"| {doctrine} |" in line)
    assert "doctrine (cn_patrols)" in row
    page = html_report(ladder)
    decisions = _section(page, "<h2>Decisions by team</h2>", "<h2>Facilitator actions</h2>")
    us = _section(decisions, "United States", "China")
    assert f"<td>{scripted}</td>" in us and "inject 2" in us
    assert "a patrol to test the US" in decisions[decisions.index("China"):]


def test_scripted_causes_read_as_the_script_not_an_index(ladder):
    scripted = _move_of(ladder, "inject")
    for text in (markdown_report(ladder), html_report(ladder)):
        text = _unescape(text)
        assert "inject #" not in text
        assert "scripted (inject 1: chip_breakthrough)" in text           # an event inject
        assert "scripted (inject 2: tighten_controls, levels=1)" in text  # a move inject
        assert f"move {scripted} (scripted, inject 2)" in text  # its later stages and effect


def test_markdown_has_no_html_entities_and_still_renders_the_text_as_written(ladder):
    from markdown_it import MarkdownIt

    md = markdown_report(ladder)
    assert "&amp;" not in md and "&lt;" not in md and "US chip R&D funded by sales" in md
    rendered = MarkdownIt("commonmark").enable("table").render(md)
    assert "US chip R&amp;D funded by sales &amp;copy; &lt;b&gt;x&lt;/b&gt;" in rendered
    assert "<b>" not in rendered and "©" not in rendered


def test_count_outcomes_read_naturally(ladder):
    md = _unescape(markdown_report(ladder))
    assert "count a run" not in md + html_report(ladder)
    assert "| crisis threshold events (count per run) |" in md


def test_every_cell_of_the_facilitator_table_is_escaped_alike(ladder):
    md = markdown_report(ladder)
    actions = _section(md, "## Facilitator actions", "## Indicators")
    assert "| inject\\_move |" in actions and "| inject\\_event |" in actions
    assert "inject_move" not in actions and "inject_event" not in actions


def test_the_facilitator_table_shows_numbers_as_the_indicators_table_does(ladder):
    md = _unescape(markdown_report(ladder))
    actions = _section(md, "## Facilitator actions", "## Indicators")
    assert "indicator=tension, value=0 |" in actions
    assert "set to 0 in week 8" in md[md.index("## Indicators"):]
    for text in (md, html_report(ladder)):
        assert "1e-14" not in text


def test_seats_are_listed_by_team_name(ladder):
    md = markdown_report(ladder)
    assert "- **Seats played by people**: United States\n" in md
    assert "- **Automated teams**: China\n" in md
    page = html_report(ladder)
    assert "<b>Seats played by people</b>: United States." in page
    assert "<b>Automated teams</b>: China." in page


def test_the_command_and_the_ui_name_the_report_file_alike(ladder, tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    from wargame import report

    assert report.report_path(Path("games/g1.jsonl"), "md") == Path("games/g1.report.md")
    assert report.report_path(Path("g1.jsonl"), "html") == Path("g1.report.html")
    save = tmp_path / "g1.jsonl"
    ladder.journal.save(save)
    done = subprocess.run([sys.executable, "-m", "wargame", "report", "g1.jsonl"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "g1.report.md").exists() and not (tmp_path / "g1.md").exists()
