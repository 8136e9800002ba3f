"""The generic mechanics the world economy layer is built from, each worked by hand on a small
world: regions with GDP, shipping routes a measure can close a share of, annual indicators,
ratios, smuggled value, and GDP lost by calendar year in a game."""

from __future__ import annotations

import textwrap

import pytest

from tests.conftest import TINY
from tests.economy.conftest import chain, world
from wargame import Game, load_scenario_text
from wargame.economy.network import SupplyNetwork
from wargame.economy.spec import WorldSpec
from wargame.errors import InputTableError, ScenarioError


def _traded(**edge_fields) -> SupplyNetwork:
    """``a`` (China, output 8) sells 5 a week to ``b`` (Japan, output 10), 40% by the strait."""
    return SupplyNetwork(world(
        [{"id": "a", "output": 8.0, "region": "china", "controller": "china"},
         {"id": "b", "output": 10.0, "region": "japan", "controller": "japan"}],
        [{"supplier": "a", "buyer": "b", "coefficient": 0.5,
          "routes": {"taiwan_strait": 0.4}, **edge_fields}],
        regions=[{"id": "china", "gdp": 500.0}, {"id": "japan", "gdp": 200.0}],
        stocks=[{"edge": "a->b", "weeks": 0}],
        indicators=[
            {"name": "a_output_year", "kind": "annual_output", "nodes": ["a"]},
            {"name": "trade_year", "kind": "annual_flow", "select": {"routes": ["taiwan_strait"]}},
            {"name": "trade_share", "kind": "ratio", "select": {"supplier_regions": ["china"]},
             "of": {"buyer_regions": ["japan"]}, "scale": 100.0},
            {"name": "smuggled_year", "kind": "annual_leakage", "select": {"edges": ["a->b"]}},
        ],
    ))


def test_declared_gdp_is_what_losses_are_shares_of_and_undeclared_regions_use_value_added():
    net = _traded()
    assert net.gdp_by_region() == {"china": 500.0, "japan": 200.0}
    plain = chain()  # no regions declared: GDP is the nodes' value added a year
    assert plain.gdp_by_region() == pytest.approx({"us": 8 * 0.6 * 52, "china": 10 * 0.5 * 52})


def test_a_node_in_an_undeclared_region_is_refused_with_its_field():
    with pytest.raises(ValueError, match=r"nodes\.1\.region.*unknown region 'korea'"):
        world([{"id": "a", "output": 1.0, "region": "china"},
               {"id": "b", "output": 1.0, "region": "korea"}], [],
              regions=[{"id": "china", "gdp": 1.0}])


def test_annual_indicators_are_this_weeks_rate_a_year():
    net = _traded()
    values = net.indicator_values()
    assert values["a_output_year"] == pytest.approx(8.0 * 52)
    assert values["trade_year"] == pytest.approx(5.0 * 52)  # the edge is on the route
    assert values["trade_share"] == pytest.approx(100.0)  # all Japan's inputs are Chinese
    assert values["smuggled_year"] == 0.0


def test_leakage_is_the_part_of_a_restricted_flow_that_got_through_anyway():
    net = _traded()
    net.set_edge_open("a->b", 0.5)
    net.set_leakage("a->b", 0.2)
    net.step()
    # passing = 0.5 + 0.5 * 0.2 = 0.6 of the flow (no stock, b orders 5): 3 a week, of which
    # the leaked part 0.1 / 0.6
    assert net.flows()["a->b"] == pytest.approx(3.0)
    assert net.indicator_values()["smuggled_year"] == pytest.approx(3.0 * (0.1 / 0.6) * 52)


def test_selectors_pick_edges_by_route():
    net = _traded()
    assert list(net.select_edges({"routes": ["taiwan_strait"]})) == ["a->b"]
    assert list(net.select_edges({"routes": ["malacca"]})) == []
    assert net.route_ids == ("taiwan_strait",)
    assert net.route_shares("taiwan_strait").tolist() == [0.4]


SCENARIO = textwrap.dedent("""
meta: {name: Strait, start: 2024-12-02, horizon_weeks: 60, turn_weeks: 4}
teams:
  cn:
    name: China
    moves:
      close_strait:
        params: {open: {type: number, min: 0, max: 1, default: 0}}
        effects:
          - {op: restrict_links, measure: strait, route: taiwan_strait,
             select: {routes: [taiwan_strait]}, open: {param: open}}
      controls:
        effects:
          - {op: restrict_links, measure: controls, select: {edges: ["a->b"]}, open: 0.5}
economy:
  world:
    nodes:
      - {id: a, region: china, sector: goods, controller: china, output: 8, value_added_share: 0.5}
      - {id: b, region: japan, sector: goods, controller: japan, output: 10, value_added_share: 0.5}
    edges:
      - {supplier: a, buyer: b, coefficient: 0.5, routes: {taiwan_strait: 0.4}}
    regions: [{id: china, gdp: 500}, {id: japan, gdp: 200}]
    stocks: [{edge: a->b, weeks: 0}]
""")


