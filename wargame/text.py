"""Plain-text views of a game for terminals and logs: a timeline by turn, indicator tables and
the GDP lost by region and year; and the project's number formats, one a job:

- ``short_number``: a reading at a glance (a table, a status line, a report): four significant
  digits, ``-`` for none;
- ``amount``: an economic quantity in a table of effects: four significant digits below 10,000,
  whole above, thousands separated, a sign when asked;
- ``exact_number``: a number in a document a reader checks against the scenario: up to six
  significant digits, never an exponent;
- ``echo_value``: any value a person gave, echoed back in an error message as they wrote it.

This module imports nothing of the engine at run time (its game views only name the engine's
types), so the scenario layer can use ``echo_value`` without an import cycle.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wargame.engine.events import Event
    from wargame.engine.game import Game


NOISE = 1e-9
"""Smaller than this in absolute value is float noise, shown as 0: three shifts of -0.1 from 0.3
leave -2.8e-17, and a loss summed over regions that lost nothing leaves 1e-12; no scenario's
quantity means either."""


def short_number(value: float | None) -> str:
    """A reading at a glance: four significant digits, float noise as 0, thousands in full
    ("12,346", not "1.235e+04"); ``-`` for none."""
    if value is None:
        return "-"
    if not math.isfinite(value):
        return f"{value:.4g}"
    if abs(value) <= NOISE:
        return "0"
    if abs(value) >= 1e4:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def amount(value: float, signed: bool = False) -> str:
    """An economic quantity in a table: four significant digits below 10,000 and whole above,
    thousands separated (``12,345``); ``signed`` puts ``+`` before a gain."""
    text = f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return f"+{text}" if signed and value > 0 else text


def exact_number(value: float) -> str:
    """A number in a document a reader checks against its source: whole numbers as written
    (below 10 million), others to six significant digits, never in exponent notation
    (``0.000206``, not ``2.06e-04``)."""
    if value == 0:
        return "0"
    if float(value).is_integer() and abs(value) < 1e7:
        return str(int(value))
    text = f"{value:.6g}"
    if "e" in text:
        digits = max(0, 5 - math.floor(math.log10(abs(value))))
        text = f"{value:.{digits}f}"
        if "." in text:  # only decimals lose their trailing zeros (12000000 stays itself)
            text = text.rstrip("0").rstrip(".")
    return text


def echo_value(value: object) -> str:
    """A value a person gave, shown back in an error message as they wrote it: ``2`` not
    ``2.0``, text quoted, ``null``/``true``/``false`` as YAML and JSON spell them (moves arrive as
    either), a huge whole number by its size, anything long cut at 60 characters."""
    if value is None or isinstance(value, bool):
        return "null" if value is None else str(value).lower()
    if isinstance(value, int) and abs(value) >= 10**50:  # str() refuses past 4300 digits
        return f"a whole number of about {int(value.bit_length() * math.log10(2)) + 1} digits"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[float], width: int = 16, *, sample: bool = False) -> str:
    """A unicode sparkline: the last ``width`` values, or (``sample``) the whole series thinned
    to about ``width`` points. Flat when the values do not change."""
    points = list(values)
    points = points[::max(1, len(points) // width)] if sample else points[-width:]
    if not points:
        return ""
    low, high = min(points), max(points)
    if high - low < 1e-12:
        return SPARK[3] * len(points)
    return "".join(SPARK[min(7, int((v - low) / (high - low) * 7.999))] for v in points)


def timeline(game: Game, events: Iterable[Event], team: str | None = None) -> list[str]:
    """One line per event, grouped under a heading per turn; ``team`` filters to its view."""
    lines: list[str] = []
    current_turn = None
    turn_weeks = game.scenario.meta.turn_weeks
    for event in events:
        if not event.visible(team) or event.kind == "turn":
            continue
        if event.turn != current_turn:
            current_turn = event.turn
            start = game.date_of((event.turn - 1) * turn_weeks)
            lines.append(f"Turn {event.turn} (from {start.isoformat()})")
        actor = event.actor or "-"
        what = event.description or event.kind
        lines.append(f"  wk {event.week:6.2f}  {game.date_of(event.week).isoformat()}  "
                     f"{actor:<6} {event.kind:<28} {what}  [{event.cause}]")
    return lines


def table(rows: Iterable[tuple[str, ...]], headers: tuple[str, ...]) -> list[str]:
    """A left-aligned text table."""
    rows = [tuple(str(cell) for cell in row) for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(),
           "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return out


def indicator_table(game: Game, team: str | None = None) -> list[str]:
    """Indicator name, value and unit, as ``team`` (None: the white cell) sees them."""
    specs = game.scenario.indicators
    return table(((name, short_number(value), specs[name].unit)
                  for name, value in game.indicators(team).items()),
                 ("indicator", "value", "unit"))


def outcome_table(outcomes: Mapping[str, float | None]) -> list[str]:
    return table(((name, short_number(value)) for name, value in outcomes.items()),
                 ("outcome", "value"))


GdpLoss = Mapping[str, Mapping[int, Mapping[str, float]]]
"""``Game.gdp_loss()``: ``{region: {year: {"bn_usd": lost, "share": lost / GDP}}}`` and
``"world"``."""

def region_names(world: object) -> dict[str, str]:
    """Region id → the name a world file gives it (the id when it gives none). Older worlds
    list regions as ids only; they map to themselves."""
    names: dict[str, str] = {}
    for region in getattr(world, "regions", ()) or ():
        region_id = getattr(region, "id", region)
        if isinstance(region_id, str):
            names[region_id] = getattr(region, "name", "") or region_id
    return names


def gdp_loss_total(loss: GdpLoss) -> dict[str, dict[str, float]]:
    """Each region's (and the world's) loss over all the years played: bn USD, and the share
    of a year's GDP (the sum of the years' shares, GDP being the baseline's every year)."""
    return {region: {"bn_usd": math.fsum(year["bn_usd"] for year in by_year.values()),
                     "share": math.fsum(year["share"] for year in by_year.values())}
            for region, by_year in loss.items()}


