"""docs/model/default-world.md shows the shipped numbers and sources: regenerate and compare."""

from __future__ import annotations

from pathlib import Path

from wargame.economy import load_world, world_numbers

DOC = Path(__file__).resolve().parents[2] / "docs" / "model" / "default-world.md"
BEGIN, END = "<!-- generated from wargame/economy/data/default-world.yaml -->", "<!-- end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def world_tables() -> str:
    """The Markdown tables of the default world's numbers as the file writes them (bn USD a
    year), each with its source."""
    world = load_world("default")
    numbers = world_numbers("default")

    def value(path: str) -> str:
        number = numbers[path][0]
        return f"{number:,.0f}" if abs(number) >= 1000 else f"{number:.4g}"

    def source(path: str) -> str:
        return _cell(numbers[path][1]) if path in numbers else "default"

    out = ["### Regions (GDP in bn USD a year, 2022)", "", "| region | name | GDP | source |",
           "|---|---|---|---|"]
    out += [f"| `{r.id}` | {_cell(r.name)} | {value(f'regions[{i}].gdp')} | "
            f"{source(f'regions[{i}].gdp')} |" for i, r in enumerate(world.regions)]
    out += ["", "### Parameters", "", "| parameter | value | source |", "|---|---|---|"]
    for name, number in world.parameters.model_dump().items():
        shown = ", ".join(number) if isinstance(number, tuple) else f"{number:g}" \
            if isinstance(number, float) else str(number)
        out.append(f"| `{name}` | {shown} | {source(f'parameters.{name}')} |")
    out += ["", "### Nodes (output in bn USD a year)", "",
            "| node | name | region | sector | controller | output | source | VA share | source |",
            "|---|---|---|---|---|---|---|---|---|"]
    for i, n in enumerate(world.nodes):
        pool = " (pool)" if n.inputs == "pool" else ""
        out.append(f"| `{n.id}` | {_cell(n.name)}{pool} | {n.region} | {n.sector} | "
                   f"{n.controller} | {value(f'nodes[{i}].output')} | "
                   f"{source(f'nodes[{i}].output')} | {value(f'nodes[{i}].value_added_share')} | "
                   f"{source(f'nodes[{i}].value_added_share')} |")
    out += ["", "### Edges (flow in bn USD a year)", "",
            "| edge | flow | source | essential | source | controller | via the strait |",
            "|---|---|---|---|---|---|---|"]
    for i, e in enumerate(world.edges):
        strait = (f"{value(f'edges[{i}].routes.taiwan_strait')} "
                  f"({source(f'edges[{i}].routes.taiwan_strait')})" if e.routes else "")
        out.append(f"| `{e.id}` | {value(f'edges[{i}].flow')} | {source(f'edges[{i}].flow')} | "
                   f"{e.essential:.3g} | {source(f'edges[{i}].essential')} | "
                   f"{e.controller or '(supplier)'} | {strait} |")
    out += ["", "### Stocks (weeks of baseline use; other inputs hold `stock_weeks`)", "",
            "| edge | weeks | source |", "|---|---|---|"]
    out += [f"| `{st.edge}` | {st.weeks:g} | {source(f'stocks[{i}].weeks')} |"
            for i, st in enumerate(world.stocks)]
    out += ["", "### Substitutes", "",
            "| input | alternative | cap | source | ramp (weeks) | source |",
            "|---|---|---|---|---|---|"]
    out += [f"| `{sub.edge}` | `{sub.by}` | {sub.cap:g} | {source(f'substitutes[{i}].cap')} | "
            f"{sub.ramp_weeks:g} | {source(f'substitutes[{i}].ramp_weeks')} |"
            for i, sub in enumerate(world.substitutes)]
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
