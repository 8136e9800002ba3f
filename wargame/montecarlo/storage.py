"""The results directory: Parquet parts written atomically, and a manifest that lists them.

Layout (docs/monte-carlo.md): ``manifest.json``; ``summary/part-NNNNN.parquet`` (one row per
replication: ``replication``, ``status``, then one float column per outcome, null when the outcome
did not happen or the replication failed); ``series/part-NNNNN.parquet`` (tidy: ``replication``,
``week``, ``indicator``, ``value``). A part is written to a temporary file and renamed into place
*before* the manifest lists it, so a kill at any moment leaves either a listed, complete part or
nothing the manifest knows of; ``resume`` reruns exactly the chunks the manifest does not list.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from wargame.errors import WargameError
from wargame.files import save_text_atomic

FORMAT = "wargame-mc/1"
MANIFEST = "manifest.json"


class ResultsError(WargameError):
    """A results directory that cannot be used as asked (changed configuration, damage)."""


def summary_schema(outcomes: list[str] | tuple[str, ...]) -> pa.Schema:
    return pa.schema([("replication", pa.int64()), ("status", pa.string()),
                      *((name, pa.float64()) for name in outcomes)])


SERIES_SCHEMA = pa.schema([("replication", pa.int64()), ("week", pa.float64()),
                           ("indicator", pa.dictionary(pa.int32(), pa.string())),
                           ("value", pa.float64())])


def part_name(index: int) -> str:
    return f"part-{index:05d}.parquet"


def write_part(directory: Path, index: int, columns: dict[str, list[Any]],
               schema: pa.Schema) -> None:
    """Write one Parquet part atomically (temp file in the same folder, fsync, rename)."""
    directory.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pydict(columns, schema=schema)
    handle, temporary = tempfile.mkstemp(prefix=".part-", suffix=".tmp", dir=directory)
    os.close(handle)
    try:
        pq.write_table(table, temporary, compression="zstd")
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, directory / part_name(index))
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_manifest(directory: Path, manifest: dict[str, Any]) -> None:
    save_text_atomic(directory / MANIFEST,
                     json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=False) + "\n")


def load_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{directory}: not a results directory (no {MANIFEST})") from None
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{path}: cannot read the manifest ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ResultsError(f"{path}: not a wargame results manifest (format {FORMAT})")
    return manifest


def remove_unlisted_parts(directory: Path, listed: set[int]) -> None:
    """Parts (or temp files) a killed run left that the manifest does not list."""
    for kind in ("summary", "series"):
        folder = directory / kind
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            stem = path.name
            if stem.startswith(".part-") or (
                    stem.startswith("part-") and int(stem[5:10]) not in listed):
                path.unlink(missing_ok=True)
