"""The supply network inside a game: effects reach it, bound indicators follow it, replays agree."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import wargame
from wargame import Game, ScenarioError
from wargame.montecarlo.overrides import apply_overrides

ECONOMY_GAME = """
meta: {name: Wired, start: 2025-01-06, horizon_weeks: 24, turn_weeks: 4}
economy: {world: default, leverage_every_weeks: 2}
teams:
  us:
    name: United States
    moves:
      embargo:
        params:
          open: {type: number, min: 0, max: 1, default: 0}
        effects:
          - op: restrict_links
            measure: export_controls
            select: {controllers: [us], buyer_regions: [china]}
            open: {param: open}
      tariff:
        effects:
          - op: restrict_links
            measure: tariff
            select: {controllers: [us], buyer_regions: [china]}
            open: 0.8
      lift_embargo:
        effects:
          - op: restrict_links
            measure: export_controls
            select: {controllers: [us], buyer_regions: [china]}
            open: 1
  cn:
    name: China
    moves:
      smuggle:
        effects:
          - {op: set_leakage, select: {controllers: [us], buyer_regions: [china]}, share: 0.5}
      blockade:
        effects:
          - {op: set_capacity, nodes: [tw_foundry], factor: 0.2}
indicators:
  compute: {economy: cn_ai_compute, name: China AI compute}
  leverage: {economy: leverage}
  plain: {initial: 1}
triggers:
  compute_low:
    indicator: compute
    op: "<"
    value: 0.9
    event: {kind: compute_shortage}
