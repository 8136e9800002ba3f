"""The UI keeps the project's import rule (CONTRIBUTING): no module imports another inside a
function, outside the command line's lazy subcommands (tui/cli.py). tests/test_architecture.py
checks wargame/ only; tui/app.py and tui/paths.py imported the report module inside functions,
with no cycle to dodge."""

from __future__ import annotations

import ast
from pathlib import Path

TUI = Path(__file__).resolve().parents[2] / "tui"
COMMAND_LINE = {"cli.py"}


def test_no_ui_module_imports_inside_a_function_outside_the_command_line():
    late = []
    for path in sorted(TUI.glob("*.py")):
        if path.name in COMMAND_LINE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                late += [f"{path.name}:{node.lineno}: {ast.unparse(node)}"
                         for node in ast.walk(function)
                         if isinstance(node, ast.Import | ast.ImportFrom)]
    assert sorted(set(late)) == []

