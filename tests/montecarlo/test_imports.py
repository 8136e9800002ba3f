"""The Monte Carlo modules import one another in one direction only: no cycle, not even one
hidden behind an import inside a function (``results`` reached ``analysis`` so before)."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

PACKAGE = ROOT / "wargame" / "montecarlo"
PREFIX = "wargame.montecarlo."


def _imported(tree: ast.AST) -> set[str]:
    """The montecarlo modules a module imports anywhere (in functions too), except for type
    checking only (``if TYPE_CHECKING:``), which never runs."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(PREFIX):
                found.add(node.module.removeprefix(PREFIX).split(".")[0])
            elif node.module == "wargame.montecarlo":
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name.removeprefix(PREFIX).split(".")[0] for alias in node.names
                         if alias.name.startswith(PREFIX))
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    return {path.stem: _imported(ast.parse(path.read_text(encoding="utf-8")))
            for path in sorted(PACKAGE.glob("*.py"))}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    trail: list[str] = []

    def walk(module: str) -> list[str] | None:
        state[module] = 1
        trail.append(module)
        for other in sorted(graph.get(module, ())):
            if state.get(other) == 1:
                return [*trail[trail.index(other):], other]
            if other not in state and (found := walk(other)):
                return found
        trail.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (found := walk(module)):
            return found
    return None


def test_the_graph_is_read_from_the_sources():
    graph = _graph()
    assert "results" in graph["analysis"] and "stats" in graph["results"]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_cycle_among_the_monte_carlo_modules():
    assert _cycle(_graph()) is None


def test_the_statistics_are_importable_from_analysis_as_before():
    from wargame.montecarlo import analysis, stats

    for name in ("t_quantile", "mean_interval", "wilson_interval", "OutcomeSummary", "LEVEL"):
        assert getattr(analysis, name) is getattr(stats, name)