"""


def wired(extra: str = "") -> wargame.Scenario:
    return wargame.load_scenario_text(ECONOMY_GAME + textwrap.dedent(extra), "wired.yaml")


def test_bound_indicators_start_from_the_network_and_follow_it():
    game = Game(wired(), seed=1)
    start = game.indicators()
    assert start["compute"] == pytest.approx(game.economy.indicator_values()["cn_ai_compute"])
    assert start["leverage"] > 0
    game.run(weeks=8)
    assert game.indicators()["compute"] == pytest.approx(start["compute"])  # nothing happened


def test_the_leverage_index_reads_1_at_the_start_whatever_the_worlds_numbers():
    """A "1 = 2022" leverage must not depend on how long the counterfactual runs or how deep
    the stocks are: those change the bn figure, not the start's index (a sensitivity analysis
    moving them would otherwise move every deterrence comparison by a normalisation)."""
    extra = "  index: {economy: leverage_index}\n"
    scenario = wargame.load_scenario_text(
        ECONOMY_GAME.replace("  plain: {initial: 1}\n", "  plain: {initial: 1}\n" + extra),
        "wired.yaml")
    readings = []
    for horizon in (13, 26, 52):
        game = Game(apply_overrides(
            scenario, {"economy.world.parameters.leverage_horizon_weeks": horizon}), seed=1)
        start = game.indicators()
        assert start["index"] == pytest.approx(1.0)
        readings.append(start["leverage"])
        game.submit({"team": "cn", "kind": "smuggle"})
        game.run(weeks=6)
        after = game.indicators()
        # smuggling erodes the leverage: the index falls with the bn figure, by the same ratio
        assert after["index"] < 1
        assert after["index"] == pytest.approx(after["leverage"] / start["leverage"])
    assert readings[0] < readings[1] < readings[2]


def test_an_embargo_move_cuts_the_links_and_the_indicator_falls_and_crosses_its_trigger():
    game = Game(wired(), seed=1)
    game.submit({"team": "us", "kind": "embargo"})
    game.run(weeks=12)
    assert game.indicators()["compute"] < 0.9
    shortage = [e for e in game.events() if e.kind == "compute_shortage"]
    assert len(shortage) == 1 and shortage[0].cause.kind == "trigger"
    statuses = {edge: open_ for edge, open_, _ in game.economy.edge_status()}
    assert statuses["us_chip_design->cn_ai_compute"] == 0.0
    assert statuses["us_chip_design->us_cloud"] == 1.0


def test_link_measures_compose_multiplicatively_and_lift_separately():
    game = Game(wired(), seed=1)
    game.submit({"team": "us", "kind": "embargo", "params": {"open": 0.5}})
    game.submit({"team": "us", "kind": "tariff"})
    game.advance()
    edge = "us_chip_design->cn_ai_compute"
    status = {e: o for e, o, _ in game.economy.edge_status()}
    assert status[edge] == pytest.approx(0.4)
    assert game.link_measures()["tariff"][edge] == 0.8
    game.submit({"team": "us", "kind": "lift_embargo"})
    game.advance()
    status = {e: o for e, o, _ in game.economy.edge_status()}
    assert status[edge] == pytest.approx(0.8)


def test_leakage_and_capacity_effects_reach_the_network():
    game = Game(wired(), seed=1)
    game.submit({"team": "us", "kind": "embargo"})
    game.submit({"team": "cn", "kind": "smuggle"})
    game.advance()
    leaks = {e: leak for e, _, leak in game.economy.edge_status()}
    assert leaks["us_chip_design->cn_ai_compute"] == 0.5
    cut_only = Game(wired(), seed=1)
    cut_only.submit({"team": "us", "kind": "embargo"})
    cut_only.run(weeks=12)
    game.run(weeks=8)
    assert game.indicators()["compute"] > cut_only.indicators()["compute"]  # smuggling helps
    blockaded = Game(wired(), seed=1)
    blockaded.submit({"team": "cn", "kind": "blockade"})
    blockaded.run(weeks=12)
    assert blockaded.economy.indicator_values()["tw_foundry_output"] < 0.5


def test_replay_and_rollback_rebuild_the_economy_exactly():
    game = Game(wired(), seed=1)
    game.submit({"team": "us", "kind": "embargo", "params": {"open": 0.3}})
    game.advance()
    game.submit({"team": "cn", "kind": "smuggle"})
    game.run()
    again = Game.replay(game.journal)
    assert again.indicators() == game.indicators()
    assert again.economy.indicator_values() == game.economy.indicator_values()
    fresh = Game(wired(), seed=1)
    fresh.submit({"team": "us", "kind": "embargo", "params": {"open": 0.3}})
    fresh.advance()
    game.rollback(1)
    assert game.economy.indicator_values() == fresh.economy.indicator_values()
    assert game.link_measures() == fresh.link_measures()


@pytest.mark.parametrize(("change", "message"), [
    ("buyer_regions: [china]}\n            open: {param: open}",
     "wired.yaml:14: teams.us.moves.embargo.effects[0].select.buyer_regions[0]: unknown region "
     "'chna' in the world (expected one of: china, eu, japan, korea, rest_of_world, taiwan, "
     "us)"),
    ("compute: {economy: cn_ai_compute",
     "wired.yaml:38: indicators.compute.economy: unknown economy indicator 'cn_ai_compute_x'"),
    ("nodes: [tw_foundry]", "wired.yaml:36: teams.cn.moves.blockade.effects[0].nodes[0]: "
                            "unknown node 'tw_foundryx' in the world"),
])
def test_economy_references_are_checked_at_load(change, message):
    broken = {
        "buyer_regions: [china]}\n            open: {param: open}":
            "buyer_regions: [chna]}\n            open: {param: open}",
        "compute: {economy: cn_ai_compute": "compute: {economy: cn_ai_compute_x",
        "nodes: [tw_foundry]": "nodes: [tw_foundryx]",
    }[change]
    with pytest.raises(ScenarioError) as info:
        wargame.load_scenario_text(ECONOMY_GAME.replace(change, broken, 1), "wired.yaml")
    assert str(info.value).startswith(message)


def test_economy_effects_without_an_economy_and_selectors_that_match_nothing():
    no_economy = ECONOMY_GAME.replace("economy: {world: default, leverage_every_weeks: 2}\n", "")
    with pytest.raises(ScenarioError, match="needs an economy section"):
        wargame.load_scenario_text(no_economy, "x.yaml")
    empty = ECONOMY_GAME.replace("{controllers: [us], buyer_regions: [china]}, share: 0.5",
                                 "{supplier_sectors: [eda], buyer_sectors: [minerals]}, share: 0.5")
    with pytest.raises(ScenarioError, match=r"select: selects no links of the world"):
        wargame.load_scenario_text(empty, "x.yaml")
    with pytest.raises(ScenarioError, match="unknown world 'moon'"):
        wargame.load_scenario_text(ECONOMY_GAME.replace("world: default", "world: moon"), "x")


def test_a_world_file_next_to_the_scenario_is_embedded(tmp_path):
    world = Path(wargame.__path__[0]) / "economy" / "data" / "default-world.yaml"
    (tmp_path / "my-world.yaml").write_text(world.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "s.yaml").write_text(
        ECONOMY_GAME.replace("world: default", "world: my-world.yaml"), encoding="utf-8")
    scenario = wargame.load_scenario(tmp_path / "s.yaml")
    assert scenario.economy.world == wired().economy.world
    (tmp_path / "my-world.yaml").write_text("nodes: 3\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"my-world\.yaml:1"):
        wargame.load_scenario(tmp_path / "s.yaml")
