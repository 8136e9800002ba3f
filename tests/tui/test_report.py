"""The after-action report from a saved game, in a real subprocess, in both formats."""

from __future__ import annotations

import re
import subprocess
import sys

from tests.conftest import ROOT
from wargame import Game, load_scenario


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
        for outcome in game.outcomes():
            assert outcome in text
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
