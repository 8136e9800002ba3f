"""The model's 2022 baseline beside the published figures it can be compared with.

Each target names a figure (an expression on the project's calibration file), how to read the
same quantity off the model at week 0 of a scenario (its network and its indicators), and the
tolerance the tests hold it to. ``how`` says whether the model's number was **set** from the
figure (the check is then that the world file says what it means to) or is **derived** from
other numbers (the check is a real test of the structure). Targets whose bases differ from the
model's are shown with ``held = False`` and the reason, so the table says plainly what the model
does not reproduce.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wargame.calibration.figures import figures
from wargame.calibration.sources import evaluate
from wargame.economy.network import SupplyNetwork
from wargame.economy.spec import WEEKS_PER_YEAR
from wargame.engine.game import Game
from wargame.scenario.loader import load_scenario

Reader = Callable[[Game, SupplyNetwork], float]


@dataclass(frozen=True, slots=True)
class Target:
    id: str
    what: str
    figure: str
    """An expression on the calibration file's figures (``wfe_china_2022 / wfe_world_2022``)."""
    read: Reader
    tolerance: float
    """Relative error the tests hold the model to."""
    how: str
    """``set`` (the world file takes the figure) or ``derived`` (the model computes it)."""
    held: bool = True
    note: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    target: Target
    figure: float
    model: float

    @property
    def error(self) -> float:
        return (self.model - self.figure) / self.figure if self.figure else float("inf")

    @property
    def within(self) -> bool:
        return abs(self.error) <= self.target.tolerance


def _annual(net: SupplyNetwork, nodes: tuple[str, ...]) -> float:
    out = net.output()
    return sum(out[node] for node in nodes) * WEEKS_PER_YEAR


def _flows(net: SupplyNetwork, selector: dict[str, object]) -> float:
    flows = net.flows()
    return sum(flows[edge] for edge in net.select_edges(selector)) * WEEKS_PER_YEAR


def _indicator(name: str) -> Reader:
    return lambda game, net: net.indicator_values()[name]


def _scenario(name: str) -> Reader:
    return lambda game, net: game.indicators()[name]


def _region_nodes(net: SupplyNetwork, region: str) -> list[str]:
    matrix = net._region_matrix[net.regions.index(region)]
    return [node for node, inside in zip(net.node_ids, matrix, strict=True) if inside]


def _trade(region: str, direction: str, strait: bool) -> Reader:
    """A region's trade with the others (imports or exports), or its part through the Strait."""

    def read(game: Game, net: SupplyNetwork) -> float:
        flows = net.flows()
        shares = net.route_shares("taiwan_strait")
        mine = set(_region_nodes(net, region))
        total = through = 0.0
        for position, edge in enumerate(net.edge_ids):
            supplier, buyer = edge.split("->")
            crossing = (buyer in mine and supplier not in mine) if direction == "imports" \
                else (supplier in mine and buyer not in mine)
            if crossing:
                total += flows[edge]
                through += flows[edge] * float(shares[position])
        return through / total if strait else total * WEEKS_PER_YEAR

    return read


def _share_chip_users(game: Game, net: SupplyNetwork) -> float:
    va = net._va0 * WEEKS_PER_YEAR
    users = [i for i, node in enumerate(net.node_ids)
             if node.split("_", 1)[1] in ("electronics", "machinery", "ict")]
    return float(va[users].sum() / va.sum())


def _us_chip_share(game: Game, net: SupplyNetwork) -> float:
    va = dict(zip(net.node_ids, (net._va0 * WEEKS_PER_YEAR).tolist(), strict=True))
    us_chips = va["us_chip_design"] + va["us_eda"] + va["us_equipment"]
    return us_chips / net.gdp_by_region()["us"]


def _us_china_share(game: Game, net: SupplyNetwork) -> float:
    direct = _flows(net, {"supplier_nodes": ["us_chip_design"], "buyer_regions": ["china"]})
    via = _flows(net, {"edges": ["us_chip_design->sea_transshipment"]})
    return (direct + via) / _annual(net, ("us_chip_design",))


def _taiwan_ic_exports(game: Game, net: SupplyNetwork) -> float:
    chips = _flows(net, {"supplier_nodes": ["tw_foundry", "tw_chip_design", "tw_packaging"],
                         "buyer_regions": ["us", "china", "japan", "korea", "eu",
                                           "rest_of_world"]})
    return chips / _trade("taiwan", "exports", False)(game, net)


