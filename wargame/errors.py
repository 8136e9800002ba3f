"""The project's exception hierarchy.

Every error a user can cause is one of these, and its ``str()`` is the whole message a user
sees: the CLI prints it and exits 1, never a traceback. Anything else escaping the engine is a
bug in the engine.

::

    WargameError              anything the user can cause
    ├── ScenarioError     *   a scenario, a posture or a --set override is invalid (field: why)
    ├── MoveError         *   a submitted move is illegal now (field: why); nothing changed
    ├── InputTableError   *   an input-output table or a world file a user supplied is malformed
    ├── RequestError      *   a call's argument or a command's option is wrong; nothing was run
    ├── GameStateError        an operation that the game's state forbids (advance after the end)
    ├── JournalError          a journal is damaged, foreign, or diverges on replay
    ├── ResultsError          a results folder is not one, is damaged or busy, or holds another run
    ├── OutputError           a file cannot be written as asked (an input, not ours, in use)
    └── SetupError            this installation cannot do it (an extra, a scheduler, a port)

The four marked ``*`` are input errors: the value the caller passed in is wrong, and
they are also ``ValueError``s (as python-chess's move errors are), so code that guards a call
with ``except ValueError`` catches them. The others are about a file on disk (a journal, a
results folder, an output) or about this machine, not about a value, and are not.

One mistake, one class, wherever it is made: an unknown posture or a bad ``--set`` path is a
``ScenarioError`` from ``mc``, ``sensitivity`` and the API alike; an unknown outcome or backend
name is a ``RequestError`` from every analysis; a folder that is not a batch's is a
``ResultsError`` wherever it is read.
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


class ScenarioError(_IssuesError, ValueError):
    """A scenario cannot be read, parsed or validated: its file, a posture applied to it
    (unknown, or a second one for a team), or a ``--set`` override (a path it does not have, a
    value that does not validate). Also a ``ValueError``."""


class MoveError(_IssuesError, ValueError):
    """A move was refused; the game is unchanged. Also a ``ValueError``."""


class GameStateError(WargameError):
    """The game's state does not allow the operation (for example advancing past the horizon)."""


class JournalError(WargameError):
    """A journal cannot be read, is not a wargame journal, or does not replay to itself."""


class InputTableError(_IssuesError, ValueError):
    """An input-output table or a world file a user supplied is malformed (shape, labels,
    values). Also a ``ValueError``."""


class RequestError(WargameError, ValueError):
    """A call's argument or a command's option is wrong, so nothing was run: a wrong type or a
    number out of range (``runs=0``), an unknown name of something to measure, vary or use (an
    outcome, an indicator, an assumption group, a backend, a node or edge of the network), or
    options that exclude or need each other (``--lhs`` with ``--sobol``). Also a
    ``ValueError``."""


class ResultsError(WargameError):
    """A results folder (the ``--out`` of a batch, a design or an analysis) cannot be used as
    asked: it is not one or does not exist, a part or the manifest is damaged, another batch is
    writing it, or it holds a run with another configuration (a resume that would mix two)."""


class OutputError(WargameError):
    """A file cannot be written as asked: it is an input, exists and is not ours (without
    ``--force``), is a directory, is in use by another game, or the place is not writable.
    Nothing was written."""


class SetupError(WargameError):
    """This installation or machine cannot do what was asked, though the request is right: an
    optional extra is not installed (``pip install "wargame[sensitivity]"``), a Dask scheduler or
    a port cannot be reached, worker processes cannot start."""
