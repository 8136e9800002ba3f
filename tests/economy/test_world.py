"""World files: the shipped default world (every number sourced) and located errors."""

from __future__ import annotations

import re

import pytest

from wargame.economy import SupplyNetwork, load_world, world_sources
from wargame.economy.spec import SOURCE_RE, load_world_text
from wargame.errors import InputTableError

NUMERIC_FIELDS = re.compile(
    r"(output|capacity|value_added_share|coefficient|essential|open|leakage|weeks|"
    r"restock_weeks|cap|ramp_weeks|spare_capacity|stock_weeks|restock_headroom|"
    r"leverage_horizon_weeks)$")


def test_the_default_world_loads_and_has_the_advertised_shape():
    world = load_world("default")
    assert 15 <= len(world.nodes) <= 25
    assert {"us", "china", "taiwan", "korea", "japan", "europe", "southeast_asia",
            "rest_of_world"} == set(world.region_ids)
    assert {node.controller for node in world.nodes} == {"us", "allied", "china", "neutral"}


def test_every_number_in_the_default_world_has_a_source():
    world = load_world("default")
    sources = world_sources("default")
    figures = {figure.id: figure.value for figure in world.figures}
    data = world.model_dump()
    numbers: list[str] = []

    def walk(value: object, path: str) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else key)
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]")
        elif isinstance(value, float | int) and not isinstance(value, bool):
            numbers.append(path)

    walk({k: v for k, v in data.items() if k != "figures"}, "")
    written = [path for path in numbers if NUMERIC_FIELDS.search(path.split(".")[-1])]
    defaults = {"open", "leakage", "capacity", "restock_weeks"}
    missing = [path for path in written
               if path not in sources and path.split(".")[-1] not in defaults]
    assert not missing, missing
    for path, source in sources.items():
        assert SOURCE_RE.match(source), (path, source)
        for cited in re.findall(r"figure:([a-z0-9_]+)", source):
            assert cited in figures, (path, cited)


def test_numbers_that_are_a_figure_equal_it():
    world = load_world("default")
    figures = {figure.id: figure.value for figure in world.figures}
    data = world.model_dump()
    checked = 0
    for path, source in world_sources("default").items():
        match = SOURCE_RE.match(source)
        assert match is not None
        if match.group("figure") is None or match.group("rest") not in ("", " per week"):
            continue
        value = data
        for part in re.findall(r"[a-z_]+|\[\d+\]", path):
            value = value[int(part[1:-1])] if part.startswith("[") else value[part]
        figure = figures[match.group("figure")]
        expected = figure / 52 if match.group("rest") == " per week" else figure
        assert value == pytest.approx(expected, rel=1e-4), path
        checked += 1
    assert checked >= 1


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
