"""Typed inputs built from a move's parameter specifications, with inline errors.

Why a helper: every form of the UI (a player's move, the white cell's injected move) builds its
inputs from the engine's parameter specs, so bounds and choices are shown where they are typed,
and reading them back turns text into the types the engine validates (it still has the last word:
an engine ``MoveError`` is shown inline too, and nothing changes).
"""

from __future__ import annotations

from typing import Any

from textual.containers import Vertical
from textual.widgets import Checkbox, Input, Select, Static

from tui.session import MoveView, ParamView


class FormError(ValueError):
    """A value that cannot be read as its parameter's type; the message is shown inline."""


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
            widgets.append(Checkbox(f"{param.name}: {label}", value=bool(param.default),
                                    id=widget_id, compact=True))
        else:
            widgets.append(Static(f"{param.name}: {label} ({_hint(param)})",
                                  classes="param-label"))
            widgets.append(Input(value="" if param.default is None else f"{param.default:g}",
                                 placeholder=_hint(param), id=widget_id,
                                 type="integer" if param.type == "integer" else "number",
                                 compact=True))
    return widgets


def read_params(move: MoveView, container: Vertical, prefix: str) -> dict[str, Any]:
    """The typed values of the form; blank numbers are left out (the engine's default)."""
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
            try:
                values[param.name] = int(text) if param.type == "integer" else float(text)
            except ValueError:
                kind = "a whole number" if param.type == "integer" else "a number"
                raise FormError(f"{param.name}: must be {kind} (got {text!r})") from None
    return values
