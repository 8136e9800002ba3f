"""The results directory: Parquet parts written atomically, and a manifest that lists them.

Layout (docs/monte-carlo.md): ``manifest.json``; ``summary/part-NNNNN.parquet`` (one row per
replication: ``replication``, ``status``, then one float column per outcome, null when the outcome
did not happen or the replication failed); ``series/part-NNNNN.parquet`` (tidy: ``replication``,
``week``, ``indicator``, ``value``). A part is written to a temporary file and renamed into place
*before* the manifest lists it, so a kill at any moment leaves either a listed, complete part or
nothing the manifest knows of; ``resume`` reruns exactly the chunks the manifest does not list,
and those whose parts have since gone missing or been damaged (``read_part`` says which).

Nothing else in the folder is ours: a file is deleted only when its name is exactly one this
module writes (``part-NNNNN.parquet`` the manifest does not list, or one of our temporary files),
so a user's ``summary/part-00001.bak`` or notes survive every run. One batch writes a folder at a
time (``FolderLock``): a second is refused at once, and the lock dies with its holder.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from wargame.errors import OutputError, ResultsError
from wargame.files import SaveLock, read_regular_file, save_atomic, save_text_atomic

FORMAT = "wargame-mc/1"
MANIFEST = "manifest.json"
KINDS = ("summary", "series")
MAX_MANIFEST_BYTES = 1 << 30
"""A manifest lists chunks and failures (with tracebacks): large for a huge failing batch, never
this large."""

_PART = re.compile(r"part-(\d{5,})\.parquet")
_TEMP = re.compile(r"\.part-\d{5,}\.parquet\.\d+-[0-9a-f]{12}\.tmp"  # written by write_part
                   r"|\.part-[a-z0-9_]{8}\.tmp")  # by earlier versions (tempfile.mkstemp)


def summary_schema(outcomes: list[str] | tuple[str, ...]) -> pa.Schema:
    return pa.schema([("replication", pa.int64()), ("status", pa.string()),
                      *((name, pa.float64()) for name in outcomes)])


SERIES_SCHEMA = pa.schema([("replication", pa.int64()), ("week", pa.float64()),
                           ("indicator", pa.dictionary(pa.int32(), pa.string())),
                           ("value", pa.float64())])


DICTIONARY_ENCODED = frozenset({"replication", "status", "week", "indicator"})
"""The columns a part stores dictionary-encoded: those that repeat a few values. Floats that
hardly repeat (a series' values, the outcomes) are stored plain: building a dictionary for them,
only to drop it once it overflowed, was half the cost of writing a chunk's series, and the file is
smaller without it. The values read back are the same either way."""


def part_name(index: int) -> str:
    return f"part-{index:05d}.parquet"


def part_index(name: str) -> int | None:
    """The chunk index of a file name this module writes for a part, else None."""
    match = _PART.fullmatch(name)
    if match is None or part_name(int(match.group(1))) != name:
        return None
    return int(match.group(1))


def _is_regular(path: Path) -> bool:
    """A regular file itself (not followed through a symbolic link): the only kind we write."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def series_table(columns: dict[str, Any]) -> pa.Table:
    """A chunk's series (``replication.ChunkResult.series``: arrays, the indicator as codes
    into ``names``) as a table of ``SERIES_SCHEMA``; the same table, and so the same Parquet
    bytes, as one made from the rows (its dictionary in the order names first appear)."""
    codes = np.asarray(columns["indicator"], dtype=np.int32)
    # the dictionary holds the names that have rows, in the order they first appear (as
    # ``from_pydict`` encodes them): a series with no rows in the chunk is not in it
    used, first = np.unique(codes, return_index=True)
    used = used[np.argsort(first, kind="stable")]
    remap = np.zeros(len(columns["names"]), dtype=np.int32)
    remap[used] = np.arange(used.size, dtype=np.int32)
    indicator = pa.DictionaryArray.from_arrays(
        pa.array(remap[codes] if codes.size else codes, pa.int32()),
        pa.array([columns["names"][code] for code in used.tolist()], pa.string()))
    return pa.Table.from_arrays(
        [pa.array(np.asarray(columns["replication"], dtype=np.int64), pa.int64()),
         pa.array(np.asarray(columns["week"], dtype=float), pa.float64()), indicator,
         pa.array(np.asarray(columns["value"], dtype=float), pa.float64())],
        schema=SERIES_SCHEMA)


def write_part(directory: Path, index: int, columns: dict[str, list[Any]] | pa.Table,
               schema: pa.Schema) -> None:
    """Write one Parquet part atomically (``wargame.files.save_atomic``: temp file in the same
    folder, fsync, rename, a killed write's leftover swept by the next)."""
    target = directory / part_name(index)
    table = columns if isinstance(columns, pa.Table) else pa.Table.from_pydict(columns,
                                                                               schema=schema)
    sink = pa.BufferOutputStream()  # encoded in memory, then written in one call
    pq.write_table(table, sink, compression="zstd",
                   use_dictionary=[name for name in table.column_names
                                   if name in DICTIONARY_ENCODED])
    data = sink.getvalue()
    try:
        save_atomic(target, lambda handle: handle.write(data))
    except OutputError as exc:  # the place cannot be written: the folder itself is fine
        raise OutputError(f"cannot write this part of the batch: {exc}") from None


def read_part(path: Path, schema: pa.Schema, start: int, stop: int, *, series: bool) -> pa.Table:
    """A listed part, checked to be the part the manifest says: a readable Parquet file with the
    batch's columns holding replications ``start`` to ``stop - 1`` (each once, in order, for a
    summary part). Anything else is a ``ResultsError`` saying what is wrong with the file."""

    def bad(problem: str) -> ResultsError:
        return ResultsError(f"{path}: {problem}")

    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise bad("listed in the manifest, but the file is missing") from None
    except OSError as exc:
        raise bad(f"cannot read it: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise bad("is not a regular file")
    try:
        with pq.ParquetFile(path) as handle:
            table = handle.read()
    except (pa.ArrowException, OSError, ValueError) as exc:
        why = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise bad(f"damaged: not a readable Parquet file ({why})") from None
    if not table.schema.equals(schema, check_metadata=False):
        raise bad(f"holds other columns than this batch's ({', '.join(table.column_names)})")
    replications = table.column("replication")
    if series:
        if table.num_rows and replications.null_count:
            raise bad("holds rows without a replication number")
        if table.num_rows:
            low, high = (value.as_py() for value in pc.min_max(replications).values())
            if low < start or high >= stop:
                raise bad(f"holds replications {low} to {high}, not those of its chunk "
                          f"({start} to {stop - 1})")
    elif replications.to_pylist() != list(range(start, stop)):
        raise bad(f"does not hold replications {start} to {stop - 1} (its chunk)")
    return table


def save_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    save_text_atomic(directory / MANIFEST,
                     json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=False) + "\n")


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_manifest(manifest: Any) -> str | None:
    """What is wrong with a parsed manifest's structure (None: usable)."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        return f"not a wargame results manifest (format {FORMAT})"
    runs = manifest.get("runs")
    if not _whole(runs) or runs < 1:
        return "'runs' is not a whole number ≥ 1"
    if not _whole(manifest.get("seed")):
        return "'seed' is not a whole number"
    for key in ("outcomes", "series_indicators", "postures"):
        value = manifest.get(key)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return f"'{key}' is not a list of names"
    scenario = manifest.get("scenario")
    if not isinstance(scenario, dict) or not isinstance(scenario.get("name"), str):
        return "'scenario' has no name"
    for key in ("overrides", "timings"):
        if not isinstance(manifest.get(key), dict):
            return f"'{key}' is not a mapping"
    chunk_size = manifest.get("chunk_size")
    if not _whole(chunk_size) or chunk_size < 1:
        return "'chunk_size' is not a whole number ≥ 1"
    chunks = manifest.get("chunks")
    if not isinstance(chunks, list):
        return "'chunks' is not a list"
    seen: set[int] = set()
    for number, chunk in enumerate(chunks):
        if not isinstance(chunk, dict) or not all(
                _whole(chunk.get(key)) for key in ("index", "start", "stop")):
            return f"chunk {number} has no whole index, start and stop"
        index, start, stop = chunk["index"], chunk["start"], chunk["stop"]
        if (index in seen or index < 0 or start != index * chunk_size
                or stop != min(runs, start + chunk_size) or start >= stop):
            return (f"chunk {number} (index {index}, runs {start} to {stop}) is not one of "
                    "the batch's")
        if chunk.get("file") != part_name(index):
            return (f"chunk {index} names the file {str(chunk.get('file'))[:60]!r}, not "
                    f"{part_name(index)}")
        seen.add(index)
    failures = manifest.get("failures")
    if not isinstance(failures, list) or not all(
            isinstance(failure, dict) and _whole(failure.get("replication"))
            for failure in failures):
        return "'failures' is not a list of failed replications"
    return None


def load_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    if not os.path.lexists(path):
        raise ResultsError(f"{directory}: not a results directory (no {MANIFEST})")
    data = read_regular_file(path, MAX_MANIFEST_BYTES,
                             lambda message: ResultsError(f"{path}: {message}"),
                             what="results manifest")
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:120]
        raise ResultsError(f"{path}: cannot read the manifest (not JSON: {why}); rerun the "
                           "batch without --resume to start it again") from None
    problem = _check_manifest(manifest)
    if problem is not None:
        raise ResultsError(f"{path}: damaged manifest: {problem}; rerun the batch without "
                           "--resume to start it again")
    return manifest


def remove_unlisted_parts(directory: Path, listed: set[int]) -> None:
    """Parts (or temp files) a killed run left that the manifest does not list; nothing else.

    Only regular files named exactly as ``write_part`` names them are removed: a part of an index
    the manifest does not list, or a temporary file. Whatever else a user keeps in ``summary/``
    or ``series/`` is left alone.
    """
    for kind in KINDS:
        folder = directory / kind
        try:
            with os.scandir(folder) as entries:
                names = [entry.name for entry in entries]
        except OSError:  # no folder yet (or not one): nothing of ours to remove
            continue
        for name in names:
            index = part_index(name)
            ours = (index is not None and index not in listed) or _TEMP.fullmatch(name)
            path = folder / name
            if not ours or not _is_regular(path):
                continue
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise OutputError(f"{path}: cannot remove this leftover of an interrupted run: "
                                  f"{exc.strerror or exc}") from None


class FolderLock(SaveLock):
    """Exclusive use of a results folder by one batch (``.manifest.json.lock`` inside it): a
    second batch on the folder is refused at once; the lock dies with its holder."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder / MANIFEST, shown=folder, error=ResultsError, in_use=(
            "another `wargame mc` batch is writing this results folder now; wait for it to "
            "finish (or stop it), or choose another --out"))


def prepare_folder(out: Path) -> Path:
    """Create the results folder (and its parents), refusing a path that cannot be one: a file
    there is a ``ResultsError`` (not a results folder); a place that cannot be written, an
    ``OutputError``."""
    try:
        info = os.stat(out)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the results folder here: "
                          f"{exc.strerror or exc}") from None
    if info is not None and not stat.S_ISDIR(info.st_mode):
        raise ResultsError(f"{out}: exists and is not a folder; --out names the folder a batch "
                           "is written to (give a new or a results folder's name)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the results folder here: "
                          f"{exc.strerror or exc}") from None
    return out

