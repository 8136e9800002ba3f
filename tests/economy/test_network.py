"""Behaviour of the supply network on small networks whose answers can be worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.economy.conftest import chain, run, world
from wargame.economy.network import SupplyNetwork
from wargame.errors import WargameError


def approx(values: list[float]) -> object:
    return pytest.approx(values, rel=1e-9, abs=1e-9)


def test_the_baseline_is_a_fixed_point_of_the_full_equations():
    net = chain(stock_weeks=3)
    net._at_rest = False  # force the full step rather than the at-rest shortcut
    assert run(net, 20, "b") == approx([10.0] * 20)
    assert net.output()["a"] == pytest.approx(8.0)
    assert net.stocks()["a->b"] == pytest.approx(3.0)
    assert net.losses_by_region(cumulative=True) == pytest.approx({"us": 0, "china": 0},
                                                                   abs=1e-9)


def test_a_cut_with_stocks_delays_the_output_drop_by_the_stock_weeks():
    net = chain(stock_weeks=3)
    net.set_edge_open("a->b", 0.0)
    # Three weeks of stock carry full output for three weeks; the fourth week has nothing.
    assert run(net, 6, "b") == approx([10, 10, 10, 0, 0, 0])
    # The supplier loses its sales to b at once: only its final demand (8 - 5) is left.
    assert net.output()["a"] == pytest.approx(3.0)


def test_a_fractional_stock_gives_a_partial_week():
    net = chain(stock_weeks=2.5)
    net.set_edge_open("a->b", 0.0)
    assert run(net, 4, "b") == approx([10, 10, 5, 0])


def test_a_half_open_edge_halves_output_once_stocks_are_gone():
    net = chain(stock_weeks=0)
    net.set_edge_open("a->b", 0.5)
    assert run(net, 3, "b") == approx([5, 5, 5])


def test_leakage_keeps_its_share_of_the_closed_flow_moving():
    net = chain(stock_weeks=0)
    net.set_edge_open("a->b", 0.0)
    net.set_leakage("a->b", 0.3)
    assert run(net, 3, "b") == approx([3, 3, 3])
    assert net.flows()["a->b"] == pytest.approx(1.5)
    # Leakage applies to the closed part only: open 0.5 with leakage 0.3 passes 0.65.
    net.set_edge_open("a->b", 0.5)
    assert run(net, 2, "b") == approx([6.5, 6.5])


def test_stocks_rebuild_towards_their_target_after_reopening():
    net = chain(stock_weeks=4)
    net.set_edge_open("a->b", 0.0)
    run(net, 2, "b")
    assert net.stocks()["a->b"] == pytest.approx(2.0)
    net.set_edge_open("a->b", 1.0)
    net.step()
    # Orders are use (5) plus the gap (2 weeks x 5) over the restock time (8 weeks): 6.25,
    # within the channel's headroom (5 x 1.25), so 1.25 goes into stock.
    assert net.stocks()["a->b"] == pytest.approx(2.0 + 1.25 / 5.0)
    run(net, 60, "b")
    assert net.stocks()["a->b"] == pytest.approx(4.0, rel=1e-3)


def substitution_world(cap: float, ramp: float, c_capacity: float = 20.0) -> SupplyNetwork:
    return SupplyNetwork(world(
        [{"id": "a", "output": 8.0}, {"id": "b", "output": 10.0},
         {"id": "c", "output": 4.0, "capacity": c_capacity}],
        [{"supplier": "a", "buyer": "b", "coefficient": 0.5}],
        stocks=[{"edge": "a->b", "weeks": 0}],
        substitutes=[{"edge": "a->b", "by": "c", "cap": cap, "ramp_weeks": ramp}],
    ))


def test_substitution_restores_output_after_its_ramp():
    net = substitution_world(cap=1.0, ramp=4)
    net.set_edge_open("a->b", 0.0)
    assert run(net, 6, "b") == approx([2.5, 5, 7.5, 10, 10, 10])
    # The alternative sells the replaced 5 a week on top of its own final demand of 4.
    assert net.output()["c"] == pytest.approx(9.0)
    assert net.flows()["c->b"] == pytest.approx(5.0)


def test_substitution_stops_at_its_cap_and_falls_back_when_the_supplier_returns():
    net = substitution_world(cap=0.6, ramp=3)
    net.set_edge_open("a->b", 0.0)
    assert run(net, 5, "b") == approx([2, 4, 6, 6, 6])
    net.set_edge_open("a->b", 1.0)
    assert run(net, 2, "b") == approx([10, 10])
    assert net.flows()["c->b"] == pytest.approx(0.0)


def test_substitution_is_limited_by_the_alternatives_capacity():
    net = substitution_world(cap=1.0, ramp=1, c_capacity=6.0)
    net.set_edge_open("a->b", 0.0)
    out = run(net, 5, "b")
    # c can sell 6 a week: 4 to final demand and 5 to b are rationed in proportion (6/9 each).
    assert out[-1] == pytest.approx(5.0 * 6.0 / 9.0 / 0.5, rel=1e-9)


def test_a_capacity_cut_caps_output():
    net = chain(stock_weeks=0)
    net.set_capacity_factor("b", 0.3)
    # Capacity is output x (1 + spare 0.1) = 11; 30% of it is 3.3.
    assert run(net, 2, "b") == approx([3.3, 3.3])
    # b orders less, so a sells 0.5 x 3.3 instead of 5.
    assert net.output()["a"] == pytest.approx(3.0 + 0.5 * 3.3)


def test_an_input_that_is_not_essential_to_all_output_limits_only_its_share():
    spec = world([{"id": "a", "output": 8.0}, {"id": "b", "output": 10.0}],
                 [{"supplier": "a", "buyer": "b", "coefficient": 0.5, "essential": 0.4}],
                 stocks=[{"edge": "a->b", "weeks": 0}])
    net = SupplyNetwork(spec)
    net.set_edge_open("a->b", 0.0)
    assert run(net, 2, "b") == approx([6, 6])


def test_the_scarcest_essential_input_binds():
    spec = world([{"id": "a", "output": 8.0}, {"id": "d", "output": 8.0},
                  {"id": "b", "output": 10.0, "value_added_share": 0.3}],
                 [{"supplier": "a", "buyer": "b", "coefficient": 0.5},
                  {"supplier": "d", "buyer": "b", "coefficient": 0.2}],
                 parameters={"stock_weeks": 0})
    net = SupplyNetwork(spec)
    net.set_edge_open("a->b", 0.8)
    net.set_edge_open("d->b", 0.4)
    assert run(net, 2, "b") == approx([4, 4])


def test_losses_sum_by_region_sector_and_node():
    net = chain(stock_weeks=1)
    net.set_edge_open("a->b", 0.0)
    run(net, 3, "b")
    # a: output 8 -> 3 from week 1, value added share 0.6; b: 10 -> 0 from week 2, share 0.5.
    assert net.losses_by_region() == pytest.approx({"us": 3.0, "china": 5.0})
    assert net.losses_by_sector() == pytest.approx({"a": 3.0, "b": 5.0})
    assert net.losses_by_region(cumulative=True) == pytest.approx({"us": 9.0, "china": 10.0})
    values = net.indicator_values()
    assert values["va_loss_world"] == pytest.approx(8.0)
    assert values["va_lost_world"] == pytest.approx(19.0)
    assert values["va_lost_us"] + values["va_lost_china"] == pytest.approx(values["va_lost_world"])
    assert sum(net.losses_by_node(cumulative=True).values()) == pytest.approx(19.0)


def test_a_half_week_step_moves_half_as_far():
    net = chain(stock_weeks=1)
    net.set_edge_open("a->b", 0.0)
    assert run(net, 4, "b") == approx([10, 0, 0, 0])
    assert net.week == 4.0
    half = chain(stock_weeks=1)
    half.set_edge_open("a->b", 0.0)
    out = []
    for _ in range(4):
        half.step(0.5)
        out.append(half.output()["b"])
    assert out == approx([10, 10, 0, 0])
    assert half.losses_by_region(cumulative=True)["china"] == pytest.approx(0.5 * 10 * 1.0)


def _leverage_net(stock: float, horizon: float, leakage: float) -> SupplyNetwork:
    spec = world(
        [{"id": "a", "output": 8.0, "region": "us", "controller": "us"},
         {"id": "b", "output": 10.0, "region": "china", "controller": "china"}],
        [{"supplier": "a", "buyer": "b", "coefficient": 0.5, "leakage": leakage}],
        stocks=[{"edge": "a->b", "weeks": stock}],
        parameters={"leverage_controllers": ["us"], "leverage_region": "china",
                    "leverage_horizon_weeks": horizon},
    )
    return SupplyNetwork(spec)


def test_leverage_is_the_loss_of_a_cut_worked_by_hand():
    # Cut now: 4 weeks on stock, then 6 weeks at nothing; value added 0.5 x 10 a week.
    assert _leverage_net(4, 10, 0.0).leverage() == pytest.approx(0.5 * 10 * 6)
    # Smuggling erodes leverage: 20% of the input still arrives, so the 20 units of stock
    # fall by 4 a week and last 5 weeks; then output is 20% for the remaining 5 weeks.
    assert _leverage_net(4, 10, 0.2).leverage() == pytest.approx(0.5 * 8 * 5)
    assert _leverage_net(4, 10, 0.0).leverage(relative=True) == pytest.approx(0.6)


def test_leverage_equals_the_counterfactual_loss_stepped_by_hand_and_changes_nothing():
    net = SupplyNetwork(world(
        [{"id": "u", "output": 8.0, "region": "us", "controller": "us"},
         {"id": "t", "output": 6.0, "region": "taiwan", "controller": "allied"},
         {"id": "k", "output": 10.0, "region": "china", "controller": "china"},
         {"id": "e", "output": 20.0, "region": "china", "controller": "china"}],
        [{"supplier": "u", "buyer": "k", "coefficient": 0.3},
         {"supplier": "t", "buyer": "k", "coefficient": 0.2, "controller": "us"},
         {"supplier": "k", "buyer": "e", "coefficient": 0.2, "essential": 0.5},
         {"supplier": "u", "buyer": "t", "coefficient": 0.1}],
        parameters={"stock_weeks": 2, "leverage_horizon_weeks": 12},
    ))
    net.set_edge_open("u->k", 0.5)
    run(net, 3, "k")
    before = net.indicator_values()
    leverage = net.leverage()
    assert net.indicator_values() == before
    status_quo, cut = net.copy(), net.copy()
    changed = cut.set_edges_open({"controllers": ["us"], "buyer_regions": ["china"]}, 0.0)
    assert set(changed) == {"u->k", "t->k"}
    for _ in range(12):
        status_quo.step()
        cut.step()
    expected = (cut.losses_by_region(cumulative=True)["china"]
                - status_quo.losses_by_region(cumulative=True)["china"])
    assert expected > 1.0
    assert leverage == pytest.approx(expected, rel=1e-12)


def test_copy_is_independent_of_the_original():
    net = chain(stock_weeks=2)
    twin = net.copy()
    twin.set_edge_open("a->b", 0.0)
    run(twin, 5, "b")
    assert run(net, 5, "b") == approx([10] * 5)
    assert twin.output()["b"] == 0.0
    assert net.edge_status() == [("a->b", 1.0, 0.0)]
    assert twin.edge_status() == [("a->b", 0.0, 0.0)]


def test_selectors_pick_edges_by_controller_region_and_sector():
    net = SupplyNetwork(world(
        [{"id": "us_x", "output": 5.0, "region": "us", "controller": "us"},
         {"id": "tw_x", "output": 5.0, "region": "taiwan", "controller": "allied"},
         {"id": "cn_y", "output": 10.0, "region": "china", "controller": "china"},
         {"id": "jp_y", "output": 10.0, "region": "japan", "controller": "allied"}],
        [{"supplier": "us_x", "buyer": "cn_y", "coefficient": 0.1},
         {"supplier": "us_x", "buyer": "jp_y", "coefficient": 0.1},
         {"supplier": "tw_x", "buyer": "cn_y", "coefficient": 0.1, "controller": "us"},
         {"supplier": "tw_x", "buyer": "jp_y", "coefficient": 0.1}],
    ))
    to_china = net.set_edges_open({"controllers": ["us"], "buyer_regions": ["china"]}, 0.0)
    assert to_china == ("us_x->cn_y", "tw_x->cn_y")
    assert net.select_edges({"supplier_controllers": ["us"]}) == {"us_x->cn_y": 0,
                                                                  "us_x->jp_y": 1}
    assert list(net.select_edges({"supplier_regions": ["taiwan"], "buyer_sectors": ["jp_y"]})
                ) == ["tw_x->jp_y"]
    assert net.set_edges_open(["us_x->jp_y"], 0.5) == ("us_x->jp_y",)
    assert [status[1] for status in net.edge_status()] == [0.0, 0.5, 0.0, 1.0]


def test_bad_moves_are_refused_with_a_message():
    net = chain()
    with pytest.raises(WargameError, match="unknown edge 'b->a'"):
        net.set_edge_open("b->a", 0.5)
    with pytest.raises(WargameError, match="between 0 and 1"):
        net.set_edge_open("a->b", 1.5)
    with pytest.raises(WargameError, match="between 0 and 1"):
        net.set_leakage("a->b", math.nan)
    with pytest.raises(WargameError, match="unknown node 'zz'"):
        net.set_capacity_factor("zz", 1.0)
    with pytest.raises(WargameError, match="≥ 0"):
        net.set_capacity_factor("a", -1)
    with pytest.raises(WargameError, match="invalid edge selector"):
        net.set_edges_open({"buyer_region": ["china"]}, 0.0)
    with pytest.raises(WargameError, match="positive"):
        net.step(0)


def test_indicators_are_python_floats_in_a_stable_order():
    net = chain(stock_weeks=1, indicators=[
        {"name": "b_output", "kind": "output", "nodes": ["b"]},
        {"name": "b_supply", "kind": "flow", "select": {"buyer_nodes": ["b"]}},
        {"name": "us_share", "kind": "dependence", "select": {"buyer_regions": ["china"]},
         "controllers": ["us"]},
    ])
    names = net.indicator_names()
    assert names[:3] == ("b_output", "b_supply", "us_share")
    assert names[3:] == ("va_loss_us", "va_loss_china", "va_loss_world", "va_lost_us",
                         "va_lost_china", "va_lost_world")
    net.set_edge_open("a->b", 0.0)
    net.set_leakage("a->b", 0.5)
    run(net, 3, "b")
    values = net.indicator_values()
    assert tuple(values) == names
    assert all(type(v) is float for v in values.values())
    assert values["b_output"] == pytest.approx(0.5)
    assert values["b_supply"] == pytest.approx(0.5)
    assert values["us_share"] == pytest.approx(1.0)


def test_the_network_is_deterministic():
    def path() -> list[float]:
        net = chain(stock_weeks=2.5)
        net.set_edge_open("a->b", 0.2)
        net.set_leakage("a->b", 0.1)
        return [v for _ in range(30) for v in (net.step(), *net.indicator_values().values())
                if v is not None]

    assert path() == path()
    assert np.isfinite(path()).all()


def test_the_static_case_settles_to_the_leontief_solution():
    # Lay's three-sector economy (see test_static) as a network with ample capacity: a 10%
    # rise in services' final demand settles to x = L f, the static model's answer.
    from wargame.economy import static

    c = np.array([[0.5, 0.4, 0.2], [0.2, 0.3, 0.1], [0.1, 0.1, 0.3]])
    d = np.array([50.0, 30.0, 20.0])
    x = static.leontief_inverse(c) @ d
    names = ["m", "a", "s"]
    net = SupplyNetwork(world(
        [{"id": name, "output": float(x[i]), "capacity": 10 * float(x[i]),
          "value_added_share": 0.1} for i, name in enumerate(names)],
        [{"supplier": names[i], "buyer": names[j], "coefficient": float(c[i, j])}
         for i in range(3) for j in range(3)],
    ))
    net.set_final_demand_factor("s", 1.1)
    for _ in range(400):
        net.step()
    expected = static.leontief_inverse(c) @ (d * np.array([1.0, 1.0, 1.1]))
    assert list(net.output().values()) == pytest.approx(expected.tolist(), rel=1e-9)
