"""Plain-text views of a game for terminals and logs: a timeline by turn and indicator tables."""

from __future__ import annotations

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


def economy_table(game: Game) -> list[str]:
    """Value added lost so far and this week, by region, for a game with an economy."""
    network = game.economy
    if network is None:
        return []
    unit = game.scenario.economy.world.value_unit  # type: ignore[union-attr]
    total = network.losses_by_region(cumulative=True)
    weekly = network.losses_by_region()
    return table(((region, format_value(total[region]), format_value(weekly[region]))
                  for region in total),
                 ("region", f"value added lost ({unit})", f"now ({unit}/week)"))
