"""Numbers written with their source beside them: ``{value: 0.05, source: "..."}``.

World files and scenario files may write any number this way; the reader replaces each wrapper
by its value and keeps, for every path (``edges[3].essential``), the number and its source, so
that provenance stays in the file next to the number and tools (the calibration check, the
sensitivity analysis, the model documentation) can read it back. What a source may say is
``wargame.calibration.sources``' business; here it only has to be non-empty text.
"""

from __future__ import annotations

from typing import Any, TypeVar

from wargame.errors import Issue, _IssuesError
from wargame.yamlio import Path_, Where, format_path

E = TypeVar("E", bound=_IssuesError)

KEYS = frozenset({"value", "source"})
OPTIONAL = frozenset({"note"})

Sourced = dict[str, tuple[Any, str]]
"""Path (``nodes[3].output``) → (the number as written, its source)."""


def is_sourced(value: Any) -> bool:
    return (isinstance(value, dict) and value.keys() >= KEYS
            and value.keys() <= KEYS | OPTIONAL)


def strip_sources(data: Any, file: str, where: dict[Path_, Where], error: type[E]
                  ) -> tuple[Any, Sourced]:
    """Replace every ``{value, source}`` wrapper by its value; collect path → (value, source)."""
    found: Sourced = {}

    def strip(value: Any, path: Path_) -> Any:
        if isinstance(value, dict):
            if is_sourced(value):
                source = value["source"]
                if not isinstance(source, str) or not source.strip():
                    raise error(Issue("source must be a non-empty text", format_path(path), file,
                                      where.get(path, (file, None))[1]))
                found[format_path(path)] = (value["value"], source)
                return value["value"]
            return {key: strip(item, (*path, key)) for key, item in value.items()}
        if isinstance(value, list):
            return [strip(item, (*path, i)) for i, item in enumerate(value)]
        return value

    return strip(data, ()), found
