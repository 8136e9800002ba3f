"""GDP lost by region and year as columns of a batch's summary, beside the scenario's outcomes.

For a scenario with an economy every replication records, for each region of its world and the
world as a whole, the GDP (value added) lost over the run against the baseline world, in bn USD
and as a share of the region's GDP a year, and the same for each calendar year the game covers:

    gdp_loss_bn.<region>            gdp_loss_share.<region>
    gdp_loss_bn.<region>.<year>     gdp_loss_share.<region>.<year>

(``<region>`` is ``world`` for the sum of the regions). Scenario outcome ids cannot hold a dot,
so these never collide with one; they come measure by measure, region by region (the world's
order, the world last), the run then its years, so related columns stand together. They are
plain float columns listed in the manifest's ``outcomes`` like the scenario's own, so summaries,
paired comparisons, CSV exports, resumes and other tools see them as outcomes. The columns are
fixed before anything runs, from the world's regions and the calendar years from the start to
the horizon, so every replication (and every chunk, and a resume) has the same ones.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from wargame.economy.network import SupplyNetwork
from wargame.engine.game import Game
from wargame.scenario.schema import Scenario
from wargame.text import gdp_loss_total

PREFIX = "gdp_loss_"
MEASURES = ("bn", "share")
WORLD = "world"
WORLD_TOTALS = (f"{PREFIX}bn.{WORLD}", f"{PREFIX}share.{WORLD}")
"""The world's GDP lost over the run, bn USD and share: the headline columns."""
_COLUMN = re.compile(r"gdp_loss_(bn|share)\.([a-z][a-z0-9_]*)(?:\.(\d{4}))?")


@dataclass(frozen=True)
class GdpColumn:
    """What a GDP-loss column holds: ``measure`` (``bn`` or ``share``), the region (or
    ``world``) and the calendar year (None: over the whole run)."""

    measure: str
    region: str
    year: int | None = None

    @property
    def name(self) -> str:
        return column_name(self.measure, self.region, self.year)


def column_name(measure: str, region: str, year: int | None = None) -> str:
    return f"{PREFIX}{measure}.{region}" + ("" if year is None else f".{year}")


def parse_column(name: str) -> GdpColumn | None:
    """The column's measure, region and year, or None for a scenario outcome."""
    match = _COLUMN.fullmatch(name)
    if match is None:
        return None
    measure, region, year = match.groups()
    return GdpColumn(measure, region, None if year is None else int(year))


def is_gdp_column(name: str) -> bool:
    return parse_column(name) is not None


def unknown_outcome(name: str, known: Iterable[str], scenario: str) -> str:
    """The message for an outcome a scenario or a batch does not have, the same from every
    analysis (a ``RequestError``): the first names it has, and how GDP columns are named (too
    many to list)."""
    names = list(known)
    listed = ", ".join(names[:40]) or "none"
    hint = "; GDP columns are gdp_loss_share.<region>" if any(map(is_gdp_column, names)) else ""
    return f"unknown outcome '{name}' for {scenario} (expected one of: {listed}{hint})"


def scenario_outcomes(names: Iterable[str]) -> list[str]:
    """The scenario's own outcomes among a batch's columns (the GDP-loss columns left out)."""
    return [name for name in names if not is_gdp_column(name)]


def gdp_columns_of(names: Iterable[str]) -> list[GdpColumn]:
    """The GDP-loss columns among a batch's columns, parsed, in the batch's order."""
    return [column for column in map(parse_column, names) if column is not None]


def calendar_years(scenario: Scenario) -> list[int]:
    """The calendar years a game of the scenario covers, from its start to its horizon (the
    years ``Game.gdp_loss()`` reports for a game played to the end)."""
    start = scenario.meta.start
    end = start + dt.timedelta(weeks=scenario.meta.horizon_weeks)
    return list(range(start.year, end.year + 1))


def world_regions(scenario: Scenario) -> tuple[str, ...]:
    """The regions of the scenario's world, in its order (none without an economy)."""
    if scenario.economy is None:
        return ()

    return SupplyNetwork(scenario.economy.world).regions


def gdp_columns(scenario: Scenario) -> list[str]:
    """The GDP-loss columns a batch of the scenario records: all of bn USD, then all of the
    shares; in each, region by region in the world's order (the world last), the whole run then
    each year. None without an economy."""
    if scenario.economy is None:
        return []
    regions = (*world_regions(scenario), WORLD)
    years = (None, *calendar_years(scenario))
    return [column_name(measure, region, year)
            for measure in MEASURES for region in regions for year in years]


def gdp_values(game: Game, columns: Sequence[str]) -> dict[str, float | None]:
    """The replication's value for each GDP-loss column: ``Game.gdp_loss()`` for the years and
    their sums for the whole run (a year the game did not reach, or a region the world lacks,
    is null)."""
    loss = game.gdp_loss()
    totals = gdp_loss_total(loss)
    values: dict[str, float | None] = {}
    for name in columns:
        column = parse_column(name)
        assert column is not None
        key = "bn_usd" if column.measure == "bn" else "share"
        if column.year is None:
            found = totals.get(column.region)
        else:
            found = loss.get(column.region, {}).get(column.year)
        values[name] = None if found is None else float(found[key])
    return values
