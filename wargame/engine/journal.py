"""The journal: every input and every event of a game, as JSON Lines, the game's only save format.

Line 1 is a header (format, engine version, seed, the scenario itself and its content hash); each
further line is one record, tagged by ``record``:

- ``move``: a team submitted a move (input);
- ``withdraw``: a submitted move was taken back before the turn advanced (input);
- ``facilitator``: the white cell injected, overrode, vetoed a move or adjudicated (input);
- ``advance``: the turn was advanced (input);
- ``fork``: the game was forked onto a new seed (and seats) (input);
- ``event``: something happened (output, regenerated on replay and compared byte for byte).

Replaying the inputs on a fresh game rebuilds the identical game; comparing the regenerated lines
with the stored ones, byte for byte as they are in the file, proves it. Saving writes a temporary
file, fsyncs it and renames it over the old one, so a crash mid-save leaves the previous save
intact; a journal larger than a journal may be read (``wargame.limits.MAX_JOURNAL_BYTES``) is
refused when it is written, not discovered when it is read.

**Versions.** ``format_version`` says which rules wrote the file, and a journal is always replayed
under its own version's rules (``SEMANTICS``), so old saves keep replaying when the engine
changes. The scenario's hash is taken of the scenario *as saved* in the header, so a field the
format gains later (with a default) does not make an older save look edited. Version 1 (up to
issue 11): an event's effects fired triggers one by one as they applied. Version 2: an event's
effects all apply first, then the triggers they crossed, then the rules the event wakes.

**What verification proves, and what it does not.** A verified journal is self-consistent: its
events are exactly what its inputs produce. It is *not* tamper-evident: anyone who edits the
inputs (or the scenario) and regenerates the events, or recomputes the hash, gets a journal that
verifies. Keep saves where only the white cell can write them, or sign them outside the engine.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, NonNegativeInt, Tag, TypeAdapter, ValidationError

from wargame.canonical import content_hash
from wargame.errors import JournalError
from wargame.files import read_regular_file, save_text_atomic
from wargame.frozen import freeze
from wargame.limits import MAX_JOURNAL_BYTES
from wargame.scenario.schema import EventSpec
from wargame.validated import Model
from wargame.yamlio import issues_from_validation

FORMAT = "wargame-journal"
FORMAT_VERSION = 2
"""The version this engine writes."""
READABLE_VERSIONS = (1, 2)
"""Versions this engine reads and replays, each under its own rules."""


def atomic_effects(format_version: int) -> bool:
    """Whether a journal of this version applies an event's effects as one (version 2 on)."""
    return format_version >= 2


def dumps(record: dict[str, Any]) -> str:
    """One journal line: compact, UTF-8, keys in the order the engine wrote them (stable)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


class _Record(Model):
    """A journal line as the engine writes it: exact types (strict), so a line that only
    coerces into shape (``"week": "1"``) is damaged rather than replayed with text as a week."""

    model_config = ConfigDict(strict=True)


class HeaderRecord(_Record):
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


class MoveRecord(_Record):
    record: Literal["move"]
    id: str
    turn: int
    week: float
    team: str
    kind: str
    params: dict[str, Any]
    rationale: str | None = None
    """The player's why, when one was given (the key is absent otherwise)."""


class WithdrawRecord(_Record):
    record: Literal["withdraw"]
    move: str
    turn: int
    rationale: str | None = None
    """The player's why, when one was given (the key is absent otherwise)."""


class InjectMoveDetail(_Record):
    team: str
    kind: str
    params: dict[str, Any] = {}


class OverrideDetail(_Record):
    indicator: str
    value: float


class VetoDetail(_Record):
    move: str
    """The id of the submitted move the white cell struck."""


class _Facilitator(_Record):
    record: Literal["facilitator"]
    id: str
    turn: int
    week: float
    rationale: str


class InjectEventRecord(_Facilitator):
    action: Literal["inject_event"]
    detail: EventSpec


class InjectMoveRecord(_Facilitator):
    action: Literal["inject_move"]
    detail: InjectMoveDetail


class OverrideRecord(_Facilitator):
    action: Literal["override"]
    detail: OverrideDetail


class VetoRecord(_Facilitator):
    action: Literal["veto"]
    detail: VetoDetail


FacilitatorRecord = Annotated[
    InjectEventRecord | InjectMoveRecord | OverrideRecord | VetoRecord,
    Field(discriminator="action")]
"""A white-cell action; its ``detail`` is checked for its action, so replay never meets an
override without an indicator."""


class ForkRecord(_Record):
    """A fork: from here on the game draws from this seed, with these seats played by people
    (see ``Game.fork``)."""

    record: Literal["fork"]
    turn: int
    seed: NonNegativeInt
    spawn_key: list[NonNegativeInt]
    human_teams: list[str]


class AdvanceRecord(_Record):
    record: Literal["advance"]
    turn: int
    """The turn that this advance plays (1 for the first advance)."""


class StepRecord(_Record):
    """The white cell ran the game forward within a turn, to ``week``, without ending it."""

    record: Literal["step"]
    turn: int
    week: float


class CauseRecord(_Record):
    kind: Literal["move", "inject", "rule", "source", "trigger", "facilitator", "clock"]
    ref: str
    parent: str | None = None


