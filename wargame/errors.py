"""The project's exception hierarchy.

Every error a user can cause is one of these, and its ``str()`` is the whole message a user
sees: the CLI prints it and exits 1, never a traceback. Anything else escaping the engine is a
bug in the engine.

::

    WargameError                 anything the user can cause
    ├── ScenarioError            a scenario file is unreadable or invalid (file:line: field: why)
    ├── MoveError                a submitted move is illegal now (field: why); nothing changed
    ├── GameStateError           an operation that the game's state forbids (advance after the end)
    ├── JournalError             a journal is damaged, foreign, or diverges on replay
    ├── InputTableError          an input-output table a user supplied is malformed
    └── OutputError              a file cannot be written as asked (an input, not ours, in use)
"""

from __future__ import annotations

from dataclasses import dataclass


class WargameError(Exception):
    """Base of every error the user can cause; the message is meant for a person."""


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in an input, located as precisely as the input allows."""

    message: str
    """What was expected and what was found, e.g. ``must be ≤ 5 (got 9)``."""
    path: str = ""
    """The field path in the input, e.g. ``injects[3].move.params.severity``."""
    file: str | None = None
    """The file the problem is in, when the input came from a file."""
    line: int | None = None
    """1-based line in ``file``."""

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line is not None else f"{self.file}: "
        field = f"{self.path}: " if self.path else ""
        return f"{where}{field}{self.message}"


class _IssuesError(WargameError):
    """An error that carries one or more located issues, one message line each."""

    def __init__(self, issues: list[Issue] | Issue | str) -> None:
        if isinstance(issues, str):
            issues = [Issue(issues)]
        elif isinstance(issues, Issue):
            issues = [issues]
        self.issues: list[Issue] = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


class ScenarioError(_IssuesError):
    """A scenario file cannot be read, parsed or validated."""


class MoveError(_IssuesError):
    """A move was refused; the game is unchanged."""


class GameStateError(WargameError):
    """The game's state does not allow the operation (for example advancing past the horizon)."""


class JournalError(WargameError):
    """A journal cannot be read, is not a wargame journal, or does not replay to itself."""


class InputTableError(_IssuesError):
    """An input-output table a user supplied is malformed (shape, labels, values)."""


class OutputError(WargameError):
    """A file cannot be written as asked: it is an input, exists and is not ours (without
    ``--force``), is a directory, is in use by another game, or the place is not writable.
    Nothing was written."""
