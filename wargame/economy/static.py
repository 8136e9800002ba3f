"""Static input-output analysis on any table a user supplies: Leontief and Ghosh.

This is the shock propagator's static case (no stocks, no time, no capacity limits), kept so the
model can be checked against standard input-output tools and so analysts can run the textbook
calculations on their own tables. Equations (Miller and Blair 2009, chapters 2 and 12):

- technical coefficients ``A = Z x̂⁻¹``, Leontief inverse ``L = (I − A)⁻¹``, output ``x = L f``;
  a final-demand change ``Δf`` changes output by ``Δx = L Δf`` (demand-driven);
- allocation coefficients ``B = x̂⁻¹ Z``, Ghosh inverse ``G = (I − B)⁻¹``; a change in primary
  inputs ``Δv`` changes output by ``Δxᵀ = Δvᵀ G`` (supply-driven);
- output multipliers are the column sums of ``L`` (backward), Ghosh multipliers the row sums of
  ``G`` (forward).

A table is a CSV (or Parquet, with pyarrow installed) in the usual symmetric layout: the first
column holds row labels, the header holds column labels, and

- *sector* rows and columns are the labels that appear both as a row and as a column; the block
  they form is ``Z`` (flows) or, with ``coefficients=True``, ``A``;
- a column named ``output`` (or ``x``, ``total_output``, ``gross_output``) gives gross output;
  every other column is a final-demand category;
- other rows (value added, imports, taxes, totals) are read as labels only and otherwise ignored.

Labels of the form ``region:sector`` (for multi-regional tables) are split for reporting by region.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import numpy as np

from wargame.errors import InputTableError, Issue
from wargame.files import read_regular_file

OUTPUT_COLUMNS = frozenset({"output", "x", "total_output", "gross_output"})
"""Column labels (case-insensitive) read as gross output rather than final demand."""
REGION_SEPARATOR = ":"
"""``region:sector`` labels name a region for reporting."""
BALANCE_TOLERANCE = 0.01
"""Largest relative gap allowed between a given output and row sum plus final demand."""
MAX_TABLE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class IOTable:
    """A symmetric input-output table, in flows and coefficients."""

    labels: tuple[str, ...]
    """Sector labels as written in the file."""
    Z: np.ndarray
    """Intermediate flows, ``Z[i, j]`` from sector i to sector j."""
    x: np.ndarray
    """Gross output by sector."""
    final_demand: np.ndarray
    """Total final demand by sector (sum over final-demand columns)."""
    source: str = "<table>"
    """Where the table came from, for messages."""

    @property
    def regions(self) -> tuple[str, ...]:
        """Region of each sector (``""`` for single-region labels)."""
        return tuple(label.split(REGION_SEPARATOR, 1)[0] if REGION_SEPARATOR in label else ""
                     for label in self.labels)

    @property
    def A(self) -> np.ndarray:
        """Technical coefficients ``Z x̂⁻¹``."""
        return self.Z / _safe(self.x)[None, :]

    @property
    def B(self) -> np.ndarray:
        """Allocation coefficients ``x̂⁻¹ Z``."""
        return self.Z / _safe(self.x)[:, None]

    @property
    def primary_inputs(self) -> np.ndarray:
        """Value added plus imports and taxes: output less intermediate purchases, by sector."""
        return self.x - self.Z.sum(axis=0)

    def index(self, label: str) -> int:
        """Position of a sector label; the error lists the labels when it is unknown."""
        try:
            return self.labels.index(label)
        except ValueError:
            shown = ", ".join(self.labels[:15]) + (", ..." if len(self.labels) > 15 else "")
            raise InputTableError(Issue(f"unknown sector '{label}' (sectors: {shown})",
                                        file=self.source)) from None


def _safe(x: np.ndarray) -> np.ndarray:
    """Outputs as divisors: a sector with zero output has zero coefficients, not NaN."""
    return np.where(x != 0.0, x, np.inf)


def from_flows(Z: np.ndarray, x: np.ndarray | None = None,
               final_demand: np.ndarray | None = None,
               labels: tuple[str, ...] | None = None, source: str = "<table>") -> IOTable:
    """A table from flows ``Z`` and output ``x`` (or final demand, giving ``x = Z·1 + f``)."""
    Z = np.asarray(Z, dtype=float)
    n = Z.shape[0]
    if Z.ndim != 2 or Z.shape[1] != n:
        raise InputTableError(Issue(f"Z must be square (got shape {Z.shape})", file=source))
    if x is None and final_demand is None:
        raise InputTableError(Issue("give gross output or final demand", file=source))
    f = None if final_demand is None else np.asarray(final_demand, dtype=float).reshape(n)
    out = Z.sum(axis=1) + f if x is None else np.asarray(x, dtype=float).reshape(n)
    if f is None:
        f = out - Z.sum(axis=1)
    names = labels if labels is not None else tuple(f"s{i + 1}" for i in range(n))
    return IOTable(tuple(names), Z, out, f, source)


def from_coefficients(A: np.ndarray, final_demand: np.ndarray,
                      labels: tuple[str, ...] | None = None,
                      source: str = "<table>") -> IOTable:
    """A table from coefficients ``A`` and final demand: ``x = L f``, ``Z = A x̂``."""
    A = np.asarray(A, dtype=float)
    n = A.shape[0]
    f = np.asarray(final_demand, dtype=float).reshape(n)
    x = leontief_inverse(A, source) @ f
    if np.any(x < 0.0):
        raise InputTableError(Issue("the coefficients give negative output for this final "
                                    "demand (a sector's inputs per unit are too high)",
                                    file=source))
    names = labels if labels is not None else tuple(f"s{i + 1}" for i in range(n))
    return IOTable(tuple(names), A * x[None, :], x, f, source)


def leontief_inverse(A: np.ndarray, source: str = "<table>") -> np.ndarray:
    """``L = (I − A)⁻¹``; a singular ``I − A`` (a sector that needs more than it makes) is an
    input error, not a crash."""
    n = A.shape[0]
    try:
        L = np.linalg.inv(np.eye(n) - A)
    except np.linalg.LinAlgError:
        raise InputTableError(Issue("I − A is singular: the coefficients admit no positive "
                                    "output (check that inputs per unit are below 1)",
                                    file=source)) from None
    if not np.all(np.isfinite(L)):
        raise InputTableError(Issue("I − A is numerically singular", file=source))
    return L


def ghosh_inverse(B: np.ndarray, source: str = "<table>") -> np.ndarray:
    """``G = (I − B)⁻¹``."""
    return leontief_inverse(B, source)


def output_multipliers(table: IOTable) -> np.ndarray:
    """Leontief (backward) output multipliers: column sums of ``L``."""
    return leontief_inverse(table.A, table.source).sum(axis=0)


def ghosh_multipliers(table: IOTable) -> np.ndarray:
    """Ghosh (forward) multipliers: row sums of ``G``."""
    return ghosh_inverse(table.B, table.source).sum(axis=1)


def demand_effect(table: IOTable, delta_f: np.ndarray) -> np.ndarray:
    """Output change by sector from a final-demand change: ``Δx = L Δf``."""
    return leontief_inverse(table.A, table.source) @ np.asarray(delta_f, dtype=float)


def supply_effect(table: IOTable, delta_v: np.ndarray) -> np.ndarray:
    """Output change by sector from a primary-input change: ``Δxᵀ = Δvᵀ G``."""
    return np.asarray(delta_v, dtype=float) @ ghosh_inverse(table.B, table.source)


def shock_vector(table: IOTable, changes: Mapping[str, float | str], basis: np.ndarray
                 ) -> np.ndarray:
    """A shock vector from ``{label: change}``; a change ``"-10%"`` is relative to ``basis``."""
    delta = np.zeros(len(table.labels))
    for label, change in changes.items():
        i = table.index(label)
        if isinstance(change, str):
            text = change.strip()
            try:
                if text.endswith("%"):
                    delta[i] += float(text[:-1]) / 100.0 * basis[i]
                else:
                    delta[i] += float(text)
            except ValueError:
                raise InputTableError(Issue(f"'{change}' is not a number or a percentage",
                                            path=label)) from None
        else:
            delta[i] += float(change)
    if not np.all(np.isfinite(delta)):
        raise InputTableError(Issue("shock values must be finite numbers"))
    return delta


# --- Reading tables ----------------------------------------------------------------------------


def load_table(path: str | Path, coefficients: bool = False) -> IOTable:
    """Read a symmetric table from CSV or Parquet (see the module docstring for the layout).

    With ``coefficients=True`` the sector block is ``A`` and final-demand columns are required.
    Every problem is an ``InputTableError`` naming the file and the row or column.
    """
    shown = str(path)
    data = read_regular_file(path, MAX_TABLE_BYTES,
                             lambda message: InputTableError(Issue(message, file=shown)),
                             what="table")
    if Path(path).suffix.lower() in (".parquet", ".pq"):
        header, rows = _read_parquet(data, shown)
        header_line = None
    else:
        header, rows, header_line = _read_csv(data, shown)
    return _build(header, rows, shown, coefficients, header_line)


Row = tuple[int | None, str, list[str | float | None]]
"""Line number (None for Parquet, which has no lines), label, cells."""


def _read_csv(data: bytes, shown: str) -> tuple[list[str], list[Row], int]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputTableError(Issue(f"not UTF-8 text (byte {exc.start} cannot be decoded)",
                                    file=shown)) from None
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InputTableError(Issue("the table is empty", file=shown))
    try:
        dialect = csv.Sniffer().sniff(lines[0][1], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        parsed = [(number, next(csv.reader([line], dialect))) for number, line in lines]
    except csv.Error as exc:
        raise InputTableError(Issue(f"malformed CSV: {exc}", file=shown)) from None
    header_line, header = parsed[0]
    rows: list[Row] = []
    for number, cells in parsed[1:]:
        if len(cells) != len(header):
            raise InputTableError(Issue(f"row has {len(cells)} cells but the header has "
                                        f"{len(header)}", file=shown, line=number))
        rows.append((number, cells[0].strip(), [c.strip() for c in cells[1:]]))
    return [h.strip() for h in header[1:]], rows, header_line


def _read_parquet(data: bytes, shown: str) -> tuple[list[str], list[Row]]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputTableError(Issue("reading Parquet needs pyarrow (pip install pyarrow); "
                                    "or save the table as CSV", file=shown)) from None
    try:
        table = pq.read_table(pa.BufferReader(data))
    except Exception as exc:  # pyarrow raises many types for damaged files
        raise InputTableError(Issue(f"cannot read Parquet: {exc}", file=shown)) from None
    names = [str(name) for name in table.column_names]
    if not names:
        raise InputTableError(Issue("the table has no columns", file=shown))
    columns = table.to_pydict()
    labels = [str(v) if v is not None else "" for v in columns[names[0]]]
    rows: list[Row] = []
    for r, label in enumerate(labels):
        rows.append((None, label.strip(), [columns[name][r] for name in names[1:]]))
    return names[1:], rows


class _Where(TypedDict, total=False):
    """Where a table's problem is, as ``Issue`` keywords."""

    file: str
    line: int


