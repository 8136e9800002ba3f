"""The base class of every scenario model, and the error that carries located field issues.

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
        return data


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
