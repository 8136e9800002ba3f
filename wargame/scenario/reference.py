"""The scenario authoring reference, rendered from the JSON Schema.

Why generate it: the schema is built from the pydantic models and their attribute docstrings, so a
reference written by hand would drift from what the loader accepts. ``wargame schema --format
markdown`` writes docs/scenario-reference.md from the same source as scenario.schema.json, and a
test fails when the committed copy is out of date.
"""

from __future__ import annotations

from collections import deque
from typing import Any

JsonSchema = dict[str, Any]

INTRO = """\
# Scenario file reference

*Generated from the scenario JSON Schema by `wargame schema --format markdown -o
docs/scenario-reference.md`; do not edit by hand (a test fails when it is out of date).*

A scenario file is YAML. Every section and field is listed below with its type, default and what
it is for. Unknown keys are errors; ids are lower-case names (`[a-z][a-z0-9_]*`). For how the
pieces work together see [scenario-format.md](scenario-format.md); for a walk-through see
[tutorial-first-scenario.md](tutorial-first-scenario.md).

A variant (a file with `extends:`) gives only what it changes: no field is required in it, and
`null` removes an entry of its base; the merged scenario must then be whole. The JSON Schema
checks a variant that way too, so an editor accepts it.
"""


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _anchor(name: str) -> str:
    return name.lower()


def _type_of(node: JsonSchema) -> str:
    """A short human description of a schema node's type, with links to definitions."""
    if "$ref" in node:
        name = _ref_name(node["$ref"])
        return f"[{name}](#{_anchor(name)})"
    if "const" in node:
        return f"`{node['const']}`"
    if "enum" in node:
        return "one of " + ", ".join(f"`{value}`" for value in node["enum"])
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = node[key]
            non_null = [option for option in options if option.get("type") != "null"]
            text = " or ".join(_type_of(option) for option in non_null)
            return f"{text} or null" if len(non_null) < len(options) else text
    kind = node.get("type")
    if kind == "array":
        return f"list of {_type_of(node.get('items', {}))}"
    if kind == "object":
        patterns = node.get("patternProperties")
        if patterns:
            value = next(iter(patterns.values()))
            return f"map of id → {_type_of(value)}"
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            return f"map of name → {_type_of(extra)}"
        return "mapping"
    if isinstance(kind, list):
        return " or ".join(kind)
    return kind or "any value"


def _constraints(node: JsonSchema) -> str:
    """Bounds and patterns, from the node itself or its non-null alternative."""
    for key in ("anyOf", "oneOf"):
        if key in node:
            parts = [_constraints(option) for option in node[key] if option.get("type") != "null"]
            return "; ".join(part for part in parts if part)
    parts = []
    for key, word in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"),
                      ("exclusiveMaximum", "<")):
        if key in node:
            parts.append(f"{word} {node[key]}")
    if "minLength" in node:
        parts.append(f"at least {node['minLength']} characters")
    if "maxLength" in node:
        parts.append(f"at most {node['maxLength']} characters")
    if "minItems" in node:
        parts.append(f"at least {_count(node['minItems'], 'item')}")
    if "minProperties" in node:
        parts.append(f"at least {_count(node['minProperties'], 'entry', 'entries')}")
    if "pattern" in node:
        parts.append(f"matches `{node['pattern']}`")
    return ", ".join(parts)


def _count(number: int, one: str, many: str | None = None) -> str:
    return f"{number} {one if number == 1 else many or one + 's'}"


def _default(node: JsonSchema, required: bool) -> str:
    if required:
        return "**required**"
    if "default" not in node:
        return ""
    value = node["default"]
    if value is None:
        return "none"
    if value in ([], {}, ""):
        return "empty"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value}`"


def _cell(text: str) -> str:
    """One table cell: one line, pipes escaped, the docstrings' ``literal`` as Markdown's."""
    return " ".join(text.replace("``", "`").replace("|", "\\|").split())


def _refs_in(node: Any) -> list[str]:
    """Definitions a node refers to, in the order they appear."""
    found: list[str] = []
    if isinstance(node, dict):
        if "$ref" in node:
            found.append(_ref_name(node["$ref"]))
        for key, value in node.items():
            if key != "$ref":
                found.extend(_refs_in(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_refs_in(item))
    return found


def _section(name: str, node: JsonSchema) -> list[str]:
    lines = [f"## {name}", ""]
    if node.get("description"):
        lines += [_cell(node["description"]), ""]
    properties: dict[str, JsonSchema] = node.get("properties", {})
    if not properties:
        lines += [f"Type: {_type_of(node)}.", ""]
        return lines
    required = set(node.get("required", []))
    lines += ["| field | type | default | constraints | what it is |",
              "|---|---|---|---|---|"]
    for field, spec in properties.items():
        lines.append(
            f"| `{field}` | {_cell(_type_of(spec))} | {_default(spec, field in required)} "
            f"| {_cell(_constraints(spec))} | {_cell(spec.get('description', ''))} |"
        )
    lines.append("")
    return lines


def schema_reference_markdown(schema: JsonSchema) -> str:
    """Render the scenario JSON Schema as Markdown: the top level first, then each definition in
    the order a reader meets it (breadth-first from the top level)."""
    definitions: dict[str, JsonSchema] = schema.get("$defs", {})
    top = definitions.get("Scenario", schema)
    lines = [INTRO, *_section("Scenario", top)]
    seen: set[str] = {"Scenario"}
    queue = deque(_refs_in(top.get("properties", {})))
    while queue:
        name = queue.popleft()
        if name in seen or name not in definitions:
            continue
        seen.add(name)
        lines += _section(name, definitions[name])
        queue.extend(_refs_in(definitions[name].get("properties", definitions[name])))
    return "\n".join(lines).rstrip() + "\n"
