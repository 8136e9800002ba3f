"""The base class of every validated input (scenarios, worlds, moves, journal records), and the
error that carries located field issues.

A module of its own at the top of the package, so the scenario and the economy packages both
build on it without importing each other.

Every model is frozen (a loaded scenario cannot be changed behind the engine's back), forbids
unknown keys (a typo in a scenario is an error, not a silently ignored setting) and turns attribute
docstrings into JSON Schema descriptions (so the authoring reference is generated, not written
twice).
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError

from wargame.frozen import FrozenDict, FrozenList, freeze

ID_PATTERN = r"^[a-z][a-z0-9_]*$"
"""Ids of teams, indicators, moves, rules, ...: lower case, digits and underscores."""
ID_RE = re.compile(ID_PATTERN)
WHITE = "white"
"""The white cell (facilitators): sees everything, is not a team in the scenario."""
RESERVED_IDS = frozenset({WHITE, "all"})


class Model(BaseModel):
    """Frozen, strict about unknown keys, documented by attribute docstrings."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        use_attribute_docstrings=True,
        populate_by_name=True,
        allow_inf_nan=False,  # a NaN would poison comparisons and cannot be journalled
    )
    _tag_field: ClassVar[str | None] = None

    @model_validator(mode="before")
    @classmethod
    def _reject_unknown_keys(cls, data: Any) -> Any:
        """Name the unknown key and list the allowed ones (pydantic's own message does not)."""
        if isinstance(data, dict):
            allowed: list[str] = []
            for name, field in cls.model_fields.items():
                allowed.append(field.alias or name)
            unknown = [key for key in data if key not in allowed and key not in cls.model_fields]
            if unknown:
                raise PydanticCustomError(
                    "unknown_field",
                    "unknown field '{field}' (expected one of: {allowed})",
                    {"field": str(unknown[0]), "allowed": ", ".join(allowed)},
                )
            for name in _number_fields(cls):
                value = data.get(name)
                if isinstance(value, bool):  # pydantic's lax mode would read `true` as 1
                    raise FieldIssues([((name,), f"must be a number (got {str(value).lower()})")])
            problems = [(path, message) for key, value in data.items()
                        for path, message in _text_problems(value, (key,),
                                                            name=key in NAME_FIELDS)]
            if problems:
                raise FieldIssues(problems[:1])
        return data

    @model_validator(mode="after")
    def _freeze_containers(self) -> Any:
        """Frozen all the way down: pydantic's ``frozen`` stops at the attributes, and the engine
        reads a scenario's dicts and lists as it plays (``wargame.frozen``)."""
        for name, value in self.__dict__.items():
            if isinstance(value, dict | list) and not isinstance(value, FrozenDict | FrozenList):
                object.__setattr__(self, name, freeze(value))
        return self


NAME_FIELDS = frozenset({"name", "unit", "choices", "team", "kind", "indicator", "actor"})
"""Fields that name something a person must tell apart from other names: no invisible
characters at all there."""
_INVISIBLE_IN_TEXT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
    "\u2066-\u2069\ud800-\udfff]")
"""Control characters (tab and line breaks aside), bidirectional controls (the "Trojan source"
characters that make text display in another order than it reads) and lone surrogates (which no
UTF-8 file can hold): refused in any text, so a report shows what the file says and a journal can
always be written."""
_INVISIBLE_IN_NAME = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u2069\ufeff\ud800-\udfff]")
"""In names, also zero-width characters and soft hyphens: two names that look the same must be
the same name."""


def text_problem(text: str, *, name: bool = False) -> str | None:
    """Why ``text`` may not appear in a scenario, a move or a journal, or None."""
    found = (_INVISIBLE_IN_NAME if name else _INVISIBLE_IN_TEXT).search(text)
    if found is None:
        return None
    code = ord(found.group())
    what = ("a lone surrogate (not valid Unicode)" if 0xD800 <= code <= 0xDFFF
            else "a control character" if code < 0x20 or 0x7F <= code <= 0x9F
            else "a bidirectional control character" if code in _BIDI
            else "an invisible character")
    where = "a name" if name else "text"
    return f"{where} may not contain {what} (U+{code:04X} at position {found.start()})"


_BIDI = frozenset({0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)})


def _text_problems(value: Any, path: tuple[str | int, ...], *, name: bool
                   ) -> list[tuple[tuple[str | int, ...], str]]:
    """Problems of the text in a field's value: the value itself, the items of a list, the keys
    and text values of a mapping (nested models check their own fields)."""
    if isinstance(value, str):
        problem = text_problem(value, name=name)
        return [] if problem is None else [(path, problem)]
    if isinstance(value, bytes | bytearray):  # pydantic would decode them, unchecked
        return [(path, "must be text, not bytes")]
    if isinstance(value, list):
        return [found for index, item in enumerate(value) if isinstance(item, str | bytes)
                for found in _text_problems(item, (*path, index), name=name)]
    if isinstance(value, dict):
        found: list[tuple[tuple[str | int, ...], str]] = []
        for key, item in value.items():
            if isinstance(key, str) and (problem := text_problem(key, name=True)):
                found.append(((*path, key), problem))
            if isinstance(item, str | bytes | bytearray | list):
                found += _text_problems(item, (*path, key), name=name or key in NAME_FIELDS)
        return found
    return []


_NUMBER_FIELDS: dict[type, tuple[str, ...]] = {}


def _number_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    """Names (as written in a file) of the fields that take a number but never true/false."""
    if cls not in _NUMBER_FIELDS:
        names = []
        for name, field in cls.model_fields.items():
            annotation = field.annotation
            if typing.get_origin(annotation) in (typing.Union, types.UnionType):
                members = {_bare(member) for member in typing.get_args(annotation)}
            else:
                members = {_bare(annotation)}
            if members & {int, float} and bool not in members:
                names.append(field.alias or name)
        _NUMBER_FIELDS[cls] = tuple(names)
    return _NUMBER_FIELDS[cls]


def _bare(annotation: Any) -> Any:
    """``Annotated[float, Tag("number")]`` → ``float``."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


class FieldIssues(ValueError):
    """Raised by validators that check across fields; each issue has a path relative to the model.

    Pydantic wraps it in a ``value_error`` located at the model; the loader unwraps it so that
    every issue is reported at its own field and line.
    """

    def __init__(self, issues: list[tuple[tuple[str | int, ...], str]]) -> None:
        self.issues = issues
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in issues))
