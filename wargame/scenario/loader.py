"""Reading scenario files: YAML with line marks, ``extends:`` resolution, located errors.

The loader keeps, for every value it reads, the file and line it came from. When validation
fails, each pydantic error's location (``injects.3.move.params.severity``) is mapped back through
that table to ``scenarios/x.yaml:41``, so an author is told where to look, not just what is wrong.
With ``extends:``, values keep the location of the file that set them last.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from wargame.economy.spec import DEFAULT_WORLD, load_world
from wargame.errors import InputTableError, Issue, ScenarioError
from wargame.scenario.base import FieldIssues
from wargame.scenario.schema import Scenario

MAX_SCENARIO_BYTES = 1024 * 1024
"""A scenario is a page of settings; a larger file is a mistake (or an attack on the parser)."""
MAX_EXTENDS_DEPTH = 16

Path_ = tuple[str | int, ...]
Where = tuple[str, int]

_SYNTHETIC_TAGS = frozenset(
    {"compare", "all_of", "any_of", "not_of", "number", "param_ref", "all_teams", "team_list",
     "indicator_outcome", "event_outcome", "[key]"}
)
"""Names pydantic puts into error locations for union members; they are not fields in the file."""


@dataclass(frozen=True, slots=True)
class _Located:
    """Parsed YAML data and, for every path in it, the (file, line) that set it."""

    data: Any
    where: dict[Path_, Where]


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing anchors and aliases (a scenario shares values with ``extends``)."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "YAML aliases are not supported in scenarios (use extends:)",
                event.start_mark,
            )
        return super().compose_node(parent, index)


def _yaml_error(file: str, exc: yaml.YAMLError) -> ScenarioError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    line = mark.line + 1 if mark is not None else None
    return ScenarioError(Issue(message, file=file, line=line))


def _parse(text: str, file: str) -> _Located:
    """Parse YAML text into plain data plus a path → line table, refusing duplicate keys."""
    loader = _NoAliasLoader(text)
    try:
        node = loader.get_single_node()
        where: dict[Path_, Where] = {}

        def build(node: yaml.Node, path: Path_) -> Any:
            where[path] = (file, node.start_mark.line + 1)
            if isinstance(node, yaml.MappingNode):
                result: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    # Keys are names: read them as written, so `on:` stays "on" (not True).
                    key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                    if not isinstance(key, str):
                        raise ScenarioError(Issue(
                            "mapping keys must be plain names", format_path(path),
                            file, key_node.start_mark.line + 1,
                        ))
                    if key in result:
                        raise ScenarioError(Issue(
                            f"duplicate key '{key}'", format_path(path), file,
                            key_node.start_mark.line + 1,
                        ))
                    result[key] = build(value_node, (*path, key))
                    where[(*path, key)] = (file, key_node.start_mark.line + 1)
                return result
            if isinstance(node, yaml.SequenceNode):
                return [build(item, (*path, i)) for i, item in enumerate(node.value)]
            return loader.construct_object(node, deep=True)

        data = build(node, ()) if node is not None else None
    except yaml.YAMLError as exc:
        raise _yaml_error(file, exc) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. an impossible date: 2022-02-30
        raise ScenarioError(Issue(f"invalid value: {exc}", file=file)) from None
    finally:
        loader.dispose()
    return _Located(data, where)


def _read(path: Path, shown: str) -> str:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ScenarioError(Issue("file not found", file=shown)) from None
    except OSError as exc:
        raise ScenarioError(Issue(f"cannot read file: {exc.strerror}", file=shown)) from None
    if path.is_dir():
        raise ScenarioError(Issue("is a directory, not a scenario file", file=shown))
    if size > MAX_SCENARIO_BYTES:
        raise ScenarioError(Issue(
            f"file is {size} bytes; a scenario may be at most {MAX_SCENARIO_BYTES} bytes",
            file=shown,
        ))
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(Issue(
            f"not UTF-8 text (byte {exc.start} cannot be decoded)", file=shown)) from None
    except OSError as exc:
        raise ScenarioError(Issue(f"cannot read file: {exc.strerror}", file=shown)) from None


def _merge(base: _Located, child: _Located) -> _Located:
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
    return _Located(data, where)


def _resolve(path: Path, shown: str, chain: tuple[Path, ...]) -> _Located:
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
    if not isinstance(parent, str) or not parent:
        raise ScenarioError(Issue("must be a path to a scenario file", "extends", shown, line))
    parent_path = (path.parent / parent).resolve()
    parent_shown = str(Path(shown).parent / parent)
    if parent_path in chain or parent_path == path.resolve():
        names = " → ".join([*(p.name for p in chain), path.name, parent_path.name])
        raise ScenarioError(Issue(f"circular extends: {names}", "extends", shown, line))
    if len(chain) >= MAX_EXTENDS_DEPTH:
        raise ScenarioError(Issue(f"extends is nested more than {MAX_EXTENDS_DEPTH} deep",
                                  "extends", shown, line))
    try:
        base = _resolve(parent_path, parent_shown, (*chain, path.resolve()))
    except ScenarioError as exc:
        if any(issue.message == "file not found" and issue.file == parent_shown
               for issue in exc.issues):
            raise ScenarioError(Issue(f"base scenario not found: {parent_shown}", "extends",
                                      shown, line)) from None
        raise
    child = _Located({k: v for k, v in data.items() if k != "extends"},
                     {k: v for k, v in located.where.items() if k[:1] != ("extends",)})
    return _merge(base, child)


def format_path(path: Path_) -> str:
    """``("injects", 3, "move")`` → ``injects[3].move``: how field paths are shown."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _data_path(data: Any, loc: Path_) -> Path_:
    """Turn a pydantic location into a path in the data, dropping union-member tags."""
    result: list[str | int] = []
    current = data
    for part in loc:
        in_dict = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_dict or in_list:
            result.append(part)
            current = current[part]  # type: ignore[index]
        elif part in _SYNTHETIC_TAGS or (
            isinstance(current, dict)
            and part in {v for v in current.values() if isinstance(v, str)}
        ):
            continue
        else:
            result.append(part)
            current = None
    return tuple(result)


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: dict[str, Any]) -> str:
    """Say what was expected and what was found, in the project's words."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = f" (got {_show(error.get('input'))})" if "input" in error else ""
    bounds = {"less_than_equal": ("≤", "le"), "less_than": ("<", "lt"),
              "greater_than_equal": ("≥", "ge"), "greater_than": (">", "gt")}
    if kind in bounds:
        symbol, key = bounds[kind]
        return f"must be {symbol} {ctx.get(key)}{got}"
    simple = {
        "missing": "required field missing",
        "float_type": "must be a number", "float_parsing": "must be a number",
        "finite_number": "must be a finite number",
        "int_type": "must be a whole number", "int_parsing": "must be a whole number",
        "int_from_float": "must be a whole number",
        "bool_type": "must be true or false", "bool_parsing": "must be true or false",
        "string_type": "must be text",
        "dict_type": "must be a mapping", "model_type": "must be a mapping",
        "model_attributes_type": "must be a mapping",
        "list_type": "must be a list",
        "date_type": "must be a date (YYYY-MM-DD)", "date_parsing": "must be a date (YYYY-MM-DD)",
        "date_from_datetime_parsing": "must be a date (YYYY-MM-DD)",
        "date_from_datetime_inexact": "must be a date without a time",
        "string_pattern_mismatch": "must be an id: lower-case letters, digits and '_', "
                                   "starting with a letter",
        "string_too_short": "must not be empty",
    }
    if kind == "missing":
        return simple[kind]
    if kind in simple:
        return simple[kind] + got
    if kind == "too_short":
        return f"must have at least {ctx.get('min_length')} item(s){got}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"must be one of: {expected}{got}"
    if kind == "union_tag_invalid":
        field = str(ctx.get("discriminator", "")).strip("'")
        expected = str(ctx.get("expected_tags", "")).replace("'", "")
        return f"unknown {field} '{ctx.get('tag')}' (expected one of: {expected})"
    if kind == "union_tag_not_found":
        field = str(ctx.get("discriminator", "")).strip("'")
        return f"'{field}' is required here"
    if kind in ("unknown_field", "condition"):
        return error["msg"]
    if kind == "value_error":
        return error["msg"].removeprefix("Value error, ")
    return error["msg"]


def issues_from_validation(exc: ValidationError, data: Any,
                           where: dict[Path_, Where] | None = None,
                           file: str | None = None) -> list[Issue]:
    """Convert pydantic errors into located issues, one per field, in file order."""
    found: dict[Path_, Issue] = {}
    for error in exc.errors(include_url=False):
        loc: Path_ = tuple(error["loc"])
        ctx = error.get("ctx") or {}
        pairs: list[tuple[Path_, str]]
        if error["type"] == "value_error" and isinstance(ctx.get("error"), FieldIssues):
            pairs = [((*loc, *rel), msg) for rel, msg in ctx["error"].issues]
        elif error["type"] == "unknown_field":
            pairs = [((*loc, ctx["field"]), _message(error))]
        else:
            pairs = [(loc, _message(error))]
        for raw, message in pairs:
            path = _data_path(data, raw)
            if path in found:
                continue
            issue_file, line = file, None
            if where:
                for depth in range(len(path), -1, -1):
                    if path[:depth] in where:
                        issue_file, line = where[path[:depth]]
                        break
            found[path] = Issue(message, format_path(path), issue_file, line)
    return sorted(found.values(), key=lambda i: (i.file or "", i.line or 0, i.path))


def validate_scenario_data(located_data: Any, where: dict[Path_, Where] | None = None,
                           file: str | None = None) -> Scenario:
    """Validate already-parsed data as a scenario, raising located ``ScenarioError``."""
    try:
        return Scenario.model_validate(located_data)
    except ValidationError as exc:
        raise ScenarioError(issues_from_validation(exc, located_data, where, file)) from None
    except RecursionError:
        raise ScenarioError(Issue("nested too deeply", file=file)) from None


def load_scenario(source: str | Path) -> Scenario:
    """Load and validate a scenario from a file path, or by name from the shipped library.

    Raises ``ScenarioError`` whose message names the file, line and field of every problem.
    """
    path = Path(source)
    shown = str(source)
    if not path.exists() and str(source) in shipped_scenarios():
        path = _shipped_dir() / f"{source}.yaml"
        shown = f"scenarios/{source}.yaml"
    located = _resolve(path, shown, ())
    _embed_world_file(located)
    return validate_scenario_data(located.data, located.where, shown)


def _embed_world_file(located: _Located) -> None:
    """Replace ``economy.world: some/file.yaml`` by the world it names, read relative to the
    scenario file that named it, so the validated scenario (and its journal) carries the world."""
    economy = located.data.get("economy")
    world = economy.get("world") if isinstance(economy, dict) else None
    if not isinstance(world, str) or world == DEFAULT_WORLD:
        return
    file, line = located.where.get(("economy", "world"), ("", 1))
    world_path = Path(file).parent / world
    if not world_path.is_file():
        raise ScenarioError(Issue(f"world file not found: {world_path} (expected '"
                                  f"{DEFAULT_WORLD}' or a path relative to this scenario)",
                                  "economy.world", file, line))
    try:
        loaded = load_world(world_path)
    except InputTableError as exc:
        raise ScenarioError(exc.issues) from None
    economy["world"] = loaded.model_dump(mode="json")


def load_scenario_text(text: str, name: str = "<text>") -> Scenario:
    """Load a scenario from YAML text (no ``extends:``, which needs a file to be relative to)."""
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


def scenario_dump(scenario: Scenario) -> dict[str, Any]:
    """The scenario as plain JSON data: what a journal embeds and what the hash is taken of."""
    return scenario.model_dump(mode="json", by_alias=True)


def scenario_hash(scenario: Scenario) -> str:
    """Content hash of a validated scenario: equal for equal content, whatever the file layout."""
    text = json.dumps(scenario_dump(scenario), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
