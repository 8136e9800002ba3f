"""YAML with line marks, and validation errors in plain words at their file and line.

Scenario files and world files are both read here: every value keeps the (file, line) it came
from, and each pydantic error's location (``injects.3.move.params.severity``) is mapped back
through that table to ``scenarios/x.yaml:41``, with a message that says what was expected.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any, TypeVar

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from wargame.errors import Issue, ScenarioError, WargameError, _IssuesError
from wargame.validated import FieldIssues

Path_ = tuple[str | int, ...]
Where = tuple[str, int]
E = TypeVar("E", bound=_IssuesError)

_SYNTHETIC_TAGS = frozenset(
    {"compare", "all_of", "any_of", "not_of", "number", "param_ref", "all_teams", "team_list",
     "indicator_outcome", "event_outcome", "[key]"}
)
"""Names pydantic puts into error locations for union members; they are not fields in the file."""

MAX_NESTING = 50
"""Deepest nesting a file may have. The shipped files nest at most 10 levels; PyYAML's composer
recurses once per level, so without a limit a line of ``[[[[…`` ends in a RecursionError."""


@dataclass(frozen=True, slots=True)
class Located:
    """Parsed YAML data and, for every path in it, the (file, line) that set it."""

    data: Any
    where: dict[Path_, Where]


class _NoAliasLoader(yaml.SafeLoader):
    """The safe loader, refusing anchors and aliases (a file shares values with ``extends``, and
    aliases can multiply a small file into a huge document), and nesting deeper than
    ``MAX_NESTING`` at the line where it goes too deep."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(
                None, None, "YAML aliases are not supported (use extends:)",
                event.start_mark,
            )
        if self._depth >= MAX_NESTING:
            raise yaml.MarkedYAMLError(
                None, None, f"nested more than {MAX_NESTING} levels deep",
                self.peek_event().start_mark,
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# ---- YAML 1.2 core scalars ---------------------------------------------------------------------
# PyYAML resolves plain scalars by YAML 1.1, whose surprises are silent wrong values in a file of
# numbers: ``1:30`` is 90 (base 60), ``010`` is 8, ``1_000`` is 1000, ``yes``/``no``/``on``/``off``
# are booleans, ``1e5`` is text. Scenario and world files are read by the YAML 1.2 core schema
# instead (what JSON, editors and most other tools mean): anything else stays text, and a field
# that wants a number then says so at its line.

_CORE_RESOLVERS: list[tuple[str, str, list[str]]] = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
     list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+0123456789.")),
]


def _core_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text, 10)  # ``010`` is ten, as in YAML 1.2 and JSON-minded readers


def _core_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float:
    text = str(loader.construct_scalar(node)).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


_NoAliasLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in _CORE_RESOLVERS:
    _NoAliasLoader.add_implicit_resolver(_tag, re.compile(_pattern), _first)
# Dates (``start: 2022-10-07``) are not in the core schema but are how a scenario's calendar reads.
_NoAliasLoader.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
               r"|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
               r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$"),
    list("0123456789"))
_NoAliasLoader.add_constructor("tag:yaml.org,2002:int", _core_int)
_NoAliasLoader.add_constructor("tag:yaml.org,2002:float", _core_float)


def _yaml_error(file: str, exc: yaml.YAMLError, error: type[E]) -> E:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if "'\\t'" in problem:  # PyYAML's words for the commonest slip
        problem = "a tab character: YAML is indented with spaces"
        context = None
    message = f"invalid YAML: {problem}" + (f" ({context})" if context else "")
    line = mark.line + 1 if mark is not None else None
    return error(Issue(message, file=file, line=line))


def not_utf8_issue(exc: UnicodeDecodeError, file: str, error: type[E]) -> E:
    """A file that is not UTF-8 (often Latin-1 from an old editor), at the line of the first
    byte that cannot be decoded, so the author can find the character."""
    line = exc.object.count(b"\n", 0, exc.start) + 1
    byte = exc.object[exc.start]
    return error(Issue(f"not UTF-8 text: byte 0x{byte:02x} cannot be decoded (save the file "
                       f"as UTF-8)", file=file, line=line))


def parse_yaml(text: str, file: str, error: type[E] = ScenarioError) -> Located:  # type: ignore[assignment]
    """Parse YAML text into plain data plus a path → (file, line) table.

    Duplicate keys and aliases are refused; problems raise ``error`` (a located issue).
    """
    try:
        loader = _NoAliasLoader(text)
    except yaml.reader.ReaderError as exc:  # raised before parsing: a character YAML forbids
        line = text.count("\n", 0, exc.position) + 1
        code = ord(exc.character) if isinstance(exc.character, str) else exc.character
        raise error(Issue(f"invalid YAML: character U+{code:04X} is not allowed",
                          file=file, line=line)) from None
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
                        raise error(Issue(
                            "mapping keys must be plain names", format_path(path),
                            file, key_node.start_mark.line + 1,
                        ))
                    if key in result:
                        raise error(Issue(
                            f"duplicate key '{key}'", format_path(path), file,
                            key_node.start_mark.line + 1,
                        ))
                    result[key] = build(value_node, (*path, key))
                    where[(*path, key)] = (file, key_node.start_mark.line + 1)
                return result
            if isinstance(node, yaml.SequenceNode):
                return [build(item, (*path, i)) for i, item in enumerate(node.value)]
            try:
                value = loader.construct_object(node, deep=True)
            except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date: 2022-02-30
                raise error(Issue(f"invalid value {_show(node.value)}: {_reason(exc)}",
                                  format_path(path), file, node.start_mark.line + 1)) from None
            if not isinstance(value, _PLAIN_VALUES) or isinstance(value, dt.datetime):
                raise error(Issue(
                    f"unsupported YAML value {node.tag.rsplit(':', 1)[-1]!r}: a value is text, a "
                    "number, true/false, null or a date", format_path(path), file,
                    node.start_mark.line + 1))
            return value

        data = build(node, ()) if node is not None else None
    except yaml.YAMLError as exc:
        raise _yaml_error(file, exc, error) from None
    except WargameError:  # already located (input errors are ValueErrors too): as raised
        raise
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. an impossible date: 2022-02-30
        raise error(Issue(f"invalid value: {exc}", file=file)) from None
    except RecursionError:
        raise error(Issue("nested too deeply", file=file)) from None
    finally:
        loader.dispose()
    return Located(data, where)


_PLAIN_VALUES = (str, int, float, bool, type(None), dt.date)
"""What a scalar may be: what JSON holds, plus dates. ``!!binary`` (bytes that pydantic would
decode into text no check saw), ``!!timestamp`` with a time and other tags are refused."""


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
            current = current[part]
        elif part in _SYNTHETIC_TAGS or (
            isinstance(current, dict)
            and part in {v for v in current.values() if isinstance(v, str)}
        ):
            continue
        else:
            result.append(part)
            current = None
    return tuple(result)


def _reason(exc: Exception) -> str:
    """Python's words for a value it cannot build, minus advice meant for programmers."""
    if "integer string conversion" in str(exc):
        return "a whole number may have at most 4300 digits"
    return str(exc)


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def _message(error: ErrorDetails) -> str:
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
        "float_finite_number": "must be a finite number",
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
        least = ctx.get("min_length")
        if isinstance(error.get("input"), dict):
            return f"must have at least {least} {'entry' if least == 1 else 'entries'} (got none)"
        return f"must have at least {least} {'item' if least == 1 else 'items'}{got}"
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


