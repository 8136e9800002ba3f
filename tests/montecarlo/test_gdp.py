"""A batch of a scenario with an economy records the GDP lost by every region and the world, over
the run and per calendar year, in bn USD and as a share of GDP: plain float columns of the
summary, equal to the replication's ``Game.gdp_loss()``, summarised, compared, exported, resumed,
forked from a journal and plotted like the scenario's outcomes.

No model value is written down here (the default world is recalibrated from time to time): the
tests check the columns' structure and consistency and equality with games played in-process.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.montecarlo.conftest import run_wargame
from wargame import Game, load_scenario
from wargame.economy.network import SupplyNetwork
from wargame.montecarlo.analysis import compare, summarise
from wargame.montecarlo.gdp import (
    WORLD,
    calendar_years,
    column_name,
    gdp_columns,
    parse_column,
    scenario_outcomes,
)
from wargame.montecarlo.labels import labels_for
from wargame.montecarlo.plots import plot_all
from wargame.montecarlo.results import Results
from wargame.montecarlo.runner import monte_carlo
from wargame.montecarlo.storage import summary_schema

ECONOMY = "embargo-shock"  # a year of the default world: quick, two calendar years
VARIANT = {"rules.cn_smuggles.probability": 0.2}


def _batch(out: Path, runs: int = 6, **options) -> Results:
    return monte_carlo(ECONOMY, runs, seed=3, jobs=1, out=out, chunk_size=2, progress=False,
                       **options)


@pytest.fixture(scope="session")
def economy_batches(tmp_path_factory):
    root = tmp_path_factory.mktemp("gdp")
    return _batch(root / "base"), _batch(root / "variant", overrides=VARIANT)


def _regions() -> list[str]:
    return [*SupplyNetwork(load_scenario(ECONOMY).economy.world).regions, WORLD]


def test_the_columns_are_every_region_and_the_world_over_the_run_and_each_year():
    scenario = load_scenario(ECONOMY)
    years = calendar_years(scenario)
    assert years == [2025, 2026]  # 52 weeks from 2025-01-06
    columns = gdp_columns(scenario)
    expected = [column_name(measure, region, year) for measure in ("bn", "share")
                for region in _regions() for year in (None, *years)]
    assert columns == expected
    assert all(parse_column(name) is not None for name in columns)
    assert parse_column("final_tension") is None
    assert gdp_columns(load_scenario("escalation-ladder")) == []  # no economy, no columns


def test_each_replication_records_its_games_gdp_loss_as_float_columns(economy_batches):
    base, _ = economy_batches
    scenario = load_scenario(ECONOMY)
    columns = gdp_columns(scenario)
    assert base.outcome_names == [*scenario.outcomes, *columns]
    assert base.manifest["outcomes"] == base.outcome_names
    for part in sorted((base.path / "summary").glob("*.parquet")):
        schema = pq.read_schema(part)
        assert all(schema.field(name).type == pa.float64() for name in columns)
    rows = base.outcomes.to_pylist()
    for row in rows:
        game = Game(scenario, seed=3, spawn_key=(row["replication"],))
        game.run()
        loss = game.gdp_loss()
        assert row["status"] == "ok"
        for name in columns:
            column = parse_column(name)
            key = "bn_usd" if column.measure == "bn" else "share"
            if column.year is not None:
                assert row[name] == loss[column.region][column.year][key], name
            else:
                assert row[name] == pytest.approx(
                    math.fsum(value[key] for value in loss[column.region].values()),
                    rel=1e-12, abs=1e-12), name
        for outcome, value in game.outcomes().items():
            assert row[outcome] == value


def test_the_columns_add_up(economy_batches):
    base, _ = economy_batches
    gdp = SupplyNetwork(load_scenario(ECONOMY).economy.world).gdp_by_region()
    regions = list(gdp)
    years = calendar_years(load_scenario(ECONOMY))
    for row in base.outcomes.to_pylist():
        for year in (None, *years):
            world = row[column_name("bn", WORLD, year)]
            assert world == pytest.approx(sum(row[column_name("bn", r, year)] for r in regions),
                                          rel=1e-9, abs=1e-9)
            for region in regions:
                assert row[column_name("share", region, year)] == pytest.approx(
                    row[column_name("bn", region, year)] / gdp[region], rel=1e-9, abs=1e-15)
        for region in [*regions, WORLD]:
            assert row[column_name("bn", region)] == pytest.approx(
                sum(row[column_name("bn", region, year)] for year in years), rel=1e-12,
                abs=1e-12)


def test_summary_and_compare_see_them_as_outcomes_paired_by_replication(economy_batches):
    base, variant = economy_batches
    name = "gdp_loss_bn.world"
    rows = {row.outcome: row for row in summarise(base)}
    values = base.outcomes.column(name).to_pylist()
    assert rows[name].n == len(values) == 6
    assert rows[name].mean == pytest.approx(sum(values) / 6)
    difference = next(row for row in compare([base, variant]) if row.outcome == name)
    other = variant.outcomes.column(name).to_pylist()
    assert difference.paired
    assert difference.difference == pytest.approx(
        sum(b - a for a, b in zip(values, other, strict=True)) / 6)


def test_summary_prints_the_gdp_lost_by_region_in_its_own_blocks_and_exports_every_column(
        economy_batches, tmp_path):
    base, _ = economy_batches
    exported = tmp_path / "summary.csv"
    done = run_wargame("summary", str(base.path), "--csv", str(exported))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    outcome_rows = [line.split()[0] for line in lines[3:] if line.startswith("  ")
                    and line.split() and line.split()[0] in base.outcome_names]
    assert outcome_rows == scenario_outcomes(base.outcome_names)  # no GDP rows in that table
    labels = labels_for(base)
    over_run = lines.index("  GDP lost over the run, by region: mean [95% CI (t)] across "
                           "replications")
    header = lines[over_run + 2].split()
    assert header[:3] == ["region", "bn", "USD"]
    table = lines[over_run + 4:over_run + 4 + len(_regions())]
    assert [line.strip().split("  ")[0] for line in table] == [labels.region(r)
                                                                for r in _regions()]
    by_year = lines.index("  GDP lost by region and year: mean bn USD (mean % of the region's "
                          "GDP a year)")
    assert lines[by_year + 2].split() == ["region", "2025", "2026"]
    with open(exported, newline="", encoding="utf-8") as handle:
        exported_rows = list(csv.DictReader(handle))
    assert [row["outcome"] for row in exported_rows] == base.outcome_names
    world = next(row for row in exported_rows if row["outcome"] == "gdp_loss_share.world")
    assert float(world["mean"]) == pytest.approx(
        next(row.mean for row in summarise(base) if row.outcome == "gdp_loss_share.world"))


def test_compare_prints_the_regions_differences_and_exports_them(economy_batches, tmp_path):
    base, variant = economy_batches
    exported = tmp_path / "compare.csv"
    done = run_wargame("compare", str(base.path), str(variant.path), "--csv", str(exported))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "GDP lost over the run, by region: difference from the baseline [95% CI]" in out
    assert "GDP lost by region and year: difference from the baseline, bn USD [95% CI]" in out
    world = [line for line in out.splitlines() if line.split()[:2] == ["world", "variant"]]
    assert len(world) == 2 and all("paired" in line for line in world[:1])
    with open(exported, newline="", encoding="utf-8") as handle:
        names = [row["outcome"] for row in csv.DictReader(handle)]
    assert names == base.outcome_names


def test_labels_name_the_region_the_year_and_the_unit(economy_batches):
    labels = labels_for(economy_batches[0])
    region = _regions()[0]
    assert labels.outcome(f"gdp_loss_bn.{region}.2025") == \
        f"GDP lost by {labels.region(region)} in 2025 (bn USD)"
    assert labels.outcome("gdp_loss_share.world") == \
        "GDP lost by the world over the run (share of its GDP a year)"


def test_a_resume_rebuilds_a_damaged_part_with_its_gdp_columns(economy_batches, tmp_path):
    base, _ = economy_batches
    out = tmp_path / "damaged"
    _batch(out)
    (out / "summary" / "part-00001.parquet").unlink()
    resumed = _batch(out, resume=True)
    assert resumed.outcomes.equals(base.outcomes)


def test_a_batch_written_before_gdp_columns_resumes_as_it_was(tmp_path):
    """An older wargame recorded the scenario's outcomes only: its manifest lists those, its
    parts hold those. A resume runs the missing chunks the same way, not refusing the batch."""
    out = tmp_path / "old"
    whole = _batch(out)
    outcomes = scenario_outcomes(whole.outcome_names)
    expected = whole.outcomes.select(["replication", "status", *outcomes])
    manifest = dict(whole.manifest, outcomes=outcomes)
    manifest["chunks"] = manifest["chunks"][:1]
    for part in (out / "summary").glob("*.parquet"):
        table = pq.read_table(part).select(["replication", "status", *outcomes])
        pq.write_table(table, part)
    from wargame.montecarlo.storage import save_manifest

    save_manifest(out, manifest)
    resumed = _batch(out, resume=True)
    assert resumed.outcome_names == outcomes and resumed.complete
    assert resumed.outcomes.schema.equals(summary_schema(outcomes))
    assert resumed.outcomes.equals(expected)


def test_a_batch_continuing_a_saved_game_records_the_forks_gdp_loss(tmp_path):
    game = Game(load_scenario(ECONOMY), seed=4, human_teams=["us"])
    game.advance()
    game.advance()
    journal = tmp_path / "exercise.jsonl"
    game.journal.save(journal)
    forked = monte_carlo(None, 3, seed=9, jobs=1, out=tmp_path / "fork", chunk_size=3,
                         progress=False, from_journal=journal, at_turn=2)
    assert forked.outcome_names == [*load_scenario(ECONOMY).outcomes,
                                    *gdp_columns(load_scenario(ECONOMY))]
    for row in forked.outcomes.to_pylist():
        replica = Game.replay(journal).fork(9, (row["replication"],), at_turn=2, human_teams=())
        replica.run()
        loss = replica.gdp_loss()
        assert row["gdp_loss_bn.world.2025"] == loss["world"][2025]["bn_usd"]
        assert row["gdp_loss_share.world.2026"] == loss["world"][2026]["share"]


def test_plot_draws_the_gdp_lost_by_region_and_by_year_for_several_batches(economy_batches,
                                                                            tmp_path):
    written = plot_all(list(economy_batches), tmp_path / "plots")
    names = [path.name for path in written]
    assert names[-2:] == ["gdp-loss.png", "gdp-loss-by-year.png"]
    for path in written[-2:]:
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    again = plot_all(list(economy_batches), tmp_path / "again")
    assert again[-2].read_bytes() == written[-2].read_bytes()  # the same picture, byte for byte
    done = run_wargame("plot", str(economy_batches[0].path), "--out", str(tmp_path / "one"))
    assert done.returncode == 0, done.stderr
    assert "gdp-loss.png" in done.stdout and "gdp-loss-by-year.png" in done.stdout


def test_a_batch_without_an_economy_has_no_gdp_columns_or_charts(ladder_batches, tmp_path):
    base = ladder_batches[0]
    assert scenario_outcomes(base.outcome_names) == base.outcome_names
    written = plot_all([base], tmp_path / "plots")
    assert not any(path.name.startswith("gdp-") for path in written)


def test_a_design_prints_the_worlds_loss_and_exports_every_column(tmp_path):
    out = tmp_path / "design"
    done = run_wargame("mc", ECONOMY, "--runs", "2", "--seed", "1", "--jobs", "1", "--out",
                       str(out), "--sweep", "rules.cn_smuggles.probability=0.2:0.8:2", "--quiet")
    assert done.returncode == 0, done.stderr
    exported = tmp_path / "design.csv"
    summary = run_wargame("summary", str(out), "--csv", str(exported))
    assert summary.returncode == 0, summary.stderr
    header = summary.stdout.splitlines()[1].split()
    assert "gdp_loss_bn.world" in header and "gdp_loss_share.world" in header
    assert not any(name.startswith("gdp_loss_bn.world.") for name in header)
    with open(exported, newline="", encoding="utf-8") as handle:
        fields = csv.DictReader(handle).fieldnames
    assert set(gdp_columns(load_scenario(ECONOMY))) <= set(fields)
