"""Typed inputs built from a move's parameter specifications, with inline errors.

Why a helper: every form of the UI (a player's move, the white cell's injected move) builds its
inputs from the engine's parameter specs, so bounds and choices are shown where they are typed,
and reading them back turns text into the types the engine validates (it still has the last word:
an engine ``MoveError`` is shown inline too, and nothing changes).
"""

from __future__ import annotations

import math
from typing import Any

from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Select, Static

from wargame.views import MoveView, ParamView


class FormError(ValueError):
    """A value that cannot be read as its parameter's type; the message is shown inline."""


class Tick(Checkbox):
    """A checkbox whose box is empty when unticked, so the state is seen without colour.

    Why: Textual's checkbox draws the same ``X`` ticked or not and tells them apart by its
    colour alone, which a terminal with a dim palette (or a person who does not see the two
    greens apart) loses; ``app.tcss`` colours them apart as well."""

    def __init__(self, label: str, value: bool = False, **kwargs: Any) -> None:
        super().__init__(label, value, **kwargs)
        self.BUTTON_INNER = "X" if value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        super().watch_value()


def read_number(name: str, text: str, integer: bool) -> int | float:
    """``text`` as a whole number or a finite number, or a ``FormError`` naming ``name``.

    Why the field itself does not restrict what is typed: a field that drops what it does not
    accept turned ``12.5`` into ``125`` without a word. Every key reaches the field, and what is
    not a number is said here. ``2.0`` is the whole number 2."""
    kind = "a whole number" if integer else "a number"
    if integer:
        try:
            return int(text)  # exact, however many digits
        except ValueError:
            pass
    try:
        value = float(text)
    except ValueError:
        raise FormError(f"{name}: must be {kind} (got {text})") from None
    if not math.isfinite(value):
        raise FormError(f"{name}: must be a finite number (got {text})")
    if not integer:
        return value
    if not value.is_integer():
        raise FormError(f"{name}: must be a whole number (got {text})")
    return int(value)


def whole_number(text: str) -> int | None:
    """``text`` as a whole number written in ASCII digits (an optional sign), else None.

    Why not ``str.isdigit``: it takes ``²`` and other digits ``int`` refuses (a traceback), and
    the fields that use this have no key filter (one dropped the ``.`` of ``12.5``)."""
    body = text[1:] if text[:1] in "+-" else text
    if not (body.isascii() and body.isdigit()):
        return None
    return int(text)


def _hint(param: ParamView) -> str:
    parts = []
    if param.minimum is not None or param.maximum is not None:
        low = "" if param.minimum is None else f"{param.minimum:g}"
        high = "" if param.maximum is None else f"{param.maximum:g}"
        parts.append(f"{low}–{high}")
    if param.default is not None:
        parts.append(f"default {param.default}")
    if param.unit:
        parts.append(param.unit)
    return ", ".join(parts)


def param_widgets(move: MoveView, prefix: str) -> list[Any]:
    """Label + input for each parameter of ``move``; ids are ``{prefix}-{param}``."""
    widgets: list[Any] = []
    for param in move.params:
        label = param.description or param.name
        widget_id = f"{prefix}-{param.name}"
        if param.type == "choice":
            widgets.append(Static(f"{param.name}: {label}", classes="param-label"))
            has_default = param.default is not None
            widgets.append(Select([(choice, choice) for choice in param.choices],
                                  value=param.default if has_default else Select.NULL,
                                  id=widget_id, allow_blank=not has_default, compact=True))
        elif param.type == "boolean":
            widgets.append(Tick(f"{param.name}: {label}", value=bool(param.default),
                                id=widget_id, compact=True))
        else:
            widgets.append(Static(f"{param.name}: {label} ({_hint(param)})",
                                  classes="param-label"))
            widgets.append(Input(value="" if param.default is None else f"{param.default:g}",
                                 placeholder=_hint(param), id=widget_id, compact=True))
    return widgets


def read_params(move: MoveView, container: Vertical, prefix: str) -> dict[str, Any]:
    """The typed values of the form; blank numbers are left out (the engine's default).

    Bounds are checked here as well as by the engine so that the message names the field as
    the form shows it (``levels``, not the engine's path ``move.params.levels``)."""
    values: dict[str, Any] = {}
    for param in move.params:
        widget = container.query_one(f"#{prefix}-{param.name}")
        if isinstance(widget, Select):
            if widget.value is Select.NULL:
                raise FormError(f"{param.name}: choose one of {', '.join(param.choices)}")
            values[param.name] = widget.value
        elif isinstance(widget, Checkbox):
            values[param.name] = widget.value
        elif isinstance(widget, Input):
            text = widget.value.strip()
            if not text:
                continue
            value = read_number(param.name, text, param.type == "integer")
            if param.minimum is not None and value < param.minimum:
                raise FormError(f"{param.name}: must be ≥ {param.minimum:g} (got {text})")
            if param.maximum is not None and value > param.maximum:
                raise FormError(f"{param.name}: must be ≤ {param.maximum:g} (got {text})")
            values[param.name] = value
    return values
