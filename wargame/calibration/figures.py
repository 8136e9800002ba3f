"""The project's own copy of the public figures its numbers cite (``data/figures.csv``).

A number in the default world or a shipped scenario says where it comes from: ``figure: <expr>``
names figures of this file (and arithmetic on them); ``assumption [low, high]: reason`` is our
own choice with its range. This module reads the file once; ``wargame.calibration.sources``
checks the numbers against it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

FILE = "data/figures.csv"


@dataclass(frozen=True, slots=True)
class Figure:
    """One published figure, as the calibration file records it."""

    id: str
    text: str
    """The value as written (``25462.73``, ``2.45``, ``85-92``, ``US 38; KR 16``)."""
    unit: str
    what: str
    year: str
    source: str
    note: str
    file: str
    """Which of the shared calibration files the row was copied from."""

    @property
    def value(self) -> float | None:
        """The figure as a number, when it is one (a range or a list is not)."""
        try:
            return float(self.text.replace(",", ""))
        except ValueError:
            return None

    @property
    def unconfirmed(self) -> bool:
        """The source says it was not seen in a published text: cite it only as the centre of
        an assumption's range."""
        return bool(re.search(r"from memory|unconfirmed|not found", self.source, re.I))


@cache
def figures() -> dict[str, Figure]:
    """Every figure of the project's calibration file, by id."""
    text = resources.files("wargame.calibration").joinpath(FILE).read_text(encoding="utf-8")
    body = "".join(line for line in io.StringIO(text) if not line.startswith("#"))
    return {row["id"]: Figure(row["id"], row["value"], row["unit"], row["what"], row["year"],
                              row["source"], row["note"], row["file"])
            for row in csv.DictReader(io.StringIO(body))}
