"""World files: the shipped default world (every number sourced) and located errors."""

from __future__ import annotations

from importlib import resources

import pytest

from wargame.calibration.sources import check
from wargame.economy import SupplyNetwork, load_world, world_numbers
from wargame.economy.spec import load_world_text
from wargame.errors import InputTableError
from wargame.yamlio import format_path, parse_yaml


def test_the_default_world_loads_and_has_the_advertised_shape():
    world = load_world("default")
    assert {"us", "china", "taiwan", "japan", "korea", "eu", "rest_of_world"} == set(
        world.region_ids)
    assert all(region.gdp > 0 for region in world.regions)
    sectors = {node.sector for node in world.nodes}
    assert {"electronics", "machinery", "ict", "rest", "chip_market", "foundry", "energy"} \
        <= sectors
    assert {node.controller for node in world.nodes} == {"us", "allied", "china", "neutral",
                                                         "trade"}
    net = SupplyNetwork(world)
    assert net.route_ids == ("taiwan_strait",)


def test_every_number_in_the_default_world_is_sourced_and_agrees_with_its_source():
    """A figure's expression evaluates to the number (0.1 %); an assumption's range holds it."""
    numbers = world_numbers("default")
    data = parse_yaml(resources.files("wargame.economy").joinpath(
        "data/default-world.yaml").read_text(encoding="utf-8"), "w").data
    unsourced: list[str] = []

    def walk(value: object, path: tuple) -> None:
        if isinstance(value, dict):
            if set(value) >= {"value", "source"}:
                return
            for key, item in value.items():
                walk(item, (*path, key))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*path, i))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            unsourced.append(format_path(path))

    walk(data, ())
    assert unsourced == []
    problems = {path: check(float(value), source) for path, (value, source) in numbers.items()}
    assert {path: why for path, why in problems.items() if why} == {}
    assert len(numbers) > 900


def test_the_default_world_responds_to_a_us_cut_off_as_its_structure_says():
    net = SupplyNetwork(load_world("default"))
    for _ in range(4):
        net.step()
    assert net.indicator_values()["va_loss_world"] == pytest.approx(0.0, abs=1e-9)
    leverage = net.leverage()
    assert leverage > 0.0
    net.set_edges_open({"controllers": ["us"], "buyer_regions": ["china"]}, 0.0)
    for _ in range(26):
        net.step()
    values = net.indicator_values()
    assert values["cn_chokepoint_dependence"] == 0.0
    assert values["cn_advanced_chip_supply"] < 1.0
    assert values["cn_ai_compute"] < 1.0
    # The cut-off costs the US its sales to China (M4) as well.
    assert values["us_chip_revenue"] < 1.0
    assert values["va_lost_china"] == pytest.approx(leverage, rel=1e-9)


WORLD = """\
nodes:
  - {id: a, region: r, sector: s, controller: c, output: 8, value_added_share: 0.5}
  - {id: b, region: r, sector: s, controller: c, output: 10, value_added_share: 0.5}
edges:
  - {supplier: a, buyer: b, coefficient: 0.5}
"""


@pytest.mark.parametrize(("text", "message", "line"), [
    (WORLD.replace("coefficient: 0.5", "coefficient: -1"), "edges[0].coefficient", 5),
    (WORLD.replace("supplier: a", "supplier: z"), "unknown node 'z'", 5),
    (WORLD.replace("coefficient: 0.5", "coefficient: 0.9"), "produces only 8", 2),
    (WORLD + "stocks:\n  - {edge: b->a, weeks: 2}\n", "unknown edge 'b->a'", 7),
    (WORLD + "colour: red\n", "colour: unknown field", 6),
    (WORLD.replace("output: 8,", "output: {value: 8, source: ''},"), "non-empty", 2),
    ("nodes: [\n", "invalid YAML", None),
    ("", "must be a mapping", 1),
])
def test_bad_world_files_are_located(text, message, line):
    with pytest.raises(InputTableError) as caught:
        load_world_text(text, "w.yaml")
    assert message in str(caught.value)
    assert caught.value.issues[0].file == "w.yaml"
    if line is not None:
        assert caught.value.issues[0].line == line


def test_a_missing_world_file_is_an_input_error(tmp_path):
    with pytest.raises(InputTableError, match="file not found"):
        load_world(tmp_path / "none.yaml")
    path = tmp_path / "w.yaml"
    path.write_text(WORLD)
    assert len(load_world(path).nodes) == 2
