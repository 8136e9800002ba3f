"""Shared pieces of the fuzz benchmark (``benchmarks/fuzz.py``): outcome classes, the per-input
context that sorts what a call raised into those classes, the oracles every target applies to a
game it played (finite state, a save that replays byte for byte), and value pools.

Kept apart from the targets so that the runner and every target agree on one meaning of
"project error", "traceback", "hang", "unreplayable save", "mutation leak" and "wrong result".
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import sys
import traceback
from pathlib import Path
from typing import Any

import numpy as np

from wargame import Game, WargameError

REPO = Path(__file__).resolve().parents[1]
"""The checkout: frames in ``wargame/`` and ``tui/`` below it are the project's own."""
OWN_DIRS = (str(REPO / "wargame") + "/", str(REPO / "tui") + "/")

OK, PROJECT, TRACEBACK, HANG, UNREPLAYABLE, LEAK, WRONG = (
    "ok", "project error", "traceback", "hang", "unreplayable save", "mutation leak",
    "wrong result")
CLASSES = (OK, PROJECT, TRACEBACK, HANG, UNREPLAYABLE, LEAK, WRONG)
FAILURES = (TRACEBACK, HANG, UNREPLAYABLE, LEAK, WRONG)
"""Classes that make the script exit non-zero."""


class FuzzTimeout(BaseException):
    """Raised by the per-input alarm. A ``BaseException``, so that the engine's and the CLI's
    ``except Exception`` cannot swallow it and a hang is reported as a hang."""


class Finding(Exception):
    """What an input found: its class, a cause that identifies it across inputs (the same bug
    gives the same cause), and a detail for people (the message, the traceback)."""

    def __init__(self, kind: str, cause: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {cause}")
        self.kind, self.cause, self.detail = kind, cause, detail


def own_frame(frames: list[traceback.FrameSummary]) -> traceback.FrameSummary | None:
    """The deepest frame in the project's own code (where a bug is to be looked for)."""
    mine = [frame for frame in frames if frame.filename.startswith(OWN_DIRS)]
    return mine[-1] if mine else None


def where(frame: traceback.FrameSummary | None, line: bool = True) -> str:
    if frame is None:
        return "outside wargame"
    name = frame.filename
    for folder in OWN_DIRS:
        if name.startswith(folder):
            name = str(Path(name).relative_to(REPO))
    return f"{name}:{frame.lineno} in {frame.name}" if line else f"{name} in {frame.name}"


def exception_cause(exc: BaseException, *, line: bool = True) -> tuple[str, str]:
    """(cause, detail) of an exception: its type and the project frame it came through."""
    frames = traceback.extract_tb(exc.__traceback__)
    mine = own_frame(frames)
    raised = frames[-1] if frames else None
    cause = f"{type(exc).__name__} at {where(mine, line)}"
    detail = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-12:])
    if raised is not None and raised is not mine:
        cause += f" (raised in {Path(raised.filename).name}:{raised.name})"
    return cause, shorten(detail, 4000)


def shorten(text: str, limit: int = 300) -> str:
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text if len(text) <= limit else text[: limit - 20] + f"… ({len(text)} chars)"


_DIGITS = re.compile(r"\d+(\.\d+)?(e[-+]?\d+)?")


def normalise(message: str, limit: int = 90) -> str:
    """A message with its numbers and quoted values blanked, so one bug is one cause."""
    first = message.strip().split("\n")[0]
    first = re.sub(r"'[^']*'", "'…'", first)
    first = _DIGITS.sub("#", first)
    return shorten(first, limit)


