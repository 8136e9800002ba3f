"""The JSON Schema of scenario files, as committed in ``scenarios/scenario.schema.json``.

Editors use it to complete and check a scenario as it is typed, so it must accept every file the
loader accepts. Two things a schema generated from the models alone gets wrong:

- ``economy.world`` is ``default``, a path to a world file, or a world inline (the models see only
  the world, because the loader replaces the name or path by the file's content first);
- a variant (a file with ``extends:``) gives only what it changes: it is merged over its base, so
  none of the base's required fields are required in it, and ``null`` deletes an inherited entry.
  Variants are checked against *patch* schemas derived from the models: every field optional and
  nullable where merging goes into it (models and mappings), while a list still replaces the
  base's list whole, so its items stay complete. The loader validates the merged scenario fully.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from wargame.economy.spec import DEFAULT_WORLD
from wargame.scenario.schema import Scenario

PATCH_PREFIX = "Patch"
NULL = {"type": "null"}


def scenario_json_schema() -> dict[str, Any]:
    """The schema of a scenario file: a whole scenario, or a variant that ``extends`` one."""
    schema = Scenario.model_json_schema(by_alias=True)
    definitions: dict[str, Any] = schema.pop("$defs")
    definitions["Economy"]["properties"]["world"] = _world_property(
        definitions["Economy"]["properties"]["world"])
    whole = {key: schema.pop(key) for key in ("properties", "required", "additionalProperties",
                                              "type", "description")}
    definitions["Scenario"] = whole
    definitions["Sourced"] = SOURCED
    for name in list(definitions):
        definitions[name] = _sourced_numbers(definitions[name])
    for name in list(definitions):
        if name != "Sourced":
            definitions[PATCH_PREFIX + name] = _patch_model(definitions[name])
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "wargame scenario",
        "description": whole["description"],
        "if": {"type": "object", "required": ["extends"]},
        "then": {"$ref": f"#/$defs/{PATCH_PREFIX}Scenario"},
        "else": {"$ref": "#/$defs/Scenario"},
        "$defs": definitions,
    }


def scenario_json_schema_text() -> str:
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False, sort_keys=True) + "\n"


SOURCED = {
    "type": "object", "additionalProperties": False, "required": ["value", "source"],
    "description": "A number with its source beside it: 'figure: <expression>' on the "
                   "calibration figures, or 'assumption [low, high]: reason'.",
    "properties": {"value": {"type": "number"}, "source": {"type": "string", "minLength": 1},
                   "note": {"type": "string"}},
}
"""``{value, source}``: how the shipped files write a number (``wargame.sourced``)."""


def _sourced_numbers(schema: Any) -> Any:
    """Wherever a number goes, a sourced number may go too."""
    if isinstance(schema, list):
        return [_sourced_numbers(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _sourced_numbers(value) for key, value in schema.items()}
    if out.get("type") in ("number", "integer"):
        annotations = {k: out.pop(k) for k in ("description", "title", "default") if k in out}
        return {**annotations, "anyOf": [out, {"$ref": "#/$defs/Sourced"}]}
    return out


def _world_property(inline: dict[str, Any]) -> dict[str, Any]:
    description = inline.get("description", "")
    return {"description": description, "anyOf": [
        {"const": DEFAULT_WORLD, "description": "the shipped default world"},
        {"type": "string", "minLength": 1,
         "description": "a world file, relative to the scenario file"},
        {"$ref": inline["$ref"]},
    ]}


def _patch_model(model: dict[str, Any]) -> dict[str, Any]:
    """A model's schema as a variant may give it: any subset of its fields, each nullable."""
    patched = {key: value for key, value in model.items() if key not in ("required",)}
    if "properties" in model:
        patched["properties"] = {name: _nullable(_patch_value(value))
                                 for name, value in model["properties"].items()}
    return patched


def _patch_value(schema: dict[str, Any]) -> dict[str, Any]:
    """What a variant may put where ``schema`` stands: merged into models and mappings,
    replacing anything else (a list, a number) whole."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return {**schema, "$ref": f"#/$defs/{PATCH_PREFIX}{name}"}
    for union in ("anyOf", "oneOf"):
        if union in schema:
            rest = {k: v for k, v in schema.items() if k not in (union, "discriminator")}
            return {**rest, "anyOf": [_patch_value(member) for member in schema[union]]}
    if schema.get("type") == "object":
        patched = copy.deepcopy(schema)
        for key in ("additionalProperties", "patternProperties"):
            value = schema.get(key)
            if isinstance(value, dict):
                patched[key] = (
                    {pattern: _nullable(_patch_value(item)) for pattern, item in value.items()}
                    if key == "patternProperties" else _nullable(_patch_value(value)))
        patched.pop("minProperties", None)
        return patched
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or ``null`` (a variant's ``null`` deletes what the base had)."""
    if schema.get("type") == "null" or NULL in schema.get("anyOf", []):
        return schema
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], NULL]}
    annotations: dict[str, Any] = {k: schema[k] for k in ("description", "title", "default")
                                   if k in schema}
    rest = {k: v for k, v in schema.items() if k not in annotations}
    return {**annotations, "anyOf": [rest, NULL]}
