"""The after-action report shows what a scenario says and does nothing else, and writing it never
loses a file: not the save it was made from, not a file that is not a report.

The Markdown is rendered by a real CommonMark renderer (markdown-it-py, which Rich depends on),
as a viewer would render it.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from wargame import Game, load_scenario_text
from wargame.report import MARKER, markdown_report

HOSTILE = "<script>alert(1)</script> [win](javascript:alert(1)) ![x](http://tracker.example/p.png)"


def _hostile_game() -> Game:
    scenario = load_scenario_text(textwrap.dedent(f"""
    meta:
      name: "Exercise <b>bold</b> | *not emphasis*"
      description: "# Not a heading {HOSTILE}"
      sources: ["1. not a list item & <img src=x onerror=alert(1)>"]
      start: 2025-01-06
      horizon_weeks: 8
      turn_weeks: 4
    teams:
      us:
        name: "[United States](http://evil.example)"
        moves:
          act:
            description: "- not a list {HOSTILE}"
            params:
              how:
                {{type: choice, choices: ["<i>quietly</i>", "openly"], default: "<i>quietly</i>"}}
    indicators:
      level: {{initial: 0}}
    injects:
      - at_week: 1
        event: {{kind: report, description: "`code` | a cell break {HOSTILE}"}}
    """), "hostile.yaml")
    game = Game(scenario, seed=1, human_teams=["us"])
    game.submit({"team": "us", "kind": "act"})
    game.override("level", 1.0, f"rationale {HOSTILE}")
    game.run()
    return game


def test_scenario_text_renders_as_text_with_no_html_links_or_images():
    text = markdown_report(_hostile_game())
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    for tag in ("<script", "<b>", "<i>", "<img", "<a ", "<em>"):
        assert tag not in rendered, tag
    assert "href=" not in rendered
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # shown, not run
    assert "[United States](http://evil.example)" in rendered  # the name as written
    assert "`code` | a cell break" in rendered.replace("&lt;", "<")
    assert rendered.count("<h1>") == 1 and "# Not a heading" in rendered
    assert "1. not a list item" in rendered and "<ol>" not in rendered
    events = [row for row in rendered.split("<tr>") if "a cell break" in row]
    assert len(events) == 1 and events[0].count("<td>") == 6  # the | did not add a column


def test_a_name_with_invisible_or_bidi_characters_never_reaches_a_report():
    with pytest.raises(Exception, match="a name may not contain a bidirectional control"):
        load_scenario_text("meta: {name: \"x\\u202ey\", start: 2025-01-06, horizon_weeks: 4, "
                           "turn_weeks: 4}\nteams: {us: {name: US}}\n")


def wargame(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wargame", *args], cwd=cwd, text=True,
                          capture_output=True, timeout=120)


@pytest.fixture
def save(tmp_path: Path) -> Path:
    path = tmp_path / "exercise.jsonl"
    assert wargame("run", "escalation-ladder", "--journal", str(path), cwd=tmp_path
                   ).returncode == 0
    return path


def test_the_report_never_overwrites_its_save(save: Path, tmp_path: Path):
    before = save.read_bytes()
    for args in (["-o", str(save)], ["-o", str(tmp_path / "." / save.name)]):
        done = wargame("report", str(save), *args, cwd=tmp_path)
        assert done.returncode == 1
        assert "is the input" in done.stderr and "Traceback" not in done.stderr
        done = wargame("report", str(save), *args, "--force", cwd=tmp_path)
        assert done.returncode == 1  # not even with --force
    named_md = tmp_path / "exercise.report.md"
    named_md.write_bytes(before)  # a save named like a report, -o naming it: still the input
    done = wargame("report", str(named_md), "-o", str(named_md), cwd=tmp_path)
    assert done.returncode == 1 and "is the input" in done.stderr
    named_html = tmp_path / "exercise.report.html"
    named_html.write_bytes(before)
    done = wargame("report", str(named_html), "--format", "html", "-o", str(named_html),
                   cwd=tmp_path)
    assert done.returncode == 1 and "is the input" in done.stderr
    assert save.read_bytes() == named_md.read_bytes() == named_html.read_bytes() == before


def test_the_report_replaces_an_older_report_but_not_another_file(save: Path, tmp_path: Path):
    report = tmp_path / "exercise.report.md"
    assert wargame("report", str(save), cwd=tmp_path).returncode == 0
    assert report.read_text(encoding="utf-8").startswith(MARKER + "\n# After-action report")
    assert wargame("report", str(save), cwd=tmp_path).returncode == 0  # ours: regenerated
    notes = tmp_path / "notes.md"
    notes.write_text("my own notes\n")
    done = wargame("report", str(save), "-o", str(notes), cwd=tmp_path)
    assert done.returncode == 1
    assert "already exists and is not a wargame after-action report" in done.stderr
    assert notes.read_text() == "my own notes\n"
    assert wargame("report", str(save), "-o", str(notes), "--force", cwd=tmp_path
                   ).returncode == 0
    assert notes.read_text(encoding="utf-8").startswith(MARKER)


def test_report_outputs_that_cannot_be_written_are_clear_errors(save: Path, tmp_path: Path):
    for target, message in [(tmp_path, "is a directory"),
                            (Path("/proc/wargame-report.md"), "cannot write here"),
                            (tmp_path / "new" / "folder" / "r.md", None)]:
        done = wargame("report", str(save), "-o", str(target), cwd=tmp_path)
        assert "Traceback" not in done.stderr and "internal error" not in done.stderr
        if message is None:
            assert done.returncode == 0 and target.exists()  # missing folders are made
        else:
            assert done.returncode == 1 and message in done.stderr, done.stderr


def test_a_save_path_without_a_file_name_is_a_clear_error(tmp_path: Path):
    for save in ("", "."):
        done = wargame("report", save, cwd=tmp_path)
        assert done.returncode == 1 and "give the path of a saved game's journal" in done.stderr


def test_region_names_and_units_from_a_world_file_render_as_text_in_the_economic_losses():
    from wargame.economy.network import SupplyNetwork
    from wargame.report import html_report
    from wargame.scenario.loader import load_scenario, scenario_dump
    from wargame.scenario.schema import Scenario

    base = load_scenario("embargo-shock")
    data = copy.deepcopy(scenario_dump(base))  # the dump is the scenario's, shared: a copy
    world = data["economy"]["world"]
    world["regions"] = [{"id": region, "name": f"{region} {HOSTILE} | *x*", "gdp": 1000.0}
                        for region in SupplyNetwork(base.economy.world).regions]
    world["value_unit"] = "bn <b>USD</b>"
    game = Game(Scenario.model_validate(data), seed=1)
    game.run(8)
    text = markdown_report(game)
    assert text.startswith(MARKER + "\n")
    rendered = MarkdownIt("commonmark").enable("table").render(text)
    for tag in ("<script", "<b>", "<img", "<a ", "<em>"):
        assert tag not in rendered, tag
    assert "href=" not in rendered
    section = rendered[rendered.index("<h2>Economic losses</h2>"):rendered.index(
        "<h2>Timeline</h2>")]
    rows = [row for row in section.split("<tr>") if "alert(1)" in row]
    assert len(rows) == len(game.economy.regions)
    assert all(row.count("<td>") == 3 for row in rows)  # region, one year, total: no | break
    assert "bn &lt;b&gt;USD&lt;/b&gt;" in section
    page = html_report(game)
    assert "<script>alert" not in page and "<b>USD</b>" not in page
    assert "bn &lt;b&gt;USD&lt;/b&gt;" in page