class EventRecord(_Record):
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
    MoveRecord | WithdrawRecord | Annotated[FacilitatorRecord, Tag("facilitator")]
    | AdvanceRecord | StepRecord | ForkRecord | EventRecord,
    Field(discriminator="record"),
]
# annotated: how mypy infers a TypeAdapter of an Annotated union differs between versions
_BODY: TypeAdapter[Any] = TypeAdapter(BodyRecord)


class Journal:
    """An append-only list of journal records: a header, then inputs and events.

    Events are kept as the engine's ``Event`` tuples and turned into JSON only when the journal is
    read or saved, so a batch replication that never saves pays nothing for journalling.
    """

    def __init__(self, header: dict[str, Any], records: Iterable[Any] = (), *,
                 raw_lines: list[str] | None = None) -> None:
        self.header = header
        self._entries: list[Any] = list(records)
        self.raw_lines = raw_lines
        """The file's lines exactly as read (None for a journal made in memory): replay
        verification compares against these, so a byte changed on disk cannot pass."""

    @property
    def format_version(self) -> int:
        return int(self.header["format_version"])

    def append(self, record: Any) -> None:
        """Add a record: a JSON-ready dict (kept read-only), or an object with ``to_json()``
        (an ``Event``)."""
        self._entries.append(freeze(record) if isinstance(record, dict) else record)

    @property
    def records(self) -> list[dict[str, Any]]:
        """Every record after the header, as JSON-ready dicts."""
        return [entry if isinstance(entry, dict) else entry.to_json() for entry in self._entries]

    def inputs(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line number, record) of every input record (not the events, which replay
        regenerates): what a replay applies, without turning events into JSON."""
        for number, entry in enumerate(self._entries, start=2):
            if isinstance(entry, dict) and entry.get("record") != "event":
                yield number, entry

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
        """Write atomically: a temporary file beside ``path``, fsync, rename, fsync the folder.

        A journal larger than ``MAX_JOURNAL_BYTES`` (what ``load`` accepts) is refused before
        anything is written: a save must always be readable again."""
        text = self.text()
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_JOURNAL_BYTES:
            raise JournalError(f"{path}: the journal would be {size} bytes, more than a journal "
                               f"may be ({MAX_JOURNAL_BYTES} bytes, what replay reads); nothing "
                               "was written")
        save_text_atomic(Path(path), text)

    @classmethod
    def load(cls, path: str | Path) -> Journal:
        """Read and check a journal file; ``JournalError`` names the line and what is wrong."""
        if not isinstance(path, str | Path):
            raise JournalError(f"a journal is read from a path (got {type(path).__name__})")
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
        if not isinstance(text, str):
            raise JournalError(f"{name}: journal text must be a str (got {type(text).__name__})")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        else:
            raise JournalError(f"{name}: damaged journal: the last line is incomplete "
                               "(a save was cut off?)")
        if not lines:
            raise JournalError(f"{name}: empty file, not a wargame journal")
        try:
            header = _json_line(lines[0])
        except _NotJson as exc:
            if exc.duplicate:
                raise JournalError(f"{name}:1: damaged header: {exc}") from None
            raise JournalError(f"{name}:1: not a wargame journal (line 1 is not JSON)") from None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise JournalError(f"{name}:1: not a wargame journal (no '{FORMAT}' header)")
        if header.get("format_version") not in READABLE_VERSIONS:
            raise JournalError(
                f"{name}:1: journal format version {header.get('format_version')!r} is not "
                f"supported (this engine reads versions "
                f"{', '.join(map(str, READABLE_VERSIONS))}; a newer wargame wrote it?)")
        try:
            HeaderRecord.model_validate(header)
        except ValidationError as exc:
            raise JournalError(f"{name}:1: damaged header: {_first_error(exc, header)}") from None
        if content_hash(header["scenario"]) != header["scenario_hash"]:
            raise JournalError(f"{name}:1: the scenario does not match its recorded hash "
                               "(edited or damaged)")
        records: list[dict[str, Any]] = []
        for number, line in enumerate(lines[1:], start=2):
            try:
                record = _json_line(line)
            except _NotJson as exc:
                why = str(exc) if exc.duplicate else f"not JSON ({exc})"
                raise JournalError(f"{name}:{number}: damaged journal: {why}") from None
            try:
                _BODY.validate_python(record)
            except ValidationError as exc:
                problem = _first_error(exc, record)
                raise JournalError(f"{name}:{number}: damaged journal: {problem}") from None
            records.append(record)
        return cls(header, records, raw_lines=lines)


class _NotJson(ValueError):
    def __init__(self, why: str, duplicate: bool = False) -> None:
        super().__init__(why)
        self.duplicate = duplicate


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _NotJson(f"duplicate key '{key}' in one record", duplicate=True)
            seen.add(key)
    return result


def _no_constants(name: str) -> Any:
    raise _NotJson(f"{name} is not a number JSON allows")


def _json_line(line: str) -> Any:
    """One line as strict JSON: no duplicate keys (which one would count?), no NaN or Infinity
    (the engine never writes them), nesting and numbers within Python's limits."""
    try:
        return json.loads(line, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except _NotJson:
        raise
    except json.JSONDecodeError as exc:
        raise _NotJson(exc.msg) from None
    except RecursionError:
        raise _NotJson("nested too deeply") from None
    except ValueError as exc:  # a number of 4300+ digits
        raise _NotJson("number too long" if "digits" in str(exc) else str(exc)) from None


def _first_error(exc: ValidationError, data: Any = None) -> str:
    return str(issues_from_validation(exc, data)[0])
