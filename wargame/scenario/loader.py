"""Reading scenario files: YAML with line marks, ``extends:`` resolution, located errors.

The loader keeps, for every value it reads, the file and line it came from. When validation
fails, each pydantic error's location (``injects.3.move.params.severity``) is mapped back through
that table to ``scenarios/x.yaml:41``, so an author is told where to look, not just what is wrong.
With ``extends:``, values keep the location of the file that set them last.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from wargame.economy.spec import DEFAULT_WORLD, load_world
from wargame.errors import InputTableError, Issue, ScenarioError
from wargame.files import exists, is_regular_file, is_within, read_regular_file, resolved
from wargame.limits import MAX_SCENARIO_BYTES
from wargame.scenario.hashing import frozen_scenario_dump as frozen_scenario_dump
from wargame.scenario.hashing import scenario_dump as scenario_dump
from wargame.scenario.hashing import scenario_hash as scenario_hash
from wargame.scenario.postures import validate_scenario_data as validate_scenario_data
from wargame.scenario.schema import Scenario
from wargame.sourced import Sourced, strip_sources
from wargame.validated import text_problem
from wargame.yamlio import (
    Located,
    Path_,
    not_utf8_issue,
    parse_yaml,
)

MAX_EXTENDS_DEPTH = 16


class _Reading(threading.local):
    """The files one ``load_scenario`` call has read, in this thread (None: not recording)."""

    def __init__(self) -> None:
        self.files: list[Path] | None = None


_reading = _Reading()
_LOADED: OrderedDict[tuple[str, str, tuple[Path, ...]], tuple[Scenario, tuple[Any, ...]]] = (
    OrderedDict())
_LOADED_KEPT = 16
_loaded_lock = threading.Lock()


def _stamps(files: Iterable[Path]) -> tuple[Any, ...] | None:
    """Each file's content hash: a file rewritten since (even within the clock's resolution,
    with the same size) reads as changed. None when one cannot be read."""
    try:
        return tuple((str(file), hashlib.sha256(Path(file).read_bytes()).hexdigest())
                     for file in files)
    except OSError:
        return None


def _read(path: Path, shown: str) -> str:
    if _reading.files is not None:
        _reading.files.append(path)
    data = read_regular_file(path, MAX_SCENARIO_BYTES,
                             lambda message: ScenarioError(Issue(message, file=shown)),
                             what="scenario")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise not_utf8_issue(exc, shown, ScenarioError) from None


def _merge(base: Located, child: Located) -> Located:
    """Deep-merge ``child`` over ``base``: mappings merge, anything else replaces, null deletes."""
    where = dict(base.where)

    def drop_below(path: Path_) -> None:
        for key in [k for k in where if k[: len(path)] == path and len(k) > len(path)]:
            del where[key]

    def merge(a: Any, b: Any, path: Path_) -> Any:
        if isinstance(a, dict) and isinstance(b, dict):
            merged = dict(a)
            for key, value in b.items():
                sub = (*path, key)
                if value is None:
                    merged.pop(key, None)
                    drop_below(sub)
                    where.pop(sub, None)
                elif key in merged:
                    merged[key] = merge(merged[key], value, sub)
                else:
                    merged[key] = value
                    drop_below(sub)
                    where.update({k: v for k, v in child.where.items() if k[: len(sub)] == sub})
            return merged
        drop_below(path)
        where.update({k: v for k, v in child.where.items() if k[: len(path)] == path})
        return b

    data = merge(base.data, child.data, ())
    where[()] = child.where.get((), where.get((), ("", 1)))
    return Located(data, where)


SCENARIO_PATH_VARIABLE = "WARGAME_SCENARIO_PATH"
"""Folders (separated like ``PATH``) that ``extends:`` and world files may also be read from."""


def allowed_folders(scenario_file: Path, extra: Iterable[str | Path] = ()) -> tuple[Path, ...]:
    """Where a scenario's ``extends:`` and world files may be read from: the folder of the file
    the user named, the shipped library, folders passed by the caller, and the folders in
    ``$WARGAME_SCENARIO_PATH``. Why: a scenario is data someone else may have written, and
    ``extends: /etc/passwd`` or ``../../home/me/.ssh/id_rsa`` must not read (and echo in an
    error) a file its user never chose."""
    folders = [resolved(scenario_file).parent, resolved(_shipped_dir())]
    folders += [Path(folder) for folder in extra]
    folders += [Path(folder) for folder in os.environ.get(SCENARIO_PATH_VARIABLE, "")
                .split(os.pathsep) if folder]
    return tuple(folders)


def _check_allowed(target: Path, shown: str, field: str, file: str, line: int | None,
                   folders: tuple[Path, ...]) -> None:
    if not is_within(target, folders):
        real = resolved(target)
        if real != Path(os.path.abspath(target)):
            shown = f"{shown} (a link to {real})"
        raise ScenarioError(Issue(
            f"{shown} is outside the folders a scenario may read from (its own folder "
            f"{folders[0]} and the shipped library); move the file there, or allow its folder "
            f"in ${SCENARIO_PATH_VARIABLE}", field, file, line))


def _resolve(path: Path, shown: str, chain: tuple[Path, ...],
             folders: tuple[Path, ...]) -> Located:
    """Read a file and everything it extends, merged, with locations."""
    located = _parse(_read(path, shown), shown)
    data = located.data
    if not isinstance(data, dict):
        found = "an empty file" if data is None else type(data).__name__
        raise ScenarioError(Issue(f"a scenario must be a mapping of sections (got {found})",
                                  file=shown, line=1))
    parent = data.get("extends")
    if parent is None:
        return located
    line = located.where.get(("extends",), (shown, 1))[1]
    if not isinstance(parent, str) or not parent or "\0" in parent:
        raise ScenarioError(Issue("must be a path to a scenario file", "extends", shown, line))
    problem = text_problem(parent, name=True)
    if problem is not None:
        raise ScenarioError(Issue(problem, "extends", shown, line))
    parent_path = resolved(path.parent / parent)
    parent_shown = str(Path(shown).parent / parent)
    _check_allowed(path.parent / parent, parent_shown, "extends", shown, line, folders)
    if parent_path in chain or parent_path == resolved(path):
        names = " → ".join([*(p.name for p in chain), path.name, parent_path.name])
        raise ScenarioError(Issue(f"circular extends: {names}", "extends", shown, line))
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(Issue(f"extends is nested more than {MAX_EXTENDS_DEPTH} deep",
                                  "extends", shown, line))
    try:
        base = _resolve(parent_path, parent_shown, (*chain, resolved(path)), folders)
    except ScenarioError as exc:
        if any(issue.message == "file not found" and issue.file == parent_shown
               for issue in exc.issues):
            raise ScenarioError(Issue(f"base scenario not found: {parent_shown}", "extends",
                                      shown, line)) from None
        raise
    child = Located({k: v for k, v in data.items() if k != "extends"},
                     {k: v for k, v in located.where.items() if k[:1] != ("extends",)})
    return _merge(base, child)


def _parse(text: str, shown: str) -> Located:
    """YAML with line marks, every ``{value, source}`` number replaced by its value."""
    located = parse_yaml(text, shown)
    data, _ = strip_sources(located.data, shown, located.where, ScenarioError)
    return Located(data, located.where)


def scenario_numbers(source: str | Path) -> Sourced:
    """The numbers one scenario file writes with their sources (``{value, source}``): path
    (``rules.cn_blockades.probability``) → (number, source), in file order. Only that file: a
    variant's base has its own."""
    path = Path(source)
    shown = str(source)
    if not exists(path) and str(source) in shipped_scenarios():
        path = _shipped_dir() / f"{source}.yaml"
        shown = f"scenarios/{source}.yaml"
    located = parse_yaml(_read(path, shown), shown)
    return strip_sources(located.data, shown, located.where, ScenarioError)[1]


