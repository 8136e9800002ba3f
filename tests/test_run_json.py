"""``wargame run --json FILE``: one JSON document of the run, written by a real subprocess, parsed
strictly, and equal number for number to the same game played in this process (same seed).

Model values are never written down here (the default world is recalibrated from time to time):
the tests check the document's structure, its consistency (the world is the sum of the regions,
a share is the loss over the region's GDP, a total is the sum of its years) and that it is the
game's own numbers.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from wargame import Game, load_scenario, scenario_hash
from wargame.engine.journal import Journal
from wargame.scenario.postures import with_postures

DOC = ROOT / "docs" / "run-output.md"
ECONOMY = "embargo-shock"  # a year of the default world: quick, and two calendar years
TOP_KEYS = ["format", "engine_version", "scenario", "seed", "postures", "start", "end", "weeks",
            "turns", "journal", "indicators", "outcomes", "economy", "gdp_loss",
            "gdp_loss_total"]


def wargame(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wargame", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=180)


def _strict(text: str) -> dict:
    """Parsed as strict JSON: NaN or Infinity, or a duplicate key, is an error."""
    def no_constants(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    def no_duplicates(pairs: list) -> dict:
        keys = [key for key, _ in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    return json.loads(text, parse_constant=no_constants, object_pairs_hook=no_duplicates)


def _played(name: str, seed: int, postures: list[str] = (), weeks: float | None = None) -> Game:
    game = Game(with_postures(load_scenario(name), list(postures)), seed=seed)
    game.run(weeks)
    return game


def _run_json(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "run.json"
    done = wargame("run", *args, "--json", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith(f"json: {out}")
    return _strict(out.read_text(encoding="utf-8"))


def test_the_document_holds_the_run_and_equals_the_game_played_in_process(tmp_path):
    record = _run_json(tmp_path, ECONOMY, "--seed", "4")
    game = _played(ECONOMY, 4)
    assert list(record) == TOP_KEYS
    assert record["format"] == "wargame-run/1"
    assert record["scenario"] == {"name": game.scenario.meta.name, "source": ECONOMY,
                                  "hash": scenario_hash(game.scenario)}
    assert (record["seed"], record["postures"], record["journal"]) == (4, [], None)
    assert record["weeks"] == game.week and record["turns"] == game.turn
    assert (record["start"], record["end"]) == (game.scenario.meta.start.isoformat(),
                                               game.date.isoformat())
    assert record["outcomes"] == game.outcomes()
    # every indicator: its last recorded value in each calendar year, and the final value
    assert list(record["indicators"]) == list(game.scenario.indicators)
    for name, entry in record["indicators"].items():
        history = game.history(name)
        expected: dict[str, float] = {}
        for week, value in history:
            expected[str(game.date_of(week).year)] = value
        assert entry["yearly"] == expected, name
        assert entry["final"] == game.indicators()[name]
        assert entry["unit"] == game.scenario.indicators[name].unit
    # the GDP lost: Game.gdp_loss() exactly, years as text keys
    loss = game.gdp_loss()
    assert record["gdp_loss"] == {region: {str(year): value for year, value in years.items()}
                                  for region, years in loss.items()}
    regions = list(game.economy.regions)
    assert list(record["gdp_loss"]) == [*regions, "world"]
    assert list(record["economy"]["regions"]) == regions
    assert record["economy"]["value_unit"] == game.scenario.economy.world.value_unit


def test_gdp_loss_adds_up_world_is_the_sum_shares_are_of_gdp_totals_of_years(tmp_path):
    record = _run_json(tmp_path, "taiwan-blockade", "--seed", "2", "--weeks", "70")
    loss, gdp, totals = record["gdp_loss"], record["economy"]["gdp"], record["gdp_loss_total"]
    regions = [region for region in loss if region != "world"]
    years = list(loss["world"])
    assert years == ["2022", "2023", "2024"]  # from 2022-10-07, 70 weeks: three calendar years
    assert gdp["world"] == pytest.approx(sum(gdp[region] for region in regions))
    for year in years:
        assert loss["world"][year]["bn_usd"] == pytest.approx(
            sum(loss[region][year]["bn_usd"] for region in regions), rel=1e-12, abs=1e-9)
    for region in [*regions, "world"]:
        assert list(loss[region]) == years
        for year in years:
            value = loss[region][year]
            assert value["share"] == pytest.approx(value["bn_usd"] / gdp[region], rel=1e-12)
        assert totals[region]["bn_usd"] == pytest.approx(
            math.fsum(loss[region][year]["bn_usd"] for year in years), rel=1e-12, abs=1e-12)
        assert totals[region]["share"] == pytest.approx(
            totals[region]["bn_usd"] / gdp[region], rel=1e-9, abs=1e-15)
    assert totals["world"]["bn_usd"] > 0  # a blockade costs something


def test_postures_and_the_journal_are_recorded_and_the_hash_is_the_journals(tmp_path):
    journal = tmp_path / "game.jsonl"
    record = _run_json(tmp_path, "taiwan-blockade", "--seed", "5", "--weeks", "30",
                       "--posture", "maximal-embargo", "--journal", str(journal))
    assert record["postures"] == ["maximal-embargo"]
    assert record["journal"] == str(journal)
    header = Journal.load(journal).header
    assert record["scenario"]["hash"] == header["scenario_hash"]
    assert record["seed"] == header["seed"]
    game = _played("taiwan-blockade", 5, ["maximal-embargo"], 30)
    assert record["outcomes"] == game.outcomes()
    assert record["gdp_loss"]["world"] == {str(year): value
                                           for year, value in game.gdp_loss()["world"].items()}


def test_a_scenario_without_an_economy_writes_null_losses_not_zero(tmp_path):
    record = _run_json(tmp_path, "escalation-ladder", "--seed", "1")
    assert list(record) == TOP_KEYS
    assert record["economy"] is None and record["gdp_loss"] is None
    assert record["gdp_loss_total"] is None
    game = _played("escalation-ladder", 1)
    assert record["outcomes"] == game.outcomes()
    assert set(record["indicators"]) == set(game.scenario.indicators)


def test_an_existing_file_is_replaced_only_with_force_and_never_an_input(tmp_path):
    out = tmp_path / "run.json"
    out.write_text("my notes\n", encoding="utf-8")
    refused = wargame("run", "escalation-ladder", "--json", str(out))
    assert refused.returncode == 1
    assert refused.stderr.strip() == (f"error: {out}: already exists; choose another name, or "
                                      "pass --force to replace it")
    assert refused.stdout == ""  # refused before the game ran
    assert out.read_text(encoding="utf-8") == "my notes\n"
    assert wargame("run", "escalation-ladder", "--json", str(out), "--force").returncode == 0
    assert _strict(out.read_text(encoding="utf-8"))["format"] == "wargame-run/1"
    # never over the scenario it runs, even with --force; never the journal's file
    scenario = tmp_path / "mine.yaml"
    scenario.write_bytes((ROOT / "scenarios" / "escalation-ladder.yaml").read_bytes())
    over_input = wargame("run", str(scenario), "--json", str(scenario), "--force")
    assert over_input.returncode == 1 and "is the input" in over_input.stderr
    assert scenario.read_bytes() == (ROOT / "scenarios" / "escalation-ladder.yaml").read_bytes()
    same = tmp_path / "both"
    both = wargame("run", "escalation-ladder", "--json", str(same), "--journal", str(same))
    assert both.returncode == 1 and "name the same file" in both.stderr
    assert not same.exists()


def test_the_file_is_written_atomically_with_no_temporary_left(tmp_path):
    _run_json(tmp_path, "escalation-ladder", "--weeks", "4")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["run.json"]


def _doc_example() -> dict:
    text = DOC.read_text(encoding="utf-8")
    match = re.search(r"<!-- example: .*? -->\n```json\n(.*?)^```", text, re.DOTALL | re.MULTILINE)
    assert match, "docs/run-output.md has lost its example"
    return _strict(match.group(1))


def test_the_documented_example_has_the_shape_of_a_real_run(tmp_path):
    """The example in docs/run-output.md is a real run's document, trimmed: same fields, and
    its numbers add up as a run's do (its values are of the world when it was written)."""
    example = _doc_example()
    record = _run_json(tmp_path, ECONOMY, "--seed", "1")
    assert list(example) == list(record) == TOP_KEYS
    assert example["format"] == record["format"]
    for key in ("scenario", "economy"):
        assert list(example[key]) == list(record[key]), key
    for entry in example["indicators"].values():
        assert list(entry) == list(next(iter(record["indicators"].values())))
        assert all(re.fullmatch(r"\d{4}", year) for year in entry["yearly"])
    loss, totals = example["gdp_loss"], example["gdp_loss_total"]
    assert list(loss)[-1] == "world" and list(totals) == list(loss)
    regions = list(loss)[:-1]
    assert list(example["economy"]["regions"]) == regions
    for region, years in loss.items():
        assert all(re.fullmatch(r"\d{4}", year) for year in years)
        assert all(list(value) == ["bn_usd", "share"] for value in years.values())
        assert list(totals[region]) == ["bn_usd", "share"]
    for year in loss["world"]:
        assert loss["world"][year]["bn_usd"] == pytest.approx(
            sum(loss[region][year]["bn_usd"] for region in regions))
