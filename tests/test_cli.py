"""The command line, run as a user runs it: a real subprocess, real files, exit codes."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT, SCENARIOS
from wargame.cli import scenario_json_schema
from wargame.scenario.reference import schema_reference_markdown


def wargame(*args: str, cwd=ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wargame", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_run_prints_a_timeline_and_a_final_table_and_saves_a_journal_that_replays(tmp_path):
    journal = tmp_path / "g.jsonl"
    done = wargame("run", "--seed", "3", "--journal", str(journal))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Escalation ladder (worked example) · seed 3 · weeks 0–52")
    assert "Turn 1 (from 2025-01-06)" in out
    assert "chip_breakthrough" in out and "[inject #0]" in out
    assert "Indicators at week 52 (white cell view)" in out
    assert "final_tension" in out
    replayed = wargame("replay", str(journal))
    assert replayed.returncode == 0, replayed.stderr
    assert "verified" in replayed.stdout and "13 turns, to week 52" in replayed.stdout
    # the same seed prints the same thing; the journal is byte-identical
    again = tmp_path / "again.jsonl"
    assert wargame("run", "--seed", "3", "--journal", str(again)).stdout == \
        out.replace(str(journal), str(again))
    assert again.read_bytes() == journal.read_bytes()


def test_run_with_weeks_stops_early():
    done = wargame("run", "escalation-ladder-pessimistic", "--weeks", "8")
    assert done.returncode == 0, done.stderr
    assert "Indicators at week 8 (white cell view)" in done.stdout


def test_validate_passes_shipped_scenarios_and_fails_a_bad_one(tmp_path):
    good = wargame("validate", *map(str, sorted(SCENARIOS.glob("*.yaml"))))
    assert good.returncode == 0, good.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("meta:\n  name: x\n  start: 2025-01-01\n  horizon_weeks: 1\n"
                   "  turn_weeks: 4\nteams: {us: {name: US}}\n", encoding="utf-8")
    done = wargame("validate", str(bad))
    assert done.returncode == 1
    assert done.stderr.strip() == (f"{bad}:4: meta.horizon_weeks: must be at least one turn "
                                   "(4 weeks) (got 1)")


@pytest.mark.parametrize("args", [
    ("run", "no-such-scenario"),
    ("run", "--weeks", "-3"),
    ("replay", "missing.jsonl"),
    ("replay", "README.md"),
    ("validate", "scenarios"),
])
def test_bad_input_gets_one_clear_line_and_no_traceback(args):
    done = wargame(*args)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert done.stderr.strip() and len(done.stderr.strip().splitlines()) == 1


def test_schema_command_writes_the_committed_schema(tmp_path):
    out = tmp_path / "s.json"
    assert wargame("schema", "-o", str(out)).returncode == 0
    assert out.read_text(encoding="utf-8") == scenario_json_schema()


def test_committed_json_schema_is_in_sync_with_the_models():
    committed = (SCENARIOS / "scenario.schema.json").read_text(encoding="utf-8")
    assert committed == scenario_json_schema(), \
        "run `wargame schema -o scenarios/scenario.schema.json` and commit the result"
    schema = json.loads(committed)
    assert {"meta", "teams", "indicators", "rules", "triggers"} <= set(
        schema["$defs"]["Scenario"]["properties"])


def test_committed_authoring_reference_is_in_sync_with_the_schema():
    committed = (ROOT / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    assert committed == schema_reference_markdown(json.loads(scenario_json_schema())), \
        "run `wargame schema --format markdown -o docs/scenario-reference.md` and commit the result"


def test_authoring_reference_links_every_definition_it_mentions():
    text = (ROOT / "docs" / "scenario-reference.md").read_text(encoding="utf-8")
    headings = {line[3:].strip().lower() for line in text.splitlines() if line.startswith("## ")}
    links = set(re.findall(r"\]\(#([a-z0-9_-]+)\)", text))
    assert links and links <= headings
    for field in ("horizon_weeks", "probability", "lag_weeks", "extends"):
        assert f"| `{field}` |" in text


def test_list_names_the_shipped_scenarios():
    done = wargame("list")
    assert done.returncode == 0
    assert "escalation-ladder " in done.stdout and "escalation-ladder-pessimistic" in done.stdout


def test_console_script_and_version():
    done = subprocess.run(["wargame", "--version"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("wargame ")


def test_shock_prints_the_largest_effects_of_a_demand_shock_on_a_real_table():
    table = ROOT / "tests" / "economy" / "data" / "germany_1995_beutel.csv"
    done = wargame("shock", str(table), "--demand", "Manufacturing=1000", "--top", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1] == "Demand-driven (Leontief) effect of a final-demand change of +1,000:"
    assert lines[3].split()[:2] == ["Manufacturing", "+1,429"]
    assert lines[-1] == "Total output change +1,841 (1.841 × the shock)"
    bad = wargame("shock", str(table), "--demand", "Steel=1")
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "unknown sector 'Steel'" in bad.stderr


def test_run_never_replaces_an_existing_file_without_force(tmp_path):
    journal = tmp_path / "g.jsonl"
    assert wargame("run", "--journal", str(journal)).returncode == 0
    first = journal.read_bytes()
    again = wargame("run", "--seed", "9", "--journal", str(journal))
    assert again.returncode == 1
    assert again.stderr.strip() == (f"error: {journal}: already exists; choose another name, or "
                                    "pass --force to replace it")
    assert journal.read_bytes() == first
    assert wargame("run", "--seed", "9", "--journal", str(journal), "--force").returncode == 0
    assert journal.read_bytes() != first


@pytest.mark.parametrize("weeks", ["nan", "inf", "-1", "0"])
def test_run_refuses_weeks_that_are_not_a_positive_number(weeks):
    done = wargame("run", "--weeks", weeks)
    assert done.returncode == 1
    assert done.stderr.startswith("error: --weeks must be a positive number of weeks (got ")


def test_schema_output_replaces_a_schema_but_not_another_file(tmp_path):
    schema = tmp_path / "scenario.schema.json"
    assert wargame("schema", "-o", str(schema)).returncode == 0
    assert wargame("schema", "-o", str(schema)).returncode == 0  # ours: rewritten
    notes = tmp_path / "notes.json"
    notes.write_text("{}\n")
    done = wargame("schema", "-o", str(notes))
    assert done.returncode == 1 and "is not a wargame schema or reference" in done.stderr
    assert notes.read_text() == "{}\n"


def test_run_prints_gdp_lost_by_region_and_year_as_the_game_computes_it():
    from wargame import Game, load_scenario
    from wargame.text import billions, gdp_loss_total, percent, region_names

    done = wargame("run", "embargo-shock", "--seed", "2")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    start = lines.index("Economy (white cell view)")
    title, header, rule, *rest = [line.strip() for line in lines[start + 1:]]
    assert title.startswith("GDP lost against the baseline world, by region and year: bn USD")
    game = Game(load_scenario("embargo-shock"), seed=2)
    game.run()
    loss = game.gdp_loss()
    years = sorted(loss["world"])
    assert header.split() == ["region", *map(str, years), "total"]
    assert set(rule) == {"-", " "}
    regions = [*game.economy.regions, "world"]
    rows = rest[:len(regions)]
    totals = gdp_loss_total(loss)
    names = region_names(game.scenario.economy.world)
    for region, row in zip(regions, rows, strict=True):
        cells = re.split(r"\s{2,}", row)
        assert cells[0] == names.get(region, region)
        expected = [f"{billions(v['bn_usd'])} ({percent(v['share'])})"
                    for v in (*(loss[region][year] for year in years), totals[region])]
        assert cells[1:] == expected, region
    assert rest[len(regions)] == (f"{years[0]} from {game.scenario.meta.start.isoformat()}, "
                                  f"{years[-1]} to {game.date.isoformat()} (the parts played)")


def test_run_without_an_economy_prints_no_economy_section():
    done = wargame("run", "escalation-ladder", "--weeks", "4")
    assert done.returncode == 0, done.stderr
    assert "Economy" not in done.stdout and "GDP lost" not in done.stdout