def load_scenario(source: str | Path, *, folders: Iterable[str | Path] = ()) -> Scenario:
    """Load and validate a scenario from a file path, or by name from the shipped library.

    ``extends:`` and world files are read only from the scenario's own folder, the shipped
    library, ``folders`` and ``$WARGAME_SCENARIO_PATH`` (see ``allowed_folders``). Raises
    ``ScenarioError`` whose message names the file, line and field of every problem.
    """
    if not isinstance(source, str | Path):
        raise ScenarioError(Issue(f"a scenario is a file path or a shipped name (got "
                                  f"{type(source).__name__})"))
    path = Path(source)
    shown = str(source)
    if not exists(path) and str(source) in shipped_scenarios():
        path = _shipped_dir() / f"{source}.yaml"
        shown = f"scenarios/{source}.yaml"
    allowed = allowed_folders(path, folders)
    key = (os.path.abspath(path), shown, allowed)
    with _loaded_lock:
        cached = _LOADED.get(key)
    if cached is not None and _stamps(Path(stamp[0]) for stamp in cached[1]) == cached[1]:
        return cached[0]  # frozen, and every file it was read from is as it was
    outer, _reading.files = _reading.files, []
    try:
        located = _resolve(path, shown, (), allowed)
        _embed_world_file(located, allowed)
        scenario = validate_scenario_data(located.data, located.where, shown)
        stamps = _stamps(_reading.files)
    finally:
        _reading.files = outer
    if stamps is not None:
        with _loaded_lock:
            _LOADED[key] = (scenario, stamps)
            _LOADED.move_to_end(key)
            while len(_LOADED) > _LOADED_KEPT:
                _LOADED.popitem(last=False)
    return scenario


