"""The committed JSON Schema accepts every scenario the loader accepts, as an editor would check
it (the ``jsonschema`` validator, draft 2020-12), and refuses what is structurally wrong."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.conftest import ROOT, TINY
from wargame import load_scenario
from wargame.economy.spec import load_world
from wargame.yamlio import parse_yaml

SCHEMA = json.loads((ROOT / "scenarios" / "scenario.schema.json").read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
SCENARIO_FILES = [*sorted((ROOT / "scenarios").glob("*.yaml")),
                  ROOT / "benchmarks" / "reference-10y.yaml"]


def _data(text: str, name: str = "x.yaml"):
    """As an editor's YAML plugin hands it to the validator: plain JSON types (dates as text)."""
    return json.loads(json.dumps(parse_yaml(text, name).data, default=str))


def _errors(data) -> list[str]:
    return [f"{'.'.join(map(str, error.absolute_path))}: {error.message}"
            for error in VALIDATOR.iter_errors(data)]


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_every_shipped_scenario_and_variant_is_valid_against_the_schema(path: Path):
    load_scenario(path)  # the loader accepts it...
    assert _errors(_data(path.read_text(encoding="utf-8"), str(path))) == []  # ...so must editors


def test_the_three_ways_to_give_a_world_are_valid():
    inline = json.dumps(load_world("default").model_dump(mode="json"))
    for world in ("default", "worlds/mine.yaml", inline):
        errors = _errors(_data(TINY + f"economy: {{world: {world}}}\n"))
        assert errors == [], (world[:20], errors)
    assert _errors(_data(TINY + "economy: {world: 3}\n"))


def test_a_variant_needs_no_inherited_field_and_may_delete_with_null():
    variant = "extends: base.yaml\nmeta: {name: Pessimistic}\nrules: {cn_answers: null}\n"
    assert _errors(_data(variant)) == []
    assert _errors(_data("extends: base.yaml\nmeta: {nmae: typo}\n"))  # typos still caught
    assert _errors(_data("extends: base.yaml\ninjects: [{at_week: 1, move: {team: us}}]\n"))


@pytest.mark.parametrize("case", ["unknown-top-level-key", "unknown-field-typo", "wrong-type",
                                  "injects-not-a-list", "missing-required", "negative-turn",
                                  "bad-effect-op", "no-teams"])
def test_structural_mistakes_are_refused_by_the_schema_too(case: str):
    text = (ROOT / "tests" / "malformed" / f"{case}.yaml").read_text(encoding="utf-8")
    assert _errors(_data(text)), case
