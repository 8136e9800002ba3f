"""Reading a results directory: the manifest, the summary rows and the weekly series.

Only the parts the manifest lists are read (a part a killed run left behind is not a result), and
each is checked to be the part listed (``storage.read_part``): a part deleted, truncated or
replaced is named with the cure (``--resume`` rebuilds it) rather than read as a wrong answer.
The files are plain Parquet, so pandas, polars and DuckDB open them directly too
(docs/analysis.md).
"""

from __future__ import annotations

import os
import stat
from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa

from wargame.montecarlo.stats import OutcomeSummary, outcome_columns, summarise_columns
from wargame.montecarlo.storage import (
    SERIES_SCHEMA,
    ResultsError,
    load_manifest,
    read_part,
    summary_schema,
)

RESUME_HINT = "rerun the `wargame mc` command that wrote {path} with --resume (same options)"


def resume_hint(path: Path) -> str:
    """How to finish or repair a batch: the same command again, with ``--resume``."""
    return RESUME_HINT.format(path=path)


def _folder(path: Any) -> Path:
    if isinstance(path, bool) or not isinstance(path, str | os.PathLike) or not str(path):
        raise ResultsError(f"Results needs the path of a results folder, the --out of a batch "
                           f"(got {path!r})")
    folder = Path(path)
    try:
        info = os.stat(folder)
    except FileNotFoundError:
        raise ResultsError(f"{folder}: no such folder (give the --out folder of a batch)"
                           ) from None
    except (OSError, ValueError) as exc:
        raise ResultsError(f"{folder}: cannot read it: {getattr(exc, 'strerror', None) or exc}"
                           ) from None
    if not stat.S_ISDIR(info.st_mode):
        raise ResultsError(f"{folder}: is not a folder; a batch's results are the folder "
                           "`wargame mc --out` wrote (with manifest.json inside)")
    return folder


class Results:
    """A finished (or partly finished) batch on disk."""

    def __init__(self, path: str | Path) -> None:
        self.path = _folder(path)
        self.manifest: dict[str, Any] = load_manifest(self.path)

    @property
    def label(self) -> str:
        """A short name for tables and plots: the postures, or the directory's name."""
        postures = self.manifest.get("postures") or []
        return " + ".join(postures) if postures else self.path.name

    @property
    def outcome_names(self) -> list[str]:
        return list(self.manifest["outcomes"])

    @property
    def runs(self) -> int:
        """Replications the batch was asked for."""
        return int(self.manifest["runs"])

    @property
    def done(self) -> int:
        """Replications on disk (ok or failed)."""
        return sum(c["stop"] - c["start"] for c in self.manifest["chunks"])

    @property
    def complete(self) -> bool:
        return self.done == self.runs

    @property
    def failures(self) -> list[dict[str, Any]]:
        """The manifest's failed replications (error, seed, spawn key, traceback) that belong to
        the chunks on disk."""
        listed = [(chunk["start"], chunk["stop"]) for chunk in self.manifest["chunks"]]
        return [failure for failure in self.manifest["failures"]
                if any(start <= failure["replication"] < stop for start, stop in listed)]

    @property
    def failed(self) -> int:
        """Replications that raised (status ``error``) in the chunks on disk."""
        return len(self.failures)

    def _read(self, kind: str, schema: pa.Schema) -> pa.Table:
        tables = []
        for chunk in self.manifest["chunks"]:
            path = self.path / kind / chunk["file"]
            try:
                tables.append(read_part(path, schema, chunk["start"], chunk["stop"],
                                        series=kind == "series"))
            except ResultsError as exc:
                raise ResultsError(f"{exc}; {resume_hint(self.path)} to rebuild it") from None
        if not tables:
            return schema.empty_table()
        table = pa.concat_tables(tables)
        return table.sort_by([("replication", "ascending")] + (
            [("week", "ascending")] if kind == "series" else []))

    @cached_property
    def outcomes(self) -> pa.Table:
        """One row per replication: replication, status, then each outcome (null: none)."""
        return self._read("summary", summary_schema(self.outcome_names))

    @cached_property
    def series(self) -> pa.Table:
        """Tidy weekly series: replication, week, indicator, value (the white cell's truth)."""
        return self._read("series", SERIES_SCHEMA)

    def to_pandas(self) -> Any:
        """The summary rows as a pandas DataFrame (pandas must be installed)."""
        return self.outcomes.to_pandas()

    def summary(self) -> list[OutcomeSummary]:
        """Mean, sd, percentiles and a 95% CI per outcome (``stats.summarise_columns``)."""
        return summarise_columns(outcome_columns(self.outcomes, self.outcome_names))

    def __repr__(self) -> str:
        manifest = self.manifest
        return (f"Results({str(self.path)!r}: {manifest['scenario']['name']}, {self.done}/"
                f"{manifest['runs']} runs, seed {manifest['seed']}, {self.failed} failed)")
