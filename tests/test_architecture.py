"""The package's shape: no import cycles, no imports hidden in functions to dodge one, each
engine module with its one job, and the shipped world read once."""

from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import wargame
from wargame.economy.spec import DEFAULT_WORLD, load_world

ROOT = Path(wargame.__file__).parent
COMMAND_MODULES = ("cli.py", "_cli.py", "__main__.py")
"""Command-line modules import their subcommands when asked (``wargame --help`` should not pay
for numpy, matplotlib and pyarrow); nothing else may import late."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, ast.Module]:
    return {_module_name(path): ast.parse(path.read_text(encoding="utf-8"))
            for path in sorted(ROOT.rglob("*.py"))}


def _is_type_checking(node: ast.If) -> bool:
    return isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"


def _imported(node: ast.Import | ast.ImportFrom, known: set[str]) -> set[str]:
    """The wargame modules an import statement names (``from a.b import c`` names ``a.b``, or
    ``a.b.c`` when that is a module). Parent packages run too, but a package's ``__init__`` only
    gathers what its modules define: counting it would make every module a cycle with it."""
    names: list[str] = []
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif node.module is not None and node.level == 0:
        names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return {name for name in names if name in known}


def _top_level_imports(tree: ast.Module, known: set[str]) -> set[str]:
    """Imports that run when the module is imported (not those only a type checker reads)."""
    found: set[str] = set()
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found |= _imported(node, known)
        elif isinstance(node, ast.If) and not _is_type_checking(node):
            pending.extend([*node.body, *node.orelse])
        elif isinstance(node, ast.Try):
            pending.extend([*node.body, *node.orelse, *node.finalbody])
    return found


def _late_imports(tree: ast.Module, known: set[str]) -> list[tuple[int, str]]:
    late = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                late.extend((node.lineno, name) for name in sorted(_imported(node, known)))
    return late


def test_no_module_imports_itself_back_through_others():
    modules = _modules()
    known = set(modules)
    graph = {name: _top_level_imports(tree, known) - {name} for name, tree in modules.items()}
    try:
        list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")


def test_no_import_is_hidden_in_a_function_outside_the_command_line():
    modules = _modules()
    known = set(modules)
    late = []
    for name, tree in modules.items():
        path = ROOT.parent / (name.replace(".", "/") + ".py")
        if path.name.endswith(COMMAND_MODULES):
            continue
        late += [f"{name}:{line} imports {module}" for line, module in _late_imports(tree, known)]
    assert late == []


def test_the_scenario_and_the_economy_packages_do_not_import_each_other_both_ways():
    modules = _modules()
    known = set(modules)

    def package_imports(package: str, other: str) -> list[str]:
        return sorted(f"{name} -> {module}" for name, tree in modules.items()
                      if name.startswith(package + ".")
                      for module in _top_level_imports(tree, known)
                      if module.startswith(other + "."))

    assert package_imports("wargame.scenario", "wargame.economy")  # the world is in a scenario
    assert package_imports("wargame.economy", "wargame.scenario") == []


def test_the_engine_does_not_import_the_scenario_file_loader():
    modules = _modules()
    known = set(modules)
    users = [name for name, tree in modules.items() if name.startswith("wargame.engine")
             and "wargame.scenario.loader" in _top_level_imports(tree, known)]
    assert users == []


ENGINE_JOBS = {
    "core": "the event loop and the shared state",
    "effects": "effects and formulas compiled to closures",
    "tick": "the tick's indicator updates compiled to one function",
    "moves": "the catalogue and the move lifecycle",
    "responders": "indicator changes, triggers and doctrine rules",
    "intelligence": "each team's lagged, noisy reading",
    "economy_link": "the supply network stepped and read back",
    "whitecell": "the facilitator's actions",
    "readout": "what a team sees, and the outcomes",
    "events": "events, causes and moves as data",
    "journal": "the journal: records, saving and loading",
    "rng": "named random streams",
    "game": "the public Game",
}


def test_each_engine_module_is_named_with_its_job_in_contributing():
    """CONTRIBUTING lists each engine module with its one job; a new module is listed too."""
    engine = sorted(p.stem for p in (ROOT / "engine").glob("*.py") if p.stem != "__init__")
    assert engine == sorted(ENGINE_JOBS)
    contributing = (ROOT.parent / "CONTRIBUTING.md").read_text(encoding="utf-8")
    missing = [f"{name}.py" for name in engine if f"{name}.py" not in contributing]
    assert missing == []


def test_no_engine_class_is_a_mixin_of_the_engine():
    """Each job keeps its own state in its own object: ``Engine`` inherits from nothing."""
    from wargame.engine.core import Engine

    assert Engine.__bases__ == (object,)


def test_the_shipped_world_is_read_once_per_process():
    assert load_world(DEFAULT_WORLD) is load_world(DEFAULT_WORLD)


def test_a_sensitivity_worker_does_not_import_matplotlib():
    """Workers import the module of the function they run; plotting would add ~0.5 s to each
    spawned worker and to ``wargame --help``."""
    code = ("import sys, wargame.montecarlo.sensitivity, wargame.montecarlo.runner, wargame.cli; "
            "print('matplotlib' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)
    assert done.stdout.strip() == "False"


def _functions_calling(tree: ast.Module, attribute: str) -> set[str]:
    """Names of the functions whose bodies call ``<something>.env.<attribute>(...)``."""
    found = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == attribute
                    and isinstance(node.func.value, ast.Attribute)
                    and node.func.value.attr == "env"):
                found.add(function.name)
    return found


def test_advance_and_step_until_share_one_loop():
    """Game time moves in one place: ``Engine._play``, which both ``advance`` and
    ``step_until`` call (two loops had drifted apart: one journalled, one ended turns)."""
    modules = _modules()
    movers = {(name, function) for name, tree in modules.items()
              for attribute in ("run", "step")
              for function in _functions_calling(tree, attribute)}
    assert movers == {("wargame.engine.core", "_play")}
    core = modules["wargame.engine.core"]
    calls = {function.name: {node.func.attr for node in ast.walk(function)
                             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)}
             for function in ast.walk(core) if isinstance(function, ast.FunctionDef)}
    assert "_play" in calls["advance"] and "_play" in calls["step_until"]


def test_no_bare_wargame_error_is_raised():
    """Every raise names the documented class that fits (``WargameError`` is their base, for
    catching, not for raising): the same mistake then raises the same class everywhere."""
    bare = []
    for path in [*ROOT.rglob("*.py"), *(ROOT.parent / "tui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                called = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                name = called.attr if isinstance(called, ast.Attribute) else \
                    getattr(called, "id", None)
                if name == "WargameError":
                    bare.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    assert bare == []


def test_loading_a_scenario_does_not_read_the_default_world_again(tmp_path, monkeypatch):
    """A validator re-read and re-parsed the shipped world on every load (~0.45 s each)."""
    from wargame import load_scenario
    from wargame.economy import spec

    load_scenario("status-quo-2022")  # the world is read here, if not before
    read: list[str] = []
    parse = spec._load

    def counted(text: str, file: str) -> Any:
        read.append(file)
        return parse(text, file)

    monkeypatch.setattr(spec, "_load", counted)
    copy = tmp_path / "copy.yaml"
    copy.write_text((ROOT.parent / "scenarios" / "status-quo-2022.yaml").read_text(
        encoding="utf-8"), encoding="utf-8")
    scenario = load_scenario(copy)  # a new file: parsed and validated, not remembered
    assert scenario.economy is not None and read == []