def test_a_route_measure_closes_only_the_share_on_the_route_and_stacks_with_others():
    game = Game(load_scenario_text(SCENARIO), seed=1, human_teams=["cn"])
    game.submit({"team": "cn", "kind": "close_strait", "params": {"open": 0.0}})
    game.advance()
    assert game.link_measures()["strait"] == {"a->b": pytest.approx(0.6)}
    game.submit({"team": "cn", "kind": "controls"})
    game.advance()
    status = {edge: open_ for edge, open_, _ in game.economy.edge_status()}
    assert status["a->b"] == pytest.approx(0.6 * 0.5)


def test_gdp_loss_is_kept_by_calendar_year_and_adds_up():
    game = Game(load_scenario_text(SCENARIO), seed=1, human_teams=["cn"])
    game.submit({"team": "cn", "kind": "close_strait", "params": {"open": 0.0}})
    game.run()
    loss = game.gdp_loss()
    assert set(loss) == {"china", "japan", "world"}
    assert sorted(loss["world"]) == [2024, 2025, 2026]  # December 2024 to late January 2026
    # From week 0 on, b gets 0.6 of its input: its output (and its order of a) is 0.6 of
    # normal; a sells 2 a week less. Weekly value added lost: b 4 * 0.5, a 2 * 0.5.
    weeks_2024 = (30 / 7)  # 2 to 31 December inclusive
    assert loss["japan"][2024]["bn_usd"] == pytest.approx(2.0 * weeks_2024, rel=1e-9)
    assert loss["china"][2025]["bn_usd"] == pytest.approx(1.0 * 365 / 7, rel=1e-9)
    assert loss["japan"][2025]["share"] == pytest.approx(2.0 * 365 / 7 / 200, rel=1e-9)
    total = game.economy.losses_by_region(cumulative=True)
    for region in ("china", "japan"):
        assert sum(v["bn_usd"] for v in loss[region].values()) == pytest.approx(total[region])
    for year in loss["world"]:
        assert loss["world"][year]["bn_usd"] == pytest.approx(
            loss["china"][year]["bn_usd"] + loss["japan"][year]["bn_usd"])
        assert loss["world"][year]["share"] == pytest.approx(
            loss["world"][year]["bn_usd"] / 700)


def test_a_scenario_naming_an_unknown_route_is_refused_at_its_line():
    bad = SCENARIO.replace("route: taiwan_strait,", "route: malacca,")
    with pytest.raises(ScenarioError, match="route: unknown route 'malacca' in the world"):
        load_scenario_text(bad)
    assert Game(load_scenario_text(TINY), seed=1).gdp_loss() == {}


def test_a_world_file_with_a_bad_route_share_is_refused():
    with pytest.raises((InputTableError, ValueError), match="routes"):
        world([{"id": "a", "output": 1.0}, {"id": "b", "output": 1.0}],
              [{"supplier": "a", "buyer": "b", "coefficient": 0.1,
                "routes": {"taiwan_strait": 1.5}}])


def _pool(inputs: str) -> SupplyNetwork:
    """A market ``m`` (output 10) buys 6 from ``a`` and 4 from ``b``, each essential for the share
    of the market it supplies; ``a`` and ``b`` have no other customers."""
    return SupplyNetwork(world(
        [{"id": "a", "output": 6.0}, {"id": "b", "output": 4.0},
         {"id": "m", "output": 10.0, "value_added_share": 0.0, "inputs": inputs}],
        [{"supplier": "a", "buyer": "m", "coefficient": 0.6, "essential": 0.6},
         {"supplier": "b", "buyer": "m", "coefficient": 0.4, "essential": 0.4}],
        stocks=[{"edge": "a->m", "weeks": 0}, {"edge": "b->m", "weeks": 0}],
    ))


def test_a_pool_loses_the_sum_of_its_suppliers_shortfalls_where_complements_lose_the_worst():
    for inputs, expected in (("complements", 10 * (1 - 0.6 * 0.5)),
                             ("pool", 10 * (1 - 0.6 * 0.5 - 0.4 * 0.5))):
        net = _pool(inputs)
        net.set_edge_open("a->m", 0.5)
        net.set_edge_open("b->m", 0.5)
        net.step()
        assert net.output()["m"] == pytest.approx(expected), inputs


def test_annual_figures_and_flows_are_read_as_weekly_coefficients():
    yearly = world(
        [{"id": "a", "output": 416.0}, {"id": "b", "output": 520.0, "capacity": 572.0}],
        [{"supplier": "a", "buyer": "b", "flow": 260.0}], per="year")
    weekly = world([{"id": "a", "output": 8.0}, {"id": "b", "output": 10.0, "capacity": 11.0}],
                   [{"supplier": "a", "buyer": "b", "coefficient": 0.5}])
    assert yearly.model_dump() == weekly.model_dump()
    assert WorldSpec.model_validate(yearly.model_dump()) == yearly  # a dump re-reads as is


def test_an_edge_gives_a_coefficient_or_a_flow():
    with pytest.raises(ValueError, match=r"edges\.0\.flow.*not both"):
        world([{"id": "a", "output": 1.0}, {"id": "b", "output": 1.0}],
              [{"supplier": "a", "buyer": "b", "coefficient": 0.1, "flow": 0.1}])
    with pytest.raises(ValueError, match=r"edges\.0\.coefficient.*required"):
        world([{"id": "a", "output": 1.0}, {"id": "b", "output": 1.0}],
              [{"supplier": "a", "buyer": "b"}])
