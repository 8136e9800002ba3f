"""Reading a results directory: the manifest, the summary rows and the weekly series.

Only the parts the manifest lists are read (a part a killed run left behind is not a result).
The files are plain Parquet, so pandas, polars and DuckDB open them directly too
(docs/analysis.md).
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from wargame.montecarlo.storage import SERIES_SCHEMA, load_manifest, summary_schema


class Results:
    """A finished (or partly finished) batch on disk."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
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
    def complete(self) -> bool:
        return sum(c["stop"] - c["start"] for c in self.manifest["chunks"]) == self.manifest[
            "runs"]

    def _read(self, kind: str, schema: pa.Schema) -> pa.Table:
        files = [self.path / kind / chunk["file"] for chunk in self.manifest["chunks"]]
        if not files:
            return schema.empty_table()
        table = pa.concat_tables(pq.read_table(file) for file in files)
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

    def summary(self) -> Any:
        """Mean, sd, percentiles and a 95% CI per outcome (see ``analysis.summarise``)."""
        from wargame.montecarlo.analysis import summarise

        return summarise(self)

    def __repr__(self) -> str:
        manifest = self.manifest
        done = sum(c["stop"] - c["start"] for c in manifest["chunks"])
        return (f"Results({str(self.path)!r}: {manifest['scenario']['name']}, {done}/"
                f"{manifest['runs']} runs, seed {manifest['seed']}, "
                f"{len(manifest['failures'])} failed)")