def _fixed(value: float, least: int, most: int) -> str:
    """``value`` with ``least`` decimals, more below 1 (two significant digits, up to ``most``)
    so a small number is not shown as nothing; never ``-0``."""
    size = abs(value)
    decimals = least
    if 0 < size < 1:
        decimals = min(most, max(least, 1 - math.floor(math.log10(size))))
    text = f"{value:,.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def billions(value: float | None) -> str:
    """An amount in the world's unit (bn USD): a tenth, two significant digits below 1, to a
    thousandth at most, thousands separated: ``1234.56`` → ``1,234.6``, ``0.0421`` →
    ``0.042``."""
    return "-" if value is None else _fixed(value, 1, 3)


def percent(share: float | None) -> str:
    """A share as a percentage: two decimals, two significant digits below 1%, to 0.0001% at
    most: ``0.01234`` → ``1.23%``, ``0.0000281`` → ``0.0028%``."""
    return "-" if share is None else f"{_fixed(share * 100, 2, 4)}%"


def gdp_loss_rows(loss: GdpLoss, names: Mapping[str, str] | None = None
                  ) -> tuple[list[str], list[list[str]]]:
    """The GDP-loss table as headers and rows of text: a row per region (its name) and the
    world, a column per calendar year and the total, each cell "bn (% of GDP)". The one place
    that formats it: ``wargame run`` and the after-action report both use it."""
    names = names or {}
    years = sorted({year for by_year in loss.values() for year in by_year})
    totals = gdp_loss_total(loss)

    def cell(value: Mapping[str, float]) -> str:
        return f"{billions(value['bn_usd'])} ({percent(value['share'])})"

    rows = [[names.get(region, region), *(cell(by_year[year]) if year in by_year else "-"
                                          for year in years), cell(totals[region])]
            for region, by_year in loss.items()]
    return ["region", *(str(year) for year in years), "total"], rows


def gdp_loss_title(game: Game) -> str:
    """The table's heading, with its units."""
    unit = game.scenario.economy.world.value_unit if game.scenario.economy else "bn USD"
    return (f"GDP lost against the baseline world, by region and year: {unit} "
            "(% of the region's GDP a year)")


def gdp_loss_note(game: Game) -> str:
    """Which parts of the first and last years were played."""
    start, end = game.scenario.meta.start, game.date
    if start.year == end.year:
        return f"{start.year}: {start.isoformat()} to {end.isoformat()} (the part played)"
    return (f"{start.year} from {start.isoformat()}, {end.year} to {end.isoformat()} "
            "(the parts played)")


def economy_table(game: Game) -> list[str]:
    """GDP lost by region and calendar year so far (bn USD and % of GDP), the world and the
    total over the years, for a game with an economy (nothing without one)."""
    loss = game.gdp_loss()
    economy = game.scenario.economy
    if not loss or economy is None:
        return []
    headers, rows = gdp_loss_rows(loss, region_names(economy.world))
    return [gdp_loss_title(game), *table((tuple(row) for row in rows), tuple(headers)),
            gdp_loss_note(game)]
