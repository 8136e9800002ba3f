"""The after-action report from a saved game, in a real subprocess, in both formats."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT
from wargame import Game, load_scenario
from wargame.montecarlo.labels import outcome_label


def _saved_exercise(path):
    game = Game(load_scenario("escalation-ladder"), seed=7, human_teams=["us"])
    game.submit({"team": "us", "kind": "tighten_controls", "params": {"levels": 2}})
    game.advance()
    game.override("tension", 0.6, "the white cell judged the incident worse")
    game.inject_event({"kind": "press_leak", "description": "A cable leaks.",
                       "visible_to": "all"}, "test the teams' discipline")
    game.advance()
    game.journal.save(path)
    return game


def test_markdown_and_html_reports_from_a_save(tmp_path):
    save = tmp_path / "exercise.jsonl"
    game = _saved_exercise(save)
    for fmt in ("md", "html"):
        out = tmp_path / f"report.{fmt}"
        done = subprocess.run([sys.executable, "-m", "wargame", "report", str(save), "--format",
                               fmt, "-o", str(out)], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        text = out.read_text(encoding="utf-8")
        if fmt == "md":  # the report escapes Markdown in the game's text (tighten\_controls)
            text = re.sub(r"\\(.)", r"\1", text)
        assert "Escalation ladder (worked example)" in text
        assert "the white cell judged the incident worse" in text    # override rationale
        assert "test the teams&#x27; discipline" in text or "test the teams' discipline" in text
        assert "tighten_controls" in text and "levels=2" in text        # the players' decision
        assert "doctrine (cn_" in text                                   # China's doctrine moves
        for outcome in game.outcomes():  # by what it measures, not its id
            assert outcome_label(game.scenario, outcome) in text
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and html.count("<svg") >= 3
    assert "<script" not in html                                          # self-contained, static
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "### Turn 1 (from 2025-01-06)" in md and "| move m1 |" in md


def test_report_of_a_missing_save_is_one_clear_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "wargame", "report", str(tmp_path / "no.jsonl")],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "Traceback" not in done.stderr


def test_reports_of_a_game_with_an_economy_have_its_gdp_losses_by_region_and_year(tmp_path):
    from wargame.report import html_report, markdown_report
    from wargame.text import gdp_loss_rows, region_names

    save = tmp_path / "blockade.jsonl"
    done = subprocess.run([sys.executable, "-m", "wargame", "run", "taiwan-blockade", "--seed",
                           "3", "--weeks", "70", "--journal", str(save)], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    game = Game.replay(save)
    headers, rows = gdp_loss_rows(game.gdp_loss(), region_names(game.scenario.economy.world))
    assert headers == ["region", "2022", "2023", "2024", "total"]
    assert [row[0] for row in rows][-1] == "world" and len(rows) == len(game.economy.regions) + 1
    texts = {}
    for fmt in ("md", "html"):
        out = tmp_path / f"report.{fmt}"
        done = subprocess.run([sys.executable, "-m", "wargame", "report", str(save), "--format",
                               fmt, "-o", str(out)], cwd=ROOT, capture_output=True, text=True,
                              timeout=180)
        assert done.returncode == 0, done.stderr
        texts[fmt] = out.read_text(encoding="utf-8")
    md = texts["md"]
    assert md == markdown_report(game) and texts["html"] == html_report(game)
    section = md[md.index("\n## Economic losses\n"):md.index("\n## Timeline\n")]
    table = [line for line in section.splitlines() if line.startswith("|")]
    assert table[0] == "| " + " | ".join(headers) + " |"
    for line, row in zip(table[2:], rows, strict=True):
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        assert cells[1:] == row[1:]  # the same numbers as `wargame run` prints
        assert re.sub(r"\\(.)", r"\1", cells[0]) == row[0]
    html = texts["html"]
    assert "<h2>Economic losses</h2>" in html
    for row in rows:
        assert "".join(f"<td>{cell}</td>" for cell in row[1:]) in html


def test_a_report_of_a_game_without_an_economy_has_no_economic_losses_section(tmp_path):
    from wargame.report import html_report, markdown_report

    game = Game(load_scenario("escalation-ladder"), seed=1)
    game.run(8)
    assert "Economic losses" not in markdown_report(game) + html_report(game)