class Context:
    """One input's run: sorts what each call raised, counts refusals, holds the scratch folder.

    ``api(what, call, ...)`` returns ``(True, result)``, or ``(False, error)`` for a
    ``WargameError`` (the project refused, in words: fine); anything else becomes a
    ``Finding`` of class traceback and ends the input.
    """

    def __init__(self, scratch: Path, fixtures: Path) -> None:
        self.scratch = scratch
        self.fixtures = fixtures
        self.refusals = 0
        self.last_error = ""

    def api(self, what: str, call: Any, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
        try:
            return True, call(*args, **kwargs)
        except WargameError as exc:
            self.refused(what, str(exc))
            return False, exc
        except (FuzzTimeout, MemoryError, Finding):
            raise
        except RecursionError as exc:
            cause, detail = exception_cause(exc, line=False)
            raise Finding(TRACEBACK, cause, f"{what}\n{detail}") from None
        except Exception as exc:
            cause, detail = exception_cause(exc)
            raise Finding(TRACEBACK, cause, f"{what}\n{detail}") from None

    def refused(self, what: str, message: str) -> None:
        self.refusals += 1
        self.last_error = message
        if not message.strip():
            raise Finding(WRONG, f"{what}: an error with no message")
        if "Traceback (most recent call last)" in message:
            raise Finding(WRONG, f"{what}: a traceback inside an error message",
                          shorten(message, 2000))


# ---- oracles ------------------------------------------------------------------------------------

def finite(value: Any) -> bool:
    try:
        return math.isfinite(value)
    except (TypeError, OverflowError):
        return False


def check_state(game: Game, after: str) -> None:
    """Indicators finite and within their bounds, outcomes finite or empty, time finite; reading
    them may not raise (a crash there is the reader's traceback, not the harness's)."""
    try:
        _check_state(game, after)
    except (FuzzTimeout, MemoryError, Finding):
        raise
    except Exception as exc:
        cause, detail = exception_cause(exc)
        raise Finding(TRACEBACK, cause, f"reading the game after {after}\n{detail}") from None


def _check_state(game: Game, after: str) -> None:
    if not finite(game.week):
        raise Finding(WRONG, f"game time not finite after {after}", repr(game.week))
    for name, value in game.indicators().items():
        spec = game.scenario.indicators[name]
        if not finite(value):
            raise Finding(WRONG, f"indicator not finite after {after}", f"{name} = {value!r}")
        low = -math.inf if spec.min is None else spec.min
        high = math.inf if spec.max is None else spec.max
        if not low <= value <= high:
            raise Finding(WRONG, f"indicator outside its bounds after {after}",
                          f"{name} = {value!r} not in [{low}, {high}]")
    for name, value in game.outcomes().items():
        if value is not None and not finite(value):
            raise Finding(WRONG, f"outcome not finite after {after}", f"{name} = {value!r}")


def non_finite_paths(data: Any, path: str = "") -> list[str]:
    """Paths of numbers in JSON-like data that are not finite (or too large for a float)."""
    if isinstance(data, dict):
        return [p for key, value in data.items() for p in non_finite_paths(value, f"{path}.{key}")]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in non_finite_paths(value, f"{path}[{i}]")]
    if isinstance(data, float) and not math.isfinite(data):
        return [f"{path} = {data!r}"]
    return []


def check_scenario_numbers(scenario: Any, where_from: str) -> None:
    from wargame.scenario.loader import scenario_dump

    bad = non_finite_paths(scenario_dump(scenario))
    if bad:
        raise Finding(WRONG, f"non-finite number accepted into a scenario ({where_from})",
                      "; ".join(bad[:5]))


def check_save(ctx: Context, game: Game, what: str) -> str:
    """Save the game, replay the save with verification, require the same text: what a user
    relies on when they close the game. Returns the saved text."""
    path = ctx.scratch / "save.jsonl"
    try:
        game.journal.save(path)
    except (FuzzTimeout, MemoryError):
        raise
    except Exception as exc:
        kind = type(exc).__name__
        message = normalise(str(exc)) if isinstance(exc, WargameError) else exception_cause(exc)[0]
        raise Finding(UNREPLAYABLE, f"save cannot be written ({kind}): {message}",
                      f"after {what}: {shorten(str(exc), 1500)}") from None
    text = path.read_text(encoding="utf-8")
    try:
        again = Game.replay(path, verify=True)
    except (FuzzTimeout, MemoryError):
        raise
    except WargameError as exc:
        message = str(exc)
        if "scenario does not validate" in message:  # one cause, whichever field and rule
            message = message.split(" does not validate")[0] + " does not validate"
        raise Finding(UNREPLAYABLE, f"save does not replay ({type(exc).__name__}): "
                      f"{normalise(message)}", f"after {what}: {shorten(str(exc), 1500)}") \
            from None
    except Exception as exc:
        cause, detail = exception_cause(exc)
        raise Finding(UNREPLAYABLE, f"save does not replay: {cause}", detail) from None
    if again.journal.text() != text:
        raise Finding(UNREPLAYABLE, "replay of a save differs from the save", what)
    return text


def duplicate_keys(line: str) -> list[str]:
    """Keys that occur twice in one JSON object of a line (json keeps the last silently)."""
    found: list[str] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                found.append(key)
            seen.add(key)
        return dict(pairs)

    with contextlib.suppress(ValueError, RecursionError):
        json.loads(line, object_pairs_hook=hook)
    return found


# ---- values -------------------------------------------------------------------------------------

BIG = 10**400
NUMBERS: list[Any] = [
    0, -0.0, -1, 1, 2, 3, 0.5, 1.5, 0.3, 0.7, 1e-300, 5e-324, 1e-9, 1e-6, 1e300,
    1.7976931348623157e308, -1e308, BIG, -BIG, 10**4000, 2**53, 2**53 + 1, 2**63, 2**64,
    math.nan, math.inf, -math.inf, True, False, None, "1", "1:30", "", "nan", [], {}, [1],
    {"a": 1}, np.float64(0.5), np.float64(math.nan), np.int64(2), np.bool_(True), 3.0,
    0.1 + 0.2, 4.000000000000001, -1e-300,
]
"""Python values where a number goes: edges of a float, beyond a float, beyond 64 bits, not
finite, not numbers, numpy scalars (a client computing a value with numpy passes these)."""

