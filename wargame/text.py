"""Plain-text views of a game for terminals and logs: a timeline by turn, indicator tables and
the GDP lost by region and year."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from wargame.engine.events import Event
from wargame.engine.game import Game


def format_value(value: float | None) -> str:
    """Numbers as people read them: up to four significant digits, no float noise."""
    if value is None:
        return "-"
    return f"{value:.4g}"


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
    return table(((name, format_value(value), specs[name].unit)
                  for name, value in game.indicators(team).items()),
                 ("indicator", "value", "unit"))


def outcome_table(outcomes: Mapping[str, float | None]) -> list[str]:
    return table(((name, format_value(value)) for name, value in outcomes.items()),
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