TARGETS: tuple[Target, ...] = (
    Target("gdp_world", "World GDP (bn USD)", "gdp_world_2022_proj * 1000",
           lambda g, n: sum(n.gdp_by_region().values()), 0.001, "set",
           note="the regions' GDP add up to the IMF's 2022 projection"),
    Target("chip_sales_world", "World chip sales (bn USD)", "semi_sales_world_2022",
           lambda g, n: _annual(n, ("us_chip_design", "kr_memory", "jp_chips", "eu_chips",
                                    "tw_chip_design", "cn_chip_design")), 0.001, "set"),
    Target("chip_market_china", "China's chip market: sales into China (bn USD)",
           "semi_sales_china_2022", _indicator("cn_chip_consumption_bn"), 0.02, "derived",
           note="the chip firms' sales into China's market, AI compute and through distributors"),
    Target("ic_imports_china", "China's IC imports, customs basis (bn USD)",
           "china_ic_imports_2022", _scenario("cn_chip_imports_bn"), 0.02, "set",
           note="chips used in China bought abroad, times a constant ratio for processing "
                "trade and round trips (an assumption set on this figure)"),
    Target("selfsuff_china", "China's self-sufficiency, China-based production / market",
           "china_ic_selfsuff_2021 / 100", _indicator("cn_self_sufficiency"), 0.06, "derived",
           note="the figure is 2021's; the model's market is 2022's"),
    Target("selfsuff_china_owned", "China's self-sufficiency, Chinese-owned firms / market",
           "china_ic_selfsuff_chinese_firms_2021 / 100", _indicator("cn_self_sufficiency_owned"),
           0.06, "derived", note="the figure is 2021's"),
    Target("selfsuff_china_scenario", "Self-sufficiency the base scenario starts from",
           "china_ic_selfsuff_2021 / 100", _scenario("self_sufficiency"), 0.03, "set"),
    Target("tools_china", "China's chipmaking-equipment purchases (bn USD)", "wfe_china_2022",
           _indicator("cn_tool_purchases_bn"), 0.001, "set"),
    Target("tools_china_share", "China's share of the world's equipment purchases",
           "wfe_china_2022 / wfe_world_2022", _indicator("cn_tool_purchase_share"), 0.01,
           "derived", note="China's purchases over the sum of the locations'"),
    Target("asml_china_share", "ASML's sales to China as a share of its sales",
           "asml_china_share_2022 / 100",
           lambda g, n: _flows(n, {"supplier_nodes": ["nl_lithography"],
                                   "buyer_regions": ["china"]})
           / _annual(n, ("nl_lithography",)), 0.15, "derived",
           note="service of installed tools in China counts too"),
    Target("us_firm_sales", "US chip firms' sales (bn USD)", "us_firms_sales_2022",
           lambda g, n: _annual(n, ("us_chip_design",)), 0.001, "set"),
    Target("us_rd", "US chip firms' R&D (bn USD a year)", "us_rd_2022",
           lambda g, n: g.scenario.flows["sales_fund_rd"].rate.terms[0].coef * WEEKS_PER_YEAR,
           0.001, "set"),
    Target("tw_foundry_share", "Taiwan's share of world foundry revenue (2022 market 128.7 bn)",
           "taiwan_foundry_rev_share_2021 / 100",
           lambda g, n: _annual(n, ("tw_foundry",)) / 128.7, 0.01, "set"),
    Target("tsmc_revenue", "Taiwanese foundries against TSMC's revenue (bn USD)", "tsmc_rev_2022",
           lambda g, n: _annual(n, ("tw_foundry",)), 0.15, "derived",
           note="TSMC is most of Taiwan's foundry revenue; UMC, VIS and PSMC the rest"),
    Target("chip_user_share", "Chip-using sectors' share of world value added",
           "chip_dependent_va_share / 100", _share_chip_users, 0.1, "derived",
           note="electronics, vehicles and machinery, ICT services (the figure's base year is "
                "not stated)"),
    Target("electronics_world", "World electronics production (bn USD)",
           "electronics_production_world_2022",
           lambda g, n: sum(_annual(n, (f"{p}_electronics",)) for p in
                            ("us", "cn", "tw", "jp", "kr", "eu", "row")), 0.001, "set"),
    Target("tw_exports", "Taiwan's exports (bn USD)", "taiwan_exports_2022",
           _trade("taiwan", "exports", False), 0.15, "derived",
           note="the model carries intermediate and capital goods, not final goods"),
    Target("tw_ic_export_share", "ICs in Taiwan's exports", "taiwan_ic_export_share_2022 / 100",
           _taiwan_ic_exports, 0.25, "derived",
           note="the model's chip exports are foundry wafers, chip firms' sales and assembly; "
                "the customs figure also counts memory made by foreign firms in Taiwan and "
                "re-exports"),
    Target("strait_japan_imports", "Japan's imports through the Taiwan Strait (share)", "0.32",
           _trade("japan", "imports", True), 0.02, "set",
           note="figure taiwan_strait_trade_japan_2022's note: 32 % of imports"),
    Target("strait_japan_exports", "Japan's exports through the Taiwan Strait (share)", "0.25",
           _trade("japan", "exports", True), 0.02, "set",
           note="the same note: 25 % of exports"),
    Target("strait_korea_imports", "Korea's imports through the Taiwan Strait (share)", "0.30",
           _trade("korea", "imports", True), 0.02, "set",
           note="note of figure taiwan_strait_trade_japan_2022: 30 % of imports"),
    Target("strait_korea_exports", "Korea's exports through the Taiwan Strait (share)", "0.23",
           _trade("korea", "exports", True), 0.02, "set", note="the same note: 23 %"),
    Target("strait_china_imports", "China's imports through the Taiwan Strait (share)",
           "1 / 3", _trade("china", "imports", True), 0.02, "set",
           note="figure taiwan_strait_trade_china_2022: about a third of China's imports"),
    Target("us_china_share", "US chip firms' sales reaching China (share of sales), beside "
           "Nvidia's China share", "nvda_china_rev_fy2023 / nvda_rev_fy2023", _us_china_share,
           0.4, "derived", held=False,
           note="different basis: Nvidia is one firm; the model's US chip firms are all of them"),
    Target("us_chip_gdp", "US chip firms' value added as a share of US GDP",
           "us_chip_share_gdp / 100", _us_chip_share, 1.5, "derived", held=False,
           note="different basis: the model counts US-headquartered firms' worldwide value "
                "added (design margins, fabs abroad) as US; the figure is production in the US"),
)


def baseline_rows(scenario_name: str = "status-quo-2022") -> list[Row]:
    """Every target's figure beside the model's value at week 0 of the scenario."""
    game = Game(load_scenario(scenario_name), seed=0)
    net = game.economy
    assert net is not None, "calibration needs a scenario with the default world"
    known = figures()
    return [Row(target, evaluate(target.figure, known)[0], float(target.read(game, net)))
            for target in TARGETS]