def _embed_world_file(located: Located, folders: tuple[Path, ...]) -> None:
    """Replace ``economy.world: some/file.yaml`` by the world it names, read relative to the
    scenario file that named it, so the validated scenario (and its journal) carries the world."""
    economy = located.data.get("economy")
    world = economy.get("world") if isinstance(economy, dict) else None
    if not isinstance(world, str) or world == DEFAULT_WORLD:
        return
    file, line = located.where.get(("economy", "world"), ("", 1))
    world_path = Path(file).parent / world
    _check_allowed(world_path, str(world_path), "economy.world", file, line, folders)
    if not is_regular_file(world_path):
        raise ScenarioError(Issue(f"world file not found: {world_path} (expected '"
                                  f"{DEFAULT_WORLD}' or a path relative to this scenario)",
                                  "economy.world", file, line))
    if _reading.files is not None:
        _reading.files.append(world_path)
    try:
        loaded = load_world(world_path)
    except InputTableError as exc:
        raise ScenarioError(exc.issues) from None
    economy["world"] = loaded.model_dump(mode="json")


def load_scenario_text(text: str, name: str = "<text>") -> Scenario:
    """Load a scenario from YAML text (no ``extends:``, which needs a file to be relative to)."""
    if not isinstance(text, str):
        raise ScenarioError(Issue(f"scenario text must be a str (got {type(text).__name__})",
                                  file=str(name)))
    if len(text.encode("utf-8", "surrogatepass")) > MAX_SCENARIO_BYTES:
        raise ScenarioError(Issue(f"a scenario may be at most {MAX_SCENARIO_BYTES} bytes",
                                  file=name))
    located = _parse(text, name)
    if not isinstance(located.data, dict):
        found = "nothing" if located.data is None else type(located.data).__name__
        raise ScenarioError(Issue(f"a scenario must be a mapping of sections (got {found})",
                                  file=name, line=1))
    if located.data.get("extends") is not None:
        raise ScenarioError(Issue("extends needs a scenario file to be relative to", "extends",
                                  name, located.where.get(("extends",), (name, 1))[1]))
    return validate_scenario_data(located.data, located.where, name)


def _shipped_dir() -> Path:
    return Path(str(resources.files("wargame.scenarios")))


def shipped_scenarios() -> list[str]:
    """Names of the scenarios shipped with the package (file stems in ``scenarios/``)."""
    return sorted(p.stem for p in _shipped_dir().glob("*.yaml"))


