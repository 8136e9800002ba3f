"""docs/model/default-world.md shows the shipped numbers and sources: regenerate and compare."""

from __future__ import annotations

from pathlib import Path

from wargame.economy import load_world, world_sources

DOC = Path(__file__).resolve().parents[2] / "docs" / "model" / "default-world.md"
BEGIN, END = "<!-- generated from wargame/economy/data/default-world.yaml -->", "<!-- end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def world_tables() -> str:
    """The Markdown tables of nodes, edges, stocks, substitutes and parameters."""
    world = load_world("default")
    src = world_sources("default")
    out = ["### Figures", "", "| id | value | unit | what | source |", "|---|---|---|---|---|"]
    out += [f"| `{f.id}` | {f.value:g} | {f.unit} | {_cell(f.what)} | {_cell(f.source)} |"
            for f in world.figures]
    out += ["", "### Parameters", "", "| parameter | value | source |", "|---|---|---|"]
    for name, value in world.parameters.model_dump().items():
        shown = ", ".join(value) if isinstance(value, tuple) else f"{value:g}" \
            if isinstance(value, float) else str(value)
        out.append(f"| `{name}` | {shown} | {_cell(src.get(f'parameters.{name}', 'setting'))} |")
    out += ["", "### Nodes (output in bn USD a week)", "",
            "| node | name | region | sector | controller | output | source | VA share | source |",
            "|---|---|---|---|---|---|---|---|---|"]
    for i, n in enumerate(world.nodes):
        out.append(f"| `{n.id}` | {_cell(n.name)} | {n.region} | {n.sector} | {n.controller} | "
                   f"{n.output:g} | {_cell(src[f'nodes[{i}].output'])} | "
                   f"{n.value_added_share:g} | {_cell(src[f'nodes[{i}].value_added_share'])} |")
    out += ["", "### Edges", "",
            "| edge | coefficient | source | essential | source | controller |",
            "|---|---|---|---|---|---|"]
    for i, e in enumerate(world.edges):
        out.append(f"| `{e.id}` | {e.coefficient:g} | {_cell(src[f'edges[{i}].coefficient'])} | "
                   f"{e.essential:g} | {_cell(src[f'edges[{i}].essential'])} | "
                   f"{e.controller or '(supplier)'} |")
    out += ["", "### Stocks (weeks of baseline use; other inputs hold `stock_weeks`)", "",
            "| edge | weeks | source |", "|---|---|---|"]
    out += [f"| `{s.edge}` | {s.weeks:g} | {_cell(src[f'stocks[{i}].weeks'])} |"
            for i, s in enumerate(world.stocks)]
    out += ["", "### Substitutes", "",
            "| input | alternative | cap | source | ramp (weeks) | source |",
            "|---|---|---|---|---|---|"]
    out += [f"| `{s.edge}` | `{s.by}` | {s.cap:g} | {_cell(src[f'substitutes[{i}].cap'])} | "
            f"{s.ramp_weeks:g} | {_cell(src[f'substitutes[{i}].ramp_weeks'])} |"
            for i, s in enumerate(world.substitutes)]
    out += ["", "### Indicators", "", "| indicator | kind | what |", "|---|---|---|"]
    out += [f"| `{ind.name}` | {ind.kind} | {_cell(ind.description)} |"
            for ind in world.indicators]
    return "\n".join(out) + "\n"


def test_the_default_world_doc_shows_the_shipped_numbers():
    text = DOC.read_text(encoding="utf-8")
    generated = text.split(BEGIN, 1)[1].split(END, 1)[0]
    assert generated.strip() == world_tables().strip(), (
        "docs/model/default-world.md is out of date: paste the output of "
        "tests.economy.test_world_doc.world_tables() between its markers")