TEXTS: list[str] = [
    "the exercise needs it", "", " ", "\t\n", "ok", "\ud800", "a\udfffb", "\udc80",
    "\u202eevil\u202c", "\u200b", "\u200d\u200d", "\ufeffbom", "\x00", "nul\x00in",
    "\x1b[31mred\x1b[0m", "\r\n", "\u2028\u2029", "x" * 10_000, "x" * 10_001, "é" * 6000,
    "\U0001f642" * 3000, "x" * 200_000, "line\nbreak", "{}", "%(x)s %s {0}", "<b>&amp;</b>",
    "]]>", "\\", '"', "'", "\U0010ffff", "\ufffe", "\ufdd0", "\ud83d\ude00", "\ud83d",
]
"""Free text: lone surrogates, bidi and zero-width characters, control characters, text at and
past the project's 10,000-character limit, and huge."""

NUM_TOKENS: list[str] = [
    "0", "-1", "1e-300", "5e-324", "1e-9", "1e-6", "1e300", "1.7976931348623157e308",
    "1" + "0" * 400, "9" * 5000, ".nan", ".inf", "-.inf", "nan", "inf", "1:30", "010", "0o17",
    "0x1F", "1_000", "yes", "on", "no", "1e5", ".5", "+1", "-0", "1.", "18446744073709551616",
    "9007199254740993", "1.0e+999", "true", "null", '"1"', "[1]", "{}", "0.0000001", "-1e-300",
    "2.5", "1e-320", "0b11", "~", "''", "!!float nan", "!!float 1e999", "!!int '0x1F'",
    "!!binary MQ==", "!!str 5",
]
"""YAML text where a number goes: edges and beyond, not finite, and the YAML 1.1 surprises
(``1:30`` is 90 there, ``010`` is 8, ``yes`` is true)."""

SURPRISES: dict[str, tuple[float, ...]] = {
    "1:30": (), "yes": (), "on": (), "no": (), "0b11": (), "1_000": (1000.0,),
    "010": (10.0,), "0o17": (15.0,), "0x1F": (31.0,), "1e5": (1e5,), ".5": (0.5,),
    "+1": (1.0,), "-0": (0.0,), "1.": (1.0,), '"1"': (1.0,),
}
"""Tokens whose meaning differs between YAML 1.1 and 1.2, with the numbers a person writing
them can mean (none: it is text and must be refused where a number goes)."""

YAML_TOKENS: list[str] = [
    *NUM_TOKENS, "", "-", ":", "{", "[", "]", "'", '"', "x", "[]", "{a: 1}", "[1, 2]",
    "[" * 49 + "]" * 49, "[" * 60 + "]" * 60, "&a 1", "*a", "!!float 1", "!!binary AAAA",
    "!!python/object/apply:os.system ['true']", "!!set {a}", "!!timestamp 2025-02-30",
    "2025-02-30", "2025-13-40", "9999-12-31", "0001-01-01", "\"\\ud800\"", "\"\\u202e\"",
    "? complex", "<<: {a: 1}", "\x07", "\ufeff", "é", "\U0001f600", "|\n  block", ">-",
    "!!binary G1szMW0=", "!!binary 4oCu", "!!binary 7aCA", "!!str \"\\u202e\"",
    "[" + ", ".join(["1"] * 20_000) + "]", "x" * 20_000,
]
"""Any YAML value: syntax, tags, aliases, nesting at and past the limit, dates, escapes
that decode to a lone surrogate, huge lists and text."""


def pyrepr(value: Any) -> str:
    """``repr`` that is also valid Python for nan, inf, numpy scalars and huge ints."""
    if isinstance(value, np.generic):
        return f"np.{type(value).__name__}({pyrepr(value.item())})"
    if isinstance(value, float):
        if math.isnan(value):
            return "float('nan')"
        if math.isinf(value):
            return "float('inf')" if value > 0 else "-float('inf')"
        return repr(value)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if abs(value) >= 10**300:
            digits = len(str(abs(value))) if abs(value) < 10**4000 else None
            if digits and value == 10 ** (digits - 1):
                return f"10**{digits - 1}"
            if digits and value == -(10 ** (digits - 1)):
                return f"-10**{digits - 1}"
            return f"int('{value}')" if digits else "10**4000"
        return repr(value)
    if isinstance(value, str):
        if len(value) > 200 and len(set(value)) == 1:
            return f"{value[0]!r} * {len(value)}"
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(pyrepr(v) for v in value) + "]"
    if isinstance(value, tuple):
        return "(" + "".join(pyrepr(v) + ", " for v in value) + ")"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{pyrepr(k)}: {pyrepr(v)}" for k, v in value.items()) + "}"
    return repr(value)


def text_literal(text: str) -> str:
    """A Python literal of a (possibly long) text, split over lines for a reproducer file."""
    if len(text) < 200:
        return pyrepr(text)
    parts = text.splitlines(keepends=True)
    return "(\n" + "".join(f"    {pyrepr(part)}\n" for part in parts) + ")"


def set_int_digits() -> None:
    if hasattr(sys, "set_int_max_str_digits"):
        sys.set_int_max_str_digits(0)
