"""The journal: every input and every event of a game, as JSON Lines, the game's only save format.

Line 1 is a header (format, engine version, seed, the scenario itself and its content hash); each
further line is one record, tagged by ``record``:

- ``move``: a team submitted a move (input);
- ``withdraw``: a submitted move was taken back before the turn advanced (input);
- ``facilitator``: the white cell injected, overrode or adjudicated (input);
- ``advance``: the turn was advanced (input);
- ``fork``: the game was forked onto a new seed (and seats) (input);
- ``event``: something happened (output, regenerated on replay and compared byte for byte).

Replaying the inputs on a fresh game rebuilds the identical game; comparing the regenerated lines
with the stored ones proves it. Saving writes a temporary file, fsyncs it and renames it over the
old one, so a crash mid-save leaves the previous save intact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, NonNegativeInt, TypeAdapter, ValidationError

from wargame.errors import JournalError
from wargame.files import read_regular_file, save_text_atomic
from wargame.limits import MAX_JOURNAL_BYTES
from wargame.scenario.base import Model
from wargame.yamlio import issues_from_validation

FORMAT = "wargame-journal"
FORMAT_VERSION = 1


def dumps(record: dict[str, Any]) -> str:
    """One journal line: compact, UTF-8, keys in the order the engine wrote them (stable)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class HeaderRecord(Model):
    """The first line of a journal."""

    record: Literal["header"]
    format: Literal["wargame-journal"]
    format_version: int
    engine: str
    seed: NonNegativeInt
    spawn_key: list[NonNegativeInt] = []
    human_teams: list[str] = []
    scenario_hash: str
    scenario: dict[str, Any]


class MoveRecord(Model):
    record: Literal["move"]
    id: str
    turn: int
    week: float
    team: str
    kind: str
    params: dict[str, Any]


class WithdrawRecord(Model):
    record: Literal["withdraw"]
    move: str
    turn: int


class FacilitatorRecord(Model):
    record: Literal["facilitator"]
    id: str
    turn: int
    week: float
    action: Literal["inject_event", "inject_move", "override"]
    rationale: str
    detail: dict[str, Any]


class ForkRecord(Model):
    """A fork: from here on the game draws from this seed, with these seats played by people
    (see ``Game.fork``)."""

    record: Literal["fork"]
    turn: int
    seed: NonNegativeInt
    spawn_key: list[NonNegativeInt]
    human_teams: list[str]


class AdvanceRecord(Model):
    record: Literal["advance"]
    turn: int
    """The turn that this advance plays (1 for the first advance)."""


class StepRecord(Model):
    """The white cell ran the game forward within a turn, to ``week``, without ending it."""

    record: Literal["step"]
    turn: int
    week: float


class CauseRecord(Model):
    kind: Literal["move", "inject", "rule", "source", "trigger", "facilitator", "clock"]
    ref: str
    parent: str | None = None


class EventRecord(Model):
    record: Literal["event"]
    id: str
    week: float
    turn: int
    kind: str
    actor: str | None
    visible_to: list[str]
    cause: CauseRecord
    description: str
    data: dict[str, Any]


BodyRecord = Annotated[
    MoveRecord | WithdrawRecord | FacilitatorRecord | AdvanceRecord | StepRecord | ForkRecord
    | EventRecord,
    Field(discriminator="record"),
]
_BODY = TypeAdapter(BodyRecord)


class Journal:
    """An append-only list of journal records: a header, then inputs and events.

    Events are kept as the engine's ``Event`` tuples and turned into JSON only when the journal is
    read or saved, so a batch replication that never saves pays nothing for journalling.
    """

    def __init__(self, header: dict[str, Any], records: Iterable[Any] = ()) -> None:
        self.header = header
        self._entries: list[Any] = list(records)

    def append(self, record: Any) -> None:
        """Add a record: a JSON-ready dict, or an object with ``to_json()`` (an ``Event``)."""
        self._entries.append(record)

    @property
    def records(self) -> list[dict[str, Any]]:
        """Every record after the header, as JSON-ready dicts."""
        return [entry if isinstance(entry, dict) else entry.to_json() for entry in self._entries]

    def __len__(self) -> int:
        return 1 + len(self._entries)

    def lines(self) -> Iterator[str]:
        """Every line of the journal file, without newlines."""
        yield dumps(self.header)
        for entry in self._entries:
            yield dumps(entry if isinstance(entry, dict) else entry.to_json())

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines())

    def upto_turn(self, turn: int) -> Journal:
        """The journal of the game as it stood when turn ``turn`` ended (0: before the first).

        Every record carries the turn it belongs to: inputs and events made while turn k+1 is
        being prepared or played carry k+1, so cutting at the first record past ``turn`` drops
        exactly what happened after turn ``turn`` ended.
        """
        kept: list[Any] = []
        for entry in self._entries:
            if (entry["turn"] if isinstance(entry, dict) else entry.turn) > turn:
                break
            kept.append(entry)
        return Journal(self.header, kept)

    def save(self, path: str | Path) -> None:
        """Write atomically: a temporary file beside ``path``, fsync, rename, fsync the folder."""
        save_text_atomic(Path(path), self.text())

    @classmethod
    def load(cls, path: str | Path) -> Journal:
        """Read and check a journal file; ``JournalError`` names the line and what is wrong."""
        path = Path(path)
        raw = read_regular_file(path, MAX_JOURNAL_BYTES,
                                lambda message: JournalError(f"{path}: {message}"),
                                what="journal")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise JournalError(f"{path}: not a wargame journal (not UTF-8 text)") from None
        return cls.parse(text, str(path))

    @classmethod
    def parse(cls, text: str, name: str = "<journal>") -> Journal:
        """Parse journal text; the checks ``load`` does, for text already in memory."""
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        else:
            raise JournalError(f"{name}: damaged journal: the last line is incomplete "
                               "(a save was cut off?)")
        if not lines:
            raise JournalError(f"{name}: empty file, not a wargame journal")
        try:
            header = json.loads(lines[0])
        except (ValueError, RecursionError):  # RecursionError: nested thousands deep
            raise JournalError(f"{name}:1: not a wargame journal (line 1 is not JSON)") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise JournalError(f"{name}:1: not a wargame journal (no '{FORMAT}' header)")
        if header.get("format_version") != FORMAT_VERSION:
            raise JournalError(f"{name}:1: journal format version {header.get('format_version')}"
                               f" is not supported (this engine reads version {FORMAT_VERSION})")
        try:
            HeaderRecord.model_validate(header)
        except ValidationError as exc:
            raise JournalError(f"{name}:1: damaged header: {_first_error(exc, header)}") from None
        records: list[dict[str, Any]] = []
        for number, line in enumerate(lines[1:], start=2):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise JournalError(f"{name}:{number}: damaged journal: not JSON ({exc.msg})") \
                    from None
            except (ValueError, RecursionError) as exc:  # a number of 4300+ digits; deep nesting
                why = "nested too deeply" if isinstance(exc, RecursionError) else "number too long"
                raise JournalError(f"{name}:{number}: damaged journal: not JSON ({why})") \
                    from None
            try:
                _BODY.validate_python(record)
            except ValidationError as exc:
                problem = _first_error(exc, record)
                raise JournalError(f"{name}:{number}: damaged journal: {problem}") from None
            records.append(record)
        return cls(header, records)


def _first_error(exc: ValidationError, data: Any = None) -> str:
    return str(issues_from_validation(exc, data)[0])