def _number(cell: str | float | None) -> float | None:
    if cell is None:
        return None
    if isinstance(cell, (int, float)):
        return float(cell)
    text = cell.replace("\u2212", "-").strip()
    if text == "":
        return None
    return float(text)


def _build(header: list[str], rows: list[Row], shown: str, coefficients: bool,
           header_line: int | None) -> IOTable:
    def where(line: int | None, row: int) -> _Where:
        # CSV rows are located by line; Parquet rows by their 1-based row number.
        return {"file": shown, "line": line} if line is not None else {"file": f"{shown} "
                                                                        f"row {row + 1}"}

    issues: list[Issue] = []
    seen: dict[str, int] = {}
    for c, label in enumerate(header):
        if not label:
            issues.append(Issue(f"column {c + 2} has no label", file=shown, line=header_line))
        elif label in seen:
            issues.append(Issue(f"duplicate column label '{label}'", file=shown, line=header_line))
        seen[label] = c
    row_labels: dict[str, int] = {}
    for r, (line, label, _) in enumerate(rows):
        if not label:
            issues.append(Issue("row has no label", **where(line, r)))
        elif label in row_labels:
            issues.append(Issue(f"duplicate row label '{label}'",
                                **where(line, r)))
        row_labels.setdefault(label, r)
    if issues:
        raise InputTableError(issues)
    sectors = [label for label in header if label in row_labels]
    if not sectors:
        raise InputTableError(Issue("no sectors: no label appears both as a row and as a "
                                    "column", file=shown))
    output_cols = [label for label in header if label.lower() in OUTPUT_COLUMNS
                   and label not in row_labels]
    if len(output_cols) > 1:
        raise InputTableError(Issue(f"more than one output column: {', '.join(output_cols)}",
                                    file=shown, line=header_line))
    final_cols = [label for label in header
                  if label not in row_labels and label not in output_cols]
    if coefficients and not final_cols:
        raise InputTableError(Issue("a coefficient table needs final-demand columns",
                                    file=shown, line=header_line))
    if not coefficients and not final_cols and not output_cols:
        raise InputTableError(Issue("give an output column or final-demand columns",
                                    file=shown, line=header_line))
    wanted = sectors + final_cols + output_cols
    values = np.zeros((len(sectors), len(wanted)))
    for i, label in enumerate(sectors):
        r = row_labels[label]
        line, _, cells = rows[r]
        for j, column in enumerate(wanted):
            cell = cells[seen[column]]
            try:
                number = _number(cell)
            except ValueError:
                issues.append(Issue(f"column '{column}': '{cell}' is not a number",
                                    **where(line, r)))
                continue
            if number is None:
                if column in sectors or column in output_cols:
                    issues.append(Issue(f"column '{column}': empty cell (write 0)",
                                        **where(line, r)))
                continue
            if not math.isfinite(number):
                issues.append(Issue(f"column '{column}': {cell} is not a finite number",
                                    **where(line, r)))
                continue
            values[i, j] = number
    if issues:
        raise InputTableError(issues)
    n = len(sectors)
    block = values[:, :n]
    f = values[:, n:n + len(final_cols)].sum(axis=1)
    given_x = values[:, -1] if output_cols else None
    negative = [(sectors[i], sectors[j]) for i, j in zip(*np.nonzero(block < 0), strict=True)]
    if negative:
        i_label, j_label = negative[0]
        r = row_labels[i_label]
        issues.append(Issue(f"column '{j_label}': negative intermediate value "
                            f"({len(negative)} in all)",
                            **where(rows[r][0], r)))
        raise InputTableError(issues)
    labels = tuple(sectors)
    if coefficients:
        return from_coefficients(block, f, labels, shown)
    if given_x is not None:
        for i, label in enumerate(sectors):
            r = row_labels[label]
            if given_x[i] < 0:
                issues.append(Issue(f"column '{output_cols[0]}': negative output",
                                    **where(rows[r][0], r)))
            elif final_cols:
                balance = block[i].sum() + f[i]
                scale = max(abs(given_x[i]), abs(balance), 1e-300)
                if abs(balance - given_x[i]) > BALANCE_TOLERANCE * scale:
                    issues.append(Issue(
                        f"row does not balance: intermediate plus final demand is {balance:.6g} "
                        f"but output is {given_x[i]:.6g}",
                        **where(rows[r][0], r)))
        if issues:
            raise InputTableError(issues)
        return from_flows(block, given_x, None if not final_cols else f, labels, shown)
    return from_flows(block, None, f, labels, shown)
