"""Small types shared by the scenario models: ids, event kinds, visibility, field paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import Discriminator, StringConstraints, Tag

from wargame.validated import ID_PATTERN

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
EventKind = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")]


def by_python_type(string_tag: str, other_tag: str) -> Callable[[object], str]:
    """A discriminator that picks a union member from the input's Python type, so a wrong value
    gets one message instead of one per member."""

    def pick(value: object) -> str:
        return string_tag if isinstance(value, str | int | float) else other_tag

    return pick


Visibility = Annotated[
    Annotated[Literal["all"], Tag("all_teams")] | Annotated[list[Id], Tag("team_list")],
    Discriminator(by_python_type("all_teams", "team_list")),
]
"""``all`` or a list of team ids. The acting team and the white cell always see their own."""
Loc = tuple[str | int, ...]
